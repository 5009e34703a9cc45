/**
 * Child side of the synthesis benchmark (scripts/bench.ts): every measured app is one bundle in .build/bench/ that
 * calls `runBench` once. The bundle runs under plain `node`; the library it uses is the compiled copy in
 * .build/bench/cdk-private-iot/ (see scripts/bench.ts), never src/.
 *
 * What is measured is what a user of the compiled package pays for `node app.js`: wall time from the start of the
 * process (`performance.timeOrigin`) to the end of `app.synth()`, module loading included, and the CPU time of the
 * process up to the same point (`process.cpuUsage()`). What follows the synthesis (reading the templates, checks,
 * cleaning up) is not timed.
 *
 * Prints one line `BENCH_RESULT {json}` on stdout.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';

/** Whether the app may load the library: plain apps must not, ours must (from the copy). */
export type AppKind = 'plain' | 'ours';

export interface BenchEnv {
  /** The arguments the benchmark passed (JSON, first command-line argument). */
  readonly args: Record<string, unknown>;
  /** cdk.context.json as copied at the start of the benchmark. */
  readonly context: Record<string, unknown>;
  /** A fresh temporary directory for the cloud assembly. */
  readonly outdir: string;
}

export interface BenchApp {
  readonly app: App;
  /** Facts about the app, taken after the synthesis (untimed). */
  readonly info?: (assembly: CloudAssembly) => object;
}

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Template = { Resources?: Record<string, Resource> };

/** Per stack: its Lambda functions, and the IAM policies attached to the roles of those functions. */
export interface LookupCount {
  readonly stack: string;
  readonly functions: number;
  /** AWS::IAM::Policy and AWS::IAM::ManagedPolicy resources naming one of the roles, plus the roles' inline `Policies`. */
  readonly policies: number;
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` names, if any. */
function referenced(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') {
      return v.Ref;
    }
    if (Array.isArray(v['Fn::GetAtt'])) {
      return String(v['Fn::GetAtt'][0]);
    }
  }
  return undefined;
}

/**
 * Counts the Lambda functions of a template and the policies attached to their roles. Whatever implements the
 * deployment-time lookups (AwsCustomResource's singleton function, a handler of our own), they are Lambda functions
 * with a role, so the count does not depend on the resource type of the lookups.
 */
export function lookupCount(stack: string, template: Template): LookupCount {
  const resources = template.Resources ?? {};
  const functions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  const roles = new Set(functions.map((f) => referenced(f.Properties?.Role)).filter((r): r is string => r !== undefined));
  let policies = 0;
  for (const r of Object.values(resources)) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      const attached = (r.Properties?.Roles as unknown[] | undefined) ?? [];
      if (attached.some((x) => roles.has(referenced(x) ?? ''))) {
        policies++;
      }
    }
  }
  for (const id of roles) {
    policies += ((resources[id]?.Properties?.Policies as unknown[] | undefined) ?? []).length;
  }
  return { stack, functions: functions.length, policies };
}

/** The modules this process loaded, checked: no TypeScript, nothing from src/ or the live lib/; the copy only for ours. */
export function loadedModules(kind: AppKind): { library: string | null; libraryFiles: number } {
  const buildDir = __dirname; // the bundle lives in <root>/.build/bench/
  const root = path.resolve(buildDir, '..', '..');
  const copy = path.join(buildDir, 'cdk-private-iot') + path.sep;
  const files = Object.keys(require.cache);
  const problems = [
    ...files.filter((f) => /\.[cm]?tsx?$/.test(f)).map((f) => `TypeScript module loaded: ${f}`),
    ...files.filter((f) => f.startsWith(path.join(root, 'src') + path.sep)).map((f) => `module from src/ loaded: ${f}`),
    ...files.filter((f) => f.startsWith(path.join(root, 'lib') + path.sep)).map((f) => `module from the live lib/ loaded: ${f}`),
  ];
  const libraryFiles = files.filter((f) => f.startsWith(copy));
  if (kind === 'plain' && libraryFiles.length > 0) {
    problems.push(`a plain app loaded the library: ${libraryFiles[0]}`);
  }
  const index = path.join(copy, 'lib', 'index.js');
  if (kind === 'ours' && !files.includes(index)) {
    problems.push(`the library copy was not loaded (${index} is not in require.cache)`);
  }
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
  return { library: kind === 'ours' ? path.relative(root, index) : null, libraryFiles: libraryFiles.length };
}

/** A validation error of our constructs (thrown, or listed by aws-cdk-lib's `Validation failed`): a rejected configuration. */
export function rejection(e: unknown): string | undefined {
  if (!(e instanceof Error)) {
    return undefined;
  }
  if (e.message.includes('CdkPrivateIotError: ') || /Validation failed/.test(e.message)) {
    return e.message;
  }
  return undefined;
}

/** Builds and synthesizes the app (timed), then describes the assembly (untimed). */
function measure(build: (env: BenchEnv) => BenchApp, env: BenchEnv, loadedMs: number): Record<string, unknown> {
  const { app, info } = build(env);
  const builtMs = performance.now();
  const assembly = app.synth();
  const doneMs = performance.now();
  const cpu = process.cpuUsage();

  const stacks = assembly.stacks.map((s) => ({ name: s.stackName, template: s.template as Template, bytes: fs.statSync(s.templateFullPath).size }));
  const resources = (s: { template: Template }) => Object.values(s.template.Resources ?? {});
  return {
    wallMs: doneMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loadMs: loadedMs,
    buildMs: builtMs - loadedMs,
    synthMs: doneMs - builtMs,
    stacks: stacks.length,
    resources: stacks.flatMap(resources).length,
    templateBytes: stacks.reduce((sum, s) => sum + s.bytes, 0),
    lookups: stacks.map((s) => lookupCount(s.name, s.template)),
    subnets: stacks.flatMap((s) => resources(s)
      .filter((r) => r.Type === 'AWS::EC2::Subnet')
      .map((r) => `${s.name}:${r.Properties?.CidrBlock}:${r.Properties?.AvailabilityZone}`)).sort(),
    ...info?.(assembly),
  };
}

/** Builds the app, synthesizes it, and reports. Call once, from the bundle's top level, after its imports. */
export function runBench(kind: AppKind, build: (env: BenchEnv) => BenchApp): void {
  const loadedMs = performance.now(); // the bundle and the modules it requires at its top level are loaded
  const contextFile = process.env.BENCH_CONTEXT;
  if (!contextFile) {
    throw new Error('BENCH_CONTEXT (the copy of cdk.context.json) is not set: run this through scripts/bench.ts');
  }
  const env: BenchEnv = {
    args: JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>,
    context: JSON.parse(fs.readFileSync(contextFile, 'utf-8')) as Record<string, unknown>,
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-private-iot-bench-')),
  };
  let result: Record<string, unknown>;
  try {
    result = measure(build, env, loadedMs);
  } catch (e) {
    const message = rejection(e); // rejected in a constructor or by a validation at synth: a row of its own, not a failure
    if (message === undefined) {
      throw e;
    }
    result = { rejected: message };
  } finally {
    fs.rmSync(env.outdir, { recursive: true, force: true });
  }
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify({ ...result, ...loadedModules(kind) })}\n`);
}
