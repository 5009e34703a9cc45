/**
 * The single-account example (the README's main job is synth:reference): synthesize the example app offline
 * (lookups from cdk.context.json) and print what was built. Exits non-zero when a context lookup is missing, so the printed summary never rests on dummy values.
 *
 * Usage: npx projen synth:example [outdir]   (default outdir: cdk.out.example)
 */
import * as path from 'path';
import { synthOffline } from './offline-synth';
import { formatSummary, summarizeAssembly } from './summarize-assembly';
import { buildExampleApp } from '../examples/private-data-path';

const { outdir, elapsedMs: elapsed } = synthOffline((out, context) => buildExampleApp({ outdir: out, context }), 'cdk.out.example', process.argv[2]);
process.stdout.write(formatSummary(summarizeAssembly(outdir)) + '\n');
process.stdout.write(`Synthesized in ${elapsed} ms into ${path.relative(process.cwd(), outdir) || '.'}\n`);
