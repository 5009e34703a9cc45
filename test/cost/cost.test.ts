/**
 * The cost estimate (issue 16): fixed monthly charges read from synthesized templates, line by line, for known
 * configurations; regional prices and the us-east-1 fallback; overrides; traffic rates; the guidance; the CLI.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { buildReferenceTopology, MAIN_JOB_OPTIONS } from '../../examples/reference-topology';
import { IotCostEstimate, PrivateIotDataEndpoint, StaticIpIotFrontDoor } from '../../src';
import { costMain } from '../../src/cost/cli';
import { estimateStacks, priceIn, pricesWith } from '../../src/cost/estimate';
import { formatCostCompact } from '../../src/cost/format';
import { DEFAULT_PRICES, PRICE_KEYS } from '../../src/cost/price-data';
import { CostEstimate, CostLine } from '../../src/cost/types';
import { StackInfo } from '../../src/verify/model';
import { concreteApp, testStack, testVpc } from '../fixtures';

const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.context.json'), 'utf-8'));
const HOURS = 730;

/** `[account, stack, priceKey, count, unit price, monthly]` of each line, in order. */
const rowsOf = (estimate: CostEstimate) => estimate.lines.map((l: CostLine) => [l.account, l.stack, l.priceKey, l.count, l.unitUsd, l.monthlyUsd]);

function synthToDir(build: (outdir: string) => App): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-'));
  build(outdir).synth();
  return outdir;
}

function stackInfo(name: string, resources: Record<string, unknown>, env: { account?: string; region?: string } = {}): StackInfo {
  return { name, account: env.account ?? '111111111111', region: env.region ?? 'eu-west-1', template: { Resources: resources } };
}

describe('the reference topology of the main job (eu-west-1)', () => {
  const outdir = synthToDir((out) => buildReferenceTopology({ ...MAIN_JOB_OPTIONS, outdir: out, context }).app);
  const estimate = IotCostEstimate.fromAssemblyDirectory(outdir);

  test('every fixed charge, line by line: count x 730 hours x the eu-west-1 price', () => {
    expect(rowsOf(estimate)).toEqual([
      // network account: the devices' VPC and the VPN attach to the Transit Gateway; the Resolver has 2 ENIs
      ['111111111111', 'Network', 'transitGatewayAttachmentHour', 2, 0.05, 73],
      ['111111111111', 'Network', 'resolverEniHour', 2, 0.125, 182.5],
      ['111111111111', 'Network', 'vpnConnectionHour', 1, 0.05, 36.5],
      // IoT account: 5 interface endpoints (iot.data, iot.credentials, greengrass, logs, s3) x 2 AZs
      ['222222222222', 'Iot', 'interfaceEndpointAzHour', 10, 0.011, 80.3],
      ['222222222222', 'Iot', 'transitGatewayAttachmentHour', 1, 0.05, 36.5],
      ['222222222222', 'Iot', 'hostedZoneMonth', 5, 0.5, 2.5],
      ['222222222222', 'Iot', 'profileHour', 1, 0.75, 547.5],
      // the endpoint service's and the front door's load balancers; the front door's 2 Elastic IPs
      ['222222222222', 'Iot', 'nlbHour', 2, 0.0252, 36.79],
      ['222222222222', 'Iot', 'publicIpv4Hour', 2, 0.005, 7.3],
      ['333333333333', 'Consumer1', 'interfaceEndpointAzHour', 2, 0.011, 16.06],
      ['333333333333', 'Consumer1', 'hostedZoneMonth', 1, 0.5, 0.5],
    ]);
    expect(estimate.lines.every((l) => l.quantity === (l.unit.endsWith('-month') ? l.count : l.count * HOURS))).toBe(true);
  });

  test('per account and in total', () => {
    expect(estimate.accounts).toEqual([
      { account: '111111111111', stacks: ['Network'], monthlyUsd: 292 },
      { account: '222222222222', stacks: ['Iot'], monthlyUsd: 710.89 },
      { account: '333333333333', stacks: ['Consumer1'], monthlyUsd: 16.56 },
    ]);
    expect(estimate.monthlyUsd).toBe(1019.45);
  });

  test('rates of the components the topology has; IoT Core and flow-log rates fall back to us-east-1 and say so', () => {
    expect(estimate.rates.map((r) => [r.priceKey, r.usd, r.fallback])).toEqual([
      ['interfaceEndpointGb', 0.01, false],
      ['nlcuHour', 0.006, false],
      ['resolverQueriesMillion', 0.4, false],
      ['dnsQueriesMillion', 0.4, false],
      ['transitGatewayGb', 0.02, false],
      ['iotMessagesMillion', 1, true],
      ['iotConnectivityMillionMinutes', 0.08, true],
      ['flowLogsGb', 0.5, true],
    ]);
    expect(estimate.trafficMonthlyUsd).toBeUndefined();
    expect(estimate.notes).toContain('us-east-1 prices used where no figure is recorded: iotMessagesMillion in eu-west-1, '
      + 'iotConnectivityMillionMinutes in eu-west-1, flowLogsGb in eu-west-1');
  });

  test('gbPerMonth multiplies the GB rates of the path (endpoint, Transit Gateway, load balancer), nothing else', () => {
    const withTraffic = IotCostEstimate.fromAssemblyDirectory(outdir, { gbPerMonth: 1000 });
    expect(withTraffic.rates.filter((r) => r.monthlyUsd !== undefined).map((r) => [r.priceKey, r.monthlyUsd])).toEqual([
      ['interfaceEndpointGb', 10], ['nlcuHour', 6], ['transitGatewayGb', 20],
    ]);
    expect(withTraffic.trafficMonthlyUsd).toBe(36);
    expect(withTraffic.monthlyUsd).toBe(estimate.monthlyUsd);
  });

  test('guidance: the Profile against the free authorization path, the public addresses, the record style, with their figures', () => {
    expect(estimate.guidance).toEqual([
      'Route 53 Profile: $547.50/month (its owner pays); zone associations (IotZoneVpcAuthorization): $0',
      '2 public IPv4 addresses: $7.30/month, only for allow-lists (internetFacing: false drops them)',
      // the data and credentials zones' weighted records (2 + 2 in the IoT account, 2 in the consumer's)
      '6 weighted A records (WEIGHTED_IPS): $0.40/M queries at most; IotRecordStyle.ALIAS queries are free',
    ]);
  });

  test('the compact form: the total first, one line per account (largest charges first), every line within 118 columns', () => {
    const lines = formatCostCompact(estimate);
    expect(lines[0]).toBe('Monthly cost estimate: $1,019.45 fixed + traffic (eu-west-1 prices; sources: cdk-private-iot cost)');
    expect(lines[1]).toBe('  111111111111 Network    $292.00  Resolver ENIs 2 $182.50, TGW attachments 2 $73.00, VPN 1 $36.50');
    expect(lines[2]).toMatch(/^ {2}222222222222 Iot {8}\$710\.89 {2}Route 53 Profile 1 \$547\.50, endpoint AZs 10 \$80\.30, /);
    expect(lines[3]).toBe('  333333333333 Consumer1   $16.56  endpoint AZs 2 $16.06, zones 1 $0.50');
    expect(lines.some((l) => l.startsWith('  traffic: endpoints $0.01/GB, load balancer $0.006/GB'))).toBe(true);
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(118);
    }
  });
});

describe('constructs in other regions and layouts', () => {
  function endpointWithFrontDoor(region: string, azs: string[]) {
    const app = concreteApp({ region, serviceZoneSuffixes: { 'iot.data': azs } });
    const stack = testStack(app, 'Stack', { env: { region } });
    const vpc = testVpc(stack, 'Vpc', {
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
      vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, dataEndpointAddress: `a1b2c3d4e5f6g7-ats.iot.${region}.amazonaws.com`,
    });
    new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: true, clientPeers: [ec2.Peer.ipv4('203.0.113.0/24')], deletionProtection: false });
    return { name: 'Stack', account: '111111111111', region, template: app.synth().getStackByName('Stack').template } as StackInfo;
  }

  test('us-east-1, 3 AZs: $0.01 per endpoint-AZ-hour and $0.0225 per NLB-hour; guidance to 2 AZs with the figure', () => {
    const estimate = estimateStacks([endpointWithFrontDoor('us-east-1', ['a', 'b', 'c'])]);
    expect(rowsOf(estimate)).toEqual([
      ['111111111111', 'Stack', 'interfaceEndpointAzHour', 3, 0.01, 21.9],
      ['111111111111', 'Stack', 'publicIpv4Hour', 3, 0.005, 10.95],
      ['111111111111', 'Stack', 'nlbHour', 1, 0.0225, 16.43],
    ]);
    expect(estimate.guidance).toContain('Stack: 1 interface endpoint in 3 AZs: $21.90/month; 2 AZs: $14.60 (less resilience; enough for small fleets)');
    expect(estimate.lines.some((l) => l.fallback)).toBe(false);
  });

  test('ap-northeast-1: its own prices', () => {
    const estimate = estimateStacks([endpointWithFrontDoor('ap-northeast-1', ['a', 'c'])]);
    expect(rowsOf(estimate)).toEqual([
      ['111111111111', 'Stack', 'interfaceEndpointAzHour', 2, 0.014, 20.44],
      ['111111111111', 'Stack', 'publicIpv4Hour', 2, 0.005, 7.3],
      ['111111111111', 'Stack', 'nlbHour', 1, 0.0243, 17.74],
    ]);
  });

  test('a region without recorded figures: the us-east-1 price, marked as a fallback and named in the notes', () => {
    const estimate = estimateStacks([endpointWithFrontDoor('eu-central-1', ['a', 'b'])]);
    const endpoints = estimate.lines.find((l) => l.priceKey === 'interfaceEndpointAzHour')!;
    expect([endpoints.unitUsd, endpoints.fallback, endpoints.monthlyUsd]).toEqual([0.01, true, 14.6]);
    // the public IPv4 price is the same in every region: no fallback
    expect(estimate.lines.find((l) => l.priceKey === 'publicIpv4Hour')!.fallback).toBe(false);
    expect(estimate.notes.join('\n')).toContain('interfaceEndpointAzHour in eu-central-1, nlbHour in eu-central-1');
  });
});

describe('templates', () => {
  test('hosted zones: 25 per account at $0.50, the 26th at $0.10; another account starts again', () => {
    const zones = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`Zone${i}`, { Type: 'AWS::Route53::HostedZone', Properties: {} }]));
    const estimate = estimateStacks([stackInfo('A', zones(20)), stackInfo('B', zones(6)), stackInfo('C', zones(1), { account: '222222222222' })]);
    expect(rowsOf(estimate)).toEqual([
      ['111111111111', 'A', 'hostedZoneMonth', 20, 0.5, 10],
      ['111111111111', 'B', 'hostedZoneMonth', 5, 0.5, 2.5],
      ['111111111111', 'B', 'hostedZoneMonthAfter25', 1, 0.1, 0.1],
      ['222222222222', 'C', 'hostedZoneMonth', 1, 0.5, 0.5],
    ]);
  });

  test('a Route 53 Profile: its owner pays for associations from every stack; beyond 100 each association-hour is billed', () => {
    const associations = (n: number, profileId: unknown) => Object.fromEntries(Array.from({ length: n }, (_, i) =>
      [`Association${i}`, { Type: 'AWS::Route53Profiles::ProfileAssociation', Properties: { ProfileId: profileId, ResourceId: `vpc-${i}` } }]));
    const owner = stackInfo('Owner', { Profile: { Type: 'AWS::Route53Profiles::Profile', Properties: { Name: 'p' } }, ...associations(2, { 'Fn::GetAtt': ['Profile', 'Id'] }) });
    const other = stackInfo('Other', associations(101, 'rp-0123456789abcdef'), { account: '333333333333' });
    const estimate = estimateStacks([owner, other]);
    expect(rowsOf(estimate)).toEqual([
      ['111111111111', 'Owner', 'profileHour', 1, 0.75, 547.5],
      ['111111111111', 'Owner', 'profileExtraAssociationHour', 3, 0.0014, 3.07],
    ]);
    expect(estimate.accounts.map((a) => [a.account, a.monthlyUsd])).toEqual([['111111111111', 550.57], ['333333333333', 0]]);
  });

  test('load balancers: internal ones have no public address; internet-facing ones one per subnet without an Elastic IP', () => {
    const nlb = (props: object) => ({ Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network', ...props } });
    const estimate = estimateStacks([stackInfo('S', {
      Internal: nlb({ Scheme: 'internal', Subnets: ['a', 'b', 'c'] }),
      Public: nlb({ Scheme: 'internet-facing', Subnets: ['a', 'b'] }),
      Mapped: nlb({ Scheme: 'internet-facing', SubnetMappings: [{ SubnetId: 'a', AllocationId: { 'Fn::GetAtt': ['Eip', 'AllocationId'] } }, { SubnetId: 'b' }] }),
      Reserved: nlb({ Scheme: 'internal', MinimumLoadBalancerCapacity: { CapacityUnits: 100 } }),
      Application: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application' } },
      Eip: { Type: 'AWS::EC2::EIP', Properties: {} },
    })]);
    expect(rowsOf(estimate)).toEqual([
      ['111111111111', 'S', 'nlbHour', 4, 0.0252, 73.58],
      ['111111111111', 'S', 'publicIpv4Hour', 4, 0.005, 14.6],
      ['111111111111', 'S', 'nlcuHour', 100, 0.006, 438],
    ]);
    expect(estimate.lines.find((l) => l.priceKey === 'publicIpv4Hour')!.resources).toEqual(['Public', 'Mapped', 'Eip']);
  });

  test('endpoints, accelerators, Resolver, Transit Gateway, VPN and alarms; gateway endpoints and endpoint services are free', () => {
    const estimate = estimateStacks([stackInfo('S', {
      Interface: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b', 'c'] } },
      Imported: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: { 'Fn::Split': [',', 'x'] } } },
      Gateway: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } },
      Service: { Type: 'AWS::EC2::VPCEndpointService', Properties: {} },
      Accelerator: { Type: 'AWS::GlobalAccelerator::Accelerator', Properties: {} },
      Resolver: { Type: 'AWS::Route53Resolver::ResolverEndpoint', Properties: { IpAddresses: [{}, {}, {}] } },
      Attachment: { Type: 'AWS::EC2::TransitGatewayVpcAttachment', Properties: {} },
      Vpn: { Type: 'AWS::EC2::VPNConnection', Properties: { TransitGatewayId: 'tgw-1' } },
      StaticVpn: { Type: 'AWS::EC2::VPNConnection', Properties: { VpnGatewayId: 'vgw-1' } },
      Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
    }, { region: 'us-east-1' })]);
    expect(rowsOf(estimate)).toEqual([
      ['111111111111', 'S', 'interfaceEndpointAzHour', 5, 0.01, 36.5],
      ['111111111111', 'S', 'acceleratorHour', 1, 0.025, 18.25],
      ['111111111111', 'S', 'resolverEniHour', 3, 0.125, 273.75],
      ['111111111111', 'S', 'transitGatewayAttachmentHour', 2, 0.05, 73],
      ['111111111111', 'S', 'vpnConnectionHour', 2, 0.05, 73],
      ['111111111111', 'S', 'alarmMonth', 1, 0.1, 0.1],
    ]);
    expect(estimate.notes).toContain('S/Imported: its subnets are not a literal list; counted as 2 availability zones');
  });

  test('an environment-agnostic stack: unknown account and region, us-east-1 prices marked as fallbacks', () => {
    const stack = new Stack(new App(), 'Agnostic');
    new ec2.CfnEIP(stack, 'Eip');
    new ec2.CfnTransitGatewayAttachment(stack, 'Attachment', { subnetIds: ['subnet-0123456789abcdef0'], transitGatewayId: 'tgw-0123456789abcdef0', vpcId: 'vpc-0123456789abcdef0' });
    const template = (stack.node.root as App).synth().getStackByName('Agnostic').template;
    const estimate = estimateStacks([{ name: 'Agnostic', template }]);
    expect(estimate.lines.map((l) => [l.account, l.region, l.priceKey, l.fallback])).toEqual([
      ['unknown-account', 'unknown-region', 'publicIpv4Hour', false],
      ['unknown-account', 'unknown-region', 'transitGatewayAttachmentHour', true],
    ]);
  });
});

describe('prices', () => {
  test('every price has a positive figure, a unit, an https source and a recorded date; the three regions of the issue are listed where prices differ', () => {
    for (const key of PRICE_KEYS) {
      const price = DEFAULT_PRICES[key];
      expect([key, price.usd > 0, price.unit.length > 0, /^https:\/\/aws\.amazon\.com\//.test(price.source), /^\d{4}-\d{2}-\d{2}$/.test(price.recorded)])
        .toEqual([key, true, true, true, true]);
    }
    for (const key of ['interfaceEndpointAzHour', 'nlbHour', 'transitGatewayAttachmentHour', 'vpnConnectionHour'] as const) {
      expect(Object.keys(DEFAULT_PRICES[key].usdByRegion ?? {}).sort()).toEqual(['ap-northeast-1', 'eu-west-1']);
    }
    expect(IotCostEstimate.defaultPrices()).toEqual(DEFAULT_PRICES);
  });

  test('priceIn: the regional figure, else usd (a fallback only for regional prices outside us-east-1)', () => {
    const regional = DEFAULT_PRICES.interfaceEndpointAzHour;
    expect(priceIn(regional, 'eu-west-1')).toEqual({ usd: 0.011, fallback: false });
    expect(priceIn(regional, 'us-east-1')).toEqual({ usd: 0.01, fallback: false });
    expect(priceIn(regional, 'sa-east-1')).toEqual({ usd: 0.01, fallback: true });
    expect(priceIn(DEFAULT_PRICES.publicIpv4Hour, 'sa-east-1')).toEqual({ usd: 0.005, fallback: false });
  });

  test('overrides replace a price (merged over the library\'s entry); an unknown key or a negative price is an error', () => {
    const stacks = [stackInfo('S', { Eip: { Type: 'AWS::EC2::EIP', Properties: {} } })];
    const estimate = estimateStacks(stacks, { prices: { publicIpv4Hour: { ...DEFAULT_PRICES.publicIpv4Hour, usd: 0.01 } } });
    expect(rowsOf(estimate)).toEqual([['111111111111', 'S', 'publicIpv4Hour', 1, 0.01, 7.3]]);
    expect(pricesWith({ nlbHour: { usdByRegion: { 'eu-west-1': 1 } } as any }).nlbHour).toMatchObject({ usd: 0.0225, usdByRegion: { 'eu-west-1': 1 } });
    expect(() => pricesWith({ natGatewayHour: DEFAULT_PRICES.nlbHour })).toThrow(/unknown price key 'natGatewayHour'; the keys are interfaceEndpointAzHour, /);
    expect(() => pricesWith({ nlbHour: { ...DEFAULT_PRICES.nlbHour, usd: -1 } })).toThrow(/'nlbHour' has a price that is not a non-negative number/);
    expect(() => estimateStacks(stacks, { hoursPerMonth: 0 })).toThrow(/hoursPerMonth 0 is not a positive number/);
    expect(() => estimateStacks(stacks, { gbPerMonth: -5 })).toThrow(/gbPerMonth -5 is not a non-negative number/);
    expect(estimateStacks(stacks, { hoursPerMonth: 720 }).lines[0].monthlyUsd).toBe(3.6);
  });
});

describe('cdk-private-iot cost', () => {
  const outdir = synthToDir((out) => buildReferenceTopology({ ...MAIN_JOB_OPTIONS, outdir: out, context }).app);
  const run = (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = costMain(args, (s) => { stdout += s; }, (s) => { stderr += s; });
    return { code, stdout, stderr };
  };

  test('the table: every charge with its unit price, the totals, the rates, the guidance and the source of each price', () => {
    const { code, stdout } = run([outdir]);
    expect(code).toBe(0);
    expect(stdout).toContain('  222222222222  Iot        Route 53 Profiles                 1  $0.75/profile-hour          $547.50\n');
    expect(stdout).toContain('  total: $1,019.45');
    expect(stdout).toMatch(/eu-west-1 {2}AWS IoT Core messaging \(first billion a month\) +\$1\.00\/million messages \*/);
    expect(stdout).toContain('  profileHour: https://aws.amazon.com/route53/pricing/ (recorded 2026-11-30)');
  });

  test('--json, --gb-per-month and --prices', () => {
    const prices = path.join(outdir, 'prices.json');
    fs.writeFileSync(prices, JSON.stringify({ profileHour: { usd: 1 } }));
    const { code, stdout } = run([outdir, '--json', '--gb-per-month', '100', '--prices', prices]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect([doc.schemaVersion, doc.kind, doc.trafficMonthlyUsd]).toEqual([1, 'cost', 3.6]);
    expect(doc.lines.find((l: CostLine) => l.priceKey === 'profileHour').monthlyUsd).toBe(730);
    expect(doc.sources.find((s: any) => s.key === 'profileHour')).toEqual({ key: 'profileHour', source: 'https://aws.amazon.com/route53/pricing/', recorded: '2026-11-30' });
  });

  test.each([
    [['--gb-per-month', 'lots'], /--gb-per-month 'lots' is not a non-negative number/],
    [['--prices', '/nonexistent/prices.json'], /ENOENT/],
    [['a', 'b'], /cost takes one cloud assembly directory, got a b/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['/nonexistent'], /is not a cloud assembly/],
  ])('bad arguments %p: exit code 2 and the reason', (args, message) => {
    const { code, stderr } = run(args[0] === '/nonexistent' || args[0] === 'a' || args[0] === '--bogus' ? args : [outdir, ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  test('--help', () => {
    const { code, stdout } = run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: cdk-private-iot cost \[cdk\.out\] \[options\]/);
  });
});
