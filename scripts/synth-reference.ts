/**
 * The README's main job: synthesize the reference topology offline (lookups from cdk.context.json, placeholder
 * accounts and cross-account values), print what was built, per stack and in total, and prove its private paths with
 * the reachability verifier (the flows the stacks declare; exit code 1 if one is not as declared).
 *
 * Usage: npx projen synth:reference [outdir]   (default outdir: cdk.out.reference)
 */
import * as path from 'path';
import { synthOffline } from './offline-synth';
import { formatSummary, summarizeAssembly } from './summarize-assembly';
import { buildReferenceTopology, MAIN_JOB_OPTIONS, PLACEHOLDERS } from '../examples/reference-topology';
import { formatVerification } from '../src/verify/report';
import { verifyAssemblyDirectory } from '../src/verify/verify';

const { outdir, assembly, elapsedMs: elapsed } = synthOffline(
  (out, context) => buildReferenceTopology({ ...MAIN_JOB_OPTIONS, outdir: out, context }).app, 'cdk.out.reference');
process.stdout.write(formatSummary(summarizeAssembly(outdir)) + '\n\n');
const relative = path.relative(process.cwd(), outdir) || '.';
const verification = verifyAssemblyDirectory(outdir);
process.stdout.write([
  'Reference topology',
  `  IoT hostnames: ${PLACEHOLDERS.dataEndpointAddress} (data), ${PLACEHOLDERS.credentialsEndpointAddress} (credentials)`,
  `  Reachability (cdk-private-iot verify ${relative}): the flows the stacks declare, proved from the templates`,
  '',
  formatVerification(verification),
  '',
  `Synthesized ${assembly.stacks.length} stacks in ${elapsed} ms into ${relative}`,
].join('\n') + '\n');
process.exitCode = verification.ok ? 0 : 1;
