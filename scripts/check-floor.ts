/**
 * Proves the peer-dependency floor: an empty app, as a user would start one, with exactly the lowest aws-cdk-lib and
 * constructs that package.json's peerDependencies admit, installs the packed library (dist/js/*.tgz), compiles the
 * example apps and every TypeScript example of README.md against it (strict), and synthesizes the example apps twice:
 * with an empty context (must not throw; the cloud assembly lists the missing lookups) and with the repository's
 * cdk.context.json (no missing lookups, no error annotations, templates with resources).
 *
 * Usage: npx projen test:floor [--keep] [--cdk-version X.Y.Z] [--constructs-version X.Y.Z]
 *   (after `npx projen compile && npx projen package:js`; `package` runs it). The version options measure another
 *   release instead of the floor, e.g. to find a new floor; below the declared floor npm needs --legacy-peer-deps, which
 *   the script then passes and says so (a measurement, not a proof that users can install it).
 *
 * One `npm install` (aws-cdk-lib is ~40 MB); the app is created under the OS temp folder and removed unless the check
 * fails or --keep is given. Exits non-zero on any failure.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const started = Date.now();
const keep = process.argv.includes('--keep');
function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}
const failures: string[] = [];

interface PackageJson {
  name: string;
  version: string;
  peerDependencies?: Record<string, string>;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf-8')) as T;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function log(line: string): void {
  process.stdout.write(line + '\n');
}

function fail(message: string): void {
  failures.push(message);
  log(`  FAIL ${message}`);
}

/** The lowest version a peer range admits; only the simple forms projen writes (^X.Y.Z, ~X.Y.Z, X.Y.Z, >=X.Y.Z). */
function floorOf(pkg: PackageJson, name: string): string {
  const range = pkg.peerDependencies?.[name];
  const match = range ? /^(?:\^|~|>=)?\s*(\d+\.\d+\.\d+)$/.exec(range.trim()) : null;
  if (!match) {
    throw new Error(`package.json: peerDependencies.${name} is '${range}', expected ^X.Y.Z`);
  }
  return match[1];
}

/** npm from the PATH; CDK_* variables of the calling shell (CDK_CONTEXT_JSON, CDK_OUTDIR, ...) are not passed on. */
function run(command: string, args: string[], cwd: string): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CDK_')));
  return execFileSync(command, args, { cwd, env, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function errorText(error: unknown): string {
  const e = error as { stdout?: string; stderr?: string; message?: string };
  return [e.stderr, e.stdout].filter((s) => s && s.trim()).join('\n').trim() || String(e.message ?? error);
}

// --- What to check ---------------------------------------------------------------------------------------------------
const pkg = readJson<PackageJson>(path.join(root, 'package.json'));
const declaredCdkFloor = floorOf(pkg, 'aws-cdk-lib');
const declaredConstructsFloor = floorOf(pkg, 'constructs');
const cdkFloor = option('--cdk-version') ?? declaredCdkFloor;
const constructsFloor = option('--constructs-version') ?? declaredConstructsFloor;
const belowFloor = [[cdkFloor, declaredCdkFloor], [constructsFloor, declaredConstructsFloor]].some(([a, b]) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  return x[0] !== y[0] || x[1] < y[1] || (x[1] === y[1] && x[2] < y[2]);
});
const typescriptVersion = readJson<PackageJson>(path.join(root, 'node_modules', 'typescript', 'package.json')).version;
const typesNodeVersion = readJson<PackageJson>(path.join(root, 'node_modules', '@types', 'node', 'package.json')).version;

const distDir = path.join(root, 'dist', 'js');
const tarballs = fs.existsSync(distDir) ? fs.readdirSync(distDir).filter((f) => f.endsWith('.tgz')) : [];
if (tarballs.length === 0) {
  process.stderr.write('check-floor: no dist/js/*.tgz; run `npx projen compile && npx projen package:js` first\n');
  process.exit(1);
}
const tarball = tarballs.map((f) => path.join(distDir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
const packed = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf-8' })) as PackageJson;
if (JSON.stringify(packed.peerDependencies) !== JSON.stringify(pkg.peerDependencies)) {
  process.stderr.write(`check-floor: ${path.relative(root, tarball)} is stale: its peerDependencies ${JSON.stringify(packed.peerDependencies)} `
    + `differ from package.json's ${JSON.stringify(pkg.peerDependencies)}; run \`npx projen compile && npx projen package:js\`\n`);
  process.exit(1);
}

const measuring = cdkFloor !== declaredCdkFloor || constructsFloor !== declaredConstructsFloor;
log(`check-floor: ${pkg.name} against ${measuring ? 'a release other than its floor' : 'its peer-dependency floor'}: `
  + `aws-cdk-lib ${cdkFloor}, constructs ${constructsFloor} `
  + `(peerDependencies ${pkg.peerDependencies!['aws-cdk-lib']} / ${pkg.peerDependencies!.constructs})`);
if (belowFloor) {
  log('  below the declared floor: installing with --legacy-peer-deps (a measurement; users cannot install this)');
}
log(`  with typescript ${typescriptVersion} and @types/node ${typesNodeVersion} (the dev copies), package ${path.relative(root, tarball)}`);

const app = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-private-iot-floor-'));
log(`  app: ${app}`);

// --- 1. An empty app installs the packed library with exactly the floor ----------------------------------------------
let phase = Date.now();
run('npm', ['init', '-y'], app);
const installSpecs = [`aws-cdk-lib@${cdkFloor}`, `constructs@${constructsFloor}`, `typescript@${typescriptVersion}`,
  `@types/node@${typesNodeVersion}`, tarball];
let installed = false;
try {
  run('npm', ['install', '--save-exact', '--no-audit', '--no-fund', '--no-update-notifier',
    ...(belowFloor ? ['--legacy-peer-deps'] : []), ...installSpecs], app);
  installed = true;
} catch (error) {
  fail(`npm install ${installSpecs.map((s) => path.basename(s)).join(' ')} failed:\n${errorText(error)}`);
}
if (installed) {
  const versionIn = (dir: string) => (fs.existsSync(path.join(dir, 'package.json')) ? readJson<PackageJson>(path.join(dir, 'package.json')).version : 'absent');
  const cdkInstalled = versionIn(path.join(app, 'node_modules', 'aws-cdk-lib'));
  const constructsInstalled = versionIn(path.join(app, 'node_modules', 'constructs'));
  if (cdkInstalled !== cdkFloor) fail(`node_modules/aws-cdk-lib is ${cdkInstalled}, not ${cdkFloor}`);
  if (constructsInstalled !== constructsFloor) fail(`node_modules/constructs is ${constructsInstalled}, not ${constructsFloor}`);
  for (const nested of ['aws-cdk-lib', 'constructs']) {
    if (fs.existsSync(path.join(app, 'node_modules', pkg.name, 'node_modules', nested))) {
      fail(`${pkg.name} got its own copy of ${nested} (a peer dependency must resolve to the app's)`);
    }
  }
  try {
    if (!belowFloor) run('npm', ['ls', 'aws-cdk-lib', 'constructs', pkg.name], app);
  } catch (error) {
    fail(`npm ls reports a broken tree:\n${errorText(error)}`);
  }
  log(`  install: ${pkg.name} ${packed.version} with aws-cdk-lib ${cdkInstalled}, constructs ${constructsInstalled} (${seconds(phase)})`);
}

// --- 1b. The installed package's index is lazy (scripts/lazify-index.ts) and serves every jsii type ----------------
// Importing the package loads its index only; reading PrivateIotDataEndpoint loads the endpoint module and what it
// imports, none of the other areas; every class and enum of the jsii assembly (what Python, Java, .NET and Go ask the
// JavaScript runtime for, by name) is defined.
if (installed) {
  phase = Date.now();
  const jsiiTypes = Object.values(readJson<{ types: Record<string, { kind: string; name: string; namespace?: string }> }>(
    path.join(app, 'node_modules', pkg.name, '.jsii')).types).filter((t) => t.kind !== 'interface' && !t.namespace).map((t) => t.name);
  fs.writeFileSync(path.join(app, 'lazy-index.js'), `'use strict';
const name = process.argv[2];
const areas = () => [...new Set(Object.keys(require.cache).map((f) => (/node_modules\\/${pkg.name}\\/lib\\/([^/]+)\\//.exec(f) || [])[1]).filter(Boolean))].sort();
const lib = require(name);
const afterRequire = areas();
lib.PrivateIotDataEndpoint;
const afterEndpoint = areas();
const missing = process.argv.slice(3).filter((n) => typeof lib[n] !== 'function' && typeof lib[n] !== 'object');
console.log(JSON.stringify({ afterRequire, afterEndpoint, missing, exports: Object.keys(lib).length }));
`);
  try {
    const result = JSON.parse(run('node', ['lazy-index.js', pkg.name, ...jsiiTypes], app)) as
      { afterRequire: string[]; afterEndpoint: string[]; missing: string[]; exports: number };
    if (result.afterRequire.length > 0) fail(`require('${pkg.name}') loaded lib/{${result.afterRequire.join(',')}} before any export was read (the index is not lazy)`);
    const unexpected = result.afterEndpoint.filter((area) => !['endpoint', 'private'].includes(area));
    if (!result.afterEndpoint.includes('endpoint') || unexpected.length > 0) {
      fail(`reading PrivateIotDataEndpoint loaded lib/{${result.afterEndpoint.join(',')}} (expected endpoint and private only)`);
    }
    if (result.missing.length > 0) fail(`the installed index does not define these jsii types: ${result.missing.join(', ')}`);
    log(`  lazy index: require loads no module, PrivateIotDataEndpoint loads lib/{${result.afterEndpoint.join(',')}}, `
      + `${jsiiTypes.length} jsii classes and enums defined (${seconds(phase)})`);
  } catch (error) {
    fail(`the lazy-index check failed:\n${errorText(error)}`);
  }
}

// --- 2. The examples and the README's TypeScript examples compile against the floor (strict) -------------------------
interface Snippet { file: string; readmeLine: number; origin: Array<number | undefined> }
const examples: string[] = [];
const snippets: Snippet[] = [];
let compiled = false;
if (installed) {
  phase = Date.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require(path.join(app, 'node_modules', 'typescript')) as typeof import('typescript');
  const libraryImport = /(from\s+|import\s*\(\s*|require\s*\(\s*)'(\.\.\/src|\.\.\/src\/index|\.\.\/lib|\.\.\/lib\/index|\.\.)'/g;
  const deepImport = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)'(\.\.\/(?:src|lib)\/[^']+)'/;

  // The example apps, importing the package instead of ../src.
  fs.mkdirSync(path.join(app, 'examples'));
  for (const file of fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort()) {
    const source = fs.readFileSync(path.join(root, 'examples', file), 'utf-8');
    const deep = deepImport.exec(source);
    if (deep) {
      fail(`examples/${file} imports '${deep[1]}': examples must use the package's public API (import from '../src')`);
    }
    fs.writeFileSync(path.join(app, 'examples', file), source.replace(libraryImport, `$1'${pkg.name}'`));
    examples.push(file);
  }

  // Every ```ts block of README.md in its rosetta fixture, as jsii-rosetta builds it (rosetta's fixtures.js): the
  // snippet replaces the fixture's '/// here' line, its imports and `declare` statements are hoisted to the top of the
  // file. `fixture=NAME` in the fence picks rosetta/NAME.ts-fixture, `nofixture` none.
  fs.mkdirSync(path.join(app, 'readme'));
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8').split('\n');
  for (let i = 0; i < readme.length; i++) {
    const fence = /^```(?:ts|typescript)(\s.*)?$/.exec(readme[i].trimEnd());
    if (!fence) continue;
    const info = fence[1] ?? '';
    const start = i + 1; // index of the snippet's first line; README line start + 1
    let end = start;
    while (end < readme.length && !/^```\s*$/.test(readme[end])) end++;
    i = end;
    const body = readme.slice(start, end);
    // Which snippet lines belong to hoisted statements (imports, `declare const ...`).
    const source = ts.createSourceFile('snippet.ts', body.join('\n'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const hoisted = new Set<number>();
    for (const statement of source.statements) {
      const isImport = statement.kind === ts.SyntaxKind.ImportDeclaration || statement.kind === ts.SyntaxKind.ImportEqualsDeclaration;
      const isDeclare = ts.isVariableStatement(statement)
        && (statement.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
      if (!isImport && !isDeclare) continue;
      const first = source.getLineAndCharacterOfPosition(statement.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(statement.getEnd()).line;
      for (let l = first; l <= last; l++) hoisted.add(l);
    }
    const lines: string[] = [];
    const origin: Array<number | undefined> = []; // README line (1-based) of each generated line
    const push = (text: string, readmeLine?: number) => { lines.push(text); origin.push(readmeLine); };
    body.forEach((text, l) => { if (hoisted.has(l)) push(text, start + l + 1); });
    const fixtureName = /(?:^|\s)fixture=(\S+)/.exec(info)?.[1] ?? 'default';
    if (/(?:^|\s)nofixture(?:\s|$)/.test(info)) {
      body.forEach((text, l) => { if (!hoisted.has(l)) push(text, start + l + 1); });
    } else {
      const fixture = fs.readFileSync(path.join(root, 'rosetta', `${fixtureName}.ts-fixture`), 'utf-8')
        .replace(libraryImport, `$1'${pkg.name}'`).split('\n');
      const here = fixture.findIndex((l) => /^\s*\/\/\/\s*here\s*$/.test(l));
      if (here < 0) throw new Error(`rosetta/${fixtureName}.ts-fixture has no '/// here' line`);
      fixture.slice(0, here).forEach((text) => push(text));
      body.forEach((text, l) => { if (!hoisted.has(l)) push(text, start + l + 1); });
      fixture.slice(here + 1).forEach((text) => push(text));
    }
    const file = `readme/snippet-${String(snippets.length + 1).padStart(2, '0')}-line-${start + 1}.ts`;
    fs.writeFileSync(path.join(app, file), lines.join('\n'));
    snippets.push({ file, readmeLine: start + 1, origin });
  }

  // One tsconfig for both (`npx tsc -p .` in a kept app reproduces the check); only the examples are emitted.
  fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['es2022'],
      module: 'node16',
      moduleResolution: 'node16',
      strict: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      rootDir: '.',
      outDir: 'out',
    },
    include: ['examples/*.ts', 'readme/*.ts'],
  }, undefined, 2));

  // The app's own TypeScript (the dev copy's version), through its API: one type check for examples and snippets.
  const config = ts.getParsedCommandLineOfConfigFile(path.join(app, 'tsconfig.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const diagnostics = [...ts.getPreEmitDiagnostics(program)];
  for (const file of examples) {
    diagnostics.push(...program.emit(program.getSourceFile(path.join(app, 'examples', file))).diagnostics);
  }
  const where = (d: import('typescript').Diagnostic): string => {
    if (!d.file || d.start === undefined) return '';
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const relative = path.relative(app, d.file.fileName);
    const snippet = snippets.find((s) => s.file === relative);
    if (snippet) {
      const readmeLine = snippet.origin[line];
      return readmeLine ? `README.md:${readmeLine}:${character + 1}` : `${relative}:${line + 1}:${character + 1} (fixture of the README snippet at line ${snippet.readmeLine})`;
    }
    return `${relative}:${line + 1}:${character + 1}`;
  };
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  for (const d of errors) {
    fail(`${where(d)} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  compiled = errors.length === 0;
  log(`  compile: ${examples.length} examples (${examples.join(', ')}) and ${snippets.length} README snippets, strict, `
    + `against aws-cdk-lib ${cdkFloor}: ${errors.length} errors (${seconds(phase)})`);
}

// --- 2b. The library's own sources type-check against the floor ----------------------------------------------------
// The packed .d.ts files hide private code (a prop spread into an aws-cdk-lib props object, e.g. serviceRegion), so
// the sources are checked too, with the library's compiler options, against the floor's aws-cdk-lib and constructs.
if (installed) {
  phase = Date.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require(path.join(app, 'node_modules', 'typescript')) as typeof import('typescript');
  fs.cpSync(path.join(root, 'src'), path.join(app, 'library-src'), { recursive: true });
  const rootConfig = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile).config as { compilerOptions: Record<string, unknown> };
  const options = ts.convertCompilerOptionsFromJson({
    ...rootConfig.compilerOptions,
    rootDir: undefined,
    outDir: undefined,
    types: ['node'],
    noEmit: true,
    declaration: false,
    // mqtt is bundled inside the package (without its type declarations): take the dev copy's types for it.
    baseUrl: '.',
    paths: { mqtt: [path.join(root, 'node_modules', 'mqtt')] },
  }, app).options;
  const sources = (fs.readdirSync(path.join(app, 'library-src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => path.join(app, 'library-src', f));
  const program = ts.createProgram({ rootNames: sources, options });
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  for (const d of errors) {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const where = d.file && at ? `src/${path.relative(path.join(app, 'library-src'), d.file.fileName)}:${at.line + 1}:${at.character + 1} ` : '';
    fail(`${where}TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  compiled = compiled && errors.length === 0;
  log(`  compile: the library's ${sources.length} source files against aws-cdk-lib ${cdkFloor}: ${errors.length} errors (${seconds(phase)})`);
}

// --- 3. The example apps synthesize: empty context first, then cdk.context.json ---------------------------------------
interface PassResult {
  example: string;
  builder: string;
  pass: 'empty' | 'filled';
  error?: string;
  missing?: string[];
  stacks?: Array<{ name: string; resources: number; errors: string[]; warnings: number }>;
}
if (compiled) {
  phase = Date.now();
  const contextFile = path.join(root, 'cdk.context.json');
  const context = readJson<Record<string, unknown>>(contextFile);
  // Run by node in the app: each example module exports build*() functions that take { outdir, context } (plus the
  // module's MAIN_JOB_OPTIONS, if any) and return an App or { app }.
  fs.writeFileSync(path.join(app, 'synth-examples.js'), `'use strict';
const fs = require('fs');
const path = require('path');
const [contextFile, outRoot, resultFile, ...modules] = process.argv.slice(2);
const filled = JSON.parse(fs.readFileSync(contextFile, 'utf-8'));
const results = [];
for (const modulePath of modules) {
  const example = path.basename(modulePath, '.js');
  let mod;
  try { mod = require(path.resolve(modulePath)); } catch (e) { results.push({ example, builder: '(require)', pass: 'empty', error: e.stack }); continue; }
  const builders = Object.entries(mod).filter(([name, value]) => typeof value === 'function' && /^build[A-Z]/.test(name));
  if (builders.length === 0) results.push({ example, builder: '(none)', pass: 'empty', error: 'exports no build*() function' });
  for (const [builder, build] of builders) {
    for (const [pass, context] of [['empty', {}], ['filled', filled]]) {
      try {
        const built = build({ ...(mod.MAIN_JOB_OPTIONS || {}), outdir: path.join(outRoot, example + '.' + builder + '.' + pass), context });
        const assembly = (built && typeof built.synth === 'function' ? built : built.app).synth();
        results.push({ example, builder, pass,
          missing: (assembly.manifest.missing || []).map((m) => m.key),
          stacks: assembly.stacks.map((s) => ({
            name: s.stackName,
            resources: Object.keys(s.template.Resources || {}).length,
            errors: s.messages.filter((m) => m.level === 'error').map((m) => m.id + ': ' + m.entry.data),
            warnings: s.messages.filter((m) => m.level === 'warning').length,
          })) });
      } catch (e) {
        results.push({ example, builder, pass, error: (e && e.stack) || String(e) });
      }
    }
  }
}
fs.writeFileSync(resultFile, JSON.stringify(results));
`);
  const resultFile = path.join(app, 'synth-results.json');
  const modules = examples.map((f) => path.join('out', 'examples', f.replace(/\.ts$/, '.js')));
  try {
    run(process.execPath, ['synth-examples.js', contextFile, path.join(app, 'cdk.out'), resultFile, ...modules], app);
  } catch (error) {
    fail(`synthesizing the examples crashed:\n${errorText(error)}`);
  }
  const results = fs.existsSync(resultFile) ? readJson<PassResult[]>(resultFile) : [];
  for (const r of results) {
    const label = `synth examples/${r.example}.ts ${r.builder}() with ${r.pass === 'empty' ? 'an empty context' : 'cdk.context.json'}`;
    if (r.error) {
      fail(`${label} threw: ${r.error.split('\n').slice(0, 6).join('\n    ')}`);
      continue;
    }
    const stacks = r.stacks ?? [];
    const missing = r.missing ?? [];
    const resources = stacks.reduce((n, s) => n + s.resources, 0);
    const warnings = stacks.reduce((n, s) => n + s.warnings, 0);
    const errorAnnotations = stacks.flatMap((s) => s.errors.map((e) => `${s.name}: ${e}`));
    if (r.pass === 'empty') {
      const unknown = missing.filter((key) => !(key in context));
      if (unknown.length > 0) fail(`${label}: missing context that cdk.context.json does not hold: ${unknown.join(', ')}`);
      log(`  ${label}: ${stacks.length} stacks, ${missing.length} missing lookups listed `
        + `(${[...new Set(missing.map((k) => k.split(':')[0]))].join(', ') || 'none'})`);
    } else {
      if (missing.length > 0) fail(`${label}: still missing ${missing.join(', ')}`);
      if (stacks.length === 0 || stacks.some((s) => s.resources === 0)) fail(`${label}: a stack without resources (${stacks.map((s) => `${s.name} ${s.resources}`).join(', ')})`);
      for (const e of errorAnnotations) fail(`${label}: error annotation ${e}`);
      log(`  ${label}: ${stacks.length} stacks, ${resources} resources, ${warnings} warnings, `
        + `${errorAnnotations.length} errors, 0 missing lookups`);
    }
  }
  if (results.length === 0 && failures.length === 0) fail('no example was synthesized');
  log(`  synth: ${seconds(phase)}`);
}

// --- Verdict ---------------------------------------------------------------------------------------------------------
const checked = `install with aws-cdk-lib ${cdkFloor} + constructs ${constructsFloor}, ${examples.length} examples and ${snippets.length} README snippets compiled, examples synthesized`;
if (failures.length > 0) {
  log(`check-floor: FAILED (${failures.length} failures) in ${seconds(started)}; the app is kept in ${app}`);
  process.exit(1);
}
if (!keep) {
  fs.rmSync(app, { recursive: true, force: true });
}
log(`check-floor: OK${measuring ? ' (measurement, not the declared floor)' : ''}, aws-cdk-lib ${cdkFloor} (${checked}) in ${seconds(started)}${keep ? `; the app is kept in ${app}` : ''}`);
