/**
 * Synthesis benchmark (issue 17): what the constructs of this library cost a user at synth time, measured the way a
 * user of the compiled package runs an app: plain `node` on compiled JavaScript, one process per synthesis.
 *
 * 1. At start, a snapshot of the library as users get it (the jsii output `lib/`, `assets/`, `package.json`) goes to
 *    .build/bench/cdk-private-iot/, and esbuild compiles the benchmark apps (scripts/bench/*.ts) into .build/bench/,
 *    with aws-cdk-lib external and every import of src/ mapped to the snapshot (to a stub that fails on use, for the
 *    plain apps). Each app checks that it loaded no TypeScript and nothing of src/.
 * 2. Main pairs, interleaved: in every round each app runs once, in a seeded random order; the first --warmup rounds
 *    are dropped, --runs rounds are kept. Per round, the ratio ours / plain of the two apps of a pair.
 *    - S1: VPC of two zones, one `iot.data` endpoint, its private zone, the static-IP front door with a custom domain:
 *      with our constructs, against plain aws-cdk-lib the way aws-samples/aws-iot-endpoint-with-static-ips does it
 *      (and against the same with an AwsCustomResource lookup).
 *    - The reference topology (MAIN_JOB_OPTIONS) against the same stacks and VPCs without our constructs.
 * 3. Scale sweep (not with --quick): expectedDevices x zones, and stacks of 1, 2, 4, 8, 16 endpoints, each row its
 *    own process, rows interleaved the same way (--sweep-runs rounds after one warm-up round); resources, lookup
 *    functions and policies per stack, time; least-squares lines for the per-endpoint growth.
 * 4. Where the limits lie (not with --quick): the largest fleet each configuration synthesizes (untimed).
 *
 * Prints the tables and writes them, with the machine and command, to --out (not with --quick).
 *
 * Run time (estimated from CPU times on a busy machine): about 5 minutes on 2 quiet cores with the defaults (65 app
 * processes in the main pairs, 90 in the sweep, ~15 s of limit search); --runs 21 adds about a minute; --quick
 * (3 rounds after 1 warm-up, no sweep, nothing written) about 30 s.
 *
 * Usage: npx projen bench [--runs 11] [--warmup 2] [--sweep-runs 5] [--seed 17] [--quick] [--out docs/benchmarks.md]
 *   (= npx ts-node --transpile-only --project test/tsconfig.json scripts/bench.ts --out docs/benchmarks.md ...)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { build as esbuild, Plugin } from 'esbuild';
import type { Attempt } from './bench/limits';
import { linearFit, LinearFit, median, seededRandom, shuffled, spread, Spread } from './bench/stats';

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const BUILD = path.join(ROOT, '.build', 'bench');
const COPY = path.join(BUILD, 'cdk-private-iot');
const BASE_COMMAND = 'npx ts-node --transpile-only --project test/tsconfig.json scripts/bench.ts';
const DEVICE_COUNTS = [100_000, 500_000, 1_000_000, 2_000_000, 5_000_000];
const AZ_COUNTS = [2, 3];
const ENDPOINT_COUNTS = [1, 2, 4, 8, 16];
const GOALS = { s1: 1.0, reference: 2.0 };

// ---------------------------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------------------------

interface Args {
  readonly runs: number;
  readonly warmup: number;
  readonly sweepRuns: number;
  readonly seed: number;
  readonly quick: boolean;
  readonly out: string;
}

const USAGE = 'usage: scripts/bench.ts [--runs N] [--warmup N] [--sweep-runs N] [--seed N] [--quick] [--out docs/benchmarks.md]';

function parseArgs(argv: string[]): Args {
  const values: Record<string, number> = {};
  let quick = false;
  let out = 'docs/benchmarks.md';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') {
      quick = true;
    } else if (arg === '--out') {
      out = argv[++i];
      if (!out) {
        throw new Error('--out needs a path');
      }
    } else if (['--runs', '--warmup', '--sweep-runs', '--seed'].includes(arg)) {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < (arg === '--runs' || arg === '--sweep-runs' ? 1 : 0)) {
        throw new Error(`${arg} needs a whole number${arg === '--runs' || arg === '--sweep-runs' ? ' >= 1' : ''}, got '${argv[i]}' (${USAGE})`);
      }
      values[arg] = n;
    } else {
      throw new Error(`unknown argument '${arg}' (${USAGE})`);
    }
  }
  return {
    runs: values['--runs'] ?? (quick ? 3 : 11),
    warmup: values['--warmup'] ?? (quick ? 1 : 2),
    sweepRuns: values['--sweep-runs'] ?? 5,
    seed: values['--seed'] ?? 17,
    quick,
    out,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. The library snapshot and the compiled apps
// ---------------------------------------------------------------------------------------------------------------

interface Prepared {
  /** Files of src/ newer than their compiled counterpart in the snapshot (the snapshot may lag behind src/). */
  readonly stale: string[];
  readonly libVersion: string;
  readonly buildMs: number;
}

function walk(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

/** Apps without any construct of ours: the library resolves to this stub, which fails if they use it. */
const NO_LIBRARY_STUB = `module.exports = new Proxy({}, { get(_, key) {
  if (typeof key === 'symbol' || key === '__esModule' || key === 'then') { return undefined; }
  throw new Error('a plain benchmark app used the library (' + String(key) + ')');
} });`;

/** Maps every import that resolves into src/ to the snapshot (`copy`) or to NO_LIBRARY_STUB (`stub`). */
function libraryPlugin(mode: 'copy' | 'stub'): Plugin {
  return {
    name: `cdk-private-iot-${mode}`,
    setup(build) {
      build.onResolve({ filter: /^\.\.?(\/|$)/ }, (a) => {
        const target = path.resolve(a.resolveDir, a.path);
        if (target !== SRC && !target.startsWith(SRC + path.sep)) {
          return undefined;
        }
        if (mode === 'stub') {
          return { path: target, namespace: 'no-library' };
        }
        const rel = path.relative(SRC, target).replace(/\.ts$/, '').split(path.sep).join('/');
        return { path: `./cdk-private-iot/lib${rel ? `/${rel}` : ''}`, external: true }; // relative to the bundle in .build/bench/
      });
      build.onLoad({ filter: /.*/, namespace: 'no-library' }, () => ({ contents: NO_LIBRARY_STUB, loader: 'js' }));
    },
  };
}

async function prepare(): Promise<Prepared> {
  const started = performance.now();
  if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) {
    throw new Error('lib/index.js is missing: run `npx projen compile` first (the benchmark measures the compiled library)');
  }
  fs.rmSync(BUILD, { recursive: true, force: true });
  fs.mkdirSync(COPY, { recursive: true });
  for (const item of ['lib', 'assets', 'package.json']) {
    fs.cpSync(path.join(ROOT, item), path.join(COPY, item), { recursive: true, preserveTimestamps: true });
  }
  fs.copyFileSync(path.join(ROOT, 'cdk.context.json'), path.join(BUILD, 'context.json'));

  const stale = walk(SRC, '.ts').filter((file) => {
    if (file.endsWith('.d.ts')) {
      return false;
    }
    const js = path.join(COPY, 'lib', path.relative(SRC, file)).replace(/\.ts$/, '.js');
    return !fs.existsSync(js) || fs.statSync(file).mtimeMs > fs.statSync(js).mtimeMs;
  }).map((f) => path.relative(ROOT, f));

  const common = {
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning', outdir: BUILD, absWorkingDir: ROOT,
  } as const;
  const entries = (names: string[]) => names.map((n) => path.join(ROOT, 'scripts', 'bench', `${n}.ts`));
  await esbuild({ ...common, entryPoints: entries(['plain-s1', 'plain-s1-acr', 'ref-plain']), plugins: [libraryPlugin('stub')] });
  await esbuild({ ...common, entryPoints: entries(['ours-s1', 'ref-ours', 'sweep', 'endpoints', 'limits']), plugins: [libraryPlugin('copy')] });
  const pkg = JSON.parse(fs.readFileSync(path.join(COPY, 'package.json'), 'utf-8')) as { version: string };
  return { stale, libVersion: pkg.version, buildMs: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Running the apps
// ---------------------------------------------------------------------------------------------------------------

interface LookupCount {
  readonly stack: string;
  readonly functions: number;
  readonly policies: number;
}

interface ChildResult {
  readonly rejected?: string;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly loadMs: number;
  readonly buildMs: number;
  readonly synthMs: number;
  readonly stacks: number;
  readonly resources: number;
  readonly templateBytes: number;
  readonly lookups: LookupCount[];
  readonly subnets: string[];
  readonly library: string | null;
  readonly libraryFiles: number;
  readonly endpoints?: number;
  readonly enis?: number;
  readonly weightedRecords?: number;
  readonly targetsPerGroup?: string;
  /** Spawn to exit, measured by this process. */
  readonly processMs: number;
}

interface Variant {
  readonly id: string;
  readonly label: string;
  /** The bundle in .build/bench/ (without .js). */
  readonly bundle: string;
  readonly args?: Record<string, unknown>;
}

/** The environment of the apps: no preloaded modules (ts-node, loaders) from the environment of this script. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k !== 'NODE_OPTIONS' && !k.startsWith('TS_NODE_')) {
      env[k] = v;
    }
  }
  return { ...env, BENCH_CONTEXT: path.join(BUILD, 'context.json') };
}

function runChild(v: Variant): ChildResult {
  const started = performance.now();
  const child = spawnSync(process.execPath, [path.join(BUILD, `${v.bundle}.js`), JSON.stringify(v.args ?? {})], {
    cwd: ROOT, env: childEnv(), encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024,
  });
  const processMs = performance.now() - started;
  const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (child.status !== 0 || !line) {
    throw new Error(`benchmark app ${v.id} failed (exit ${child.status}):\n${child.stderr}\n${child.stdout}`);
  }
  return { ...JSON.parse(line.slice('BENCH_RESULT '.length)), processMs } as ChildResult;
}

/**
 * Runs every variant once per round, in a shuffled order; returns the results of the rounds after the warm-up ones
 * (results[id][i] is round i, so results of one round can be paired).
 */
function runRounds(name: string, variants: Variant[], rounds: number, warmup: number, random: () => number): Map<string, ChildResult[]> {
  const results = new Map<string, ChildResult[]>(variants.map((v) => [v.id, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    const started = performance.now();
    const order = shuffled(variants, random);
    const line: string[] = [];
    for (const v of order) {
      const r = runChild(v);
      if (round >= warmup) {
        results.get(v.id)!.push(r);
      }
      line.push(`${v.id} ${r.rejected !== undefined ? 'rejected' : `${r.wallMs.toFixed(0)} ms`}`);
    }
    const label = round < warmup ? `warm-up ${round + 1}/${warmup}` : `round ${round - warmup + 1}/${rounds}`;
    process.stderr.write(`${name} ${label} (${((performance.now() - started) / 1000).toFixed(1)} s): ${line.join(', ')}\n`);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Tables
// ---------------------------------------------------------------------------------------------------------------

function table(header: string[], rows: string[][]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

const ms = (n: number) => n.toFixed(0);
const x2 = (n: number) => n.toFixed(2);
const withIqr = (s: Spread, f: (n: number) => string = ms) => `${f(s.median)} (${f(s.q1)}-${f(s.q3)})`;
const devicesLabel = (n: number) => (n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M` : `${n / 1000}k`);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const plural = (n: number, word: string) => (n === 1 ? word : `${word}s`);

const MAIN_VARIANTS: Variant[] = [
  { id: 'plain-s1', label: 'S1, plain aws-cdk-lib (sample\'s approach: inline Lambda + CustomResource)', bundle: 'plain-s1' },
  { id: 'plain-s1-acr', label: 'S1, plain aws-cdk-lib with an AwsCustomResource lookup', bundle: 'plain-s1-acr' },
  { id: 'ours-s1', label: 'S1, our constructs', bundle: 'ours-s1' },
  { id: 'ref-plain', label: 'Reference topology\'s stacks and VPCs, no constructs of ours', bundle: 'ref-plain' },
  { id: 'ref-ours', label: 'Reference topology (MAIN_JOB_OPTIONS)', bundle: 'ref-ours' },
];

interface Pair {
  readonly label: string;
  readonly ours: string;
  readonly plain: string;
  readonly goal?: number;
}

const PAIRS: Pair[] = [
  { label: 'S1: ours / plain (sample\'s approach)', ours: 'ours-s1', plain: 'plain-s1', goal: GOALS.s1 },
  { label: 'S1: ours / plain with AwsCustomResource', ours: 'ours-s1', plain: 'plain-s1-acr' },
  { label: 'Reference topology / same stacks and VPCs', ours: 'ref-ours', plain: 'ref-plain', goal: GOALS.reference },
];

function lookupSummary(r: ChildResult): string {
  const f = [...new Set(r.lookups.map((l) => l.functions))].join('/');
  const p = [...new Set(r.lookups.map((l) => l.policies))].join('/');
  return `${f} / ${p}`;
}

function variantsTable(results: Map<string, ChildResult[]>): string {
  return table(
    ['App', 'Stacks', 'Resources', 'Lambda functions', 'Wall ms, median (IQR)', 'CPU ms, median (IQR)', 'of wall: load / build / synth ms, medians'],
    MAIN_VARIANTS.map((v) => {
      const rs = results.get(v.id)!;
      return [
        v.label, String(rs[0].stacks), String(rs[0].resources), String(sum(rs[0].lookups.map((l) => l.functions))),
        withIqr(spread(rs.map((r) => r.wallMs))), withIqr(spread(rs.map((r) => r.cpuMs))),
        [rs.map((r) => r.loadMs), rs.map((r) => r.buildMs), rs.map((r) => r.synthMs)].map((xs) => ms(median(xs))).join(' / '),
      ];
    }),
  );
}

interface PairResult {
  readonly pair: Pair;
  readonly wall: Spread;
  readonly cpu: Spread;
}

function pairResults(results: Map<string, ChildResult[]>): PairResult[] {
  return PAIRS.map((pair) => {
    const ours = results.get(pair.ours)!;
    const plain = results.get(pair.plain)!;
    return {
      pair,
      wall: spread(ours.map((r, i) => r.wallMs / plain[i].wallMs)),
      cpu: spread(ours.map((r, i) => r.cpuMs / plain[i].cpuMs)),
    };
  });
}

function verdict(p: PairResult): string {
  const goal = p.pair.goal;
  if (goal === undefined) {
    return '-';
  }
  if (p.wall.median > goal) {
    return p.wall.q1 > goal ? 'no (whole IQR above)' : 'no (median above)';
  }
  return p.wall.q3 <= goal ? 'yes (whole IQR below)' : 'yes (median only)';
}

function pairsTable(pairs: PairResult[]): string {
  return table(
    ['Pair (per round)', 'Wall ratio, median', 'IQR', 'min-max', 'CPU ratio, median', 'CPU IQR', 'Goal (wall, median)', 'Met'],
    pairs.map((p) => [
      p.pair.label, x2(p.wall.median), `${x2(p.wall.q1)}-${x2(p.wall.q3)}`, `${x2(p.wall.min)}-${x2(p.wall.max)}`,
      x2(p.cpu.median), `${x2(p.cpu.q1)}-${x2(p.cpu.q3)}`, p.pair.goal === undefined ? '-' : `<= ${p.pair.goal.toFixed(1)}`, verdict(p),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Sweep and per-endpoint check
// ---------------------------------------------------------------------------------------------------------------

interface Sweep {
  readonly rows: { devices: number; azs: number; results: ChildResult[] }[];
  readonly endpoints: { count: number; results: ChildResult[] }[];
}

function measureSweep(runs: number, random: () => number): Sweep {
  const sweepVariants: Variant[] = AZ_COUNTS.flatMap((azs) => DEVICE_COUNTS.map((devices) => ({
    id: `${devicesLabel(devices)}x${azs}`, label: '', bundle: 'sweep', args: { devices, azs },
  })));
  const endpointVariants: Variant[] = ENDPOINT_COUNTS.map((count) => ({ id: `e${count}`, label: '', bundle: 'endpoints', args: { endpoints: count } }));
  const results = runRounds('sweep', [...sweepVariants, ...endpointVariants], runs, 1, random);
  return {
    rows: sweepVariants.map((v) => ({ devices: Number(v.args!.devices), azs: Number(v.args!.azs), results: results.get(v.id)! })),
    endpoints: endpointVariants.map((v) => ({ count: Number(v.args!.endpoints), results: results.get(v.id)! })),
  };
}

function sweepTable(sweep: Sweep): string {
  return table(
    ['Devices', 'AZs', 'Endpoints', 'ENIs', 'Weighted records', 'NLB targets / group', 'Resources', 'Template bytes',
      'Lambda functions / their policies', 'Wall ms, median (IQR)', 'CPU ms, median'],
    sweep.rows.map(({ devices, azs, results }) => {
      const r = results[0];
      if (r.rejected !== undefined) {
        return [devicesLabel(devices), String(azs), `rejected: ${r.rejected.replace(/^[\s\S]*?[A-Za-z]+ '[^']*': /, '').split(';')[0]}`, '', '', '', '', '', '', '', ''];
      }
      return [
        devicesLabel(devices), String(azs), String(r.endpoints), String(r.enis), String(r.weightedRecords), r.targetsPerGroup ?? '',
        String(r.resources), String(r.templateBytes), lookupSummary(r),
        withIqr(spread(results.map((x) => x.wallMs))), ms(median(results.map((x) => x.cpuMs))),
      ];
    }),
  );
}

function endpointsTable(sweep: Sweep): string {
  return table(
    ['Endpoints (PrivateIotDataEndpoint + internal front door each)', 'Resources', 'Lambda functions', 'Their policies', 'Wall ms, median (IQR)', 'CPU ms, median (IQR)'],
    sweep.endpoints.map(({ count, results }) => [
      String(count), String(results[0].resources), String(sum(results[0].lookups.map((l) => l.functions))),
      String(sum(results[0].lookups.map((l) => l.policies))),
      withIqr(spread(results.map((r) => r.wallMs))), withIqr(spread(results.map((r) => r.cpuMs))),
    ]),
  );
}

/**
 * A time series counts as linear when no median lies more than 10% off its least-squares line (R^2 is printed too, but
 * it says little when the time barely grows, as it is then mostly noise).
 */
const TIME_RESIDUAL_PCT = 10;

function describeFit(what: string, unit: string, fit: LinearFit, exact: boolean): string {
  const linear = exact ? fit.maxResidual < 0.5 : fit.maxResidualPct <= TIME_RESIDUAL_PCT;
  return `${what}: ${fit.intercept.toFixed(exact ? 1 : 0)} + ${fit.slope.toFixed(exact ? 2 : 1)} ${unit} per endpoint, R^2 ${fit.r2.toFixed(3)}, `
    + `max residual ${fit.maxResidual.toFixed(exact ? 2 : 0)}${exact ? '' : ` ms (${fit.maxResidualPct.toFixed(1)}%)`}: `
    + `${linear ? (exact ? 'exactly linear' : 'linear') : 'NOT linear'}`;
}

/** The linearity and one-lookup-per-stack checks, as sentences. */
function linearityChecks(sweep: Sweep): string[] {
  const out: string[] = [];
  const xs = sweep.endpoints.map((e) => e.count);
  const first = (e: { results: ChildResult[] }) => e.results[0];
  out.push(`Separate endpoints (${xs.join(', ')}): `
    + `${describeFit('resources', 'resources', linearFit(xs, sweep.endpoints.map((e) => first(e).resources)), true)}; `
    + `${describeFit('wall time', 'ms', linearFit(xs, sweep.endpoints.map((e) => median(e.results.map((r) => r.wallMs)))), false)}; `
    + `${describeFit('CPU time', 'ms', linearFit(xs, sweep.endpoints.map((e) => median(e.results.map((r) => r.cpuMs)))), false)}.`);
  for (const azs of AZ_COUNTS) {
    const rows = sweep.rows.filter((r) => r.azs === azs && r.results[0].rejected === undefined);
    if (rows.length < 3) {
      continue;
    }
    const ex = rows.map((r) => r.results[0].endpoints!);
    out.push(`Sweep at ${azs} AZs (one construct, ${ex.join(', ')} endpoints): `
      + `${describeFit('resources', 'resources', linearFit(ex, rows.map((r) => r.results[0].resources)), true)}; `
      + `${describeFit('wall time', 'ms', linearFit(ex, rows.map((r) => median(r.results.map((x) => x.wallMs)))), false)}.`);
  }
  const all = [...sweep.endpoints.map(first), ...sweep.rows.map((r) => r.results[0]).filter((r) => r.rejected === undefined)];
  const stacks = all.flatMap((r) => r.lookups);
  const ok = stacks.every((l) => l.functions === 1 && l.policies === 1);
  out.push(ok
    ? `Every stack of the sweep and of the endpoint check (${stacks.length}) had exactly one Lambda function (the lookups) and one policy on its role.`
    : `Lookup functions / policies per stack were not 1 / 1 everywhere: ${stacks.filter((l) => l.functions !== 1 || l.policies !== 1)
      .map((l) => `${l.functions} / ${l.policies}`).join(', ')}.`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Where the limits lie (one untimed process)
// ---------------------------------------------------------------------------------------------------------------


interface LimitRow {
  readonly label: string;
  readonly largest?: Attempt;
  readonly next: Attempt;
}

function measureLimits(): LimitRow[] {
  const started = performance.now();
  const child = spawnSync(process.execPath, [path.join(BUILD, 'limits.js')], { cwd: ROOT, env: childEnv(), encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (child.status !== 0 || !line) {
    throw new Error(`the limit search failed (exit ${child.status}):\n${child.stderr}\n${child.stdout}`);
  }
  process.stderr.write(`${child.stderr}limit search done (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  return (JSON.parse(line.slice('BENCH_RESULT '.length)) as { rows: LimitRow[] }).rows;
}

/** The limit named in a rejection: the quota in quotes, or CloudFormation's or Route 53's figure. */
function limitNamed(message: string): string {
  const quota = /the (\d+) of the quota "([^"]+)"/.exec(message);
  if (quota) {
    return `quota "${quota[2]}" (${quota[1]})`;
  }
  const cfn = /more than the ([\d,]+) CloudFormation accepts( in one stack)?/.exec(message);
  if (cfn) {
    return `CloudFormation: ${cfn[1]} ${/template of/.test(message) ? 'template bytes' : /outputs/.test(message) ? 'outputs' : 'resources'} per stack`;
  }
  const route53 = /over the Route 53 limit of (\d+)/.exec(message);
  return route53 ? `Route 53: ${route53[1]} weighted records per name` : message.replace(/\s+/g, ' ').slice(0, 100);
}

function limitsTable(rows: LimitRow[]): string {
  return table(
    ['Configuration', 'Largest fleet that synthesizes', 'Endpoints', 'Resources', 'Template bytes', 'NLB targets / group', 'Next 100k devices stopped by'],
    rows.map((r) => [
      r.label,
      r.largest ? devicesLabel(r.largest.devices) : 'none',
      String(r.largest?.endpoints ?? ''),
      String(r.largest?.resources ?? ''),
      String(r.largest?.templateBytes ?? ''),
      r.largest?.targetsPerGroup ?? '',
      limitNamed(r.next.rejected ?? ''),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 6. Main
// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0];
  const t0 = performance.now();
  const random = seededRandom(args.seed);

  const prepared = await prepare();
  process.stderr.write(`snapshot of lib/ (cdk-private-iot ${prepared.libVersion}) and apps compiled into ${path.relative(ROOT, BUILD)} `
    + `in ${(prepared.buildMs / 1000).toFixed(1)} s\n`);
  if (prepared.stale.length > 0) {
    process.stderr.write(`WARNING: ${prepared.stale.length} file(s) of src/ are newer than lib/ (run \`npx projen compile\` first): `
      + `${prepared.stale.slice(0, 5).join(', ')}${prepared.stale.length > 5 ? ', ...' : ''}\n`);
  }

  const mainResults = runRounds('main', MAIN_VARIANTS, args.runs, args.warmup, random);
  const subnets = (id: string) => JSON.stringify(mainResults.get(id)![0].subnets);
  if (subnets('ref-plain') !== subnets('ref-ours')) {
    throw new Error(`the plain VPCs differ from the reference topology's:\n  plain: ${subnets('ref-plain')}\n  ours:  ${subnets('ref-ours')}`);
  }
  if (subnets('plain-s1') !== subnets('ours-s1')) {
    throw new Error(`the subnets of the two S1 apps differ:\n  plain: ${subnets('plain-s1')}\n  ours:  ${subnets('ours-s1')}`);
  }
  const ours = MAIN_VARIANTS.filter((v) => mainResults.get(v.id)![0].library);
  const loaded = `${mainResults.get(ours[0].id)![0].library} (modules of the copy loaded: `
    + `${ours.map((v) => `${v.id} ${mainResults.get(v.id)![0].libraryFiles}`).join(', ')}; no .ts module in require.cache of any app)`;
  const pairs = pairResults(mainResults);
  const sweep = args.quick ? undefined : measureSweep(args.sweepRuns, random);
  const limits = args.quick ? undefined : measureLimits();
  const totalS = (performance.now() - t0) / 1000;

  const command = [BASE_COMMAND, ...process.argv.slice(2)].join(' ');
  const sections: string[] = [
    `## Main pairs (n = ${args.runs} measured ${plural(args.runs, 'round')} after ${args.warmup} warm-up ${plural(args.warmup, 'round')})`,
    '',
    variantsTable(mainResults),
    '',
    pairsTable(pairs),
    '',
    `Library loaded by our apps: ${loaded}.`,
  ];
  if (sweep && limits) {
    sections.push(
      '',
      `## Scale sweep (n = ${args.sweepRuns} measured ${plural(args.sweepRuns, 'round')} after 1 warm-up round, every row its own process)`,
      '',
      sweepTable(sweep),
      '',
      `## Per added endpoint (n = ${args.sweepRuns}, same rounds as the sweep)`,
      '',
      endpointsTable(sweep),
      '',
      ...linearityChecks(sweep).map((s) => `- ${s}`),
      '',
      '## Where the limits lie (untimed)',
      '',
      limitsTable(limits),
    );
  }
  const staleNote = prepared.stale.length > 0
    ? `- WARNING: ${prepared.stale.length} file(s) of src/ were newer than lib/ when the snapshot was taken (${prepared.stale.join(', ')}).`
    : '- lib/ was up to date with src/ when the snapshot was taken.';
  process.stdout.write(`\n${sections.join('\n')}\n\n${staleNote}\nTotal ${totalS.toFixed(1)} s\n`);

  if (args.quick) {
    process.stdout.write(`--quick: ${args.out} not written\n`);
    return;
  }
  const cpus = os.cpus();
  const doc = [
    '# Synthesis benchmarks',
    '',
    `- Machine: ${os.type()} ${os.release()} (${os.arch()}), ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), Node.js ${process.version}; `
      + `1-minute load average ${loadAtStart.toFixed(2)} when the run started`,
    `- Date: ${startedAt.toISOString()}`,
    `- Command: \`${command}\` (\`npx projen bench\`), seed ${args.seed}`,
    `- Library: cdk-private-iot ${prepared.libVersion}, compiled (\`lib/\`), loaded from a snapshot in .build/bench/`,
    staleNote,
    `- Total run time: ${totalS.toFixed(0)} s`,
    '',
    '## How to read',
    '',
    'Every figure comes from a fresh `node` process running compiled JavaScript: the benchmark apps (scripts/bench/*.ts, bundled '
      + 'by esbuild with aws-cdk-lib external) and the jsii output of the library, as users of the package run it; no TypeScript is '
      + 'compiled while timing (each app checks that). "Wall ms" runs from the start of the process to the end of `app.synth()`, '
      + 'module loading included; "CPU ms" is the process\'s user + system CPU time up to the same point. Wall time splits into '
      + '"load" (node start-up and the app\'s top-level imports; aws-cdk-lib and our index load most modules lazily, so part of '
      + 'the loading falls into the next two), "build" (constructing the app) and "synth" (`app.synth()`, with validations). '
      + 'In each round every app runs once, in a '
      + 'seeded random order, and the warm-up rounds are dropped. A pair\'s ratio is taken within each round (ours / plain) and then '
      + 'summarized: median, interquartile range (IQR) and min-max. A goal counts as met when the median wall ratio is at or below it.',
    '',
    'S1 is one job in two codings: a VPC of two zones, an `iot.data` interface endpoint, a private zone named after the ATS hostname, '
      + 'an internet-facing Network Load Balancer with one Elastic IP per zone forwarding 443, 8443 and 8883 to the endpoint\'s '
      + 'addresses (looked up at deployment), an AWS IoT domain configuration with an existing ACM certificate and its alias record. '
      + '"Plain" is aws-cdk-lib L1/L2 code the way aws-samples/aws-iot-endpoint-with-static-ips writes it (inline Lambda function '
      + 'and custom resource for the lookup; an alias record for the ATS zone); the AwsCustomResource row does the lookup with '
      + '`AwsCustomResource` instead. "Ours" uses `PrivateIotDataEndpoint`, `IotPrivateHostedZone` (default: weighted IP records) '
      + 'and `StaticIpIotFrontDoor` with `customDomain`; their template has more resources (security group rules as resources of '
      + 'their own, a log group and a policy for the lookup function, one weighted record per endpoint address).',
    '',
    'The figures vary with the load of the machine and between machines: compare ratios taken in one run, not absolute times '
      + 'across runs, and read a ratio whose IQR straddles a goal as undecided.',
    '',
    ...sections,
    '',
  ].join('\n');
  const outPath = path.resolve(args.out);
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  fs.writeFileSync(outPath, doc);
  process.stdout.write(`Wrote ${path.relative(process.cwd(), outPath)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
