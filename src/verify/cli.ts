/**
 * `cdk-private-iot verify [cdk.out]`: which networks reach which IoT hostnames on which ports, proved from the
 * synthesized templates before anything is deployed.
 *
 * DEPENDENCY-FREE (node builtins only): runs where only this package is installed.
 */
import { formatVerification } from './report';
import { parseAssemblyArgs } from './subcommand';
import { parseFlowArgument, verifyAssemblyDirectory } from './verify';

export const VERIFY_USAGE = `Usage: cdk-private-iot verify [cdk.out] [options]

Reads a synthesized cloud assembly (all its stacks, all accounts) and checks the flows its stacks declare: does the
name resolve (which zone, for which resolver), is there a route there and back, which network ACL and security group
rules admit it, and what answers at the end. A blocked flow names the resource that blocks it and the fix.
Verdicts: PASS (reaches, as declared), BLOCKED (blocked, as declared: a negative flow), FAIL (blocked but declared
reachable), FAIL (open) (reaches but declared blocked), SKIP (its source network is not in the assembly).
Exit code 0 when every flow is as declared; 1 otherwise; 2 for bad arguments.

Options:
  --flow <source>,<host>,<port>[+<port>...][,blocked]
                    check this flow too; source is vpc:<stack>/<logicalId>, on-premises:<cidr>[@<stack>/<resolver>]
                    or internet:<cidr>; repeatable
  --only-flows      check only the --flow flows, not the declared ones
  --verbose         print every check of every flow
  --json            print one JSON document (flows, verdicts with their checks, notes)
  -h, --help        this text

Example:
  npx cdk-private-iot verify cdk.out --flow on-premises:192.168.0.0/16,a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com,8883
`;

/** Runs `verify` with `args` (after the subcommand) and returns the exit code. */
export function verifyMain(args: string[], out: (s: string) => void, err: (s: string) => void): number {
  const parsed = parseAssemblyArgs('verify', args, {
    'flow': { type: 'string', multiple: true },
    'only-flows': { type: 'boolean' },
    'verbose': { type: 'boolean' },
    'json': { type: 'boolean' },
  } as const, VERIFY_USAGE, out, err);
  if ('exitCode' in parsed) {
    return parsed.exitCode;
  }
  let result;
  try {
    const flows = (parsed.values.flow ?? []).map((f) => parseFlowArgument(f));
    result = verifyAssemblyDirectory(parsed.directory, { flows, declared: !parsed.values['only-flows'] });
  } catch (e) {
    err(`${(e as Error).message}\n`);
    return 2;
  }
  if (parsed.values.json) {
    out(`${JSON.stringify({ schemaVersion: 1, kind: 'verify', ok: result.ok, stacks: result.stacks, flows: result.flows, verdicts: result.verdicts, notes: result.notes }, undefined, 2)}\n`);
  } else if (result.flows.length === 0) {
    out(`No flows: the stacks of ${parsed.directory} declare none (IotReachability.declareFlow); give some with --flow.\n`);
  } else {
    out(`${formatVerification(result, { verbose: parsed.values.verbose })}\n`);
  }
  return result.ok ? 0 : 1;
}
