/**
 * Property-based tests (fast-check): random valid configurations synthesize and keep the invariants users rely on;
 * random invalid ones always fail with our own error, naming the prop, before anything is created.
 *
 * The fleet generator (endpoint, zone, front door, policy) covers every prop of the four constructs, in every form a
 * user can pass it: new, dual-stack, imported and looked-up VPCs, environment-agnostic stacks, IPv4/IPv6/any-address/
 * security-group/CfnParameter peers, looked-up and CfnParameter hosts, a provider's endpoint service, custom domains,
 * Global Accelerator, given Elastic IPs and private addresses, raised quotas, and device counts at the quota edge.
 * `FLEET_OPTIONS` names each of them; a test checks that each occurs in at least 10% of the cases of a seeded sample of
 * RUNS.valid cases, and the run prints how often each occurred (and which props the invalid cases broke). Invalid cases
 * break one prop of a random valid configuration (fleet, sharing, account stacks), derived from its own values. Bugs the
 * generators found stay as regression tests next to the properties (both found so far are fixed).
 *
 * Runs are bounded (RUNS below) so the file takes under a minute on 2 cores. A failure prints the seed and the
 * shrunk configuration; replay it with FC_SEED=<seed> (and FC_PATH=<path>) in the environment. FC_RUNS_FACTOR=<n>
 * multiplies the runs.
 */
import { App, CfnParameter, ContextProvider, Duration, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as fc from 'fast-check';
import { concreteApp, LINT_SKIP_CONTEXT, TEST_ACCOUNT, TEST_REGION, testStack, thrown } from './fixtures';
import { coverageTable, optionCoverage, OptionPredicates, rareOptions } from './property-coverage';
import {
  ConsumerAccountStack, CrossAccountIotEndpointService, IotAccountStack, IotConnectivityCanary, IotVpcEndpointAwsService, IotEndpointServiceConsumer,
  IotPrivateHostedZone, IotRecordStyle, IotZoneProfile, IotZoneProfileAssociation, IotZoneVpcAssociation, IotZoneVpcAuthorization,
  NetworkAccountStack, PrivateIotDataEndpoint, StaticIpIotFrontDoor, VpceOnlyIotPolicy,
} from '../src';
import { LOOKUP_RESOURCE_TYPE } from '../src/private/lookups';

/** Runs per property: enough to reach the corners (1 zone, 4 zones, 50 endpoints), few enough for a fast suite. */
const RUNS = { valid: 30, stability: 10, invalid: 120, sharing: 12, topology: 10 };

/** FC_RUNS_FACTOR=10 explores ten times as many configurations (for a long local run; CI uses 1). */
const fcParams = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns: numRuns * (Number(process.env.FC_RUNS_FACTOR) || 1),
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}),
});

/** The coverage check samples RUNS.valid fleet configurations with this seed (deterministic, whatever FC_SEED says). */
const COVERAGE_SEED = 125;
/** Every option of the fleet generator occurs in at least this share of the cases (percent). */
const MIN_OPTION_PERCENT = 10;

const ZONE_SUFFIXES = ['a', 'b', 'c', 'd'];
const ZONE_NAMES = ZONE_SUFFIXES.map((s) => `${TEST_REGION}${s}`);
const ALL_PORTS = [443, 8443, 8883];
const DATA_ADDRESS = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
const CREDENTIALS_ADDRESS = 'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com';
const THING = '${iot:Connection.Thing.ThingName}';
/** A provider's endpoint service in the stack's region (see CrossAccountIotEndpointService). */
const SERVICE_NAME = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';
const PROVIDER_SERVICES = { sameRegion: SERVICE_NAME, otherRegion: 'com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210' };
/** The provider's gatekeeper endpoints, which an IoT policy over a consumer's endpoints names. */
const GATEKEEPER_ENDPOINT_IDS = ['vpce-0123456789abcdef0', 'vpce-0fedcba9876543210'];
/** Imported and looked-up VPCs: 10.0.0.0/16, public subnets 10.0.0-3.0/24 and isolated subnets 10.0.10-13.0/24 in zones a-d. */
const VPC_CIDR = '10.0.0.0/16';
const PUBLIC_SUBNET_CIDRS = ZONE_SUFFIXES.map((_, i) => `10.0.${i}.0/24`);
const ISOLATED_SUBNET_CIDRS = ZONE_SUFFIXES.map((_, i) => `10.0.${10 + i}.0/24`);
const IMPORTED_VPC_ID = 'vpc-0a1b2c3d4e5f60718';
const LOOKED_UP_VPC_ID = 'vpc-0f1e2d3c4b5a69788';
/** Device VPCs of the account (imported by id) that the zone may also be associated with. */
const DEVICE_VPC_IDS = ['vpc-0aaaaaaaaaaaaaaa1', 'vpc-0aaaaaaaaaaaaaaa2'];
const ELASTIC_IP_IDS = ['eipalloc-0a1b2c3d4e5f60001', 'eipalloc-0a1b2c3d4e5f60002', 'eipalloc-0a1b2c3d4e5f60003', 'eipalloc-0a1b2c3d4e5f60004'];
const DOMAIN_ZONE_NAME = 'example.com';
const DOMAIN_ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const certificateArn = (id: string) => `arn:aws:acm:eu-west-1:${TEST_ACCOUNT}:certificate/${id}`;
const SERVER_CERTIFICATE_ARN = certificateArn('11111111-2222-3333-4444-555555555555');
const VALIDATION_CERTIFICATE_ARN = certificateArn('66666666-7777-8888-9999-000000000000');
/** Ids of the CfnParameters a configuration may use as tokens. */
const PARAMETER = {
  devicePeer: 'DeviceCidr',
  clientPeer: 'ClientCidr',
  sourceIp: 'SourceCidr',
  dataAddress: 'DataEndpointAddress',
  credentialsAddress: 'CredentialsEndpointAddress',
  domain: 'DomainName',
} as const;

// -----------------------------------------------------------------------------------------------------------------
// Configurations
// -----------------------------------------------------------------------------------------------------------------

/** How the VPC reaches the constructs: created (IPv4 or dual-stack), imported by attributes (with or without subnet CIDRs), or looked up. */
type VpcKind = 'new' | 'dualStack' | 'imported' | 'importedWithoutSubnetCidrs' | 'lookedUp';
/** Where an IoT hostname comes from: the prop as a literal, a deployment-time lookup (prop omitted), or a CfnParameter. */
type HostSource = 'literal' | 'lookup' | 'token';
/** One peer of a security group. */
type Peer =
  | { readonly kind: 'ipv4' | 'ipv6'; readonly cidr: string }
  | { readonly kind: 'anyIpv4' | 'anyIpv6' | 'securityGroup' | 'token' };

interface CustomDomainConfig {
  readonly domain: 'literal' | 'token';
  /** The name below DOMAIN_ZONE_NAME. */
  readonly label: string;
  /** The public zone: imported with its name, imported by id only, or created in the stack. */
  readonly zone: 'named' | 'idOnly' | 'created';
  readonly serverCertificate: boolean;
  /** Only with a server certificate of the user's. */
  readonly validationCertificate: boolean;
  readonly tlsSecurityPolicy?: string;
  readonly authorizer?: { readonly name: string; readonly allowOverride?: boolean };
}

interface FrontDoorConfig {
  /** Undefined: the default (internet-facing). */
  readonly internetFacing?: boolean;
  /** `subnets` given (public or isolated subnets in the endpoint's zones); else the construct's default. */
  readonly explicitSubnets: boolean;
  /** `elasticIpAllocationIds` given (internet-facing only). */
  readonly elasticIpIds: boolean;
  /** `elasticIpRemovalPolicy` (only when the construct creates the Elastic IPs). */
  readonly elasticIpRemoval?: 'retain' | 'destroy';
  /** `privateIpAddresses` (internal only): the address at this offset of each load balancer subnet. */
  readonly privateIpOffsets?: number[];
  readonly ports?: number[];
  readonly clientPeers?: Peer[];
  readonly deletionProtection?: boolean;
  readonly crossZoneEnabled?: boolean;
  readonly sourceIpStickiness?: boolean;
  readonly idleTimeoutSeconds?: number;
  readonly customDomain?: CustomDomainConfig;
  readonly globalAccelerator?: boolean;
  readonly targetsPerZoneQuota?: number;
  readonly targetsPerTargetGroupQuota?: number;
}

interface PolicyConfig {
  /** How the policy names the endpoints: the construct, its interface endpoints, or both (a provider's service: the gatekeeper ids). */
  readonly via: 'endpoints' | 'vpcEndpoints' | 'both';
  readonly extraEndpointIds: string[];
  readonly sourceVpcs: boolean;
  readonly sourceVpcIds: string[];
  /** `sourceIpCidrs`: the peers' CIDRs and the front door's subnets, and a CfnParameter if `token`. */
  readonly sourceIps?: { readonly token: boolean };
  /** `clientIdPattern`: a prefix before the thing name, or a policy wildcard (with allowAnyClientId). */
  readonly clientId?: 'prefixed' | 'wildcard';
  readonly requireAttachedThing?: boolean;
  readonly publishTopics?: string[];
  readonly subscribeTopicFilters?: string[];
  readonly receiveTopics?: string[];
  readonly allowRetainPublish?: boolean;
  /** A reserved topic (device shadow) in publishTopics, with allowReservedTopics. */
  readonly reservedTopic: boolean;
  /** The all-topics filter `#` in subscribeTopicFilters, with allowAllTopics. */
  readonly allTopics: boolean;
  readonly restrictEveryAction?: boolean;
  readonly policyName?: string;
}

interface ZoneConfig {
  readonly recordStyle?: IotRecordStyle;
  /** `vpcs` given: the endpoint's VPC and this many device VPCs of the account. */
  readonly deviceVpcs?: number;
  readonly ttlSeconds?: number;
  readonly comment?: string;
}

interface FleetConfig {
  readonly envAgnostic: boolean;
  readonly vpc: VpcKind;
  /** Availability zones of the endpoints (the VPC has 4, or 2 when created in an environment-agnostic stack). */
  readonly zones: number;
  /** `subnets` omitted: the VPC's isolated subnets in every zone. */
  readonly defaultSubnets: boolean;
  readonly allowSingleAvailabilityZone?: boolean;
  readonly supportedAzs: boolean;
  /** Undefined: the default (100,000 devices, one endpoint). */
  readonly expectedDevices?: number;
  readonly interfaceEndpointQuota?: number;
  /** `services` lists iot.data too (with privateDnsEnabled: false). */
  readonly listsData: boolean;
  readonly credentials?: { readonly address: HostSource };
  readonly greengrass?: { readonly privateDns?: boolean; readonly endpointPolicy: boolean };
  readonly ports?: number[];
  readonly peers?: Peer[];
  readonly ownSecurityGroup: boolean;
  readonly keepAliveSeconds?: number;
  readonly dataAddress: HostSource;
  readonly dataService?: keyof typeof PROVIDER_SERVICES;
  readonly dualStack?: boolean;
  readonly zone: ZoneConfig;
  readonly frontDoor?: FrontDoorConfig;
  readonly policy: PolicyConfig;
}

const isNewVpc = (kind: VpcKind) => kind === 'new' || kind === 'dualStack';
/** A VPC created in an environment-agnostic stack has zone names that are tokens. */
const literalZoneNames = (c: Pick<FleetConfig, 'envAgnostic' | 'vpc'>) => !(c.envAgnostic && isNewVpc(c.vpc));
const vpcZoneCount = (c: Pick<FleetConfig, 'envAgnostic' | 'vpc'>) => (literalZoneNames(c) ? ZONE_SUFFIXES.length : 2);
const endpointsOf = (c: { expectedDevices?: number }) => Math.ceil((c.expectedDevices ?? 100_000) / 100_000);
const isExternal = (fd: FrontDoorConfig) => fd.internetFacing ?? true;
const frontDoorPorts = (fd: FrontDoorConfig) => fd.ports ?? ALL_PORTS;

/** The interface endpoint quota in the VPC, the Route 53 weighted records per name, and the load balancer's target quotas. */
function endpointBounds(c: Omit<FleetConfig, 'expectedDevices'>) {
  const perName = c.zone.recordStyle === IotRecordStyle.ALIAS ? c.zones + 1 : c.zones;
  const fd = c.frontDoor;
  return {
    interfaceEndpoints: (c.interfaceEndpointQuota ?? 50) - Number(c.credentials !== undefined) - Number(c.greengrass !== undefined),
    records: Math.floor(100 / perName),
    targetsPerGroup: fd ? Math.floor((fd.targetsPerTargetGroupQuota ?? 1000) / c.zones) : Infinity,
    targetsPerZone: fd
      ? Math.floor((fd.targetsPerZoneQuota ?? 500) / (frontDoorPorts(fd).length * ((fd.crossZoneEnabled ?? true) ? c.zones : 1)))
      : Infinity,
  };
}

/** The most iot.data endpoints a configuration takes. */
function maxEndpoints(c: Omit<FleetConfig, 'expectedDevices'>): number {
  return Math.min(...Object.values(endpointBounds(c)));
}

/** Percent of the cases that get a value of `arb`; undefined otherwise (the prop left out). */
function maybe<T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(undefined) }, { weight: percent, arbitrary: arb });
}

/** True in `percent` % of the cases. */
function chance(percent: number): fc.Arbitrary<boolean> {
  return fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(false) }, { weight: percent, arbitrary: fc.constant(true) });
}

const portsArb = fc.subarray(ALL_PORTS, { minLength: 1 });
/** Private CIDRs, aligned on their mask. */
const privateCidrArb = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((a) => `10.${a}.0.0/16`),
  fc.tuple(fc.integer({ min: 16, max: 31 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `172.${a}.${b}.0/24`),
  fc.integer({ min: 0, max: 255 }).map((b) => `192.168.${b}.0/24`),
);
const publicCidrArb = fc.tuple(fc.constantFrom('198.51.100', '203.0.113'), fc.integer({ min: 0, max: 255 })).map(([net, host]) => `${net}.${host}/32`);
/** IPv6 CIDRs of the documentation range. */
const ipv6CidrArb = fc.integer({ min: 1, max: 0xffff }).map((n) => `2001:db8:${n.toString(16)}::/48`);
const levelArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,9}$/);
const shortLevelArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/);
const topicArb = fc.tuple(fc.array(shortLevelArb, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean())
  .map(([levels, withThing, wildcard]) => [...levels, ...(withThing ? [THING] : []), ...(wildcard ? ['*'] : [])].join('/'));
/** Topic filters: levels, optionally a thing variable, optionally ending in the MQTT wildcard + or #. */
const filterArb = fc.tuple(fc.array(shortLevelArb, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.constantFrom('', '+', '#'))
  .map(([levels, withThing, wildcard]) => [...levels, ...(withThing ? [THING] : []), ...(wildcard ? [wildcard] : [])].join('/'));
const dnsLabelArb = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
const vpceIdArb = fc.stringMatching(/^[0-9a-f]{17}$/).map((hex) => `vpce-${hex}`);

/** Peers: mostly CIDRs, and now and then IPv6, any address, a security group or a CfnParameter. */
function peerArb(ipv4: fc.Arbitrary<string>): fc.Arbitrary<Peer> {
  return fc.oneof(
    { weight: 5, arbitrary: ipv4.map((cidr): Peer => ({ kind: 'ipv4', cidr })) },
    { weight: 2, arbitrary: ipv6CidrArb.map((cidr): Peer => ({ kind: 'ipv6', cidr })) },
    { weight: 1, arbitrary: fc.constantFrom<Peer>({ kind: 'anyIpv4' }, { kind: 'anyIpv6' }) },
    { weight: 1, arbitrary: fc.constant<Peer>({ kind: 'securityGroup' }) },
    { weight: 1, arbitrary: fc.constant<Peer>({ kind: 'token' }) },
  );
}
const peersArb = (ipv4: fc.Arbitrary<string>) => fc.uniqueArray(peerArb(ipv4), { minLength: 1, maxLength: 3, selector: (p) => ('cidr' in p ? p.cidr : p.kind) });
const hostSourceArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant<HostSource>('literal') },
  { weight: 3, arbitrary: fc.constant<HostSource>('lookup') },
  { weight: 3, arbitrary: fc.constant<HostSource>('token') },
);

/**
 * Fleets of every size up to `max` endpoints: small ones most often (fast), the largest the limits allow (and one
 * less) in a third of the cases, and the device count at both ends of the last endpoint's share.
 */
function devicesArb(max: number): fc.Arbitrary<number> {
  const endpoints = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: Math.min(3, max) }) },
    { weight: 3, arbitrary: fc.constantFrom(max, Math.max(1, max - 1)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max }) },
  );
  const lastShare = fc.oneof(fc.constantFrom(1, 100_000), fc.integer({ min: 1, max: 100_000 }));
  return fc.tuple(endpoints, lastShare).map(([n, last]) => (n - 1) * 100_000 + last);
}

const customDomainArb: fc.Arbitrary<CustomDomainConfig> = fc.record({
  domain: fc.oneof({ weight: 3, arbitrary: fc.constant<'literal'>('literal') }, { weight: 2, arbitrary: fc.constant<'token'>('token') }),
  label: fc.array(dnsLabelArb, { minLength: 1, maxLength: 2 }).map((labels) => labels.join('.')),
  zone: fc.constantFrom<CustomDomainConfig['zone']>('named', 'idOnly', 'created'),
  serverCertificate: chance(60),
  validationCertificate: chance(70),
  tlsSecurityPolicy: maybe(fc.constantFrom('IoTSecurityPolicy_TLS13_1_2_2022_10', 'IoTSecurityPolicy_TLS13_1_3_2022_10', 'IoTSecurityPolicy_TLS12_1_2_2022_10'), 50),
  authorizer: maybe(fc.record({ name: fc.stringMatching(/^[A-Za-z0-9_=,@-]{1,20}$/), allowOverride: maybe(fc.boolean(), 60) }), 55),
}).map((d) => ({ ...d, validationCertificate: d.serverCertificate && d.validationCertificate }));

const internetFacingArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(true) }, { weight: 2, arbitrary: fc.constant(false) },
);

const frontDoorArb: fc.Arbitrary<FrontDoorConfig> = internetFacingArb.chain((internetFacing) => {
  const external = internetFacing ?? true;
  return fc.record({
    internetFacing: fc.constant(internetFacing),
    explicitSubnets: fc.boolean(),
    elasticIpIds: external ? chance(50) : fc.constant(false),
    elasticIpRemoval: maybe(fc.constantFrom<'retain' | 'destroy'>('retain', 'destroy'), 85),
    privateIpOffsets: external ? fc.constant(undefined) : maybe(fc.array(fc.integer({ min: 4, max: 62 }), { minLength: 4, maxLength: 4 }), 70),
    ports: maybe(portsArb, 70),
    // internet clients for an internet-facing front door, private networks (Direct Connect, VPN) for an internal one
    clientPeers: maybe(peersArb(external ? publicCidrArb : privateCidrArb), 75),
    deletionProtection: maybe(fc.boolean(), 40),
    crossZoneEnabled: maybe(fc.boolean(), 60),
    sourceIpStickiness: maybe(fc.boolean(), 60),
    idleTimeoutSeconds: maybe(fc.integer({ min: 230, max: 6000 }), 40),
    customDomain: maybe(customDomainArb, 65),
    globalAccelerator: maybe(fc.boolean(), 70),
    targetsPerZoneQuota: maybe(fc.integer({ min: 12, max: 1500 }), 30),
    targetsPerTargetGroupQuota: maybe(fc.integer({ min: 4, max: 1000 }), 30),
  }).map((fd) => ({ ...fd, elasticIpRemoval: external && !fd.elasticIpIds ? fd.elasticIpRemoval : undefined }));
});

const policyArb: fc.Arbitrary<PolicyConfig> = fc.record({
  via: fc.constantFrom<PolicyConfig['via']>('endpoints', 'vpcEndpoints', 'both'),
  extraEndpointIds: maybe(fc.uniqueArray(vpceIdArb, { minLength: 1, maxLength: 2 }), 35).map((ids) => ids ?? []),
  sourceVpcs: fc.boolean(),
  sourceVpcIds: maybe(fc.subarray(DEVICE_VPC_IDS, { minLength: 1 }), 35).map((ids) => ids ?? []),
  sourceIps: maybe(fc.record({ token: chance(40) }), 60),
  clientId: maybe(fc.constantFrom<'prefixed' | 'wildcard'>('prefixed', 'wildcard'), 50),
  requireAttachedThing: maybe(fc.boolean(), 50),
  // few and short enough to stay under the 2,048-character policy document (random long topics beyond it are rejected; see below)
  publishTopics: fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant<string[]>([]) },
    { weight: 2, arbitrary: fc.uniqueArray(topicArb, { minLength: 1, maxLength: 2 }) }),
  subscribeTopicFilters: fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant<string[]>([]) },
    { weight: 2, arbitrary: fc.uniqueArray(filterArb, { minLength: 1, maxLength: 2 }) }),
  receiveTopics: maybe(fc.uniqueArray(topicArb, { minLength: 1, maxLength: 1 }), 35),
  allowRetainPublish: maybe(fc.boolean(), 60),
  reservedTopic: chance(30),
  allTopics: chance(25),
  restrictEveryAction: maybe(fc.boolean(), 60),
  policyName: maybe(fc.stringMatching(/^[A-Za-z0-9_+=,.@-]{1,40}$/), 30),
});

const zoneArb: fc.Arbitrary<ZoneConfig> = fc.record({
  recordStyle: maybe(fc.constantFrom(IotRecordStyle.WEIGHTED_IPS, IotRecordStyle.ALIAS), 75),
  deviceVpcs: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: DEVICE_VPC_IDS.length }) }),
  ttlSeconds: maybe(fc.integer({ min: 1, max: 172_800 }), 35),
  comment: maybe(fc.stringMatching(/^[A-Za-z0-9 ,.-]{1,40}$/), 30),
});

const placementArb = fc.record({
  envAgnostic: chance(25),
  vpc: fc.oneof(
    { weight: 3, arbitrary: fc.constant<VpcKind>('new') },
    { weight: 3, arbitrary: fc.constant<VpcKind>('dualStack') },
    { weight: 2, arbitrary: fc.constant<VpcKind>('imported') },
    { weight: 3, arbitrary: fc.constant<VpcKind>('importedWithoutSubnetCidrs') },
    { weight: 4, arbitrary: fc.constant<VpcKind>('lookedUp') },
  ),
  // Vpc.fromLookup needs a concrete environment
}).map((p) => (p.envAgnostic && p.vpc === 'lookedUp' ? { ...p, vpc: 'imported' as const } : p));

/** Everything but the device count. */
const fleetShapeArb: fc.Arbitrary<Omit<FleetConfig, 'expectedDevices'>> = placementArb.chain((p) => {
  const vpcZones = vpcZoneCount(p);
  return fc.record({
    envAgnostic: fc.constant(p.envAgnostic),
    vpc: fc.constant(p.vpc),
    zones: fc.oneof(fc.constantFrom(1, vpcZones), fc.integer({ min: 1, max: vpcZones })),
    defaultSubnets: chance(20),
    allowSingleAvailabilityZone: maybe(fc.boolean(), 30),
    // matched against the subnets' zone names, which must be literals
    supportedAzs: literalZoneNames(p) ? chance(35) : fc.constant(false),
    interfaceEndpointQuota: maybe(fc.integer({ min: 3, max: 55 }), 25),
    listsData: chance(35),
    credentials: maybe(fc.record({ address: hostSourceArb }), 60),
    greengrass: maybe(fc.record({ privateDns: maybe(fc.boolean(), 50), endpointPolicy: chance(50) }), 45),
    ports: maybe(portsArb, 75),
    peers: maybe(peersArb(privateCidrArb), 80),
    ownSecurityGroup: chance(25),
    keepAliveSeconds: maybe(fc.integer({ min: 1, max: 230 }), 30),
    dataAddress: hostSourceArb,
    dataService: maybe(fc.constantFrom<keyof typeof PROVIDER_SERVICES>('sameRegion', 'otherRegion'), 20),
    // dual-stack endpoints need IPv6 in the subnets: a dual-stack VPC, or an imported one (whose IPv6 the test cannot see)
    dualStack: p.vpc === 'new' ? maybe(fc.constant(false), 30) : maybe(fc.boolean(), p.vpc === 'dualStack' ? 85 : 50),
    zone: zoneArb,
    frontDoor: maybe(frontDoorArb, 80),
    policy: policyArb,
  });
}).map((c) => {
  const zones = c.defaultSubnets ? vpcZoneCount(c) : c.zones;
  const fd = c.frontDoor;
  return {
    ...c,
    zones,
    allowSingleAvailabilityZone: zones === 1 ? true : c.allowSingleAvailabilityZone,
    interfaceEndpointQuota: c.interfaceEndpointQuota === undefined ? undefined
      : Math.max(c.interfaceEndpointQuota, 1 + Number(c.credentials !== undefined) + Number(c.greengrass !== undefined)),
    // through a provider's service the host must be given (a lookup would return this account's own)
    dataAddress: c.dataService && c.dataAddress === 'lookup' ? 'literal' : c.dataAddress,
    // the gatekeeper's endpoint ids; the consumer's VPC and addresses are not what the provider's IoT Core sees
    policy: c.dataService ? { ...c.policy, sourceVpcs: false, sourceVpcIds: [], sourceIps: undefined } : c.policy,
    frontDoor: fd && {
      ...fd,
      // room for one endpoint at least
      targetsPerZoneQuota: fd.targetsPerZoneQuota && Math.max(fd.targetsPerZoneQuota, frontDoorPorts(fd).length * zones),
      targetsPerTargetGroupQuota: fd.targetsPerTargetGroupQuota && Math.max(fd.targetsPerTargetGroupQuota, zones),
    },
  };
});

const fleetArb: fc.Arbitrary<FleetConfig> = fleetShapeArb
  .chain((shape) => maybe(devicesArb(maxEndpoints(shape)), 80).map((expectedDevices) => fitPolicy({ ...shape, expectedDevices })));

/** AWS IoT Core's limit on a policy document, white space excluded. */
const MAX_POLICY_CHARS = 2048;

/**
 * An upper bound of the policy document's size once deployed (every endpoint id is 22 characters, every ARN at most
 * ~50 plus its name): each aws:SourceVpce entry costs 25 characters, in every restricted statement.
 */
function policySizeBound(c: FleetConfig): number {
  const p = c.policy;
  const topics = policyTopics(p);
  const arn = (kind: string, name: string) => 52 + kind.length + name.length;
  const ids = (c.dataService ? GATEKEEPER_ENDPOINT_IDS.length : endpointsOf(c)) + p.extraEndpointIds.length;
  const vpcs = Number(p.sourceVpcs) + p.sourceVpcIds.length + 1;
  const cidrs = p.sourceIps ? (c.peers?.length ?? 1) + (c.frontDoor ? ZONE_SUFFIXES.length : 0) + Number(p.sourceIps.token) : 0;
  const conditions = 130 + ids * 25 + vpcs * 24 + cidrs * 45;
  const statement = (kind: string, names: string[], actions: number) =>
    (names.length === 0 ? 0 : 60 + actions * 20 + names.reduce((n, name) => n + arn(kind, name), 0) + (p.restrictEveryAction ? conditions : 0));
  const filters = topics.subscribeTopicFilters ?? [`things/${THING}/*`];
  return 50 + 60 + 20 + arn('client', `fleet-${THING}`) + conditions + 50
    + statement('topic', topics.publishTopics ?? [`things/${THING}/*`], 2)
    + statement('topicfilter', filters, 1)
    + statement('topic', topics.receiveTopics ?? filters.flatMap((f) => [f, f]), 1);
}

/**
 * A policy that fits AWS IoT Core's 2,048 characters once deployed: conditions on every action, then the optional
 * conditions, then the topics are dropped until it does (a VPC-only policy over 55 endpoints names 55 endpoint ids).
 */
function fitPolicy(c: FleetConfig): FleetConfig {
  const cuts: Array<(p: PolicyConfig) => PolicyConfig> = [
    (p) => ({ ...p, restrictEveryAction: undefined }),
    (p) => ({ ...p, sourceIps: undefined, extraEndpointIds: [], sourceVpcIds: [] }),
    (p) => ({ ...p, publishTopics: [], subscribeTopicFilters: [], receiveTopics: undefined, reservedTopic: false, allTopics: false }),
  ];
  let fitted = c;
  for (const cut of cuts) {
    if (policySizeBound(fitted) <= MAX_POLICY_CHARS) {
      break;
    }
    fitted = { ...fitted, policy: cut(fitted.policy) };
  }
  return fitted;
}

/** The topic props as the policy gets them (undefined: the default). */
function policyTopics(p: PolicyConfig) {
  return {
    publishTopics: p.reservedTopic ? [...(p.publishTopics ?? []), `$aws/things/${THING}/shadow/update`] : p.publishTopics,
    subscribeTopicFilters: p.allTopics ? [...(p.subscribeTopicFilters ?? []), '#'] : p.subscribeTopicFilters,
    receiveTopics: p.receiveTopics,
  };
}

const allPeers = (c: FleetConfig) => [...(c.peers ?? []), ...(c.frontDoor?.clientPeers ?? [])];
const hasPeer = (c: FleetConfig, kinds: Peer['kind'][]) => allPeers(c).some((p) => kinds.includes(p.kind));
const hasDomain = (c: FleetConfig, test: (d: CustomDomainConfig) => boolean) =>
  c.frontDoor?.customDomain !== undefined && test(c.frontDoor.customDomain);

/** Every option a user can pass, as the generator produces it; each must occur in MIN_OPTION_PERCENT of the cases. */
const FLEET_OPTIONS: OptionPredicates<FleetConfig> = {
  'stack: concrete environment': (c) => !c.envAgnostic,
  'stack: environment-agnostic': (c) => c.envAgnostic,
  'vpc: new, IPv4 only': (c) => c.vpc === 'new',
  'vpc: new, dual-stack': (c) => c.vpc === 'dualStack',
  'vpc: Vpc.fromVpcAttributes with subnet CIDRs': (c) => c.vpc === 'imported',
  'vpc: Vpc.fromVpcAttributes without subnet CIDRs': (c) => c.vpc === 'importedWithoutSubnetCidrs',
  'vpc: Vpc.fromLookup': (c) => c.vpc === 'lookedUp',
  'endpoint: 1 zone (allowSingleAvailabilityZone)': (c) => c.zones === 1,
  'endpoint: every zone of the VPC': (c) => c.zones === vpcZoneCount(c),
  'endpoint: allowSingleAvailabilityZone given with 2+ zones': (c) => c.zones > 1 && c.allowSingleAvailabilityZone !== undefined,
  'endpoint: subnets default': (c) => c.defaultSubnets,
  'endpoint: supportedAvailabilityZones': (c) => c.supportedAzs,
  'endpoint: expectedDevices default': (c) => c.expectedDevices === undefined,
  'endpoint: endpoints at the limit (quota edge)': (c) => c.expectedDevices !== undefined && endpointsOf(c) === maxEndpoints(c),
  'endpoint: 25+ iot.data endpoints': (c) => endpointsOf(c) >= 25,
  'endpoint: interfaceEndpointQuota': (c) => c.interfaceEndpointQuota !== undefined,
  'endpoint: services lists iot.data': (c) => c.listsData,
  'endpoint: iot.credentials': (c) => c.credentials !== undefined,
  'endpoint: credentialsEndpointAddress looked up': (c) => c.credentials?.address === 'lookup',
  'endpoint: greengrass': (c) => c.greengrass !== undefined,
  'endpoint: greengrass privateDnsEnabled given': (c) => c.greengrass?.privateDns !== undefined,
  'endpoint: greengrass endpoint policy': (c) => c.greengrass?.endpointPolicy === true,
  'endpoint: ports given': (c) => c.ports !== undefined,
  'endpoint: peers default (VPC CIDR)': (c) => c.peers === undefined,
  'endpoint: securityGroup given': (c) => c.ownSecurityGroup,
  'endpoint: mqttKeepAlive': (c) => c.keepAliveSeconds !== undefined,
  'endpoint: dataEndpointAddress literal': (c) => c.dataAddress === 'literal',
  'endpoint: dataEndpointAddress looked up (no literal zone name)': (c) => c.dataAddress === 'lookup',
  'endpoint: dataEndpointAddress CfnParameter': (c) => c.dataAddress === 'token',
  'endpoint: dataServiceName (a provider\'s endpoint service)': (c) => c.dataService !== undefined,
  'endpoint: dualStack': (c) => c.dualStack === true,
  'peers: IPv4 CIDR (endpoint or front door)': (c) => hasPeer(c, ['ipv4']),
  'peers: IPv6 CIDR': (c) => hasPeer(c, ['ipv6']),
  'peers: 0.0.0.0/0 or ::/0': (c) => hasPeer(c, ['anyIpv4', 'anyIpv6']),
  'peers: security group': (c) => hasPeer(c, ['securityGroup']),
  'peers: CfnParameter CIDR': (c) => hasPeer(c, ['token']),
  'zone: recordStyle default': (c) => c.zone.recordStyle === undefined,
  'zone: recordStyle ALIAS': (c) => c.zone.recordStyle === IotRecordStyle.ALIAS,
  'zone: vpcs given': (c) => c.zone.deviceVpcs !== undefined,
  'zone: vpcs with device VPCs': (c) => (c.zone.deviceVpcs ?? 0) > 0,
  'zone: ttl': (c) => c.zone.ttlSeconds !== undefined,
  'zone: comment': (c) => c.zone.comment !== undefined,
  'front door: none': (c) => c.frontDoor === undefined,
  'front door: internetFacing default': (c) => c.frontDoor !== undefined && c.frontDoor.internetFacing === undefined,
  'front door: internal': (c) => c.frontDoor?.internetFacing === false,
  'front door: subnets given': (c) => c.frontDoor?.explicitSubnets === true,
  'front door: elasticIpAllocationIds': (c) => c.frontDoor?.elasticIpIds === true,
  'front door: elasticIpRemovalPolicy': (c) => c.frontDoor?.elasticIpRemoval !== undefined,
  'front door: privateIpAddresses': (c) => c.frontDoor?.privateIpOffsets !== undefined,
  'front door: ports given': (c) => c.frontDoor?.ports !== undefined,
  'front door: clientPeers given': (c) => c.frontDoor?.clientPeers !== undefined,
  'front door: clientPeers default': (c) => c.frontDoor !== undefined && c.frontDoor.clientPeers === undefined,
  'front door: deletionProtection': (c) => c.frontDoor?.deletionProtection !== undefined,
  'front door: crossZoneEnabled false': (c) => c.frontDoor?.crossZoneEnabled === false,
  'front door: sourceIpStickiness': (c) => c.frontDoor?.sourceIpStickiness === true,
  'front door: idleTimeout': (c) => c.frontDoor?.idleTimeoutSeconds !== undefined,
  'front door: Global Accelerator': (c) => c.frontDoor?.globalAccelerator === true,
  'front door: targetsPerZoneQuota': (c) => c.frontDoor?.targetsPerZoneQuota !== undefined,
  'front door: targetsPerTargetGroupQuota': (c) => c.frontDoor?.targetsPerTargetGroupQuota !== undefined,
  'custom domain': (c) => hasDomain(c, () => true),
  'custom domain: CfnParameter domainName': (c) => hasDomain(c, (d) => d.domain === 'token'),
  'custom domain: zone imported by id only': (c) => hasDomain(c, (d) => d.zone === 'idOnly'),
  'custom domain: zone created in the stack': (c) => hasDomain(c, (d) => d.zone === 'created'),
  'custom domain: serverCertificate': (c) => hasDomain(c, (d) => d.serverCertificate),
  'custom domain: validationCertificateArn': (c) => hasDomain(c, (d) => d.validationCertificate),
  'custom domain: tlsSecurityPolicy': (c) => hasDomain(c, (d) => d.tlsSecurityPolicy !== undefined),
  'custom domain: authorizer': (c) => hasDomain(c, (d) => d.authorizer !== undefined),
  'custom domain with Global Accelerator': (c) => hasDomain(c, () => c.frontDoor?.globalAccelerator === true),
  'policy: endpoints': (c) => !c.dataService && c.policy.via !== 'vpcEndpoints',
  'policy: vpcEndpoints': (c) => !c.dataService && c.policy.via !== 'endpoints',
  'policy: vpcEndpointIds': (c) => c.dataService !== undefined || c.policy.extraEndpointIds.length > 0,
  'policy: sourceVpcs': (c) => c.policy.sourceVpcs,
  'policy: sourceVpcIds': (c) => c.policy.sourceVpcIds.length > 0,
  'policy: sourceIpCidrs': (c) => c.policy.sourceIps !== undefined,
  'policy: sourceIpCidrs with a CfnParameter': (c) => c.policy.sourceIps?.token === true,
  'policy: clientIdPattern': (c) => c.policy.clientId !== undefined,
  'policy: allowAnyClientId (wildcard client id)': (c) => c.policy.clientId === 'wildcard',
  'policy: requireAttachedThing false': (c) => c.policy.requireAttachedThing === false,
  'policy: publishTopics default': (c) => policyTopics(c.policy).publishTopics === undefined,
  'policy: publishTopics empty': (c) => policyTopics(c.policy).publishTopics?.length === 0,
  'policy: subscribeTopicFilters default': (c) => policyTopics(c.policy).subscribeTopicFilters === undefined,
  'policy: subscribeTopicFilters empty': (c) => policyTopics(c.policy).subscribeTopicFilters?.length === 0,
  'policy: receiveTopics': (c) => c.policy.receiveTopics !== undefined,
  'policy: allowRetainPublish': (c) => c.policy.allowRetainPublish === true,
  'policy: allowReservedTopics': (c) => c.policy.reservedTopic,
  'policy: allowAllTopics': (c) => c.policy.allTopics,
  'policy: restrictEveryAction': (c) => c.policy.restrictEveryAction === true,
  'policy: policyName': (c) => c.policy.policyName !== undefined,
};

// -----------------------------------------------------------------------------------------------------------------
// Building and reading
// -----------------------------------------------------------------------------------------------------------------

/** Why a configuration's template is non-compliant on purpose (left out of the cfn-lint and Guard checks), if it is. */
function lintSkipReason(c: FleetConfig): string | undefined {
  const anywhere = (peers?: Peer[]) => peers?.some((p) => p.kind === 'anyIpv4' || p.kind === 'anyIpv6') ?? false;
  if (anywhere(c.peers)) {
    return 'random fleet whose endpoint peers include 0.0.0.0/0 or ::/0 on purpose (the warning and the findings must stay visible)';
  }
  // an internet-facing front door open to any address is acknowledged (with its reason); an internal one is not
  return c.frontDoor?.internetFacing === false && anywhere(c.frontDoor.clientPeers)
    ? 'random fleet whose internal front door admits 0.0.0.0/0 or ::/0 on purpose (CT.EC2.PR.3 must stay visible)'
    : undefined;
}

/**
 * An App that answers every lookup of a configuration (zones of the region and of the services; the looked-up VPC is
 * answered in its stack), with LINT_SKIP_CONTEXT when the template is non-compliant or undeployable on purpose.
 */
function fleetApp(c?: FleetConfig, lintSkip?: string): App {
  const all = { 'iot.data': ZONE_SUFFIXES, 'iot.credentials': ZONE_SUFFIXES, 'greengrass': ZONE_SUFFIXES };
  const providerZones = `${cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER}:account=${TEST_ACCOUNT}:region=${TEST_REGION}:serviceName=${SERVICE_NAME}`;
  const reason = lintSkip ?? (c && lintSkipReason(c));
  return concreteApp({ zoneSuffixes: ZONE_SUFFIXES, serviceZoneSuffixes: all }, {
    context: { [providerZones]: ZONE_NAMES, ...(reason ? { [LINT_SKIP_CONTEXT]: reason } : {}) },
  });
}

function fleetVpc(stack: Stack, ipProtocol = ec2.IpProtocol.IPV4_ONLY): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 4,
    natGateways: 0,
    ipProtocol,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26, mapPublicIpOnLaunch: false },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
}

/** What the CLI's vpc-provider answers for LOOKED_UP_VPC_ID. */
function lookedUpVpcResponse(): cxapi.VpcContextResponse {
  const subnets = (kind: string, cidrs: string[]) => ZONE_SUFFIXES.map((s, i) => ({
    subnetId: `subnet-0${kind}${s}0123456789abc`, availabilityZone: ZONE_NAMES[i], routeTableId: `rtb-0${kind}${s}0123456789abc`, cidr: cidrs[i],
  }));
  return {
    vpcId: LOOKED_UP_VPC_ID,
    vpcCidrBlock: VPC_CIDR,
    availabilityZones: [],
    subnetGroups: [
      { name: 'Public', type: cxapi.VpcSubnetGroupType.PUBLIC, subnets: subnets('e0', PUBLIC_SUBNET_CIDRS) },
      { name: 'Isolated', type: cxapi.VpcSubnetGroupType.ISOLATED, subnets: subnets('f0', ISOLATED_SUBNET_CIDRS) },
    ],
  };
}

function vpcOf(stack: Stack, kind: VpcKind): ec2.IVpc {
  switch (kind) {
    case 'new': return fleetVpc(stack);
    case 'dualStack': return fleetVpc(stack, ec2.IpProtocol.DUAL_STACK);
    case 'imported':
    case 'importedWithoutSubnetCidrs': {
      const ids = (kind2: string) => ZONE_SUFFIXES.map((s) => `subnet-0${kind2}${s}0123456789abc`);
      const routes = (kind2: string) => ZONE_SUFFIXES.map((s) => `rtb-0${kind2}${s}0123456789abc`);
      return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: IMPORTED_VPC_ID,
        vpcCidrBlock: VPC_CIDR,
        availabilityZones: ZONE_NAMES,
        publicSubnetIds: ids('e0'),
        publicSubnetRouteTableIds: routes('e0'),
        isolatedSubnetIds: ids('f0'),
        isolatedSubnetRouteTableIds: routes('f0'),
        ...(kind === 'imported' ? { publicSubnetIpv4CidrBlocks: PUBLIC_SUBNET_CIDRS, isolatedSubnetIpv4CidrBlocks: ISOLATED_SUBNET_CIDRS } : {}),
      });
    }
    case 'lookedUp': {
      const props = { filter: { 'vpc-id': LOOKED_UP_VPC_ID }, returnAsymmetricSubnets: true };
      stack.node.setContext(ContextProvider.getKey(stack, { provider: cxschema.ContextProvider.VPC_PROVIDER, props }).key, lookedUpVpcResponse());
      return ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: LOOKED_UP_VPC_ID });
    }
  }
}

/** One load balancer subnet: its zone and CIDR (from the layout for imported subnets, which may not tell it). */
interface LbSubnet {
  readonly zone: string;
  readonly cidr: string;
}

/** The subnets the front door's load balancer uses, in order: those selected, or the default ones in the endpoint's zones. */
function frontDoorSubnets(vpc: ec2.IVpc, c: FleetConfig, zoneNames: string[]): LbSubnet[] {
  const external = isExternal(c.frontDoor!);
  const filter = c.frontDoor!.explicitSubnets || literalZoneNames(c);
  const selected = vpc.selectSubnets({
    subnetType: external ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_ISOLATED,
    onePerAz: true,
    ...(filter ? { availabilityZones: zoneNames } : {}),
  }).subnets;
  return selected.map((s) => ({
    zone: s.availabilityZone,
    cidr: isNewVpc(c.vpc) ? s.ipv4CidrBlock : (external ? PUBLIC_SUBNET_CIDRS : ISOLATED_SUBNET_CIDRS)[ZONE_NAMES.indexOf(s.availabilityZone)],
  }));
}

/** The address `offset` places into an IPv4 CIDR. */
function addressIn(cidr: string, offset: number): string {
  const base = cidr.split('/')[0].split('.').reduce((n, o) => n * 256 + Number(o), 0) + offset;
  return [3, 2, 1, 0].map((octet) => Math.floor(base / 256 ** octet) % 256).join('.');
}

interface Fleet {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.IVpc;
  readonly zoneNames: string[];
  readonly endpoint: PrivateIotDataEndpoint;
  readonly zone: IotPrivateHostedZone;
  readonly frontDoor?: StaticIpIotFrontDoor;
  readonly lbSubnets: LbSubnet[];
  readonly privateIps?: string[];
  readonly policy: VpceOnlyIotPolicy;
  /** The security groups named as peers (endpoint, front door). */
  readonly deviceGroup?: ec2.ISecurityGroup;
  readonly clientGroup?: ec2.ISecurityGroup;
}

/** What a breakage may read to derive its overrides: the parts built before the construct it breaks. */
interface Parts {
  readonly stack: Stack;
  readonly vpc: ec2.IVpc;
  readonly zoneNames: string[];
  readonly endpoint?: PrivateIotDataEndpoint;
  readonly lbSubnets?: LbSubnet[];
  readonly privateIps?: string[];
  readonly sourceIpCidrs?: string[];
}

type Override = Record<string, unknown> | ((parts: Parts) => Record<string, unknown>);
const overrideOf = (o: Override | undefined, parts: Parts) => (typeof o === 'function' ? o(parts) : o ?? {});

/** Prop overrides an invalid case applies on top of a valid configuration. */
interface Overrides {
  readonly endpoint?: Override;
  readonly zone?: Override;
  readonly frontDoor?: Override;
  readonly policy?: Override;
}

/** A CfnParameter's value (one parameter per id). */
function parameter(stack: Stack, id: string): string {
  const existing = stack.node.tryFindChild(id) as CfnParameter | undefined;
  return (existing ?? new CfnParameter(stack, id, { type: 'String', description: `Random fleet: ${id}` })).valueAsString;
}

function hostOf(stack: Stack, source: HostSource, literal: string, parameterId: string): string | undefined {
  return source === 'literal' ? literal : source === 'token' ? parameter(stack, parameterId) : undefined;
}

/** The CIDRs of literal peers (the VPC's CIDR when there are none) and the front door's subnets, for sourceIpCidrs. */
function sourceIpCidrsOf(c: FleetConfig, stack: Stack, lbSubnets: LbSubnet[]): string[] {
  const literal = (c.peers ?? []).flatMap((p) => {
    switch (p.kind) {
      case 'ipv4': case 'ipv6': return [p.cidr];
      case 'anyIpv4': return ['0.0.0.0/0'];
      case 'anyIpv6': return ['::/0'];
      default: return [];
    }
  });
  return [
    ...(literal.length > 0 ? literal : [VPC_CIDR]),
    // behind the front door AWS IoT Core sees the load balancer's subnets as source (the policy checks it)
    ...lbSubnets.map((s) => s.cidr),
    ...(c.policy.sourceIps?.token ? [parameter(stack, PARAMETER.sourceIp)] : []),
  ];
}

function buildFleet(c: FleetConfig, overrides: Overrides = {}, app: App = fleetApp(c)): Fleet {
  const stack = c.envAgnostic ? new Stack(app, 'Fleet') : testStack(app, 'Fleet');
  const vpc = vpcOf(stack, c.vpc);
  const zoneNames = vpc.availabilityZones.slice(0, c.zones);
  const groups = new Map<string, ec2.ISecurityGroup>();
  const groupOf = (id: string) => groups.get(id)
    ?? groups.set(id, new ec2.SecurityGroup(stack, id, { vpc, allowAllOutbound: false, description: `Random fleet: ${id}` })).get(id)!;
  const peerOf = (p: Peer, tokenId: string, groupId: string): ec2.IPeer => {
    switch (p.kind) {
      case 'ipv4': return ec2.Peer.ipv4(p.cidr);
      case 'ipv6': return ec2.Peer.ipv6(p.cidr);
      case 'anyIpv4': return ec2.Peer.anyIpv4();
      case 'anyIpv6': return ec2.Peer.anyIpv6();
      case 'securityGroup': return groupOf(groupId);
      case 'token': return ec2.Peer.ipv4(parameter(stack, tokenId));
    }
  };

  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
    vpc,
    subnets: c.defaultSubnets ? undefined : { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: zoneNames },
    supportedAvailabilityZones: c.supportedAzs ? ZONE_NAMES : undefined,
    allowSingleAvailabilityZone: c.allowSingleAvailabilityZone,
    expectedDevices: c.expectedDevices,
    interfaceEndpointQuota: c.interfaceEndpointQuota,
    services: servicesOf(c),
    ports: c.ports,
    peers: c.peers?.map((p) => peerOf(p, PARAMETER.devicePeer, 'DeviceGroup')),
    securityGroup: c.ownSecurityGroup ? groupOf('EndpointGroup') : undefined,
    mqttKeepAlive: c.keepAliveSeconds === undefined ? undefined : Duration.seconds(c.keepAliveSeconds),
    dataEndpointAddress: hostOf(stack, c.dataAddress, DATA_ADDRESS, PARAMETER.dataAddress),
    credentialsEndpointAddress: c.credentials && hostOf(stack, c.credentials.address, CREDENTIALS_ADDRESS, PARAMETER.credentialsAddress),
    dataServiceName: c.dataService && PROVIDER_SERVICES[c.dataService],
    dualStack: c.dualStack,
    ...overrideOf(overrides.endpoint, { stack, vpc, zoneNames }),
  });

  const deviceVpcs = Array.from({ length: c.zone.deviceVpcs ?? 0 }, (_, i) => ec2.Vpc.fromVpcAttributes(stack, `DeviceVpc${i + 1}`, {
    vpcId: DEVICE_VPC_IDS[i], availabilityZones: ZONE_NAMES.slice(0, 1),
  }));
  const zone = new IotPrivateHostedZone(stack, 'Zone', {
    endpoint,
    recordStyle: c.zone.recordStyle,
    vpcs: c.zone.deviceVpcs === undefined ? undefined : [vpc, ...deviceVpcs],
    ttl: c.zone.ttlSeconds === undefined ? undefined : Duration.seconds(c.zone.ttlSeconds),
    comment: c.zone.comment,
    ...overrideOf(overrides.zone, { stack, vpc, zoneNames, endpoint }),
  });

  const fd = c.frontDoor;
  const lbSubnets = fd ? frontDoorSubnets(vpc, c, zoneNames) : [];
  const privateIps = fd?.privateIpOffsets && lbSubnets.map((s, i) => addressIn(s.cidr, fd.privateIpOffsets![i]));
  const domain = fd?.customDomain;
  const frontDoor = fd && new StaticIpIotFrontDoor(stack, 'FrontDoor', {
    endpoint,
    internetFacing: fd.internetFacing,
    subnets: fd.explicitSubnets
      ? { subnetType: isExternal(fd) ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: zoneNames }
      : undefined,
    elasticIpAllocationIds: fd.elasticIpIds ? ELASTIC_IP_IDS.slice(0, lbSubnets.length) : undefined,
    elasticIpRemovalPolicy: fd.elasticIpRemoval && (fd.elasticIpRemoval === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN),
    privateIpAddresses: privateIps,
    ports: fd.ports,
    clientPeers: fd.clientPeers?.map((p) => peerOf(p, PARAMETER.clientPeer, 'ClientGroup')),
    deletionProtection: fd.deletionProtection,
    crossZoneEnabled: fd.crossZoneEnabled,
    sourceIpStickiness: fd.sourceIpStickiness,
    idleTimeout: fd.idleTimeoutSeconds === undefined ? undefined : Duration.seconds(fd.idleTimeoutSeconds),
    customDomain: domain && customDomainOf(stack, domain),
    globalAccelerator: fd.globalAccelerator,
    targetsPerZoneQuota: fd.targetsPerZoneQuota,
    targetsPerTargetGroupQuota: fd.targetsPerTargetGroupQuota,
    ...overrideOf(overrides.frontDoor, { stack, vpc, zoneNames, endpoint, lbSubnets, privateIps }),
  });

  const p = c.policy;
  const topics = policyTopics(p);
  const sourceIpCidrs = p.sourceIps && sourceIpCidrsOf(c, stack, lbSubnets);
  const endpointIds = [...(c.dataService ? GATEKEEPER_ENDPOINT_IDS : []), ...p.extraEndpointIds];
  // the endpoint's own VPC is always among the aws:SourceVpc values (else no device could connect)
  const sourceVpcIds = p.sourceVpcIds.length > 0 ? [...p.sourceVpcIds, ...(p.sourceVpcs ? [] : [vpc.vpcId])] : undefined;
  const policy = new VpceOnlyIotPolicy(stack, 'Policy', {
    endpoints: !c.dataService && p.via !== 'vpcEndpoints' ? [endpoint] : undefined,
    vpcEndpoints: !c.dataService && p.via !== 'endpoints' ? endpoint.dataEndpoints : undefined,
    vpcEndpointIds: endpointIds.length > 0 ? endpointIds : undefined,
    sourceVpcs: p.sourceVpcs ? [vpc] : undefined,
    sourceVpcIds,
    sourceIpCidrs,
    clientIdPattern: p.clientId === 'prefixed' ? `fleet-${THING}` : p.clientId === 'wildcard' ? 'fleet-*' : undefined,
    allowAnyClientId: p.clientId === 'wildcard' ? true : undefined,
    requireAttachedThing: p.requireAttachedThing,
    ...topics,
    allowRetainPublish: p.allowRetainPublish,
    allowReservedTopics: p.reservedTopic ? true : undefined,
    allowAllTopics: p.allTopics ? true : undefined,
    restrictEveryAction: p.restrictEveryAction,
    policyName: p.policyName,
    ...overrideOf(overrides.policy, { stack, vpc, zoneNames, endpoint, lbSubnets, privateIps, sourceIpCidrs }),
  });
  return {
    app,
    stack,
    vpc,
    zoneNames,
    endpoint,
    zone,
    frontDoor,
    lbSubnets,
    privateIps,
    policy,
    deviceGroup: groups.get('DeviceGroup'),
    clientGroup: groups.get('ClientGroup'),
  };
}

type Resource = { Type: string; Properties?: any; DeletionPolicy?: string };
type Resources = Record<string, Resource>;

function synthesize(stack: Stack): Resources {
  return (stack.node.root as App).synth({ force: true }).getStackArtifact(stack.artifactId).template.Resources;
}

/** The resources of a stack, and the ids of the warnings (`cdk-private-iot:...`) of its constructs. */
function synthesizeWithWarnings(stack: Stack): { resources: Resources; warnings: Set<string> } {
  const artifact = (stack.node.root as App).synth({ force: true }).getStackArtifact(stack.artifactId);
  const warnings = artifact.messages.filter((m) => m.level === 'warning')
    .flatMap((m) => String(m.entry.data).match(/cdk-private-iot:\w+/g) ?? []);
  return { resources: artifact.template.Resources, warnings: new Set(warnings) };
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

/** The rule sources (`"<cidr JSON>"` or a security group's logical id) that `peers` stand for. */
function sourcesOf(fleet: Fleet, peers: Peer[], tokenId: string, group: ec2.ISecurityGroup | undefined): string[] {
  return peers.map((p) => {
    switch (p.kind) {
      case 'ipv4': case 'ipv6': return JSON.stringify(p.cidr);
      case 'anyIpv4': return JSON.stringify('0.0.0.0/0');
      case 'anyIpv6': return JSON.stringify('::/0');
      case 'token': return JSON.stringify({ Ref: tokenId });
      case 'securityGroup': return logicalIdOf(fleet.stack, group!.securityGroupId);
    }
  });
}

const sorted = <T>(values: Iterable<T>) => [...new Set(values)].sort();

/**
 * The size of a policy document as AWS IoT Core gets it (white space excluded): VPC endpoint ids are `vpce-` and 17
 * hex digits (a VPC id is one shorter), pseudo parameters this test's values (a long region for an agnostic stack),
 * CfnParameters an IPv4 CIDR of the greatest length.
 */
function deployedSize(document: unknown): number {
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'ap-southeast-2', 'AWS::AccountId': TEST_ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };
  const parameters = new Set<string>(Object.values(PARAMETER));
  const value = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      return v.map(value);
    }
    if (v === null || typeof v !== 'object') {
      return v;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === 'Ref') {
      const ref = String(entries[0][1]);
      return pseudo[ref] ?? (parameters.has(ref) ? '255.255.255.255/32' : 'vpce-0123456789abcdef0');
    }
    if (entries.length === 1 && entries[0][0] === 'Fn::Join') {
      const [separator, parts] = entries[0][1] as [string, unknown[]];
      return parts.map(value).join(separator);
    }
    if (entries.length === 1 && entries[0][0].startsWith('Fn::')) {
      return 'vpce-0123456789abcdef0';
    }
    return Object.fromEntries(entries.map(([k, inner]) => [k, value(inner)]));
  };
  return JSON.stringify(value(document)).replace(/\s/g, '').length;
}
const attributes = (list: Array<{ Key: string; Value: string }> = []) => Object.fromEntries(list.map((a) => [a.Key, a.Value]));
/** The inline policy size IAM counts (white space excluded). */
const policySize = (document: unknown) => JSON.stringify(document).replace(/\s/g, '').length;

// -----------------------------------------------------------------------------------------------------------------
// Valid configurations
// -----------------------------------------------------------------------------------------------------------------

describe('random valid configurations', () => {
  /** The configurations the invariant property ran on, for the coverage table. */
  const seen: FleetConfig[] = [];
  afterAll(() => {
    if (seen.length > 0) {
      // eslint-disable-next-line no-console
      console.log(coverageTable('Fleet options in this run (random seed)', seen.length, optionCoverage(seen, FLEET_OPTIONS)));
    }
  });

  test(`every option of the fleet generator occurs in at least ${MIN_OPTION_PERCENT}% of ${RUNS.valid} seeded cases`, () => {
    const cases = fc.sample(fleetArb, { seed: COVERAGE_SEED, numRuns: RUNS.valid });
    expect(rareOptions(optionCoverage(cases, FLEET_OPTIONS), cases.length, MIN_OPTION_PERCENT)).toEqual([]);
  });

  test('synthesize, and the invariants hold', () => {
    fc.assert(fc.property(fleetArb, (c) => {
      seen.push(c);
      const fleet = buildFleet(c);
      const { stack, endpoint } = fleet;
      const { resources, warnings } = synthesizeWithWarnings(stack);
      const json = (v: unknown) => JSON.stringify(stack.resolve(v));
      const endpoints = endpointsOf(c);
      const interfaces = endpoints * c.zones;
      const fd = c.frontDoor;

      // N endpoints for N x 100,000 devices, one interface per zone each
      expect(endpoint.dataEndpoints).toHaveLength(endpoints);
      expect(endpoint.networkInterfacesPerEndpoint).toBe(c.zones);
      const vpcEndpoints = ofType(resources, 'AWS::EC2::VPCEndpoint');
      expect(vpcEndpoints).toHaveLength(endpoints + Number(c.credentials !== undefined) + Number(c.greengrass !== undefined));
      for (const [, e] of vpcEndpoints) {
        expect(e.Properties.IpAddressType).toBe(c.dualStack ? 'dualstack' : undefined);
        expect(e.Properties.SubnetIds).toHaveLength(c.zones);
      }
      const serviceNames = vpcEndpoints.map(([, e]) => json(e.Properties.ServiceName));
      expect(serviceNames.filter((n) => n === JSON.stringify(c.dataService && PROVIDER_SERVICES[c.dataService])))
        .toHaveLength(c.dataService ? endpoints : 0);
      const greengrass = vpcEndpoints.filter(([, e]) => json(e.Properties.ServiceName).includes('greengrass'));
      expect(greengrass.map(([, e]) => [e.Properties.PrivateDnsEnabled, e.Properties.PolicyDocument !== undefined]))
        .toEqual(c.greengrass ? [[c.greengrass.privateDns ?? true, c.greengrass.endpointPolicy]] : []);
      expect(vpcEndpoints.filter(([, e]) => e.Properties.PrivateDnsEnabled === true))
        .toHaveLength(c.greengrass && c.greengrass.privateDns !== false ? 1 : 0);
      expect(endpoint.mqttKeepAlive.toSeconds()).toBe(c.keepAliveSeconds ?? 230);

      // the zones: named after the host (a literal, a CfnParameter, or the deployment-time lookup); weighted records =
      // network interfaces of all endpoints (WEIGHTED_IPS) or every DNS name of every endpoint (ALIAS); equal weights
      const zones = ofType(resources, 'AWS::Route53::HostedZone');
      expect(zones).toHaveLength(1 + Number(c.credentials !== undefined) + Number(hasDomain(c, (d) => d.zone === 'created')));
      const dataZoneId = logicalIdOf(stack, fleet.zone.dataZone.hostedZoneId);
      const dataZone = resources[dataZoneId].Properties;
      const describeEndpoint = (type: string) => ofType(resources, LOOKUP_RESOURCE_TYPE)
        .filter(([, r]) => JSON.stringify(r.Properties.Call).includes(type));
      expect(describeEndpoint('iot:Data-ATS')).toHaveLength(c.dataAddress === 'lookup' ? 1 : 0);
      expect(describeEndpoint('iot:CredentialProvider')).toHaveLength(c.credentials?.address === 'lookup' ? 1 : 0);
      if (c.dataAddress === 'literal') {
        expect(dataZone.Name).toBe(`${DATA_ADDRESS}.`);
      } else {
        // no literal zone name: the lookup's answer or the parameter
        expect(typeof dataZone.Name).not.toBe('string');
        expect(JSON.stringify(dataZone.Name)).toContain(c.dataAddress === 'token' ? `{"Ref":"${PARAMETER.dataAddress}"}` : describeEndpoint('iot:Data-ATS')[0][0]);
      }
      expect(dataZone.VPCs).toHaveLength(1 + (c.zone.deviceVpcs ?? 0));
      expect(dataZone.HostedZoneConfig.Comment.startsWith(c.zone.comment ?? 'AWS IoT Core private path (cdk-private-iot)')).toBe(true);
      const dataRecords = ofType(resources, 'AWS::Route53::RecordSet').filter(([, r]) => r.Properties.HostedZoneId.Ref === dataZoneId);
      const alias = c.zone.recordStyle === IotRecordStyle.ALIAS;
      const perType = alias ? endpoints * (c.zones + 1) : interfaces;
      expect(dataRecords.filter(([, r]) => r.Properties.Type === 'A')).toHaveLength(perType);
      expect(dataRecords.filter(([, r]) => r.Properties.Type === 'AAAA')).toHaveLength(c.dualStack ? perType : 0);
      expect(sorted(dataRecords.map(([, r]) => r.Properties.Weight))).toEqual([1]);
      expect(sorted(dataRecords.map(([, r]) => r.Properties.TTL))).toEqual([alias ? undefined : String(c.zone.ttlSeconds ?? 60)]);

      // one lookup Lambda per stack at most, and only when something is looked up; its role's inline policies fit IAM's 10,240 characters
      const lookups = ofType(resources, LOOKUP_RESOURCE_TYPE);
      expect(ofType(resources, 'AWS::Lambda::Function')).toHaveLength(lookups.length > 0 ? 1 : 0);
      const inlineByRole = new Map<string, number>();
      for (const [, p] of ofType(resources, 'AWS::IAM::Policy')) {
        for (const role of p.Properties.Roles) {
          inlineByRole.set(JSON.stringify(role), (inlineByRole.get(JSON.stringify(role)) ?? 0) + policySize(p.Properties.PolicyDocument));
        }
      }
      expect([...inlineByRole.values()].filter((size) => size > 10_240)).toEqual([]);
      expect(Object.keys(resources).length).toBeLessThanOrEqual(500);

      // security groups: exactly the peers given (or the defaults), on exactly the ports given; the front door reaches the endpoints
      const endpointGroup = logicalIdOf(stack, endpoint.securityGroup.securityGroupId);
      const frontDoorGroup = fleet.frontDoor && logicalIdOf(stack, fleet.frontDoor.securityGroup.securityGroupId);
      const ruleKeys = (group: string) => sorted(ingressRules(resources).filter((r) => r.group === group)
        .map((r) => `${r.sourceGroup ?? JSON.stringify(r.cidr)} ${r.protocol} ${r.fromPort}-${r.toPort}`));
      const expectRules = (sources: string[], ports: number[]) => sorted(sources.flatMap((s) => ports.map((port) => `${s} tcp ${port}-${port}`)));
      const defaultPeers = [
        json(fleet.vpc.vpcCidrBlock),
        ...(c.dualStack && fleet.vpc instanceof ec2.Vpc ? [json(Fn.select(0, fleet.vpc.vpcIpv6CidrBlocks))] : []),
      ];
      expect(ruleKeys(endpointGroup)).toEqual(sorted([
        ...expectRules(c.peers ? sourcesOf(fleet, c.peers, PARAMETER.devicePeer, fleet.deviceGroup) : defaultPeers, c.ports ?? ALL_PORTS),
        ...(fd ? expectRules([frontDoorGroup!], frontDoorPorts(fd)) : []),
      ]));
      if (fd) {
        const defaultClients = [isExternal(fd) ? JSON.stringify('0.0.0.0/0') : json(fleet.vpc.vpcCidrBlock)];
        const clients = fd.clientPeers ? sourcesOf(fleet, fd.clientPeers, PARAMETER.clientPeer, fleet.clientGroup) : defaultClients;
        expect(ruleKeys(frontDoorGroup!)).toEqual(expectRules(clients, frontDoorPorts(fd)));
      }
      expect(ingressRules(resources).filter((r) => r.group !== endpointGroup && r.group !== frontDoorGroup)).toEqual([]);
      for (const rule of egressRules(resources)) {
        if (rule.destinationGroup === undefined) {
          expect(rule).toMatchObject(NO_EGRESS);
        } else {
          expect([rule.group, rule.destinationGroup]).toEqual([frontDoorGroup, endpointGroup]);
          expect(frontDoorPorts(fd!)).toContain(rule.fromPort);
        }
      }

      // the front door: one target group and listener per port, targets = network interfaces of all endpoints
      const groups = ofType(resources, 'AWS::ElasticLoadBalancingV2::TargetGroup');
      expect(groups).toHaveLength(fd ? frontDoorPorts(fd).length : 0);
      for (const [, group] of groups) {
        expect(group.Properties.Targets).toHaveLength(interfaces);
        expect(sorted(group.Properties.Targets.map((t: any) => t.Port))).toEqual([group.Properties.Port]);
        expect(attributes(group.Properties.TargetGroupAttributes)['stickiness.type']).toBe(fd?.sourceIpStickiness ? 'source_ip' : undefined);
      }
      const balancers = ofType(resources, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
      expect(balancers).toHaveLength(fd ? 1 : 0);
      const eips = ofType(resources, 'AWS::EC2::EIP');
      const createsEips = fd !== undefined && isExternal(fd) && !fd.elasticIpIds;
      expect(eips).toHaveLength(createsEips ? fleet.lbSubnets.length : 0);
      for (const [, eip] of eips) {
        // created Elastic IPs are retained, unless the user chose otherwise
        expect(eip.DeletionPolicy).toBe(fd?.elasticIpRemoval === 'destroy' ? 'Delete' : 'Retain');
      }
      if (fd) {
        const lb = balancers[0][1].Properties;
        expect(lb.Scheme).toBe(isExternal(fd) ? 'internet-facing' : 'internal');
        expect(lb.SubnetMappings).toHaveLength(fleet.lbSubnets.length);
        expect(lb.SubnetMappings.map((m: any) => m.AllocationId).filter((a: unknown) => a !== undefined))
          .toEqual(!isExternal(fd) ? [] : fd.elasticIpIds ? ELASTIC_IP_IDS.slice(0, fleet.lbSubnets.length) : eips.map(([id]) => ({ 'Fn::GetAtt': [id, 'AllocationId'] })));
        expect(lb.SubnetMappings.map((m: any) => m.PrivateIPv4Address).filter((a: unknown) => a !== undefined)).toEqual(fleet.privateIps ?? []);
        expect(attributes(lb.LoadBalancerAttributes)).toMatchObject({
          'deletion_protection.enabled': String(fd.deletionProtection ?? true),
          'load_balancing.cross_zone.enabled': String(fd.crossZoneEnabled ?? true),
        });
        const listeners = ofType(resources, 'AWS::ElasticLoadBalancingV2::Listener');
        expect(sorted(listeners.map(([, l]) => l.Properties.Port))).toEqual(sorted(frontDoorPorts(fd)));
        for (const [, l] of listeners) {
          expect(l.Properties.Protocol).toBe('TCP');
          expect(attributes(l.Properties.ListenerAttributes)['tcp.idle_timeout.seconds']).toBe(String(fd.idleTimeoutSeconds ?? 350));
        }
        // given Elastic IPs: their addresses are looked up at deployment
        expect(ofType(resources, LOOKUP_RESOURCE_TYPE).filter(([, r]) => JSON.stringify(r.Properties.Call).includes('describeAddresses'))).toHaveLength(fd.elasticIpIds ? 1 : 0);
      }

      // Global Accelerator: one accelerator with the front door's ports, client addresses preserved towards the load balancer
      const accelerators = ofType(resources, 'AWS::GlobalAccelerator::Accelerator');
      expect(accelerators).toHaveLength(fd?.globalAccelerator ? 1 : 0);
      if (fd?.globalAccelerator) {
        const [[, listener]] = ofType(resources, 'AWS::GlobalAccelerator::Listener');
        expect(sorted(listener.Properties.PortRanges.map((r: any) => `${r.FromPort}-${r.ToPort}`))).toEqual(sorted(frontDoorPorts(fd).map((port) => `${port}-${port}`)));
        expect(listener.Properties.ClientAffinity).toBe(fd.sourceIpStickiness ? 'SOURCE_IP' : 'NONE');
        const [[, group]] = ofType(resources, 'AWS::GlobalAccelerator::EndpointGroup');
        expect(group.Properties.EndpointConfigurations).toEqual([expect.objectContaining({ ClientIPPreservationEnabled: true })]);
      }

      // custom domain: a domain configuration with the given (or a new) certificate, and an alias to the accelerator or the load balancer
      const domain = fd?.customDomain;
      const configurations = ofType(resources, 'AWS::IoT::DomainConfiguration');
      expect(configurations).toHaveLength(domain ? 1 : 0);
      expect(ofType(resources, 'AWS::CertificateManager::Certificate')).toHaveLength(domain && !domain.serverCertificate ? 1 : 0);
      if (domain) {
        const configuration = configurations[0][1].Properties;
        expect(configuration.ServiceType).toBe('DATA');
        expect(configuration.ValidationCertificateArn).toBe(domain.validationCertificate ? VALIDATION_CERTIFICATE_ARN : undefined);
        expect(configuration.TlsConfig.SecurityPolicy).toBe(domain.tlsSecurityPolicy ?? 'IoTSecurityPolicy_TLS13_1_2_2022_10');
        expect(configuration.AuthorizerConfig).toEqual(domain.authorizer
          ? { DefaultAuthorizerName: domain.authorizer.name, AllowAuthorizerOverride: domain.authorizer.allowOverride ?? false } : undefined);
        const name = domain.domain === 'token' ? { 'Fn::Join': ['', [{ Ref: PARAMETER.domain }, '.']] } : `${domain.label}.${DOMAIN_ZONE_NAME}.`;
        const records = ofType(resources, 'AWS::Route53::RecordSet').filter(([, r]) => JSON.stringify(r.Properties.Name) === JSON.stringify(name) && r.Properties.Type === 'A');
        expect(records).toHaveLength(1);
        const target = fd.globalAccelerator ? accelerators[0][0] : balancers[0][0];
        expect(JSON.stringify(records[0][1].Properties.AliasTarget.DNSName)).toContain(`"${target}"`);
      }

      // the IoT policy: fits AWS IoT Core's 2,048 characters as deployed; no statement with iot:* (or *); the endpoint
      // condition where it must be, with every endpoint named
      const [[, policy]] = ofType(resources, 'AWS::IoT::Policy');
      expect(deployedSize(policy.Properties.PolicyDocument)).toBeLessThanOrEqual(MAX_POLICY_CHARS);
      expect(policy.Properties.PolicyName).toBe(c.policy.policyName);
      const statements = policy.Properties.PolicyDocument.Statement;
      const topics = policyTopics(c.policy);
      const endpointIds = c.dataService ? GATEKEEPER_ENDPOINT_IDS.length : endpoints;
      for (const statement of statements) {
        expect(actionsOf(statement).filter((a) => a === '*' || a === 'iot:*')).toEqual([]);
        expect(statement.Effect).toBe('Allow');
        const restricted = c.policy.restrictEveryAction === true || actionsOf(statement).includes('iot:Connect');
        expect(statement.Condition?.StringEquals?.['aws:SourceVpce']?.length).toBe(restricted ? endpointIds + c.policy.extraEndpointIds.length : undefined);
        expect(statement.Condition?.StringEquals?.['aws:SourceVpc'] !== undefined).toBe(restricted && (c.policy.sourceVpcs || c.policy.sourceVpcIds.length > 0));
        expect(statement.Condition?.IpAddress?.['aws:VpcSourceIp'] !== undefined).toBe(restricted && c.policy.sourceIps !== undefined);
      }
      // exactly the actions asked for: connect, plus publish / subscribe / receive only when topics were given (or by default)
      const publishes = (topics.publishTopics ?? ['default']).length > 0;
      const subscribes = (topics.subscribeTopicFilters ?? ['default']).length > 0;
      const receives = topics.receiveTopics ? topics.receiveTopics.length > 0 : subscribes;
      expect(statements.flatMap(actionsOf).sort()).toEqual([
        'iot:Connect',
        ...(publishes ? ['iot:Publish', ...(c.policy.allowRetainPublish ? ['iot:RetainPublish'] : [])] : []),
        ...(subscribes ? ['iot:Subscribe'] : []),
        ...(receives ? ['iot:Receive'] : []),
      ].sort());
      const connect = statements.find((st: any) => actionsOf(st).includes('iot:Connect'));
      expect(connect.Condition?.Bool?.['iot:Connection.Thing.IsAttached'] === 'true').toBe(c.policy.requireAttachedThing ?? true);
      expect(JSON.stringify(connect.Resource)).toContain(`:client/${c.policy.clientId === 'prefixed' ? `fleet-${THING}` : c.policy.clientId === 'wildcard' ? 'fleet-*' : THING}"`);

      // the warnings that name what the user chose
      const warned = (id: string) => warnings.has(`cdk-private-iot:${id}`);
      expect(warned('endpointOpenToAnywhere')).toBe(c.peers?.some((p) => p.kind === 'anyIpv4' || p.kind === 'anyIpv6') ?? false);
      expect(warned('frontDoorOpenToInternet')).toBe(fd !== undefined && isExternal(fd) && fd.clientPeers === undefined);
      expect(warned('dualStackWithoutIpv6Peer')).toBe(c.dualStack === true && c.peers === undefined && !isNewVpc(c.vpc));
      expect(warned('unverifiedAvailabilityZones')).toBe(!c.supportedAzs && (c.envAgnostic || c.dataService === 'otherRegion'));
      expect(warned('networkConditionOnEveryAction')).toBe(c.policy.restrictEveryAction === true);
    }), fcParams(RUNS.valid));
  });

  test('logical ids of Elastic IPs, zones, records, target groups and existing endpoints stay put when only the device count changes', () => {
    // up to 6 endpoints (two syntheses a case; the quota edge is the invariant property's)
    const pair = fleetShapeArb.chain((shape) => fc.tuple(devicesArb(Math.min(6, maxEndpoints(shape))), devicesArb(Math.min(6, maxEndpoints(shape))))
      .map(([a, b]) => {
        const policy = fitPolicy({ ...shape, expectedDevices: Math.max(a, b) }).policy;
        return [{ ...shape, policy, expectedDevices: a }, { ...shape, policy, expectedDevices: b }] as const;
      }));
    fc.assert(fc.property(pair, ([a, b]) => {
      const [small, large] = endpointsOf(a) <= endpointsOf(b) ? [a, b] : [b, a];
      const ids = (c: FleetConfig) => {
        const resources = synthesize(buildFleet(c).stack);
        return (type: string) => ofType(resources, type).map(([id]) => id).sort();
      };
      const before = ids(small);
      const after = ids(large);
      for (const type of ['AWS::EC2::EIP', 'AWS::Route53::HostedZone', 'AWS::ElasticLoadBalancingV2::TargetGroup',
        'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::EC2::SecurityGroup', 'AWS::IoT::Policy', 'AWS::IoT::DomainConfiguration',
        'AWS::GlobalAccelerator::Accelerator']) {
        expect([type, after(type)]).toEqual([type, before(type)]);
      }
      // growing the fleet adds endpoints and records; the ones devices use already keep their ids
      for (const type of ['AWS::EC2::VPCEndpoint', 'AWS::Route53::RecordSet']) {
        const kept = after(type);
        expect(before(type).filter((id) => !kept.includes(id))).toEqual([]);
      }
    }), fcParams(RUNS.stability));
  });

  /**
   * Regression (found by the invariant property above): an internal front door with privateIpAddresses over a
   * Vpc.fromVpcAttributes VPC without isolatedSubnetIpv4CidrBlocks failed with aws-cdk-lib's
   * CannotReferenceImportedSubnets; the addresses are now used unchecked for such subnets, with a warning.
   */
  test('privateIpAddresses over subnets imported without CIDRs synthesize (the CIDR check left out)', () => {
    const stack = testStack(fleetApp(), 'Fleet');
    const vpc = vpcOf(stack, 'importedWithoutSubnetCidrs');
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, dataEndpointAddress: DATA_ADDRESS });
    new StaticIpIotFrontDoor(stack, 'FrontDoor', {
      endpoint, internetFacing: false, privateIpAddresses: ISOLATED_SUBNET_CIDRS.map((cidr) => addressIn(cidr, 10)),
    });
    expect(Object.keys(synthesize(stack)).length).toBeGreaterThan(0);
  });

  /** 13 endpoints, and the network conditions on every action (the default topics). */
  function restrictedPolicyOverThirteenEndpoints() {
    const stack = testStack(fleetApp(undefined, 'a policy document over 2,048 characters once deployed, on purpose (the next test expects synthesis to reject it)'), 'Fleet');
    const vpc = vpcOf(stack, 'new');
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
      vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: vpc.availabilityZones.slice(0, 2) },
      expectedDevices: 1_300_000,
      dataEndpointAddress: DATA_ADDRESS,
    });
    const policy = new VpceOnlyIotPolicy(stack, 'Policy', { endpoints: [endpoint], restrictEveryAction: true });
    return { stack, policy };
  }

  test('a policy over 13 endpoints with restrictEveryAction is over 2,048 characters once deployed (the example of the next test)', () => {
    const { stack, policy } = restrictedPolicyOverThirteenEndpoints();
    // the document as built, not synthesized (synthesis runs the construct's own check)
    expect(deployedSize(stack.resolve(policy.document))).toBeGreaterThan(MAX_POLICY_CHARS);
  });

  /**
   * Regression (found by the invariant property above; the generator keeps its policies under the limit with
   * fitPolicy): VpceOnlyIotPolicy's size check counted every `Ref` to a VPC endpoint as empty, so a VPC-only policy over
   * many endpoints synthesized a document AWS IoT Core rejects at deployment. It now counts each at its deployed 22
   * characters (vpce- and 17 hex digits).
   */
  test('a policy whose document is over 2,048 characters once deployed is rejected at synthesis', () => {
    const { stack } = restrictedPolicyOverThirteenEndpoints();
    expect(() => synthesize(stack)).toThrow(/2048/);
  });
});

// -----------------------------------------------------------------------------------------------------------------
// Invalid configurations: one prop of a random valid configuration broken
// -----------------------------------------------------------------------------------------------------------------

/** One way to break a valid configuration, and the prop the error must name. */
interface Breakage {
  readonly prop: string;
  readonly overrides: Overrides;
  /** Reported by a whole-tree validation at synth (aws-cdk-lib's error then lists our message). */
  readonly atValidation?: boolean;
}

const badPort = fc.integer({ min: 1, max: 65535 }).filter((p) => !ALL_PORTS.includes(p));

/** The `services` prop of a configuration. */
function servicesOf(c: FleetConfig) {
  return [
    ...(c.listsData ? [{ service: IotVpcEndpointAwsService.DATA, privateDnsEnabled: false }] : []),
    ...(c.credentials ? [{ service: IotVpcEndpointAwsService.CREDENTIALS }] : []),
    ...(c.greengrass ? [{
      service: IotVpcEndpointAwsService.GREENGRASS,
      privateDnsEnabled: c.greengrass.privateDns,
      policyStatements: c.greengrass.endpointPolicy
        ? [new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['greengrass:GetDeployment', 'greengrass:ListDeployments'], resources: ['*'] })]
        : undefined,
    }] : []),
  ];
}

/** The custom domain props of a configuration (`zoneId`: construct id of the zone it imports or creates). */
function customDomainOf(stack: Stack, d: CustomDomainConfig, zoneId = 'DomainZone') {
  return {
    domainName: d.domain === 'token' ? parameter(stack, PARAMETER.domain) : `${d.label}.${DOMAIN_ZONE_NAME}`,
    hostedZone: d.zone === 'named' ? route53.HostedZone.fromHostedZoneAttributes(stack, zoneId, { hostedZoneId: DOMAIN_ZONE_ID, zoneName: DOMAIN_ZONE_NAME })
      : d.zone === 'idOnly' ? route53.HostedZone.fromHostedZoneId(stack, zoneId, DOMAIN_ZONE_ID)
        : new route53.PublicHostedZone(stack, zoneId, { zoneName: DOMAIN_ZONE_NAME }),
    serverCertificate: d.serverCertificate ? acm.Certificate.fromCertificateArn(stack, `${zoneId}Certificate`, SERVER_CERTIFICATE_ARN) : undefined,
    validationCertificateArn: d.validationCertificate ? VALIDATION_CERTIFICATE_ARN : undefined,
    tlsSecurityPolicy: d.tlsSecurityPolicy,
    authorizer: d.authorizer && { authorizerName: d.authorizer.name, allowAuthorizerOverride: d.authorizer.allowOverride },
  };
}

/** The first check that fails when the fleet takes `n` endpoints (construction order), and the prop it names. */
function overLimitProp(c: FleetConfig, n: number): string {
  const bounds = endpointBounds(c);
  if (n > bounds.interfaceEndpoints) {
    return 'expectedDevices'; // PrivateIotDataEndpoint: interface endpoints per VPC
  }
  if (n > bounds.records || n > bounds.targetsPerGroup) {
    return 'endpoint'; // IotPrivateHostedZone: weighted records per name; StaticIpIotFrontDoor: targets per target group
  }
  return 'ports'; // StaticIpIotFrontDoor: targets per zone (each port registers every interface)
}

const withProp = (prop: string, overrides: Overrides, atValidation?: boolean): Breakage =>
  ({ prop, overrides, ...(atValidation ? { atValidation } : {}) });

/** The ways to break one prop of `c`, each derived from `c`'s own values where it has them. */
function breakagesOf(c: FleetConfig): fc.Arbitrary<Breakage> {
  const devices = c.expectedDevices ?? 100_000;
  const need = endpointsOf(c) + Number(c.credentials !== undefined) + Number(c.greengrass !== undefined);
  const services = servicesOf(c);
  const keepAlive = c.keepAliveSeconds ?? 230;
  const list: Array<fc.Arbitrary<Breakage>> = [
    // PrivateIotDataEndpoint
    fc.constantFrom(0, -devices, devices + 0.5).map((n) => withProp('expectedDevices', { endpoint: { expectedDevices: n } })),
    fc.integer({ min: 1, max: 3 }).map((k) => maxEndpoints(c) + k)
      // the last endpoint's share of devices as in the valid configuration
      .map((n) => withProp(overLimitProp(c, n), { endpoint: { expectedDevices: (n - 1) * 100_000 + ((devices - 1) % 100_000) + 1 } })),
    fc.constant(need > 1 ? withProp('expectedDevices', { endpoint: { interfaceEndpointQuota: need - 1 } })
      : withProp('interfaceEndpointQuota', { endpoint: { interfaceEndpointQuota: 0 } })),
    fc.constant(withProp('interfaceEndpointQuota', { endpoint: { interfaceEndpointQuota: (c.interfaceEndpointQuota ?? 50) + 0.5 } })),
    // the unit mixed up: minutes or milliseconds for seconds
    fc.constantFrom(Duration.minutes(Math.max(4, keepAlive)), Duration.millis(keepAlive)).map((d) => withProp('mqttKeepAlive', { endpoint: { mqttKeepAlive: d } })),
    fc.oneof(fc.constant([]), badPort.map((bad) => [...(c.ports ?? ALL_PORTS), bad])).map((ports) => withProp('ports', { endpoint: { ports } })),
    fc.constant(withProp('peers', { endpoint: { peers: [] } })),
    fc.constantFrom(DATA_ADDRESS.replace('-ats', ''), DATA_ADDRESS.replace(/^[^.]+\./, ''), DATA_ADDRESS.toUpperCase(),
      ...(!c.envAgnostic && !c.dataService ? [DATA_ADDRESS.replace(TEST_REGION, 'eu-west-2')] : []))
      .map((host) => withProp('dataEndpointAddress', { endpoint: { dataEndpointAddress: host } })),
    fc.constant(withProp('credentialsEndpointAddress', { endpoint: { credentialsEndpointAddress: c.credentials ? DATA_ADDRESS : CREDENTIALS_ADDRESS } })),
    // a service listed twice
    fc.constant(withProp('services', { endpoint: { services: services.length > 0 ? [...services, services[0]] : [{ service: IotVpcEndpointAwsService.DATA }, { service: IotVpcEndpointAwsService.DATA }] } })),
    fc.constantFrom(IotVpcEndpointAwsService.DATA, IotVpcEndpointAwsService.CREDENTIALS).chain((service) => fc.constantFrom(
      { service, privateDnsEnabled: true },
      { service, policyStatements: [new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['iot:Connect'], resources: ['*'] })] },
    )).map((broken) => withProp('services', { endpoint: { services: [...services.filter((s) => s.service !== broken.service), broken] } })),
    fc.constant(withProp('services', {
      endpoint: {
        services: [...services.filter((s) => s.service !== IotVpcEndpointAwsService.GREENGRASS), {
          service: IotVpcEndpointAwsService.GREENGRASS, policyStatements: [new iam.PolicyStatement({ actions: ['greengrass:ListDeployments'], resources: ['*'] })],
        }],
      },
    })),
    fc.constantFrom([], [`${TEST_REGION}z`]).map((zones) => withProp('supportedAvailabilityZones', { endpoint: { supportedAvailabilityZones: zones } })),
    fc.constant(withProp('subnets', {
      endpoint: c.zones === 1 ? { allowSingleAvailabilityZone: false }
        : (parts: Parts) => ({
          subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: parts.zoneNames.slice(0, 1) },
          allowSingleAvailabilityZone: false,
        }),
    })),
    fc.constant(withProp('dataServiceName', {
      endpoint: { dataServiceName: (c.dataService ? PROVIDER_SERVICES[c.dataService] : SERVICE_NAME).replace('vpce-svc-', 'svc-') },
    })),
    fc.constant(withProp('dataServiceName', { endpoint: { dataServiceName: c.dataService ? PROVIDER_SERVICES[c.dataService] : SERVICE_NAME, dataEndpointAddress: undefined } })),
    // IotPrivateHostedZone
    fc.constantFrom(Duration.days(Math.max(3, c.zone.ttlSeconds ?? 60)), Duration.seconds(0)).map((ttl) => withProp('ttl', { zone: { ttl } })),
    fc.constantFrom<Override>({ vpcs: [] }, (parts: Parts) => ({ vpcs: [parts.vpc, parts.vpc] }),
      (parts: Parts) => ({ vpcs: [parts.vpc, ec2.Vpc.fromVpcAttributes(parts.stack, 'SameVpcAgain', { vpcId: parts.vpc.vpcId, availabilityZones: parts.zoneNames })] }))
      .map((zone) => withProp('vpcs', { zone })),
    // VpceOnlyIotPolicy
    ...policyBreakages(c),
  ];
  if (c.frontDoor) {
    list.push(...frontDoorBreakages(c, c.frontDoor));
  }
  return fc.oneof(...list);
}

function frontDoorBreakages(c: FleetConfig, fd: FrontDoorConfig): Array<fc.Arbitrary<Breakage>> {
  const idle = fd.idleTimeoutSeconds ?? 350;
  const ports = frontDoorPorts(fd);
  const interfaces = endpointsOf(c) * c.zones;
  const counted = ports.length * ((fd.crossZoneEnabled ?? true) ? interfaces : endpointsOf(c));
  const external = isExternal(fd);
  const domain: CustomDomainConfig = fd.customDomain ?? { domain: 'literal', label: 'mqtt', zone: 'named', serverCertificate: false, validationCertificate: false };
  const label = domain.label;
  /** The front door's custom domain with one option changed. */
  const brokenDomain = (prop: string, change: (d: ReturnType<typeof customDomainOf>, parts: Parts) => Record<string, unknown>, base = domain) =>
    withProp(`customDomain.${prop}`, {
      frontDoor: (parts: Parts) => {
        const props = customDomainOf(parts.stack, base, 'BrokenDomainZone');
        return { customDomain: { ...props, ...change(props, parts) } };
      },
    });
  const list: Array<fc.Arbitrary<Breakage>> = [
    // under the MQTT keep-alive, over the NLB maximum, or not whole seconds
    fc.constantFrom(Duration.seconds(idle % 230), Duration.minutes(idle), Duration.millis(idle * 1000 + 500))
      .map((idleTimeout) => withProp('idleTimeout', { frontDoor: { idleTimeout } })),
    fc.oneof(fc.constant([]), badPort.map((bad) => [...ports, bad])).map((p) => withProp('ports', { frontDoor: { ports: p } })),
    fc.constant(withProp('clientPeers', { frontDoor: { clientPeers: [] } })),
    fc.constant(counted > 1 ? withProp('ports', { frontDoor: { targetsPerZoneQuota: counted - 1 } })
      : withProp('targetsPerZoneQuota', { frontDoor: { targetsPerZoneQuota: 0 } })),
    fc.constant(withProp('targetsPerZoneQuota', { frontDoor: { targetsPerZoneQuota: (fd.targetsPerZoneQuota ?? 500) + 0.5 } })),
    fc.constant(interfaces > 1 ? withProp('endpoint', { frontDoor: { targetsPerTargetGroupQuota: interfaces - 1 } })
      : withProp('targetsPerTargetGroupQuota', { frontDoor: { targetsPerTargetGroupQuota: -interfaces } })),
    // a removal policy for Elastic IPs the construct does not create (internal, or given allocation ids)
    fc.constant(withProp('elasticIpRemovalPolicy', {
      frontDoor: (parts: Parts) => ({
        elasticIpRemovalPolicy: RemovalPolicy.DESTROY,
        elasticIpAllocationIds: external ? ELASTIC_IP_IDS.slice(0, parts.lbSubnets!.length) : undefined,
      }),
    })),
    // a custom domain with one bad option (the construct's own domain when the configuration has one)
    fc.constant(brokenDomain('domainName', () => ({ domainName: `${label.toUpperCase()}.${DOMAIN_ZONE_NAME}` }), { ...domain, domain: 'literal' })),
    fc.constant(brokenDomain('domainName', () => ({ domainName: `${label}.iot.${TEST_REGION}.amazonaws.com` }), { ...domain, domain: 'literal' })),
    fc.constant(brokenDomain('domainName', () => ({ domainName: `${label}.example.org` }), { ...domain, domain: 'literal', zone: domain.zone === 'idOnly' ? 'named' : domain.zone })),
    fc.constant(brokenDomain('tlsSecurityPolicy', () => ({ tlsSecurityPolicy: (domain.tlsSecurityPolicy ?? 'IoTSecurityPolicy_TLS13_1_2_2022_10').replace('IoTSecurityPolicy_', 'ELBSecurityPolicy-') }))),
    fc.constant(brokenDomain('authorizer.authorizerName', () => ({ authorizer: { authorizerName: `${domain.authorizer?.name ?? 'devices'} !` } }))),
    fc.constant(brokenDomain('validationCertificateArn', () => ({ validationCertificateArn: VALIDATION_CERTIFICATE_ARN }), { ...domain, serverCertificate: false, validationCertificate: false })),
    fc.constant(brokenDomain('validationCertificateArn', () => ({ validationCertificateArn: SERVER_CERTIFICATE_ARN }), { ...domain, serverCertificate: true })),
  ];
  if (!c.envAgnostic) {
    list.push(fc.constant(brokenDomain('serverCertificate', (_, parts) => ({
      serverCertificate: acm.Certificate.fromCertificateArn(parts.stack, 'OtherRegionCertificate', SERVER_CERTIFICATE_ARN.replace(TEST_REGION, 'us-east-1')),
    }))));
  }
  if (external) {
    // one id too few or too many, one twice, one misspelt; the subnets of an internal load balancer
    list.push(
      fc.constantFrom('fewer', 'more', 'twice', 'misspelt').map((how) => withProp('elasticIpAllocationIds', {
        frontDoor: (parts: Parts) => {
          const ids = ELASTIC_IP_IDS.slice(0, parts.lbSubnets!.length);
          const broken = how === 'fewer' ? ids.slice(1) : how === 'more' ? [...ids, 'eipalloc-0a1b2c3d4e5f60005']
            : how === 'twice' && ids.length > 1 ? [ids[0], ...ids.slice(0, -1)] : how === 'twice' ? [ids[0], ids[0]] : [ids[0].replace('eipalloc-', 'eip-'), ...ids.slice(1)];
          return { elasticIpAllocationIds: broken };
        },
      })),
      fc.constant(withProp('privateIpAddresses', { frontDoor: { privateIpAddresses: ['10.0.0.10'] } })),
      fc.constant(withProp('subnets', { frontDoor: (parts: Parts) => ({ subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: parts.zoneNames } }) })),
    );
  } else {
    list.push(
      fc.constant(withProp('elasticIpAllocationIds', { frontDoor: { elasticIpAllocationIds: ELASTIC_IP_IDS.slice(0, 1) } })),
      fc.constantFrom(...(c.vpc === 'importedWithoutSubnetCidrs' ? ['fewer'] : ['fewer', 'reserved', 'outside', 'not an address']))
        .map((how) => withProp('privateIpAddresses', {
          frontDoor: (parts: Parts) => {
            const ips = parts.privateIps ?? parts.lbSubnets!.map((s) => addressIn(s.cidr, 10));
            const first = parts.lbSubnets![0].cidr;
            const broken = how === 'fewer' ? ips.slice(1) : how === 'reserved' ? [addressIn(first, 1), ...ips.slice(1)]
              : how === 'outside' ? ['192.0.2.10', ...ips.slice(1)] : [`${ips[0]}.1`, ...ips.slice(1)];
            return { privateIpAddresses: broken };
          },
        })),
    );
  }
  if (literalZoneNames(c) && c.zones < vpcZoneCount(c)) {
    // load balancer subnets in zones without an endpoint interface, and no cross-zone load balancing to reach one
    list.push(fc.constant(withProp('crossZoneEnabled', {
      frontDoor: { crossZoneEnabled: false, subnets: { subnetType: external ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_ISOLATED } },
    })));
  }
  return list;
}

function policyBreakages(c: FleetConfig): Array<fc.Arbitrary<Breakage>> {
  const p = c.policy;
  const topics = policyTopics(p);
  const topic = [...(topics.publishTopics ?? []), `things/${THING}/*`][0];
  const filter = [...(topics.subscribeTopicFilters ?? []), `things/${THING}/*`][0];
  const clientId = p.clientId === 'prefixed' ? `fleet-${THING}` : p.clientId === 'wildcard' ? 'fleet-*' : THING;
  const list: Array<fc.Arbitrary<Breakage>> = [
    fc.constantFrom('#', '+').map((w) => withProp('publishTopics', { policy: { publishTopics: [`${topic}/${w}`] } })),
    fc.constantFrom(`${filter}/#/x`, `${filter}/a+b`).map((f) => withProp('subscribeTopicFilters', { policy: { subscribeTopicFilters: [f] } })),
    fc.constant(withProp('receiveTopics', { policy: { receiveTopics: [`${(topics.receiveTopics ?? [topic])[0]}/+`] } })),
    fc.constantFrom({ clientIdPattern: 'fleet-*', allowAnyClientId: false }, { clientIdPattern: `${clientId}#` }, { clientIdPattern: '' })
      .map((policy) => withProp('clientIdPattern', { policy })),
    fc.constant(withProp('publishTopics', { policy: { publishTopics: [...(topics.publishTopics ?? []), `$aws/things/${THING}/shadow/get`], allowReservedTopics: false } })),
    fc.constant(withProp('subscribeTopicFilters', { policy: { subscribeTopicFilters: [...(topics.subscribeTopicFilters ?? []), '#'], allowAllTopics: false } })),
    fc.constant(withProp('policyName', { policy: { policyName: `${p.policyName ?? 'fleet'}/v2` } })),
    fc.constant(withProp('sourceVpcIds', { policy: { sourceVpcIds: [...p.sourceVpcIds, 'vpc-123'] } })),
    fc.constant(withProp('vpcEndpointIds', { policy: { vpcEndpointIds: [...p.extraEndpointIds, 'vpce-xyz'] } })),
    fc.constant(withProp('endpoints', { policy: { endpoints: undefined, vpcEndpoints: undefined, vpcEndpointIds: undefined } })),
    // the document over 2,048 characters: the configuration's own topics, many times
    fc.integer({ min: 60, max: 80 }).map((n) => withProp('publishTopics', {
      policy: { publishTopics: Array.from({ length: n }, (_, i) => `${topic.replace(/\/\*$/, '')}/fleet/${i}/${THING}`) },
    }, true)),
    fc.constant(withProp('sourceIpCidrs', {
      policy: (parts: Parts) => ({ sourceIpCidrs: [...(parts.sourceIpCidrs ?? sourceIpCidrsOf(c, parts.stack, parts.lbSubnets ?? [])).map((cidr) => cidr.split('/')[0])] }),
    })),
  ];
  if (c.dataService) {
    list.push(fc.constant(withProp('endpoints', { policy: (parts: Parts) => ({ endpoints: [parts.endpoint] }) })));
  } else if (!isNewVpc(c.vpc) && p.via !== 'vpcEndpoints') {
    // literal VPC ids that leave out the endpoint's own VPC
    list.push(fc.constant(withProp('endpoints', { policy: { sourceVpcs: undefined, sourceVpcIds: [DEVICE_VPC_IDS[0]] } }, true)));
  }
  if (c.frontDoor && !c.dataService && c.vpc !== 'importedWithoutSubnetCidrs') {
    // behind the front door AWS IoT Core sees the load balancer's subnets: leave them out
    list.push(fc.constant(withProp('sourceIpCidrs', {
      policy: (parts: Parts) => {
        const lb = new Set(parts.lbSubnets!.map((s) => s.cidr));
        const kept = sourceIpCidrsOf(c, parts.stack, parts.lbSubnets!)
          .filter((cidr) => !Token.isUnresolved(cidr) && !lb.has(cidr) && !cidr.startsWith('10.0.') && cidr !== '0.0.0.0/0');
        return { sourceIpCidrs: kept.length > 0 ? kept : ['192.0.2.0/24'] };
      },
    }, true)));
  }
  return list;
}

describe('random invalid configurations', () => {
  /** The props the property broke, for the table. */
  const broken: string[] = [];
  afterAll(() => {
    if (broken.length > 0) {
      const counts = sorted(broken).map((prop) => {
        const n = broken.filter((b) => b === prop).length;
        return { option: prop, cases: n, percent: (100 * n) / broken.length };
      });
      // eslint-disable-next-line no-console
      console.log(coverageTable('Fleet props broken in this run (random seed)', broken.length, counts));
    }
  });

  test('one broken prop of a random valid configuration always fails with CdkPrivateIotError naming the prop, before anything is created', () => {
    const brokenArb = fleetArb.chain((c) => breakagesOf(c).map((breakage) => [c, breakage] as const));
    fc.assert(fc.property(brokenArb, ([c, breakage]) => {
      broken.push(breakage.prop);
      const app = fleetApp(c);
      let built = false;
      const error = thrown(() => {
        const fleet = buildFleet(c, breakage.overrides, app);
        built = true;
        synthesize(fleet.stack);
      });
      expect(error).not.toBeInstanceOf(TypeError);
      if (breakage.atValidation && !String(error.message).startsWith('CdkPrivateIotError: ')) {
        // a whole-tree check that returns its messages: aws-cdk-lib's validation error lists ours
        expect(error.message).toMatch(new RegExp(`\\w+ 'Fleet/\\w+': ${breakage.prop.replace('.', '\\.')} `));
        return;
      }
      expect([error.message.slice(0, 18), error.prop]).toEqual(['CdkPrivateIotError', breakage.prop]);
      expect(error.message).toMatch(/^CdkPrivateIotError: \w+ 'Fleet\/\w+': /);
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

const PROVIDER_ACCOUNT = '111111111111';
const CONSUMER_ACCOUNT = '222222222222';
/** The logical id of a stack's lookup function (src/private/lookups.ts). */
const LOOKUP_FUNCTION = /^CdkPrivateIotLookupsFunction[0-9A-F]{8}$/;
/** The logical id of the function aws-cdk-lib's AwsCustomResource shares per stack (our changes: zone associations). */
const CHANGE_FUNCTION = /^AWS679f53fac002430cb0da5b7982bd2287/;

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
        expect(ofType(stackResources, 'AWS::Lambda::Function').filter(([id]) => CHANGE_FUNCTION.test(id)).length).toBeLessThanOrEqual(1);
      }
      // the consumer stack: the lookup function (when something is looked up), the AwsCustomResource function of its zone
      // association (a change), and the canary's, nothing else
      const kinds = ofType(consumerResources, 'AWS::Lambda::Function')
        .map(([id]) => (LOOKUP_FUNCTION.test(id) ? 'lookups' : CHANGE_FUNCTION.test(id) ? 'changes' : 'other')).sort();
      expect(kinds).toEqual([...(ofType(consumerResources, LOOKUP_RESOURCE_TYPE).length > 0 ? ['lookups'] : []), 'changes', 'other'].sort());

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
        const [[, fn]] = ofType(consumerResources, 'AWS::Lambda::Function').filter(([id]) => !LOOKUP_FUNCTION.test(id) && !CHANGE_FUNCTION.test(id));
        const period = alarm.Properties.Period;
        expect(period % 60 === 0 && period <= 7 * 86400).toBe(true);
        expect(period).toBeGreaterThanOrEqual(longestGapByMinutes(s.canary.schedule) + fn.Properties.Timeout + 60);
        expect(alarm.Properties).toMatchObject({ EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: 'breaching' });
      }
    }), fcParams(RUNS.sharing));
  });

  /** The ways to break one prop of a sharing configuration, derived from its own values where it has them. */
  const sharingBreakagesOf = (s: SharingConfig): fc.Arbitrary<{ prop: string; overrides: SharingOverrides }> => {
    const expectCidr = (s.canary.expectCidrs ?? s.consumerPeers)[0];
    const server = s.canary.dnsServers?.[0] ?? '10.30.0.2';
    // the schedule's first minute, hour and weekday only: once a week, a 7-day gap
    const cron = s.canary.schedule && /^cron\((\d+)\S* (\d+)\S* [?*] \* (\w+|\?)\S* \*\)$/.exec(s.canary.schedule);
    const weekly = cron ? `cron(${cron[1]} ${cron[2]} ? * ${cron[3] === '?' ? 'MON' : cron[3]} *)` : 'rate(7 days)';
    return fc.oneof(
      fc.constant({ prop: 'allowedAccounts', overrides: { service: { allowedAccounts: [] } } }),
      // an account id with a digit missing, or with a letter
      fc.constantFrom(s.accounts[0].slice(1), `${s.accounts[0].slice(1)}x`).map((a) => ({ prop: 'allowedAccounts', overrides: { service: { allowedAccounts: [...s.accounts.slice(1), a] } } })),
      fc.constant({ prop: 'acceptanceRequired', overrides: { service: { allowAnyPrincipal: true, acceptanceRequired: false } } }),
      fc.constantFrom('EU-WEST-1', 'eu-west', 'europe').map((r) => ({ prop: 'supportedRegions', overrides: { service: { supportedRegions: [r] } } })),
      badPort.map((bad) => ({ prop: 'ports', overrides: { service: { ports: [...s.ports, bad] } } })),
      // the provider's service name cut short, or AWS IoT Core's own service instead
      fc.constantFrom(SERVICE_NAME.replace('vpce.', ''), SERVICE_NAME.replace(/\.vpce-svc-.*$/, ''), SERVICE_NAME.split('.').pop()!, 'com.amazonaws.eu-west-1.iot.data')
        .map((name) => ({ prop: 'serviceName', overrides: { consumer: { serviceName: name } } })),
      fc.constant({ prop: 'zones', overrides: { profile: { zones: [] } } }),
      fc.constantFrom(CONSUMER_ACCOUNT.slice(1), PROVIDER_ACCOUNT).map((a) => ({ prop: 'shareWithAccounts', overrides: { profile: { shareWithAccounts: [a] } } })),
      fc.constant({ prop: 'shareWithOrganizationArns', overrides: { profile: { shareWithOrganizationArns: [`arn:aws:organizations::${PROVIDER_ACCOUNT}:bad`] } } }),
      levelArb.map((id) => ({ prop: 'profileId', overrides: { profileAssociation: { profileId: id } } })),
      fc.constant({ prop: 'zones', overrides: { authorization: { zones: [] } } }),
      fc.constantFrom('vpc-0123456789abcdef', 'subnet-0123456789abcdef0').map((id) => ({ prop: 'vpcId', overrides: { authorization: { vpcId: id } } })),
      fc.constant({ prop: 'vpcAccount', overrides: { authorization: { vpcAccount: PROVIDER_ACCOUNT } } }),
      fc.constantFrom('eu', 'EU-WEST-1').map((r) => ({ prop: 'vpcRegion', overrides: { authorization: { vpcRegion: r } } })),
      fc.constantFrom<unknown[]>([], ['Z0123456789ABCDEFGHIJ', 'Z0123456789ABCDEFGHIJ'], ['/hostedzone/Z0123456789ABCDEFGHIJ'])
        .map((ids) => ({ prop: 'hostedZoneIds', overrides: { association: { hostedZoneIds: ids } } })),
      fc.constantFrom('arn:aws:iam::12:role/x', 'role/x').map((arn) => ({ prop: 'assumedRoleArn', overrides: { association: { assumedRoleArn: arn } } })),
      // the step timeout's unit mixed up: milliseconds or minutes for seconds
      fc.constantFrom(Duration.millis(s.canary.stepSeconds), Duration.minutes(Math.max(2, s.canary.stepSeconds)))
        .map((d) => ({ prop: 'stepTimeout', overrides: { canary: { stepTimeout: d } } })),
      fc.constantFrom(DATA_ADDRESS.toUpperCase(), DATA_ADDRESS.replace('.', '..'), `${DATA_ADDRESS} `, '').map((host) => ({ prop: 'host', overrides: { canary: { host } } })),
      // the CIDR without its prefix, with a prefix too long, or an octet out of range
      fc.constantFrom(expectCidr.split('/')[0], expectCidr.replace(/\/\d+$/, '/33'), expectCidr.replace(/^\d+/, (o) => String(Number(o) + 256)))
        .map((c) => ({ prop: 'expectCidrs', overrides: { canary: { expectCidrs: [...(s.canary.expectCidrs ?? []), c] } } })),
      // a port out of range, a prefix, an octet out of range, or none at all
      fc.constantFrom<unknown[]>([`${server.split(':')[0]}:99999`], [`${server.split(':')[0]}/32`], [server.replace(/^10\./, '300.')], [])
        .map((servers) => ({ prop: 'dnsServers', overrides: { canary: { dnsServers: servers } } })),
      badPort.map((bad) => ({ prop: 'ports', overrides: { canary: { ports: [...s.canary.ports, bad] } } })),
      // a 7-day gap (one weekday of the schedule's, or rate(7 days)), or an expression the alarm cannot size
      fc.constantFrom(weekly, 'cron(0 8 L * ? *)', 'cron(0 8 * * ? 2030)', 'cron(0 8 * * ?)')
        .map((expression) => ({ prop: 'schedule', overrides: { canary: { schedule: events.Schedule.expression(expression) } } })),
    );
  };

  test('random breakages always fail with CdkPrivateIotError naming the prop', () => {
    fc.assert(fc.property(sharingArb.chain((s) => sharingBreakagesOf(s).map((breakage) => [s, breakage] as const)), ([s, breakage]) => {
      const error = thrown(() => {
        const built = buildSharing(s, breakage.overrides);
        synthesize(built.provider);
        synthesize(built.consumerStack);
      });
      expect(error).not.toBeInstanceOf(TypeError);
      expect([error.message.slice(0, 18), error.prop]).toEqual(['CdkPrivateIotError', breakage.prop]);
      expect(error.message).toMatch(/^CdkPrivateIotError: \w+ '(Provider|Consumer)\/[\w/]+': /);
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
      const balancers = [stack.frontDoor, stack.endpointService?.frontDoor].filter((b) => b !== undefined);
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
        allowed.set(groupOf(stack.endpointService.frontDoor.securityGroup), { cidrs: [vpcCidr], groups: [] });
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

  /** A valid CIDR broken: without its prefix, with a prefix too long, an octet out of range, IPv6 where IPv4 is needed, text. */
  const brokenCidrArb = (cidr: string) => fc.constantFrom(cidr.split('/')[0], cidr.replace(/\/\d+$/, '/33'),
    cidr.replace(/^\d+/, (octet) => String(Number(octet) + 256)), `2001:db8::/${cidr.split('/')[1]}`, cidr.replace(/^\d+/, 'ten'), '');

  test('one broken prop of random valid account stacks always fails with CdkPrivateIotError naming the prop', () => {
    type StackBreakage = { stack: 'network' | 'iot' | 'consumer'; prop: string; props: Record<string, unknown> };
    const baseArb = fc.record({
      maxAzs: fc.integer({ min: 2, max: 3 }),
      gatekeeper: fc.integer({ min: 0, max: 99 }).map((a) => `10.${a}.0.0/16`),
      device: fc.integer({ min: 100, max: 199 }).map((b) => `10.${b}.0.0/16`),
      onPremises: fc.uniqueArray(fc.integer({ min: 0, max: 255 }).map((c) => `192.168.${c}.0/24`), { minLength: 1, maxLength: 2 }),
      consumer: fc.integer({ min: 200, max: 250 }).map((c) => `10.${c}.0.0/16`),
      gatewayIp: publicCidrArb.map((c) => c.split('/')[0]),
      clientCidr: publicCidrArb,
      consumerAccount: accountArb,
    });
    type Base = typeof baseArb extends fc.Arbitrary<infer T> ? T : never;
    const stackBreakagesOf = (t: Base): fc.Arbitrary<StackBreakage> => fc.oneof(
      brokenCidrArb(t.device).map((c) => ({ stack: 'network' as const, prop: 'deviceCidr', props: { deviceCidr: c } })),
      brokenCidrArb(t.gatekeeper).map((c) => ({ stack: 'network' as const, prop: 'gatekeeperCidr', props: { gatekeeperCidr: c } })),
      brokenCidrArb(t.onPremises[0]).map((c) => ({ stack: 'network' as const, prop: 'onPremisesCidrs', props: { onPremisesCidrs: [...t.onPremises.slice(1), c] } })),
      fc.constantFrom(CONSUMER_ACCOUNT.slice(1), `${CONSUMER_ACCOUNT.slice(1)}x`).map((a) => ({ stack: 'network' as const, prop: 'iotAccount', props: { iotAccount: a } })),
      // the gateway address with an octet missing, out of range, or as a name
      fc.constantFrom(t.gatewayIp.replace(/\.\d+$/, ''), t.gatewayIp.replace(/\d+$/, '256'), 'vpn.example.com', '2001:db8::1')
        .map((ip) => ({ stack: 'network' as const, prop: 'vpn', props: { vpn: { customerGatewayIp: ip } } })),
      fc.constantFrom(0, -1, 4294967295, 1.5).map((asn) => ({
        stack: 'network' as const, prop: 'vpn', props: { vpn: { customerGatewayIp: t.gatewayIp, customerGatewayAsn: asn } },
      })),
      fc.constant({ stack: 'network' as const, prop: 'maxAzs', props: { maxAzs: 1 } }),
      brokenCidrArb(t.gatekeeper).map((c) => ({ stack: 'iot' as const, prop: 'gatekeeperCidr', props: { gatekeeperCidr: c } })),
      brokenCidrArb(t.device).map((c) => ({ stack: 'iot' as const, prop: 'deviceCidrs', props: { deviceCidrs: [c] } })),
      fc.constant({ stack: 'iot' as const, prop: 'deviceCidrs', props: { deviceCidrs: [] } }),
      brokenCidrArb(t.onPremises[0]).map((c) => ({ stack: 'iot' as const, prop: 'onPremisesCidrs', props: { onPremisesCidrs: [...t.onPremises.slice(1), c] } })),
      brokenCidrArb(t.clientCidr).map((c) => ({ stack: 'iot' as const, prop: 'frontDoor.clientCidrs', props: { frontDoor: { clientCidrs: [c] } } })),
      fc.constantFrom(t.consumerAccount.slice(1), PROVIDER_ACCOUNT).map((a) => ({ stack: 'iot' as const, prop: 'networkAccount', props: { networkAccount: a } })),
      fc.constantFrom(t.consumerAccount.slice(1), `${t.consumerAccount.slice(1)}x`).map((a) => ({ stack: 'iot' as const, prop: 'consumerAccounts', props: { consumerAccounts: [a] } })),
      // one endpoint more than the limits allow: 46 iot.data endpoints in the gatekeeper VPC (credentials, greengrass, logs
      // and S3 take 4 of 50), checked first; 100 weighted records per name (one per zone and endpoint)
      fc.integer({ min: 1, max: 100_000 }).map((n) => {
        const max = Math.min(46, Math.floor(100 / Math.min(t.maxAzs, 3)));
        return { stack: 'iot' as const, prop: max === 46 ? 'expectedDevices' : 'endpoint', props: { expectedDevices: max * 100_000 + n } };
      }),
      brokenCidrArb(t.consumer).map((c) => ({ stack: 'consumer' as const, prop: 'vpcCidr', props: { vpcCidr: c } })),
      fc.constantFrom(SERVICE_NAME.replace('vpce.', ''), SERVICE_NAME.split('.').pop()!).map((name) => ({ stack: 'consumer' as const, prop: 'serviceName', props: { serviceName: name } })),
      fc.constantFrom(DATA_ADDRESS.replace('-ats', ''), DATA_ADDRESS.toUpperCase()).map((host) => ({ stack: 'consumer' as const, prop: 'dataEndpointAddress', props: { dataEndpointAddress: host } })),
    );
    fc.assert(fc.property(baseArb.chain((t) => stackBreakagesOf(t).map((b) => [t, b] as const)), ([t, b]) => {
      const app = concreteApp([{ serviceZoneSuffixes: { 'iot.data': ['a', 'b', 'c'] } }, { account: CONSUMER_ACCOUNT }],
        { context: { [`endpoint-service-availability-zones:account=${CONSUMER_ACCOUNT}:region=eu-west-1:serviceName=${SERVICE_NAME}`]: ['eu-west-1a', 'eu-west-1b'] } });
      const error = thrown(() => {
        if (b.stack === 'network') {
          new NetworkAccountStack(app, 'Network', {
            env: { account: PROVIDER_ACCOUNT, region: 'eu-west-1' },
            maxAzs: t.maxAzs,
            deviceCidr: t.device,
            gatekeeperCidr: t.gatekeeper,
            onPremisesCidrs: t.onPremises,
            iotAccount: CONSUMER_ACCOUNT,
            ...b.props,
          });
        } else if (b.stack === 'iot') {
          new IotAccountStack(app, 'Iot', {
            env: { account: PROVIDER_ACCOUNT, region: 'eu-west-1' },
            maxAzs: t.maxAzs,
            gatekeeperCidr: t.gatekeeper,
            deviceCidrs: [t.device],
            onPremisesCidrs: t.onPremises,
            consumerAccounts: [t.consumerAccount],
            dataEndpointAddress: DATA_ADDRESS,
            credentialsEndpointAddress: CREDENTIALS_ADDRESS,
            ...b.props,
          });
        } else {
          new ConsumerAccountStack(app, 'Consumer', {
            env: { account: CONSUMER_ACCOUNT, region: 'eu-west-1' }, maxAzs: t.maxAzs, vpcCidr: t.consumer, serviceName: SERVICE_NAME, dataEndpointAddress: DATA_ADDRESS, ...b.props,
          });
        }
        app.synth();
      });
      expect(error).not.toBeInstanceOf(TypeError);
      // a check of the whole app (the interface endpoints per VPC, counting the account stack's own) returns its message
      // from a validation: aws-cdk-lib's validation error lists it as `[path] CdkPrivateIotError: ...`
      const listed = /^Validation failed with the following errors:\n\s+\[[\w/]+\] (CdkPrivateIotError: .*)$/m.exec(error.message)?.[1];
      if (listed !== undefined) {
        expect(listed).toMatch(new RegExp(`^CdkPrivateIotError: \\w+ '[\\w/]+': ${b.prop} `));
        return;
      }
      expect([error.message.slice(0, 18), error.prop]).toEqual(['CdkPrivateIotError', b.prop]);
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
