/**
 * Verifies the flows of a cloud assembly: the flows its stacks declare (template metadata written by
 * `IotReachability.declareFlow` and the topology stacks) plus any the caller adds.
 *
 * DEPENDENCY-FREE (node builtins only): the `cdk-private-iot verify` CLI uses it where aws-cdk-lib is not installed.
 */
import { FlowEvaluator, FlowSourceSpec, FlowSpec, Verdict } from './evaluate';
import { FLOWS_METADATA_KEY, readAssembly, StackInfo } from './model';
import { NetworkModel } from './network';

/** Everything a verification produced. */
export interface VerifyResult {
  readonly flows: FlowSpec[];
  readonly verdicts: Verdict[];
  /** Every verdict is what its flow expects. */
  readonly ok: boolean;
  /** Links the verifier guessed, declarations it could not read. */
  readonly notes: string[];
  readonly stacks: string[];
}

/** Options of `verifyStacks`. */
export interface VerifyRunOptions {
  /** Flows to check besides (or instead of) the declared ones. */
  readonly flows?: FlowSpec[];
  /** Check the flows the stacks declare. @default true */
  readonly declared?: boolean;
}

/** Verifies the flows of the cloud assembly in `dir`. */
export function verifyAssemblyDirectory(dir: string, options: VerifyRunOptions = {}): VerifyResult {
  return verifyStacks(readAssembly(dir), options);
}

/** Verifies the flows of already-read stacks. */
export function verifyStacks(stacks: StackInfo[], options: VerifyRunOptions = {}): VerifyResult {
  const model = new NetworkModel(stacks);
  const flows = [...(options.declared === false ? [] : declaredFlows(stacks)), ...(options.flows ?? [])];
  const evaluator = new FlowEvaluator(model);
  const verdicts = flows.flatMap((flow) => evaluator.evaluate(flow));
  return { flows, verdicts, ok: verdicts.every((v) => v.ok), notes: model.notes, stacks: stacks.map((s) => s.name) };
}

/** The flows the stacks declare, with their `{ Ref }` values turned into `<stack>/<logicalId>`. */
export function declaredFlows(stacks: StackInfo[]): FlowSpec[] {
  const flows: FlowSpec[] = [];
  for (const stack of stacks) {
    const key = (v: any): string | undefined => (v && typeof v === 'object' && typeof v.Ref === 'string' ? `${stack.name}/${v.Ref}` : typeof v === 'string' ? v : undefined);
    for (const flow of (stack.template.Metadata?.[FLOWS_METADATA_KEY] ?? []) as any[]) {
      const source: FlowSourceSpec = {
        kind: flow.source.kind,
        vpc: key(flow.source.vpc),
        subnets: (flow.source.subnets ?? []).map(key).filter((x: string | undefined) => x !== undefined),
        cidr: typeof flow.source.cidr === 'string' ? flow.source.cidr : undefined,
        resolverEndpoint: key(flow.source.resolverEndpoint),
        label: flow.source.label,
      };
      flows.push({
        name: flow.name, source, host: flow.host, ports: flow.ports, expect: flow.expect, declaredIn: stack.name, connectTo: key(flow.connectTo),
      });
    }
  }
  return flows;
}

/**
 * Parses a `--flow` argument: `<source>,<host>,<port>[+<port>...][,blocked]` where source is `vpc:<stack>/<logicalId>`,
 * `on-premises:<cidr>[@<stack>/<resolverLogicalId>]` or `internet:<cidr>`.
 */
export function parseFlowArgument(text: string): FlowSpec {
  const [source, host, ports, expect, ...rest] = text.split(',');
  const m = /^(vpc|on-premises|internet):(.+)$/.exec(source ?? '');
  const portList = (ports ?? '').split('+').map(Number);
  if (!m || !host || portList.some((p) => !Number.isInteger(p) || p < 1 || p > 65535) || rest.length > 0 || (expect !== undefined && expect !== 'blocked' && expect !== 'reachable')) {
    throw new Error(`--flow '${text}' is not <source>,<host>,<port>[+<port>][,blocked]; source is vpc:<stack>/<logicalId>, on-premises:<cidr>[@<stack>/<resolver>] or internet:<cidr>`);
  }
  const [where, resolver] = m[2].split('@');
  const spec: FlowSourceSpec = m[1] === 'vpc' ? { kind: 'vpc', vpc: where } : { kind: m[1], cidr: where, resolverEndpoint: resolver };
  return { name: `${m[1] === 'vpc' ? where : `${m[1]} ${where}`} -> ${host}`, source: spec, host, ports: portList, expect: expect ?? 'reachable' };
}
