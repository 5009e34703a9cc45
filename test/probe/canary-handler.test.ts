/**
 * The canary Lambda handler (src/probe/canary.lambda.ts) against the loopback test servers: it returns the probe report
 * and logs the ProbeOk metric in embedded metric format. Nothing leaves 127.0.0.0/8.
 */
import { findBinary, IN_CI, IOT_HOST, makePki, Pki, Servers, testNeeding, TestServer, TWO_ADDRESS_HOST } from './servers';
import { handler } from '../../src/probe/canary.lambda';

jest.setTimeout(30_000);

const openssl = findBinary('openssl');
const dnsmasq = findBinary('dnsmasq');
const servers = new Servers();
let pki: Pki;
let broker: TestServer;
let dnsServer: string;
let logs: string[];

// Without the binaries: skipped outside CI (with the install command), one failing test in CI.
const suite = openssl && dnsmasq ? describe : IN_CI ? (title: string) => describe(title, () => {
  testNeeding({ openssl, dnsmasq })('the canary handler runs against the loopback servers', () => undefined);
}) : describe.skip;

suite('canary handler (needs Debian openssl and dnsmasq-base)', () => {
  beforeAll(async () => {
    try {
      pki = makePki(openssl!);
      servers.removeOnStop(pki.dir);
      broker = await servers.startAedesTls(pki, []);
      dnsServer = (await servers.startDnsmasq(dnsmasq!)).server;
    } catch (e) {
      await servers.stopAll();
      throw e;
    }
  });
  afterAll(() => servers.stopAll());

  beforeEach(() => {
    logs = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => { logs.push(line); });
    // what the construct puts in PROBE_OPTIONS, plus the test-only CA and port mapping onto the loopback broker
    process.env.PROBE_OPTIONS = JSON.stringify({
      host: IOT_HOST,
      ports: [443],
      dnsServers: [dnsServer],
      expectCidrs: ['127.0.0.0/8'],
      timeoutMs: 3000,
      caPem: pki.caPem,
      portMap: { 443: broker.port },
      // the loopback broker requires a client certificate (like AWS IoT Core), so the MQTT round trip runs too
      certPem: pki.clientCertPem,
      keyPem: pki.clientKeyPem,
      clientId: 'canary-1',
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    delete process.env.PROBE_OPTIONS;
  });

  function metric(): any {
    const line = logs.map((l) => JSON.parse(l)).find((l) => l._aws);
    expect(line._aws.CloudWatchMetrics[0]).toEqual({ Namespace: 'CdkPrivateIot/Probe', Dimensions: [['Host']], Metrics: [{ Name: 'ProbeOk', Unit: 'Count' }] });
    return line;
  }

  test('private DNS answer, TCP, TLS with ALPN and MQTT on 443: report ok, ProbeOk 1', async () => {
    const report = await handler({});
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => `${c.step}${c.port ?? ''}:${c.ok}`)).toEqual(expect.arrayContaining(['dns:true', 'tcp443:true', 'tls443:true', 'mqtt443:true']));
    expect(broker.handshakes()).toBeGreaterThan(0);
    expect(metric()).toMatchObject({ Host: IOT_HOST, ProbeOk: 1, diagnoses: [], message: expect.stringMatching(/^probe iot\.probe\.test OK: dns=PASS tcp:443=PASS/) });
    expect(metric().message).not.toContain('|');
  });

  test('without a device certificate (the construct\'s canary): TLS passes once the server is verified and asks for one', async () => {
    const options = JSON.parse(process.env.PROBE_OPTIONS!);
    delete options.certPem;
    delete options.keyPem;
    process.env.PROBE_OPTIONS = JSON.stringify(options);
    const report = await handler({});
    const tlsCheck = report.checks.find((c) => c.step === 'tls')!;
    expect(tlsCheck).toMatchObject({ ok: true, detail: expect.stringMatching(/requires a client certificate \(give one to test MQTT\)/) });
    expect(report.checks.find((c) => c.step === 'mqtt')).toMatchObject({ skipped: true, ok: true });
    expect(report.ok).toBe(true);
  });

  test('a dead endpoint address and a silent DNS server: both diagnoses in the log line, naming the address and the server', async () => {
    const mute = await servers.startUdpCounter();
    const report = await handler({ host: TWO_ADDRESS_HOST, dnsServers: [dnsServer, mute.server], timeoutMs: 800 });
    expect(report.ok).toBe(false);
    const line = metric();
    expect(line.ProbeOk).toBe(0);
    expect(line.checks).toContain('tcp:443@127.0.0.2=FAIL');
    expect(line.message).toContain(`dns: DNS server ${mute.server} did not answer within 800 ms`);
    expect(line.message).toContain('tcp 443 127.0.0.2: 443 refused by 127.0.0.2');
    expect(line.diagnoses).toEqual(expect.arrayContaining([
      { step: 'dns', diagnosis: expect.stringMatching(new RegExp(`^DNS server ${mute.server.replace(/\./g, '\\.')} did not answer`)) },
      { step: 'tcp', port: 443, address: '127.0.0.2', diagnosis: expect.stringMatching(/^443 refused by 127\.0\.0\.2/) },
    ]));
  });

  test('an invocation may override the options: a public answer fails the probe, ProbeOk 0', async () => {
    const report = await handler({ host: 'public.probe.test' });
    expect(report.ok).toBe(false);
    const dns = report.checks.find((c) => c.step === 'dns')!;
    expect(dns.ok).toBe(false);
    expect(dns.diagnosis).toMatch(/public addresses/);
    const line = metric();
    expect(line).toMatchObject({ Host: 'public.probe.test', ProbeOk: 0 });
    // the diagnoses are in the line a person reads and as a structured field
    expect(line.message).toMatch(/^probe public\.probe\.test FAILED: dns=FAIL .* \| dns: the name resolves to public addresses \(8\.8\.8\.8\)/);
    expect(line.diagnoses).toEqual([{ step: 'dns', diagnosis: dns.diagnosis }]);
  });
});
