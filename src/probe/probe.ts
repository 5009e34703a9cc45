/**
 * Connectivity probe for AWS IoT Core over a private path (interface VPC endpoint, Route 53 Resolver inbound
 * endpoint, load balancer in front of the endpoints): DNS -> TCP -> TLS (SNI, chain, hostname, ALPN) -> MQTT.
 *
 * Every step is bounded by `timeoutMs`; every failure carries a diagnosis a person can act on.
 * Not exported from the package index: used by the CLI (`cli.ts`) and the in-VPC canary.
 */
import { randomBytes } from 'crypto';
import * as dgram from 'dgram';
import * as dns from 'dns';
import * as net from 'net';
import { performance } from 'perf_hooks';
import * as tls from 'tls';
import { connect as mqttConnect, IClientOptions, ISubscriptionGrant, MqttClient } from 'mqtt';
import { dnsServerAddress } from '../private/formats';
import { ALPN_PORT, HTTPS_PORT, MQTT_PORT } from '../private/limits';

/** The ports of the AWS IoT data endpoint in the order the probe tries them: 8883 = MQTT, 443 = MQTT/HTTPS with ALPN, 8443 = HTTPS. */
export const IOT_PORTS: readonly number[] = [MQTT_PORT, ALPN_PORT, HTTPS_PORT];
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
  /**
   * DNS servers to ask, `ip`, `ip:port` or `[ipv6]:port` (e.g. Route 53 Resolver inbound endpoint IPs). Each one is
   * asked on its own; the DNS check fails when any of them fails. @default - the system resolver
   */
  readonly dnsServers?: string[];
  /** IPv4/IPv6 CIDRs the answers must fall in. @default - any private address (RFC 1918, ULA, loopback) */
  readonly expectCidrs?: string[];
  /** Connect to this IP instead of the resolved ones; SNI stays `host`. */
  readonly connectAddress?: string;
  /** CA bundle (PEM). @default - Node's default CA store (holds the Amazon roots) */
  readonly caPem?: string;
  /** Device certificate (PEM); with `keyPem` enables the MQTT test and is presented in the TLS step. */
  readonly certPem?: string;
  /** Device private key (PEM). */
  readonly keyPem?: string;
  /** MQTT client id. @default - `cdk-private-iot-probe-<random>` */
  readonly clientId?: string;
  /**
   * A given `clientId` that does not start with `cdk-private-iot-probe` is probably a live device's: connecting with it
   * disconnects that device (AWS IoT allows one connection per client id). The report warns unless this is true.
   * @default false
   */
  readonly allowLiveClientId?: boolean;
  /** Topic of the MQTT round trip. @default `cdk-private-iot/probe/<clientId>` */
  readonly topic?: string;
  /** MQTT keep-alive in seconds, at most 230. @default 60 */
  readonly keepAliveSeconds?: number;
  /** Time limit of each step in ms. @default 5000 */
  readonly timeoutMs?: number;
  /**
   * The TCP port actually dialed for a logical IoT port, e.g. `{ 8883: 18883 }` (port forwarding, tests).
   * The report and the port-specific behaviour (ALPN on 443) keep the logical port.
   */
  readonly portMap?: Record<number, number>;
}

export interface ProbeCheck {
  step: 'dns' | 'tcp' | 'tls' | 'mqtt';
  port?: number;
  /** The address this check connected to (tcp, tls, mqtt). */
  address?: string;
  ok: boolean;
  skipped?: boolean;
  ms: number;
  detail: string;
  diagnosis?: string;
  data?: Record<string, unknown>;
}

/** Version of the report's JSON shape (`ProbeReport`, and the CLI's `ProbeJsonOutput`); raised on incompatible changes. */
export const PROBE_SCHEMA_VERSION = 1;

export interface ProbeReport {
  schemaVersion: typeof PROBE_SCHEMA_VERSION;
  host: string;
  ok: boolean;
  /** Every address tested (all A and AAAA answers of every DNS server, or `connectAddress`). */
  addresses: string[];
  checks: ProbeCheck[];
  /** Things a person should know that do not fail the probe (e.g. a client id that is probably a live device's). */
  warnings: string[];
  startedAt: string;
}

/** Invalid probe options; thrown before any network activity. `option` names the ProbeOptions property. */
export class ProbeConfigError extends Error {
  constructor(message: string, public readonly option?: keyof ProbeOptions) {
    super(message);
    this.name = 'ProbeConfigError';
  }
}

/** The prefix of the probe's own client ids; other given client ids are treated as probably a live device's. */
export const PROBE_CLIENT_ID_PREFIX = 'cdk-private-iot-probe';

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
  warnings: string[];
}

interface Outcome {
  ok: boolean;
  detail: string;
  diagnosis?: string;
  data?: Record<string, unknown>;
}

/** For tests: whether this host has a route to an IPv6 address (replaceable). */
export const routes = {
  ipv6: (address: string): Promise<boolean> => new Promise((resolve) => {
    // a UDP connect only looks up the route: no packet leaves the host
    const socket = dgram.createSocket('udp6');
    const finish = (ok: boolean) => {
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(ok);
    };
    socket.once('error', () => finish(false));
    try {
      socket.connect(9, address, () => finish(true));
    } catch {
      finish(false);
    }
  }),
};

/** Runs DNS, TCP, TLS and (with a certificate) MQTT checks against `options.host`. Throws only ProbeConfigError. */
export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
  const s = validate(options);
  const startedAt = new Date().toISOString();
  const checks: ProbeCheck[] = [];

  const dnsRun = await measure(() => checkDns(s));
  checks.push({ step: 'dns', ...dnsRun.outcome, ms: dnsRun.ms });
  const usable = (ip: string) => inList(s.expect, ip);
  const addresses = s.connectAddress ? [s.connectAddress] : answersOf(dnsRun.outcome.data).filter(usable);

  if (addresses.length === 0) {
    const why = 'skipped: DNS did not give a usable private address (pass connectAddress to test a given IP)';
    for (const port of s.ports) checks.push(blocked('tcp', port, why), blocked('tls', port, why));
  } else {
    const perAddress = await Promise.all(addresses.map(async (address): Promise<ProbeCheck[]> => {
      if (net.isIP(address) === 6 && !(await routes.ipv6(address))) {
        const why = `skipped: no IPv6 route to ${address} from this host`;
        return s.ports.flatMap((port) => [notApplicable('tcp', why, port, address), notApplicable('tls', why, port, address)]);
      }
      const perPort = await Promise.all(s.ports.map(async (port): Promise<ProbeCheck[]> => {
        const tcp = await measure(() => checkTcp(address, port, s));
        const tcpCheck: ProbeCheck = { step: 'tcp', port, address, ...tcp.outcome, ms: tcp.ms };
        if (!tcp.outcome.ok) {
          return [tcpCheck, blocked('tls', port, `skipped: TCP ${port} to ${address} failed`, address)];
        }
        const tlsRun = await measure(() => checkTls(address, port, s));
        return [tcpCheck, { step: 'tls', port, address, ...tlsRun.outcome, ms: tlsRun.ms }];
      }));
      return perPort.flat();
    }));
    // report order: per port, then per address
    const flat = perAddress.flat();
    for (const port of s.ports) checks.push(...flat.filter((c) => c.port === port));
  }

  if (s.cert === undefined || s.key === undefined) {
    checks.push(notApplicable('mqtt', 'skipped: no client certificate (give the device certificate and key, --cert/--key, to test MQTT)'));
  } else {
    const mqttPorts = [8883, 443].filter((p) => s.ports.includes(p));
    const passed = (p: number) => checks.find((c) => c.step === 'tls' && c.port === p && c.ok && !c.skipped);
    const port = mqttPorts.find((p) => passed(p));
    if (mqttPorts.length === 0) {
      checks.push(notApplicable('mqtt', 'skipped: MQTT runs on 8883 or 443 and neither port was probed'));
    } else if (port === undefined) {
      checks.push(blocked('mqtt', undefined, `skipped: TLS failed on ${mqttPorts.join(' and ')}`));
    } else {
      const address = passed(port)!.address!;
      const run = await measure(() => checkMqtt(address, port, s));
      checks.push({ step: 'mqtt', port, address, ...run.outcome, ms: run.ms });
    }
  }
  return {
    schemaVersion: PROBE_SCHEMA_VERSION,
    host: s.host,
    ok: checks.every((c) => c.ok),
    addresses,
    checks,
    warnings: s.warnings,
    startedAt,
  };
}

/**
 * The warning for a given client id that is probably a live device's (see `allowLiveClientId`), or undefined.
 * Only relevant when the MQTT step runs (a device certificate is given).
 */
export function liveClientIdWarning(o: Pick<ProbeOptions, 'clientId' | 'allowLiveClientId' | 'certPem'>): string | undefined {
  if (o.clientId === undefined || o.allowLiveClientId || o.certPem === undefined || o.clientId.startsWith(PROBE_CLIENT_ID_PREFIX)) {
    return undefined;
  }
  return `client id '${o.clientId}' is probably a live device's: AWS IoT allows one connection per client id, so the probe's `
    + 'MQTT connection disconnects that device (and the device reconnecting disconnects the probe). Omit the client id (a random '
    + `${PROBE_CLIENT_ID_PREFIX}-... id is used) unless the policy requires the thing name; allowLiveClientId (--allow-live-client-id) `
    + 'silences this warning';
}

// ---------------------------------------------------------------------------------------------------------------
// Validation (no network activity)

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]+?-----END (?:[A-Z]+ )?PRIVATE KEY-----/;

/**
 * Why `text` is not usable as `kind` PEM (a certificate bundle or a private key), or undefined when it is.
 * `what` names the input in the message (a property or a CLI flag with its file).
 */
export function pemProblem(text: string | Buffer, kind: 'certificate' | 'private key', what: string): string | undefined {
  const buffer = typeof text === 'string' ? Buffer.from(text, 'utf-8') : text;
  const str = buffer.toString('utf-8');
  const pattern = kind === 'certificate' ? PEM_CERTIFICATE : PEM_PRIVATE_KEY;
  if (pattern.test(str)) return undefined;
  if (buffer.length > 0 && buffer[0] === 0x30) {
    // ASN.1 SEQUENCE: DER
    const convert = kind === 'certificate' ? 'openssl x509 -inform der -in FILE -out FILE.pem' : 'openssl pkey -inform der -in FILE -out FILE.pem';
    return `${what} is DER (binary), not PEM: convert it with \`${convert}\``;
  }
  const found = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(str)?.[1];
  return `${what} holds no PEM ${kind} (-----BEGIN ${kind === 'certificate' ? 'CERTIFICATE' : 'PRIVATE KEY'}-----)`
    + (found ? `: it holds a ${found}` : buffer.length === 0 ? ': it is empty' : '');
}

function validate(o: ProbeOptions): Settings {
  const host = typeof o.host === 'string' ? o.host.trim().toLowerCase().replace(/\.$/, '') : '';
  if (!host) throw new ProbeConfigError('host is required: the AWS IoT ATS data endpoint or your custom domain', 'host');
  if (net.isIP(host)) {
    throw new ProbeConfigError(`host ${host} is an IP address: give the IoT hostname (it is the TLS SNI) and the IP as connectAddress`, 'host');
  }
  if (host.length > 253 || !host.split('.').every((l) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l))) {
    throw new ProbeConfigError(`host '${o.host}' is not a valid DNS name`, 'host');
  }
  const ports = o.ports ?? [...IOT_PORTS];
  if (!Array.isArray(ports) || ports.length === 0) throw new ProbeConfigError('ports must name at least one of 8883, 443, 8443', 'ports');
  for (const p of ports) {
    if (!IOT_PORTS.includes(p)) {
      throw new ProbeConfigError(`port ${p} is not an AWS IoT data port: use 8883 (MQTT), 443 (MQTT/HTTPS with ALPN) or 8443 (HTTPS)`, 'ports');
    }
  }
  const keepAlive = o.keepAliveSeconds ?? DEFAULT_KEEP_ALIVE_SECONDS;
  if (!Number.isInteger(keepAlive) || keepAlive < 0) {
    throw new ProbeConfigError(`keepAliveSeconds ${keepAlive} must be a whole number of seconds >= 0`, 'keepAliveSeconds');
  }
  if (keepAlive > MAX_KEEP_ALIVE_SECONDS) {
    throw new ProbeConfigError(`keepAliveSeconds ${keepAlive} exceeds ${MAX_KEEP_ALIVE_SECONDS}: `
      + `AWS IoT Core lowers keep-alive above ${MAX_KEEP_ALIVE_SECONDS} s over VPC endpoints; use <= ${MAX_KEEP_ALIVE_SECONDS}`, 'keepAliveSeconds');
  }
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 600_000) {
    throw new ProbeConfigError(`timeoutMs ${timeoutMs} must be > 0 and <= 600000`, 'timeoutMs');
  }
  const dnsServers = o.dnsServers?.map(parseDnsServer);
  if (dnsServers && dnsServers.length === 0) throw new ProbeConfigError('dnsServers is empty: omit it to use the system resolver', 'dnsServers');
  if (o.connectAddress !== undefined && !net.isIP(o.connectAddress)) {
    throw new ProbeConfigError(`connectAddress '${o.connectAddress}' is not an IP address`, 'connectAddress');
  }
  const expectGiven = o.expectCidrs !== undefined;
  const expectCidrs = o.expectCidrs ?? PRIVATE_CIDRS;
  if (expectCidrs.length === 0) throw new ProbeConfigError('expectCidrs is empty: omit it to accept any private address', 'expectCidrs');
  if ((o.certPem === undefined) !== (o.keyPem === undefined)) {
    throw new ProbeConfigError('certPem and keyPem go together: the MQTT test needs the device certificate and its private key',
      o.certPem === undefined ? 'certPem' : 'keyPem');
  }
  const clientId = o.clientId ?? `${PROBE_CLIENT_ID_PREFIX}-${randomBytes(4).toString('hex')}`;
  if (clientId.length === 0 || Buffer.byteLength(clientId) > 128) {
    throw new ProbeConfigError(`clientId '${clientId}' must be 1 to 128 bytes (AWS IoT limit)`, 'clientId');
  }
  const topic = o.topic ?? `cdk-private-iot/probe/${clientId}`;
  if (topic.length === 0 || /[+#]/.test(topic) || Buffer.byteLength(topic) > 256) {
    throw new ProbeConfigError(`topic '${topic}' must be a topic name without wildcards (+, #), 1 to 256 bytes`, 'topic');
  }
  const pems: Array<[keyof ProbeOptions, string | undefined, 'certificate' | 'private key']> = [
    ['caPem', o.caPem, 'certificate'], ['certPem', o.certPem, 'certificate'], ['keyPem', o.keyPem, 'private key'],
  ];
  for (const [name, value, kind] of pems) {
    const problem = value === undefined ? undefined : pemProblem(value, kind, name);
    if (problem) throw new ProbeConfigError(problem, name);
  }
  for (const [name, value] of pems) {
    try {
      // parses the PEM inputs only (no network): a typo surfaces here instead of as a TLS failure
      tls.createSecureContext(name === 'caPem' ? { ca: value } : name === 'certPem' ? { cert: value } : {});
    } catch (e) {
      throw new ProbeConfigError(`${name} cannot be used: ${(e as Error).message} (give PEM text)`, name);
    }
  }
  try {
    tls.createSecureContext({ cert: o.certPem, key: o.keyPem });
  } catch (e) {
    throw new ProbeConfigError(`certPem / keyPem cannot be used: ${(e as Error).message} (give the key that belongs to the certificate)`, 'keyPem');
  }
  const portMap: Record<number, number> = {};
  for (const [k, v] of Object.entries(o.portMap ?? {})) {
    if (!IOT_PORTS.includes(Number(k))) {
      throw new ProbeConfigError(`portMap key ${k} is not an AWS IoT data port (8883, 443, 8443)`, 'portMap');
    }
    if (!Number.isInteger(v) || v < 1 || v > 65535) throw new ProbeConfigError(`portMap[${k}] = ${v} is not a TCP port`, 'portMap');
    portMap[Number(k)] = v;
  }
  const warning = liveClientIdWarning(o);
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
    warnings: warning ? [warning] : [],
  };
}

function parseDnsServer(server: string): string {
  if (!dnsServerAddress(server)) {
    throw new ProbeConfigError(`dnsServers entry '${server}' must be 'ip', 'ip:port' or '[ipv6]:port'`, 'dnsServers');
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
      throw new ProbeConfigError(`${what} entry '${cidr}' is not an IPv4 or IPv6 CIDR (e.g. 10.0.0.0/16)`, 'expectCidrs');
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

/** What one DNS server (or the system resolver) answered. */
interface ServerAnswers {
  server: string;
  a: string[];
  aaaa: string[];
  errors: Record<string, string>;
  ms: number;
}

async function checkDns(s: Settings): Promise<Outcome> {
  const results = s.dnsServers
    ? await Promise.all(s.dnsServers.map((server) => resolveWith(server, s.host, s.timeoutMs)))
    : [await resolveSystem(s.host, s.timeoutMs)];
  const a = [...new Set(results.flatMap((r) => r.a))];
  const aaaa = [...new Set(results.flatMap((r) => r.aaaa))];
  const all = [...a, ...aaaa];
  const errors: Record<string, string> = {};
  for (const r of results) {
    for (const [k, v] of Object.entries(r.errors)) errors[s.dnsServers ? `${r.server} ${k}` : k] = v;
  }
  const data: Record<string, unknown> = { a, aaaa, resolver: s.dnsServers ?? 'system', errors, servers: results };
  const via = (r: ServerAnswers) => s.dnsServers ? `DNS server ${r.server}` : 'the system resolver';
  const viaAll = s.dnsServers ? `DNS server ${s.dnsServers.join(', ')}` : 'the system resolver';
  const forward = `the on-premises resolver does not forward ${s.host} to the Route 53 Resolver inbound endpoint`;

  // every server on its own: one that fails is named, even when another answered
  const failed = results.filter((r) => r.a.length + r.aaaa.length === 0);
  const diagnoses = failed.map((r) => serverDiagnosis(r, via(r), s, forward));
  const perServer = (r: ServerAnswers) => r.a.length + r.aaaa.length > 0
    ? `${s.dnsServers ? `${r.server}: ` : ''}A ${r.a.join(', ') || '-'}; AAAA ${r.aaaa.join(', ') || '-'}`
    : `${s.dnsServers ? `${r.server}: ` : ''}no address (${describeErrors(r.errors)}, ${r.ms} ms)`;
  if (all.length === 0) {
    const why = results.length === 1 ? describeErrors(results[0].errors) : results.map(perServer).join('; ');
    return { ok: false, detail: `no address for ${s.host} (${why})`, diagnosis: diagnoses.join('; '), data };
  }
  const detail = results.length === 1
    ? `A ${a.join(', ') || '-'}; AAAA ${aaaa.join(', ') || '-'} (via ${viaAll})`
    : `${results.map(perServer).join('; ')} (each server asked on its own)`;
  const outside = all.filter((ip) => !inList(s.expect, ip));
  const publicOnes = outside.filter((ip) => !inList(s.privateList, ip));
  if (publicOnes.length > 0) {
    diagnoses.push(`the name resolves to public addresses (${publicOnes.join(', ')}): the private hosted zone is not associated with `
      + `this VPC, or ${forward}`);
  } else if (outside.length > 0) {
    diagnoses.push(`${outside.join(', ')} ${outside.length > 1 ? 'are' : 'is'} outside ${s.expectText}: the records point elsewhere than `
      + 'the endpoint you expect (stale ENI IPs, another VPC\'s endpoint, or another private hosted zone answers for this VPC or '
      + 'resolver); point them at the endpoint ENI IPs or alias them to the endpoint\'s regional DNS name');
  }
  const answered = results.filter((r) => r.a.length + r.aaaa.length > 0);
  const distinct = new Set(answered.map((r) => [...r.a, ...r.aaaa].sort().join(',')));
  if (distinct.size > 1) data.disagree = true;
  if (diagnoses.length === 0) return { ok: true, detail, data };
  return { ok: false, detail, diagnosis: diagnoses.join('; '), data };
}

function serverDiagnosis(r: ServerAnswers, via: string, s: Settings, forward: string): string {
  const codes = Object.values(r.errors);
  const has = (...c: string[]) => codes.some((code) => c.includes(code));
  if (has('ECONNREFUSED')) {
    return `${via} refused the connection after ${r.ms} ms (ICMP port unreachable): nothing serves DNS at that address and port; `
      + 'give the Route 53 Resolver inbound endpoint IPs (or your DNS server) and port 53';
  }
  if (has('EREFUSED')) {
    return `${via} refused the query (REFUSED after ${r.ms} ms): it neither serves nor forwards ${s.host}; add a conditional `
      + `forwarder for ${s.host} to the Route 53 Resolver inbound endpoint IPs`;
  }
  if (has('ETIMEOUT', 'ECANCELLED', 'EAI_AGAIN', 'ETIMEDOUT')) {
    return `${via} did not answer within ${s.timeoutMs} ms: check that UDP and TCP 53 reach it (the Resolver inbound endpoint's `
      + 'security group must admit this source) and that the address is right';
  }
  if (has('ESERVFAIL')) {
    return `${via} failed (SERVFAIL): its forwarder for ${s.host} cannot reach the Route 53 Resolver inbound endpoint`;
  }
  if (has('ENOTFOUND')) {
    return `${s.host} does not exist (NXDOMAIN) for ${via}: a private hosted zone named after a parent domain `
      + '(e.g. iot.<region>.amazonaws.com) shadows it, or the zone has no record for it, or the hostname is wrong; name the zone '
      + `exactly after the ATS endpoint (iot:DescribeEndpoint with endpointType iot:Data-ATS) and give it an A record, or ${forward}`;
  }
  return `${s.host} has no A or AAAA record for ${via}: add an alias A (and AAAA for dual-stack) record to the VPC endpoint `
    + 'in the private hosted zone';
}

async function resolveWith(server: string, host: string, timeoutMs: number): Promise<ServerAnswers> {
  const t0 = performance.now();
  const resolver = new dns.promises.Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([server]);
  const timer = setTimeout(() => resolver.cancel(), timeoutMs);
  try {
    const [a, aaaa] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const errors: Record<string, string> = {};
    if (a.status === 'rejected') errors.A = errorCode(a.reason);
    if (aaaa.status === 'rejected') errors.AAAA = errorCode(aaaa.reason);
    return {
      server,
      a: a.status === 'fulfilled' ? a.value : [],
      aaaa: aaaa.status === 'fulfilled' ? aaaa.value : [],
      errors,
      ms: Math.round(performance.now() - t0),
    };
  } finally {
    clearTimeout(timer);
  }
}

async function resolveSystem(host: string, timeoutMs: number): Promise<ServerAnswers> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('lookup timed out'), { code: 'ETIMEOUT' })), timeoutMs);
  });
  const ms = () => Math.round(performance.now() - t0);
  try {
    const found = await Promise.race([dns.promises.lookup(host, { all: true, verbatim: true }), timeout]);
    return {
      server: 'system',
      a: found.filter((f) => f.family === 4).map((f) => f.address),
      aaaa: found.filter((f) => f.family === 6).map((f) => f.address),
      errors: {},
      ms: ms(),
    };
  } catch (e) {
    return { server: 'system', a: [], aaaa: [], errors: { lookup: errorCode(e) }, ms: ms() };
  } finally {
    clearTimeout(timer);
  }
}

function describeErrors(errors: Record<string, string>): string {
  return Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join(', ') || 'empty answer';
}

/** Every address of the DNS answers, A first. */
function answersOf(data: Record<string, unknown> | undefined): string[] {
  return [...((data?.a as string[] | undefined) ?? []), ...((data?.aaaa as string[] | undefined) ?? [])];
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
          + '(stale DNS record or wrong --connect address), the load balancer has no listener for this port, or a firewall rejects it';
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
    // The server's chain and name, judged as soon as the client has processed the server's Certificate: 'keylog' fires
    // when the key exchange is computed, i.e. after the chain was verified and before our (absent) client certificate
    // can make a TLS 1.2 server abort the handshake. Without a client certificate this is the only verdict TLS 1.2 gives.
    let serverVerdict: Outcome | undefined;
    let judged = false;
    const judgeServer = (code: string | undefined) => {
      if (judged) return;
      judged = true;
      describePeer(socket, data);
      serverVerdict = verifyServer(code, socket.getPeerCertificate(), s, data);
    };
    socket.on('keylog', () => {
      if (judged) return;
      const handle = (socket as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
      if (typeof handle?.verifyError !== 'function' || !socket.getPeerCertificate()?.subject) return;
      const err = handle.verifyError();
      judgeServer(err ? errorCode(err) : undefined);
    });
    socket.once('error', (e) => done(tlsErrorOutcome(e, port, s, data, judged ? serverVerdict : undefined)));
    socket.once('close', () => done({
      ok: false,
      detail: `the server closed the connection during the TLS ${stage}`,
      diagnosis: `the server on ${port} closed the connection during TLS: it may need SNI ${s.host} / ALPN it did not get, or a `
        + 'firewall or proxy cuts TLS',
      data,
    }));
    socket.once('secureConnect', () => {
      judged = false;
      // with rejectUnauthorized false Node still verifies the chain, then (if the chain is fine) the hostname
      judgeServer(socket.authorized ? undefined : String(socket.authorizationError ?? 'not authorized'));
      if (serverVerdict) return done(serverVerdict);
      const seen = seenText(data);
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

function describePeer(socket: tls.TLSSocket, data: Record<string, unknown>): void {
  const cert = socket.getPeerCertificate();
  const cipher = socket.getCipher();
  const handle = (socket as unknown as { _handle?: { getALPNNegotiatedProtocol?: () => string | false } })._handle;
  const alpn = socket.alpnProtocol || handle?.getALPNNegotiatedProtocol?.() || null;
  Object.assign(data, {
    protocol: socket.getProtocol(),
    cipher: cipher?.name,
    alpn,
    subject: dn(cert?.subject),
    issuer: dn(cert?.issuer),
    validTo: cert?.valid_to,
    subjectAltName: cert?.subjectaltname,
  });
}

function seenText(data: Record<string, unknown>): string {
  return `${data.protocol} ${data.cipher}; certificate ${data.subject} issued by ${data.issuer}, valid to ${data.validTo}`;
}

/** The failure of the server's chain or name (code = the chain verification error, if any), or undefined when both are fine. */
function verifyServer(code: string | undefined, cert: tls.PeerCertificate, s: Settings, data: Record<string, unknown>): Outcome | undefined {
  const seen = seenText(data);
  if (code !== undefined && code !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
    data.code = code;
    return { ok: false, detail: `${seen}; chain not trusted: ${code}`, diagnosis: untrustedDiagnosis(code, data, s), data };
  }
  if (code !== undefined || tls.checkServerIdentity(s.host, cert) !== undefined) {
    data.code = 'ERR_TLS_CERT_ALTNAME_INVALID';
    return {
      ok: false,
      detail: `${seen}; hostname ${s.host} not in ${data.subjectAltName ?? data.subject}`,
      diagnosis: `the server certificate is for ${data.subjectAltName ?? data.subject}, not ${s.host}: connect with the ATS hostname `
        + '(xxxx-ats.iot.<region>.amazonaws.com) or your custom domain, not the vpce-... DNS name or an IP address; for a custom '
        + 'domain, check the server certificate of its domain configuration',
      data,
    };
  }
  return undefined;
}

function tlsErrorOutcome(e: unknown, port: number, s: Settings, data: Record<string, unknown>, server?: Outcome): Outcome {
  const code = errorCode(e);
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  const asksForCertificate = code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'
    || (!s.cert && /HANDSHAKE_FAILURE|certificate required|PEER_DID_NOT_RETURN_A_CERTIFICATE/i.test(`${code} ${message}`));
  if (server && asksForCertificate && !s.cert) {
    // the server's chain or name failed before it asked for our certificate: that is the finding
    return server;
  }
  data.code = code;
  let diagnosis: string;
  if (asksForCertificate && !s.cert && data.subject !== undefined) {
    // The server's certificate and hostname were verified before it asked for ours (TLS 1.3: at the client's Finished;
    // TLS 1.2: when the key exchange was computed). AWS IoT Core asks every X.509 client for one, so without a device
    // certificate this is as far as TLS can go: a pass.
    const alpnOk = port !== 443 || data.alpn === MQTT_ALPN;
    return {
      ok: alpnOk,
      detail: `${seenText(data)}${data.alpn ? `; ALPN ${data.alpn}` : ''}; the server requires a client certificate (give one to test MQTT)`,
      ...(alpnOk ? {} : { diagnosis: `the server did not negotiate ${MQTT_ALPN} (ALPN ${data.alpn || 'none'}): on 443 MQTT needs ALPN` }),
      data,
    };
  }
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || /certificate required|handshake failure/i.test(message) && !s.cert) {
    diagnosis = `the server on ${port} requires a client certificate: give the device certificate and key (--cert/--key)`;
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

/** MQTT 5 reason codes of SUBACK, PUBACK and DISCONNECT (>= 0x80 are failures). */
const REASON_V5: Record<number, string> = {
  0x80: 'unspecified error',
  0x83: 'implementation specific error',
  0x87: 'not authorized',
  0x8f: 'topic filter invalid',
  0x90: 'topic name invalid',
  0x97: 'quota exceeded',
  0x99: 'payload format invalid',
  0x9e: 'shared subscriptions not supported',
  0xa1: 'subscription identifiers not supported',
  0xa2: 'wildcard subscriptions not supported',
};

function reasonText(code: number): string {
  return `0x${code.toString(16)} ${REASON_V5[code] ?? 'refused'}`;
}

/**
 * The MQTT round trip: MQTT 5 first (a denied SUBSCRIBE / PUBLISH is answered with a reason code at once), MQTT 3.1.1
 * when the broker refuses version 5 (CONNACK 1 / 0x84, or it closes the connection before CONNACK).
 */
async function checkMqtt(address: string, port: number, s: Settings): Promise<Outcome> {
  const v5 = await mqttAttempt(address, port, s, 5);
  if (!v5.unsupported) return v5.outcome;
  const v4 = await mqttAttempt(address, port, s, 4);
  v4.outcome.data = { ...v4.outcome.data, protocolVersion: 4, mqtt5: `refused by the broker (${v5.outcome.detail}); fell back to 3.1.1` };
  return v4.outcome;
}

function mqttAttempt(address: string, port: number, s: Settings, version: 4 | 5): Promise<{ outcome: Outcome; unsupported?: boolean }> {
  const dial = s.portMap[port] ?? port;
  const data: Record<string, unknown> = {
    clientId: s.clientId, topic: s.topic, keepAliveSeconds: s.keepAlive, address, dialedPort: dial, protocolVersion: version,
  };
  const policy = `the IoT policy must allow iot:Subscribe on topicfilter/${s.topic}, iot:Publish and iot:Receive on topic/${s.topic}`;
  return new Promise((resolve) => {
    const t0 = performance.now();
    let stage: 'connect' | 'subscribe' | 'publish' | 'receive' = 'connect';
    let client: MqttClient | undefined;
    let finished = false;
    const finish = (o: Outcome, unsupported = false) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (client) {
        client.removeAllListeners();
        client.on('error', () => undefined);
        client.end(true);
      }
      resolve({ outcome: o, unsupported });
    };
    const done = (o: Outcome) => finish(o);
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
      protocolVersion: version,
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
        const outcome: Outcome = {
          ok: false,
          detail: `CONNACK ${e.code} (0x${e.code.toString(16)}): ${e.message}`,
          diagnosis: explainConnack(e.code),
          data,
        };
        finish(outcome, version === 5 && (e.code === 1 || e.code === 0x84));
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
    c.on('disconnect', (packet: { reasonCode?: number }) => {
      if (packet.reasonCode === undefined || packet.reasonCode < 0x80) return;
      data.disconnect = { reasonCode: packet.reasonCode };
      done({
        ok: false,
        detail: `DISCONNECT ${reasonText(packet.reasonCode)} from the broker during ${stage}`,
        diagnosis: packet.reasonCode === 0x87 ? `the broker disconnected the probe as not authorized during ${stage}: ${policy}`
          : `the broker disconnected the probe during ${stage} (${reasonText(packet.reasonCode)})`,
        data,
      });
    });
    c.on('close', () => finish({
      ok: false,
      detail: `the broker closed the connection during ${stage}`,
      diagnosis: stage === 'connect'
        ? 'the server closed the connection before CONNACK: AWS IoT does this when the policy denies iot:Connect for this client id '
          + '(a VPC-only policy also denies connections that do not come through the named VPC endpoint, aws:SourceVpce), when the '
          + 'certificate is inactive or has no policy, or when the client id is in use'
        : `the broker closed the connection during ${stage}: AWS IoT disconnects clients whose policy denies an action; ${policy}`,
      data,
    }, version === 5 && stage === 'connect'));
    c.on('connect', (connack) => {
      data.connack = { returnCode: connack.returnCode ?? connack.reasonCode ?? 0, sessionPresent: connack.sessionPresent };
      data.connectMs = Math.round(performance.now() - t0);
      stage = 'subscribe';
      c.subscribe(s.topic, { qos: 1 }, (err: Error | null, granted?: ISubscriptionGrant[]) => {
        if (finished) return;
        const qos = granted?.[0]?.qos;
        if (err || qos === undefined || qos >= 0x80) {
          if (qos !== undefined) data.suback = { reasonCode: qos };
          const why = version === 5 && qos !== undefined ? ` (SUBACK ${reasonText(qos)} in ${Math.round(performance.now() - t0)} ms)` : '';
          done({
            ok: false,
            detail: `SUBSCRIBE ${s.topic} refused${err ? `: ${err.message}` : version === 5 ? why : ` (granted ${qos})`}`,
            diagnosis: `subscribe refused: the IoT policy denies iot:Subscribe on topicfilter/${s.topic}`,
            data,
          });
          return;
        }
        stage = 'publish';
        published = performance.now();
        c.publish(s.topic, JSON.stringify({ probe: nonce }), { qos: 1 }, (perr?: Error & { code?: unknown }) => {
          if (finished) return;
          if (perr) {
            const code = typeof perr.code === 'number' ? perr.code : undefined;
            if (code !== undefined) data.puback = { reasonCode: code };
            done({
              ok: false,
              detail: `PUBLISH ${s.topic} refused: ${code !== undefined ? `PUBACK ${reasonText(code)}` : perr.message}`,
              diagnosis: code === 0x87 ? `publish refused: the IoT policy denies iot:Publish on topic/${s.topic}` : `publish refused: ${policy}`,
              data,
            });
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
        detail: `CONNACK 0 (accepted, MQTT ${version === 5 ? '5' : '3.1.1'}) in ${data.connectMs} ms; SUBSCRIBE + PUBLISH + receive `
          + `on ${s.topic} in ${data.latencyMs} ms`,
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

function where(port: number | undefined, address: string | undefined): { port?: number; address?: string } {
  return { ...(port === undefined ? {} : { port }), ...(address === undefined ? {} : { address }) };
}

function blocked(step: ProbeCheck['step'], port: number | undefined, reason: string, address?: string): ProbeCheck {
  return { step, ...where(port, address), ok: false, skipped: true, ms: 0, detail: reason };
}

function notApplicable(step: ProbeCheck['step'], reason: string, port?: number, address?: string): ProbeCheck {
  return { step, ...where(port, address), ok: true, skipped: true, ms: 0, detail: reason };
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
