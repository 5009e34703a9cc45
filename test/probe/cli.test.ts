/**
 * The `cdk-private-iot probe` command line: arguments, exit codes and output (servers: loopback only).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { findBinary, makePki, Pki, Servers, testNeeding } from './servers';
import { main } from '../../src/probe/cli';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

const openssl = findBinary('openssl');
const servers = new Servers();
let pki: Pki | undefined;
let derCa = '';
let files: { ca: string; cert: string; key: string } = { ca: '', cert: '', key: '' };
afterAll(() => servers.stopAll());
beforeAll(() => {
  if (!openssl) return;
  pki = makePki(openssl);
  servers.removeOnStop(pki.dir);
  derCa = path.join(pki.dir, 'ca.der');
  execFileSync(openssl, ['x509', '-in', pki.caFile, '-outform', 'der', '-out', derCa], { stdio: 'pipe' });
  files = { ca: pki.caFile, cert: path.join(pki.dir, 'client.pem'), key: path.join(pki.dir, 'client.key') };
});
const withOpenssl = testNeeding({ openssl });

describe('cdk-private-iot probe (CLI)', () => {
  test('--help prints the usage and exits 0', async () => {
    const { code, out } = await run(['probe', '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: cdk-private-iot probe --host <iot hostname>/);
    expect(out).toMatch(/--expect-cidr <cidr>/);
    expect(out).toMatch(/--port-map <p=q,...>/);
    expect(out).toMatch(/--allow-live-client-id/);
  });

  test('--version prints the version of package.json (../../package.json from lib/probe/cli.js)', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf-8'));
    expect(await run(['probe', '--version'])).toEqual({ code: 0, out: `cdk-private-iot ${pkg.version}\n`, err: '' });
    const j = await run(['--version', '--json']);
    expect(JSON.parse(j.out)).toEqual({ schemaVersion: 1, kind: 'version', name: 'cdk-private-iot', version: pkg.version });
  });

  test.each([
    ['no --host', ['probe'], /--host is required/],
    ['an unknown option', ['probe', '--host', 'x.example.com', '--bogus'], /Unknown option '--bogus'/],
    ['--cert without --key', ['--host', 'x.example.com', '--cert', 'c.pem'], /--cert and --key go together/],
    ['a port that is not a number', ['--host', 'x.example.com', '--port', 'mqtt'], /--port mqtt is not a positive whole number/],
    ['keep-alive above 230 s', ['--host', 'x.example.com', '--keep-alive', '300'], /^--keep-alive 300 exceeds 230/],
    ['port 80', ['--host', 'x.example.com', '--port', '80'], /^--port 80 is not an AWS IoT data port/],
    ['a missing CA file', ['--host', 'x.example.com', '--ca', '/nonexistent/ca.pem'], /^--ca \/nonexistent\/ca\.pem: ENOENT/],
    ['--connect with a port and several ports', ['--host', 'x.example.com', '--connect', '127.0.0.1:18883'], /--connect 127\.0\.0\.1:18883 gives a port/],
    ['--connect that is not an IP', ['--host', 'x.example.com', '--connect', 'example.com:8883'], /--connect 'example\.com:8883' must be ip/],
    ['a bad --port-map', ['--host', 'x.example.com', '--port-map', '8883:18883'], /--port-map entry '8883:18883' must be/],
    ['an IP as --host', ['--host', '10.1.2.3'], /^--host 10\.1\.2\.3 is an IP address: .* as --connect/],
  ])('%s: exit 2 with a message, no network', async (_name, args, message) => {
    const { code, err, out } = await run(args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });

  test.each([
    ['an unknown option', ['--host', 'x.example.com', '--bogus'], 'usage', undefined, /Unknown option '--bogus'/],
    ['no --host', [], 'usage', '--host', /^--host is required$/],
    ['keep-alive above 230 s', ['--host', 'x.example.com', '--keep-alive', '300'], 'config', '--keep-alive', /^--keep-alive 300 exceeds 230/],
    ['a missing CA file', ['--host', 'x.example.com', '--ca', '/nonexistent/ca.pem'], 'file', '--ca', /ENOENT/],
  ])('--json with %s: one JSON error document on stdout, exit 2, nothing on stderr', async (_name, args, type, flag, message) => {
    const { code, out, err } = await run([...args, '--json']);
    expect(code).toBe(2);
    expect(err).toBe('');
    const doc = JSON.parse(out);
    expect(doc).toMatchObject({ schemaVersion: 1, kind: 'error', ok: false, exitCode: 2, error: { type } });
    expect(doc.error.flag).toBe(flag);
    expect(doc.error.message).toMatch(message);
  });

  withOpenssl('a DER CA file: a clear error naming --ca and the conversion', async () => {
    const { code, err } = await run(['--host', 'x.example.com', '--ca', derCa]);
    expect(code).toBe(2);
    expect(err).toBe(`--ca ${derCa} is DER (binary), not PEM: convert it with \`openssl x509 -inform der -in ${derCa} -out ${derCa}.pem\`\n`);
  });

  withOpenssl('a key file given as --cert, a certificate as --key: the flag is named', async () => {
    expect((await run(['--host', 'x.example.com', '--cert', files.key, '--key', files.key])).err)
      .toMatch(/^--cert \S+client\.key holds no PEM certificate \(-----BEGIN CERTIFICATE-----\): it holds a PRIVATE KEY/);
    expect((await run(['--host', 'x.example.com', '--cert', files.cert, '--key', files.cert])).err)
      .toMatch(/^--key \S+client\.pem holds no PEM private key/);
  });

  withOpenssl('a device-like --client-id: warning on stderr before the run (table and JSON carry it); --allow-live-client-id silences it', async () => {
    const closed = await servers.closedPort();
    const base = ['--host', 'localhost', '--port', '8883', '--connect', `127.0.0.1:${closed}`, '--cert', files.cert, '--key', files.key,
      '--timeout', '1000'];
    const warned = await run([...base, '--client-id', 'sensor-001']);
    expect(warned.err).toMatch(/^WARNING: client id 'sensor-001' is probably a live device's: .*--allow-live-client-id silences this warning\n$/);
    expect(warned.out).toMatch(/\nWarnings:\n {2}- client id 'sensor-001' is probably a live device's/);
    const j = JSON.parse((await run([...base, '--client-id', 'sensor-001', '--json'])).out);
    expect(j.warnings).toEqual([expect.stringMatching(/--allow-live-client-id silences this warning$/)]);
    const allowed = await run([...base, '--client-id', 'sensor-001', '--allow-live-client-id']);
    expect(allowed.err).toBe('');
    expect(allowed.out).not.toMatch(/Warnings:/);
  });

  test('nothing listens on 127.0.0.1:8883: exit 1, the table names the failed TCP check', async () => {
    const { code, out } = await run(['--host', 'localhost', '--port', '8883', '--expect-cidr', '127.0.0.0/8', '--timeout', '2000']);
    // localhost resolves through the system resolver to loopback, inside the expected CIDR
    expect(code).toBe(1);
    expect(out).toMatch(/dns\s+.*PASS/);
    expect(out).toMatch(/tcp\s+8883\s+FAIL/);
  });

  test.each([
    ['--connect ip:port', (p: number) => ['--port', '8883', '--connect', `127.0.0.1:${p}`]],
    ['--port-map', (p: number) => ['--port', '8883', '--port', '8443', '--expect-cidr', '127.0.0.0/8', '--port-map', `8883=${p},8443=${p}`]],
  ])('a forwarded port with %s: TCP dials the forwarded port, the report keeps the IoT port', async (_name, extra) => {
    const listener = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    const port = (listener.address() as net.AddressInfo).port;
    try {
      const { out } = await run(['--host', 'localhost', ...extra(port), '--timeout', '1000', '--json']);
      const report = JSON.parse(out);
      const tcp = report.checks.filter((c: any) => c.step === 'tcp' && c.address === '127.0.0.1');
      expect(tcp.length).toBeGreaterThan(0);
      for (const c of tcp) {
        expect(c).toMatchObject({ ok: true, data: { dialedPort: port } });
        expect([8883, 8443]).toContain(c.port);
      }
    } finally {
      listener.close();
    }
  });

  test('--json prints the report as JSON with the same verdicts', async () => {
    const { code, out } = await run(['--host', 'localhost', '--port', '8443', '--expect-cidr', '127.0.0.0/8', '--timeout', '2000', '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ schemaVersion: 1, kind: 'report', host: 'localhost', ok: false, warnings: [] });
    expect(report.checks.find((c: any) => c.step === 'dns').ok).toBe(true);
    expect(report.checks.find((c: any) => c.step === 'tcp' && c.port === 8443).ok).toBe(false);
  });
});
