/**
 * What importing the library costs (issue 17, part 3): the compiled package (lib/, as jsii writes it) with the eager
 * index jsii generates against the lazy index the build ships (scripts/lazify-index.ts), each in fresh plain-node
 * processes, interleaved, after warm-up runs.
 *
 * Cases: `require('cdk-private-iot')` alone; then reading one construct (PrivateIotDataEndpoint); then every export.
 * Each process prints the time since its start (module loading included) and the modules it loaded.
 *
 * Usage: npx projen compile && npx ts-node --transpile-only --project test/tsconfig.json scripts/bench-import.ts [--runs N]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { lazify } from './lazify-index';

const ROOT = path.join(__dirname, '..');
const WORK = path.join(ROOT, '.build', 'bench-import');
const WARM_UP = 2;

interface Sample {
  readonly ms: number;
  readonly modules: number;
  readonly cdkModules: number;
}

/** The modules src/index.ts re-exports, in order. */
function indexModules(): string[] {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'index.ts'), 'utf-8');
  return [...source.matchAll(/^export \* from '(\.\/[^']+)';$/gm)].map((m) => m[1]);
}

/** Copies of lib/ with an eager and a lazy index (under the repo, so aws-cdk-lib resolves from its node_modules). */
function prepare(): Record<string, string> {
  if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) {
    throw new Error('lib/index.js is missing: run `npx projen compile` first');
  }
  fs.rmSync(WORK, { recursive: true, force: true });
  const dirs: Record<string, string> = {};
  for (const variant of ['eager', 'lazy']) {
    const lib = path.join(WORK, variant, 'lib');
    fs.cpSync(path.join(ROOT, 'lib'), lib, { recursive: true });
    fs.cpSync(path.join(ROOT, 'assets'), path.join(WORK, variant, 'assets'), { recursive: true });
    // the eager index as tsc/jsii emits it for `export * from` (whatever lib/index.js holds now)
    const eager = ['"use strict";', 'Object.defineProperty(exports, "__esModule", { value: true });',
      ...indexModules().map((m) => `__exportStar(require(${JSON.stringify(m)}), exports);`)];
    const helper = 'var __exportStar = function (m, e) { Object.keys(m).forEach(function (p) { if (p !== "default" && !Object.prototype.hasOwnProperty.call(e, p)) '
      + 'Object.defineProperty(e, p, { enumerable: true, get: function () { return m[p]; } }); }); };';
    fs.writeFileSync(path.join(lib, 'index.js'), [eager[0], helper, ...eager.slice(1), ''].join('\n'));
    if (variant === 'lazy') {
      lazify(lib);
    }
    dirs[variant] = lib;
  }
  return dirs;
}

/** The child: loads the index, reads `names` (all exports for '*'), prints time since process start and module counts. */
const CHILD = `
const lib = process.argv[1] === 'none' ? {} : require(process.argv[1]);
const what = process.argv[2];
const names = what === '*' ? Object.keys(lib) : what ? [what] : [];
for (const n of names) { if (lib[n] === undefined) throw new Error('export ' + n + ' is undefined'); }
const ms = performance.now();
const files = Object.keys(require.cache);
const cdk = new Set(files.map((f) => (/aws-cdk-lib\\/([^/]+)\\//.exec(f) || [])[1]).filter(Boolean));
console.log(JSON.stringify({ ms, modules: files.length, cdkModules: cdk.size }));
`;

function run(lib: string, what: string): Sample {
  const r = spawnSync(process.execPath, ['-e', CHILD, lib, what], { cwd: ROOT, encoding: 'utf-8' });
  if (r.status !== 0) {
    throw new Error(`child failed (${lib} ${what}): ${r.stderr}`);
  }
  return JSON.parse(r.stdout.trim());
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function main(): void {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 11;
  const dirs = prepare();
  const cases: Array<{ label: string; what: string }> = [
    { label: 'require the index only', what: '' },
    { label: 'use PrivateIotDataEndpoint', what: 'PrivateIotDataEndpoint' },
    { label: 'use every export', what: '*' },
  ];
  const samples = new Map<string, Sample[]>();
  const baseline: number[] = [];
  for (let round = 0; round < WARM_UP + runs; round++) {
    // plain node that imports nothing: the start-up every case includes
    const none = run('none', '');
    if (round >= WARM_UP) {
      baseline.push(none.ms);
    }
    // interleaved: every variant and case once per round, the variant order alternating
    const variants = round % 2 ? ['lazy', 'eager'] : ['eager', 'lazy'];
    for (const c of cases) {
      for (const v of variants) {
        const s = run(dirs[v], c.what);
        if (round >= WARM_UP) {
          const key = `${c.label}|${v}`;
          samples.set(key, [...(samples.get(key) ?? []), s]);
        }
      }
    }
  }
  console.log(`Importing the compiled library (plain node ${process.version}, ${runs} runs per cell after ${WARM_UP} warm-up rounds, interleaved;`);
  console.log('time from process start to the end of the imports, median; modules = files in require.cache, aws-cdk-lib = its submodules loaded)\n');
  console.log(`plain node importing nothing: ${median(baseline).toFixed(0)} ms (included in every figure below)\n`);
  console.log(`${'case'.padEnd(28)} ${'eager index'.padStart(24)} ${'lazy index'.padStart(24)}  lazy/eager`);
  for (const c of cases) {
    const cell = (v: string) => {
      const list = samples.get(`${c.label}|${v}`)!;
      return { ms: median(list.map((s) => s.ms)), modules: list[0].modules, cdk: list[0].cdkModules };
    };
    const e = cell('eager');
    const l = cell('lazy');
    const fmt = (x: { ms: number; modules: number; cdk: number }) => `${x.ms.toFixed(0)} ms, ${x.modules} mod, ${x.cdk} cdk`.padStart(24);
    console.log(`${c.label.padEnd(28)} ${fmt(e)} ${fmt(l)}  ${(l.ms / e.ms).toFixed(2)}x`);
  }
}

main();
