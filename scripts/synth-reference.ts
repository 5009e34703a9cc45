/**
 * The README's main job: synthesize the reference topology offline (lookups from cdk.context.json, placeholder
 * accounts and cross-account values), prove its private paths with the reachability verifier (exit code 1 if a flow is
 * not as declared), estimate its monthly cost, and print the next steps (scripts/main-job-summary.ts).
 *
 * Usage: npx projen synth:reference [outdir] [--verbose | --json]   (default outdir: cdk.out.reference)
 */
import * as path from 'path';
import { formatMainJob, formatMainJobVerbose, mainJobJson, MainJobResult, referenceDeploySteps } from './main-job-summary';
import { synthOffline } from './offline-synth';
import { summarizeAssembly } from './summarize-assembly';
import { buildReferenceTopology, MAIN_JOB_OPTIONS, PLACEHOLDERS } from '../examples/reference-topology';
import { estimateAssemblyDirectory, pricesWith } from '../src/cost/estimate';
import { verifyAssemblyDirectory } from '../src/verify/verify';

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const unknown = [...flags].filter((f) => f !== '--verbose' && f !== '--json');
const positional = args.filter((a) => !a.startsWith('--'));
if (unknown.length > 0 || positional.length > 1 || (flags.has('--verbose') && flags.has('--json'))) {
  process.stderr.write(`Usage: npx projen synth:reference [outdir] [--verbose | --json]${unknown.length ? ` (unknown: ${unknown.join(' ')})` : ''}\n`);
  process.exit(2);
}

const { outdir, elapsedMs } = synthOffline(
  (out, context) => buildReferenceTopology({ ...MAIN_JOB_OPTIONS, outdir: out, context }).app, 'cdk.out.reference', positional[0]);
const summary = summarizeAssembly(outdir);
const result: MainJobResult = {
  summary,
  verification: verifyAssemblyDirectory(outdir),
  cost: estimateAssemblyDirectory(outdir),
  steps: referenceDeploySteps(summary),
  outdir: path.relative(process.cwd(), outdir) || '.',
  elapsedMs,
  hostnames: { data: PLACEHOLDERS.dataEndpointAddress, credentials: PLACEHOLDERS.credentialsEndpointAddress },
};
if (flags.has('--json')) {
  process.stdout.write(mainJobJson(result) + '\n');
} else if (flags.has('--verbose')) {
  const prices = pricesWith();
  const used = [...new Set([...result.cost.lines.map((l) => l.priceKey), ...result.cost.rates.map((r) => r.priceKey)])];
  const sources = used.map((key) => ({ key, ...prices[key as keyof typeof prices] }));
  process.stdout.write(formatMainJobVerbose(result, sources) + '\n');
} else {
  process.stdout.write(formatMainJob(result) + '\n');
}
process.exitCode = result.verification.ok ? 0 : 1;
