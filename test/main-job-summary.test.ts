/**
 * The main job's default output (issue 16): under 40 lines and 120 columns; the verdict first, then the monthly cost,
 * the next steps and one line per stack; `--verbose` keeps everything the earlier summary printed; `--json` all of it.
 * The README shows the output of the committed code.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildReferenceTopology, MAIN_JOB_OPTIONS, PLACEHOLDERS, ReferenceTopologyOptions } from '../examples/reference-topology';
import {
  formatDeploySteps, formatMainJob, formatMainJobVerbose, mainJobJson, MainJobResult, referenceDeploySteps, SUMMARY_WIDTH,
} from '../scripts/main-job-summary';
import { summarizeAssembly } from '../scripts/summarize-assembly';
import { estimateAssemblyDirectory } from '../src/cost/estimate';
import { verifyAssemblyDirectory } from '../src/verify/verify';

const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.context.json'), 'utf-8'));

function mainJob(options: ReferenceTopologyOptions = MAIN_JOB_OPTIONS): MainJobResult {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'main-job-'));
  buildReferenceTopology({ ...options, outdir, context }).app.synth();
  const summary = summarizeAssembly(outdir);
  return {
    summary,
    verification: verifyAssemblyDirectory(outdir),
    cost: estimateAssemblyDirectory(outdir),
    steps: referenceDeploySteps(summary),
    outdir: 'cdk.out.reference',
    elapsedMs: 1234,
    hostnames: { data: PLACEHOLDERS.dataEndpointAddress, credentials: PLACEHOLDERS.credentialsEndpointAddress },
  };
}

describe('the default output of the reference topology', () => {
  const result = mainJob();
  const text = formatMainJob(result);
  const lines = text.split('\n');

  test('fits one screen: under 40 lines, none wider than 120 columns', () => {
    expect(lines.length).toBeLessThan(40);
    expect(lines.filter((l) => l.length > SUMMARY_WIDTH)).toEqual([]);
    expect(SUMMARY_WIDTH).toBeLessThan(120);
  });

  test('in this order: verdicts, monthly cost, next steps, stacks', () => {
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const order = [/^Reachability: 21 of 21 flows as declared/, /^Monthly cost estimate: \$1,019\.45 fixed/, /^Next steps: deploy in this order/, /^Stacks:$/].map(at);
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(lines[0]).toBe('Reference topology: 3 stacks, 3 accounts, synthesized in 1234 ms into cdk.out.reference');
  });

  test('one line per source and outcome, with the hostnames, the ports and what blocks', () => {
    expect(lines).toContain('  PASS     on-premises 192.168.0.0/16   data 8883,443,8443; credentials, greengrass, logs, s3 443');
    expect(lines).toContain('  BLOCKED  internet 192.0.2.0/24        front door 443,8443,8883 (at Iot/FrontDoorSecurityGroup)');
  });

  test('one line per stack with its resources and Lambda functions', () => {
    expect(lines.slice(lines.indexOf('Stacks:') + 1, lines.indexOf('Stacks:') + 4)).toEqual([
      expect.stringMatching(/^ {2}Network {4}111111111111\/eu-west-1 {2}\d+ resources, 1 Lambda function$/),
      expect.stringMatching(/^ {2}Iot {8}222222222222\/eu-west-1 {2}\d+ resources, 1 Lambda function$/),
      expect.stringMatching(/^ {2}Consumer1 {2}333333333333\/eu-west-1 {2}\d+ resources, 2 Lambda functions$/),
    ]);
  });

  test('--verbose keeps every section of the earlier summary, every check and the full price table', () => {
    const verbose = formatMainJobVerbose(result, [{ key: 'profileHour', source: 'https://aws.amazon.com/route53/pricing/', recorded: '2026-11-30' }]);
    expect(verbose.startsWith(text)).toBe(true);
    for (const section of ['Cloud assembly: ', '  Interface VPC endpoints (5):', '  Private hosted zones (5):', '  Ingress rules (', '  IoT policies (2):',
      '  Outputs (7):', 'gatekeeper VPC 10.10.0.0/16 -> data :8883', 'Fixed monthly charges (730 hours a month)', '  profileHour: https://aws.amazon.com/route53/pricing/']) {
      expect(verbose).toContain(section);
    }
  });

  test('--json gives all of it', () => {
    const doc = JSON.parse(mainJobJson(result));
    expect([doc.schemaVersion, doc.kind, doc.ok, doc.cost.monthlyUsd, doc.steps.length, doc.stacks.length]).toEqual([1, 'main-job', true, 1019.45, 4, 3]);
    expect(doc.verification.verdicts).toHaveLength(36);
  });

  test('the README shows this output (from the committed code)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
    const shown = /The first command prints \(this output from the committed code[^\n]*\n(?:[^\n]+\n)*?\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(shown?.replace(/in \d+ ms/, 'in N ms')).toBe(`${text.replace(/in \d+ ms/, 'in N ms')}\n`);
  });
});

describe('next steps', () => {
  test('the deploy order of the README, with the values that cross named by the outputs they come from', () => {
    const result = mainJob({ ...MAIN_JOB_OPTIONS, consumers: 2 });
    expect(result.steps.map((s) => [s.stacks.join(' '), s.needs.map((n) => `${n.context}=${n.stack}.${n.output}`).join(' ')])).toEqual([
      ['Network', ''],
      ['Iot', 'transitGatewayId=Network.TransitGatewayId'],
      ['Network', 'transitGatewayId=Network.TransitGatewayId zoneProfileId=Iot.ZoneProfileId'],
      ['Consumer1 Consumer2', 'transitGatewayId=Network.TransitGatewayId serviceName=Iot.ServiceName dataEndpointAddress=Iot.IotDataEndpoint'],
    ]);
    const text = formatDeploySteps(result.steps);
    expect(text).toContain('  1. npx cdk deploy Network # -> TransitGatewayId');
    expect(text).toContain('  4. npx cdk deploy Consumer1 Consumer2 -c transitGatewayId=<Network.TransitGatewayId> \\');
    expect(text).toContain('       -c serviceName=<Iot.ServiceName> -c dataEndpointAddress=<Iot.IotDataEndpoint>');
    expect(text.every((l) => l.length <= SUMMARY_WIDTH)).toBe(true);
  });

  test('a step whose value the stacks do not output is an error, so the steps cannot drift from the stacks', () => {
    const result = mainJob();
    const iot = result.summary.stacks.find((s) => s.stackName === 'Iot')!;
    const { ZoneProfileId, ...outputs } = iot.outputs;
    expect(ZoneProfileId).toBeDefined();
    const changed = { ...result.summary, stacks: result.summary.stacks.map((s) => (s === iot ? { ...s, outputs } : s)) };
    expect(() => referenceDeploySteps(changed)).toThrow(/deploy steps: stack Iot has no output ZoneProfileId \(outputs: ServiceName, /);
  });
});
