import { App, CfnElement, CfnParameter, CfnResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { IConstruct } from 'constructs';
import {
  concreteApp, lambdaCount, resourcesOfType, TEST_ACCOUNT, TEST_REGION, templateOf, testStack, testVpc, thrown, validationMessage,
} from './fixtures';
import {
  IIotPrivateHostedZone, IotVpcEndpointAwsService, IotPrivateHostedZone, IotPrivateHostedZoneProps, IotRecordStyle, IPrivateIotDataEndpoint,
  PrivateIotDataEndpoint, PrivateIotDataEndpointAttributes, PrivateIotDataEndpointProps,
} from '../src';
import { LOOKUP_RESOURCE_TYPE } from '../src/private/lookups';

const DATA_ATS_HOST = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
const CREDENTIALS_HOST = 'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com';
/** The zone name that would shadow every AWS IoT host of the region. */
const SHADOWING_NAME = /^iot\.eu-west-1\.amazonaws\.com\.?$/;
const THREE_AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const TWO_AZS = ['eu-west-1a', 'eu-west-1c'];
const OTHER_ACCOUNT = '222222222222';
const HOSTED_ZONE = 'AWS::Route53::HostedZone';
/** Endpoint props that add an iot.credentials endpoint with a given host. */
const WITH_CREDENTIALS: Partial<PrivateIotDataEndpointProps> = {
  services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
  credentialsEndpointAddress: CREDENTIALS_HOST,
};
const RECORD_SET = 'AWS::Route53::RecordSet';

type Resource = { Type: string; Properties: any };
type Resources = Record<string, Resource>;

interface SetupOptions {
  readonly app?: App;
  /** Props of the endpoint (default: 3 AZs, one endpoint, the ATS host given). */
  readonly endpoint?: Partial<PrivateIotDataEndpointProps>;
  readonly vpc?: Parameters<typeof testVpc>[2];
}

/** A concrete-env stack with a 3-AZ VPC and a `PrivateIotDataEndpoint` in it. */
function setup(options: SetupOptions = {}) {
  const stack = testStack(options.app);
  const vpc = testVpc(stack, 'Vpc', options.vpc);
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
    vpc,
    supportedAvailabilityZones: THREE_AZS,
    dataEndpointAddress: DATA_ATS_HOST,
    ...options.endpoint,
  });
  return { stack, vpc, endpoint };
}

function hostedZone(stack: Stack, endpoint: IPrivateIotDataEndpoint, props: Partial<IotPrivateHostedZoneProps> = {}, id = 'IotZone') {
  return new IotPrivateHostedZone(stack, id, { endpoint, ...props });
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function resources(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** The record sets of one hosted zone (by the zone's logical id), optionally of one record type. */
function recordsOf(template: Template, zoneId: string, type?: string): Array<[string, Resource]> {
  return Object.entries(resources(template, RECORD_SET))
    .filter(([, r]) => JSON.stringify(r.Properties.HostedZoneId) === JSON.stringify({ Ref: zoneId }))
    .filter(([, r]) => type === undefined || r.Properties.Type === type);
}

/** The lookups (Custom::CdkPrivateIotLookup) whose SDK call mentions every one of `needles`. */
function lookups(template: Template, ...needles: string[]): string[] {
  return Object.entries(resources(template, LOOKUP_RESOURCE_TYPE))
    .filter(([, r]) => needles.every((n) => JSON.stringify(r.Properties.Call).includes(n)))
    .map(([id]) => id);
}

/** The one `describeNetworkInterfaces` lookup of the VPC endpoint with logical id `endpointId`. */
function eniLookupOf(template: Template, endpointId: string): string {
  const found = lookups(template, 'describeNetworkInterfaces', `"${endpointId}"`);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The one `describeEndpoint` lookup of an endpoint type (`iot:Data-ATS`, `iot:CredentialProvider`). */
function describeEndpointLookup(template: Template, endpointType: string): string {
  const found = lookups(template, 'describeEndpoint', endpointType);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The `[logicalId, attribute]` of a single-value `Fn::GetAtt`. */
function getAtt(value: unknown): [string, string] {
  expect(value).toEqual({ 'Fn::GetAtt': [expect.any(String), expect.any(String)] });
  return (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
}

/** The alias target of DNS entry `index` of the VPC endpoint with logical id `endpointId`. */
function aliasTarget(endpointId: string, index: number) {
  const part = (i: number) => ({ 'Fn::Select': [i, { 'Fn::Split': [':', { 'Fn::Select': [index, { 'Fn::GetAtt': [endpointId, 'DnsEntries'] }] }] }] });
  return { DNSName: part(1), HostedZoneId: part(0) };
}

function sortedJson(values: unknown[]): string[] {
  return values.map((v) => JSON.stringify(v)).sort();
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** `act` throws `message`, and the stack's template is what it was before (bad input changes nothing). */
function expectRejected(stack: Stack, act: () => unknown, message: RegExp): void {
  const before = templateOf(stack).toJSON();
  expect(act).toThrow(message);
  const after = templateOf(stack);
  expect(resourcesOfType(after, HOSTED_ZONE)).toEqual(Object.keys(before.Resources ?? {}).filter((id) => before.Resources[id].Type === HOSTED_ZONE));
  expect(after.toJSON()).toEqual(before);
}

/** An `IPrivateIotDataEndpoint` (e.g. a user's own implementation) that is `endpoint` with another data endpoint address. */
function withDataEndpointAddress(endpoint: PrivateIotDataEndpoint, address: string): IPrivateIotDataEndpoint {
  return Object.create(endpoint, { dataEndpointAddress: { value: () => address } });
}

/** An `IPrivateIotDataEndpoint` that is `endpoint` with another credentials endpoint address. */
function withCredentialsEndpointAddress(endpoint: PrivateIotDataEndpoint, address: string): IPrivateIotDataEndpoint {
  return Object.create(endpoint, { credentialsEndpointAddress: { value: () => address } });
}

/** The whole message of the zone-name check, for `attribute` holding `name`. */
function zoneNameError(attribute: string, name: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escape(`CdkPrivateIotError: IotPrivateHostedZone 'TestStack/IotZone': endpoint has ${attribute} '${name}', which is not the account's own `
    + 'AWS IoT endpoint hostname, so a zone of that name would shadow other AWS IoT hosts (or answer for nothing); use the address from '
    + '`aws iot describe-endpoint` (the `-ats` data host or the credentials host)')}$`);
}

/** A VPC of another account, imported in a stack of that account. */
function otherAccountVpc(app: App): ec2.IVpc {
  const other = new Stack(app, 'OtherAccountStack', { env: { account: OTHER_ACCOUNT, region: TEST_REGION } });
  return ec2.Vpc.fromVpcAttributes(other, 'DeviceVpc', { vpcId: 'vpc-0222222222222222a', availabilityZones: ['eu-west-1a'] });
}

describe('WEIGHTED_IPS (default)', () => {
  test('a zone named exactly after the ATS endpoint, in the endpoint VPC, with one weighted A record per ENI of every endpoint', () => {
    const { stack, vpc, endpoint } = setup({ endpoint: { expectedDevices: 200_000 } });
    const zone = hostedZone(stack, endpoint);
    const template = templateOf(stack);

    expect(zone.recordStyle).toBe(IotRecordStyle.WEIGHTED_IPS);
    template.resourceCountIs(HOSTED_ZONE, 1);
    template.hasResourceProperties(HOSTED_ZONE, {
      Name: `${DATA_ATS_HOST}.`,
      VPCs: Match.exact([{ VPCId: stack.resolve(vpc.vpcId), VPCRegion: TEST_REGION }]),
    });
    const zoneId = logicalId(stack, zone.dataZone);
    const records = recordsOf(template, zoneId);
    expect(records).toHaveLength(3 * 2);
    expect(zone.dataRecords).toHaveLength(6);
    expect(resourcesOfType(template, RECORD_SET)).toHaveLength(6);
    for (const [, r] of records) {
      expect(r.Properties).toMatchObject({ Type: 'A', Name: `${DATA_ATS_HOST}.`, Weight: 1, TTL: '60' });
      expect(r.Properties.ResourceRecords).toHaveLength(1);
      expect(r.Properties.AliasTarget).toBeUndefined();
    }
    expect(new Set(records.map(([, r]) => r.Properties.SetIdentifier)).size).toBe(6);

    const targets = records.map(([, r]) => getAtt(r.Properties.ResourceRecords[0]));
    expect(endpoint.dataEndpoints).toHaveLength(2);
    for (const ep of endpoint.dataEndpoints) {
      const lookup = eniLookupOf(template, logicalId(stack, ep));
      const paths = targets.filter(([id]) => id === lookup).map(([, path]) => path).sort();
      expect(paths).toEqual(range(3).map((i) => `NetworkInterfaces.${i}.PrivateIpAddress`));
    }
    expect(recordsOf(template, zoneId, 'AAAA')).toHaveLength(0);
  });

  test('without dataEndpointAddress the zone and its records are named after the iot:Data-ATS lookup', () => {
    const { stack, endpoint } = setup({ endpoint: { dataEndpointAddress: undefined } });
    const zone = hostedZone(stack, endpoint);
    const template = templateOf(stack);

    const lookup = describeEndpointLookup(template, 'iot:Data-ATS');
    const name = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [lookup, 'endpointAddress'] }, '.']] };
    template.resourceCountIs(HOSTED_ZONE, 1);
    template.hasResourceProperties(HOSTED_ZONE, { Name: name });
    const records = recordsOf(template, logicalId(stack, zone.dataZone));
    expect(records).toHaveLength(3);
    for (const [, r] of records) {
      expect(r.Properties.Name).toEqual(name);
    }
  });

  test('the zone is never named iot.<region>.amazonaws.com', () => {
    const { stack, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
    hostedZone(stack, endpoint);
    const names = Object.values(resources(templateOf(stack), HOSTED_ZONE)).map((r) => r.Properties.Name);
    expect(names).toEqual(expect.arrayContaining([`${DATA_ATS_HOST}.`, `${CREDENTIALS_HOST}.`]));
    for (const name of names) {
      expect(name).not.toMatch(SHADOWING_NAME);
    }
  });

  test.each([
    // the whole region's IoT domain: shadows every other AWS IoT host
    'iot.eu-west-1.amazonaws.com',
    // someone else's domain
    `${DATA_ATS_HOST}.evil.example`,
    'x-ats.iot.eu-west-1.amazonaws.com.evil.example',
    // the legacy (non-ATS) data host, and the credentials host in the data slot
    'a1b2c3d4e5f6g7.iot.eu-west-1.amazonaws.com',
    CREDENTIALS_HOST,
  ])('an endpoint implementation whose data endpoint address is %s is rejected, naming it and the fix', (address) => {
    const { stack, endpoint } = setup();
    expectRejected(stack, () => hostedZone(stack, withDataEndpointAddress(endpoint, address)), zoneNameError('dataEndpointAddress', address));
  });
});

describe('credentials zone', () => {
  test.each([
    { kind: 'given', address: CREDENTIALS_HOST },
    { kind: 'looked up', address: undefined },
  ])('credentials endpoint ($kind address): a second zone named after it, with a record per ENI of that endpoint', ({ address }) => {
    const { stack, vpc, endpoint } = setup({
      endpoint: { services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }], credentialsEndpointAddress: address },
    });
    const zone = hostedZone(stack, endpoint);
    const template = templateOf(stack);

    template.resourceCountIs(HOSTED_ZONE, 2);
    expect(zone.credentialsZone).toBeDefined();
    const name = address !== undefined
      ? `${address}.`
      : { 'Fn::Join': ['', [{ 'Fn::GetAtt': [describeEndpointLookup(template, 'iot:CredentialProvider'), 'endpointAddress'] }, '.']] };
    const zoneId = logicalId(stack, zone.credentialsZone!);
    expect(resources(template, HOSTED_ZONE)[zoneId].Properties).toMatchObject({
      Name: name,
      VPCs: [{ VPCId: stack.resolve(vpc.vpcId), VPCRegion: TEST_REGION }],
    });
    const records = recordsOf(template, zoneId);
    expect(records).toHaveLength(3);
    expect(zone.credentialsRecords).toHaveLength(3);
    const lookup = eniLookupOf(template, logicalId(stack, endpoint.credentialsEndpoint!));
    const paths = records.map(([, r]) => {
      expect(r.Properties).toMatchObject({ Type: 'A', Name: name, Weight: 1, TTL: '60' });
      const [id, path] = getAtt(r.Properties.ResourceRecords[0]);
      expect(id).toBe(lookup);
      return path;
    });
    expect(paths.sort()).toEqual(range(3).map((i) => `NetworkInterfaces.${i}.PrivateIpAddress`));
    // The data zone keeps only the data endpoint's records.
    expect(recordsOf(template, logicalId(stack, zone.dataZone))).toHaveLength(3);
  });

  test.each([
    'iot.eu-west-1.amazonaws.com',
    `${CREDENTIALS_HOST}.evil.example`,
    'credentials.iot.eu-west-1.amazonaws.com',
    DATA_ATS_HOST,
  ])('an endpoint implementation whose credentials endpoint address is %s is rejected, naming it and the fix', (address) => {
    const { stack, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
    expectRejected(stack, () => hostedZone(stack, withCredentialsEndpointAddress(endpoint, address)), zoneNameError('credentialsEndpointAddress', address));
  });

  test('a credentials endpoint address without a credentials endpoint is not a zone name, so it is not checked', () => {
    const { stack, endpoint } = setup();
    expect(endpoint.credentialsEndpoint).toBeUndefined();
    const zone = hostedZone(stack, withCredentialsEndpointAddress(endpoint, 'iot.eu-west-1.amazonaws.com'));
    expect(zone.credentialsZone).toBeUndefined();
    expect(resourcesOfType(templateOf(stack), HOSTED_ZONE)).toHaveLength(1);
  });

  test('no credentials endpoint: no second zone, credentialsZone undefined', () => {
    const { stack, endpoint } = setup();
    const zone = hostedZone(stack, endpoint);
    const template = templateOf(stack);
    template.resourceCountIs(HOSTED_ZONE, 1);
    expect(zone.credentialsZone).toBeUndefined();
    expect(zone.credentialsRecords).toEqual([]);
    expect(lookups(template, 'iot:CredentialProvider')).toEqual([]);
  });
});

describe('ALIAS', () => {
  test('weighted alias A records to every DNS entry of every endpoint, no TTL, no ENI lookup and no Lambda', () => {
    const { stack, endpoint } = setup({ endpoint: { expectedDevices: 200_000 } });
    const zone = hostedZone(stack, endpoint, { recordStyle: IotRecordStyle.ALIAS });
    const template = templateOf(stack);

    expect(zone.recordStyle).toBe(IotRecordStyle.ALIAS);
    const records = recordsOf(template, logicalId(stack, zone.dataZone));
    const perEndpoint = endpoint.networkInterfacesPerEndpoint + 1;
    expect(perEndpoint).toBe(4);
    expect(records).toHaveLength(2 * perEndpoint);
    for (const [, r] of records) {
      expect(r.Properties).toMatchObject({ Type: 'A', Name: `${DATA_ATS_HOST}.`, Weight: 1 });
      expect(r.Properties.TTL).toBeUndefined();
      expect(r.Properties.ResourceRecords).toBeUndefined();
    }
    expect(new Set(records.map(([, r]) => r.Properties.SetIdentifier)).size).toBe(records.length);
    const expected = endpoint.dataEndpoints.flatMap((ep) => range(perEndpoint).map((i) => aliasTarget(logicalId(stack, ep), i)));
    expect(sortedJson(records.map(([, r]) => r.Properties.AliasTarget))).toEqual(sortedJson(expected));

    expect(lookups(template, 'describeNetworkInterfaces')).toEqual([]);
    expect(resourcesOfType(template, LOOKUP_RESOURCE_TYPE)).toEqual([]);
    expect(lambdaCount(template)).toBe(0);
  });
});

describe('dualStack', () => {
  test('WEIGHTED_IPS: an AAAA record per ENI (Ipv6Addresses path) besides the A records', () => {
    const { stack, endpoint } = setup({ vpc: { ipProtocol: ec2.IpProtocol.DUAL_STACK }, endpoint: { dualStack: true } });
    const zone = hostedZone(stack, endpoint);
    const template = templateOf(stack);
    const zoneId = logicalId(stack, zone.dataZone);
    const lookup = eniLookupOf(template, logicalId(stack, endpoint.dataEndpoints[0]));

    expect(recordsOf(template, zoneId, 'A')).toHaveLength(3);
    const aaaa = recordsOf(template, zoneId, 'AAAA');
    expect(aaaa).toHaveLength(3);
    const paths = aaaa.map(([, r]) => {
      expect(r.Properties).toMatchObject({ Name: `${DATA_ATS_HOST}.`, Weight: 1, TTL: '60' });
      const [id, path] = getAtt(r.Properties.ResourceRecords[0]);
      expect(id).toBe(lookup);
      return path;
    });
    expect(paths.sort()).toEqual(range(3).map((i) => `NetworkInterfaces.${i}.Ipv6Addresses.0.Ipv6Address`));
    expect(new Set(recordsOf(template, zoneId).map(([, r]) => `${r.Properties.Type} ${r.Properties.SetIdentifier}`)).size).toBe(6);
  });

  test('ALIAS: an AAAA alias record for every A alias record', () => {
    const { stack, endpoint } = setup({ vpc: { ipProtocol: ec2.IpProtocol.DUAL_STACK }, endpoint: { dualStack: true } });
    const zone = hostedZone(stack, endpoint, { recordStyle: IotRecordStyle.ALIAS });
    const template = templateOf(stack);
    const zoneId = logicalId(stack, zone.dataZone);
    const expected = sortedJson(range(4).map((i) => aliasTarget(logicalId(stack, endpoint.dataEndpoints[0]), i)));

    for (const type of ['A', 'AAAA']) {
      const records = recordsOf(template, zoneId, type);
      expect(records).toHaveLength(4);
      expect(sortedJson(records.map(([, r]) => r.Properties.AliasTarget))).toEqual(expected);
      for (const [, r] of records) {
        expect(r.Properties).toMatchObject({ Name: `${DATA_ATS_HOST}.`, Weight: 1 });
        expect(r.Properties.TTL).toBeUndefined();
      }
    }
    expect(resourcesOfType(template, LOOKUP_RESOURCE_TYPE)).toEqual([]);
  });
});

describe('VPC associations', () => {
  function vpcsOfZones(stack: Stack, zone: IotPrivateHostedZone): unknown[] {
    const template = templateOf(stack);
    const zones = resources(template, HOSTED_ZONE);
    return [zone.dataZone, zone.credentialsZone!].map((z) => zones[logicalId(stack, z)].Properties.VPCs);
  }

  test('vpcs with two VPCs: both zones are associated with both', () => {
    const { stack, vpc, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
    const deviceVpc = testVpc(stack, 'DeviceVpc');
    const zone = hostedZone(stack, endpoint, { vpcs: [vpc, deviceVpc] });
    const expected = [vpc, deviceVpc].map((v) => ({ VPCId: stack.resolve(v.vpcId), VPCRegion: TEST_REGION }));
    expect(vpcsOfZones(stack, zone)).toEqual([expected, expected]);
    expect(zone.vpcs).toEqual([vpc, deviceVpc]);
  });

  test('addVpc later associates the VPC with both zones', () => {
    const { stack, vpc, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
    const zone = hostedZone(stack, endpoint);
    const only = [{ VPCId: stack.resolve(vpc.vpcId), VPCRegion: TEST_REGION }];
    expect(vpcsOfZones(stack, zone)).toEqual([only, only]);

    const deviceVpc = testVpc(stack, 'DeviceVpc');
    zone.addVpc(deviceVpc);
    const both = [...only, { VPCId: stack.resolve(deviceVpc.vpcId), VPCRegion: TEST_REGION }];
    expect(vpcsOfZones(stack, zone)).toEqual([both, both]);
    expect(zone.vpcs).toEqual([vpc, deviceVpc]);
  });

  test.each([
    { kind: 'the same VPC object', again: (vpc: ec2.IVpc) => vpc },
    {
      kind: 'the same VPC imported again',
      again: (vpc: ec2.IVpc) => ec2.Vpc.fromVpcAttributes(Stack.of(vpc), 'SameVpcAgain', { vpcId: vpc.vpcId, availabilityZones: vpc.availabilityZones }),
    },
  ])('addVpc of a VPC that is associated already ($kind): an error naming vpc, and nothing changes', ({ again }) => {
    const { stack, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
    const deviceVpc = ec2.Vpc.fromVpcAttributes(stack, 'DeviceVpc', { vpcId: 'vpc-0111111111111111a', availabilityZones: ['eu-west-1a'] });
    const zone = hostedZone(stack, endpoint);
    zone.addVpc(deviceVpc);
    expectRejected(stack, () => zone.addVpc(again(deviceVpc)), /vpc .*is associated already.*associate each VPC once/);
    expect(zone.vpcs).toHaveLength(2);
  });

  test('vpcs listing a VPC twice: an error naming vpcs, and no hosted zone', () => {
    const { stack, vpc, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
    expectRejected(stack, () => hostedZone(stack, endpoint, { vpcs: [vpc, vpc] }), /vpcs .*(twice|more than once|associated already).*once/);
  });

  test('vpcs with a VPC of another account: an error naming vpcs and the fix, and no hosted zone', () => {
    const app = concreteApp();
    const { stack, vpc, endpoint } = setup({ app });
    const foreign = otherAccountVpc(app);
    expect(foreign.env.account).toBe(OTHER_ACCOUNT);
    expect(Stack.of(endpoint).account).toBe(TEST_ACCOUNT);
    expectRejected(stack, () => hostedZone(stack, endpoint, { vpcs: [vpc, foreign] }),
      new RegExp(`vpcs .*belongs to account ${OTHER_ACCOUNT}, not ${TEST_ACCOUNT}.*(VPC association authorization|Route 53 Profile)`));
  });

  test('addVpc of a VPC of another account: an error naming vpc and the fix, and nothing changes', () => {
    const app = concreteApp();
    const { stack, endpoint } = setup({ app });
    const zone = hostedZone(stack, endpoint);
    const foreign = otherAccountVpc(app);
    expectRejected(stack, () => zone.addVpc(foreign), new RegExp(`vpc .*belongs to account ${OTHER_ACCOUNT}.*association authorization or a Route 53 Profile`));
    expect(zone.vpcs).toHaveLength(1);
  });

  test('vpcs: [] is an error naming vpcs and the fix, and creates no hosted zone', () => {
    const { stack, endpoint } = setup();
    expectRejected(stack, () => hostedZone(stack, endpoint, { vpcs: [] }), /vpcs is empty.*list at least one VPC, or omit vpcs/);
  });
});

describe('one private zone of a name per VPC (Route 53: ConflictingDomainExists)', () => {
  const OTHER_ATS_HOST = 'b2c3d4e5f6g7h8-ats.iot.eu-west-1.amazonaws.com';
  const DEVICE_VPC_ID = 'vpc-0111111111111111a';
  const conflict = (zone: string, other: string, vpc: string, name: string) => new RegExp(`IotPrivateHostedZone '${zone}': vpcs? associates a private zone `
    + `named ${name.replace(/[.()]/g, '\\$&')} with VPC '${vpc}'.*which IotPrivateHostedZone '${other}' associates a zone of the same name with already.*`
    + 'ConflictingDomainExists.*associate the VPC with only one of the two zones');

  test('a second zone of the same name on the same VPC: an error naming both zones, the name and the VPC, and nothing added', () => {
    const { stack, endpoint } = setup();
    hostedZone(stack, endpoint, {}, 'ZoneA');
    expectRejected(stack, () => hostedZone(stack, endpoint, {}, 'ZoneB'), conflict('TestStack/ZoneB', 'TestStack/ZoneA', 'TestStack/Vpc', `'${DATA_ATS_HOST}'`));
  });

  test('the same name written differently (upper case, trailing dot) is the same zone', () => {
    const { stack, endpoint } = setup();
    hostedZone(stack, endpoint, {}, 'ZoneA');
    const shouting = withDataEndpointAddress(endpoint, `${DATA_ATS_HOST.toUpperCase()}.`);
    expect(() => hostedZone(stack, shouting, {}, 'ZoneB')).toThrow(/ZoneB.*ConflictingDomainExists/);
  });

  test('looked-up names (the same lookup token in one stack) conflict too', () => {
    const { stack, endpoint } = setup({ endpoint: { dataEndpointAddress: undefined } });
    hostedZone(stack, endpoint, {}, 'ZoneA');
    expectRejected(stack, () => hostedZone(stack, endpoint, {}, 'ZoneB'),
      conflict('TestStack/ZoneB', 'TestStack/ZoneA', 'TestStack/Vpc', 'the account\'s endpoint hostname (looked up at deployment)'));
  });

  test('the credentials zone conflicts alone (different data hosts, same credentials host)', () => {
    const { stack, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
    hostedZone(stack, endpoint, {}, 'ZoneA');
    expect(() => hostedZone(stack, withDataEndpointAddress(endpoint, OTHER_ATS_HOST), {}, 'ZoneB'))
      .toThrow(conflict('TestStack/ZoneB', 'TestStack/ZoneA', 'TestStack/Vpc', `'${CREDENTIALS_HOST}'`));
  });

  test('addVpc of a VPC that another zone of the same name is on: an error naming vpc, and nothing changes', () => {
    const { stack, vpc, endpoint } = setup();
    const deviceVpc = testVpc(stack, 'DeviceVpc');
    hostedZone(stack, endpoint, { vpcs: [vpc] }, 'ZoneA');
    const zoneB = hostedZone(stack, endpoint, { vpcs: [deviceVpc] }, 'ZoneB');
    expectRejected(stack, () => zoneB.addVpc(vpc), conflict('TestStack/ZoneB', 'TestStack/ZoneA', 'TestStack/Vpc', `'${DATA_ATS_HOST}'`));
    expect(zoneB.vpcs).toEqual([deviceVpc]);
  });

  test('the same name on different VPCs passes; so do different names on one VPC', () => {
    const { stack, vpc, endpoint } = setup();
    const deviceVpc = testVpc(stack, 'DeviceVpc');
    hostedZone(stack, endpoint, { vpcs: [vpc] }, 'ZoneA');
    hostedZone(stack, endpoint, { vpcs: [deviceVpc] }, 'ZoneB');
    hostedZone(stack, withDataEndpointAddress(endpoint, OTHER_ATS_HOST), { vpcs: [vpc, deviceVpc] }, 'ZoneC');
    expect(resourcesOfType(templateOf(stack), HOSTED_ZONE)).toHaveLength(3);
  });

  test('across stacks: the same VPC id given as a literal in two stacks conflicts', () => {
    const app = concreteApp();
    const { endpoint } = setup({ app });
    const second = testStack(app, 'SecondStack');
    const importIn = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'DeviceVpc', { vpcId: DEVICE_VPC_ID, availabilityZones: ['eu-west-1a'] });
    hostedZone(Stack.of(endpoint), endpoint, { vpcs: [importIn(Stack.of(endpoint))] }, 'ZoneA');
    expect(() => hostedZone(second, endpoint, { vpcs: [importIn(second)] }, 'ZoneB'))
      .toThrow(conflict('SecondStack/ZoneB', 'TestStack/ZoneA', 'SecondStack/DeviceVpc', `'${DATA_ATS_HOST}'`));
  });

  test('across stacks: the same IVpc object conflicts; two VPCs whose ids are tokens of different stacks do not', () => {
    const app = concreteApp();
    const { stack, vpc, endpoint } = setup({ app });
    const second = testStack(app, 'SecondStack');
    hostedZone(stack, endpoint, { vpcs: [vpc] }, 'ZoneA');
    hostedZone(second, endpoint, { vpcs: [testVpc(second, 'Vpc')] }, 'ZoneB');
    expect(() => hostedZone(second, endpoint, { vpcs: [vpc] }, 'ZoneC')).toThrow(conflict('SecondStack/ZoneC', 'TestStack/ZoneA', 'TestStack/Vpc', `'${DATA_ATS_HOST}'`));
  });

  test('two apps never conflict with each other', () => {
    const first = setup();
    hostedZone(first.stack, first.endpoint, {}, 'ZoneA');
    const other = setup();
    expect(() => hostedZone(other.stack, other.endpoint, {}, 'ZoneA')).not.toThrow();
  });
});

describe('TTL and comment', () => {
  test.each([0, 172_801])('ttl of %d s: an error naming ttl and the fix, and no hosted zone', (seconds) => {
    const { stack, endpoint } = setup();
    expectRejected(stack, () => hostedZone(stack, endpoint, { ttl: Duration.seconds(seconds) }), new RegExp(`ttl ${seconds} s .*; use 1 s to 2 days`));
  });

  test('ttl of 300 s goes on every address record', () => {
    const { stack, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
    hostedZone(stack, endpoint, { ttl: Duration.seconds(300) });
    const records = Object.values(resources(templateOf(stack), RECORD_SET));
    expect(records).toHaveLength(6);
    expect(records.map((r) => r.Properties.TTL)).toEqual(Array(6).fill('300'));
  });

  test('comment goes on both zones', () => {
    const { stack, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
    hostedZone(stack, endpoint, { comment: 'Fleet A private IoT' });
    const comments = Object.values(resources(templateOf(stack), HOSTED_ZONE)).map((r) => r.Properties.HostedZoneConfig.Comment);
    expect(comments).toHaveLength(2);
    for (const comment of comments) {
      expect(comment).toMatch(/^Fleet A private IoT/);
    }
  });
});

describe('Route 53 limit of 100 weighted records per name', () => {
  test('WEIGHTED_IPS, 3 AZs x 34 endpoints = 102 records: an error naming endpoint, the figure and the way out', () => {
    const { stack, endpoint } = setup({ endpoint: { expectedDevices: 3_400_000 } });
    expect(endpoint.dataEndpoints).toHaveLength(34);
    expectRejected(stack, () => hostedZone(stack, endpoint),
      /endpoint needs 102 weighted records for one name \(34 endpoints x 3 per endpoint\), over the Route 53 limit of 100; .*lower expectedDevices/);
  });

  test('WEIGHTED_IPS, 2 AZs x 50 endpoints = exactly 100 records: accepted', () => {
    const { stack, endpoint } = setup({ endpoint: { expectedDevices: 5_000_000, supportedAvailabilityZones: TWO_AZS } });
    const zone = hostedZone(stack, endpoint);
    expect(recordsOf(templateOf(stack), logicalId(stack, zone.dataZone), 'A')).toHaveLength(100);
  });

  test('ALIAS counts AZs + 1 names per endpoint: 2 AZs x 34 endpoints passes as WEIGHTED_IPS (68) but not as ALIAS (102)', () => {
    const { stack, endpoint } = setup({ endpoint: { expectedDevices: 3_400_000, supportedAvailabilityZones: TWO_AZS } });
    const weighted = hostedZone(stack, endpoint, {}, 'WeightedZone');
    expect(weighted.dataRecords).toHaveLength(68);
    // Its own VPC: a second zone of the same name on the first VPC would be rejected for that (ConflictingDomainExists).
    const otherVpc = testVpc(stack, 'OtherVpc');
    expectRejected(stack, () => hostedZone(stack, endpoint, { recordStyle: IotRecordStyle.ALIAS, vpcs: [otherVpc] }, 'AliasZone'),
      /endpoint needs 102 weighted records for one name \(34 endpoints x 3 per endpoint\).*limit of 100/);
  });

  test('ALIAS, 3 AZs: 25 endpoints x 4 = 100 records pass, 26 x 4 = 104 do not', () => {
    const ok = setup({ endpoint: { expectedDevices: 2_500_000 } });
    const zone = hostedZone(ok.stack, ok.endpoint, { recordStyle: IotRecordStyle.ALIAS });
    expect(recordsOf(templateOf(ok.stack), logicalId(ok.stack, zone.dataZone), 'A')).toHaveLength(100);

    const over = setup({ endpoint: { expectedDevices: 2_600_000 } });
    expectRejected(over.stack, () => hostedZone(over.stack, over.endpoint, { recordStyle: IotRecordStyle.ALIAS }),
      /endpoint needs 104 weighted records .*\(26 endpoints x 4 per endpoint\).*limit of 100/);
  });
});

describe('logical ids', () => {
  test.each([IotRecordStyle.WEIGHTED_IPS, IotRecordStyle.ALIAS])('%s: the records of endpoint 1 keep their logical ids and values from 100,000 to 300,000 devices',
    (recordStyle) => {
      const build = (expectedDevices: number) => {
        const { stack, endpoint } = setup({ endpoint: { expectedDevices } });
        hostedZone(stack, endpoint, { recordStyle });
        return resources(templateOf(stack), RECORD_SET);
      };
      const small = build(100_000);
      const large = build(300_000);
      const smallIds = Object.keys(small);
      expect(smallIds.length).toBeGreaterThan(0);
      expect(Object.keys(large)).toHaveLength(3 * smallIds.length);
      expect(Object.keys(large)).toEqual(expect.arrayContaining(smallIds));
      for (const id of smallIds) {
        expect(large[id]).toEqual(small[id]);
      }
    });
});

describe('record logical ids and SetIdentifiers (API: a changed id replaces the user\'s record)', () => {
  /** One record as `<zone logical id> <type> <SetIdentifier> <- <lookup or endpoint logical id> <ENI address path or DNS entry>`. */
  function describeRecord(r: Resource): string {
    const p = r.Properties;
    let target: string;
    if (p.AliasTarget) {
      const [index, entries] = p.AliasTarget.DNSName['Fn::Select'][1]['Fn::Split'][1]['Fn::Select'];
      expect(p.AliasTarget.HostedZoneId['Fn::Select'][1]['Fn::Split'][1]['Fn::Select']).toEqual([index, entries]);
      target = `${entries['Fn::GetAtt'][0]} DnsEntries.${index}`;
    } else {
      expect(p.ResourceRecords).toHaveLength(1);
      target = getAtt(p.ResourceRecords[0]).join(' ');
    }
    return `${p.HostedZoneId.Ref} ${p.Type} ${p.SetIdentifier} <- ${target}`;
  }

  test.each([
    {
      kind: 'WEIGHTED_IPS, 2 endpoints x 2 zones',
      recordStyle: IotRecordStyle.WEIGHTED_IPS,
      zones: TWO_AZS,
      dualStack: false,
      records: {
        IotZoneDataEndpoint1Ip1A73DE12C: 'IotZoneDataZone1814FCE9 A DataEndpoint1-ip-1 <- EndpointDataEndpoint1AddressesLookup35D1F501 NetworkInterfaces.0.PrivateIpAddress',
        IotZoneDataEndpoint1Ip288EDB81F: 'IotZoneDataZone1814FCE9 A DataEndpoint1-ip-2 <- EndpointDataEndpoint1AddressesLookup35D1F501 NetworkInterfaces.1.PrivateIpAddress',
        IotZoneDataEndpoint2Ip1B4821C33: 'IotZoneDataZone1814FCE9 A DataEndpoint2-ip-1 <- EndpointDataEndpoint2AddressesLookup74768DB6 NetworkInterfaces.0.PrivateIpAddress',
        IotZoneDataEndpoint2Ip205E35492: 'IotZoneDataZone1814FCE9 A DataEndpoint2-ip-2 <- EndpointDataEndpoint2AddressesLookup74768DB6 NetworkInterfaces.1.PrivateIpAddress',
        IotZoneCredentialsEndpointIp15E832281: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-ip-1 <- EndpointCredentialsEndpointAddressesLookup6DD932D7 NetworkInterfaces.0.PrivateIpAddress',
        IotZoneCredentialsEndpointIp2654146ED: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-ip-2 <- EndpointCredentialsEndpointAddressesLookup6DD932D7 NetworkInterfaces.1.PrivateIpAddress',
      },
    },
    {
      kind: 'WEIGHTED_IPS dual-stack, 2 endpoints x 3 zones',
      recordStyle: IotRecordStyle.WEIGHTED_IPS,
      zones: THREE_AZS,
      dualStack: true,
      records: {
        IotZoneDataEndpoint1Ip1A73DE12C: 'IotZoneDataZone1814FCE9 A DataEndpoint1-ip-1 <- EndpointDataEndpoint1AddressesLookup35D1F501 NetworkInterfaces.0.PrivateIpAddress',
        IotZoneDataEndpoint1Ip288EDB81F: 'IotZoneDataZone1814FCE9 A DataEndpoint1-ip-2 <- EndpointDataEndpoint1AddressesLookup35D1F501 NetworkInterfaces.1.PrivateIpAddress',
        IotZoneDataEndpoint1Ip341B9823E: 'IotZoneDataZone1814FCE9 A DataEndpoint1-ip-3 <- EndpointDataEndpoint1AddressesLookup35D1F501 NetworkInterfaces.2.PrivateIpAddress',
        IotZoneDataEndpoint1Ipv617AE007D7: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint1-ipv6-1 <- EndpointDataEndpoint1AddressesLookup35D1F501 NetworkInterfaces.0.Ipv6Addresses.0.Ipv6Address',
        IotZoneDataEndpoint1Ipv626AC7C707: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint1-ipv6-2 <- EndpointDataEndpoint1AddressesLookup35D1F501 NetworkInterfaces.1.Ipv6Addresses.0.Ipv6Address',
        IotZoneDataEndpoint1Ipv639A887431: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint1-ipv6-3 <- EndpointDataEndpoint1AddressesLookup35D1F501 NetworkInterfaces.2.Ipv6Addresses.0.Ipv6Address',
        IotZoneDataEndpoint2Ip1B4821C33: 'IotZoneDataZone1814FCE9 A DataEndpoint2-ip-1 <- EndpointDataEndpoint2AddressesLookup74768DB6 NetworkInterfaces.0.PrivateIpAddress',
        IotZoneDataEndpoint2Ip205E35492: 'IotZoneDataZone1814FCE9 A DataEndpoint2-ip-2 <- EndpointDataEndpoint2AddressesLookup74768DB6 NetworkInterfaces.1.PrivateIpAddress',
        IotZoneDataEndpoint2Ip3D3AABCEC: 'IotZoneDataZone1814FCE9 A DataEndpoint2-ip-3 <- EndpointDataEndpoint2AddressesLookup74768DB6 NetworkInterfaces.2.PrivateIpAddress',
        IotZoneDataEndpoint2Ipv6198604C12: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint2-ipv6-1 <- EndpointDataEndpoint2AddressesLookup74768DB6 NetworkInterfaces.0.Ipv6Addresses.0.Ipv6Address',
        IotZoneDataEndpoint2Ipv621AF46DAA: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint2-ipv6-2 <- EndpointDataEndpoint2AddressesLookup74768DB6 NetworkInterfaces.1.Ipv6Addresses.0.Ipv6Address',
        IotZoneDataEndpoint2Ipv637B58B015: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint2-ipv6-3 <- EndpointDataEndpoint2AddressesLookup74768DB6 NetworkInterfaces.2.Ipv6Addresses.0.Ipv6Address',
        IotZoneCredentialsEndpointIp15E832281: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-ip-1 <- EndpointCredentialsEndpointAddressesLookup6DD932D7 NetworkInterfaces.0.PrivateIpAddress',
        IotZoneCredentialsEndpointIp2654146ED: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-ip-2 <- EndpointCredentialsEndpointAddressesLookup6DD932D7 NetworkInterfaces.1.PrivateIpAddress',
        IotZoneCredentialsEndpointIp30FDFD674: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-ip-3 <- EndpointCredentialsEndpointAddressesLookup6DD932D7 NetworkInterfaces.2.PrivateIpAddress',
        IotZoneCredentialsEndpointIpv61ECDEC07D: 'IotZoneCredentialsZone2AAAE8DF AAAA CredentialsEndpoint-ipv6-1 <- EndpointCredentialsEndpointAddressesLookup6DD932D7 NetworkInterfaces.0.Ipv6Addresses.0.Ipv6Address',
        IotZoneCredentialsEndpointIpv625779FAF0: 'IotZoneCredentialsZone2AAAE8DF AAAA CredentialsEndpoint-ipv6-2 <- EndpointCredentialsEndpointAddressesLookup6DD932D7 NetworkInterfaces.1.Ipv6Addresses.0.Ipv6Address',
        IotZoneCredentialsEndpointIpv632693EF3D: 'IotZoneCredentialsZone2AAAE8DF AAAA CredentialsEndpoint-ipv6-3 <- EndpointCredentialsEndpointAddressesLookup6DD932D7 NetworkInterfaces.2.Ipv6Addresses.0.Ipv6Address',
      },
    },
    {
      kind: 'ALIAS, 2 endpoints x 2 zones (2 zonal names + the regional one each)',
      recordStyle: IotRecordStyle.ALIAS,
      zones: TWO_AZS,
      dualStack: false,
      records: {
        IotZoneDataEndpoint1Alias1E915E832: 'IotZoneDataZone1814FCE9 A DataEndpoint1-name-1 <- EndpointDataEndpoint1C3E27C3F DnsEntries.0',
        IotZoneDataEndpoint1Alias2462A11F7: 'IotZoneDataZone1814FCE9 A DataEndpoint1-name-2 <- EndpointDataEndpoint1C3E27C3F DnsEntries.1',
        IotZoneDataEndpoint1Alias3B00F1D91: 'IotZoneDataZone1814FCE9 A DataEndpoint1-name-3 <- EndpointDataEndpoint1C3E27C3F DnsEntries.2',
        IotZoneDataEndpoint2Alias1361ED693: 'IotZoneDataZone1814FCE9 A DataEndpoint2-name-1 <- EndpointDataEndpoint231C3292C DnsEntries.0',
        IotZoneDataEndpoint2Alias23B2AF75E: 'IotZoneDataZone1814FCE9 A DataEndpoint2-name-2 <- EndpointDataEndpoint231C3292C DnsEntries.1',
        IotZoneDataEndpoint2Alias335EBB450: 'IotZoneDataZone1814FCE9 A DataEndpoint2-name-3 <- EndpointDataEndpoint231C3292C DnsEntries.2',
        IotZoneCredentialsEndpointAlias1380EC333: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-name-1 <- EndpointCredentialsEndpointA351CEDF DnsEntries.0',
        IotZoneCredentialsEndpointAlias23F32D42A: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-name-2 <- EndpointCredentialsEndpointA351CEDF DnsEntries.1',
        IotZoneCredentialsEndpointAlias31DC7D354: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-name-3 <- EndpointCredentialsEndpointA351CEDF DnsEntries.2',
      },
    },
    {
      kind: 'ALIAS dual-stack, 2 endpoints x 3 zones',
      recordStyle: IotRecordStyle.ALIAS,
      zones: THREE_AZS,
      dualStack: true,
      records: {
        IotZoneDataEndpoint1Alias1E915E832: 'IotZoneDataZone1814FCE9 A DataEndpoint1-name-1 <- EndpointDataEndpoint1C3E27C3F DnsEntries.0',
        IotZoneDataEndpoint1AliasIpv61D56F2AB9: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint1-name-1 <- EndpointDataEndpoint1C3E27C3F DnsEntries.0',
        IotZoneDataEndpoint1Alias2462A11F7: 'IotZoneDataZone1814FCE9 A DataEndpoint1-name-2 <- EndpointDataEndpoint1C3E27C3F DnsEntries.1',
        IotZoneDataEndpoint1AliasIpv62D3166130: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint1-name-2 <- EndpointDataEndpoint1C3E27C3F DnsEntries.1',
        IotZoneDataEndpoint1Alias3B00F1D91: 'IotZoneDataZone1814FCE9 A DataEndpoint1-name-3 <- EndpointDataEndpoint1C3E27C3F DnsEntries.2',
        IotZoneDataEndpoint1AliasIpv636860D255: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint1-name-3 <- EndpointDataEndpoint1C3E27C3F DnsEntries.2',
        IotZoneDataEndpoint1Alias4B8EF6668: 'IotZoneDataZone1814FCE9 A DataEndpoint1-name-4 <- EndpointDataEndpoint1C3E27C3F DnsEntries.3',
        IotZoneDataEndpoint1AliasIpv64907CA6B0: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint1-name-4 <- EndpointDataEndpoint1C3E27C3F DnsEntries.3',
        IotZoneDataEndpoint2Alias1361ED693: 'IotZoneDataZone1814FCE9 A DataEndpoint2-name-1 <- EndpointDataEndpoint231C3292C DnsEntries.0',
        IotZoneDataEndpoint2AliasIpv615B7ACC21: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint2-name-1 <- EndpointDataEndpoint231C3292C DnsEntries.0',
        IotZoneDataEndpoint2Alias23B2AF75E: 'IotZoneDataZone1814FCE9 A DataEndpoint2-name-2 <- EndpointDataEndpoint231C3292C DnsEntries.1',
        IotZoneDataEndpoint2AliasIpv623D6B5173: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint2-name-2 <- EndpointDataEndpoint231C3292C DnsEntries.1',
        IotZoneDataEndpoint2Alias335EBB450: 'IotZoneDataZone1814FCE9 A DataEndpoint2-name-3 <- EndpointDataEndpoint231C3292C DnsEntries.2',
        IotZoneDataEndpoint2AliasIpv63F1A44FF7: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint2-name-3 <- EndpointDataEndpoint231C3292C DnsEntries.2',
        IotZoneDataEndpoint2Alias4B08C25CE: 'IotZoneDataZone1814FCE9 A DataEndpoint2-name-4 <- EndpointDataEndpoint231C3292C DnsEntries.3',
        IotZoneDataEndpoint2AliasIpv641307FF59: 'IotZoneDataZone1814FCE9 AAAA DataEndpoint2-name-4 <- EndpointDataEndpoint231C3292C DnsEntries.3',
        IotZoneCredentialsEndpointAlias1380EC333: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-name-1 <- EndpointCredentialsEndpointA351CEDF DnsEntries.0',
        IotZoneCredentialsEndpointAliasIpv61F46E2BA4: 'IotZoneCredentialsZone2AAAE8DF AAAA CredentialsEndpoint-name-1 <- EndpointCredentialsEndpointA351CEDF DnsEntries.0',
        IotZoneCredentialsEndpointAlias23F32D42A: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-name-2 <- EndpointCredentialsEndpointA351CEDF DnsEntries.1',
        IotZoneCredentialsEndpointAliasIpv629E9FC3E6: 'IotZoneCredentialsZone2AAAE8DF AAAA CredentialsEndpoint-name-2 <- EndpointCredentialsEndpointA351CEDF DnsEntries.1',
        IotZoneCredentialsEndpointAlias31DC7D354: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-name-3 <- EndpointCredentialsEndpointA351CEDF DnsEntries.2',
        IotZoneCredentialsEndpointAliasIpv631E3E8A73: 'IotZoneCredentialsZone2AAAE8DF AAAA CredentialsEndpoint-name-3 <- EndpointCredentialsEndpointA351CEDF DnsEntries.2',
        IotZoneCredentialsEndpointAlias46B50F73A: 'IotZoneCredentialsZone2AAAE8DF A CredentialsEndpoint-name-4 <- EndpointCredentialsEndpointA351CEDF DnsEntries.3',
        IotZoneCredentialsEndpointAliasIpv64CF0718E2: 'IotZoneCredentialsZone2AAAE8DF AAAA CredentialsEndpoint-name-4 <- EndpointCredentialsEndpointA351CEDF DnsEntries.3',
      },
    },
  ])('$kind, with a credentials endpoint', ({ recordStyle, zones, dualStack, records }) => {
    const { stack, endpoint } = setup({
      vpc: dualStack ? { ipProtocol: ec2.IpProtocol.DUAL_STACK } : undefined,
      endpoint: { ...WITH_CREDENTIALS, supportedAvailabilityZones: zones, expectedDevices: 200_000, dualStack },
    });
    const zone = hostedZone(stack, endpoint, { recordStyle });
    const template = templateOf(stack);

    expect(endpoint.dataEndpoints).toHaveLength(2);
    expect(logicalId(stack, zone.dataZone)).toBe('IotZoneDataZone1814FCE9');
    expect(logicalId(stack, zone.credentialsZone!)).toBe('IotZoneCredentialsZone2AAAE8DF');
    const actual = Object.fromEntries(Object.entries(resources(template, RECORD_SET)).map(([id, r]) => [id, describeRecord(r)]));
    expect(actual).toEqual(records);
    // The public record lists hold the same records, data and credentials apart.
    const idsOf = (list: IConstruct[]) => list.map((r) => logicalId(stack, r)).sort();
    expect(idsOf(zone.dataRecords)).toEqual(Object.keys(records).filter((id) => id.startsWith('IotZoneData')).sort());
    expect(idsOf(zone.credentialsRecords)).toEqual(Object.keys(records).filter((id) => id.startsWith('IotZoneCredentials')).sort());
  });
});

describe('one Lambda per stack', () => {
  test('two endpoints and zones (WEIGHTED_IPS, credentials, looked-up hosts) in two VPCs of one stack: one Lambda function', () => {
    const stack = testStack();
    const services = [{ service: IotVpcEndpointAwsService.CREDENTIALS }];
    const first = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc: testVpc(stack, 'Vpc'), services });
    const second = new PrivateIotDataEndpoint(stack, 'OtherEndpoint', { vpc: testVpc(stack, 'OtherVpc'), services });
    hostedZone(stack, first);
    hostedZone(stack, second, {}, 'OtherIotZone');
    const template = templateOf(stack);

    template.resourceCountIs(HOSTED_ZONE, 4);
    expect(lookups(template, 'describeNetworkInterfaces')).toHaveLength(4);
    expect(lambdaCount(template)).toBe(1);
  });
});

describe('what the zones create', () => {
  // No cdk-nag pack (AwsSolutions, NIST 800-53 R5, HIPAA, PCI DSS) has a rule for Route 53 hosted zones or record
  // sets, so a cdk-nag run over the zones could never fail. What can fail: the zones' subtree holds nothing else. A
  // new resource type under IotPrivateHostedZone must come with a cdk-nag test of its own.
  test.each([IotRecordStyle.WEIGHTED_IPS, IotRecordStyle.ALIAS])('%s: only AWS::Route53::HostedZone and AWS::Route53::RecordSet, looked-up hosts and all',
    (recordStyle) => {
      const { stack, endpoint } = setup({
        endpoint: { dataEndpointAddress: undefined, services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }], dualStack: true },
        vpc: { ipProtocol: ec2.IpProtocol.DUAL_STACK },
      });
      const zone = hostedZone(stack, endpoint, { recordStyle });
      const elements = zone.node.findAll().filter((c) => c instanceof CfnElement);
      const types = elements.map((c) => (c instanceof CfnResource ? c.cfnResourceType : `not a resource: ${c.node.path}`));
      expect(new Set(types)).toEqual(new Set([HOSTED_ZONE, RECORD_SET]));
      expect(types.filter((t) => t === HOSTED_ZONE)).toHaveLength(2);
    });
});

describe('imported endpoints and zones', () => {
  const DATA_ID = 'vpce-0123456789abcdef0';
  const CREDENTIALS_ID = 'vpce-0fedcba9876543210';

  /** A stack with an endpoint imported from another stack (2 data endpoints, credentials, 2 zones). */
  function importedEndpoint(attrs: Partial<PrivateIotDataEndpointAttributes> = {}) {
    const stack = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: TWO_AZS });
    const vpce = (id: string, vpcEndpointId: string) =>
      ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, id, { vpcEndpointId, port: 443 });
    const endpoint = PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes(stack, 'Endpoint', {
      vpc,
      dataEndpoints: [vpce('Data1', DATA_ID), vpce('Data2', 'vpce-0123456789abcdef1')],
      credentialsEndpoint: vpce('Credentials', CREDENTIALS_ID),
      availabilityZones: TWO_AZS,
      dataEndpointAddress: DATA_ATS_HOST,
      credentialsEndpointAddress: CREDENTIALS_HOST,
      ...attrs,
    });
    return { stack, vpc, endpoint };
  }

  test('WEIGHTED_IPS: zones named after the given hosts, one A record per network interface from the import\'s lookups, ids as for a created endpoint', () => {
    const { stack, vpc, endpoint } = importedEndpoint();
    const zone = hostedZone(stack, endpoint);
    const template = templateOf(stack);
    const zones = resources(template, HOSTED_ZONE);
    expect(Object.keys(zones).sort()).toEqual(['IotZoneCredentialsZone2AAAE8DF', 'IotZoneDataZone1814FCE9']);
    expect(zones.IotZoneDataZone1814FCE9.Properties.Name).toBe(`${DATA_ATS_HOST}.`);
    expect(zones.IotZoneCredentialsZone2AAAE8DF.Properties.Name).toBe(`${CREDENTIALS_HOST}.`);
    expect(zones.IotZoneDataZone1814FCE9.Properties.VPCs).toEqual([{ VPCId: 'vpc-0123456789abcdef0', VPCRegion: TEST_REGION }]);
    expect(zone.vpcs).toEqual([vpc]);
    const lookupIds = Object.keys(resources(template, LOOKUP_RESOURCE_TYPE));
    const addressLookup = (prefix: string) => {
      const found = lookupIds.filter((id) => new RegExp(`^Endpoint${prefix}AddressesLookup[0-9A-F]{8}$`).test(id));
      expect(found).toHaveLength(1);
      return found[0];
    };
    const records = Object.fromEntries(Object.entries(resources(template, RECORD_SET)).map(([id, r]) => [id, {
      zone: r.Properties.HostedZoneId.Ref,
      type: r.Properties.Type,
      set: r.Properties.SetIdentifier,
      weight: r.Properties.Weight,
      ttl: r.Properties.TTL,
      target: getAtt(r.Properties.ResourceRecords[0]),
    }]));
    const record = (z: string, set: string, prefix: string, i: number) => ({
      zone: z, type: 'A', set, weight: 1, ttl: '60', target: [addressLookup(prefix), `NetworkInterfaces.${i}.PrivateIpAddress`],
    });
    expect(records).toEqual({
      IotZoneDataEndpoint1Ip1A73DE12C: record('IotZoneDataZone1814FCE9', 'DataEndpoint1-ip-1', 'DataEndpoint1', 0),
      IotZoneDataEndpoint1Ip288EDB81F: record('IotZoneDataZone1814FCE9', 'DataEndpoint1-ip-2', 'DataEndpoint1', 1),
      IotZoneDataEndpoint2Ip1B4821C33: record('IotZoneDataZone1814FCE9', 'DataEndpoint2-ip-1', 'DataEndpoint2', 0),
      IotZoneDataEndpoint2Ip205E35492: record('IotZoneDataZone1814FCE9', 'DataEndpoint2-ip-2', 'DataEndpoint2', 1),
      IotZoneCredentialsEndpointIp15E832281: record('IotZoneCredentialsZone2AAAE8DF', 'CredentialsEndpoint-ip-1', 'CredentialsEndpoint', 0),
      IotZoneCredentialsEndpointIp2654146ED: record('IotZoneCredentialsZone2AAAE8DF', 'CredentialsEndpoint-ip-2', 'CredentialsEndpoint', 1),
    });
    // 3 endpoints x (interface ids + addresses), no hostname lookup (both hosts given), one Lambda function
    expect(lookupIds).toHaveLength(6);
    expect(lookups(template, 'describeEndpoint')).toEqual([]);
    expect(lambdaCount(template)).toBe(1);
  });

  test('WEIGHTED_IPS dual-stack: AAAA records from the import\'s IPv6 lookups', () => {
    const { stack, endpoint } = importedEndpoint({ dualStack: true, credentialsEndpoint: undefined, credentialsEndpointAddress: undefined });
    const zone = hostedZone(stack, endpoint);
    const template = templateOf(stack);
    const aaaa = recordsOf(template, 'IotZoneDataZone1814FCE9', 'AAAA').map(([id, r]) => [id, r.Properties.SetIdentifier]).sort();
    expect(aaaa).toEqual([
      ['IotZoneDataEndpoint1Ipv617AE007D7', 'DataEndpoint1-ipv6-1'], ['IotZoneDataEndpoint1Ipv626AC7C707', 'DataEndpoint1-ipv6-2'],
      ['IotZoneDataEndpoint2Ipv6198604C12', 'DataEndpoint2-ipv6-1'], ['IotZoneDataEndpoint2Ipv621AF46DAA', 'DataEndpoint2-ipv6-2'],
    ]);
    expect(zone.credentialsZone).toBeUndefined();
    expect(zone.credentialsRecords).toEqual([]);
  });

  test('hosts not given: the zones are named after the iot:Data-ATS and iot:CredentialProvider lookups', () => {
    const { stack, endpoint } = importedEndpoint({ dataEndpointAddress: undefined, credentialsEndpointAddress: undefined });
    hostedZone(stack, endpoint);
    const template = templateOf(stack);
    const zones = resources(template, HOSTED_ZONE);
    expect(zones.IotZoneDataZone1814FCE9.Properties.Name).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [describeEndpointLookup(template, 'iot:Data-ATS'), 'endpointAddress'] }, '.']],
    });
    expect(zones.IotZoneCredentialsZone2AAAE8DF.Properties.Name).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [describeEndpointLookup(template, 'iot:CredentialProvider'), 'endpointAddress'] }, '.']],
    });
  });

  test('ALIAS: an error from the import naming the endpoint and the way out (WEIGHTED_IPS), and no hosted zone', () => {
    const { stack, endpoint } = importedEndpoint();
    expectRejected(stack, () => hostedZone(stack, endpoint, { recordStyle: IotRecordStyle.ALIAS }),
      /^CdkPrivateIotError: ImportedPrivateIotDataEndpoint 'TestStack\/Endpoint': endpoint 'TestStack\/Data1' is imported, .*\(IotRecordStyle.ALIAS needs them\); use IotRecordStyle.WEIGHTED_IPS/);
    expect(stack.node.findChild('IotZone').node.children).toHaveLength(0);
  });

  test('fromIotPrivateHostedZoneAttributes: the zones as given, nothing added to the template', () => {
    const stack = testStack();
    const dataZone = route53.PrivateHostedZone.fromPrivateHostedZoneId(stack, 'Data', 'Z0123456789ABCDEFGHIJ');
    const credentialsZone = route53.PrivateHostedZone.fromPrivateHostedZoneId(stack, 'Credentials', 'Z0123456789ABCDEFGHIK');
    const zone: IIotPrivateHostedZone = IotPrivateHostedZone.fromIotPrivateHostedZoneAttributes(stack, 'Imported', { dataZone, credentialsZone });
    expect(zone.dataZone).toBe(dataZone);
    expect(zone.credentialsZone).toBe(credentialsZone);
    expect(zone.node.path).toBe('TestStack/Imported');
    const dataOnly = IotPrivateHostedZone.fromIotPrivateHostedZoneAttributes(stack, 'DataOnly', { dataZone });
    expect(dataOnly.credentialsZone).toBeUndefined();
    expect(templateOf(stack).toJSON().Resources ?? {}).toEqual({});
  });

  test('fromIotPrivateHostedZoneAttributes with the data zone as credentialsZone: an error naming credentialsZone and the fix', () => {
    const stack = testStack();
    const dataZone = route53.PrivateHostedZone.fromPrivateHostedZoneId(stack, 'Data', 'Z0123456789ABCDEFGHIJ');
    const again = route53.PrivateHostedZone.fromPrivateHostedZoneId(stack, 'Again', 'Z0123456789ABCDEFGHIJ');
    const message = "CdkPrivateIotError: ImportedIotPrivateHostedZone 'TestStack/Imported': credentialsZone is the same hosted zone as dataZone; "
      + 'pass the zone named after the credential provider endpoint, or omit credentialsZone';
    expect(() => IotPrivateHostedZone.fromIotPrivateHostedZoneAttributes(stack, 'Imported', { dataZone, credentialsZone: again })).toThrow(message);
    // the same token (one zone of this stack) is the same zone too
    const created = new route53.PrivateHostedZone(stack, 'Created', { zoneName: DATA_ATS_HOST, vpc: testVpc(stack) });
    const createdAgain = route53.PrivateHostedZone.fromPrivateHostedZoneId(stack, 'CreatedAgain', created.hostedZoneId);
    expect(() => IotPrivateHostedZone.fromIotPrivateHostedZoneAttributes(stack, 'Imported2', { dataZone: created, credentialsZone: createdAgain }))
      .toThrow(/^CdkPrivateIotError: ImportedIotPrivateHostedZone 'TestStack\/Imported2': credentialsZone is the same hosted zone as dataZone/);
  });

  test('an IotPrivateHostedZone is an IIotPrivateHostedZone whose zones are route53.IPrivateHostedZone', () => {
    const { stack, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
    const zone: IIotPrivateHostedZone = hostedZone(stack, endpoint);
    expect(logicalId(stack, zone.dataZone)).toBe('IotZoneDataZone1814FCE9');
    expect(logicalId(stack, zone.credentialsZone!)).toBe('IotZoneCredentialsZone2AAAE8DF');
  });
});

describe('boundaries, whole messages and defaults', () => {
  test.each([1, 172_800])('ttl of %d s (the edge Route 53 accepts) goes on every record', (seconds) => {
    const { stack, endpoint } = setup();
    hostedZone(stack, endpoint, { ttl: Duration.seconds(seconds) });
    expect(Object.values(resources(templateOf(stack), RECORD_SET)).map((r) => r.Properties.TTL)).toEqual(Array(3).fill(`${seconds}`));
  });

  test('a ttl that is a token is taken unchecked', () => {
    const { stack, endpoint } = setup();
    const seconds = new CfnParameter(stack, 'Ttl', { type: 'Number' }).valueAsNumber;
    hostedZone(stack, endpoint, { ttl: Duration.seconds(seconds) });
    expect(Object.values(resources(templateOf(stack), RECORD_SET)).map((r) => r.Properties.TTL)).toEqual(Array(3).fill({ Ref: 'Ttl' }));
  });

  test('default comments name the library and the endpoint type; a given comment keeps the suffixes', () => {
    const comments = (comment?: string) => {
      const { stack, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
      hostedZone(stack, endpoint, comment === undefined ? {} : { comment });
      const zones = resources(templateOf(stack), HOSTED_ZONE);
      return [zones.IotZoneDataZone1814FCE9, zones.IotZoneCredentialsZone2AAAE8DF].map((z) => z.Properties.HostedZoneConfig.Comment);
    };
    expect(comments()).toEqual([
      'AWS IoT Core private path (cdk-private-iot): ATS data endpoint',
      'AWS IoT Core private path (cdk-private-iot): credential provider endpoint',
    ]);
    expect(comments('Fleet A')).toEqual(['Fleet A: ATS data endpoint', 'Fleet A: credential provider endpoint']);
  });

  test.each([
    {
      name: 'vpcs []',
      act: (x: ReturnType<typeof setup>) => hostedZone(x.stack, x.endpoint, { vpcs: [] }),
      message: "vpcs is empty, so no VPC would resolve the IoT hostnames privately; list at least one VPC, or omit vpcs for the endpoint's VPC",
    },
    {
      name: 'vpcs with a VPC twice',
      act: (x: ReturnType<typeof setup>) => hostedZone(x.stack, x.endpoint, { vpcs: [x.vpc, x.vpc] }),
      message: "vpcs lists 'TestStack/Vpc' twice (the same VPC id); list each VPC once",
    },
    {
      name: 'ttl 0 s',
      act: (x: ReturnType<typeof setup>) => hostedZone(x.stack, x.endpoint, { ttl: Duration.seconds(0) }),
      message: 'ttl 0 s is outside what Route 53 accepts; use 1 s to 2 days; 60 s spreads devices over the endpoints quickly',
    },
    {
      name: 'addVpc of an associated VPC',
      act: (x: ReturnType<typeof setup>) => hostedZone(x.stack, x.endpoint).addVpc(x.vpc),
      message: "vpc 'TestStack/Vpc' is associated already; associate each VPC once",
    },
  ])('$name: the whole message', ({ act, message }) => {
    const x = setup();
    expect(() => act(x)).toThrow(`CdkPrivateIotError: IotPrivateHostedZone 'TestStack/IotZone': ${message}`);
  });

  test('a VPC of another account: the whole message, for vpcs and for addVpc', () => {
    const app = concreteApp();
    const { stack, vpc, endpoint } = setup({ app });
    const foreign = otherAccountVpc(app);
    const problem = `'OtherAccountStack/DeviceVpc' belongs to account ${OTHER_ACCOUNT}, not ${TEST_ACCOUNT}, and a zone can be associated directly only with `
      + 'VPCs of its own account; associate that VPC from its own account (VPC association authorization or a Route 53 Profile)';
    expect(() => hostedZone(stack, endpoint, { vpcs: [vpc, foreign] }, 'Bad')).toThrow(`CdkPrivateIotError: IotPrivateHostedZone 'TestStack/Bad': vpcs ${problem}`);
    const zone = hostedZone(stack, endpoint);
    expect(() => zone.addVpc(foreign)).toThrow(`CdkPrivateIotError: IotPrivateHostedZone 'TestStack/IotZone': vpc ${problem}`);
  });

  test('a VPC whose account is unknown (environment-agnostic stack) is accepted, and so is any VPC of a zone in such a stack', () => {
    const app = concreteApp();
    const { stack, vpc, endpoint } = setup({ app });
    const agnostic = new Stack(app, 'Agnostic');
    const unknownAccount = ec2.Vpc.fromVpcAttributes(agnostic, 'DeviceVpc', { vpcId: 'vpc-0333333333333333a', availabilityZones: ['eu-west-1a'] });
    const zone = hostedZone(stack, endpoint, { vpcs: [vpc, unknownAccount] });
    expect(zone.vpcs).toEqual([vpc, unknownAccount]);

    const agnosticVpc = testVpc(agnostic, 'Vpc');
    const agnosticEndpoint = new PrivateIotDataEndpoint(agnostic, 'Endpoint', { vpc: agnosticVpc, dataEndpointAddress: DATA_ATS_HOST });
    const foreign = otherAccountVpc(app);
    const agnosticZone = hostedZone(agnostic, agnosticEndpoint, { vpcs: [agnosticVpc, foreign] });
    expect(agnosticZone.vpcs).toEqual([agnosticVpc, foreign]);
  });

  test('a conflicting zone name on a VPC with a literal id: the whole message, with the VPC id', () => {
    const { stack, endpoint } = setup();
    const deviceVpc = ec2.Vpc.fromVpcAttributes(stack, 'DeviceVpc', { vpcId: 'vpc-0111111111111111a', availabilityZones: ['eu-west-1a'] });
    hostedZone(stack, endpoint, { vpcs: [deviceVpc] }, 'ZoneA');
    expect(() => hostedZone(stack, endpoint, { vpcs: [deviceVpc] }, 'ZoneB')).toThrow(
      `CdkPrivateIotError: IotPrivateHostedZone 'TestStack/ZoneB': vpcs associates a private zone named '${DATA_ATS_HOST}' with VPC 'TestStack/DeviceVpc' `
      + "(vpc-0111111111111111a), which IotPrivateHostedZone 'TestStack/ZoneA' associates a zone of the same name with already: Route 53 rejects a second "
      + 'private hosted zone of one name on a VPC (ConflictingDomainExists); associate the VPC with only one of the two zones (drop it from the vpcs or '
      + "addVpc calls of 'TestStack/ZoneB' or of 'TestStack/ZoneA')");
  });

  test('an endpoint implementation with a credentials endpoint but no credentials address: no credentials zone, nothing checked', () => {
    const { stack, endpoint } = setup({ endpoint: WITH_CREDENTIALS });
    const zone = hostedZone(stack, withCredentialsEndpointAddress(endpoint, undefined as unknown as string));
    expect(zone.credentialsZone).toBeUndefined();
    expect(zone.credentialsRecords).toEqual([]);
    expect(resourcesOfType(templateOf(stack), HOSTED_ZONE)).toEqual(['IotZoneDataZone1814FCE9']);
  });

  test('too many resources in the zone\'s stack: the error names the zone, its share and the way out', () => {
    const app = concreteApp();
    const { endpoint } = setup({ app, endpoint: WITH_CREDENTIALS });
    const dns = testStack(app, 'Dns');
    hostedZone(dns, endpoint, { vpcs: [testVpc(dns, 'DeviceVpc')] });
    for (let i = 0; i < 495; i++) {
      new CfnResource(dns, `Mine${i}`, { type: 'AWS::CloudFormation::WaitConditionHandle' });
    }
    // the stack's validation lists the message under the stack's path
    const message = validationMessage(thrown(() => app.synth()), 'Dns');
    expect(message).toMatch(/^CdkPrivateIotError: IotPrivateHostedZone 'Dns\/IotZone': endpoint brings stack 'Dns' to \d+ resources/);
    expect(message).toContain("IotPrivateHostedZone 'Dns/IotZone' 8 (endpoint with 1 iot.data endpoints, recordStyle WEIGHTED_IPS: 6 records)");
    expect(message).toContain('; move the zone into a stack of its own (pass it the endpoint)');
  });
});

describe('one zone of a name per VPC: how VPCs compare', () => {
  const availabilityZones = ['eu-west-1a'];

  test('a conflict on a VPC whose id is a token: the whole message, without an id', () => {
    const { stack, endpoint } = setup();
    hostedZone(stack, endpoint, {}, 'ZoneA');
    expect(() => hostedZone(stack, endpoint, {}, 'ZoneB')).toThrow(
      `CdkPrivateIotError: IotPrivateHostedZone 'TestStack/ZoneB': vpcs associates a private zone named '${DATA_ATS_HOST}' with VPC 'TestStack/Vpc', `
      + "which IotPrivateHostedZone 'TestStack/ZoneA' associates a zone of the same name with already");
  });

  test('the same name on two VPCs with different literal ids passes', () => {
    const { stack, endpoint } = setup();
    const a = ec2.Vpc.fromVpcAttributes(stack, 'A', { vpcId: 'vpc-0aaaaaaaaaaaaaaaa', availabilityZones });
    const b = ec2.Vpc.fromVpcAttributes(stack, 'B', { vpcId: 'vpc-0bbbbbbbbbbbbbbbb', availabilityZones });
    hostedZone(stack, endpoint, { vpcs: [a] }, 'ZoneA');
    const zoneB = hostedZone(stack, endpoint, { vpcs: [b] }, 'ZoneB');
    expect(zoneB.vpcs).toEqual([b]);
  });

  test('a literal VPC id and a token that resolves to it in the same stack are the same VPC', () => {
    const { stack, endpoint } = setup();
    const literal = ec2.Vpc.fromVpcAttributes(stack, 'Literal', { vpcId: 'vpc-0aaaaaaaaaaaaaaaa', availabilityZones });
    const lazy = ec2.Vpc.fromVpcAttributes(stack, 'Lazy', { vpcId: Lazy.string({ produce: () => 'vpc-0aaaaaaaaaaaaaaaa' }), availabilityZones });
    hostedZone(stack, endpoint, { vpcs: [literal] }, 'ZoneA');
    expect(() => hostedZone(stack, endpoint, { vpcs: [lazy] }, 'ZoneB')).toThrow(
      "vpcs associates a private zone named 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com' with VPC 'TestStack/Lazy', which IotPrivateHostedZone 'TestStack/ZoneA'");
    expect(() => hostedZone(stack, endpoint, { vpcs: [literal] }, 'ZoneC')).toThrow(/'TestStack\/ZoneC': vpcs associates .* with VPC 'TestStack\/Literal' \(vpc-0aaaaaaaaaaaaaaaa\)/);
  });
});
