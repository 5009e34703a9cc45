#!/usr/bin/env node
/**
 * `cdk-private-iot probe`: proves from a device network that the AWS IoT hostname resolves to private addresses and
 * that TCP, TLS (SNI, ALPN) and, with a device certificate, MQTT work through the private path.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { formatReport, ProbeJsonError, ProbeJsonOutput } from './format';
import { liveClientIdWarning, pemProblem, PROBE_SCHEMA_VERSION, ProbeConfigError, ProbeOptions, runProbe } from './probe';
import { costMain } from '../cost/cli';
import { ipAndPort } from '../private/formats';
import { verifyMain } from '../verify/cli';

const USAGE = `Usage: cdk-private-iot probe --host <iot hostname> [options]
       cdk-private-iot verify [cdk.out] [options]   (reachability from the synthesized templates: verify --help)
       cdk-private-iot cost [cdk.out] [options]     (monthly cost estimate from the synthesized templates: cost --help)

Checks, in order: DNS (private answers; each --dns server on its own), TCP per port and per answered address (A and
AAAA), TLS per port and address (SNI = host, certificate chain and hostname, ALPN x-amzn-mqtt-ca on 443), and with
--cert/--key an MQTT 5 (3.1.1 if the broker refuses 5) CONNECT + SUBSCRIBE + PUBLISH round trip.
Exit code 0 only when every requested check passed; 1 when a check failed; 2 for bad arguments or files.

Options:
  --host <name>            AWS IoT hostname: the ATS data endpoint (xxxx-ats.iot.<region>.amazonaws.com) or your custom domain
  --port <n>               8883, 443 or 8443; repeat for several (default: all three)
  --dns <ip[:port]>        DNS server to ask, e.g. the Route 53 Resolver inbound endpoint IPs; repeat (default: system resolver)
  --expect-cidr <cidr>     CIDR the answers must fall in; repeat (default: any private address)
  --connect <ip[:port]>    connect to this address instead of the resolved ones (SNI stays --host); a port is the
                           forwarded port of the single --port given
  --port-map <p=q,...>     dial port q for IoT port p (port forwarding), e.g. 8883=18883,443=10443; repeatable
  --ca <file>              CA bundle in PEM (default: the system store, which holds the Amazon roots)
  --cert <file>            device certificate (PEM) for the MQTT test
  --key <file>             device private key (PEM) for the MQTT test
  --client-id <id>         MQTT client id (default: a random cdk-private-iot-probe-<hex> id). Another id is probably a
                           live device's: connecting with it disconnects that device; the probe warns unless
  --allow-live-client-id   is given (use it when a thing policy requires the thing name as client id)
  --topic <topic>          topic for the round trip (default: cdk-private-iot/probe/<client id>)
  --keep-alive <seconds>   MQTT keep-alive (default 60; above 230 is rejected: AWS IoT Core lowers it over VPC endpoints)
  --timeout <ms>           time limit of each step (default 5000)
  --json                   print one JSON document on stdout whatever the outcome (report, error or version;
                           schemaVersion ${PROBE_SCHEMA_VERSION}, see the README)
  --version                print the package version
  -h, --help               this text

Example:
  npx cdk-private-iot probe --host a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com --expect-cidr 10.10.0.0/16 \\
    --cert device.pem.crt --key private.pem.key
`;

/** ProbeOptions property -> CLI flag, to word the library's messages with the flags the user typed. */
const FLAGS: Record<string, string> = {
  host: '--host',
  ports: '--port',
  dnsServers: '--dns',
  expectCidrs: '--expect-cidr',
  connectAddress: '--connect',
  portMap: '--port-map',
  caPem: '--ca',
  certPem: '--cert',
  keyPem: '--key',
  clientId: '--client-id',
  allowLiveClientId: '--allow-live-client-id',
  topic: '--topic',
  keepAliveSeconds: '--keep-alive',
  timeoutMs: '--timeout',
};

/** A usage or file error: exit code 2, nothing sent on the network. */
class UsageError extends Error {
  constructor(message: string, readonly type: ProbeJsonError['error']['type'], readonly flag?: string) {
    super(message);
  }
}

/** The version of the installed package: lib/probe/cli.js (and src/probe/cli.ts) -> ../../package.json. */
export function packageVersion(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
  return { name: String(pkg.name), version: String(pkg.version) };
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code; output goes to the given writers. */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  if (argv[0] === 'verify') {
    return verifyMain(argv.slice(1), out, err);
  }
  if (argv[0] === 'cost') {
    return costMain(argv.slice(1), out, err);
  }
  const args = argv[0] === 'probe' ? argv.slice(1) : argv;
  const json = args.includes('--json');
  const print = (doc: ProbeJsonOutput) => out(`${JSON.stringify(doc, undefined, 2)}\n`);
  try {
    return await run(args, json, out, err, print);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (json) {
      print({
        schemaVersion: PROBE_SCHEMA_VERSION,
        kind: 'error',
        ok: false,
        exitCode: 2,
        error: { type: e.type, message: e.message, ...(e.flag ? { flag: e.flag } : {}) },
      });
    } else {
      err(`${e.message}\n${e.type === 'usage' ? `\n${USAGE}` : ''}`);
    }
    return 2;
  }
}

async function run(args: string[], json: boolean, out: (s: string) => void, err: (s: string) => void,
  print: (doc: ProbeJsonOutput) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      options: {
        'host': { type: 'string' },
        'port': { type: 'string', multiple: true },
        'dns': { type: 'string', multiple: true },
        'expect-cidr': { type: 'string', multiple: true },
        'connect': { type: 'string' },
        'port-map': { type: 'string', multiple: true },
        'ca': { type: 'string' },
        'cert': { type: 'string' },
        'key': { type: 'string' },
        'client-id': { type: 'string' },
        'allow-live-client-id': { type: 'boolean' },
        'topic': { type: 'string' },
        'keep-alive': { type: 'string' },
        'timeout': { type: 'string' },
        'json': { type: 'boolean' },
        'version': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message, 'usage');
  }
  const v = parsed.values;
  if (v.help) {
    out(USAGE);
    return 0;
  }
  if (v.version) {
    const pkg = packageVersion();
    if (json) print({ schemaVersion: PROBE_SCHEMA_VERSION, kind: 'version', ...pkg });
    else out(`${pkg.name} ${pkg.version}\n`);
    return 0;
  }
  if (!v.host) throw new UsageError('--host is required', 'usage', '--host');
  if ((v.cert === undefined) !== (v.key === undefined)) {
    throw new UsageError('--cert and --key go together (the MQTT test needs both)', 'usage', v.cert === undefined ? '--cert' : '--key');
  }
  const whole = (flag: string, s: string) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || !Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} ${s} is not a positive whole number`, 'usage', flag);
    return n;
  };
  const ports = v.port?.map((p) => whole('--port', p));
  const portMap: Record<number, number> = {};
  for (const entry of (v['port-map'] ?? []).flatMap((m) => m.split(','))) {
    const [from, to, extra] = entry.split('=');
    if (to === undefined || extra !== undefined) {
      throw new UsageError(`--port-map entry '${entry}' must be <iot port>=<dialed port>, e.g. 8883=18883`, 'usage', '--port-map');
    }
    portMap[whole('--port-map', from.trim())] = whole('--port-map', to.trim());
  }
  let connectAddress: string | undefined;
  if (v.connect !== undefined) {
    const target = ipAndPort(v.connect);
    if (!target) throw new UsageError(`--connect '${v.connect}' must be ip, ip:port or [ipv6]:port`, 'usage', '--connect');
    connectAddress = target.ip;
    if (target.port !== undefined) {
      if (ports?.length !== 1) {
        throw new UsageError(`--connect ${v.connect} gives a port: name the one IoT port it forwards with --port (e.g. --port 8883), `
          + 'or use --port-map for several', 'usage', '--connect');
      }
      portMap[ports[0]] = target.port;
    }
  }
  const pem = (flag: string, file: string | undefined, kind: 'certificate' | 'private key') => {
    if (file === undefined) return undefined;
    let buffer: Buffer;
    try {
      buffer = readFileSync(file);
    } catch (e) {
      throw new UsageError(`${flag} ${file}: ${(e as Error).message}`, 'file', flag);
    }
    const problem = pemProblem(buffer, kind, `${flag} ${file}`);
    if (problem) throw new UsageError(problem.replace(/FILE/g, file), 'file', flag);
    return buffer.toString('utf-8');
  };
  const options: ProbeOptions = {
    host: v.host,
    ports,
    dnsServers: v.dns,
    expectCidrs: v['expect-cidr'],
    connectAddress,
    portMap,
    caPem: pem('--ca', v.ca, 'certificate'),
    certPem: pem('--cert', v.cert, 'certificate'),
    keyPem: pem('--key', v.key, 'private key'),
    clientId: v['client-id'],
    allowLiveClientId: v['allow-live-client-id'],
    topic: v.topic,
    keepAliveSeconds: v['keep-alive'] === undefined ? undefined : whole('--keep-alive', v['keep-alive']),
    timeoutMs: v.timeout === undefined ? undefined : whole('--timeout', v.timeout),
  };
  const warning = liveClientIdWarning(options);
  if (warning && !json) err(`WARNING: ${withFlags(warning)}\n`);
  let report;
  try {
    report = await runProbe(options);
  } catch (e) {
    if (e instanceof ProbeConfigError) {
      throw new UsageError(withFlags(e.message), 'config', e.option ? FLAGS[e.option] : undefined);
    }
    throw e;
  }
  const worded = { ...report, warnings: report.warnings.map(withFlags) };
  if (json) print({ kind: 'report', ...worded });
  else out(`${formatReport(worded)}\n`);
  return report.ok ? 0 : 1;
}

/** The library's message with its property names replaced by the CLI flags (certPem -> --cert). */
function withFlags(message: string): string {
  return message
    .replace(/allowLiveClientId \(--allow-live-client-id\)/g, '--allow-live-client-id')
    .replace(/^(host|topic|ports?)\b/, (name) => FLAGS[name] ?? '--port')
    .replace(/\b(dnsServers|expectCidrs|connectAddress|portMap|caPem|certPem|keyPem|clientId|allowLiveClientId|keepAliveSeconds|timeoutMs)\b/g,
      (name) => FLAGS[name] ?? name);
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
