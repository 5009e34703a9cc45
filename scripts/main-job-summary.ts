/**
 * The main job's default output (issue 16): under 40 lines and 120 columns, in this order: the reachability verdict
 * per declared flow, the monthly cost per account and in total, the next steps (deploy commands in order, with the
 * values that cross between accounts named by the stack outputs they come from), one line per stack.
 * `--verbose` adds everything the earlier summary printed; `--json` gives all of it to machines.
 */
import { AssemblySummary, formatSummary } from './summarize-assembly';
import { formatCostCompact, formatCostFull } from '../src/cost/format';
import { CostEstimate } from '../src/cost/types';
import { formatVerification, formatVerificationCompact } from '../src/verify/report';
import { VerifyResult } from '../src/verify/verify';

/** Width of every line of the default output. */
export const SUMMARY_WIDTH = 118;

/** A context value a deploy step needs, and the stack output it comes from. */
export interface CrossingValue {
  readonly context: string;
  readonly stack: string;
  readonly output: string;
}

/** One deploy step. */
export interface DeployStep {
  readonly stacks: string[];
  readonly needs: CrossingValue[];
  /** Outputs later steps read. */
  readonly gives: string[];
  readonly note?: string;
}

/**
 * The deploy order of the reference topology (the README's table): the network account first (its Transit Gateway id
 * feeds the others), then the IoT account, the network account again with the profile id, then the consumers.
 * Throws when a named output is missing from the assembly, so the steps cannot drift from the stacks.
 */
export function referenceDeploySteps(summary: AssemblySummary): DeployStep[] {
  const stack = (prefix: string) => summary.stacks.filter((s) => s.stackName === prefix || s.stackName.startsWith(prefix)).map((s) => s.stackName);
  const [network] = stack('Network');
  const [iot] = stack('Iot');
  const consumers = stack('Consumer');
  const tgw: CrossingValue = { context: 'transitGatewayId', stack: network, output: 'TransitGatewayId' };
  const profile: CrossingValue = { context: 'zoneProfileId', stack: iot, output: 'ZoneProfileId' };
  const service: CrossingValue = { context: 'serviceName', stack: iot, output: 'ServiceName' };
  const host: CrossingValue = { context: 'dataEndpointAddress', stack: iot, output: 'IotDataEndpoint' };
  const steps: DeployStep[] = [
    { stacks: [network], needs: [], gives: [`${network}.TransitGatewayId`] },
    { stacks: [iot], needs: [tgw], gives: [`${iot}.ZoneProfileId`, `${iot}.ServiceName`, `${iot}.IotDataEndpoint`] },
    { stacks: [network], needs: [tgw, profile], gives: [] },
  ];
  if (consumers.length > 0) {
    steps.push({ stacks: consumers, needs: [tgw, service, host], gives: [], note: 'then accept each consumer\'s endpoint connection in the IoT account' });
  }
  for (const value of steps.flatMap((s) => s.needs)) {
    const outputs = summary.stacks.find((s) => s.stackName === value.stack)?.outputs ?? {};
    if (!(value.output in outputs)) {
      throw new Error(`deploy steps: stack ${value.stack} has no output ${value.output} (outputs: ${Object.keys(outputs).join(', ') || 'none'})`);
    }
  }
  return steps;
}

/** The next-steps block: one numbered command per deploy step, its context values on continuation lines when long. */
export function formatDeploySteps(steps: DeployStep[], width = SUMMARY_WIDTH): string[] {
  const lines = ['Next steps: deploy in this order (cdk bootstrap each account first; values come from the named outputs)'];
  steps.forEach((step, i) => {
    const tail = [step.gives.length > 0 ? `-> ${step.gives.map((g) => g.split('.')[1]).join(', ')}` : '', step.note ?? ''].filter((t) => t).join('; ');
    const parts = [`  ${i + 1}. npx cdk deploy ${step.stacks.join(' ')}`, ...step.needs.map((n) => `-c ${n.context}=<${n.stack}.${n.output}>`)];
    const oneLine = `${parts.join(' ')}${tail ? ` # ${tail}` : ''}`;
    if (oneLine.length <= width) {
      lines.push(oneLine);
      return;
    }
    // continuation lines as a shell takes them, as many context values on each as fit
    const command: string[] = [parts[0]];
    for (const part of parts.slice(1)) {
      const last = command[command.length - 1];
      if (`${last} ${part} \\`.length <= width) {
        command[command.length - 1] = `${last} ${part}`;
      } else {
        command.push(`       ${part}`);
      }
    }
    lines.push(...command.map((c, j) => (j < command.length - 1 ? `${c} \\` : c)));
    if (tail) {
      lines.push(`     # ${tail}`);
    }
  });
  return lines;
}

/** Everything the main job found, for the formats. */
export interface MainJobResult {
  readonly summary: AssemblySummary;
  readonly verification: VerifyResult;
  readonly cost: CostEstimate;
  readonly steps: DeployStep[];
  readonly outdir: string;
  readonly elapsedMs: number;
  readonly hostnames: { data: string; credentials: string };
}

/** The default output: verdicts, cost, next steps, stacks; under 40 lines of at most `SUMMARY_WIDTH` columns. */
export function formatMainJob(result: MainJobResult): string {
  const { summary, verification, cost, steps, outdir, elapsedMs } = result;
  const lines = [
    `Reference topology: ${summary.stacks.length} stacks, ${new Set(summary.stacks.map((s) => s.account)).size} accounts, synthesized in ${elapsedMs} ms `
      + `into ${outdir}`,
    '',
    ...formatVerificationCompact(verification, { width: SUMMARY_WIDTH }),
    '',
    ...formatCostCompact(cost, { width: SUMMARY_WIDTH }),
    '',
    ...formatDeploySteps(steps),
    '',
    'Stacks:',
    ...summary.stacks.map((s) => `  ${s.stackName.padEnd(Math.max(...summary.stacks.map((t) => t.stackName.length)))}  ${s.account}/${s.region}  `
      + `${s.resourceCount} resources, ${s.lambdaFunctions} Lambda function${s.lambdaFunctions === 1 ? '' : 's'}`),
    'More: --verbose (every resource, rule, output, check and price) or --json; cdk-private-iot verify|cost <outdir>',
  ];
  return lines.join('\n');
}

/** Where a price comes from (listed by `--verbose`). */
export interface PriceSource {
  readonly key: string;
  readonly source: string;
  readonly recorded: string;
  readonly note?: string;
}

/** `--verbose`: the default output, then the full assembly summary, every verification check and the full cost table. */
export function formatMainJobVerbose(result: MainJobResult, sources: PriceSource[]): string {
  return [
    formatMainJob(result),
    '',
    `IoT hostnames: ${result.hostnames.data} (data), ${result.hostnames.credentials} (credentials)`,
    '',
    formatSummary(result.summary),
    '',
    formatVerification(result.verification, { verbose: true }),
    '',
    formatCostFull(result.cost, sources),
  ].join('\n');
}

/** `--json`: all of it. */
export function mainJobJson(result: MainJobResult): string {
  return JSON.stringify({
    schemaVersion: 1,
    kind: 'main-job',
    ok: result.verification.ok,
    outdir: result.outdir,
    elapsedMs: result.elapsedMs,
    hostnames: result.hostnames,
    verification: {
      ok: result.verification.ok, flows: result.verification.flows, verdicts: result.verification.verdicts, notes: result.verification.notes,
    },
    cost: result.cost,
    steps: result.steps,
    stacks: result.summary.stacks,
  }, undefined, 2);
}
