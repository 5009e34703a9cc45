/**
 * Synthesis benchmark: what the constructs of this library cost at synth time, and how the synthesized output grows
 * with the fleet size.
 *
 * 1. Overhead: the reference topology (MAIN_JOB_OPTIONS) against an app with the same stacks and VPCs and no
 *    construct of ours, each synthesized in fresh child processes (median of --runs runs, interleaved).
 * 2. Scale sweep: one single-account stack (isolated VPC + PrivateIotDataEndpoint + IotPrivateHostedZone + internal
 *    StaticIpIotFrontDoor) per expectedDevices x availability zones, synthesized in this process.
 *
 * Prints both tables and writes them, with the machine and command, to --out.
 *
 * Usage: npx ts-node --transpile-only --project test/tsconfig.json scripts/bench.ts [--runs N] [--out docs/benchmarks.md]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  CONSUMER_ACCOUNTS, DEVICE_CIDR, GATEKEEPER_CIDR, IOT_ACCOUNT, MAIN_JOB_OPTIONS, NETWORK_ACCOUNT, PLACEHOLDERS, REFERENCE_REGION,
} from '../examples/reference-topology';
import { IotPrivateHostedZone, IotRecordStyle, PrivateIotDataEndpoint, StaticIpIotFrontDoor } from '../src';

const ROOT = path.join(__dirname, '..');
const BASE_COMMAND = 'npx ts-node --transpile-only --project test/tsconfig.json scripts/bench.ts';
const CONTEXT_FILE = path.join(ROOT, 'cdk.context.json');
const DEVICE_COUNTS = [100_000, 500_000, 1_000_000, 2_000_000, 5_000_000];
const AZ_COUNTS = [2, 3];

// ---------------------------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------------------------

interface Args {
  readonly runs: number;
  readonly out: string;
}

function parseArgs(argv: string[]): Args {
  let runs = 5;
  let out = 'docs/benchmarks.md';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1) {
        throw new Error(`--runs needs a positive whole number, got '${argv[i]}'`);
      }
    } else if (arg === '--out') {
      out = argv[++i];
      if (!out) {
        throw new Error('--out needs a path');
      }
    } else {
      throw new Error(`unknown argument '${arg}' (usage: scripts/bench.ts [--runs N] [--out docs/benchmarks.md])`);
    }
  }
  return { runs, out };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Synthesis overhead, in child processes
// ---------------------------------------------------------------------------------------------------------------

/** One VPC of the baseline app: the same stack id, env, VPC id and subnet layout as in the reference topology. */
interface BaselineVpc {
  readonly stackId: string;
  readonly account: string;
  readonly vpcId: string;
  readonly cidr: string;
  readonly subnets: { name: string; type: 'PRIVATE_ISOLATED' | 'PUBLIC'; cidrMask: number; mapPublicIpOnLaunch?: boolean }[];
}

/** The VPCs `buildReferenceTopology(MAIN_JOB_OPTIONS)` creates (see src/topology/*-account-stack.ts). */
function baselineVpcs(): BaselineVpc[] {
  const internetFacing = MAIN_JOB_OPTIONS.frontDoor?.internetFacing ?? false;
  const consumers = CONSUMER_ACCOUNTS.slice(0, MAIN_JOB_OPTIONS.consumers ?? 1);
  return [
    {
      stackId: 'Network',
      account: NETWORK_ACCOUNT,
      vpcId: 'DeviceVpc',
      cidr: DEVICE_CIDR,
      subnets: [{ name: 'devices', type: 'PRIVATE_ISOLATED', cidrMask: 22 }],
    },
    {
      stackId: 'Iot',
      account: IOT_ACCOUNT,
      vpcId: 'GatekeeperVpc',
      cidr: GATEKEEPER_CIDR,
      subnets: [
        { name: 'endpoints', type: 'PRIVATE_ISOLATED', cidrMask: 24 },
        ...(internetFacing ? [{ name: 'front-door', type: 'PUBLIC' as const, cidrMask: 26, mapPublicIpOnLaunch: false }] : []),
      ],
    },
    ...consumers.map((account, i) => ({
      stackId: `Consumer${i + 1}`,
      account,
      vpcId: 'Vpc',
      cidr: `10.${30 + i}.0.0/16`,
      subnets: [{ name: 'private', type: 'PRIVATE_ISOLATED' as const, cidrMask: 24 }],
    })),
  ];
}

/**
 * Shared tail of both child scripts: synth, then (untimed) define `ours` and report timings, tree size, constructs of
 * ours and the subnets (to check both apps match).
 */
function childReport(oursSetup: string): string {
  return `
const assembly = app.synth();
const done = performance.now();
${oursSetup}
const nodes = app.node.findAll();
const oursByClass = {};
for (const c of nodes) {
  if (ours.has(c.constructor)) { oursByClass[c.constructor.name] = (oursByClass[c.constructor.name] || 0) + 1; }
}
const subnets = [];
for (const stack of assembly.stacks) {
  for (const r of Object.values(stack.template.Resources || {})) {
    if (r.Type === 'AWS::EC2::Subnet') { subnets.push(stack.stackName + ':' + r.Properties.CidrBlock + ':' + r.Properties.AvailabilityZone); }
  }
}
fs.rmSync(outdir, { recursive: true, force: true });
process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify({
  loadMs: loaded - start, synthMs: done - loaded, stacks: assembly.stacks.length, nodes: nodes.length, oursByClass, subnets: subnets.sort(),
}) + '\\n');
`;
}

function childPrelude(): string {
  return `
const { performance } = require('perf_hooks');
const start = performance.now();
const fs = require('fs');
const os = require('os');
const path = require('path');
const context = JSON.parse(fs.readFileSync(${JSON.stringify(CONTEXT_FILE)}, 'utf-8'));
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-private-iot-bench-'));
`;
}

/** (a): the same stacks and VPCs, no construct of ours (nothing under src/ is loaded). */
function baselineScript(): string {
  return `${childPrelude()}
const { App, Stack } = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const loaded = performance.now();
const app = new App({ outdir, context });
for (const v of ${JSON.stringify(baselineVpcs())}) {
  const stack = new Stack(app, v.stackId, { env: { account: v.account, region: ${JSON.stringify(REFERENCE_REGION)} } });
  new ec2.Vpc(stack, v.vpcId, {
    ipAddresses: ec2.IpAddresses.cidr(v.cidr),
    maxAzs: ${MAIN_JOB_OPTIONS.maxAzs ?? 2},
    natGateways: 0,
    subnetConfiguration: v.subnets.map((s) => ({ ...s, subnetType: ec2.SubnetType[s.type] })),
    flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
  });
}
${childReport('const ours = new Set();')}`;
}

/** (b): the reference topology of the main job; "ours" = every Construct class exported by a module under src/. */
function referenceScript(): string {
  const srcDir = path.join(ROOT, 'src') + path.sep;
  return `${childPrelude()}
const reference = require(${JSON.stringify(path.join(ROOT, 'examples', 'reference-topology'))});
const { Construct } = require('constructs');
const loaded = performance.now();
const { app } = reference.buildReferenceTopology({ ...reference.MAIN_JOB_OPTIONS, outdir, context });
${childReport(`const ours = new Set();
for (const [file, mod] of Object.entries(require.cache)) {
  if (!file.startsWith(${JSON.stringify(srcDir)}) || !mod || !mod.exports) { continue; }
  for (const value of Object.values(mod.exports)) {
    if (typeof value === 'function' && value.prototype instanceof Construct) { ours.add(value); }
  }
}`)}`;
}

interface ChildResult {
  readonly loadMs: number;
  readonly synthMs: number;
  readonly stacks: number;
  readonly nodes: number;
  readonly oursByClass: Record<string, number>;
  readonly subnets: string[];
  /** Spawn to exit, measured by the parent. */
  readonly processMs: number;
}

function runChild(script: string): ChildResult {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json') },
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const processMs = performance.now() - started;
  const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (child.status !== 0 || !line) {
    throw new Error(`benchmark child failed (exit ${child.status}):\n${child.stderr}\n${child.stdout}`);
  }
  return { ...JSON.parse(line.slice('BENCH_RESULT '.length)), processMs } as ChildResult;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface OverheadCase {
  readonly label: string;
  readonly runs: ChildResult[];
  readonly ours: number;
}

interface Overhead {
  readonly baseline: OverheadCase;
  readonly reference: OverheadCase;
  readonly oursByClass: Record<string, number>;
}

function measureOverhead(runs: number): Overhead {
  const baseline: ChildResult[] = [];
  const reference: ChildResult[] = [];
  const a = baselineScript();
  const b = referenceScript();
  for (let i = 0; i < runs; i++) { // interleaved, so load from other jobs on the machine hits both alike
    baseline.push(runChild(a));
    reference.push(runChild(b));
    process.stderr.write(`overhead run ${i + 1}/${runs}: a ${baseline[i].synthMs.toFixed(0)} ms, b ${reference[i].synthMs.toFixed(0)} ms\n`);
  }
  const sa = JSON.stringify(baseline[0].subnets);
  const sb = JSON.stringify(reference[0].subnets);
  if (sa !== sb) {
    throw new Error(`the baseline VPCs differ from the reference topology's:\n  a: ${sa}\n  b: ${sb}`);
  }
  const count = (r: ChildResult) => Object.values(r.oursByClass).reduce((x, y) => x + y, 0);
  return {
    baseline: { label: '(a) same stacks and VPCs, no constructs of ours', runs: baseline, ours: count(baseline[0]) },
    reference: { label: '(b) reference topology, MAIN_JOB_OPTIONS', runs: reference, ours: count(reference[0]) },
    oursByClass: reference[0].oursByClass,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Scale sweep, in process
// ---------------------------------------------------------------------------------------------------------------

interface SweepRow {
  readonly devices: number;
  readonly azs: number;
  readonly rejected?: string;
  /** The whole message of a rejection. */
  readonly message?: string;
  readonly endpoints?: number;
  readonly enis?: number;
  readonly weightedRecords?: number;
  readonly targetsPerGroup?: string;
  readonly resources?: number;
  readonly templateBytes?: number;
  readonly lambdas?: number;
  readonly synthMs?: number;
}

type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** One single-stack configuration of the sweep and of the limit search. */
interface Scenario {
  readonly azs: number;
  /** Weighted IP records, alias records, or no zone. */
  readonly recordStyle?: IotRecordStyle;
  /** An internal front door on 443, 8443 and 8883. */
  readonly frontDoor: boolean;
  readonly interfaceEndpointQuota?: number;
  /** A region whose zones come from PLACEHOLDER_ZONES (for zone counts eu-west-1 does not have). */
  readonly placeholderRegion?: boolean;
}

const SWEEP_SCENARIO: Omit<Scenario, 'azs'> = { recordStyle: IotRecordStyle.WEIGHTED_IPS, frontDoor: true };

/** A made-up zone layout for 4-zone scenarios: only the zone count matters to synthesis. */
const PLACEHOLDER_REGION = 'us-east-1';
const PLACEHOLDER_ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'];

function synthSweep(devices: number, scenario: Scenario, context: Record<string, unknown>): SweepRow {
  const azs = scenario.azs;
  const region = scenario.placeholderRegion ? PLACEHOLDER_REGION : REFERENCE_REGION;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-private-iot-bench-'));
  try {
    const started = performance.now();
    const app = new App({
      outdir,
      context: { ...context, [`availability-zones:account=${NETWORK_ACCOUNT}:region=${PLACEHOLDER_REGION}`]: PLACEHOLDER_ZONES },
    });
    const stack = new Stack(app, 'Bench', { env: { account: NETWORK_ACCOUNT, region } });
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: azs,
      natGateways: 0,
      subnetConfiguration: [{ name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
      vpc,
      expectedDevices: devices,
      supportedAvailabilityZones: vpc.availabilityZones,
      dataEndpointAddress: PLACEHOLDERS.dataEndpointAddress.replace(REFERENCE_REGION, region),
      interfaceEndpointQuota: scenario.interfaceEndpointQuota,
    });
    if (scenario.recordStyle) {
      new IotPrivateHostedZone(stack, 'Zone', { endpoint, recordStyle: scenario.recordStyle });
    }
    if (scenario.frontDoor) {
      new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: false });
    }
    const assembly = app.synth();
    const synthMs = performance.now() - started;

    const artifact = assembly.getStackByName(stack.stackName);
    const resources = Object.values((artifact.template as Template).Resources ?? {});
    const ofType = (type: string) => resources.filter((r) => r.Type === type);
    const targets = [...new Set(ofType('AWS::ElasticLoadBalancingV2::TargetGroup').map((r) => (r.Properties?.Targets as unknown[] | undefined)?.length ?? 0))];
    return {
      devices,
      azs,
      endpoints: ofType('AWS::EC2::VPCEndpoint').length,
      enis: endpoint.dataEndpoints.length * endpoint.networkInterfacesPerEndpoint,
      weightedRecords: ofType('AWS::Route53::RecordSet').filter((r) => r.Properties?.Weight !== undefined).length,
      targetsPerGroup: targets.join('/'),
      resources: resources.length,
      templateBytes: fs.statSync(artifact.templateFullPath).size,
      lambdas: ofType('AWS::Lambda::Function').length,
      synthMs,
    };
  } catch (e) {
    if (e instanceof Error && e.name === 'CdkPrivateIotError') { // a validation error of our constructs
      return { devices, azs, rejected: e.message.replace(/^[A-Za-z]+ '[^']*': /, '').slice(0, 120), message: e.message };
    }
    throw e;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function measureSweep(context: Record<string, unknown>): SweepRow[] {
  synthSweep(DEVICE_COUNTS[0], { ...SWEEP_SCENARIO, azs: AZ_COUNTS[0] }, context); // warm-up (JIT, module-level caches), not reported
  const rows: SweepRow[] = [];
  for (const azs of AZ_COUNTS) {
    for (const devices of DEVICE_COUNTS) {
      rows.push(synthSweep(devices, { ...SWEEP_SCENARIO, azs }, context));
      process.stderr.write(`sweep ${devices} devices, ${azs} AZs done\n`);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Where the limits lie: the largest fleet (in 100,000-device steps) each configuration synthesizes, and what stops the next step
// ---------------------------------------------------------------------------------------------------------------

interface LimitCase {
  readonly label: string;
  readonly scenario: Scenario;
}

const LIMIT_CASES: LimitCase[] = [
  { label: '2 AZs, weighted IP records, front door', scenario: { ...SWEEP_SCENARIO, azs: 2 } },
  { label: '3 AZs, weighted IP records, front door', scenario: { ...SWEEP_SCENARIO, azs: 3 } },
  { label: '3 AZs, alias records, front door', scenario: { azs: 3, recordStyle: IotRecordStyle.ALIAS, frontDoor: true } },
  { label: '4 AZs, weighted IP records, front door', scenario: { ...SWEEP_SCENARIO, azs: 4, placeholderRegion: true } },
  { label: '4 AZs, front door, no zone, interfaceEndpointQuota 1000', scenario: { azs: 4, frontDoor: true, interfaceEndpointQuota: 1000, placeholderRegion: true } },
  { label: '2 AZs, endpoints only, interfaceEndpointQuota 1000', scenario: { azs: 2, frontDoor: false, interfaceEndpointQuota: 1000 } },
];

interface LimitRow {
  readonly label: string;
  readonly largest?: SweepRow;
  readonly next: SweepRow;
}

/** The largest endpoint count that synthesizes (binary search; acceptance falls off at one point), and the rejection after it. */
function findLimit(c: LimitCase, context: Record<string, unknown>): LimitRow {
  const at = (endpoints: number) => synthSweep(endpoints * 100_000, c.scenario, context);
  let lo = 0; // largest known to synthesize (0 = none)
  let hi = 1;
  let loRow: SweepRow | undefined;
  let hiRow = at(hi);
  while (hiRow.rejected === undefined) { // grow until rejected
    [lo, loRow] = [hi, hiRow];
    hi *= 2;
    hiRow = at(hi);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const row = at(mid);
    if (row.rejected === undefined) {
      [lo, loRow] = [mid, row];
    } else {
      [hi, hiRow] = [mid, row];
    }
  }
  process.stderr.write(`limit of '${c.label}': ${lo} endpoints\n`);
  return { label: c.label, largest: loRow, next: hiRow };
}

/** The limit named in a rejection: the quota in quotes, or CloudFormation's or Route 53's figure. */
function limitNamed(message: string): string {
  const quota = /the (\d+) of the quota "([^"]+)"/.exec(message);
  if (quota) {
    return `quota "${quota[2]}" (${quota[1]})`;
  }
  const cfn = /more than the ([\d,]+) CloudFormation accepts( in one stack)?/.exec(message);
  if (cfn) {
    return `CloudFormation: ${cfn[1]} ${/template of/.test(message) ? 'template bytes' : /outputs/.test(message) ? 'outputs' : 'resources'} per stack`;
  }
  const route53 = /over the Route 53 limit of (\d+)/.exec(message);
  return route53 ? `Route 53: ${route53[1]} weighted records per name` : message.slice(0, 80);
}

function limitsTable(rows: LimitRow[]): string {
  return table(
    ['Configuration', 'Largest fleet that synthesizes', 'Endpoints', 'Resources', 'Template bytes', 'NLB targets / group', 'Next 100k devices stopped by'],
    rows.map((r) => [
      r.label,
      r.largest ? devicesLabel(r.largest.devices) : 'none',
      String(r.largest?.endpoints ?? ''),
      String(r.largest?.resources ?? ''),
      String(r.largest?.templateBytes ?? ''),
      r.largest?.targetsPerGroup ?? '',
      limitNamed(r.next.message ?? ''),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Report
// ---------------------------------------------------------------------------------------------------------------

function table(header: string[], rows: string[][]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

const ms = (n: number) => n.toFixed(0);
const devicesLabel = (n: number) => (n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M` : `${n / 1000}k`);

function overheadTable(o: Overhead): string {
  const row = (c: OverheadCase) => [
    c.label,
    String(c.runs[0].stacks),
    String(c.runs[0].nodes),
    String(c.ours),
    ms(median(c.runs.map((r) => r.loadMs))),
    ms(median(c.runs.map((r) => r.synthMs))),
    ms(median(c.runs.map((r) => r.processMs))),
    c.runs.map((r) => ms(r.synthMs)).join(', '),
  ];
  const a = median(o.baseline.runs.map((r) => r.synthMs));
  const b = median(o.reference.runs.map((r) => r.synthMs));
  const pa = median(o.baseline.runs.map((r) => r.processMs));
  const pb = median(o.reference.runs.map((r) => r.processMs));
  return [
    table(['App', 'Stacks', 'Tree nodes', 'Constructs of ours', 'Require ms', 'Build+synth ms', 'Process ms', 'Build+synth ms per run'],
      [row(o.baseline), row(o.reference)]),
    '',
    `Ratio b/a (build+synth medians): ${(b / a).toFixed(2)}; (process medians): ${(pb / pa).toFixed(2)}`,
    `Per-construct overhead (b - a) / ${o.reference.ours}: ${((b - a) / o.reference.ours).toFixed(1)} ms build+synth, `
      + `${((pb - pa) / o.reference.ours).toFixed(1)} ms process`,
    `Constructs of ours in (b): ${Object.entries(o.oursByClass).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ].join('\n');
}

function sweepTable(rows: SweepRow[]): string {
  return table(
    ['Devices', 'AZs', 'Endpoints', 'ENIs', 'Weighted records', 'NLB targets / group', 'Resources', 'Template bytes', 'Lambda functions', 'Synth ms'],
    rows.map((r) => [devicesLabel(r.devices), String(r.azs), ...(r.rejected !== undefined
      ? [`rejected: ${r.rejected}`, '', '', '', '', '', '', '']
      : [r.endpoints, r.enis, r.weightedRecords, r.targetsPerGroup, r.resources, r.templateBytes, r.lambdas, ms(r.synthMs!)].map(String))]),
  );
}

/** Sentences that restate the measured figures; each checks what it claims and says something else when it does not hold. */
function observations(o: Overhead, rows: SweepRow[], limits: LimitRow[]): string[] {
  const out: string[] = [];
  const accepted = rows.filter((r) => r.rejected === undefined);
  const rejected = rows.filter((r) => r.rejected !== undefined);

  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const exact = accepted.every((r) => r.endpoints === Math.ceil(r.devices / 100_000) && r.enis === r.endpoints! * r.azs);
  const first = accepted[0];
  const last = accepted.filter((r) => r.azs === first.azs).slice(-1)[0];
  out.push(exact
    ? 'In every accepted configuration the number of data endpoints was ceil(devices / 100,000) and the ENIs were endpoints x AZs: '
      + `${plural(first.endpoints!, 'endpoint')} at ${devicesLabel(first.devices)} devices, ${plural(last.endpoints!, 'endpoint')} at ${devicesLabel(last.devices)} `
      + `(${last.enis} ENIs at ${last.azs} AZs).`
    : 'The number of data endpoints did not follow ceil(devices / 100,000) x AZs in every accepted configuration (see the table).');

  const perEndpoint = AZ_COUNTS.map((azs) => {
    const group = accepted.filter((r) => r.azs === azs);
    const steps = group.slice(1).map((r, i) => (r.resources! - group[i].resources!) / (r.endpoints! - group[i].endpoints!));
    return { azs, group, steps, constant: steps.length > 0 && steps.every((x) => x === steps[0]) };
  }).filter((g) => g.group.length > 1);
  if (perEndpoint.length > 0) {
    out.push(perEndpoint.map((g, i) => {
      const [lo, hi] = [g.group[0], g.group[g.group.length - 1]];
      const range = `${lo.resources} to ${hi.resources} resources and ${lo.templateBytes} to ${hi.templateBytes} template bytes from ${devicesLabel(lo.devices)} to ${devicesLabel(hi.devices)}`;
      return g.constant
        ? `${i === 0 ? 'At' : 'at'} ${g.azs} AZs each added endpoint added exactly ${g.steps[0]} resources (${range})`
        : `${i === 0 ? 'At' : 'at'} ${g.azs} AZs the stack went from ${range}, without a constant number of resources per endpoint`;
    }).join('; ') + '.');
  }

  const lambdas = [...new Set(accepted.map((r) => r.lambdas!))];
  out.push(lambdas.length === 1
    ? `Every accepted configuration had ${plural(lambdas[0], 'Lambda function')}, whatever the number of endpoints.`
    : `The Lambda function count varied between ${Math.min(...lambdas)} and ${Math.max(...lambdas)} across the accepted configurations.`);

  if (rejected.length > 0) {
    const names = rejected.map((r) => `${devicesLabel(r.devices)} devices at ${r.azs} AZs`).join(', ');
    const why = /needs (\d+) weighted records.*?(over the Route 53 limit of \d+)/.exec(rejected[0].message ?? '');
    const maxOk = Math.max(...accepted.map((r) => r.weightedRecords!));
    out.push(`IotPrivateHostedZone rejected ${names}${why ? ` (${why[1]} weighted records for one name, ${why[2]})` : ''}; `
      + `the largest accepted configuration had ${maxOk} weighted records.`);
  } else {
    out.push('No configuration of the sweep was rejected.');
  }

  const stoppedBy = [...new Set(limits.map((l) => limitNamed(l.next.message ?? '').replace(/ \(\d+\)$/, '')))];
  const largestBytes = Math.max(...[...accepted, ...limits.flatMap((l) => (l.largest ? [l.largest] : []))].map((r) => r.templateBytes!));
  out.push(`The limit search stopped at ${stoppedBy.length} different checks (${stoppedBy.join('; ')}). The largest template of any accepted `
    + `configuration had ${largestBytes} bytes, ${(100 * largestBytes / 1_000_000).toFixed(0)}% of CloudFormation's 1,000,000, so in these `
    + 'configurations another limit always comes first; the template-size check (and the 200-output check) fire only when the stack also holds '
    + 'large resources or many outputs of its own (see test/stack-limits.test.ts).');

  const a = median(o.baseline.runs.map((r) => r.synthMs));
  const b = median(o.reference.runs.map((r) => r.synthMs));
  const bRuns = o.reference.runs.map((r) => r.synthMs);
  out.push(`Building and synthesizing the reference topology took ${ms(b)} ms against ${ms(a)} ms for its VPCs alone `
    + `(medians of ${o.baseline.runs.length}; single runs of (b) ranged from ${ms(Math.min(...bRuns))} to ${ms(Math.max(...bRuns))} ms), `
    + `${((b - a) / o.reference.ours).toFixed(1)} ms per construct of ours.`);
  return out;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const context = JSON.parse(fs.readFileSync(CONTEXT_FILE, 'utf-8')) as Record<string, unknown>;
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0];
  const t0 = performance.now();

  const overhead = measureOverhead(args.runs);
  const sweep = measureSweep(context);
  const limits = LIMIT_CASES.map((c) => findLimit(c, context));
  const totalS = (performance.now() - t0) / 1000;

  const command = [BASE_COMMAND, ...process.argv.slice(2)].join(' ');
  const overheadText = overheadTable(overhead);
  const sweepText = sweepTable(sweep);
  const limitsText = limitsTable(limits);
  process.stdout.write(`Synthesis overhead (median of ${args.runs} child processes each)\n\n${overheadText}\n\n`
    + `Scale sweep (single-account stack, in process)\n\n${sweepText}\n\nWhere the limits lie\n\n${limitsText}\n\nTotal ${totalS.toFixed(1)} s\n`);

  const cpus = os.cpus();
  const doc = [
    '# Synthesis benchmarks',
    '',
    `- Machine: ${os.type()} ${os.release()} (${os.arch()}), ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), `
      + `Node.js ${process.version}; 1-minute load average ${loadAtStart.toFixed(2)} when the run started (the machine is shared with CI jobs)`,
    `- Date: ${startedAt.toISOString()}`,
    `- Command: \`${command}\``,
    `- Total run time: ${totalS.toFixed(1)} s`,
    '',
    '## Synthesis overhead',
    '',
    `Each app is built and synthesized in a fresh Node.js process (\`node -r ts-node/register/transpile-only\`), ${args.runs} runs each, `
      + 'interleaved, with cdk.context.json as context. "Require ms" is the time of the top-level require() calls (TypeScript transpiled on '
      + 'the fly; aws-cdk-lib loads many of its modules lazily, on first use, so part of module loading falls into the next column), '
      + '"Build+synth ms" is constructing the app and `app.synth()`, "Process ms" is spawn to exit. (a) has the stacks, envs and VPCs '
      + '(CIDRs, zones, subnets, flow logs) of the reference topology and nothing from src/; the script checks that both apps synthesize the same subnets. '
      + '"Constructs of ours" counts tree nodes whose class is exported by a module under src/ (stacks included).',
    '',
    overheadText,
    '',
    '## Scale sweep',
    '',
    'One stack (account 111111111111, eu-west-1, cdk.context.json): a VPC with isolated subnets in 2 or 3 zones, `PrivateIotDataEndpoint` '
      + '(`expectedDevices`, `supportedAvailabilityZones` = the VPC\'s zones, the placeholder data endpoint address), `IotPrivateHostedZone` '
      + '(weighted IP records) and an internal `StaticIpIotFrontDoor` (3 ports, so 3 target groups). One synthesis per row in the benchmark '
      + 'process; "Synth ms" covers building and synthesizing the whole stack. A rejected row shows the first 120 characters of the error (without the construct name and path).',
    '',
    sweepText,
    '',
    '## Where the limits lie',
    '',
    'For each configuration, the largest fleet (in steps of 100,000 devices, one endpoint each) that synthesizes, found by '
      + 'doubling and then bisecting the endpoint count, and the check that rejects the next step. Each check fails at synth time with '
      + 'a `CdkPrivateIotError` that gives the figure and the way out (see the README). The 4-AZ rows use a made-up zone layout '
      + `(${PLACEHOLDER_ZONES.join(', ')}) with \`supportedAvailabilityZones\` given: only the zone count matters here. The last two rows raise `
      + 'the interface endpoint quota to show the limits behind it.',
    '',
    limitsText,
    '',
    '## Observations',
    '',
    ...observations(overhead, sweep, limits).map((s) => `- ${s}`),
    '',
  ].join('\n');
  const outPath = path.resolve(args.out);
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  fs.writeFileSync(outPath, doc);
  process.stdout.write(`Wrote ${path.relative(process.cwd(), outPath)}\n`);
}

main();
