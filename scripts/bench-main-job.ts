/**
 * Wall time of the README's main job as a user meets it.
 *
 * 1. The whole first-run path after `npm ci`: `npx projen synth:reference` (bundles the canary and the script, then
 *    runs the compiled JavaScript), timed once per run.
 * 2. The compiled main job alone: `node .build/main/synth-reference.js <outdir>` (what the synthesis costs when
 *    nothing needs rebuilding), one warm-up run, then --runs timed runs.
 * 3. For comparison, the same script through ts-node (how the main job ran before it was compiled).
 *
 * Each run is a fresh child process; figures are wall-clock milliseconds (median, min, max).
 *
 * Usage: npx projen bench:main-job [--runs N]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';

const ROOT = path.join(__dirname, '..');
const COMPILED = path.join(ROOT, '.build', 'main', 'synth-reference.js');

function runsArg(argv: string[]): number {
  const i = argv.indexOf('--runs');
  const runs = i >= 0 ? Number(argv[i + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs must be a positive whole number, got ${argv[i + 1]}`);
  }
  return runs;
}

/** Runs a command in a fresh process (output into a temporary outdir) and returns its wall time in ms. */
function timed(command: string, args: string[]): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-private-iot-main-job-'));
  const started = performance.now();
  const child = spawnSync(command, [...args, outdir], {
    cwd: ROOT, encoding: 'utf-8', env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json') },
  });
  const elapsed = performance.now() - started;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (child.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${child.status}):\n${child.stderr}${child.stdout}`);
  }
  if (!/Synthesized 3 stacks in \d+ ms/.test(child.stdout)) {
    throw new Error(`${command} ${args.join(' ')} did not print its summary:\n${child.stdout}`);
  }
  return elapsed;
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return `median ${median.toFixed(0)} ms (min ${sorted[0].toFixed(0)}, max ${sorted[sorted.length - 1].toFixed(0)}, n=${values.length})`;
}

const runs = runsArg(process.argv.slice(2));
const firstRun = [timed('npx', ['projen', 'synth:reference'])];
if (!fs.existsSync(COMPILED)) {
  throw new Error(`${COMPILED} is missing after npx projen synth:reference`);
}
timed(process.execPath, [COMPILED]); // warm-up (file system cache)
const compiled: number[] = [];
const tsNode: number[] = [];
for (let i = 0; i < runs; i++) { // interleaved, so load on the shared machine hits both alike
  compiled.push(timed(process.execPath, [COMPILED]));
  tsNode.push(timed(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'scripts', 'synth-reference.ts')]));
}
for (let i = 1; i < Math.min(runs, 3); i++) {
  firstRun.push(timed('npx', ['projen', 'synth:reference']));
}

process.stdout.write([
  `Main job wall time (${os.cpus().length} cores, Node ${process.version}):`,
  `  npx projen synth:reference (bundle + compiled run): ${stats(firstRun)}`,
  `  node .build/main/synth-reference.js (compiled):     ${stats(compiled)}`,
  `  ts-node scripts/synth-reference.ts (before):        ${stats(tsNode)}`,
].join('\n') + '\n');
