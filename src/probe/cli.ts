#!/usr/bin/env node
/**
 * `cdk-private-iot probe`: proves from a device network that the AWS IoT hostname resolves to private addresses and
 * that TCP, TLS (SNI, ALPN) and, with a device certificate, MQTT work through the private path.
 */
import { readFileSync } from 'fs';
import { parseArgs } from 'util';
import { formatReport } from './format';
import { ProbeConfigError, ProbeOptions, runProbe } from './probe';

const USAGE = `Usage: cdk-private-iot probe --host <iot hostname> [options]

Checks, in order: DNS (private answers), TCP per port, TLS per port (SNI = host, certificate chain and hostname,
ALPN x-amzn-mqtt-ca on 443), and with --cert/--key an MQTT CONNECT + SUBSCRIBE + PUBLISH round trip.
Exit code 0 only when every requested check passed; 1 when a check failed; 2 for bad arguments.

Options:
  --host <name>            AWS IoT hostname: the ATS data endpoint (xxxx-ats.iot.<region>.amazonaws.com) or your custom domain
  --port <n>               8883, 443 or 8443; repeat for several (default: all three)
  --dns <ip[:port]>        DNS server to ask, e.g. the Route 53 Resolver inbound endpoint IPs; repeat (default: system resolver)
  --expect-cidr <cidr>     CIDR the answers must fall in; repeat (default: any private address)
  --connect <ip>           connect to this address instead of the resolved one (SNI stays --host)
  --ca <file>              CA bundle in PEM (default: the system store, which holds the Amazon roots)
  --cert <file>            device certificate (PEM) for the MQTT test
  --key <file>             device private key (PEM) for the MQTT test
  --client-id <id>         MQTT client id (default: a random probe id; with a thing policy use the thing name)
  --topic <topic>          topic for the round trip (default: cdk-private-iot/probe/<client id>)
  --keep-alive <seconds>   MQTT keep-alive (default 60; above 230 is rejected: AWS IoT Core lowers it over VPC endpoints)
  --timeout <ms>           time limit of each step (default 5000)
  --json                   print the report as JSON
  -h, --help               this text

Example:
  npx cdk-private-iot probe --host a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com --expect-cidr 10.10.0.0/16 \\
    --cert device.pem.crt --key private.pem.key --client-id sensor-001
`;

/** Runs the CLI with `argv` (without node and script) and returns the exit code; output goes to the given writers. */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const args = argv[0] === 'probe' ? argv.slice(1) : argv;
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
        'ca': { type: 'string' },
        'cert': { type: 'string' },
        'key': { type: 'string' },
        'client-id': { type: 'string' },
        'topic': { type: 'string' },
        'keep-alive': { type: 'string' },
        'timeout': { type: 'string' },
        'json': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    out(USAGE);
    return 0;
  }
  if (!v.host) {
    err(`--host is required\n\n${USAGE}`);
    return 2;
  }
  if ((v.cert === undefined) !== (v.key === undefined)) {
    err('--cert and --key go together (the MQTT test needs both)\n');
    return 2;
  }
  const numbers = (name: string, values: string[] | undefined) => values?.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n <= 0) {
      throw new ProbeConfigError(`--${name} ${s} is not a positive whole number`);
    }
    return n;
  });
  try {
    const options: ProbeOptions = {
      host: v.host,
      ports: numbers('port', v.port),
      dnsServers: v.dns,
      expectCidrs: v['expect-cidr'],
      connectAddress: v.connect,
      caPem: v.ca ? readFileSync(v.ca, 'utf-8') : undefined,
      certPem: v.cert ? readFileSync(v.cert, 'utf-8') : undefined,
      keyPem: v.key ? readFileSync(v.key, 'utf-8') : undefined,
      clientId: v['client-id'],
      topic: v.topic,
      keepAliveSeconds: numbers('keep-alive', v['keep-alive'] ? [v['keep-alive']] : undefined)?.[0],
      timeoutMs: numbers('timeout', v.timeout ? [v.timeout] : undefined)?.[0],
    };
    const report = await runProbe(options);
    out(v.json ? `${JSON.stringify(report, undefined, 2)}\n` : `${formatReport(report)}\n`);
    return report.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof ProbeConfigError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
      err(`${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
}
