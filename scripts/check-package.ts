/**
 * The npm package stays lean and its CLI works on a jump host (issue 11).
 *
 *   check-package.ts prune [tgz]   package:js runs this after jsii-pacmak: removes from the bundled dependencies
 *                                  inside the tarball what Node never loads (type declarations, source maps, docs,
 *                                  tests, mqtt's browser builds) and packs it again with npm. Every package.json stays,
 *                                  so npm sees a complete bundled tree.
 *   check-package.ts check [tgz]   package:check: the contents and sizes of the tarball, then an install without peer
 *                                  dependencies (no aws-cdk-lib, no constructs) into an empty folder, where the CLI
 *                                  prints its usage, probes 127.0.0.1 (nothing listening: FAIL with ECONNREFUSED, exit
 *                                  1) and the bundled mqtt completes an MQTT CONNECT with a loopback fake broker.
 *
 * [tgz] defaults to dist/js/<name>@<version>.jsii.tgz. Exits non-zero on any failure. Network: loopback only, apart
 * from what npm install may ask the npm registry (the only dependency, mqtt, is bundled).
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const MB = 1024 * 1024;
/** Upper bounds: the packed tarball and the canary Lambda asset. */
const MAX_PACKED_BYTES = 2.5 * MB;
const MAX_CANARY_BYTES = 1.5 * MB;
const CANARY_ASSET = 'assets/probe/canary.lambda/index.js';
/** Files the package must contain (paths inside the tarball, without the `package/` prefix). */
const REQUIRED = ['package.json', 'README.md', 'LICENSE', '.jsii', 'API.md', 'lib/index.js', 'lib/index.d.ts', 'lib/probe/cli.js',
  'lib/probe/probe.js', 'lib/private/formats.js', CANARY_ASSET, 'node_modules/mqtt/package.json', 'node_modules/mqtt/build/index.js'];
/** Paths the package must not contain: sources, tests, dev folders, and what prune removes from bundled dependencies. */
const FORBIDDEN: { what: string; test: (p: string) => boolean }[] = [
  { what: 'TypeScript sources outside node_modules (only .d.ts)', test: (p) => !p.startsWith('node_modules/') && /\.ts$/.test(p) && !p.endsWith('.d.ts') },
  { what: 'dev folders (src, test, integ, scripts, examples, docs, .projen, dist, coverage)', test: (p) => /^(src|test|integ|scripts|examples|docs|\.projen|dist|coverage|projenrc)\//.test(p) },
  { what: 'aws-cdk-lib or constructs (peer dependencies)', test: (p) => /(^|\/)node_modules\/(aws-cdk-lib|constructs)\//.test(p) },
  { what: 'pruned files in bundled dependencies', test: (p) => p.startsWith('node_modules/') && prunable(p) },
];

// ---------------------------------------------------------------------------------------------------------------
// What prune removes from node_modules/** (bundled dependencies). Node loads none of it.

/** Folders of a package (not package folders themselves) that hold no runtime code. */
const PRUNED_DIRS = new Set(['test', 'tests', '__tests__', 'fixtures', 'example', 'examples', 'docs', 'doc', 'benchmark',
  'benchmarks', 'bench', 'coverage', '.github', '.nyc_output', '.vscode']);
/** Per-package folders: mqtt's browser builds (dist/ is for bundlers and <script>; Node loads build/). */
const PRUNED_PACKAGE_DIRS: Record<string, string[]> = { mqtt: ['dist'] };
/** File names: type declarations, TypeScript sources, source maps, docs, build info, CI and editor configuration. */
const PRUNED_FILE = /(\.d\.[mc]?ts|\.[mc]?ts|\.map|\.md|\.markdown|\.tsbuildinfo|\.ya?ml|\.html)$|^\./i;
const KEPT_FILE = /^(package\.json|licen[cs]e(\..*)?|notice(\..*)?)$/i;

/** Whether prune removes `p`, a path inside the package (node_modules/...). */
function prunable(p: string): boolean {
  const parts = p.split('/');
  const name = parts[parts.length - 1];
  if (KEPT_FILE.test(name)) return false;
  // walk the path: track the current package and the path inside it
  let pkg = '';
  let inside: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] === 'node_modules') {
      const scoped = parts[i + 1]?.startsWith('@');
      pkg = scoped ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1];
      i += scoped ? 2 : 1;
      inside = [];
      continue;
    }
    inside.push(parts[i]);
  }
  if (pkg.startsWith('@types/')) return true;
  if (inside.some((d) => PRUNED_DIRS.has(d))) return true;
  if (inside.length > 0 && (PRUNED_PACKAGE_DIRS[pkg] ?? []).includes(inside[0])) return true;
  return PRUNED_FILE.test(name);
}

// ---------------------------------------------------------------------------------------------------------------

const failures: string[] = [];
function check(ok: boolean, what: string, detail = ''): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` - ${detail}` : ''}`);
  if (!ok) failures.push(`${what}${detail ? ` - ${detail}` : ''}`);
}

function run(cmd: string, args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf-8', maxBuffer: 64 * MB, ...options });
  return { code: r.status ?? -1, out: String(r.stdout ?? ''), err: String(r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** The line of a Node stack trace that says what went wrong (e.g. `Error: Cannot find module 'aws-cdk-lib'`). */
function errorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return (lines.find((l) => /^\w*Error\b/.test(l)) ?? lines[0] ?? '').slice(0, 300);
}

function mustRun(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = run(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.code}):\n${r.err}${r.out}`);
  return r.out;
}

/** An environment for child npm/node processes without what `npx projen` / npm scripts set (NODE_PATH, npm_*). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_PATH' || k === 'INIT_CWD' || /^npm_(lifecycle|package|command|config_(prefix|global|local_prefix|save|omit|include))/i.test(k)) continue;
    env[k] = v;
  }
  return env;
}

function defaultTarball(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
  return path.join(ROOT, 'dist/js', `${pkg.name}@${pkg.version}.jsii.tgz`);
}

function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(2)} MB`;
}

interface PackInfo { size: number; unpackedSize: number; entryCount: number; files: { path: string; size: number }[] }

/** What `npm pack --dry-run --json <tgz>` reports of a tarball: packed and unpacked size, files. */
function packInfo(tgz: string, cwd: string): PackInfo {
  const out = mustRun('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', tgz], { cwd, env: cleanEnv() });
  return JSON.parse(out)[0];
}

function walk(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? walk(dir, p) : [p];
  });
}

// ---------------------------------------------------------------------------------------------------------------

function prune(tgz: string): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-private-iot-prune-'));
  try {
    const before = packInfo(tgz, tmp);
    mustRun('tar', ['-xzf', tgz, '-C', tmp]);
    const pkgDir = path.join(tmp, 'package');
    let removed = 0;
    let removedBytes = 0;
    if (fs.existsSync(path.join(pkgDir, 'node_modules'))) {
      for (const file of walk(pkgDir, 'node_modules')) {
        if (prunable(file)) {
          removedBytes += fs.statSync(path.join(pkgDir, file)).size;
          fs.rmSync(path.join(pkgDir, file));
          removed++;
        }
      }
    }
    const outDir = path.join(tmp, 'out');
    fs.mkdirSync(outDir);
    const [packed] = JSON.parse(mustRun('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir],
      { cwd: pkgDir, env: cleanEnv() }));
    fs.copyFileSync(path.join(outDir, packed.filename), tgz);
    console.log(`prune ${path.relative(ROOT, tgz)}: removed ${removed} files (${mb(removedBytes)}) from the bundled dependencies; `
      + `packed ${mb(before.size)} -> ${mb(packed.size)}, unpacked ${mb(before.unpackedSize)} -> ${mb(packed.unpackedSize)}, `
      + `${before.entryCount} -> ${packed.entryCount} files`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------

function checkPackage(tgz: string): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-private-iot-check-'));
  const env = cleanEnv();
  try {
    console.log(`package:check ${path.relative(ROOT, tgz)}`);

    console.log('contents (npm pack --dry-run --json <tgz>):');
    const info = packInfo(tgz, tmp);
    const files = new Map(info.files.map((f) => [f.path, f.size]));
    console.log(`  packed ${mb(info.size)} (${info.size} bytes), unpacked ${mb(info.unpackedSize)} (${info.unpackedSize} bytes), `
      + `${info.entryCount} files`);
    check(info.size <= MAX_PACKED_BYTES, `packed size at most ${mb(MAX_PACKED_BYTES)}`, mb(info.size));
    const canary = files.get(CANARY_ASSET);
    check(canary !== undefined && canary <= MAX_CANARY_BYTES, `${CANARY_ASSET} at most ${mb(MAX_CANARY_BYTES)}`,
      canary === undefined ? 'missing' : mb(canary));
    const missing = REQUIRED.filter((p) => !files.has(p));
    check(missing.length === 0, `contains ${REQUIRED.length} required files (lib, .jsii, assets, docs, bundled mqtt)`,
      missing.length ? `missing: ${missing.join(', ')}` : '');
    for (const rule of FORBIDDEN) {
      const found = [...files.keys()].filter(rule.test);
      check(found.length === 0, `no ${rule.what}`, found.length ? `${found.length}: ${found.slice(0, 5).join(', ')}` : '');
    }
    const top = new Set([...files.keys()].map((p) => p.split('/')[0]));
    const allowedTop = ['package.json', 'README.md', 'LICENSE', 'API.md', '.jsii', '.jsii.tabl.json', 'lib', 'assets', 'node_modules'];
    const extra = [...top].filter((t) => !allowedTop.includes(t));
    check(extra.length === 0, `top level is only ${allowedTop.join(', ')}`, extra.join(', '));
    const grouped = new Map<string, number>();
    for (const [p, size] of files) {
      const key = p.startsWith('node_modules/') ? 'node_modules (bundled mqtt and its dependencies)' : p.split('/')[0];
      grouped.set(key, (grouped.get(key) ?? 0) + size);
    }
    for (const [key, size] of [...grouped].sort((a, b) => b[1] - a[1])) {
      console.log(`    ${mb(size).padStart(9)}  ${key}`);
    }

    console.log('install without peer dependencies (npm install --omit=peer --no-audit --no-fund <tgz>) into an empty folder:');
    const app = path.join(tmp, 'jump-host');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'jump-host', version: '1.0.0', private: true }));
    const install = run('npm', ['install', '--omit=peer', '--no-audit', '--no-fund', '--no-package-lock', tgz], { cwd: app, env });
    check(install.code === 0, 'npm install exits 0', install.code === 0 ? '' : `${install.code}: ${install.err.trim().slice(-2000)}`);
    if (install.code !== 0) return;
    const installed = path.join(app, 'node_modules/cdk-private-iot');
    check(fs.existsSync(path.join(installed, 'lib/probe/cli.js')), 'node_modules/cdk-private-iot/lib/probe/cli.js installed');
    for (const peer of ['aws-cdk-lib', 'constructs']) {
      check(!fs.existsSync(path.join(app, 'node_modules', peer)), `${peer} is not installed`);
    }
    const mqttPath = run(process.execPath, ['-p', `require.resolve('mqtt', { paths: [${JSON.stringify(path.join(installed, 'lib/probe'))}] })`],
      { cwd: app, env }).out.trim();
    check(mqttPath.startsWith(path.join(installed, 'node_modules/mqtt/')), 'mqtt resolves to the bundled copy', path.relative(app, mqttPath));

    console.log('CLI (npx --no cdk-private-iot ...) in that folder:');
    const cli = (args: string[]) => run('npx', ['--no', 'cdk-private-iot', ...args], { cwd: app, env });
    const help = cli(['probe', '--help']);
    check(help.code === 0 && help.out.startsWith('Usage: cdk-private-iot probe --host <iot hostname>'),
      'probe --help: exit 0 and the usage text', help.code === 0 ? '' : `exit ${help.code}: ${errorLine(help.err)}`);

    const port = refusedPort();
    const probeArgs = ['probe', '--host', 'localhost', '--connect', '127.0.0.1', '--port', String(port), '--expect-cidr', '127.0.0.0/8',
      '--timeout', '3000', '--json'];
    if (port === undefined) {
      check(false, 'a loopback probe needs one of 8883, 443, 8443 free on 127.0.0.1', 'all three accept connections');
    } else {
      const probe = cli(probeArgs);
      let report: any;
      try {
        report = JSON.parse(probe.out);
      } catch {
        report = undefined;
      }
      const tcp = report?.checks?.find((c: any) => c.step === 'tcp' && c.port === port);
      check(probe.code === 1 && report?.ok === false && tcp?.ok === false && tcp?.data?.code === 'ECONNREFUSED',
        `${probeArgs.join(' ')}: exit 1, JSON report with tcp ${port} FAIL (ECONNREFUSED)`,
        `exit ${probe.code}, tcp ${tcp ? `${tcp.ok ? 'PASS' : 'FAIL'} ${tcp.detail}` : 'missing'}${probe.err ? `, stderr: ${errorLine(probe.err)}` : ''}`);
      const dnsCheck = report?.checks?.find((c: any) => c.step === 'dns');
      check(dnsCheck?.ok === true, 'the same report: dns PASS (localhost resolves into 127.0.0.0/8)', dnsCheck?.detail ?? 'missing');
    }

    // --omit=peer still asks the registry for the peers' metadata; without a registry (an isolated jump host) npm needs
    // --legacy-peer-deps, and then the tarball alone is enough: every runtime dependency is bundled.
    console.log('install with no registry at all (npm install --offline --legacy-peer-deps, empty npm cache):');
    const offline = path.join(tmp, 'isolated-host');
    fs.mkdirSync(offline);
    fs.writeFileSync(path.join(offline, 'package.json'), JSON.stringify({ name: 'isolated-host', version: '1.0.0', private: true }));
    const offlineInstall = run('npm', ['install', '--offline', '--legacy-peer-deps', '--cache', path.join(tmp, 'empty-npm-cache'),
      '--no-audit', '--no-fund', '--no-package-lock', tgz], { cwd: offline, env });
    check(offlineInstall.code === 0, 'npm install --offline exits 0', offlineInstall.code === 0 ? '' : errorLine(offlineInstall.err));
    const offlineHelp = run('npx', ['--no', 'cdk-private-iot', 'probe', '--help'], { cwd: offline, env });
    check(offlineHelp.code === 0 && offlineHelp.out.startsWith('Usage: cdk-private-iot probe'), 'probe --help there: exit 0 and the usage text',
      offlineHelp.code === 0 ? '' : `exit ${offlineHelp.code}: ${errorLine(offlineHelp.err)}`);

    console.log('bundled mqtt after pruning, loaded as the probe loads it:');
    const script = path.join(tmp, 'mqtt-connect.js');
    fs.writeFileSync(script, MQTT_CONNECT_SCRIPT);
    const mqtt = run(process.execPath, [script, path.join(installed, 'lib/probe')], { cwd: app, env, timeout: 20_000 });
    check(mqtt.code === 0 && mqtt.out.includes('CONNACK received'),
      'mqtt.connect() to a loopback fake broker: CONNECT sent, CONNACK received', `${mqtt.out.trim()} ${errorLine(mqtt.err)}`.trim());
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** One of the CLI's ports (8883, 443, 8443) on which 127.0.0.1 refuses connections, checked with a quick connect. */
function refusedPort(): number | undefined {
  for (const port of [8883, 8443, 443]) {
    const r = run(process.execPath, ['-e', `require('net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(1)).on('error', (e) => process.exit(e.code === 'ECONNREFUSED' ? 0 : 2))`],
      { timeout: 5000 });
    if (r.code === 0) return port;
  }
  return undefined;
}

/** Node script: resolves mqtt from the given folder (the installed probe's), runs a fake broker, connects to it. */
const MQTT_CONNECT_SCRIPT = `
const net = require('net');
const mqtt = require(require.resolve('mqtt', { paths: [process.argv[2]] }));
const server = net.createServer((socket) => {
  socket.once('data', (d) => {
    if (d[0] >> 4 === 1) socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00])); // CONNECT -> CONNACK, accepted
  });
});
server.listen(0, '127.0.0.1', () => {
  const client = mqtt.connect({ host: '127.0.0.1', port: server.address().port, protocol: 'mqtt', reconnectPeriod: 0, connectTimeout: 5000 });
  const timer = setTimeout(() => { console.log('no CONNACK within 10 s'); process.exit(1); }, 10000);
  client.on('connect', () => {
    console.log('CONNACK received');
    clearTimeout(timer);
    client.end(true, () => server.close(() => process.exit(0)));
  });
  client.on('error', (e) => { console.log('mqtt error: ' + e.message); process.exit(1); });
});
`;

// ---------------------------------------------------------------------------------------------------------------

function mainCli(): number {
  const [command, arg] = process.argv.slice(2);
  const tgz = path.resolve(arg ?? defaultTarball());
  if (command !== 'prune' && command !== 'check') {
    console.error('usage: check-package.ts prune|check [tarball]');
    return 2;
  }
  if (!fs.existsSync(tgz)) {
    console.error(`${tgz} does not exist: run \`npx projen package:js\` first`);
    return 1;
  }
  if (command === 'prune') {
    prune(tgz);
    return 0;
  }
  checkPackage(tgz);
  if (failures.length > 0) {
    console.error(`\npackage:check FAILED (${failures.length}):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    return 1;
  }
  console.log('\npackage:check passed');
  return 0;
}

process.exitCode = mainCli();
