/**
 * A lean package (issue 11): the canary Lambda asset stays small and the probe's runtime modules (probe, CLI, report
 * format, canary handler) import nothing from aws-cdk-lib or constructs, so the CLI runs where only this package is
 * installed (a jump host) and esbuild does not pull aws-cdk-lib into the canary bundle.
 *
 * The packed tarball itself (allow-list, pruned bundled dependencies, install without peers, CLI run) is checked by
 * `npx projen package:check` (scripts/check-package.ts), which the package task runs after package:js.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..');
const CANARY_ASSET = 'assets/probe/canary.lambda/index.js';
/** Upper bound of the canary bundle (it is ~0.9 MB: the probe, mqtt and its dependencies). */
const MAX_CANARY_BYTES = 1.5 * 1024 * 1024;
/** The modules that run outside CDK: the CLI (the package's bin), the canary handler and what they import. */
const PROBE_ENTRY_POINTS = ['src/probe/cli.ts', 'src/probe/canary.lambda.ts', 'src/probe/probe.ts', 'src/probe/format.ts'];
/** The only packages those modules may import: mqtt is a bundled dependency of this package. */
const ALLOWED_PACKAGES = ['mqtt'];

/** The esbuild arguments of projen's bundle task for the canary (from .projen/tasks.json, so both stay the same). */
function canaryBundleArgs(): string[] {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen/tasks.json'), 'utf-8')).tasks;
  const args: string[] | undefined = tasks['bundle:probe/canary.lambda']?.steps?.[0]?.execArgs;
  if (!args || args[0] !== 'esbuild' || !args.includes(`--outfile=${CANARY_ASSET}`)) {
    throw new Error(`.projen/tasks.json has no esbuild step bundle:probe/canary.lambda writing ${CANARY_ASSET}: ${JSON.stringify(args)}`);
  }
  return args.slice(1);
}

function esbuild(args: string[]): void {
  const bin = path.join(ROOT, 'node_modules/.bin/esbuild');
  const r = spawnSync(bin, [...args, '--log-level=warning'], { cwd: ROOT, encoding: 'utf-8' });
  if (r.status !== 0) {
    throw new Error(`esbuild ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}${r.error ?? ''}`);
  }
}

interface Metafile {
  inputs: Record<string, { bytes: number; imports: { path: string; kind: string; external?: boolean }[] }>;
  outputs: Record<string, { bytes: number }>;
}

/** Bundles `entryPoints` with esbuild (extra `args`) into a temporary folder and returns the metafile. */
function metafileOf(entryPoints: string[], args: string[]): Metafile {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'package-size-'));
  try {
    const meta = path.join(dir, 'meta.json');
    esbuild([...entryPoints, ...args, `--outdir=${dir}/out`, `--metafile=${meta}`]);
    return JSON.parse(fs.readFileSync(meta, 'utf-8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The package a module specifier or node_modules path belongs to (`aws-cdk-lib/aws-ec2` -> `aws-cdk-lib`). */
function packageOf(specifier: string): string {
  const rest = specifier.includes('node_modules/') ? specifier.slice(specifier.lastIndexOf('node_modules/') + 13) : specifier;
  const parts = rest.split('/');
  return rest.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Sources the CLI may run: src/probe/, the verifier (src/verify/, the `verify` subcommand) and the cost estimate
 * (src/cost/, the `cost` subcommand) except their CDK-side or jsii-facing modules, and the dependency-free
 * src/private/formats.ts and src/private/limits.ts.
 */
const CDK_SIDE_PROBE_SOURCES = ['src/probe/connectivity-canary.ts', 'src/probe/canary-function.ts', 'src/probe/index.ts',
  'src/verify/reachability.ts', 'src/verify/index.ts', 'src/cost/index.ts'];
const DEPENDENCY_FREE_PRIVATE_SOURCES = ['src/private/formats.ts', 'src/private/limits.ts'];
const isProbeRuntimeSource = (p: string) => DEPENDENCY_FREE_PRIVATE_SOURCES.includes(p)
  || ((p.startsWith('src/probe/') || p.startsWith('src/verify/') || p.startsWith('src/cost/')) && !CDK_SIDE_PROBE_SOURCES.includes(p));

const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]);

describe('canary Lambda asset', () => {
  test(`${CANARY_ASSET} (the file the package ships) is at most 1.5 MB`, () => {
    // `npx projen build` bundles (pre-compile) before it tests; when jest runs alone, build the asset the same way.
    if (!fs.existsSync(path.join(ROOT, CANARY_ASSET))) {
      esbuild(canaryBundleArgs());
    }
    const bytes = fs.statSync(path.join(ROOT, CANARY_ASSET)).size;
    if (bytes > MAX_CANARY_BYTES) {
      throw new Error(`${CANARY_ASSET} is ${(bytes / 1024 / 1024).toFixed(1)} MB (limit 1.5 MB): if it is stale, run `
        + '`npx projen bundle`; otherwise something in src/probe imports aws-cdk-lib or another large package');
    }
  });

  test('bundling the current sources the same way gives at most 1.5 MB, without aws-cdk-lib or constructs', () => {
    const meta = metafileOf([], canaryBundleArgs().filter((a) => !a.startsWith('--outfile=')));
    const bytes = Object.values(meta.outputs).reduce((sum, o) => sum + o.bytes, 0);
    expect(bytes).toBeLessThanOrEqual(MAX_CANARY_BYTES);
    const packages = new Set(Object.keys(meta.inputs).filter((p) => p.includes('node_modules/')).map(packageOf));
    expect(packages.has('aws-cdk-lib')).toBe(false);
    expect(packages.has('constructs')).toBe(false);
    expect(packages.has('mqtt')).toBe(true);
    const ours = Object.keys(meta.inputs).filter((p) => p.startsWith('src/'));
    expect(ours).toEqual(expect.arrayContaining(['src/probe/canary.lambda.ts', 'src/probe/probe.ts', 'src/private/formats.ts']));
    expect(ours.filter((p) => !isProbeRuntimeSource(p))).toEqual([]);
  });
});

describe('the probe\'s runtime modules import no aws-cdk-lib or constructs', () => {
  // Every package import stays external, so the metafile lists exactly what our modules import, transitively.
  let meta: Metafile;
  let external: { from: string; specifier: string }[];
  beforeAll(() => {
    meta = metafileOf(PROBE_ENTRY_POINTS, ['--bundle', '--platform=node', '--target=node20', '--packages=external',
      '--tsconfig=test/tsconfig.json']);
    external = Object.entries(meta.inputs).flatMap(([from, input]) =>
      input.imports.filter((i) => i.external).map((i) => ({ from, specifier: i.path })));
  });

  test.each(PROBE_ENTRY_POINTS)('%s is part of the graph', (entry) => {
    expect(Object.keys(meta.inputs)).toContain(entry);
  });

  test('every import is a Node builtin or a bundled dependency (mqtt)', () => {
    const offending = external.filter((i) => !isBuiltin(i.specifier) && !ALLOWED_PACKAGES.includes(packageOf(i.specifier)));
    expect(offending).toEqual([]);
  });

  test('no module of the graph is a CDK-side module (private/validation, private/errors, the canary construct)', () => {
    const sources = Object.keys(meta.inputs);
    expect(sources).toContain('src/private/formats.ts');
    expect(sources.filter((p) => !isProbeRuntimeSource(p))).toEqual([]);
  });

  test('src/private/formats.ts imports only node: builtins, src/private/limits.ts nothing (their contract)', () => {
    const imports = meta.inputs['src/private/formats.ts'].imports.map((i) => i.path);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((p) => !p.startsWith('node:'))).toEqual([]);
    expect(meta.inputs['src/private/limits.ts'].imports).toEqual([]);
  });
});
