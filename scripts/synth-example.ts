/**
 * The README's main job: synthesize the example app offline (lookups from cdk.context.json) and print what was
 * built. Exits non-zero when a context lookup is missing, so the printed summary never rests on dummy values.
 *
 * Usage: npx projen synth:example [outdir]   (default outdir: cdk.out.example)
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatSummary, summarizeAssembly } from './summarize-assembly';
import { buildExampleApp } from '../examples/private-data-path';

const root = path.join(__dirname, '..');
const outdir = path.resolve(process.argv[2] ?? path.join(root, 'cdk.out.example'));
const context = JSON.parse(fs.readFileSync(path.join(root, 'cdk.context.json'), 'utf-8')) as Record<string, unknown>;

fs.rmSync(outdir, { recursive: true, force: true });
const started = Date.now();
const assembly = buildExampleApp({ outdir, context }).synth();
const elapsed = Date.now() - started;

const missing = assembly.manifest.missing ?? [];
if (missing.length > 0) {
  process.stderr.write(`Missing context (add to cdk.context.json): ${missing.map((m) => m.key).join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(formatSummary(summarizeAssembly(outdir)) + '\n');
process.stdout.write(`Synthesized in ${elapsed} ms into ${path.relative(process.cwd(), outdir) || '.'}\n`);
