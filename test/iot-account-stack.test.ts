/**
 * IotAccountStack on its own: the Greengrass service endpoints and zones that core devices outside the gatekeeper VPC
 * need, the network ACL of the endpoint subnets (consumer VPCs behind PrivateLink, covered CIDRs, the rule quota) and
 * the props that used to pass silently (Transit Gateway id, region, overlapping CIDRs).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { concreteApp, TEST_ACCOUNT, thrown } from './fixtures';
import { ConsumerAccountStack, IotAccountStack, IotAccountStackProps } from '../src';

const DATA_ADDRESS = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
const CREDENTIALS_ADDRESS = 'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com';
const NETWORK_ACCOUNT = '222222222222';
const CONSUMER_ACCOUNT = '333333333333';

const BASE: IotAccountStackProps = {
  env: { account: TEST_ACCOUNT, region: 'eu-west-1' },
  gatekeeperCidr: '10.10.0.0/16',
  deviceCidrs: ['10.20.0.0/16'],
  dataEndpointAddress: DATA_ADDRESS,
  credentialsEndpointAddress: CREDENTIALS_ADDRESS,
};

/** An App that answers the lookups of `region`, with `iot.data` offered in every zone (so 2 zones suffice). */
function app(region = 'eu-west-1'): App {
  return concreteApp({ region, serviceZoneSuffixes: { 'iot.data': ['a', 'b', 'c'] } });
}

function iotStack(props: Partial<IotAccountStackProps> = {}, scope: App = app()): IotAccountStack {
  return new IotAccountStack(scope, 'Iot', { ...BASE, ...props });
}

/** The logical id of the one resource of `type` whose properties match. */
function idOf(template: Template, type: string, properties: object): string {
  const found = Object.keys(template.findResources(type, { Properties: properties }));
  expect(found).toHaveLength(1);
  return found[0];
}

/** `cidr port-port` for each network ACL entry of one direction. */
function aclRules(template: Template, egress: boolean): string[] {
  return Object.values(template.findResources('AWS::EC2::NetworkAclEntry'))
    .map((r: any) => r.Properties).filter((p) => (p.Egress ?? false) === egress)
    .map((p) => `${p.CidrBlock} ${p.PortRange.From}-${p.PortRange.To}`).sort();
}

const iotPorts = (cidr: string) => [`${cidr} 443-443`, `${cidr} 8443-8443`, `${cidr} 8883-8883`];

describe('Greengrass core devices outside the gatekeeper VPC', () => {
  const stack = iotStack({ networkAccount: NETWORK_ACCOUNT, onPremisesCidrs: ['192.168.0.0/16'] });
  const template = Template.fromStack(stack);

  test('an S3 interface endpoint in the endpoint subnets, next to the gateway endpoint (logical id kept)', () => {
    const endpoint = template.findResources('AWS::EC2::VPCEndpoint', {
      Properties: { ServiceName: 'com.amazonaws.eu-west-1.s3', VpcEndpointType: 'Interface' },
    });
    expect(Object.keys(endpoint)).toEqual([stack.getLogicalId(stack.s3Endpoint.node.defaultChild as ec2.CfnVPCEndpoint)]);
    const props = (Object.values(endpoint)[0] as any).Properties;
    expect(props.PrivateDnsEnabled).toBe(false);
    const endpointSubnets = stack.gatekeeperVpc.selectSubnets({ subnetGroupName: 'endpoints' }).subnetIds.map((id) => stack.resolve(id));
    expect(props.SubnetIds).toEqual(endpointSubnets);
    expect(props.SecurityGroupIds).toEqual([stack.resolve(stack.endpoint.securityGroup.securityGroupId)]);
    // the gateway endpoint stays, under the logical id deployed stacks already have
    template.hasResource('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } });
    expect(template.toJSON().Resources.GatekeeperVpcS37B7F00D4.Properties.VpcEndpointType).toBe('Gateway');
  });

  test.each([
    ['greengrass', 'com.amazonaws.eu-west-1.greengrass', ['']],
    ['logs', 'com.amazonaws.eu-west-1.logs', ['']],
    ['s3', 'com.amazonaws.eu-west-1.s3', ['', '*.']],
  ])('%s.eu-west-1.amazonaws.com: a private zone on the gatekeeper VPC whose aliases name the endpoint\'s regional DNS name', (service, serviceName, prefixes) => {
    const endpointId = idOf(template, 'AWS::EC2::VPCEndpoint', { ServiceName: serviceName, VpcEndpointType: 'Interface' });
    // the zone replaces the endpoint's own private DNS, which answers only inside the gatekeeper VPC
    expect(template.toJSON().Resources[endpointId].Properties.PrivateDnsEnabled).toBe(false);
    const zoneName = `${service}.eu-west-1.amazonaws.com.`;
    const zoneId = idOf(template, 'AWS::Route53::HostedZone', { Name: zoneName });
    const zone = template.toJSON().Resources[zoneId];
    expect(zone.Properties.VPCs).toEqual([{ VPCId: stack.resolve(stack.gatekeeperVpc.vpcId), VPCRegion: 'eu-west-1' }]);
    // created after the endpoint (Route 53 refuses the name on the VPC while the endpoint's private DNS holds it)
    expect(zone.DependsOn).toEqual([endpointId]);

    const records = Object.values(template.findResources('AWS::Route53::RecordSet', { Properties: { HostedZoneId: { Ref: zoneId } } })) as any[];
    expect(records.map((r) => r.Properties.Name).sort()).toEqual(prefixes.map((p) => `${p}${zoneName}`).sort());
    const firstEntry = (part: number) => ({ 'Fn::Select': [part, { 'Fn::Split': [':', { 'Fn::Select': [0, { 'Fn::GetAtt': [endpointId, 'DnsEntries'] }] }] }] });
    for (const record of records) {
      expect(record.Properties.Type).toBe('A');
      expect(record.Properties.AliasTarget).toEqual({ DNSName: firstEntry(1), HostedZoneId: firstEntry(0) });
    }
  });

  test('the Route 53 Profile holds the IoT zones first (Zone1, Zone2 keep their ids), then greengrass, logs and s3', () => {
    const zoneRefs = ['IotZonesDataZone', 'IotZonesCredentialsZone', 'GreengrassZone', 'LogsZone', 'S3Zone']
      .map((prefix) => Object.keys(template.findResources('AWS::Route53::HostedZone')).find((id) => id.startsWith(prefix)));
    const associations = template.findResources('AWS::Route53Profiles::ProfileResourceAssociation');
    const byZone = Object.entries(associations).map(([id, r]: [string, any]) => [id.replace(/[0-9A-F]{8}$/, ''), JSON.stringify(r.Properties.ResourceArn)]);
    expect(byZone.map(([id]) => id).sort()).toEqual(['IotZoneProfileZone1', 'IotZoneProfileZone2', 'IotZoneProfileZone3', 'IotZoneProfileZone4', 'IotZoneProfileZone5']);
    byZone.sort(([a], [b]) => a.localeCompare(b)).forEach(([, arn], i) => expect(arn).toContain(`{"Ref":"${zoneRefs[i]}"}`));
    template.hasResourceProperties('AWS::RAM::ResourceShare', { Principals: [NETWORK_ACCOUNT] });
  });

  test('the Nucleus configuration output names the networks it is for and the private endpoints', () => {
    const output = template.toJSON().Outputs.GreengrassNucleusConfiguration;
    expect(output.Description).toMatch(/gatekeeper VPC.*device VPC.*on premises.*Resolver inbound endpoint/);
    expect(JSON.parse(output.Value)).toEqual({ greengrassDataPlaneEndpoint: 'iotdata', iotDataEndpoint: DATA_ADDRESS, iotCredEndpoint: CREDENTIALS_ADDRESS });
  });
});

test('greengrassCoreThingNames: the core devices\' IoT policy, role and role alias, and the nucleus configuration names the role alias', () => {
  const stack = iotStack({ greengrassCoreThingNames: ['FactoryCore*'] });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::IoT::RoleAlias', 1);
  expect(stack.greengrassCorePolicy?.thingNamePatterns).toEqual(['FactoryCore*']);
  const value = template.toJSON().Outputs.GreengrassNucleusConfiguration.Value;
  const roleAlias = stack.resolve(stack.greengrassCorePolicy!.roleAliasName);
  expect(JSON.parse(value)).toEqual({
    greengrassDataPlaneEndpoint: 'iotdata', iotDataEndpoint: DATA_ADDRESS, iotCredEndpoint: CREDENTIALS_ADDRESS, iotRoleAlias: roleAlias, awsRegion: 'eu-west-1',
  });
  // the core devices connect through this stack's iot.data endpoints only
  const [policy] = Object.values(template.findResources('AWS::IoT::Policy')).filter((p: any) => JSON.stringify(p).includes('greengrass:'));
  expect(JSON.stringify(policy)).toContain('aws:SourceVpce');
});

test('associatedVpcs (one account): the service zones are associated with them too, and nothing is shared', () => {
  const both = app();
  const network = new Stack(both, 'Network', { env: BASE.env });
  const deviceVpc = new ec2.Vpc(network, 'DeviceVpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'),
    natGateways: 0,
    maxAzs: 2,
    subnetConfiguration: [{ name: 'devices', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const stack = iotStack({ associatedVpcs: [deviceVpc] }, both);
  const template = Template.fromStack(stack);
  for (const service of ['greengrass', 's3', 'logs']) {
    const [zone] = Object.values(template.findResources('AWS::Route53::HostedZone', { Properties: { Name: `${service}.eu-west-1.amazonaws.com.` } })) as any[];
    expect(zone.Properties.VPCs).toHaveLength(2);
  }
  template.resourceCountIs('AWS::Route53Profiles::Profile', 0);
});

test('us-east-1: the Nucleus configuration asks for the regional S3 endpoint, and the zones are named after the region', () => {
  const stack = iotStack({
    env: { account: TEST_ACCOUNT, region: 'us-east-1' },
    dataEndpointAddress: DATA_ADDRESS.replace('eu-west-1', 'us-east-1'),
    credentialsEndpointAddress: CREDENTIALS_ADDRESS.replace('eu-west-1', 'us-east-1'),
  }, app('us-east-1'));
  const template = Template.fromStack(stack);
  expect(JSON.parse(template.toJSON().Outputs.GreengrassNucleusConfiguration.Value)).toMatchObject({ s3EndpointType: 'REGIONAL' });
  template.hasResourceProperties('AWS::Route53::HostedZone', { Name: 's3.us-east-1.amazonaws.com.' });
});

test('an environment-agnostic stack names the zones with the region and URL suffix of the deployment', () => {
  const stack = new IotAccountStack(new App(), 'Iot', { ...BASE, env: undefined });
  const template = Template.fromStack(stack);
  const names = Object.values(template.findResources('AWS::Route53::HostedZone')).map((z: any) => JSON.stringify(z.Properties.Name));
  const greengrass = names.find((n) => n.includes('"greengrass.'));
  expect(greengrass).toContain('{"Ref":"AWS::Region"}');
  expect(greengrass).toContain('amazonaws.com.cn'); // the China partition's suffix, chosen by a condition
  expect(JSON.stringify(template.toJSON())).not.toContain('arn:aws:');
});

describe('network ACL of the endpoint subnets', () => {
  test('consumers without consumerCidrs: the RFC 1918 ranges on the IoT ports inbound, return ports outbound; the CIDRs they cover need no rules', () => {
    const template = Template.fromStack(iotStack({ consumerAccounts: [CONSUMER_ACCOUNT], onPremisesCidrs: ['100.64.0.0/16'] }));
    expect(aclRules(template, false)).toEqual([
      ...iotPorts('10.0.0.0/8'), '10.10.0.0/16 1024-65535', ...iotPorts('100.64.0.0/16'), ...iotPorts('172.16.0.0/12'), ...iotPorts('192.168.0.0/16'),
    ].sort());
    expect(aclRules(template, true)).toEqual([
      '10.0.0.0/8 1024-65535', ...iotPorts('10.10.0.0/16'), '100.64.0.0/16 1024-65535', '172.16.0.0/12 1024-65535', '192.168.0.0/16 1024-65535',
    ].sort());
  });

  test('consumerCidrs given: exactly those, numbered after every other rule (the existing entries keep their ids)', () => {
    const without = Template.fromStack(iotStack({ onPremisesCidrs: ['192.168.0.0/16'] }));
    const template = Template.fromStack(iotStack({ onPremisesCidrs: ['192.168.0.0/16'], consumerAccounts: [CONSUMER_ACCOUNT], consumerCidrs: ['10.30.0.0/16', '10.31.0.0/16'] }));
    expect(aclRules(template, false)).toEqual([...aclRules(without, false), ...iotPorts('10.30.0.0/16'), ...iotPorts('10.31.0.0/16')].sort());
    expect(aclRules(template, true)).toEqual([...aclRules(without, true), '10.30.0.0/16 1024-65535', '10.31.0.0/16 1024-65535'].sort());
    const entries = template.findResources('AWS::EC2::NetworkAclEntry');
    for (const [id, entry] of Object.entries(without.findResources('AWS::EC2::NetworkAclEntry'))) {
      expect(entries[id]).toEqual(entry);
    }
    expect(template.toJSON().Resources.EndpointAclIn2105C2DDCD2?.Properties).toMatchObject({ RuleNumber: 210, CidrBlock: '10.30.0.0/16' });
  });

  test('no consumers: no consumer rules', () => {
    const template = Template.fromStack(iotStack());
    expect(aclRules(template, false)).toEqual([...iotPorts('10.10.0.0/16'), '10.10.0.0/16 1024-65535', ...iotPorts('10.20.0.0/16')].sort());
  });

  test('a CIDR inside another listed one, or listed twice, gets no rules of its own; the others keep their rule numbers', () => {
    const template = Template.fromStack(iotStack({ deviceCidrs: ['10.20.0.0/16', '10.20.8.0/24'], onPremisesCidrs: ['192.168.0.0/16', '192.168.0.0/16', '192.168.7.0/24'] }));
    expect(aclRules(template, false)).toEqual([
      ...iotPorts('10.10.0.0/16'), '10.10.0.0/16 1024-65535', ...iotPorts('10.20.0.0/16'), ...iotPorts('192.168.0.0/16'),
    ].sort());
    const numbers = Object.values(template.findResources('AWS::EC2::NetworkAclEntry')).map((r: any) => r.Properties)
      .filter((p) => !p.Egress && p.PortRange.From === 443).map((p) => `${p.CidrBlock} ${p.RuleNumber}`).sort();
    // slots: 10.10/16 110, 10.20/16 140, 10.20.8/24 (covered) 170, 192.168/16 200, its duplicate 230, 192.168.7/24 260
    expect(numbers).toEqual(['10.10.0.0/16 110', '10.20.0.0/16 140', '192.168.0.0/16 200']);
  });

  const sixOnPremises = ['192.168.1.0/24', '192.168.2.0/24', '192.168.3.0/24', '192.168.4.0/24', '192.168.5.0/24', '192.168.6.0/24'];

  test('8 disjoint CIDRs need 25 inbound rules: above the default quota of 20, synthesis fails naming the figures and the fix; nothing is added', () => {
    const scope = app();
    const error = thrown(() => iotStack({ onPremisesCidrs: sixOnPremises }, scope));
    expect([error.message.slice(0, 18), error.prop]).toEqual(['CdkPrivateIotError', 'networkAclRuleQuota']);
    expect(error.message).toContain('networkAclRuleQuota 20 (the default) is too low: the network ACL of the endpoint subnets needs 25 inbound rules for 8 CIDRs, '
      + 'above the quota of 20');
    expect(error.message).toMatch(/fewer or summarized CIDRs .*raise the "Inbound or outbound rules per network ACL" quota \(up to 40\) and set networkAclRuleQuota/);
    expect(scope.node.findChild('Iot').node.children).toEqual([]);
  });

  test('with networkAclRuleQuota 40 (a raised quota) the same CIDRs synthesize: 25 inbound and 11 outbound rules', () => {
    const template = Template.fromStack(iotStack({ onPremisesCidrs: sixOnPremises, networkAclRuleQuota: 40 }));
    expect(aclRules(template, false)).toHaveLength(25);
    expect(aclRules(template, true)).toHaveLength(11);
  });

  test.each([
    [41, 'networkAclRuleQuota 41 is above 40'],
    [0, 'networkAclRuleQuota 0 is not a positive whole number'],
    [20.5, 'networkAclRuleQuota 20.5 is not a positive whole number'],
  ])('networkAclRuleQuota %d is rejected', (quota, message) => {
    const error = thrown(() => iotStack({ networkAclRuleQuota: quota }));
    expect(error.prop).toBe('networkAclRuleQuota');
    expect(error.message).toContain(message);
  });
});

describe('props that used to pass silently', () => {
  test.each<[string, Partial<IotAccountStackProps>, string, RegExp]>([
    ['a malformed Transit Gateway id', { transitGatewayId: 'tgw-123' }, 'transitGatewayId', /transitGatewayId 'tgw-123' is not a Transit Gateway id/],
    ['a region name without its dash', { env: { account: TEST_ACCOUNT, region: 'eu-west1' } }, 'env.region', /env.region 'eu-west1' is not an AWS region name/],
    ['a device CIDR inside the gatekeeper CIDR', { deviceCidrs: ['10.10.5.0/24'] }, 'deviceCidrs', /deviceCidrs 10\.10\.5\.0\/24 overlaps gatekeeperCidr 10\.10\.0\.0\/16/],
    ['an on-premises CIDR around the gatekeeper CIDR', { onPremisesCidrs: ['10.0.0.0/8'] }, 'onPremisesCidrs', /onPremisesCidrs 10\.0\.0\.0\/8 overlaps gatekeeperCidr 10\.10\.0\.0\/16/],
    ['a consumer CIDR overlapping the gatekeeper CIDR', { consumerAccounts: [CONSUMER_ACCOUNT], consumerCidrs: ['10.10.128.0/17'] }, 'consumerCidrs',
      /consumerCidrs 10\.10\.128\.0\/17 overlaps gatekeeperCidr 10\.10\.0\.0\/16/],
    ['consumer CIDRs without consumers', { consumerCidrs: ['10.30.0.0/16'] }, 'consumerCidrs',
      /consumerCidrs \[10\.30\.0\.0\/16\] is given, but there is no endpoint service/],
    ['an empty consumerCidrs', { allowAnyConsumer: true, consumerCidrs: [] }, 'consumerCidrs', /consumerCidrs is empty, so no consumer VPC could reach/],
    ['a malformed consumer CIDR', { consumerAccounts: [CONSUMER_ACCOUNT], consumerCidrs: ['10.30.0.0'] }, 'consumerCidrs', /consumerCidrs is '10\.30\.0\.0', which is not an IPv4 CIDR/],
  ])('IotAccountStack: %s', (_name, props, prop, message) => {
    const error = thrown(() => iotStack(props, new App()));
    expect([error.message.slice(0, 18), error.prop]).toEqual(['CdkPrivateIotError', prop]);
    expect(error.message).toMatch(message);
  });

  test('ConsumerAccountStack: a region name without its dash', () => {
    const error = thrown(() => new ConsumerAccountStack(new App(), 'Consumer', {
      env: { account: CONSUMER_ACCOUNT, region: 'euwest-1' },
      vpcCidr: '10.30.0.0/16',
      serviceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
      dataEndpointAddress: DATA_ADDRESS,
    }));
    expect([error.message.slice(0, 18), error.prop]).toEqual(['CdkPrivateIotError', 'env.region']);
    expect(error.message).toContain("env.region 'euwest-1' is not an AWS region name");
  });

  test('a well-formed Transit Gateway id is attached', () => {
    const template = Template.fromStack(iotStack({ transitGatewayId: 'tgw-0123456789abcdef0' }));
    template.hasResourceProperties('AWS::EC2::TransitGatewayAttachment', { TransitGatewayId: 'tgw-0123456789abcdef0' });
  });
});

test.each([
  [undefined, 0],
  [true, 1],
])('frontDoor.globalAccelerator %s: %d accelerators in front of the front door', (globalAccelerator, accelerators) => {
  const template = Template.fromStack(iotStack({ frontDoor: { internetFacing: true, clientCidrs: ['203.0.113.0/24'], globalAccelerator } }));
  template.resourceCountIs('AWS::GlobalAccelerator::Accelerator', accelerators);
  template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
});

test('an internal front door serves only networks routed to the gatekeeper VPC', () => {
  expect(() => iotStack({ frontDoor: { clientCidrs: ['10.20.5.0/24', '192.168.0.0/24'] }, onPremisesCidrs: ['192.168.0.0/16'] })).not.toThrow();
  const error = thrown(() => iotStack({ frontDoor: { clientCidrs: ['10.20.5.0/24', '10.50.0.0/16'] } }));
  expect([error.message.slice(0, 18), error.prop]).toEqual(['CdkPrivateIotError', 'frontDoor.clientCidrs']);
  expect(error.message).toContain('frontDoor.clientCidrs [10.50.0.0/16] lies outside the gatekeeper, device and on-premises CIDRs');
});
