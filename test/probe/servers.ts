/**
 * Loopback peers for the probe tests: a test PKI made with openssl, Debian mosquitto and dnsmasq as child processes,
 * and in-process Node servers (aedes behind a TLS server with ALPN, plain TLS, a silent TCP server, a UDP counter).
 * Everything binds to 127.0.0.1 only; every wait is bounded; `Servers.stopAll()` ends everything that was started.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { createBroker } from 'aedes';

export const LOOPBACK = '127.0.0.1';
export const IOT_HOST = 'iot.probe.test';
export const CLIENT_CN = 'probe-device-1';
/** Topic prefix the mosquitto ACL grants to CLIENT_CN (the probe's default topic is below it). */
export const ACL_PREFIX = 'cdk-private-iot/probe';
/** aedes refuses subscriptions below this prefix. */
export const DENIED_TOPIC_PREFIX = 'forbidden';
/** dnsmasq answers this name with two A records: 127.0.0.1 (the test servers listen there) and 127.0.0.2 (nothing listens). */
export const TWO_ADDRESS_HOST = 'two.probe.test';
/** dnsmasq answers this name with A 127.0.0.1 and AAAA ::ffff:127.0.0.1 (IPv4-mapped: the connection stays on 127.0.0.1). */
export const DUAL_STACK_HOST = 'dual.probe.test';

/** Finds a Debian binary on PATH or in the sbin directories (mosquitto and dnsmasq live in /usr/sbin). */
/** The Debian package of each binary the probe tests start or use. */
export const DEBIAN_PACKAGE: Record<string, string> = { openssl: 'openssl', mosquitto: 'mosquitto', dnsmasq: 'dnsmasq-base' };

/** Whether this run is CI (`.ci/run` sets CDK_PRIVATE_IOT_CI=1 and installs every binary the tests need). */
export const IN_CI = process.env.CDK_PRIVATE_IOT_CI === '1';

/**
 * `test` for a test that needs Debian binaries. When one is missing: outside CI the test is skipped with the install
 * command in its title; in CI it runs and fails with that command, so a missing package can never pass CI silently.
 */
export function testNeeding(binaries: Record<string, string | undefined>): jest.It {
  const missing = Object.keys(binaries).filter((name) => !binaries[name]);
  if (missing.length === 0) return test;
  const install = `apt-get install ${missing.map((m) => DEBIAN_PACKAGE[m] ?? m).join(' ')}`;
  if (!IN_CI) {
    return ((title: string, fn?: jest.ProvidesCallback, timeout?: number) =>
      test.skip(`${title} [SKIPPED: ${missing.join(', ')} not installed - ${install}]`, fn, timeout)) as jest.It;
  }
  return ((title: string, _fn?: jest.ProvidesCallback, timeout?: number) => test(title, () => {
    throw new Error(`${missing.join(', ')} not installed, but CI needs every probe test to run: ${install}`);
  }, timeout)) as jest.It;
}

export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const dir of dirs.filter((d) => d)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // next directory
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// PKI

export interface Pki {
  readonly dir: string;
  readonly caPem: string;
  readonly caFile: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  /** A CA that signed nothing the servers present: an untrusted CA for the probe, an unknown one for the servers. */
  readonly rogueCaPem: string;
  /** A client certificate signed by the rogue CA (the servers reject it). */
  readonly rogueClientCertPem: string;
  readonly rogueClientKeyPem: string;
}

/** Generates a CA, a server certificate for SAN iot.probe.test (+ the two- and dual-address names), a client certificate (CN probe-device-1) and a rogue CA + client. */
export function makePki(openssl: string): Pki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-pki-'));
  // mosquitto started as root drops to its own user unless told otherwise; keep the files readable either way
  fs.chmodSync(dir, 0o755);
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: 'pipe', timeout: 20_000 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const makeCa = (name: string, cn: string) => run('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`,
    '-subj', `/CN=${cn}`, '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const makeLeaf = (name: string, cn: string, ca: string, serial: string, ext: string) => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    run('req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', serial,
      '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`);
  };
  makeCa('ca', 'Probe Test CA');
  makeCa('rogue-ca', 'Rogue Test CA');
  makeLeaf('server', IOT_HOST, 'ca', '2', `subjectAltName=DNS:${IOT_HOST},DNS:${TWO_ADDRESS_HOST},DNS:${DUAL_STACK_HOST}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  makeLeaf('client', CLIENT_CN, 'ca', '3', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  makeLeaf('rogue-client', 'rogue-device', 'rogue-ca', '4', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf-8');
  return {
    dir,
    caPem: read('ca.pem'),
    caFile: path.join(dir, 'ca.pem'),
    serverCertPem: read('server.pem'),
    serverKeyPem: read('server.key'),
    serverCertFile: path.join(dir, 'server.pem'),
    serverKeyFile: path.join(dir, 'server.key'),
    clientCertPem: read('client.pem'),
    clientKeyPem: read('client.key'),
    rogueCaPem: read('rogue-ca.pem'),
    rogueClientCertPem: read('rogue-client.pem'),
    rogueClientKeyPem: read('rogue-client.key'),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Ports and waiting

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, LOOPBACK, () => {
      const udp = dgram.createSocket('udp4');
      udp.once('error', () => server.close(() => resolve(false)));
      udp.bind(port, LOOPBACK, () => udp.close(() => server.close(() => resolve(true))));
    });
  });
}

/** A port in 20000-40000 that is free for TCP and UDP on 127.0.0.1 right now (for child processes that need a number). */
export async function pickPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    if (await canBind(port)) return port;
  }
  throw new Error('no free port in 20000-40000 after 50 attempts');
}

function tcpReachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: LOOPBACK, port });
    const t = setTimeout(() => { s.destroy(); resolve(false); }, 500);
    s.once('connect', () => { clearTimeout(t); s.destroy(); resolve(true); });
    s.once('error', () => { clearTimeout(t); resolve(false); });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Registry of everything started

export class Servers {
  private readonly stops: Array<() => Promise<void>> = [];
  private readonly children = new Set<ChildProcess>();

  constructor() {
    // last resort if the test process dies without afterAll
    process.once('exit', () => this.children.forEach((c) => c.kill('SIGKILL')));
  }

  /** Deletes `dir` (e.g. the PKI) when everything stops. */
  removeOnStop(dir: string): void {
    this.stops.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  }

  /** Stops every server and child process, in reverse order; never throws. */
  async stopAll(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) {
      await stop().catch(() => undefined);
    }
  }

  /** Starts a child process that listens on `port`; resolves when the port accepts TCP (at most 10 s). */
  async startChild(name: string, bin: string, args: string[], port: number): Promise<ChildOutput> {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    const out: ChildOutput = { text: '' };
    child.stdout?.on('data', (d: Buffer) => { out.text += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { out.text += d.toString(); });
    let exited = false;
    const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
    child.once('error', (e) => { out.text += `spawn error: ${e.message}\n`; });
    this.stops.push(async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exitedPromise;
        clearTimeout(killer);
      }
      this.children.delete(child);
    });
    for (let i = 0; i < 100; i++) {
      if (exited) break;
      if (await tcpReachable(port)) return out;
      await sleep(100);
    }
    throw new Error(`${name} did not start listening on ${LOOPBACK}:${port}${exited ? ` (exited ${child.exitCode})` : ''}:\n${out.text}`);
  }

  /** Debian mosquitto with TLS, required client certificates, CN as user name and an ACL granting ACL_PREFIX/# to CLIENT_CN. */
  async startMosquitto(bin: string, pki: Pki): Promise<{ port: number; output: ChildOutput }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-mosquitto-'));
    fs.chmodSync(dir, 0o755);
    const acl = path.join(dir, 'acl');
    fs.writeFileSync(acl, `user ${CLIENT_CN}\ntopic readwrite ${ACL_PREFIX}/#\n`, { mode: 0o644 });
    this.stops.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await pickPort();
      const conf = path.join(dir, `mosquitto-${port}.conf`);
      fs.writeFileSync(conf, [
        'per_listener_settings false',
        'allow_anonymous false',
        'persistence false',
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        'log_type notice',
        `listener ${port} ${LOOPBACK}`,
        `cafile ${pki.caFile}`,
        `certfile ${pki.serverCertFile}`,
        `keyfile ${pki.serverKeyFile}`,
        'require_certificate true',
        'use_identity_as_username true',
        `acl_file ${acl}`,
        '',
      ].join('\n'), { mode: 0o644 });
      try {
        const output = await this.startChild('mosquitto', bin, ['-c', conf], port);
        return { port, output };
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError;
  }

  /**
   * dnsmasq answering iot/vpce.probe.test with 127.0.0.1, public.probe.test with 8.8.8.8 (an answer only), TWO_ADDRESS_HOST
   * and DUAL_STACK_HOST from a hosts file, NXDOMAIN for the rest of probe.test and REFUSED for other domains.
   */
  async startDnsmasq(bin: string): Promise<{ server: string; output: ChildOutput }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-dnsmasq-'));
    fs.chmodSync(dir, 0o755);
    const hosts = path.join(dir, 'hosts');
    fs.writeFileSync(hosts, `127.0.0.1 ${TWO_ADDRESS_HOST}\n127.0.0.2 ${TWO_ADDRESS_HOST}\n127.0.0.1 ${DUAL_STACK_HOST}\n`
      + `::ffff:127.0.0.1 ${DUAL_STACK_HOST}\n`, { mode: 0o644 });
    this.stops.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await pickPort();
      const args = [
        '--no-daemon', '--no-resolv', '--no-hosts', `--port=${port}`, `--listen-address=${LOOPBACK}`, '--bind-interfaces',
        `--address=/${IOT_HOST}/127.0.0.1`, '--address=/vpce.probe.test/127.0.0.1', '--address=/public.probe.test/8.8.8.8',
        '--local=/probe.test/', `--addn-hosts=${hosts}`, '--conf-file=/dev/null', '--pid-file=', '--log-facility=-',
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
      ];
      try {
        const output = await this.startChild('dnsmasq', bin, args, port);
        return { server: `${LOOPBACK}:${port}`, output };
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError;
  }

  /**
   * A TLS server (server cert for iot.probe.test, client certs required) with ALPN x-amzn-mqtt-ca piping into an in-process
   * aedes broker that refuses `deniedClientIds` (CONNACK 5) and subscriptions below DENIED_TOPIC_PREFIX (SUBACK 0x80).
   */
  async startAedesTls(pki: Pki, deniedClientIds: string[]): Promise<TestServer> {
    const broker = createBroker({
      authenticate: (client, _user, _pass, callback) => callback(null, !deniedClientIds.includes(client.id)),
      // a denied subscription is answered with SUBACK 0x80
      authorizeSubscribe: (_client, sub, callback) => callback(null, sub.topic.startsWith(`${DENIED_TOPIC_PREFIX}/`) ? null : sub),
    });
    const server = tls.createServer({
      ...serverTlsOptions(pki),
      rejectUnauthorized: true,
      ALPNProtocols: ['x-amzn-mqtt-ca'],
    }, (socket) => broker.handle(socket));
    const started = await this.listen(server, 'secureConnection');
    this.stops.push(() => new Promise<void>((resolve) => broker.close(() => resolve())));
    return started;
  }

  /** A TLS server that completes handshakes and says nothing; `alpn` undefined = it negotiates no ALPN. */
  async startTls(pki: Pki, alpn?: string[]): Promise<TestServer> {
    const server = tls.createServer({
      ...serverTlsOptions(pki),
      rejectUnauthorized: false,
      ALPNProtocols: alpn,
    }, (socket) => socket.on('error', () => undefined));
    return this.listen(server, 'secureConnection');
  }

  /**
   * A TLS server limited to `version` that requires a client certificate signed by the test CA (like AWS IoT Core):
   * a client without one is refused with a handshake failure (TLS 1.2) or certificate_required (TLS 1.3).
   */
  async startTlsRequiringClientCert(pki: Pki, version: 'TLSv1.2' | 'TLSv1.3'): Promise<TestServer> {
    const server = tls.createServer({
      ...serverTlsOptions(pki),
      rejectUnauthorized: true,
      minVersion: version,
      maxVersion: version,
    }, (socket) => socket.on('error', () => undefined));
    return this.listen(server, 'secureConnection');
  }

  /** A UDP port on 127.0.0.1 where nothing listens (bound, then released): a DNS query there is refused (ICMP port unreachable). */
  async closedUdpPort(): Promise<string> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, () => resolve()));
    const port = socket.address().port;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return `${LOOPBACK}:${port}`;
  }

  /** A TCP server that accepts connections and never answers (a TLS handshake to it hangs). */
  async startSilentTcp(): Promise<TestServer> {
    return this.listen(net.createServer((socket) => socket.on('error', () => undefined)), 'connection');
  }

  /** A UDP socket that counts datagrams (a DNS server that never answers). */
  async startUdpCounter(): Promise<{ server: string; count: () => number }> {
    const socket = dgram.createSocket('udp4');
    let count = 0;
    socket.on('message', () => { count++; });
    await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, () => resolve()));
    this.stops.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    return { server: `${LOOPBACK}:${socket.address().port}`, count: () => count };
  }

  /** A port on 127.0.0.1 where nothing listens (bound, then released). */
  async closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  private async listen(server: net.Server, event: 'connection' | 'secureConnection'): Promise<TestServer> {
    const sockets = new Set<net.Socket>();
    let tcp = 0;
    let handshakes = 0;
    server.on('connection', (s: net.Socket) => {
      tcp++;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    if (event === 'secureConnection') server.on('secureConnection', () => { handshakes++; });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, LOOPBACK, () => resolve());
    });
    this.stops.push(() => new Promise<void>((resolve) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => resolve());
    }));
    return { port: (server.address() as net.AddressInfo).port, tcpConnections: () => tcp, handshakes: () => handshakes };
  }
}

export interface ChildOutput {
  text: string;
}

export interface TestServer {
  readonly port: number;
  /** TCP connections accepted so far. */
  tcpConnections(): number;
  /** TLS handshakes completed so far (TLS servers). */
  handshakes(): number;
}

/** The test server's certificate and key, trusting the test CA for client certificates, which it requests. */
function serverTlsOptions(pki: Pki): tls.TlsOptions {
  return { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caPem, requestCert: true };
}
