/**
 * Shared by the main-job scripts: synthesize an app offline with cdk.context.json as its context, and stop (exit 1)
 * when a lookup is missing, so no printed summary rests on dummy values.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';

// The project root: scripts/ under ts-node, .build/main/ when bundled for the main job.
const root = findRoot(__dirname);

function findRoot(dir: string): string {
  return fs.existsSync(path.join(dir, 'cdk.context.json')) || path.dirname(dir) === dir ? dir : findRoot(path.dirname(dir));
}

export interface OfflineSynthesis {
  readonly outdir: string;
  readonly assembly: CloudAssembly;
  readonly elapsedMs: number;
}

/**
 * @param build builds the app into `outdir` with the given context
 * @param defaultOutdir used when the script got no outdir argument
 * @param outdirArgument the outdir the user gave, if any
 */
export function synthOffline(build: (outdir: string, context: Record<string, unknown>) => App, defaultOutdir: string,
  outdirArgument: string | undefined): OfflineSynthesis {
  const outdir = path.resolve(outdirArgument ?? path.join(root, defaultOutdir));
  const context = JSON.parse(fs.readFileSync(path.join(root, 'cdk.context.json'), 'utf-8')) as Record<string, unknown>;
  fs.rmSync(outdir, { recursive: true, force: true });
  const started = Date.now();
  const assembly = build(outdir, context).synth();
  const elapsedMs = Date.now() - started;
  const missing = assembly.manifest.missing ?? [];
  if (missing.length > 0) {
    process.stderr.write(`Missing context (add to cdk.context.json): ${missing.map((m) => m.key).join(', ')}\n`);
    process.exit(1);
  }
  return { outdir, assembly, elapsedMs };
}
