/**
 * The connectivity probe against real peers on 127.0.0.1: Debian mosquitto (8883), aedes behind a Node TLS server with
 * ALPN (443), a plain TLS server (8443 / no ALPN), dnsmasq (DNS), a silent TCP server and a mute UDP "DNS server".
 * Nothing leaves 127.0.0.0/8 (8.8.8.8 is only a DNS answer, and the probe never connects to it).
 */
import {
  ACL_PREFIX, DEBIAN_PACKAGE, DENIED_TOPIC_PREFIX, DUAL_STACK_HOST, findBinary, IOT_HOST, LOOPBACK, makePki, Pki, Servers, testNeeding,
  TestServer, TWO_ADDRESS_HOST,
} from './servers';
import { formatReport } from '../../src/probe/format';
import { ProbeCheck, ProbeConfigError, ProbeOptions, ProbeReport, routes, runProbe } from '../../src/probe/probe';

jest.setTimeout(30_000);

/** Debian package of each binary the tests use. */
const BIN: Record<string, string | undefined> = {
  openssl: findBinary('openssl'),
  mosquitto: findBinary('mosquitto'),
  dnsmasq: findBinary('dnsmasq'),
};
const lacking = (needs: string[]) => needs.filter((n) => !BIN[n]);

/** A test that needs Debian binaries: skipped with the install command when one is missing, failed in CI. */
function testWith(needs: string[], title: string, fn: () => Promise<void>) {
  testNeeding(Object.fromEntries(needs.map((n) => [n, BIN[n]])))(title, fn);
}

const servers = new Servers();
let pki: Pki;
let mosquittoPort = 0;
let mosquittoLog: { text: string } = { text: '' };
let dnsServer = '';
let aedes: TestServer;
let plainTls: TestServer;
let silent: TestServer;

beforeAll(async () => {
  const missing = lacking(Object.keys(BIN));
  if (missing.length > 0) {
    // eslint-disable-next-line no-console
    console.warn(`probe tests: ${missing.join(', ')} not found; the tests that need them are skipped. `
      + `Install with: apt-get install ${missing.map((m) => DEBIAN_PACKAGE[m]).join(' ')}`);
  }
  try {
    silent = await servers.startSilentTcp();
    if (BIN.openssl) {
      pki = makePki(BIN.openssl);
      servers.removeOnStop(pki.dir);
      aedes = await servers.startAedesTls(pki, ['denied-device']);
      plainTls = await servers.startTls(pki);
      if (BIN.mosquitto) {
        const m = await servers.startMosquitto(BIN.mosquitto, pki);
        mosquittoPort = m.port;
        mosquittoLog = m.output;
      }
    }
    if (BIN.dnsmasq) dnsServer = (await servers.startDnsmasq(BIN.dnsmasq)).server;
  } catch (e) {
    await servers.stopAll();
    throw e;
  }
});

afterAll(async () => {
  await servers.stopAll();
});

/** Options shared by the tests: DNS via dnsmasq, logical ports mapped to the loopback servers, the test CA. */
function options(extra: Partial<ProbeOptions> = {}): ProbeOptions {
  return {
    host: IOT_HOST,
    dnsServers: [dnsServer],
    caPem: pki.caPem,
    timeoutMs: 3000,
    portMap: { 8883: mosquittoPort, 443: aedes.port, 8443: plainTls.port },
    ...extra,
  };
}

const device = () => ({ certPem: pki.clientCertPem, keyPem: pki.clientKeyPem });

function check(report: ProbeReport, step: ProbeCheck['step'], port?: number, address?: string): ProbeCheck {
  const found = report.checks.find((c) => c.step === step && (port === undefined || c.port === port)
    && (address === undefined || c.address === address));
  if (!found) throw new Error(`no ${step} ${port ?? ''} check in ${JSON.stringify(report, undefined, 2)}`);
  return found;
}

/** Runs the probe; on an unexpected shape the report and the mosquitto log are in the failure message. */
async function probe(extra: Partial<ProbeOptions>): Promise<ProbeReport> {
  const report = await runProbe(options(extra));
  expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  return report;
}

describe('all green', () => {
  testWith(['openssl', 'mosquitto', 'dnsmasq'], 'DNS private, TCP + TLS on 8883/443/8443, MQTT round trip on 8883', async () => {
    const report = await probe({ ...device(), clientId: 'green-device' });
    const text = formatReport(report);
    if (!report.ok) throw new Error(`${text}\n--- mosquitto log ---\n${mosquittoLog.text}`);

    expect(report.checks.map((c) => [c.step, c.port ?? null, c.ok, c.skipped ?? false])).toEqual([
      ['dns', null, true, false],
      ['tcp', 8883, true, false], ['tls', 8883, true, false],
      ['tcp', 443, true, false], ['tls', 443, true, false],
      ['tcp', 8443, true, false], ['tls', 8443, true, false],
      ['mqtt', 8883, true, false],
    ]);
    expect(check(report, 'dns').data).toMatchObject({ a: ['127.0.0.1'], aaaa: [] });
    expect(check(report, 'dns').diagnosis).toBeUndefined();
    for (const port of [8883, 443, 8443]) {
      expect(check(report, 'tls', port).data).toMatchObject({
        sni: IOT_HOST,
        subject: `CN=${IOT_HOST}`,
        issuer: 'CN=Probe Test CA',
        protocol: expect.stringMatching(/^TLSv1\.[23]$/),
        cipher: expect.any(String),
        validTo: expect.any(String),
      });
    }
    expect(check(report, 'tls', 443).data?.alpn).toBe('x-amzn-mqtt-ca');
    expect(check(report, 'tls', 443).detail).toContain('ALPN x-amzn-mqtt-ca');
    expect(check(report, 'tls', 8883).data?.alpn).toBeNull();

    const mqtt = check(report, 'mqtt');
    expect(mqtt.data).toMatchObject({
      clientId: 'green-device',
      topic: `${ACL_PREFIX}/green-device`,
      keepAliveSeconds: 60,
      connack: { returnCode: 0 },
      latencyMs: expect.any(Number),
    });
    expect(mqtt.data?.latencyMs as number).toBeLessThan(3000);
    expect(mqtt.detail).toMatch(/^CONNACK 0 \(accepted, MQTT 5\) in \d+ ms; SUBSCRIBE \+ PUBLISH \+ receive on cdk-private-iot\/probe\/green-device in \d+ ms$/);

    expect(text).toMatch(/^AWS IoT connectivity probe: iot\.probe\.test - OK/);
    expect(text).toMatch(/\ntls +443 +PASS +\d+ +TLSv1\.\d .*ALPN x-amzn-mqtt-ca/);
    expect(text).not.toContain('Diagnoses:');
  });

  testWith(['openssl', 'dnsmasq'], 'MQTT round trip over 443 with ALPN x-amzn-mqtt-ca (aedes)', async () => {
    const report = await probe({ ...device(), ports: [443], clientId: 'alpn-device', keepAliveSeconds: 230 });
    expect(report.ok).toBe(true);
    expect(check(report, 'mqtt').port).toBe(443);
    expect(check(report, 'mqtt').data).toMatchObject({ keepAliveSeconds: 230, latencyMs: expect.any(Number) });
    expect(aedes.handshakes()).toBeGreaterThanOrEqual(2); // the TLS check and the MQTT connection
  });
});

describe('DNS', () => {
  testWith(['openssl', 'dnsmasq'], 'answer outside expectCidrs', async () => {
    const report = await probe({ ports: [8883], expectCidrs: ['10.0.0.0/8', 'fd00::/8'] });
    const dns = check(report, 'dns');
    expect(report.ok).toBe(false);
    expect(dns.ok).toBe(false);
    expect(dns.detail).toContain('A 127.0.0.1');
    expect(dns.diagnosis).toMatch(/^127\.0\.0\.1 is outside 10\.0\.0\.0\/8, fd00::\/8: the records point elsewhere than the endpoint you expect/);
    expect(dns.diagnosis).toContain('point them at the endpoint ENI IPs');
    expect(check(report, 'tcp', 8883)).toMatchObject({ ok: false, skipped: true, detail: expect.stringMatching(/^skipped: DNS/) });
  });

  testWith(['openssl', 'dnsmasq'], 'public answer (8.8.8.8 is only an answer, never contacted)', async () => {
    const report = await probe({ host: 'public.probe.test', ports: [8883, 443] });
    const dns = check(report, 'dns');
    expect(dns.ok).toBe(false);
    expect(dns.data).toMatchObject({ a: ['8.8.8.8'] });
    expect(dns.diagnosis).toBe('the name resolves to public addresses (8.8.8.8): the private hosted zone is not associated with this VPC, '
      + 'or the on-premises resolver does not forward public.probe.test to the Route 53 Resolver inbound endpoint');
    for (const c of report.checks.filter((x) => x.step === 'tcp' || x.step === 'tls')) {
      expect(c).toMatchObject({ ok: false, skipped: true, detail: expect.stringMatching(/^skipped: DNS did not give a usable private address/) });
    }
    expect(check(report, 'mqtt')).toMatchObject({ ok: true, skipped: true, detail: expect.stringMatching(/^skipped: no client certificate/) });
    expect(report.ok).toBe(false);
  });

  testWith(['openssl', 'dnsmasq'], 'NXDOMAIN', async () => {
    const report = await probe({ host: 'missing.probe.test', ports: [8883] });
    const dns = check(report, 'dns');
    expect(dns.ok).toBe(false);
    expect(dns.detail).toMatch(/^no address for missing\.probe\.test \(A: ENOTFOUND/);
    expect(dns.diagnosis).toMatch(/^missing\.probe\.test does not exist \(NXDOMAIN\) for DNS server 127\.0\.0\.1:\d+: a private hosted zone named after a parent domain/);
    expect(dns.diagnosis).toContain('name the zone exactly after the ATS endpoint');
    expect(report.ok).toBe(false);
  });

  test('a DNS server that never answers: bounded by timeoutMs', async () => {
    const mute = await servers.startUdpCounter();
    const t0 = Date.now();
    const report = await runProbe({ host: IOT_HOST, dnsServers: [mute.server], ports: [8883], timeoutMs: 800 });
    expect(Date.now() - t0).toBeLessThan(800 + 1000);
    expect(mute.count()).toBeGreaterThan(0);
    expect(check(report, 'dns').diagnosis).toMatch(/^DNS server 127\.0\.0\.1:\d+ did not answer within 800 ms: check that UDP and TCP 53 reach it/);
    expect(report.ok).toBe(false);
  });

  test('the system resolver (no dnsServers) resolves localhost to a private address', async () => {
    const closed = await servers.closedPort();
    const report = await runProbe({ host: 'localhost', ports: [8883], portMap: { 8883: closed }, timeoutMs: 2000 });
    expect(check(report, 'dns')).toMatchObject({ ok: true, data: { resolver: 'system' } });
    expect(check(report, 'dns').detail).toContain('via the system resolver');
  });
});

describe('TCP', () => {
  testWith(['openssl', 'dnsmasq'], 'closed port: refused', async () => {
    const closed = await servers.closedPort();
    const report = await probe({ ...device(), ports: [8883], portMap: { 8883: closed } });
    const tcp = check(report, 'tcp', 8883);
    expect(tcp).toMatchObject({ ok: false, detail: `${LOOPBACK}:${closed}: ECONNREFUSED` });
    expect(tcp.diagnosis).toMatch(/^8883 refused by 127\.0\.0\.1: nothing listens there on 8883; the address is not the VPC endpoint's ENI/);
    expect(check(report, 'tls', 8883)).toMatchObject({ ok: false, skipped: true, detail: 'skipped: TCP 8883 to 127.0.0.1 failed' });
    expect(check(report, 'mqtt')).toMatchObject({ ok: false, skipped: true, detail: 'skipped: TLS failed on 8883' });
    expect(report.ok).toBe(false);
    expect(formatReport(report)).toMatch(/\ntls +8883 +SKIP +- +skipped: TCP 8883 to 127\.0\.0\.1 failed/);
  });
});

describe('TLS', () => {
  testWith(['openssl', 'mosquitto', 'dnsmasq'], 'hostname mismatch (vpce-... name instead of the ATS hostname)', async () => {
    const report = await probe({ ...device(), host: 'vpce.probe.test', ports: [8883] });
    expect(check(report, 'tcp', 8883).ok).toBe(true);
    const t = check(report, 'tls', 8883);
    expect(t.ok).toBe(false);
    expect(t.data).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', subject: `CN=${IOT_HOST}` });
    expect(t.diagnosis).toMatch(/^the server certificate is for DNS:iot\.probe\.test, DNS:two\.probe\.test, DNS:dual\.probe\.test, not vpce\.probe\.test: connect with the ATS hostname/);
    expect(t.diagnosis).toContain('not the vpce-... DNS name');
    expect(check(report, 'mqtt')).toMatchObject({ ok: false, skipped: true });
  });

  testWith(['openssl', 'mosquitto', 'dnsmasq'], 'untrusted CA', async () => {
    const report = await probe({ ...device(), ports: [8883], caPem: pki.rogueCaPem });
    const t = check(report, 'tls', 8883);
    expect(t.ok).toBe(false);
    expect(t.data?.code).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
    expect(t.diagnosis).toMatch(/^the server certificate \(CN=iot\.probe\.test, issued by CN=Probe Test CA\) does not chain to the given CA \(untrusted CA\)/);
    expect(t.diagnosis).toContain('trust the Amazon Root CA');
  });

  testWith(['openssl', 'mosquitto', 'dnsmasq'], 'client certificate rejected by mosquitto (signed by an unknown CA)', async () => {
    const report = await probe({ ports: [8883], certPem: pki.rogueClientCertPem, keyPem: pki.rogueClientKeyPem });
    const t = check(report, 'tls', 8883);
    expect(t.ok).toBe(false);
    expect(t.diagnosis).toMatch(/^the server rejected the client certificate \(ERR_SSL_TLSV1_ALERT_UNKNOWN_CA\): register and activate it in AWS IoT/);
    expect(check(report, 'mqtt')).toMatchObject({ ok: false, skipped: true });
    expect(report.ok).toBe(false);
  });

  testWith(['openssl', 'dnsmasq'], 'missing ALPN on 443 (TLS server without ALPN)', async () => {
    const report = await probe({ ports: [443], portMap: { 443: plainTls.port } });
    const t = check(report, 'tls', 443);
    expect(t.ok).toBe(false);
    expect(t.data).toMatchObject({ offeredAlpn: ['x-amzn-mqtt-ca'], alpn: null });
    expect(t.detail).toMatch(/; ALPN none$/);
    expect(t.diagnosis).toMatch(/^the server did not negotiate x-amzn-mqtt-ca: on 443 MQTT needs ALPN/);
  });

  testWith(['openssl', 'dnsmasq'], 'timeouts are bounded: a TCP server that never answers the TLS handshake', async () => {
    const before = silent.tcpConnections();
    const t0 = Date.now();
    const report = await probe({ ports: [8883], portMap: { 8883: silent.port }, timeoutMs: 1000 });
    const elapsed = Date.now() - t0;
    expect(silent.tcpConnections()).toBeGreaterThan(before);
    expect(check(report, 'tcp', 8883).ok).toBe(true);
    const t = check(report, 'tls', 8883);
    expect(t.ok).toBe(false);
    expect(t.ms).toBeGreaterThanOrEqual(950);
    expect(t.ms).toBeLessThan(1000 + 1000);
    expect(t.diagnosis).toMatch(/^the TLS handshake on 8883 timed out: something in the path accepts TCP but does not speak TLS/);
    expect(elapsed).toBeLessThan(3 * 1000 + 1000);
  });
});

describe('MQTT', () => {
  testWith(['openssl', 'dnsmasq'], 'CONNACK 5 not authorized (aedes authenticate returns false)', async () => {
    const report = await probe({ ...device(), ports: [443], clientId: 'denied-device' });
    expect(check(report, 'tls', 443).ok).toBe(true);
    const m = check(report, 'mqtt');
    expect(m).toMatchObject({ ok: false, port: 443, data: { connack: { returnCode: 5 } } });
    expect(m.detail).toMatch(/^CONNACK 5 \(0x5\): Connection refused: Not authorized/);
    expect(m.diagnosis).toBe('not authorized: the IoT policy denies iot:Connect for this client id / certificate, or the thing is not attached');
    expect(report.ok).toBe(false);
  });

  testWith(['openssl', 'dnsmasq'], 'SUBSCRIBE refused (SUBACK 0x80 from aedes)', async () => {
    const report = await probe({ ...device(), ports: [443], topic: `${DENIED_TOPIC_PREFIX}/line-1` });
    const m = check(report, 'mqtt');
    expect(m).toMatchObject({ ok: false, data: { connack: { returnCode: 0 } } });
    expect(m.detail).toMatch(new RegExp(`^SUBSCRIBE ${DENIED_TOPIC_PREFIX}/line-1 refused`));
    expect(m.diagnosis).toBe(`subscribe refused: the IoT policy denies iot:Subscribe on topicfilter/${DENIED_TOPIC_PREFIX}/line-1`);
  });

  testWith(['openssl', 'mosquitto', 'dnsmasq'], 'MQTT 5: mosquitto denies the topic (ACL) with PUBACK 0x87 at once, not after the timeout', async () => {
    // with MQTT 3.1.1 mosquitto 2.0 grants the subscription and silently drops the publish: only the timeout would tell
    const report = await probe({ ...device(), ports: [8883], topic: 'factory/line-1/telemetry', timeoutMs: 5000 });
    const m = check(report, 'mqtt');
    expect(m).toMatchObject({ ok: false, data: { protocolVersion: 5, connack: { returnCode: 0 }, puback: { reasonCode: 0x87 } } });
    expect(m.ms).toBeLessThan(1000);
    expect(m.detail).toBe('PUBLISH factory/line-1/telemetry refused: PUBACK 0x87 not authorized');
    expect(m.diagnosis).toBe('publish refused: the IoT policy denies iot:Publish on topic/factory/line-1/telemetry');
    expect(report.ok).toBe(false);
  });

  testWith(['openssl', 'dnsmasq'], 'a broker without MQTT 5 (aedes): falls back to 3.1.1 and completes the round trip', async () => {
    const report = await probe({ ...device(), ports: [443] });
    const m = check(report, 'mqtt');
    expect(m).toMatchObject({ ok: true, data: { protocolVersion: 4, mqtt5: expect.stringMatching(/^refused by the broker .*; fell back to 3\.1\.1$/) } });
    expect(m.detail).toMatch(/^CONNACK 0 \(accepted, MQTT 3\.1\.1\)/);
  });
});

describe('every answer of every DNS server', () => {
  testWith(['openssl', 'dnsmasq'], 'two A records, one dead: both tested, FAIL naming the dead address', async () => {
    for (let run = 0; run < 3; run++) {
      // the verdict must not depend on the answer order
      const report = await probe({ host: TWO_ADDRESS_HOST, ports: [8443] });
      expect(report.addresses.sort()).toEqual(['127.0.0.1', '127.0.0.2']);
      expect(check(report, 'tcp', 8443, '127.0.0.1').ok).toBe(true);
      expect(check(report, 'tls', 8443, '127.0.0.1').ok).toBe(true);
      const dead = check(report, 'tcp', 8443, '127.0.0.2');
      expect(dead).toMatchObject({ ok: false, detail: `127.0.0.2:${plainTls.port}: ECONNREFUSED` });
      expect(dead.diagnosis).toMatch(/^8443 refused by 127\.0\.0\.2:/);
      expect(check(report, 'tls', 8443, '127.0.0.2')).toMatchObject({ ok: false, skipped: true });
      expect(report.ok).toBe(false);
      expect(formatReport(report)).toMatch(/\ntcp +8443 +FAIL +\d+ +\[127\.0\.0\.2\] 127\.0\.0\.2:\d+: ECONNREFUSED/);
    }
  });

  testWith(['openssl', 'dnsmasq'], 'AAAA answers are reported and connected to when IPv6 is routable', async () => {
    const report = await probe({ host: DUAL_STACK_HOST, ports: [8443] });
    expect(check(report, 'dns').data).toMatchObject({ a: ['127.0.0.1'], aaaa: ['::ffff:127.0.0.1'] });
    expect(report.addresses).toEqual(['127.0.0.1', '::ffff:127.0.0.1']);
    const v6 = check(report, 'tls', 8443, '::ffff:127.0.0.1');
    expect(v6).toMatchObject({ ok: true, data: { subject: `CN=${IOT_HOST}` } });
    expect(v6.skipped).toBeUndefined();
    expect(report.ok).toBe(true);
  });

  testWith(['openssl', 'dnsmasq'], 'AAAA answers without an IPv6 route: "skipped: no IPv6 route", not silent', async () => {
    const original = routes.ipv6;
    routes.ipv6 = async () => false;
    try {
      const report = await probe({ host: DUAL_STACK_HOST, ports: [8443] });
      for (const step of ['tcp', 'tls'] as const) {
        expect(check(report, step, 8443, '::ffff:127.0.0.1')).toMatchObject({
          ok: true, skipped: true, detail: 'skipped: no IPv6 route to ::ffff:127.0.0.1 from this host',
        });
      }
      expect(check(report, 'tls', 8443, '127.0.0.1')).toMatchObject({ ok: true });
      expect(formatReport(report)).toMatch(/\ntls +8443 +SKIP +- +\[::ffff:127\.0\.0\.1\] skipped: no IPv6 route to ::ffff:127\.0\.0\.1/);
    } finally {
      routes.ipv6 = original;
    }
  });

  for (const order of ['silent first', 'silent second']) {
    testWith(['openssl', 'dnsmasq'], `two DNS servers, one silent (${order}): the silent one is named, the other one's answer tested`, async () => {
      const mute = await servers.startUdpCounter();
      const dnsServers = order === 'silent first' ? [mute.server, dnsServer] : [dnsServer, mute.server];
      const report = await probe({ dnsServers, ports: [8443], timeoutMs: 800 });
      const dns = check(report, 'dns');
      expect(mute.count()).toBeGreaterThan(0);
      expect(dns.ok).toBe(false);
      expect(dns.diagnosis).toBe(`DNS server ${mute.server} did not answer within 800 ms: check that UDP and TCP 53 reach it `
        + '(the Resolver inbound endpoint\'s security group must admit this source) and that the address is right');
      expect(dns.diagnosis).not.toContain(dnsServer);
      expect(dns.detail).toContain(`${dnsServer}: A 127.0.0.1`);
      expect(dns.detail).toContain(`${mute.server}: no address`);
      expect(check(report, 'tls', 8443, '127.0.0.1').ok).toBe(true);
      expect(report.ok).toBe(false);
    });
  }

  testWith(['openssl', 'dnsmasq'], 'a refused DNS server (nothing on its UDP port): "refused" at once, not a timeout', async () => {
    const refused = await servers.closedUdpPort();
    const report = await probe({ dnsServers: [dnsServer, refused], ports: [8443], timeoutMs: 5000 });
    const dns = check(report, 'dns');
    expect(dns.diagnosis).toMatch(new RegExp(`^DNS server ${refused.replace(/\./g, '\\.')} refused the connection after \\d+ ms \\(ICMP port unreachable\\)`));
    expect(dns.diagnosis).not.toMatch(/did not answer/);
    const perServer = (dns.data?.servers as Array<{ server: string; ms: number }>).find((x) => x.server === refused)!;
    expect(perServer.ms).toBeLessThan(1000);
    expect(dns.ms).toBeLessThan(1000);
  });

  testWith(['openssl', 'dnsmasq'], 'a DNS server that refuses the query (REFUSED rcode) is reported as refused', async () => {
    const report = await probe({ host: 'iot.elsewhere.test', ports: [8443] });
    expect(check(report, 'dns').diagnosis).toMatch(/^DNS server 127\.0\.0\.1:\d+ refused the query \(REFUSED after \d+ ms\)/);
  });
});

describe('TLS without a client certificate (the canary): the server chain is verified before the server asks for one', () => {
  const servers12: Record<string, TestServer> = {};
  beforeAll(async () => {
    if (!BIN.openssl) return;
    servers12['TLSv1.2'] = await servers.startTlsRequiringClientCert(pki, 'TLSv1.2');
    servers12['TLSv1.3'] = await servers.startTlsRequiringClientCert(pki, 'TLSv1.3');
  });

  for (const version of ['TLSv1.2', 'TLSv1.3']) {
    testWith(['openssl', 'dnsmasq'], `${version}, trusted CA: PASS, the server requires a client certificate`, async () => {
      const report = await probe({ ports: [8883], portMap: { 8883: servers12[version].port } });
      const t = check(report, 'tls', 8883);
      expect(t).toMatchObject({ ok: true, data: { protocol: version, subject: `CN=${IOT_HOST}`, issuer: 'CN=Probe Test CA' } });
      expect(t.detail).toMatch(/the server requires a client certificate \(give one to test MQTT\)$/);
      expect(report.ok).toBe(true);
    });

    testWith(['openssl', 'dnsmasq'], `${version}, untrusted CA: FAIL with the chain diagnosis, not "requires a client certificate"`, async () => {
      const report = await probe({ ports: [8883], portMap: { 8883: servers12[version].port }, caPem: pki.rogueCaPem });
      const t = check(report, 'tls', 8883);
      expect(t.ok).toBe(false);
      expect(t.data?.code).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
      expect(t.diagnosis).toMatch(/^the server certificate \(CN=iot\.probe\.test, issued by CN=Probe Test CA\) does not chain to the given CA/);
    });

    testWith(['openssl', 'dnsmasq'], `${version}, wrong hostname: FAIL with the hostname diagnosis`, async () => {
      const report = await probe({ host: 'vpce.probe.test', ports: [8883], portMap: { 8883: servers12[version].port } });
      const t = check(report, 'tls', 8883);
      expect(t).toMatchObject({ ok: false, data: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' } });
    });
  }
});

describe('client id', () => {
  testWith(['openssl', 'dnsmasq'], 'a random probe client id by default, no warning', async () => {
    const report = await probe({ ...device(), ports: [443] });
    expect(check(report, 'mqtt').data?.clientId).toMatch(/^cdk-private-iot-probe-[0-9a-f]{8}$/);
    expect(report.warnings).toEqual([]);
  });

  testWith(['openssl', 'dnsmasq'], 'a given device-like client id: warning; allowLiveClientId silences it', async () => {
    const warned = await probe({ ...device(), ports: [443], clientId: 'probe-device-1' });
    expect(warned.warnings).toEqual([expect.stringMatching(/^client id 'probe-device-1' is probably a live device's: AWS IoT allows one connection per client id/)]);
    const allowed = await probe({ ...device(), ports: [443], clientId: 'probe-device-1', allowLiveClientId: true });
    expect(allowed.warnings).toEqual([]);
  });
});

describe('configuration errors are thrown before any network activity', () => {
  test('keep-alive 300 is rejected and no server sees a connection', async () => {
    const dns = await servers.startUdpCounter();
    const tcpBefore = silent.tcpConnections();
    await expect(runProbe({
      host: IOT_HOST,
      dnsServers: [dns.server],
      connectAddress: LOOPBACK,
      portMap: { 8883: silent.port, 443: silent.port, 8443: silent.port },
      certPem: 'x',
      keyPem: 'y',
      keepAliveSeconds: 300,
    })).rejects.toThrow(new ProbeConfigError('keepAliveSeconds 300 exceeds 230: AWS IoT Core lowers keep-alive above 230 s over VPC '
      + 'endpoints; use <= 230'));
    await new Promise((r) => setTimeout(r, 200));
    expect(dns.count()).toBe(0);
    expect(silent.tcpConnections()).toBe(tcpBefore);
  });

  test.each([
    [{ ports: [1883] }, /port 1883 is not an AWS IoT data port: use 8883 \(MQTT\), 443 \(MQTT\/HTTPS with ALPN\) or 8443 \(HTTPS\)/],
    [{ ports: [] }, /ports must name at least one/],
    [{ certPem: 'x' }, /certPem and keyPem go together/],
    [{ certPem: 'not a certificate', keyPem: 'not a key' }, /^certPem holds no PEM certificate/],
    [{ caPem: Buffer.from([0x30, 0x82, 0x01, 0x0a]).toString('latin1') }, /^caPem is DER \(binary\), not PEM: convert it with `openssl x509 -inform der/],
    [{ portMap: { 1883: 11883 } }, /portMap key 1883 is not an AWS IoT data port/],
    [{ expectCidrs: ['10.0.0.0/33'] }, /expectCidrs entry '10\.0\.0\.0\/33' is not an IPv4 or IPv6 CIDR/],
    [{ dnsServers: ['resolver.example'] }, /dnsServers entry 'resolver\.example' must be 'ip', 'ip:port' or '\[ipv6\]:port'/],
    [{ host: '10.1.2.3' }, /host 10\.1\.2\.3 is an IP address/],
    [{ connectAddress: 'not-an-ip' }, /connectAddress 'not-an-ip' is not an IP address/],
    [{ topic: 'a/+/b' }, /without wildcards/],
    [{ timeoutMs: 0 }, /timeoutMs 0 must be > 0/],
  ])('%j', async (bad, message) => {
    const err = await runProbe({ host: IOT_HOST, dnsServers: ['127.0.0.1:9'], ...bad } as ProbeOptions).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeConfigError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('formatReport', () => {
  test('fixed-width table, one row per check, then the diagnoses', () => {
    const text = formatReport({
      schemaVersion: 1,
      addresses: ['10.0.1.5'],
      warnings: [],
      host: 'a1-ats.iot.eu-west-1.amazonaws.com',
      ok: false,
      startedAt: '2025-01-01T00:00:00.000Z',
      checks: [
        { step: 'dns', ok: true, ms: 4, detail: 'A 10.0.1.5; AAAA -' },
        { step: 'tcp', port: 8883, ok: false, ms: 5000, detail: 'no answer', diagnosis: '8883 timed out: the endpoint security group ...' },
        { step: 'tls', port: 8883, ok: false, skipped: true, ms: 0, detail: 'skipped: TCP 8883 failed' },
        { step: 'mqtt', ok: true, skipped: true, ms: 0, detail: 'skipped: no client certificate' },
      ],
    });
    expect(text.split('\n')).toEqual([
      'AWS IoT connectivity probe: a1-ats.iot.eu-west-1.amazonaws.com - FAILED (started 2025-01-01T00:00:00.000Z)',
      '',
      'STEP  PORT  VERDICT  MS      DETAIL',
      '----- ----- -------- ------- ------',
      'dns   -     PASS     4       A 10.0.1.5; AAAA -',
      'tcp   8883  FAIL     5000    no answer',
      'tls   8883  SKIP     -       skipped: TCP 8883 failed',
      'mqtt  -     SKIP     -       skipped: no client certificate',
      '',
      'Diagnoses:',
      '  - tcp 8883: 8883 timed out: the endpoint security group ...',
    ]);
  });
});
