/**
 * The `cdk-private-iot probe` command line: arguments, exit codes and output (servers: loopback only).
 */
import { main } from '../../src/probe/cli';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

describe('cdk-private-iot probe (CLI)', () => {
  test('--help prints the usage and exits 0', async () => {
    const { code, out } = await run(['probe', '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: cdk-private-iot probe --host <iot hostname>/);
    expect(out).toMatch(/--expect-cidr <cidr>/);
  });

  test.each([
    ['no --host', ['probe'], /--host is required/],
    ['an unknown option', ['probe', '--host', 'x.example.com', '--bogus'], /Unknown option '--bogus'/],
    ['--cert without --key', ['--host', 'x.example.com', '--cert', 'c.pem'], /--cert and --key go together/],
    ['a port that is not a number', ['--host', 'x.example.com', '--port', 'mqtt'], /--port mqtt is not a positive whole number/],
    ['keep-alive above 230 s', ['--host', 'x.example.com', '--keep-alive', '300'], /230/],
    ['port 80', ['--host', 'x.example.com', '--port', '80'], /80/],
    ['a missing CA file', ['--host', 'x.example.com', '--ca', '/nonexistent/ca.pem'], /ENOENT.*\/nonexistent\/ca\.pem/],
  ])('%s: exit 2 with a message, no network', async (_name, args, message) => {
    const { code, err } = await run(args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  test('nothing listens on 127.0.0.1:8883: exit 1, the table names the failed TCP check', async () => {
    const { code, out } = await run(['--host', 'localhost', '--port', '8883', '--expect-cidr', '127.0.0.0/8', '--timeout', '2000']);
    // localhost resolves through the system resolver to loopback, inside the expected CIDR
    expect(code).toBe(1);
    expect(out).toMatch(/dns\s+.*PASS/);
    expect(out).toMatch(/tcp\s+8883\s+FAIL/);
  });

  test('--json prints the report as JSON with the same verdicts', async () => {
    const { code, out } = await run(['--host', 'localhost', '--port', '8443', '--expect-cidr', '127.0.0.0/8', '--timeout', '2000', '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.host).toBe('localhost');
    expect(report.ok).toBe(false);
    expect(report.checks.find((c: any) => c.step === 'dns').ok).toBe(true);
    expect(report.checks.find((c: any) => c.step === 'tcp' && c.port === 8443).ok).toBe(false);
  });
});
