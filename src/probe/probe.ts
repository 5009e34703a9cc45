/**
 * Connectivity probe for AWS IoT Core over a private path (interface VPC endpoint, Route 53 Resolver inbound
 * endpoint, load balancer in front of the endpoints): DNS -> TCP -> TLS (SNI, chain, hostname, ALPN) -> MQTT.
 *
 * Every step is bounded by `timeoutMs`; every failure carries a diagnosis a person can act on.
 * Not exported from the package index: used by the CLI (`cli.ts`) and the in-VPC canary.
 */
import { randomBytes } from 'crypto';
import * as dns from 'dns';
import * as net from 'net';
import { performance } from 'perf_hooks';
import * as tls from 'tls';
import { connect as mqttConnect, IClientOptions, ISubscriptionGrant, MqttClient } from 'mqtt';
import { dnsServerAddress } from '../private/formats';

/** The ports of the AWS IoT data endpoint: 8883 = MQTT, 443 = MQTT/HTTPS with ALPN, 8443 = HTTPS. */
export const IOT_PORTS: readonly number[] = [8883, 443, 8443];
/** ALPN protocol that X.509 MQTT clients must offer on port 443. */
export const MQTT_ALPN = 'x-amzn-mqtt-ca';
/** AWS IoT Core lowers MQTT keep-alive values above this over VPC endpoints. */
export const MAX_KEEP_ALIVE_SECONDS = 230;

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_KEEP_ALIVE_SECONDS = 60;
/** How long to wait after a TLS 1.3 handshake for the server's verdict on the client certificate. */
const TLS13_SETTLE_MS = 1000;
const PRIVATE_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', 'fc00::/7', '::1/128'];

export interface ProbeOptions {
  /** IoT hostname (ATS data endpoint `xxxx-ats.iot.<region>.amazonaws.com` or a custom domain); also the TLS SNI. */
  readonly host: string;
  /** Ports to test, each one of 8883, 443, 8443. @default [8883, 443, 8443] */
  readonly ports?: number[];
  /** DNS servers to ask, `ip`, `ip:port` or `[ipv6]:port` (e.g. Route 53 Resolver inbound endpoint IPs). @default - the system resolver */
  readonly dnsServers?: string[];
  /** IPv4/IPv6 CIDRs the answers must fall in. @default - any private address (RFC 1918, ULA, loopback) */
  readonly expectCidrs?: string[];
  /** Connect to this IP instead of the resolved one; SNI stays `host`. */
  readonly connectAddress?: string;
  /** CA bundle (PEM). @default - Node's default CA store (holds the Amazon roots) */
  readonly caPem?: string;
  /** Device certificate (PEM); with `keyPem` enables the MQTT test and is presented in the TLS step. */
  readonly certPem?: string;
  /** Device private key (PEM). */
  readonly keyPem?: string;
  /** MQTT client id. @default - `cdk-private-iot-probe-<random>` */
  readonly clientId?: string;
  /** Topic of the MQTT round trip. @default `cdk-private-iot/probe/<clientId>` */
  readonly topic?: string;
  /** MQTT keep-alive in seconds, at most 230. @default 60 */
  readonly keepAliveSeconds?: number;
  /** Time limit of each step in ms. @default 5000 */
  readonly timeoutMs?: number;
  /**
   * For tests and port forwarding only: the TCP port actually dialed for a logical IoT port, e.g. `{ 8883: 18883 }`.
   * The report and the port-specific behaviour (ALPN on 443) keep the logical port.
   */
  readonly portMap?: Record<number, number>;
}

export interface ProbeCheck {
  step: 'dns' | 'tcp' | 'tls' | 'mqtt';
  port?: number;
  ok: boolean;
  skipped?: boolean;
  ms: number;
  detail: string;
  diagnosis?: string;
  data?: Record<string, unknown>;
}

export interface ProbeReport {
  host: string;
  ok: boolean;
  checks: ProbeCheck[];
  startedAt: string;
}

/** Invalid probe options; thrown before any network activity. */
export class ProbeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeConfigError';
  }
}

interface Settings {
  host: string;
  ports: number[];
  dnsServers?: string[];
  expect: net.BlockList;
  expectText: string;
  expectGiven: boolean;
  privateList: net.BlockList;
  connectAddress?: string;
  ca?: string;
  cert?: string;
  key?: string;
  clientId: string;
  topic: string;
  keepAlive: number;
  timeoutMs: number;
  portMap: Record<number, number>;
}

interface Outcome {
  ok: boolean;
  detail: string;
  diagnosis?: string;
  data?: Record<string, unknown>;
}

/** Runs DNS, TCP, TLS and (with a certificate) MQTT checks against `options.host`. Throws only ProbeConfigError. */
export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
  const s = validate(options);
  const startedAt = new Date().toISOString();
  const checks: ProbeCheck[] = [];

  const dnsRun = await measure(() => checkDns(s));
  checks.push({ step: 'dns', ...dnsRun.outcome, ms: dnsRun.ms });
  const address = s.connectAddress ?? (dnsRun.outcome.ok ? pickAddress(dnsRun.outcome.data) : undefined);

  const perPort = await Promise.all(s.ports.map(async (port): Promise<ProbeCheck[]> => {
    if (!address) {
      const why = 'skipped: DNS did not give a usable private address (pass connectAddress to test a given IP)';
      return [blocked('tcp', port, why), blocked('tls', port, why)];
    }
    const tcp = await measure(() => checkTcp(address, port, s));
    const tcpCheck: ProbeCheck = { step: 'tcp', port, ...tcp.outcome, ms: tcp.ms };
    if (!tcp.outcome.ok) {
      return [tcpCheck, blocked('tls', port, `skipped: TCP ${port} failed`)];
    }
    const tlsRun = await measure(() => checkTls(address, port, s));
    return [tcpCheck, { step: 'tls', port, ...tlsRun.outcome, ms: tlsRun.ms }];
  }));
  perPort.forEach((c) => checks.push(...c));

  if (s.cert === undefined || s.key === undefined) {
    checks.push(notApplicable('mqtt', 'skipped: no client certificate (give certPem and keyPem to test MQTT)'));
  } else {
    const mqttPorts = [8883, 443].filter((p) => s.ports.includes(p));
    const tlsOk = (p: number) => checks.some((c) => c.step === 'tls' && c.port === p && c.ok);
    const port = mqttPorts.find(tlsOk);
    if (mqttPorts.length === 0) {
      checks.push(notApplicable('mqtt', 'skipped: MQTT runs on 8883 or 443 and neither port was probed'));
    } else if (port === undefined || !address) {
      checks.push(blocked('mqtt', undefined, `skipped: TLS failed on ${mqttPorts.join(' and ')}`));
    } else {
      const run = await measure(() => checkMqtt(address, port, s));
      checks.push({ step: 'mqtt', port, ...run.outcome, ms: run.ms });
    }
  }
  return { host: s.host, ok: checks.every((c) => c.ok), checks, startedAt };
}

// ---------------------------------------------------------------------------------------------------------------
// Validation (no network activity)

function validate(o: ProbeOptions): Settings {
  const host = typeof o.host === 'string' ? o.host.trim().toLowerCase().replace(/\.$/, '') : '';
  if (!host) throw new ProbeConfigError('host is required: the AWS IoT ATS data endpoint or your custom domain');
  if (net.isIP(host)) {
    throw new ProbeConfigError(`host ${host} is an IP address: give the IoT hostname (it is the TLS SNI) and the IP as connectAddress`);
  }
  if (host.length > 253 || !host.split('.').every((l) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l))) {
    throw new ProbeConfigError(`host '${o.host}' is not a valid DNS name`);
  }
  const ports = o.ports ?? [...IOT_PORTS];
  if (!Array.isArray(ports) || ports.length === 0) throw new ProbeConfigError('ports must name at least one of 8883, 443, 8443');
  for (const p of ports) {
    if (!IOT_PORTS.includes(p)) {
      throw new ProbeConfigError(`port ${p} is not an AWS IoT data port: use 8883 (MQTT), 443 (MQTT/HTTPS with ALPN) or 8443 (HTTPS)`);
    }
  }
  const keepAlive = o.keepAliveSeconds ?? DEFAULT_KEEP_ALIVE_SECONDS;
  if (!Number.isInteger(keepAlive) || keepAlive < 0) {
    throw new ProbeConfigError(`keepAliveSeconds ${keepAlive} must be a whole number of seconds >= 0`);
  }
  if (keepAlive > MAX_KEEP_ALIVE_SECONDS) {
    throw new ProbeConfigError(`keepAliveSeconds ${keepAlive} exceeds ${MAX_KEEP_ALIVE_SECONDS}: `
      + `AWS IoT Core lowers keep-alive above ${MAX_KEEP_ALIVE_SECONDS} s over VPC endpoints; use <= ${MAX_KEEP_ALIVE_SECONDS}`);
  }
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 600_000) {
    throw new ProbeConfigError(`timeoutMs ${timeoutMs} must be > 0 and <= 600000`);
  }
  const dnsServers = o.dnsServers?.map(parseDnsServer);
  if (dnsServers && dnsServers.length === 0) throw new ProbeConfigError('dnsServers is empty: omit it to use the system resolver');
  if (o.connectAddress !== undefined && !net.isIP(o.connectAddress)) {
    throw new ProbeConfigError(`connectAddress '${o.connectAddress}' is not an IP address`);
  }
  const expectGiven = o.expectCidrs !== undefined;
  const expectCidrs = o.expectCidrs ?? PRIVATE_CIDRS;
  if (expectCidrs.length === 0) throw new ProbeConfigError('expectCidrs is empty: omit it to accept any private address');
  if ((o.certPem === undefined) !== (o.keyPem === undefined)) {
    throw new ProbeConfigError('certPem and keyPem go together: the MQTT test needs the device certificate and its private key');
  }
  const clientId = o.clientId ?? `cdk-private-iot-probe-${randomBytes(4).toString('hex')}`;
  if (clientId.length === 0 || Buffer.byteLength(clientId) > 128) {
    throw new ProbeConfigError(`clientId '${clientId}' must be 1 to 128 bytes (AWS IoT limit)`);
  }
  const topic = o.topic ?? `cdk-private-iot/probe/${clientId}`;
  if (topic.length === 0 || /[+#]/.test(topic) || Buffer.byteLength(topic) > 256) {
    throw new ProbeConfigError(`topic '${topic}' must be a topic name without wildcards (+, #), 1 to 256 bytes`);
  }
  try {
    // parses the PEM inputs only (no network): a typo surfaces here instead of as a TLS failure
    tls.createSecureContext({ ca: o.caPem, cert: o.certPem, key: o.keyPem });
  } catch (e) {
    throw new ProbeConfigError(`caPem / certPem / keyPem cannot be used: ${(e as Error).message} (give PEM text, and the key that belongs to the certificate)`);
  }
  const portMap: Record<number, number> = {};
  for (const [k, v] of Object.entries(o.portMap ?? {})) {
    if (!Number.isInteger(v) || v < 1 || v > 65535) throw new ProbeConfigError(`portMap[${k}] = ${v} is not a TCP port`);
    portMap[Number(k)] = v;
  }
  return {
    host,
    ports: [...new Set(ports)],
    dnsServers,
    expect: cidrList(expectCidrs, 'expectCidrs'),
    expectText: expectGiven ? expectCidrs.join(', ') : 'private ranges (RFC 1918, ULA, loopback)',
    expectGiven,
    privateList: cidrList(PRIVATE_CIDRS, 'private ranges'),
    connectAddress: o.connectAddress,
    ca: o.caPem,
    cert: o.certPem,
    key: o.keyPem,
    clientId,
    topic,
    keepAlive,
    timeoutMs,
    portMap,
  };
}

function parseDnsServer(server: string): string {
  if (!dnsServerAddress(server)) {
    throw new ProbeConfigError(`dnsServers entry '${server}' must be 'ip', 'ip:port' or '[ipv6]:port'`);
  }
  return server;
}

function cidrList(cidrs: string[], what: string): net.BlockList {
  const list = new net.BlockList();
  for (const cidr of cidrs) {
    const [ip, bits, extra] = cidr.split('/');
    const family = net.isIP(ip);
    const prefix = Number(bits);
    if (!family || extra !== undefined || bits === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
      throw new ProbeConfigError(`${what} entry '${cidr}' is not an IPv4 or IPv6 CIDR (e.g. 10.0.0.0/16)`);
    }
    list.addSubnet(ip, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

function inList(list: net.BlockList, ip: string): boolean {
  return list.check(ip, net.isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

// ---------------------------------------------------------------------------------------------------------------
// Step 1: DNS

async function checkDns(s: Settings): Promise<Outcome> {
  const via = s.dnsServers ? `DNS server ${s.dnsServers.join(', ')}` : 'the system resolver';
  const answers = s.dnsServers ? await resolveWith(s.dnsServers, s.host, s.timeoutMs) : await resolveSystem(s.host, s.timeoutMs);
  const { a, aaaa, errors } = answers;
  const all = [...a, ...aaaa];
  const data: Record<string, unknown> = { a, aaaa, resolver: s.dnsServers ?? 'system', errors };
  const forward = `the on-premises resolver does not forward ${s.host} to the Route 53 Resolver inbound endpoint`;
  if (all.length === 0) {
    const codes = Object.values(errors);
    const has = (...c: string[]) => codes.some((code) => c.includes(code));
    let diagnosis: string;
    if (has('ETIMEOUT', 'ECANCELLED', 'ECONNREFUSED', 'EAI_AGAIN', 'ETIMEDOUT')) {
      diagnosis = `${via} did not answer within ${s.timeoutMs} ms: check that UDP and TCP 53 reach it (the Resolver inbound endpoint's `
        + 'security group must admit this source) and that the address is right';
    } else if (has('EREFUSED')) {
      diagnosis = `${via} refused the query: it neither serves nor forwards ${s.host}; add a conditional forwarder for ${s.host} `
        + 'to the Route 53 Resolver inbound endpoint IPs';
    } else if (has('ESERVFAIL')) {
      diagnosis = `${via} failed (SERVFAIL): its forwarder for ${s.host} cannot reach the Route 53 Resolver inbound endpoint`;
    } else if (has('ENOTFOUND')) {
      diagnosis = `${s.host} does not exist (NXDOMAIN) for ${via}: a private hosted zone named after a parent domain `
        + '(e.g. iot.<region>.amazonaws.com) shadows it, or the zone has no record for it, or the hostname is wrong; name the zone '
        + `exactly after the ATS endpoint (iot:DescribeEndpoint with endpointType iot:Data-ATS) and give it an A record, or ${forward}`;
    } else {
      diagnosis = `${s.host} has no A or AAAA record for ${via}: add an alias A (and AAAA for dual-stack) record to the VPC endpoint `
        + 'in the private hosted zone';
    }
    return { ok: false, detail: `no address for ${s.host} (${describeErrors(errors)})`, diagnosis, data };
  }
  const detail = `A ${a.join(', ') || '-'}; AAAA ${aaaa.join(', ') || '-'} (via ${via})`;
  const outside = all.filter((ip) => !inList(s.expect, ip));
  if (outside.length === 0) return { ok: true, detail, data };
  const publicOnes = outside.filter((ip) => !inList(s.privateList, ip));
  if (publicOnes.length > 0) {
    return {
      ok: false,
      detail,
      data,
      diagnosis: `the name resolves to public addresses (${publicOnes.join(', ')}): the private hosted zone is not associated with `
        + `this VPC, or ${forward}`,
    };
  }
  return {
    ok: false,
    detail,
    data,
    diagnosis: `${outside.join(', ')} ${outside.length > 1 ? 'are' : 'is'} outside ${s.expectText}: the records point elsewhere than `
      + 'the endpoint you expect (stale ENI IPs, another VPC\'s endpoint, or another private hosted zone answers for this VPC or '
      + 'resolver); point them at the endpoint ENI IPs or alias them to the endpoint\'s regional DNS name',
  };
}

interface Answers {
  a: string[];
  aaaa: string[];
  errors: Record<string, string>;
}

async function resolveWith(servers: string[], host: string, timeoutMs: number): Promise<Answers> {
  const resolver = new dns.promises.Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers(servers);
  const timer = setTimeout(() => resolver.cancel(), timeoutMs);
  try {
    const [a, aaaa] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const errors: Record<string, string> = {};
    if (a.status === 'rejected') errors.A = errorCode(a.reason);
    if (aaaa.status === 'rejected') errors.AAAA = errorCode(aaaa.reason);
    return { a: a.status === 'fulfilled' ? a.value : [], aaaa: aaaa.status === 'fulfilled' ? aaaa.value : [], errors };
  } finally {
    clearTimeout(timer);
  }
}

async function resolveSystem(host: string, timeoutMs: number): Promise<Answers> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('lookup timed out'), { code: 'ETIMEOUT' })), timeoutMs);
  });
  try {
    const found = await Promise.race([dns.promises.lookup(host, { all: true, verbatim: true }), timeout]);
    return {
      a: found.filter((f) => f.family === 4).map((f) => f.address),
      aaaa: found.filter((f) => f.family === 6).map((f) => f.address),
      errors: {},
    };
  } catch (e) {
    return { a: [], aaaa: [], errors: { lookup: errorCode(e) } };
  } finally {
    clearTimeout(timer);
  }
}

function describeErrors(errors: Record<string, string>): string {
  return Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join(', ') || 'empty answer';
}

function pickAddress(data: Record<string, unknown> | undefined): string | undefined {
  const a = (data?.a as string[] | undefined) ?? [];
  const aaaa = (data?.aaaa as string[] | undefined) ?? [];
  return a[0] ?? aaaa[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Step 2: TCP

function checkTcp(address: string, port: number, s: Settings): Promise<Outcome> {
  const dial = s.portMap[port] ?? port;
  const target = `${net.isIP(address) === 6 ? `[${address}]` : address}:${dial}`;
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port: dial });
    const done = (o: Outcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({
      ok: false,
      detail: `no answer from ${target} within ${s.timeoutMs} ms`,
      diagnosis: `${port} timed out: the endpoint security group (or a firewall / NACL) does not admit this source; open TCP ${port} `
        + 'to the endpoint from the device networks (aws-cdk-lib\'s default open: true admits only 443 from the VPC CIDR) and check '
        + 'the route back (Transit Gateway, VPN, Direct Connect)',
      data: { address, dialedPort: dial },
    }), s.timeoutMs);
    socket.once('connect', () => done({
      ok: true,
      detail: `connected to ${target} from ${socket.localAddress}`,
      data: { address, dialedPort: dial, localAddress: socket.localAddress },
    }));
    socket.once('error', (e) => {
      const code = errorCode(e);
      let diagnosis: string;
      if (code === 'ECONNREFUSED') {
        diagnosis = `${port} refused by ${address}: nothing listens there on ${port}; the address is not the VPC endpoint's ENI `
          + '(stale DNS record or wrong connectAddress), the load balancer has no listener for this port, or a firewall rejects it';
      } else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
        diagnosis = `no route to ${address}: add routes from this network to the VPC (Transit Gateway, VPN, Direct Connect) and back`;
      } else if (code === 'ECONNRESET') {
        diagnosis = `the connection to ${port} was reset: a firewall or proxy in the path rejects it`;
      } else {
        diagnosis = `TCP ${port} failed with ${code}: check routing and firewalls between this host and ${address}`;
      }
      done({ ok: false, detail: `${target}: ${code}`, diagnosis, data: { address, dialedPort: dial, code } });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Step 3: TLS

function checkTls(address: string, port: number, s: Settings): Promise<Outcome> {
  const dial = s.portMap[port] ?? port;
  const alpn = port === 443 ? [MQTT_ALPN] : undefined;
  return new Promise((resolve) => {
    let stage = 'handshake';
    const data: Record<string, unknown> = { sni: s.host, offeredAlpn: alpn ?? [] };
    const connectOptions: tls.ConnectionOptions = {
      ...tlsTarget(s, address, dial, port),
      // verified below, so that the report can show the certificate the server presented
      rejectUnauthorized: false,
    };
    let socket: tls.TLSSocket;
    try {
      socket = tls.connect(connectOptions);
    } catch (e) {
      resolve(tlsErrorOutcome(e, port, s, data));
      return;
    }
    const started = performance.now();
    let settle: NodeJS.Timeout | undefined;
    let finished = false;
    const done = (o: Outcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(settle);
      socket.removeAllListeners('session');
      socket.removeAllListeners('close');
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({
      ok: false,
      detail: `TLS ${stage} with ${address}:${dial} did not finish within ${s.timeoutMs} ms`,
      diagnosis: `the TLS handshake on ${port} timed out: something in the path accepts TCP but does not speak TLS to this client `
        + '(a proxy, a load balancer without healthy targets, or a device that needs other settings); connect through a TCP '
        + 'pass-through path to the VPC endpoint',
      data,
    }), s.timeoutMs);
    socket.once('error', (e) => done(tlsErrorOutcome(e, port, s, data)));
    socket.once('close', () => done({
      ok: false,
      detail: `the server closed the connection during the TLS ${stage}`,
      diagnosis: `the server on ${port} closed the connection during TLS: it may need SNI ${s.host} / ALPN it did not get, or a `
        + 'firewall or proxy cuts TLS',
      data,
    }));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const cipher = socket.getCipher();
      Object.assign(data, {
        protocol: socket.getProtocol(),
        cipher: cipher?.name,
        alpn: socket.alpnProtocol || null,
        subject: dn(cert?.subject),
        issuer: dn(cert?.issuer),
        validTo: cert?.valid_to,
        subjectAltName: cert?.subjectaltname,
      });
      const seen = `${data.protocol} ${data.cipher}; certificate ${data.subject} issued by ${data.issuer}, valid to ${data.validTo}`;
      // with rejectUnauthorized false Node still verifies the chain, then (if the chain is fine) the hostname
      const code = socket.authorized ? undefined : String(socket.authorizationError ?? 'not authorized');
      if (code !== undefined && code !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
        data.code = code;
        return done({ ok: false, detail: `${seen}; chain not trusted: ${code}`, diagnosis: untrustedDiagnosis(code, data, s), data });
      }
      if (code !== undefined || tls.checkServerIdentity(s.host, cert) !== undefined) {
        data.code = 'ERR_TLS_CERT_ALTNAME_INVALID';
        return done({
          ok: false,
          detail: `${seen}; hostname ${s.host} not in ${data.subjectAltName ?? data.subject}`,
          diagnosis: `the server certificate is for ${data.subjectAltName ?? data.subject}, not ${s.host}: connect with the ATS hostname `
            + '(xxxx-ats.iot.<region>.amazonaws.com) or your custom domain, not the vpce-... DNS name or an IP address; for a custom '
            + 'domain, check the server certificate of its domain configuration',
          data,
        });
      }
      if (port === 443 && socket.alpnProtocol !== MQTT_ALPN) {
        return done({
          ok: false,
          detail: `${seen}; ALPN ${socket.alpnProtocol || 'none'}`,
          diagnosis: `the server did not negotiate ${MQTT_ALPN}: on 443 MQTT needs ALPN; make sure nothing in the path terminates TLS `
            + '(load balancers must be TCP pass-through) and that the client offers ALPN',
          data,
        });
      }
      const pass = () => done({ ok: true, detail: `${seen}${data.alpn ? `; ALPN ${data.alpn}` : ''}`, data });
      if (socket.getProtocol() !== 'TLSv1.3') return pass();
      // TLS 1.3: the server judges the client certificate after the client's Finished; it answers with a session
      // ticket (accepted) or an alert (rejected). Wait for either, bounded.
      stage = 'client certificate check';
      socket.once('session', pass);
      const left = s.timeoutMs - (performance.now() - started);
      settle = setTimeout(pass, Math.max(0, Math.min(TLS13_SETTLE_MS, left - 10)));
      return undefined;
    });
  });
}

function tlsErrorOutcome(e: unknown, port: number, s: Settings, data: Record<string, unknown>): Outcome {
  const code = errorCode(e);
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  data.code = code;
  let diagnosis: string;
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' && !s.cert && data.subject !== undefined) {
    // TLS 1.3: the server's certificate, hostname (and ALPN) were verified before it asked for ours. AWS IoT Core asks
    // every X.509 client for one, so without a device certificate this is as far as TLS can go: a pass.
    return {
      ok: true,
      detail: `${data.protocol} ${data.cipher}; certificate ${data.subject} issued by ${data.issuer}, valid to ${data.validTo}`
        + `${data.alpn ? `; ALPN ${data.alpn}` : ''}; the server requires a client certificate (give one to test MQTT)`,
      data,
    };
  }
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || /certificate required|handshake failure/i.test(message) && !s.cert) {
    diagnosis = `the server on ${port} requires a client certificate: give the device certificate and key (certPem / keyPem)`;
  } else if (/ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|CERTIFICATE_REVOKED|CERTIFICATE_EXPIRED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED|DECRYPT_ERROR)/.test(code)) {
    diagnosis = `the server rejected the client certificate (${code}): register and activate it in AWS IoT (or register its CA), `
      + 'and use the private key that belongs to it';
  } else if (/NO_APPLICATION_PROTOCOL/.test(code)) {
    diagnosis = `the server refused the offered ALPN: on 443 offer ${MQTT_ALPN} for MQTT (x-amzn-http-ca for HTTPS)`;
  } else if (code === 'ECONNRESET' || code === 'EPIPE') {
    diagnosis = `the connection on ${port} was reset during the TLS handshake: the server needs SNI ${s.host}`
      + `${port === 443 ? ` and ALPN ${MQTT_ALPN}` : ''}, rejected the client certificate, or a firewall / proxy inspects TLS`;
  } else if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL/.test(code)) {
    diagnosis = `the server on ${port} does not speak TLS: a proxy or a plain TCP service answers instead of the IoT endpoint`;
  } else {
    diagnosis = `TLS on ${port} failed with ${code}: check that a TCP pass-through path leads to the IoT endpoint`;
  }
  return { ok: false, detail: `TLS failed: ${message}`, diagnosis, data };
}

function untrustedDiagnosis(code: string, data: Record<string, unknown>, s: Settings): string {
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `the server certificate is not valid now (${code}, valid to ${data.validTo}): check this host's clock, or renew the `
      + 'custom domain\'s certificate';
  }
  return `the server certificate (${data.subject}, issued by ${data.issuer}) does not chain to ${s.ca ? 'the given CA' : 'the default CA store'} `
    + '(untrusted CA): trust the Amazon Root CA (ATS endpoint, not the legacy VeriSign one) or your custom domain\'s CA; '
    + 'a TLS-inspecting proxy or a load balancer terminating TLS may sit in the path';
}

function dn(name: tls.Certificate | undefined): string {
  if (!name) return '-';
  return Object.entries(name).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(', ') || '-';
}

// ---------------------------------------------------------------------------------------------------------------
// Step 4: MQTT

const CONNACK_V3: Record<number, string> = {
  1: 'unacceptable protocol version: the server does not accept MQTT 3.1.1',
  2: 'client id rejected: AWS IoT accepts 1 to 128 bytes; with a thing policy the client id must be the thing name',
  3: 'server unavailable: retry later, check the AWS Health Dashboard',
  4: 'bad user name or password: X.509 clients must not send a user name for custom authorizers unless one is configured',
  5: 'not authorized: the IoT policy denies iot:Connect for this client id / certificate, or the thing is not attached',
};
const CONNACK_V5: Record<number, string> = {
  0x85: CONNACK_V3[2],
  0x86: CONNACK_V3[4],
  0x87: CONNACK_V3[5],
  0x88: CONNACK_V3[3],
  0x89: 'server busy: retry later',
  0x8a: 'banned: the client is blocked',
  0x97: 'quota exceeded: too many connections for this account (100,000 per VPC endpoint)',
  0x9f: 'connection rate exceeded: slow down connection attempts',
};

/** Explains an MQTT CONNACK return code (3.1.1) or reason code (5). */
export function explainConnack(code: number): string {
  return CONNACK_V3[code] ?? CONNACK_V5[code] ?? `refused with code ${code}`;
}

function checkMqtt(address: string, port: number, s: Settings): Promise<Outcome> {
  const dial = s.portMap[port] ?? port;
  const data: Record<string, unknown> = { clientId: s.clientId, topic: s.topic, keepAliveSeconds: s.keepAlive, address, dialedPort: dial };
  const policy = `the IoT policy must allow iot:Subscribe on topicfilter/${s.topic}, iot:Publish and iot:Receive on topic/${s.topic}`;
  return new Promise((resolve) => {
    const t0 = performance.now();
    let stage: 'connect' | 'subscribe' | 'publish' | 'receive' = 'connect';
    let client: MqttClient | undefined;
    let finished = false;
    const done = (o: Outcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (client) {
        client.removeAllListeners();
        client.on('error', () => undefined);
        client.end(true);
      }
      resolve(o);
    };
    const timer = setTimeout(() => {
      const why: Record<typeof stage, string> = {
        connect: `no CONNACK within ${s.timeoutMs} ms: the broker accepted TLS but did not answer CONNECT`,
        subscribe: `no SUBACK within ${s.timeoutMs} ms: ${policy}`,
        publish: `no PUBACK within ${s.timeoutMs} ms: ${policy}`,
        receive: `the message did not come back within ${s.timeoutMs} ms: ${policy}`,
      };
      done({ ok: false, detail: `MQTT ${stage} timed out`, diagnosis: why[stage], data });
    }, s.timeoutMs);
    const options: IClientOptions = {
      protocol: 'mqtts',
      ...tlsTarget(s, address, dial, port),
      rejectUnauthorized: true,
      protocolVersion: 4,
      clientId: s.clientId,
      clean: true,
      keepalive: s.keepAlive,
      reconnectPeriod: 0,
      connectTimeout: s.timeoutMs,
    };
    try {
      client = mqttConnect(options);
    } catch (e) {
      done({ ok: false, detail: `MQTT client failed: ${(e as Error).message}`, diagnosis: 'the MQTT client could not start', data });
      return;
    }
    const c = client;
    const nonce = randomBytes(8).toString('hex');
    let published = 0;
    c.on('error', (e: Error & { code?: unknown }) => {
      if (stage === 'connect' && typeof e.code === 'number') {
        data.connack = { returnCode: e.code };
        done({
          ok: false,
          detail: `CONNACK ${e.code} (0x${e.code.toString(16)}): ${e.message}`,
          diagnosis: explainConnack(e.code),
          data,
        });
      } else {
        done({
          ok: false,
          detail: `MQTT ${stage} failed: ${e.message}`,
          diagnosis: stage === 'connect'
            ? `the MQTT connection failed before CONNACK (${errorCode(e)}): see the TLS check of port ${port}`
            : `the broker reported an error during ${stage}: ${policy}`,
          data,
        });
      }
    });
    c.on('close', () => done({
      ok: false,
      detail: `the broker closed the connection during ${stage}`,
      diagnosis: stage === 'connect'
        ? 'the server closed the connection before CONNACK: AWS IoT does this when the policy denies iot:Connect for this client id '
          + '(a VPC-only policy also denies connections that do not come through the named VPC endpoint, aws:SourceVpce), when the '
          + 'certificate is inactive or has no policy, or when the client id is in use'
        : `the broker closed the connection during ${stage}: AWS IoT disconnects clients whose policy denies an action; ${policy}`,
      data,
    }));
    c.on('connect', (connack) => {
      data.connack = { returnCode: connack.returnCode ?? 0, sessionPresent: connack.sessionPresent };
      data.connectMs = Math.round(performance.now() - t0);
      stage = 'subscribe';
      c.subscribe(s.topic, { qos: 1 }, (err: Error | null, granted?: ISubscriptionGrant[]) => {
        if (finished) return;
        const qos = granted?.[0]?.qos;
        if (err || qos === undefined || qos === 128) {
          done({
            ok: false,
            detail: `SUBSCRIBE ${s.topic} refused${err ? `: ${err.message}` : ` (granted ${qos})`}`,
            diagnosis: `subscribe refused: the IoT policy denies iot:Subscribe on topicfilter/${s.topic}`,
            data,
          });
          return;
        }
        stage = 'publish';
        published = performance.now();
        c.publish(s.topic, JSON.stringify({ probe: nonce }), { qos: 1 }, (perr?: Error) => {
          if (finished) return;
          if (perr) {
            done({ ok: false, detail: `PUBLISH failed: ${perr.message}`, diagnosis: `publish refused: ${policy}`, data });
            return;
          }
          if (stage === 'publish') stage = 'receive';
        });
      });
    });
    c.on('message', (topic: string, payload: Buffer) => {
      if (topic !== s.topic || !payload.toString().includes(nonce)) return;
      data.latencyMs = Math.round(performance.now() - published);
      done({
        ok: true,
        detail: `CONNACK 0 (accepted) in ${data.connectMs} ms; SUBSCRIBE + PUBLISH + receive on ${s.topic} in ${data.latencyMs} ms`,
        data,
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// helpers

async function measure(fn: () => Promise<Outcome>): Promise<{ outcome: Outcome; ms: number }> {
  const t0 = performance.now();
  const outcome = await fn();
  return { outcome, ms: Math.round(performance.now() - t0) };
}

function blocked(step: ProbeCheck['step'], port: number | undefined, reason: string): ProbeCheck {
  return { step, ...(port === undefined ? {} : { port }), ok: false, skipped: true, ms: 0, detail: reason };
}

function notApplicable(step: ProbeCheck['step'], reason: string): ProbeCheck {
  return { step, ok: true, skipped: true, ms: 0, detail: reason };
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  return e instanceof Error ? e.message : String(e);
}

/** Where and how the TLS and MQTT steps connect: the address, SNI = the IoT hostname, trust, client certificate, ALPN on 443. */
function tlsTarget(s: Settings, address: string, dial: number, port: number) {
  return {
    host: address,
    port: dial,
    servername: s.host,
    ca: s.ca,
    cert: s.cert,
    key: s.key,
    ALPNProtocols: port === 443 ? [MQTT_ALPN] : undefined,
  };
}
