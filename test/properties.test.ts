/**
 * Property-based tests (fast-check): random valid configurations synthesize and keep the invariants users rely on;
 * random invalid ones always fail with our own error, naming the prop, before anything is created.
 *
 * Runs are bounded (RUNS below) so the file takes well under a minute on 2 cores. A failure prints the seed and the
 * shrunk configuration; replay it with FC_SEED=<seed> (and FC_PATH=<path>) in the environment. FC_RUNS_FACTOR=<n>
 * multiplies the runs.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as fc from 'fast-check';
import { concreteApp, testStack, thrown } from './fixtures';
import {
  ConsumerAccountStack, CrossAccountIotEndpointService, IotAccountStack, IotConnectivityCanary, IotEndpointService, IotEndpointServiceConsumer,
  IotPrivateHostedZone, IotRecordStyle, IotZoneProfile, IotZoneProfileAssociation, IotZoneVpcAssociation, IotZoneVpcAuthorization,
  NetworkAccountStack, PrivateIotDataEndpoint, StaticIpIotFrontDoor, VpceOnlyIotPolicy,
} from '../src';

/** Runs per property: enough to reach the corners (1 zone, 4 zones, 50 endpoints), few enough for a fast suite. */
const RUNS = { valid: 30, stability: 12, invalid: 120, sharing: 12, topology: 10 };

/** FC_RUNS_FACTOR=10 explores ten times as many configurations (for a long local run; CI uses 1). */
const fcParams = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns: numRuns * (Number(process.env.FC_RUNS_FACTOR) || 1),
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}),
});

const ZONE_SUFFIXES = ['a', 'b', 'c', 'd'];
const ALL_PORTS = [443, 8443, 8883];
const DATA_ADDRESS = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
const CREDENTIALS_ADDRESS = 'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com';
const THING = '${iot:Connection.Thing.ThingName}';

// -----------------------------------------------------------------------------------------------------------------
// Configurations
// -----------------------------------------------------------------------------------------------------------------

interface FrontDoorConfig {
  readonly internetFacing: boolean;
  readonly ports: number[];
  readonly crossZoneEnabled: boolean;
  readonly clientPeers: string[];
}

interface PolicyConfig {
  readonly restrictEveryAction: boolean;
  readonly useSourceIps: boolean;
  readonly useSourceVpc: boolean;
  readonly requireAttachedThing: boolean;
  readonly publishTopics: string[];
  readonly subscribeTopicFilters: string[];
  readonly allowRetainPublish: boolean;
}

interface FleetConfig {
  /** Availability zones of the endpoints (the VPC has 4, all offering every service). */
  readonly zones: number;
  readonly expectedDevices: number;
  readonly credentials: boolean;
  readonly greengrass: boolean;
  readonly ports: number[];
  readonly peers: string[];
  readonly recordStyle: IotRecordStyle;
  readonly frontDoor?: FrontDoorConfig;
  readonly policy: PolicyConfig;
}

const endpointsOf = (c: { expectedDevices: number }) => Math.ceil(c.expectedDevices / 100_000);

/** The most iot.data endpoints a configuration takes: 50 interface endpoints per VPC, 100 weighted records, 500 NLB targets. */
function maxEndpoints(c: Omit<FleetConfig, 'expectedDevices'>): number {
  const perName = c.recordStyle === IotRecordStyle.ALIAS ? c.zones + 1 : c.zones;
  let max = Math.min(50 - Number(c.credentials) - Number(c.greengrass), Math.floor(100 / perName));
  if (c.frontDoor) {
    max = Math.min(max, Math.floor(500 / (c.frontDoor.ports.length * (c.frontDoor.crossZoneEnabled ? c.zones : 1))));
  }
  return max;
}

const portsArb = fc.subarray(ALL_PORTS, { minLength: 1 });
/** Private CIDRs, aligned on their mask. */
const privateCidrArb = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((a) => `10.${a}.0.0/16`),
  fc.tuple(fc.integer({ min: 16, max: 31 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `172.${a}.${b}.0/24`),
  fc.integer({ min: 0, max: 255 }).map((b) => `192.168.${b}.0/24`),
);
const publicCidrArb = fc.tuple(fc.constantFrom('198.51.100', '203.0.113'), fc.integer({ min: 0, max: 255 })).map(([net, host]) => `${net}.${host}/32`);
const levelArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,9}$/);
const topicArb = fc.tuple(fc.array(levelArb, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean())
  .map(([levels, withThing, wildcard]) => [...levels, ...(withThing ? [THING] : []), ...(wildcard ? ['*'] : [])].join('/'));

const frontDoorArb: fc.Arbitrary<FrontDoorConfig> = fc.record({
  internetFacing: fc.boolean(),
  ports: portsArb,
  crossZoneEnabled: fc.boolean(),
  clientPeers: fc.uniqueArray(publicCidrArb, { minLength: 1, maxLength: 3 }),
});

/** Topic filters: levels, optionally a thing variable, optionally ending in the MQTT wildcard + or #. */
const filterArb = fc.tuple(fc.array(levelArb, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.constantFrom('', '+', '#'))
  .map(([levels, withThing, wildcard]) => [...levels, ...(withThing ? [THING] : []), ...(wildcard ? [wildcard] : [])].join('/'));

const policyArb: fc.Arbitrary<PolicyConfig> = fc.record({
  restrictEveryAction: fc.boolean(),
  useSourceIps: fc.boolean(),
  useSourceVpc: fc.boolean(),
  requireAttachedThing: fc.boolean(),
  // few enough to stay under the 2,048-character policy document (random long topics beyond it are rejected; see below)
  publishTopics: fc.uniqueArray(topicArb, { minLength: 0, maxLength: 2 }),
  subscribeTopicFilters: fc.uniqueArray(filterArb, { minLength: 0, maxLength: 2 }),
  allowRetainPublish: fc.boolean(),
});

/** Small fleets most of the time (fast), up to the largest one the limits allow now and then. */
function devicesArb(max: number): fc.Arbitrary<number> {
  const endpoints = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: Math.min(3, max) }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max }) },
  );
  return fc.tuple(endpoints, fc.integer({ min: 1, max: 100_000 })).map(([n, last]) => (n - 1) * 100_000 + last);
}

const fleetArb: fc.Arbitrary<FleetConfig> = fc.record({
  zones: fc.integer({ min: 1, max: 4 }),
  credentials: fc.boolean(),
  greengrass: fc.boolean(),
  ports: portsArb,
  peers: fc.uniqueArray(privateCidrArb, { minLength: 1, maxLength: 3 }),
  recordStyle: fc.constantFrom(IotRecordStyle.WEIGHTED_IPS, IotRecordStyle.ALIAS),
  frontDoor: fc.option(frontDoorArb, { nil: undefined }),
  policy: policyArb,
}).chain((base) => devicesArb(maxEndpoints(base)).map((expectedDevices) => ({ ...base, expectedDevices })));

// -----------------------------------------------------------------------------------------------------------------
// Building and reading
// -----------------------------------------------------------------------------------------------------------------

function fourZoneApp(): App {
  const all = { 'iot.data': ZONE_SUFFIXES, 'iot.credentials': ZONE_SUFFIXES, 'greengrass': ZONE_SUFFIXES };
  return concreteApp({ zoneSuffixes: ZONE_SUFFIXES, serviceZoneSuffixes: all });
}

function fleetVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 4,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26, mapPublicIpOnLaunch: false },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
}

interface Fleet {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly endpoint: PrivateIotDataEndpoint;
  readonly zone: IotPrivateHostedZone;
  readonly frontDoor?: StaticIpIotFrontDoor;
  readonly policy: VpceOnlyIotPolicy;
}

/** Prop overrides an invalid case applies on top of a valid configuration. */
interface Overrides {
  readonly endpoint?: Record<string, unknown>;
  readonly zone?: Record<string, unknown>;
  readonly frontDoor?: Record<string, unknown>;
  readonly policy?: Record<string, unknown>;
}

function buildFleet(c: FleetConfig, overrides: Overrides = {}, app: App = fourZoneApp()): Fleet {
  const stack = testStack(app, 'Fleet');
  const vpc = fleetVpc(stack);
  const zoneNames = vpc.availabilityZones.slice(0, c.zones);
  const services = [
    ...(c.credentials ? [{ service: IotEndpointService.CREDENTIALS }] : []),
    ...(c.greengrass ? [{ service: IotEndpointService.GREENGRASS }] : []),
  ];
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: zoneNames },
    allowSingleAvailabilityZone: c.zones === 1,
    expectedDevices: c.expectedDevices,
    services,
    ports: c.ports,
    peers: c.peers.map((cidr) => ec2.Peer.ipv4(cidr)),
    dataEndpointAddress: DATA_ADDRESS,
    ...(c.credentials ? { credentialsEndpointAddress: CREDENTIALS_ADDRESS } : {}),
    ...overrides.endpoint,
  });
  const zone = new IotPrivateHostedZone(stack, 'Zone', { endpoint, recordStyle: c.recordStyle, ...overrides.zone });
  const frontDoorSubnets = c.frontDoor && {
    subnetType: c.frontDoor.internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: zoneNames,
  };
  const frontDoor = c.frontDoor && new StaticIpIotFrontDoor(stack, 'FrontDoor', {
    endpoint,
    internetFacing: c.frontDoor.internetFacing,
    subnets: frontDoorSubnets,
    ports: c.frontDoor.ports,
    crossZoneEnabled: c.frontDoor.crossZoneEnabled,
    clientPeers: c.frontDoor.clientPeers.map((cidr) => ec2.Peer.ipv4(cidr)),
    ...overrides.frontDoor,
  });
  const policy = new VpceOnlyIotPolicy(stack, 'Policy', {
    endpoints: [endpoint],
    restrictEveryAction: c.policy.restrictEveryAction,
    // behind the front door AWS IoT Core sees the load balancer's subnets as source (the policy checks it)
    sourceIpCidrs: c.policy.useSourceIps
      ? [...c.peers, ...(frontDoorSubnets ? vpc.selectSubnets(frontDoorSubnets).subnets.map((s) => s.ipv4CidrBlock) : [])] : undefined,
    sourceVpcs: c.policy.useSourceVpc ? [vpc] : undefined,
    requireAttachedThing: c.policy.requireAttachedThing,
    publishTopics: c.policy.publishTopics,
    subscribeTopicFilters: c.policy.subscribeTopicFilters,
    allowRetainPublish: c.policy.allowRetainPublish,
    ...overrides.policy,
  });
  return { app, stack, vpc, endpoint, zone, frontDoor, policy };
}

type Resource = { Type: string; Properties?: any; DeletionPolicy?: string };
type Resources = Record<string, Resource>;

function synthesize(stack: Stack): Resources {
  return (stack.node.root as App).synth({ force: true }).getStackArtifact(stack.artifactId).template.Resources;
}

const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** The logical id a `Ref` or `Fn::GetAtt` token points at. */
function logicalIdOf(stack: Stack, token: string): string {
  const resolved = stack.resolve(token);
  return resolved.Ref ?? resolved['Fn::GetAtt'][0];
}

interface IngressRule {
  readonly group: string;
  readonly cidr?: any;
  readonly sourceGroup?: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly protocol: string;
}

/** Every inbound rule of every security group, inline or separate. */
function ingressRules(resources: Resources): IngressRule[] {
  const rules: IngressRule[] = [];
  const rule = (group: string, r: any): IngressRule => ({
    group,
    cidr: r.CidrIp ?? r.CidrIpv6,
    sourceGroup: r.SourceSecurityGroupId?.['Fn::GetAtt']?.[0],
    fromPort: r.FromPort,
    toPort: r.ToPort,
    protocol: r.IpProtocol,
  });
  for (const [id, sg] of ofType(resources, 'AWS::EC2::SecurityGroup')) {
    for (const r of sg.Properties.SecurityGroupIngress ?? []) {
      rules.push(rule(id, r));
    }
  }
  for (const [, r] of ofType(resources, 'AWS::EC2::SecurityGroupIngress')) {
    rules.push(rule(r.Properties.GroupId['Fn::GetAtt'][0], r.Properties));
  }
  return rules;
}

/** Every outbound rule of every security group, inline or separate. */
function egressRules(resources: Resources): Array<{ group: string; cidr?: string; destinationGroup?: string; fromPort: number; toPort: number }> {
  const rules = [];
  for (const [id, sg] of ofType(resources, 'AWS::EC2::SecurityGroup')) {
    for (const r of sg.Properties.SecurityGroupEgress ?? []) {
      rules.push({ group: id, cidr: r.CidrIp ?? r.CidrIpv6, destinationGroup: r.DestinationSecurityGroupId?.['Fn::GetAtt']?.[0], fromPort: r.FromPort, toPort: r.ToPort });
    }
  }
  for (const [, r] of ofType(resources, 'AWS::EC2::SecurityGroupEgress')) {
    const p = r.Properties;
    rules.push({ group: p.GroupId['Fn::GetAtt'][0], cidr: p.CidrIp, destinationGroup: p.DestinationSecurityGroupId?.['Fn::GetAtt']?.[0], fromPort: p.FromPort, toPort: p.ToPort });
  }
  return rules;
}

/** aws-cdk-lib's placeholder egress rule of a security group without outbound rules (it matches no traffic). */
const NO_EGRESS = { cidr: '255.255.255.255/32', fromPort: 252, toPort: 86 };

function actionsOf(statement: any): string[] {
  return [statement.Action].flat();
}

// -----------------------------------------------------------------------------------------------------------------
// Valid configurations
// -----------------------------------------------------------------------------------------------------------------

describe('random valid configurations', () => {
  test('synthesize, and the invariants hold', () => {
    fc.assert(fc.property(fleetArb, (c) => {
      const fleet = buildFleet(c);
      const resources = synthesize(fleet.stack);
      const endpoints = endpointsOf(c);
      const interfaces = endpoints * c.zones;

      // N endpoints for N x 100,000 devices, one interface per zone each
      expect(fleet.endpoint.dataEndpoints).toHaveLength(endpoints);
      expect(ofType(resources, 'AWS::EC2::VPCEndpoint')).toHaveLength(endpoints + Number(c.credentials) + Number(c.greengrass));

      // weighted records = network interfaces of all endpoints (WEIGHTED_IPS), or every DNS name of every endpoint (ALIAS); equal weights
      const dataZoneId = logicalIdOf(fleet.stack, fleet.zone.dataZone.hostedZoneId);
      const dataRecords = ofType(resources, 'AWS::Route53::RecordSet')
        .filter(([, r]) => r.Properties.HostedZoneId.Ref === dataZoneId && r.Properties.Type === 'A');
      expect(dataRecords).toHaveLength(c.recordStyle === IotRecordStyle.ALIAS ? endpoints * (c.zones + 1) : interfaces);
      expect(new Set(dataRecords.map(([, r]) => r.Properties.Weight))).toEqual(new Set([1]));
      expect(ofType(resources, 'AWS::Route53::HostedZone')).toHaveLength(c.credentials ? 2 : 1);

      // targets per target group = network interfaces of all endpoints; one target group and listener per port
      const groups = ofType(resources, 'AWS::ElasticLoadBalancingV2::TargetGroup');
      expect(groups).toHaveLength(c.frontDoor?.ports.length ?? 0);
      for (const [, group] of groups) {
        expect(group.Properties.Targets).toHaveLength(interfaces);
        expect(new Set(group.Properties.Targets.map((t: any) => t.Port))).toEqual(new Set([group.Properties.Port]));
      }

      // one lookup Lambda per stack at most, and only when something is looked up
      const lambdas = ofType(resources, 'AWS::Lambda::Function');
      const lookups = ofType(resources, 'Custom::AWS');
      expect(lambdas).toHaveLength(lookups.length > 0 ? 1 : 0);

      // no security group rule wider than the peers given
      const endpointGroup = logicalIdOf(fleet.stack, fleet.endpoint.securityGroup.securityGroupId);
      const frontDoorGroup = fleet.frontDoor && logicalIdOf(fleet.stack, fleet.frontDoor.securityGroup.securityGroupId);
      for (const rule of ingressRules(resources)) {
        expect(rule.protocol).toBe('tcp');
        expect(rule.fromPort).toBe(rule.toPort);
        if (rule.group === endpointGroup && rule.sourceGroup === undefined) {
          expect(c.peers).toContain(rule.cidr);
          expect(c.ports).toContain(rule.fromPort);
        } else if (rule.group === endpointGroup) {
          expect(rule.sourceGroup).toBe(frontDoorGroup);
          expect(c.frontDoor!.ports).toContain(rule.fromPort);
        } else {
          expect(rule.group).toBe(frontDoorGroup);
          expect(c.frontDoor!.clientPeers).toContain(rule.cidr);
          expect(c.frontDoor!.ports).toContain(rule.fromPort);
        }
      }
      for (const rule of egressRules(resources)) {
        if (rule.destinationGroup === undefined) {
          expect(rule).toMatchObject(NO_EGRESS);
        } else {
          expect([rule.group, rule.destinationGroup]).toEqual([frontDoorGroup, endpointGroup]);
          expect(c.frontDoor!.ports).toContain(rule.fromPort);
        }
      }

      // no IoT policy statement with iot:* (or *), and the endpoint condition where it must be
      const [[, policy]] = ofType(resources, 'AWS::IoT::Policy');
      const statements = policy.Properties.PolicyDocument.Statement;
      for (const statement of statements) {
        expect(actionsOf(statement).filter((a) => a === '*' || a === 'iot:*')).toEqual([]);
        expect(statement.Effect).toBe('Allow');
        const restricted = c.policy.restrictEveryAction || actionsOf(statement).includes('iot:Connect');
        expect(statement.Condition?.StringEquals?.['aws:SourceVpce'] !== undefined).toBe(restricted);
        expect(statement.Condition?.StringEquals?.['aws:SourceVpc'] !== undefined).toBe(restricted && c.policy.useSourceVpc);
        expect(statement.Condition?.IpAddress?.['aws:VpcSourceIp'] !== undefined).toBe(restricted && c.policy.useSourceIps);
      }
      // exactly the actions asked for: connect, plus publish / subscribe / receive only when topics were given
      const actions = statements.flatMap(actionsOf).sort();
      expect(actions).toEqual([
        'iot:Connect',
        ...(c.policy.publishTopics.length > 0 ? ['iot:Publish', ...(c.policy.allowRetainPublish ? ['iot:RetainPublish'] : [])] : []),
        ...(c.policy.subscribeTopicFilters.length > 0 ? ['iot:Receive', 'iot:Subscribe'] : []),
      ].sort());
      const connect = statements.find((st: any) => actionsOf(st).includes('iot:Connect'));
      expect(connect.Condition?.Bool?.['iot:Connection.Thing.IsAttached'] === 'true').toBe(c.policy.requireAttachedThing);

      // created Elastic IPs are retained
      for (const [, eip] of ofType(resources, 'AWS::EC2::EIP')) {
        expect(eip.DeletionPolicy).toBe('Retain');
      }
      expect(ofType(resources, 'AWS::EC2::EIP')).toHaveLength(c.frontDoor?.internetFacing ? c.zones : 0);
    }), fcParams(RUNS.valid));
  });

  test('logical ids of Elastic IPs, zones, records, target groups and existing endpoints stay put when only the device count changes', () => {
    const pair = fleetArb.chain((c) => devicesArb(maxEndpoints(c)).map((other) => [c, { ...c, expectedDevices: other }] as const));
    fc.assert(fc.property(pair, ([a, b]) => {
      const [small, large] = endpointsOf(a) <= endpointsOf(b) ? [a, b] : [b, a];
      const ids = (c: FleetConfig) => {
        const resources = synthesize(buildFleet(c).stack);
        return (type: string) => ofType(resources, type).map(([id]) => id).sort();
      };
      const before = ids(small);
      const after = ids(large);
      for (const type of ['AWS::EC2::EIP', 'AWS::Route53::HostedZone', 'AWS::ElasticLoadBalancingV2::TargetGroup',
        'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::EC2::SecurityGroup', 'AWS::IoT::Policy']) {
        expect([type, after(type)]).toEqual([type, before(type)]);
      }
      // growing the fleet adds endpoints and records; the ones devices use already keep their ids
      for (const type of ['AWS::EC2::VPCEndpoint', 'AWS::Route53::RecordSet']) {
        const kept = after(type);
        expect(before(type).filter((id) => !kept.includes(id))).toEqual([]);
      }
    }), fcParams(RUNS.stability));
  });
});

// -----------------------------------------------------------------------------------------------------------------
// Invalid configurations
// -----------------------------------------------------------------------------------------------------------------

/** One way to break a valid configuration, and the prop the error must name. */
interface Breakage {
  readonly prop: string;
  readonly overrides: Overrides;
  /** Applies only to configurations with a front door (else the front-door prop is never read). */
  readonly needsFrontDoor?: boolean;
  readonly needsInternetFacing?: boolean;
}

const badPort = fc.integer({ min: 1, max: 65535 }).filter((p) => !ALL_PORTS.includes(p));
const notWhole = fc.oneof(fc.integer({ min: -1000, max: 0 }), fc.double({ min: 0.01, max: 1000, noNaN: true }).filter((n) => !Number.isInteger(n)));

const breakageArb: fc.Arbitrary<Breakage> = fc.oneof(
  // PrivateIotDataEndpoint
  notWhole.map((n) => ({ prop: 'expectedDevices', overrides: { endpoint: { expectedDevices: n } } })),
  fc.integer({ min: 5_000_001, max: 1_000_000_000 }).map((n) => ({ prop: 'expectedDevices', overrides: { endpoint: { expectedDevices: n } } })),
  fc.integer({ min: 231, max: 3600 }).map((s) => ({ prop: 'mqttKeepAlive', overrides: { endpoint: { mqttKeepAlive: Duration.seconds(s) } } })),
  fc.oneof(fc.constant([]), fc.tuple(badPort, portsArb).map(([bad, ok]) => [...ok, bad]))
    .map((ports) => ({ prop: 'ports', overrides: { endpoint: { ports } } })),
  fc.constant({ prop: 'peers', overrides: { endpoint: { peers: [] } } }),
  notWhole.map((n) => ({ prop: 'interfaceEndpointQuota', overrides: { endpoint: { interfaceEndpointQuota: n } } })),
  fc.oneof(levelArb, levelArb.filter((l) => !l.endsWith('-ats')).map((l) => `${l}.iot.eu-west-1.amazonaws.com`), fc.constant('iot.eu-west-1.amazonaws.com'))
    .map((address) => ({ prop: 'dataEndpointAddress', overrides: { endpoint: { dataEndpointAddress: address } } })),
  // IotPrivateHostedZone
  fc.oneof(fc.integer({ min: 172_801, max: 10_000_000 }), fc.constant(0))
    .map((s) => ({ prop: 'ttl', overrides: { zone: { ttl: Duration.seconds(s) } } })),
  fc.constant({ prop: 'vpcs', overrides: { zone: { vpcs: [] } } }),
  // StaticIpIotFrontDoor
  fc.oneof(fc.integer({ min: 1, max: 229 }), fc.integer({ min: 6001, max: 100_000 }))
    .map((s) => ({ prop: 'idleTimeout', overrides: { frontDoor: { idleTimeout: Duration.seconds(s) } }, needsFrontDoor: true })),
  fc.tuple(badPort, portsArb).map(([bad, ok]) => ({ prop: 'ports', overrides: { frontDoor: { ports: [...ok, bad] } }, needsFrontDoor: true })),
  fc.constant({ prop: 'clientPeers', overrides: { frontDoor: { clientPeers: [] } }, needsFrontDoor: true }),
  notWhole.map((n) => ({ prop: 'targetsPerZoneQuota', overrides: { frontDoor: { targetsPerZoneQuota: n } }, needsFrontDoor: true })),
  fc.stringMatching(/^[a-z0-9-]{1,20}$/).map((id) => ({
    prop: 'elasticIpAllocationIds', overrides: { frontDoor: { elasticIpAllocationIds: [id] } }, needsFrontDoor: true, needsInternetFacing: true,
  })),
  fc.constant({ prop: 'privateIpAddresses', overrides: { frontDoor: { privateIpAddresses: ['10.0.0.10'] } }, needsFrontDoor: true, needsInternetFacing: true }),
  // VpceOnlyIotPolicy
  fc.tuple(levelArb, fc.constantFrom('#', '+')).map(([level, wildcard]) => ({
    prop: 'publishTopics', overrides: { policy: { publishTopics: [`${level}/${wildcard}`] } },
  })),
  fc.constantFrom('*', '#', '+', '*/*').map((topic) => ({ prop: 'subscribeTopicFilters', overrides: { policy: { subscribeTopicFilters: [topic] } } })),
  fc.constantFrom('', 'a/#', 'client+1').map((pattern) => ({ prop: 'clientIdPattern', overrides: { policy: { clientIdPattern: pattern } } })),
  fc.array(fc.tuple(levelArb, levelArb), { minLength: 60, maxLength: 80 }).map((pairs) => ({
    prop: 'publishTopics', overrides: { policy: { publishTopics: pairs.map(([x, y], i) => `fleet/${x}/${y}/${i}/${THING}`) } },
  })),
  fc.constantFrom('bad name', 'a/b', 'x'.repeat(129)).map((policyName) => ({ prop: 'policyName', overrides: { policy: { policyName } } })),
);

describe('random invalid configurations', () => {
  test('always fail with CdkPrivateIotError naming the prop, at construction or at synth, never later and never with a TypeError', () => {
    fc.assert(fc.property(fleetArb, breakageArb, (c, breakage) => {
      fc.pre(!breakage.needsFrontDoor || c.frontDoor !== undefined);
      fc.pre(!breakage.needsInternetFacing || c.frontDoor?.internetFacing === true);
      const app = fourZoneApp();
      let built = false;
      const error = thrown(() => {
        const fleet = buildFleet(c, breakage.overrides, app);
        built = true;
        synthesize(fleet.stack);
      });
      expect(error).not.toBeInstanceOf(TypeError);
      expect([error.name, error.prop]).toEqual(['CdkPrivateIotError', breakage.prop]);
      expect(error.message).toMatch(/^\w+ 'Fleet\/\w+': /);
      expect(error.message).toContain(`${breakage.prop} `);
      // rejected while being built: the construct given the bad value created nothing
      // (synth-time checks, e.g. the policy document size, look at what was built)
      if (!built) {
        const scope = app.node.findChild('Fleet').node.findChild(error.constructPath.split('/')[1]);
        expect(scope.node.children).toEqual([]);
      }
    }), fcParams(RUNS.invalid));
  });
});

// -----------------------------------------------------------------------------------------------------------------
// Sharing across accounts
// -----------------------------------------------------------------------------------------------------------------

const SERVICE_NAME = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';
const PROVIDER_ACCOUNT = '111111111111';
const CONSUMER_ACCOUNT = '222222222222';
const LOOKUP_FUNCTION = /^AWS679f53fac002430cb0da5b7982bd2287/;

interface SharingConfig {
  readonly providerZones: number;
  readonly consumerZones: number;
  readonly endpoints: number;
  readonly ports: number[];
  readonly consumerPeers: string[];
  readonly accounts: string[];
  readonly acceptanceRequired: boolean;
  readonly recordStyle: IotRecordStyle;
  readonly canary: { ports: number[]; expectCidrs?: string[]; dnsServers?: string[]; stepSeconds: number; schedule?: string };
}

/**
 * Canary schedules the construct accepts: rate() up to 6 days, and crons of minute and hour lists on every day or on
 * at least two weekdays (one weekday is a 7-day gap, which CloudWatch cannot alarm on).
 */
const scheduleArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 6 * 1440 }).map((m) => `rate(${m} minute${m === 1 ? '' : 's'})`),
  fc.tuple(
    fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { minLength: 1, maxLength: 4 }),
    fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 4 }),
    fc.option(fc.uniqueArray(fc.constantFrom('SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'), { minLength: 2, maxLength: 7 }), { nil: undefined }),
  ).map(([minutes, hours, days]) => `cron(${minutes.join(',')} ${hours.join(',')} ${days ? '?' : '*'} * ${days ? days.join(',') : '?'} *)`),
);

/** The longest gap between runs of a scheduleArb schedule, by brute force: every minute of 15 days (UTC). */
function longestGapByMinutes(schedule: string): number {
  const rate = /^rate\((\d+) /.exec(schedule);
  if (rate) {
    return Number(rate[1]) * 60;
  }
  const [minutes, hours, , , days] = /^cron\((.*)\)$/.exec(schedule)![1].split(' ');
  const names = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
  let last: number | undefined;
  let longest = 0;
  for (let minute = 0; minute < 15 * 1440; minute++) {
    const date = new Date(Date.UTC(2025, 0, 1) + minute * 60_000);
    const runs = minutes.split(',').map(Number).includes(date.getUTCMinutes())
      && hours.split(',').map(Number).includes(date.getUTCHours())
      && (days === '?' || days.split(',').includes(names[date.getUTCDay()]));
    if (runs) {
      longest = last === undefined ? longest : Math.max(longest, (minute - last) * 60);
      last = minute;
    }
  }
  return longest;
}

const accountArb = fc.stringMatching(/^[1-9][0-9]{11}$/).filter((a) => a !== PROVIDER_ACCOUNT);
const sharingArb: fc.Arbitrary<SharingConfig> = fc.record({
  providerZones: fc.integer({ min: 2, max: 4 }),
  consumerZones: fc.integer({ min: 2, max: 4 }),
  endpoints: fc.integer({ min: 1, max: 8 }),
  ports: portsArb,
  consumerPeers: fc.uniqueArray(privateCidrArb, { minLength: 1, maxLength: 3 }),
  accounts: fc.uniqueArray(accountArb, { minLength: 1, maxLength: 4 }),
  acceptanceRequired: fc.boolean(),
  recordStyle: fc.constantFrom(IotRecordStyle.WEIGHTED_IPS, IotRecordStyle.ALIAS),
  canary: fc.record({
    ports: portsArb,
    expectCidrs: fc.option(fc.uniqueArray(privateCidrArb, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    dnsServers: fc.option(fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
      .map(([host, port]) => `10.30.0.${host}${port === undefined ? '' : `:${port}`}`), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    stepSeconds: fc.integer({ min: 1, max: 60 }),
    schedule: fc.option(scheduleArb, { nil: undefined }),
  }),
});

/** Per-construct prop overrides an invalid case applies. */
type SharingOverrides = Partial<Record<'service' | 'consumer' | 'profile' | 'profileAssociation' | 'authorization' | 'association' | 'canary',
  Record<string, unknown>>>;

/**
 * Provider account: endpoints, endpoint service, zone, Route 53 Profile shared with the consumer, VPC authorization for
 * the consumer's second VPC. Consumer account: service consumer, profile association, zone association (second VPC), canary.
 */
function buildSharing(s: SharingConfig, o: SharingOverrides = {}) {
  const app = concreteApp([
    { zoneSuffixes: ZONE_SUFFIXES, serviceZoneSuffixes: { 'iot.data': ZONE_SUFFIXES } },
    { account: CONSUMER_ACCOUNT, zoneSuffixes: ZONE_SUFFIXES },
  ]);
  const provider = testStack(app, 'Provider');
  const providerVpc = fleetVpc(provider);
  const endpoint = new PrivateIotDataEndpoint(provider, 'Endpoint', {
    vpc: providerVpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: providerVpc.availabilityZones.slice(0, s.providerZones) },
    expectedDevices: s.endpoints * 100_000,
    dataEndpointAddress: DATA_ADDRESS,
  });
  new CrossAccountIotEndpointService(provider, 'Service', {
    endpoint, allowedAccounts: s.accounts, acceptanceRequired: s.acceptanceRequired, ports: s.ports, ...o.service,
  });
  const zone = new IotPrivateHostedZone(provider, 'Zone', { endpoint });
  new IotZoneProfile(provider, 'Profile', { zones: [zone.dataZone], shareWithAccounts: [CONSUMER_ACCOUNT], ...o.profile });
  new IotZoneVpcAuthorization(provider, 'Authorization', {
    zones: [zone.dataZone], vpcId: 'vpc-0123456789abcdef0', vpcAccount: CONSUMER_ACCOUNT, ...o.authorization,
  });

  const consumerStack = new Stack(app, 'Consumer', { env: { account: CONSUMER_ACCOUNT, region: 'eu-west-1' } });
  const consumerVpc = fleetVpc(consumerStack);
  const consumer = new IotEndpointServiceConsumer(consumerStack, 'Iot', {
    vpc: consumerVpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    supportedAvailabilityZones: consumerVpc.availabilityZones.slice(0, s.consumerZones),
    serviceName: SERVICE_NAME,
    dataEndpointAddress: DATA_ADDRESS,
    ports: s.ports,
    peers: s.consumerPeers.map((cidr) => ec2.Peer.ipv4(cidr)),
    recordStyle: s.recordStyle,
    ...o.consumer,
  });
  const otherVpc = new ec2.Vpc(consumerStack, 'OtherVpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  new IotZoneProfileAssociation(consumerStack, 'ProfileAssociation', { profileId: 'rp-0123456789abcdef', vpc: otherVpc, ...o.profileAssociation });
  new IotZoneVpcAssociation(consumerStack, 'ZoneAssociation', { hostedZoneIds: ['Z0123456789ABCDEFGHIJ'], vpc: otherVpc, ...o.association });
  const canary = new IotConnectivityCanary(consumerStack, 'Canary', {
    vpc: consumerVpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    host: DATA_ADDRESS,
    ports: s.canary.ports,
    expectCidrs: s.canary.expectCidrs,
    dnsServers: s.canary.dnsServers,
    stepTimeout: Duration.seconds(s.canary.stepSeconds),
    schedule: s.canary.schedule === undefined ? undefined : events.Schedule.expression(s.canary.schedule),
    ...o.canary,
  });
  return { app, provider, consumerStack, consumerVpc, consumer, canary };
}

describe('random endpoint services, consumers, zone sharing and canaries', () => {
  test('targets = provider interfaces, records = consumer interfaces, one lookup function per stack, rules no wider than given', () => {
    fc.assert(fc.property(sharingArb, (s) => {
      const { provider, consumerStack, consumerVpc, consumer, canary } = buildSharing(s);
      const providerResources = synthesize(provider);
      const consumerResources = synthesize(consumerStack);

      for (const [, group] of ofType(providerResources, 'AWS::ElasticLoadBalancingV2::TargetGroup')) {
        expect(group.Properties.Targets).toHaveLength(s.endpoints * s.providerZones);
      }
      const [[, service]] = ofType(providerResources, 'AWS::EC2::VPCEndpointService');
      expect(service.Properties.AcceptanceRequired).toBe(s.acceptanceRequired);
      const [[, permissions]] = ofType(providerResources, 'AWS::EC2::VPCEndpointServicePermissions');
      expect(permissions.Properties.AllowedPrincipals).toHaveLength(s.accounts.length);
      s.accounts.forEach((a, i) => expect(JSON.stringify(permissions.Properties.AllowedPrincipals[i])).toContain(`:iam::${a}:root`));
      const [[, share]] = ofType(providerResources, 'AWS::RAM::ResourceShare');
      expect(share.Properties.Principals).toEqual([CONSUMER_ACCOUNT]);
      expect(share.Properties.AllowExternalPrincipals).toBe(false);

      const records = ofType(consumerResources, 'AWS::Route53::RecordSet').filter(([, r]) => r.Properties.Type === 'A');
      expect(records).toHaveLength(s.recordStyle === IotRecordStyle.ALIAS ? s.consumerZones + 1 : s.consumerZones);
      expect(consumer.endpoint.dataEndpoints).toHaveLength(1);
      for (const stackResources of [providerResources, consumerResources]) {
        expect(ofType(stackResources, 'AWS::Lambda::Function').filter(([id]) => LOOKUP_FUNCTION.test(id)).length).toBeLessThanOrEqual(1);
      }
      // the consumer stack: one lookup function and the canary's, nothing else
      expect(ofType(consumerResources, 'AWS::Lambda::Function')).toHaveLength(2);

      const consumerGroup = logicalIdOf(consumerStack, consumer.endpoint.securityGroup.securityGroupId);
      for (const rule of ingressRules(consumerResources)) {
        expect(rule.group).toBe(consumerGroup);
        expect(s.consumerPeers).toContain(rule.cidr);
        expect(s.ports).toContain(rule.fromPort);
      }
      // the canary reaches the IoT ports of the expected networks and DNS of the named servers, nothing else
      const canaryGroup = logicalIdOf(consumerStack, canary.securityGroup.securityGroupId);
      const vpcCidr = JSON.stringify(consumerStack.resolve(consumerVpc.vpcCidrBlock));
      const iotDestinations = (s.canary.expectCidrs ?? []).map((c) => JSON.stringify(c));
      // DNS: each named server on its own port (53 unless given as ip:port), else the VPC resolver on 53
      const dnsRules = s.canary.dnsServers
        ? s.canary.dnsServers.map((d) => `${JSON.stringify(`${d.split(':')[0]}/32`)} ${d.split(':')[1] ?? 53}`)
        : [`${vpcCidr} 53`];
      const canaryRules = egressRules(consumerResources).filter((r) => r.group === canaryGroup);
      for (const rule of canaryRules) {
        const destination = JSON.stringify(rule.cidr);
        expect(rule.toPort).toBe(rule.fromPort);
        if (!dnsRules.includes(`${destination} ${rule.fromPort}`)) {
          expect(s.canary.ports).toContain(rule.fromPort);
          expect(s.canary.expectCidrs ? iotDestinations : [vpcCidr]).toContain(destination);
        }
      }
      for (const dns of dnsRules) {
        expect(canaryRules.filter((r) => `${JSON.stringify(r.cidr)} ${r.fromPort}` === dns)).toHaveLength(2); // UDP and TCP
      }
      // the alarm: one period that holds the longest gap between runs, the run (function timeout) and a minute
      const alarms = ofType(consumerResources, 'AWS::CloudWatch::Alarm');
      expect(alarms).toHaveLength(s.canary.schedule ? 1 : 0);
      if (s.canary.schedule) {
        const [[, alarm]] = alarms;
        const [[, fn]] = ofType(consumerResources, 'AWS::Lambda::Function').filter(([id]) => !LOOKUP_FUNCTION.test(id));
        const period = alarm.Properties.Period;
        expect(period % 60 === 0 && period <= 7 * 86400).toBe(true);
        expect(period).toBeGreaterThanOrEqual(longestGapByMinutes(s.canary.schedule) + fn.Properties.Timeout + 60);
        expect(alarm.Properties).toMatchObject({ EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: 'breaching' });
      }
    }), fcParams(RUNS.sharing));
  });

  const sharingBreakageArb: fc.Arbitrary<{ prop: string; overrides: SharingOverrides }> = fc.oneof(
    fc.constant({ prop: 'allowedAccounts', overrides: { service: { allowedAccounts: [] } } }),
    fc.stringMatching(/^[0-9]{1,11}$/).map((a) => ({ prop: 'allowedAccounts', overrides: { service: { allowedAccounts: [a] } } })),
    fc.constant({ prop: 'acceptanceRequired', overrides: { service: { allowAnyPrincipal: true, acceptanceRequired: false } } }),
    fc.constantFrom('EU-WEST-1', 'eu-west', 'europe').map((r) => ({ prop: 'supportedRegions', overrides: { service: { supportedRegions: [r] } } })),
    fc.tuple(badPort, portsArb).map(([bad, ok]) => ({ prop: 'ports', overrides: { service: { ports: [...ok, bad] } } })),
    fc.oneof(levelArb, fc.constant('com.amazonaws.eu-west-1.iot.data'), fc.constant('vpce-svc-0123456789abcdef0'))
      .map((name) => ({ prop: 'serviceName', overrides: { consumer: { serviceName: name } } })),
    fc.constant({ prop: 'zones', overrides: { profile: { zones: [] } } }),
    fc.constantFrom('12345', 'abcdefghijkl', PROVIDER_ACCOUNT).map((a) => ({ prop: 'shareWithAccounts', overrides: { profile: { shareWithAccounts: [a] } } })),
    fc.constant({ prop: 'shareWithOrganizationArns', overrides: { profile: { shareWithOrganizationArns: ['arn:aws:organizations::111111111111:bad'] } } }),
    levelArb.map((id) => ({ prop: 'profileId', overrides: { profileAssociation: { profileId: id } } })),
    fc.constant({ prop: 'zones', overrides: { authorization: { zones: [] } } }),
    fc.constantFrom('vpc-123', 'subnet-0123456789abcdef0').map((id) => ({ prop: 'vpcId', overrides: { authorization: { vpcId: id } } })),
    fc.constant({ prop: 'vpcAccount', overrides: { authorization: { vpcAccount: PROVIDER_ACCOUNT } } }),
    fc.constantFrom('eu', 'EU-WEST-1').map((r) => ({ prop: 'vpcRegion', overrides: { authorization: { vpcRegion: r } } })),
    fc.constantFrom<unknown[]>([], ['Z0123456789ABCDEFGHIJ', 'Z0123456789ABCDEFGHIJ'], ['/hostedzone/Z0123456789ABCDEFGHIJ'])
      .map((ids) => ({ prop: 'hostedZoneIds', overrides: { association: { hostedZoneIds: ids } } })),
    fc.constantFrom('arn:aws:iam::12:role/x', 'role/x').map((arn) => ({ prop: 'assumedRoleArn', overrides: { association: { assumedRoleArn: arn } } })),
    fc.oneof(fc.integer({ min: 0, max: 99 }).map((ms) => Duration.millis(ms)), fc.integer({ min: 61, max: 900 }).map((sec) => Duration.seconds(sec)))
      .map((d) => ({ prop: 'stepTimeout', overrides: { canary: { stepTimeout: d } } })),
    fc.constantFrom('not a host', 'UPPER.example.com', 'a..b', '').map((host) => ({ prop: 'host', overrides: { canary: { host } } })),
    fc.constantFrom('10.0.0.0', '999.1.1.1/8', '10.0.0.0/33', '2001:db8::/129', 'ten/8').map((c) => ({ prop: 'expectCidrs', overrides: { canary: { expectCidrs: [c] } } })),
    fc.constantFrom<unknown[]>([], ['abc'], ['10.0.0.300'], ['10.0.0.2:99999'], ['10.0.0.2/32'])
      .map((servers) => ({ prop: 'dnsServers', overrides: { canary: { dnsServers: servers } } })),
    fc.tuple(badPort, portsArb).map(([bad, ok]) => ({ prop: 'ports', overrides: { canary: { ports: [...ok, bad] } } })),
    fc.constantFrom('rate(7 days)', 'cron(0 8 ? * MON *)', 'cron(0 8 L * ? *)', 'cron(0 8 * * ? 2030)', 'cron(0 8 * * ?)')
      .map((expression) => ({ prop: 'schedule', overrides: { canary: { schedule: events.Schedule.expression(expression) } } })),
  );

  test('random breakages always fail with CdkPrivateIotError naming the prop', () => {
    fc.assert(fc.property(sharingArb, sharingBreakageArb, (s, breakage) => {
      const error = thrown(() => {
        const built = buildSharing(s, breakage.overrides);
        synthesize(built.provider);
        synthesize(built.consumerStack);
      });
      expect(error).not.toBeInstanceOf(TypeError);
      expect([error.name, error.prop]).toEqual(['CdkPrivateIotError', breakage.prop]);
      expect(error.message).toMatch(/^\w+ '(Provider|Consumer)\/[\w/]+': /);
      expect(error.message).toContain(`${breakage.prop} `);
    }), fcParams(RUNS.invalid / 2));
  });
});

// -----------------------------------------------------------------------------------------------------------------
// The IoT account stack of the reference topology
// -----------------------------------------------------------------------------------------------------------------

describe('random IoT account stacks', () => {
  test('synthesize within every limit, and open the endpoints only to the networks given', () => {
    const topologyArb = fc.record({
      maxAzs: fc.integer({ min: 2, max: 3 }),
      gatekeeper: fc.integer({ min: 0, max: 99 }).map((a) => `10.${a}.0.0/16`),
      devices: fc.uniqueArray(fc.integer({ min: 100, max: 199 }).map((b) => `10.${b}.0.0/16`), { minLength: 1, maxLength: 2 }),
      onPremises: fc.uniqueArray(fc.integer({ min: 0, max: 255 }).map((c) => `192.168.${c}.0/24`), { maxLength: 2 }),
      consumers: fc.uniqueArray(fc.stringMatching(/^[1-9][0-9]{11}$/), { maxLength: 2 }),
      networkAccount: fc.option(fc.constant('333333333333'), { nil: undefined }),
      // internet clients for an internet-facing front door; an internal one serves the routed networks (the default)
      frontDoor: fc.option(fc.oneof(
        fc.record({
          internetFacing: fc.constant(true),
          clientCidrs: fc.option(fc.uniqueArray(publicCidrArb, { minLength: 1, maxLength: 2 }), { nil: undefined }),
        }),
        fc.record({ internetFacing: fc.constant(false) }),
      ), { nil: undefined }),
    }).chain((t) => {
      // 50 interface endpoints per VPC: data endpoints + credentials + greengrass + CloudWatch Logs; 100 weighted records per name
      const zones = Math.min(t.maxAzs, 3);
      // 50 interface endpoints per VPC: credentials, greengrass, logs and the S3 interface endpoint leave 46 for iot.data
      return devicesArb(Math.min(50 - 4, Math.floor(100 / zones))).map((expectedDevices) => ({ ...t, expectedDevices }));
    });
    fc.assert(fc.property(topologyArb, (t) => {
      const app = concreteApp({ serviceZoneSuffixes: { 'iot.data': ['a', 'b', 'c'] } });
      const stack = new IotAccountStack(app, 'Iot', {
        env: { account: '111111111111', region: 'eu-west-1' },
        maxAzs: t.maxAzs,
        gatekeeperCidr: t.gatekeeper,
        deviceCidrs: t.devices,
        onPremisesCidrs: t.onPremises,
        consumerAccounts: t.consumers,
        networkAccount: t.networkAccount,
        frontDoor: t.frontDoor,
        expectedDevices: t.expectedDevices,
        dataEndpointAddress: DATA_ADDRESS,
        credentialsEndpointAddress: CREDENTIALS_ADDRESS,
      });
      const resources = synthesize(stack);
      expect(Object.keys(resources).length).toBeLessThanOrEqual(500);
      expect(ofType(resources, 'AWS::Lambda::Function').length).toBeLessThanOrEqual(1);
      // AWS PrivateLink: at most 50 interface endpoints in the VPC, whoever adds them
      expect(ofType(resources, 'AWS::EC2::VPCEndpoint').filter(([, r]) => r.Properties.VpcEndpointType === 'Interface').length).toBeLessThanOrEqual(50);

      // every inbound rule: the endpoints admit the named networks and the load balancers; each load balancer its clients
      const groupOf = (sg: { securityGroupId: string }) => logicalIdOf(stack, sg.securityGroupId);
      const balancers = [stack.frontDoor, stack.endpointService?.loadBalancer].filter((b) => b !== undefined);
      const allowed = new Map<string, { cidrs: unknown[]; groups: string[] }>([
        [groupOf(stack.endpoint.securityGroup), {
          cidrs: [t.gatekeeper, ...t.devices, ...t.onPremises],
          groups: balancers.map((b) => groupOf(b.securityGroup)),
        }],
      ]);
      if (stack.frontDoor) {
        const clientCidrs = t.frontDoor && 'clientCidrs' in t.frontDoor ? t.frontDoor.clientCidrs : undefined;
        allowed.set(groupOf(stack.frontDoor.securityGroup), { cidrs: clientCidrs ?? [...t.devices, ...t.onPremises], groups: [] });
      }
      if (stack.endpointService) {
        // the endpoint service's internal load balancer admits its own VPC (by its CidrBlock attribute)
        const vpcCidr = stack.resolve(stack.gatekeeperVpc.vpcCidrBlock);
        allowed.set(groupOf(stack.endpointService.loadBalancer.securityGroup), { cidrs: [vpcCidr], groups: [] });
      }
      for (const rule of ingressRules(resources)) {
        const permitted = allowed.get(rule.group);
        expect(permitted).toBeDefined();
        if (rule.sourceGroup) {
          expect(permitted!.groups).toContain(rule.sourceGroup);
        } else {
          expect(permitted!.cidrs).toContainEqual(rule.cidr);
        }
        expect([443, 8443, 8883]).toContain(rule.fromPort);
      }
      const [[, policy]] = ofType(resources, 'AWS::IoT::Policy');
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        expect(actionsOf(statement).filter((a) => a === '*' || a === 'iot:*')).toEqual([]);
      }
    }), fcParams(RUNS.topology));
  });

  /** Malformed CIDRs: no prefix, an address or prefix out of range, IPv6 where IPv4 is needed, text. */
  const badCidrArb = fc.oneof(
    fc.integer({ min: 0, max: 255 }).map((a) => `10.${a}.0.0`),
    fc.integer({ min: 256, max: 999 }).map((a) => `10.${a}.0.0/16`),
    fc.integer({ min: 33, max: 99 }).map((m) => `10.0.0.0/${m}`),
    fc.constantFrom('2001:db8::/56', 'ten/8', ''),
  );

  test('random breakages of the three account stacks always fail with CdkPrivateIotError naming the prop', () => {
    type StackBreakage = { stack: 'network' | 'iot' | 'consumer'; prop: string; props: Record<string, unknown> };
    const stackBreakageArb: fc.Arbitrary<StackBreakage> = fc.oneof(
      badCidrArb.map((c) => ({ stack: 'network' as const, prop: 'deviceCidr', props: { deviceCidr: c } })),
      badCidrArb.map((c) => ({ stack: 'network' as const, prop: 'gatekeeperCidr', props: { gatekeeperCidr: c } })),
      badCidrArb.map((c) => ({ stack: 'network' as const, prop: 'onPremisesCidrs', props: { onPremisesCidrs: ['192.168.0.0/16', c] } })),
      fc.constantFrom('1234', 'abcdefghijkl').map((a) => ({ stack: 'network' as const, prop: 'iotAccount', props: { iotAccount: a } })),
      fc.constantFrom('198.51.100', 'vpn.example.com', '2001:db8::1').map((ip) => ({ stack: 'network' as const, prop: 'vpn', props: { vpn: { customerGatewayIp: ip } } })),
      fc.constantFrom(0, -1, 4294967295, 1.5).map((asn) => ({
        stack: 'network' as const, prop: 'vpn', props: { vpn: { customerGatewayIp: '198.51.100.10', customerGatewayAsn: asn } },
      })),
      fc.constant({ stack: 'network' as const, prop: 'maxAzs', props: { maxAzs: 1 } }),
      badCidrArb.map((c) => ({ stack: 'iot' as const, prop: 'gatekeeperCidr', props: { gatekeeperCidr: c } })),
      badCidrArb.map((c) => ({ stack: 'iot' as const, prop: 'deviceCidrs', props: { deviceCidrs: [c] } })),
      fc.constant({ stack: 'iot' as const, prop: 'deviceCidrs', props: { deviceCidrs: [] } }),
      badCidrArb.map((c) => ({ stack: 'iot' as const, prop: 'onPremisesCidrs', props: { onPremisesCidrs: [c] } })),
      badCidrArb.map((c) => ({ stack: 'iot' as const, prop: 'frontDoor.clientCidrs', props: { frontDoor: { clientCidrs: [c] } } })),
      fc.constantFrom('1', PROVIDER_ACCOUNT).map((a) => ({ stack: 'iot' as const, prop: 'networkAccount', props: { networkAccount: a } })),
      fc.constantFrom('1', 'x'.repeat(12)).map((a) => ({ stack: 'iot' as const, prop: 'consumerAccounts', props: { consumerAccounts: [a] } })),
      fc.integer({ min: 5_000_001, max: 9_000_000 }).map((n) => ({ stack: 'iot' as const, prop: 'expectedDevices', props: { expectedDevices: n } })),
      badCidrArb.map((c) => ({ stack: 'consumer' as const, prop: 'vpcCidr', props: { vpcCidr: c } })),
      levelArb.map((name) => ({ stack: 'consumer' as const, prop: 'serviceName', props: { serviceName: name } })),
      levelArb.map((host) => ({ stack: 'consumer' as const, prop: 'dataEndpointAddress', props: { dataEndpointAddress: host } })),
    );
    fc.assert(fc.property(stackBreakageArb, fc.integer({ min: 2, max: 3 }), (b, maxAzs) => {
      const app = concreteApp([{ serviceZoneSuffixes: { 'iot.data': ['a', 'b', 'c'] } }, { account: CONSUMER_ACCOUNT }],
        { context: { [`endpoint-service-availability-zones:account=${CONSUMER_ACCOUNT}:region=eu-west-1:serviceName=${SERVICE_NAME}`]: ['eu-west-1a', 'eu-west-1b'] } });
      const error = thrown(() => {
        if (b.stack === 'network') {
          new NetworkAccountStack(app, 'Network', {
            env: { account: PROVIDER_ACCOUNT, region: 'eu-west-1' }, maxAzs, deviceCidr: '10.20.0.0/16', gatekeeperCidr: '10.10.0.0/16', iotAccount: CONSUMER_ACCOUNT, ...b.props,
          });
        } else if (b.stack === 'iot') {
          new IotAccountStack(app, 'Iot', {
            env: { account: PROVIDER_ACCOUNT, region: 'eu-west-1' },
            maxAzs,
            gatekeeperCidr: '10.10.0.0/16',
            deviceCidrs: ['10.20.0.0/16'],
            dataEndpointAddress: DATA_ADDRESS,
            credentialsEndpointAddress: CREDENTIALS_ADDRESS,
            ...b.props,
          });
        } else {
          new ConsumerAccountStack(app, 'Consumer', {
            env: { account: CONSUMER_ACCOUNT, region: 'eu-west-1' }, maxAzs, vpcCidr: '10.30.0.0/16', serviceName: SERVICE_NAME, dataEndpointAddress: DATA_ADDRESS, ...b.props,
          });
        }
        app.synth();
      });
      expect(error).not.toBeInstanceOf(TypeError);
      expect([error.name, error.prop]).toEqual(['CdkPrivateIotError', b.prop]);
      expect(error.message).toContain(`${b.prop} `);
    }), fcParams(RUNS.invalid / 2));
  });

  test('random network and consumer account stacks synthesize; DNS is open only to the device and on-premises networks', () => {
    const accountsArb = fc.record({
      maxAzs: fc.integer({ min: 2, max: 3 }),
      device: fc.integer({ min: 100, max: 199 }).map((b) => `10.${b}.0.0/16`),
      gatekeeper: fc.integer({ min: 0, max: 99 }).map((a) => `10.${a}.0.0/16`),
      onPremises: fc.uniqueArray(fc.integer({ min: 0, max: 255 }).map((c) => `192.168.${c}.0/24`), { maxLength: 2 }),
      vpn: fc.option(fc.record({ customerGatewayIp: publicCidrArb.map((c) => c.split('/')[0]), customerGatewayAsn: fc.integer({ min: 64512, max: 65534 }) }), { nil: undefined }),
      canary: fc.boolean(),
      profile: fc.boolean(),
      consumerCidr: fc.integer({ min: 200, max: 250 }).map((c) => `10.${c}.0.0/16`),
    });
    fc.assert(fc.property(accountsArb, (a) => {
      const app = concreteApp([{}, { account: CONSUMER_ACCOUNT }],
        { context: { [`endpoint-service-availability-zones:account=${CONSUMER_ACCOUNT}:region=eu-west-1:serviceName=${SERVICE_NAME}`]: ['eu-west-1a', 'eu-west-1b'] } });
      const network = new NetworkAccountStack(app, 'Network', {
        env: { account: PROVIDER_ACCOUNT, region: 'eu-west-1' },
        maxAzs: a.maxAzs,
        deviceCidr: a.device,
        gatekeeperCidr: a.gatekeeper,
        onPremisesCidrs: a.onPremises,
        iotAccount: CONSUMER_ACCOUNT,
        vpn: a.vpn,
        canaryHost: a.canary ? DATA_ADDRESS : undefined,
        zoneProfileId: a.profile ? 'rp-0123456789abcdef' : undefined,
      });
      const consumer = new ConsumerAccountStack(app, 'Consumer', {
        env: { account: CONSUMER_ACCOUNT, region: 'eu-west-1' }, maxAzs: a.maxAzs, vpcCidr: a.consumerCidr, serviceName: SERVICE_NAME, dataEndpointAddress: DATA_ADDRESS,
      });
      const networkResources = synthesize(network);
      const consumerResources = synthesize(consumer);
      for (const resources of [networkResources, consumerResources]) {
        expect(ofType(resources, 'AWS::Lambda::Function').filter(([id]) => LOOKUP_FUNCTION.test(id)).length).toBeLessThanOrEqual(1);
      }
      const resolverGroup = logicalIdOf(network, network.resolverSecurityGroup.securityGroupId);
      const resolverRules = ingressRules(networkResources).filter((r) => r.group === resolverGroup);
      expect(resolverRules.map((r) => `${r.protocol} ${r.fromPort} ${r.cidr}`).sort())
        .toEqual([a.device, ...a.onPremises].flatMap((c) => [`tcp 53 ${c}`, `udp 53 ${c}`]).sort());
      expect(ingressRules(networkResources).filter((r) => r.group !== resolverGroup)).toEqual([]);
      const routes = ofType(networkResources, 'AWS::EC2::Route').map(([, r]) => r.Properties.DestinationCidrBlock);
      // the gatekeeper VPC, and back to on-premises (answers of the Resolver inbound endpoint, replies to on-premises devices)
      expect(new Set(routes)).toEqual(new Set([a.gatekeeper, ...a.onPremises]));
      expect(ofType(networkResources, 'AWS::EC2::VPNConnection')).toHaveLength(a.vpn ? 1 : 0);
    }), fcParams(RUNS.topology));
  });
});
