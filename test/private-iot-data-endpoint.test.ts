import { App, CfnOutput, Duration, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import {
  concreteApp, contextKey, createCall, envAgnosticStack, formatNagFindings, lambdaCount, LINT_SKIP_CONTEXT, nagFindings, resourcesOfType,
  templateOf, TEST_ACCOUNT, TEST_REGION, testStack, testVpc, TestVpcProps,
} from './fixtures';
import { IotVpcEndpointAwsService, PrivateIotDataEndpoint, PrivateIotDataEndpointAttributes, PrivateIotDataEndpointProps } from '../src';
import { isCdkPrivateIotError } from '../src/private/errors';
import { IotLookups, LOOKUP_RESOURCE_TYPE } from '../src/private/lookups';

const DATA_ATS_HOST = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
const CREDENTIALS_HOST = 'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com';
/** The logical id prefix of the stack's lookup function. */
const SHARED_FUNCTION_ID = 'CdkPrivateIotLookupsFunction';

type Resources = Record<string, { Type: string; Properties?: any; Condition?: string }>;

/** A concrete-env stack with a 3-AZ isolated VPC (iot.data offered in 1a and 1c only, see fixtures). */
function setup(app: App = concreteApp(), vpcProps: TestVpcProps = {}) {
  const stack = testStack(app);
  const vpc = testVpc(stack, 'Vpc', vpcProps);
  return { stack, vpc };
}

function endpoint(stack: Stack, vpc: ec2.IVpc, props: Partial<PrivateIotDataEndpointProps> = {}, id = 'Endpoint') {
  return new PrivateIotDataEndpoint(stack, id, { vpc, ...props });
}

function refs(stack: Stack, subnets: ec2.ISubnet[]): unknown[] {
  return subnets.map((s) => stack.resolve(s.subnetId));
}

function vpcEndpoints(template: Template): Resources {
  return template.findResources('AWS::EC2::VPCEndpoint') as Resources;
}

/** The VPC endpoints of one service short name (`iot.data`, ...), whatever form their ServiceName has. */
function endpointsOf(template: Template, shortName: string): Resources {
  return Object.fromEntries(Object.entries(vpcEndpoints(template))
    .filter(([, r]) => JSON.stringify(r.Properties.ServiceName).includes(`.${shortName}"`)));
}


function lookupCalls(template: Template): Array<[string, any]> {
  return Object.entries(template.findResources(LOOKUP_RESOURCE_TYPE)).map(([id, r]) => [id, createCall(r)]);
}

function describeEndpointCalls(template: Template): Array<[string, any]> {
  return lookupCalls(template).filter(([, call]) => call.action === 'describeEndpoint');
}

function eniLookups(template: Template): Array<[string, any]> {
  return lookupCalls(template).filter(([, call]) => call.action === 'describeNetworkInterfaces');
}

describe('defaults', () => {
  test('one iot.data endpoint, private DNS off, one subnet per zone that offers iot.data', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc);
    const template = templateOf(stack);

    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    const isolated = vpc.isolatedSubnets;
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.eu-west-1.iot.data',
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: false,
      // iot.data is offered in 1a and 1c only (context): the 1b subnet is skipped
      SubnetIds: Match.exact(refs(stack, [isolated[0], isolated[2]])),
      VpcId: stack.resolve(vpc.vpcId),
      PolicyDocument: Match.absent(),
      IpAddressType: Match.absent(),
    });
    expect(ep.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1c']);
    expect(ep.networkInterfacesPerEndpoint).toBe(2);
    expect(ep.dataEndpoints).toHaveLength(1);
    expect(ep.credentialsEndpoint).toBeUndefined();
    expect(ep.greengrassEndpoint).toBeUndefined();
    expect(ep.credentialsEndpointAddress()).toBeUndefined();
    expect(ep.ports).toEqual([443, 8443, 8883]);
    expect(ep.mqttKeepAlive.toSeconds()).toBe(230);
    expect(ep.dualStack).toBe(false);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('unverifiedAvailabilityZones'));
  });

  test('every lookup is answered by the fixture context (nothing missing, no dummy zones)', () => {
    const { stack, vpc } = setup();
    endpoint(stack, vpc);
    const assembly = (stack.node.root as App).synth({ force: true });
    expect(assembly.manifest.missing).toBeUndefined();
  });

  test('security group: 443, 8443 and 8883 from the VPC CIDR only, no outbound rule', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc);
    const template = templateOf(stack);

    const groups = template.findResources('AWS::EC2::SecurityGroup') as Resources;
    expect(Object.keys(groups)).toHaveLength(1);
    const [groupId, group] = Object.entries(groups)[0];
    const vpcCidr = stack.resolve(vpc.vpcCidrBlock);
    const ingress = group.Properties.SecurityGroupIngress as any[];
    expect(ingress.map((r) => [r.IpProtocol, r.FromPort, r.ToPort]).sort()).toEqual([['tcp', 443, 443], ['tcp', 8443, 8443], ['tcp', 8883, 8883]]);
    for (const rule of ingress) {
      expect(rule.CidrIp).toEqual(vpcCidr);
      expect(rule.CidrIpv6).toBeUndefined();
      expect(rule.SourceSecurityGroupId).toBeUndefined();
    }
    // allowAllOutbound: false -> only aws-cdk-lib's "Disallow all traffic" placeholder, never 0.0.0.0/0
    expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    const rules = [
      ...Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap((r) => [
        ...(r.Properties.SecurityGroupIngress ?? []), ...(r.Properties.SecurityGroupEgress ?? []),
      ]),
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties),
    ];
    for (const rule of rules) {
      expect(rule.CidrIp).not.toBe('0.0.0.0/0');
      expect(rule.CidrIpv6).not.toBe('::/0');
    }
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    // the endpoints use it, and the construct exposes it as its connections
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { SecurityGroupIds: [{ 'Fn::GetAtt': [groupId, 'GroupId'] }] });
    expect(ep.connections.securityGroups).toEqual([ep.securityGroup]);
    expect(ep.connections.defaultPort?.toString()).toBe('8883');
  });

  test('no hostname lookup until the hostname is used', () => {
    const { stack, vpc } = setup();
    endpoint(stack, vpc, { services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }] });
    const template = templateOf(stack);
    expect(describeEndpointCalls(template)).toHaveLength(0);
    expect(lambdaCount(template)).toBe(0);
  });

  test('looks up the ATS data endpoint (iot:Data-ATS), never the legacy iot:Data host', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc);
    new CfnOutput(stack, 'Host', { value: ep.dataEndpointAddress() });
    const template = templateOf(stack);

    const lookups = describeEndpointCalls(template);
    expect(lookups).toHaveLength(1);
    const [lookupId, call] = lookups[0];
    expect(call).toMatchObject({ service: 'Iot', action: 'describeEndpoint', parameters: { endpointType: 'iot:Data-ATS' }, outputPaths: ['endpointAddress'] });
    expect(stack.resolve(ep.dataEndpointAddress())).toEqual({ 'Fn::GetAtt': [lookupId, 'endpointAddress'] });
    for (const [, r] of Object.entries(template.findResources(LOOKUP_RESOURCE_TYPE))) {
      expect(JSON.stringify(r.Properties)).not.toMatch(/"iot:Data\\"/);
    }
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'iot:DescribeEndpoint', Effect: 'Allow', Resource: '*' }]) },
    });
  });

  test('no CdkJsonStringify custom resource, and one Lambda function shared by the lookups', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc);
    expect(ep.dataEndpointIps()).toHaveLength(2);
    const template = templateOf(stack);

    const resources = template.toJSON().Resources as Resources;
    for (const [id, r] of Object.entries(resources)) {
      expect(id).not.toMatch(/CdkJsonStringify|CfnUtilsProvider/);
      expect(r.Type).not.toMatch(/Stringify/);
    }
    expect(lambdaCount(template)).toBe(1);
    expect(resourcesOfType(template, 'AWS::Lambda::Function')[0]).toMatch(new RegExp(`^${SHARED_FUNCTION_ID}`));
  });

  test('with the data endpoint address given: no Lambda function until IPs are asked for, then exactly one', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc, { dataEndpointAddress: DATA_ATS_HOST });
    let template = templateOf(stack);
    expect(lambdaCount(template)).toBe(0);
    template.resourceCountIs(LOOKUP_RESOURCE_TYPE, 0);
    expect(ep.dataEndpointAddress()).toBe(DATA_ATS_HOST);

    const ips = ep.dataEndpointIps();
    expect(ips).toHaveLength(2);
    template = templateOf(stack);
    expect(lambdaCount(template)).toBe(1);
    expect(eniLookups(template)).toHaveLength(1);
    expect(describeEndpointCalls(template)).toHaveLength(0);
  });
});

describe('expectedDevices', () => {
  test.each([
    [1, 1],
    [100_000, 1],
    [100_001, 2],
    [250_000, 3],
    [1_000_000, 10],
  ])('%d devices -> %d iot.data endpoints', (devices, endpoints) => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc, { expectedDevices: devices });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', endpoints);
    expect(Object.keys(endpointsOf(template, 'iot.data'))).toHaveLength(endpoints);
    expect(ep.dataEndpoints).toHaveLength(endpoints);
  });

  test('the logical id of the first endpoint does not change when the fleet grows', () => {
    const logicalIds = [100_000, 300_000].map((expectedDevices) => {
      const { stack, vpc } = setup();
      const ep = endpoint(stack, vpc, { expectedDevices });
      const id = stack.resolve(stack.getLogicalId(ep.dataEndpoints[0].node.defaultChild as ec2.CfnVPCEndpoint));
      expect(Object.keys(vpcEndpoints(templateOf(stack)))).toContain(id);
      return id;
    });
    expect(logicalIds[0]).toBe(logicalIds[1]);
  });
});

describe('services', () => {
  test('credentials: its own endpoint, private DNS off, address looked up with iot:CredentialProvider', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc, { services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }] });
    new CfnOutput(stack, 'Hosts', { value: Fn.join(',', [ep.dataEndpointAddress(), ep.credentialsEndpointAddress()!]) });
    const template = templateOf(stack);

    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.eu-west-1.iot.credentials',
      PrivateDnsEnabled: false,
      PolicyDocument: Match.absent(),
      // the zones that offer every requested service (credentials: a, b, c; data: a, c)
      SubnetIds: Match.exact(refs(stack, [vpc.isolatedSubnets[0], vpc.isolatedSubnets[2]])),
    });
    expect(ep.credentialsEndpoint).toBeDefined();
    const types = describeEndpointCalls(template).map(([, call]) => call.parameters.endpointType).sort();
    expect(types).toEqual(['iot:CredentialProvider', 'iot:Data-ATS']);
    const [credentialsLookupId] = describeEndpointCalls(template).find(([, call]) => call.parameters.endpointType === 'iot:CredentialProvider')!;
    expect(stack.resolve(ep.credentialsEndpointAddress())).toEqual({ 'Fn::GetAtt': [credentialsLookupId, 'endpointAddress'] });
    expect(ep.credentialsEndpointIps()).toHaveLength(2);
  });

  test('credentials address given: no iot:CredentialProvider lookup', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc, {
      services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
      dataEndpointAddress: DATA_ATS_HOST,
      credentialsEndpointAddress: CREDENTIALS_HOST,
    });
    const template = templateOf(stack);
    template.resourceCountIs(LOOKUP_RESOURCE_TYPE, 0);
    expect(lambdaCount(template)).toBe(0);
    expect(ep.credentialsEndpointAddress()).toBe(CREDENTIALS_HOST);
  });

  test('no credentials endpoint: no credentials address, no credentials IPs', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc, { dataEndpointAddress: DATA_ATS_HOST });
    expect(ep.credentialsEndpointIps()).toEqual([]);
    expect(ep.credentialsEndpointAddress()).toBeUndefined();
    templateOf(stack).resourceCountIs(LOOKUP_RESOURCE_TYPE, 0);
  });

  test('greengrass: private DNS on by default, endpoint policy from policyStatements', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc, {
      services: [{
        service: IotVpcEndpointAwsService.GREENGRASS,
        policyStatements: [new iam.PolicyStatement({
          actions: ['greengrass:ListEffectiveDeployments'],
          resources: ['*'],
          principals: [new iam.AnyPrincipal()],
        })],
      }],
    });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.eu-west-1.greengrass',
      PrivateDnsEnabled: true,
      PolicyDocument: {
        Statement: [Match.objectLike({ Action: 'greengrass:ListEffectiveDeployments', Effect: 'Allow', Principal: { AWS: '*' } })],
      },
    });
    // the data endpoint still has neither private DNS nor a policy
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.eu-west-1.iot.data', PrivateDnsEnabled: false, PolicyDocument: Match.absent(),
    });
    expect(ep.greengrassEndpoint).toBeDefined();
  });

  test('greengrass with privateDnsEnabled: false; iot.data listed with options is not duplicated', () => {
    const { stack, vpc } = setup();
    endpoint(stack, vpc, {
      services: [
        { service: IotVpcEndpointAwsService.GREENGRASS, privateDnsEnabled: false },
        { service: IotVpcEndpointAwsService.DATA, privateDnsEnabled: false },
      ],
    });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    // one endpoint per service: the data endpoint takes the options listed for iot.data, not the first listed
    expect(Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((r) => r.Properties.ServiceName).sort())
      .toEqual(['com.amazonaws.eu-west-1.greengrass', 'com.amazonaws.eu-west-1.iot.data']);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.greengrass', PrivateDnsEnabled: false });
  });

  test('zones that offer every requested service: greengrass offered in 1a and 1b, iot.data in 1a and 1c -> 1a only (error)', () => {
    const app = concreteApp({ serviceZoneSuffixes: { greengrass: ['a', 'b'] } });
    const { stack, vpc } = setup(app);
    expect(() => endpoint(stack, vpc, { services: [{ service: IotVpcEndpointAwsService.GREENGRASS }] }))
      .toThrow(/subnets leave a single usable availability zone \(eu-west-1a\).*set allowSingleAvailabilityZone: true/);
    // accepted on request, in the one zone that offers both
    const ep = endpoint(stack, vpc, { services: [{ service: IotVpcEndpointAwsService.GREENGRASS }], allowSingleAvailabilityZone: true }, 'Accepted');
    expect(ep.availabilityZones).toEqual(['eu-west-1a']);
  });

  test('China region: cn.-prefixed service name', () => {
    const app = concreteApp({ region: 'cn-north-1' });
    const stack = testStack(app, 'ChinaStack', { env: { region: 'cn-north-1' } });
    const vpc = testVpc(stack);
    endpoint(stack, vpc, { dataEndpointAddress: 'a1b2c3d4e5f6g7-ats.iot.cn-north-1.amazonaws.com.cn' });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'cn.com.amazonaws.cn-north-1.iot.data',
      SubnetIds: Match.exact(refs(stack, [vpc.isolatedSubnets[0], vpc.isolatedSubnets[2]])),
    });
    expect((app.synth({ force: true })).manifest.missing).toBeUndefined();
  });

  test('environment-agnostic stack: service name chosen by a partition condition, and a warning about unverified zones', () => {
    const stack = envAgnosticStack();
    const vpc = testVpc(stack);
    endpoint(stack, vpc, { services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }] });
    const template = templateOf(stack);

    template.hasCondition('CdkPrivateIotIsChinaPartition', { 'Fn::Equals': [{ Ref: 'AWS::Partition' }, 'aws-cn'] });
    const serviceName = (shortName: string) => ({
      'Fn::Join': ['', [{ 'Fn::If': ['CdkPrivateIotIsChinaPartition', 'cn.', ''] }, 'com.amazonaws.', { Ref: 'AWS::Region' }, `.${shortName}`]],
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: serviceName('iot.data'), PrivateDnsEnabled: false });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: serviceName('iot.credentials'), PrivateDnsEnabled: false });
    expect(Object.keys(template.toJSON().Conditions)).toEqual(['CdkPrivateIotIsChinaPartition']);
    Annotations.fromStack(stack).hasWarning('/AgnosticStack/Endpoint', Match.stringLikeRegexp('cdk-private-iot:unverifiedAvailabilityZones'));
  });
});

describe('options', () => {
  test('ports: a subset, deduplicated and sorted', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc, { ports: [8883, 443, 8883] });
    expect(ep.ports).toEqual([443, 8883]);
    const group = Object.values(templateOf(stack).findResources('AWS::EC2::SecurityGroup'))[0];
    expect(group.Properties.SecurityGroupIngress.map((r: any) => r.FromPort).sort()).toEqual([443, 8883]);
  });

  test('peers: IPv4 CIDRs replace the VPC CIDR', () => {
    const { stack, vpc } = setup();
    endpoint(stack, vpc, { peers: [ec2.Peer.ipv4('10.20.0.0/16'), ec2.Peer.ipv4('192.168.1.0/24')], ports: [8883, 8443] });
    const group = Object.values(templateOf(stack).findResources('AWS::EC2::SecurityGroup'))[0];
    const rules = (group.Properties.SecurityGroupIngress as any[]).map((r) => `${r.CidrIp}:${r.FromPort}-${r.ToPort}`).sort();
    expect(rules).toEqual(['10.20.0.0/16:8443-8443', '10.20.0.0/16:8883-8883', '192.168.1.0/24:8443-8443', '192.168.1.0/24:8883-8883']);
    for (const rule of group.Properties.SecurityGroupIngress) {
      expect(rule.Description).toMatch(/^AWS IoT Core (MQTT|HTTPS) from (10\.20\.0\.0\/16|192\.168\.1\.0\/24)$/);
    }
  });

  test('peers: a security group (e.g. a load balancer)', () => {
    const { stack, vpc } = setup();
    const clients = new ec2.SecurityGroup(stack, 'Clients', { vpc });
    const ep = endpoint(stack, vpc, { peers: [clients] });
    const template = templateOf(stack);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress.map((r) => r.Properties.FromPort).sort()).toEqual([443, 8443, 8883]);
    for (const r of ingress) {
      expect(r.Properties).toMatchObject({
        IpProtocol: 'tcp',
        SourceSecurityGroupId: stack.resolve(clients.securityGroupId),
        GroupId: stack.resolve(ep.securityGroup.securityGroupId),
      });
    }
  });

  test('securityGroup: an imported group gets the rules, no group is created', () => {
    const { stack, vpc } = setup();
    const imported = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Imported', 'sg-0123456789abcdef0');
    const ep = endpoint(stack, vpc, { securityGroup: imported });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    expect(ep.securityGroup).toBe(imported);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { SecurityGroupIds: ['sg-0123456789abcdef0'] });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress.map((r) => r.Properties.FromPort).sort()).toEqual([443, 8443, 8883]);
    for (const r of ingress) {
      expect(r.Properties).toMatchObject({ GroupId: 'sg-0123456789abcdef0', CidrIp: stack.resolve(vpc.vpcCidrBlock) });
    }
  });

  test('subnets: a subnet group is honoured, still one per zone that offers iot.data', () => {
    const { stack, vpc } = setup(concreteApp(), {
      subnetConfiguration: [
        { name: 'Devices', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        { name: 'Endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 },
      ],
    });
    const ep = endpoint(stack, vpc, { subnets: { subnetGroupName: 'Endpoints' } });
    const chosen = vpc.selectSubnets({ subnetGroupName: 'Endpoints' }).subnets.filter((s) => s.availabilityZone !== 'eu-west-1b');
    expect(chosen).toHaveLength(2);
    templateOf(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', { SubnetIds: Match.exact(refs(stack, chosen)) });
    expect(ep.subnets).toEqual(chosen);
  });

  test('supportedAvailabilityZones: overrides the looked-up zones', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc, { supportedAvailabilityZones: ['eu-west-1b', 'eu-west-1c'] });
    templateOf(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      SubnetIds: Match.exact(refs(stack, [vpc.isolatedSubnets[1], vpc.isolatedSubnets[2]])),
    });
    expect(ep.availabilityZones).toEqual(['eu-west-1b', 'eu-west-1c']);
  });

  test('allowSingleAvailabilityZone: one zone is accepted on request', () => {
    const { stack, vpc } = setup();
    const ep = endpoint(stack, vpc, { supportedAvailabilityZones: ['eu-west-1a'], allowSingleAvailabilityZone: true });
    templateOf(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', { SubnetIds: Match.exact(refs(stack, [vpc.isolatedSubnets[0]])) });
    expect(ep.networkInterfacesPerEndpoint).toBe(1);
    expect(ep.dataEndpointIps()).toHaveLength(1);
  });

  test('dualStack: dual-stack endpoints, one IPv6 address per network interface', () => {
    const { stack, vpc } = setup(concreteApp(), { ipProtocol: ec2.IpProtocol.DUAL_STACK });
    const ep = endpoint(stack, vpc, { dualStack: true, dataEndpointAddress: DATA_ATS_HOST });
    expect(ep.dualStack).toBe(true);
    const ipv6 = ep.ipv6Addresses(ep.dataEndpoints[0]);
    const ipv4 = ep.privateIpAddresses(ep.dataEndpoints[0]);
    expect(ipv6).toHaveLength(ep.networkInterfacesPerEndpoint);
    expect(ipv4).toHaveLength(ep.networkInterfacesPerEndpoint);
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { IpAddressType: 'dualstack' });
    const lookups = eniLookups(template);
    expect(lookups).toHaveLength(1);
    const [lookupId, call] = lookups[0];
    expect([...call.outputPaths].sort()).toEqual([
      'NetworkInterfaces.0.Ipv6Addresses.0.Ipv6Address', 'NetworkInterfaces.0.PrivateIpAddress',
      'NetworkInterfaces.1.Ipv6Addresses.0.Ipv6Address', 'NetworkInterfaces.1.PrivateIpAddress',
    ]);
    expect(ipv6.map((a) => stack.resolve(a))).toEqual([0, 1].map((i) => ({ 'Fn::GetAtt': [lookupId, `NetworkInterfaces.${i}.Ipv6Addresses.0.Ipv6Address`] })));
  });

  test('mqttKeepAlive: up to 230 s is kept as given', () => {
    const { stack, vpc } = setup();
    expect(endpoint(stack, vpc, { mqttKeepAlive: Duration.seconds(60) }, 'A').mqttKeepAlive.toSeconds()).toBe(60);
    expect(endpoint(stack, vpc, { mqttKeepAlive: Duration.seconds(230) }, 'B').mqttKeepAlive.toSeconds()).toBe(230);
    expect(endpoint(stack, vpc, { mqttKeepAlive: Duration.minutes(3) }, 'C').mqttKeepAlive.toSeconds()).toBe(180);
  });
});

describe('boundaries: both sides of each check', () => {
  /** A 3-zone VPC with two isolated subnet groups, so each zone holds two subnets. */
  function twoSubnetsPerZone() {
    return setup(concreteApp(), {
      subnetConfiguration: [
        { name: 'Devices', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        { name: 'Endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 },
      ],
    });
  }

  test('two subnets in one zone: one of them per zone (an endpoint takes one subnet per zone)', () => {
    const { stack, vpc } = twoSubnetsPerZone();
    const [devicesA, , devicesC, endpointsA, , endpointsC] = vpc.isolatedSubnets;
    expect(vpc.isolatedSubnets.map((s) => s.availabilityZone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c', 'eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    // the default selection holds all six isolated subnets (two per zone); the explicit one four (two in 1a, two in 1c)
    const byDefault = endpoint(stack, vpc, { dataEndpointAddress: DATA_ATS_HOST }, 'Default');
    const explicit = endpoint(stack, vpc, { dataEndpointAddress: DATA_ATS_HOST, subnets: { subnets: [devicesA, endpointsA, devicesC, endpointsC] } }, 'Explicit');
    const template = templateOf(stack);
    const subnetIds = Object.values(vpcEndpoints(template)).map((r) => r.Properties.SubnetIds);
    expect(subnetIds).toEqual([refs(stack, [devicesA, devicesC]), refs(stack, [devicesA, devicesC])]);
    for (const ep of [byDefault, explicit]) {
      expect(ep.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1c']);
      expect(ep.networkInterfacesPerEndpoint).toBe(2);
      expect(ep.dataEndpointIps()).toHaveLength(2);
    }
  });

  test('two subnets in one zone are one zone: rejected as a single zone, accepted with allowSingleAvailabilityZone', () => {
    const { stack, vpc } = twoSubnetsPerZone();
    const [devicesA, , , endpointsA] = vpc.isolatedSubnets;
    expect(() => endpoint(stack, vpc, { subnets: { subnets: [devicesA, endpointsA] } }))
      .toThrow(/subnets leave a single usable availability zone \(eu-west-1a\), so a zone failure cuts every device off/);
    const ep = endpoint(stack, vpc, { subnets: { subnets: [devicesA, endpointsA] }, allowSingleAvailabilityZone: true }, 'Single');
    expect(ep.subnets).toEqual([devicesA]);
    expect(ep.networkInterfacesPerEndpoint).toBe(1);
  });

  test.each([
    ['1 s (the low bound)', Duration.seconds(1), 1],
    ['230 s (the cap)', Duration.seconds(230), 230],
    ['229,999 ms', Duration.millis(229_999), 229.999],
  ])('mqttKeepAlive %s is accepted', (_what, keepAlive, seconds) => {
    const { stack, vpc } = setup();
    expect(endpoint(stack, vpc, { mqttKeepAlive: keepAlive }).mqttKeepAlive.toSeconds({ integral: false })).toBe(seconds);
  });

  test.each([
    [Duration.seconds(231), /mqttKeepAlive 231 s exceeds the 230 s cap/],
    [Duration.millis(230_001), /mqttKeepAlive 230\.001 s exceeds the 230 s cap/],
    [Duration.hours(1), /mqttKeepAlive 3600 s exceeds the 230 s cap/],
    [Duration.millis(999), /mqttKeepAlive 0\.999 s is not a keep-alive interval; use 1 to 230 s/],
    [Duration.seconds(0), /mqttKeepAlive 0 s is not a keep-alive interval; use 1 to 230 s/],
  ])('mqttKeepAlive %s is rejected', (keepAlive, message) => {
    const { stack, vpc } = setup();
    expect(() => endpoint(stack, vpc, { mqttKeepAlive: keepAlive })).toThrow(message);
    expect(stack.node.findChild('Endpoint').node.children).toHaveLength(0);
  });

  test('mqttKeepAlive as a token is taken unchecked (its value is unknown at synth time)', () => {
    const { stack, vpc } = setup();
    const keepAlive = Duration.seconds(Token.asNumber(Lazy.number({ produce: () => 600 })));
    expect(endpoint(stack, vpc, { mqttKeepAlive: keepAlive }).mqttKeepAlive).toBe(keepAlive);
  });

  test.each([
    ['Peer.anyIpv4()', () => [ec2.Peer.anyIpv4()], 'peers includes 0.0.0.0/0: anything'],
    ['Peer.anyIpv6()', () => [ec2.Peer.anyIpv6()], 'peers includes ::/0: anything'],
    ['Peer.ipv6(\'::/0\')', () => [ec2.Peer.ipv6('::/0'), ec2.Peer.ipv4('10.20.0.0/16')], 'peers includes ::/0: anything'],
    ['both', () => [ec2.Peer.anyIpv4(), ec2.Peer.anyIpv6()], 'peers includes 0.0.0.0/0 and ::/0: anything'],
  ])('a peer open to any address (%s): the endpointOpenToAnywhere warning names it', (_what, peers, message) => {
    const { stack, vpc } = setup(concreteApp({}, { context: { [LINT_SKIP_CONTEXT]: 'endpoint open to any address on purpose (the warning is the subject)' } }));
    endpoint(stack, vpc, { peers: peers(), dataEndpointAddress: DATA_ATS_HOST });
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Endpoint', Match.stringLikeRegexp('cdk-private-iot:endpointOpenToAnywhere'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toContain(message);
  });

  test.each([
    ['named IPv4 and IPv6 CIDRs', () => [ec2.Peer.ipv4('10.20.0.0/16'), ec2.Peer.ipv6('2001:db8::/32')]],
    ['the widest CIDRs short of any address', () => [ec2.Peer.ipv4('0.0.0.0/1'), ec2.Peer.ipv6('::/1')]],
  ])('no endpointOpenToAnywhere warning for %s', (_what, peers) => {
    const { stack, vpc } = setup();
    endpoint(stack, vpc, { peers: peers(), dataEndpointAddress: DATA_ATS_HOST });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('cdk-private-iot:endpointOpenToAnywhere'));
  });

  test('Peer.anyIpv6() next to a token peer: the security group findings are not acknowledged, as with Peer.anyIpv4()', () => {
    const app = concreteApp({}, { context: { [LINT_SKIP_CONTEXT]: 'endpoint open to any IPv6 address on purpose (its findings must stay visible)' } });
    const { stack, vpc } = setup(app, { withFlowLog: true, ipProtocol: ec2.IpProtocol.DUAL_STACK });
    endpoint(stack, vpc, { peers: [ec2.Peer.anyIpv6(), ec2.Peer.ipv4(vpc.vpcCidrBlock)], dataEndpointAddress: DATA_ATS_HOST });
    const findings = formatNagFindings(nagFindings(stack, { include: (path) => path.startsWith(`${stack.node.path}/Endpoint/`) }));
    expect(findings).toContain('AwsSolutions-EC23 @ TestStack/Endpoint/SecurityGroup/Resource');
  });
});

describe('IotVpcEndpointAwsService.serviceName and dataServiceName', () => {
  test.each([
    ['eu-west-1', 'com.amazonaws.eu-west-1.iot.data'],
    ['us-east-1', 'com.amazonaws.us-east-1.iot.data'],
    ['us-gov-west-1', 'com.amazonaws.us-gov-west-1.iot.data'],
    ['cn-north-1', 'cn.com.amazonaws.cn-north-1.iot.data'],
    ['cn-northwest-1', 'cn.com.amazonaws.cn-northwest-1.iot.data'],
  ])('AWS IoT Core\'s own iot.data in %s is %s', (region, name) => {
    const stack = new Stack(new App(), 'Regional', { env: { account: TEST_ACCOUNT, region } });
    expect(IotVpcEndpointAwsService.DATA.serviceName(stack)).toBe(name);
    expect(IotVpcEndpointAwsService.GREENGRASS.serviceName(stack)).toBe(name.replace('iot.data', 'greengrass'));
  });

  /** A data endpoint through a provider's endpoint service; the zones are given (no lookup of the provider's service). */
  function throughProvider(region: string, dataServiceName: string) {
    const app = concreteApp({ region });
    const stack = testStack(app, 'Consumer', { env: { region } });
    const vpc = testVpc(stack);
    const host = `a1b2c3d4e5f6g7-ats.iot.${/\.vpce\.([a-z0-9-]+)\./.exec(dataServiceName)?.[1] ?? region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
    const ep = endpoint(stack, vpc, { dataServiceName, dataEndpointAddress: host, supportedAvailabilityZones: [`${region}a`, `${region}c`] });
    return { stack, ep, resource: Object.values(vpcEndpoints(templateOf(stack))) };
  }

  test.each([
    ['eu-west-1', 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0', undefined],
    ['cn-north-1', 'cn.com.amazonaws.vpce.cn-north-1.vpce-svc-0123456789abcdef0', undefined],
    ['eu-west-1', 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0', 'us-east-1'],
    ['cn-north-1', 'cn.com.amazonaws.vpce.cn-northwest-1.vpce-svc-0123456789abcdef0', 'cn-northwest-1'],
  ])('a %s stack connects to %s as given (ServiceRegion %s)', (region, name, serviceRegion) => {
    const { ep, resource } = throughProvider(region, name);
    expect(resource).toHaveLength(1);
    expect(resource[0].Properties.ServiceName).toBe(name);
    expect(resource[0].Properties.ServiceRegion).toBe(serviceRegion);
    expect(ep.dataServiceName).toBe(name);
  });

  test('beside a provider\'s iot.data in another region, iot.credentials and greengrass stay AWS IoT Core\'s own in the stack\'s region', () => {
    const app = concreteApp({ region: 'eu-west-1' });
    const stack = testStack(app, 'Consumer', { env: { region: 'eu-west-1' } });
    const vpc = testVpc(stack);
    const name = 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0';
    endpoint(stack, vpc, {
      dataServiceName: name,
      dataEndpointAddress: 'a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com',
      services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }, { service: IotVpcEndpointAwsService.GREENGRASS }],
      supportedAvailabilityZones: ['eu-west-1a', 'eu-west-1c'],
    });
    const byName = Object.fromEntries(Object.values(vpcEndpoints(templateOf(stack)))
      .map((r) => [r.Properties.ServiceName, r.Properties.ServiceRegion ?? 'none']));
    expect(byName).toEqual({
      [name]: 'us-east-1',
      'com.amazonaws.eu-west-1.iot.credentials': 'none',
      'com.amazonaws.eu-west-1.greengrass': 'none',
    });
  });

  test.each([
    ['com.amazonaws.eu-west-1.iot.data', 'AWS IoT Core\'s own service name'],
    ['vpce-svc-0123456789abcdef0', 'a bare service id'],
    ['com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef', '16 hex digits'],
    ['com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef01', '18 hex digits'],
    ['com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789ABCDEF0', 'upper-case hex digits'],
    ['com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0 ', 'a trailing space'],
  ])('dataServiceName %p (%s) is rejected', (dataServiceName) => {
    const { stack, vpc } = setup();
    expect(() => endpoint(stack, vpc, { dataServiceName, dataEndpointAddress: DATA_ATS_HOST }))
      .toThrow(/dataServiceName '.*' is not a PrivateLink endpoint service name; use the provider's serviceName, e\.g\. com\.amazonaws\.vpce\.eu-west-1\.vpce-svc-/);
    expect(stack.node.findChild('Endpoint').node.children).toHaveLength(0);
  });

  test.each([
    ['eu-west-1', 'cn.com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
      /dataServiceName '.*' does not match how eu-west-1 names endpoint services \(com\.amazonaws\.vpce\.eu-west-1\.vpce-svc-\.\.\.\): the cn\. prefix belongs to the China regions only; use the serviceName exactly as/],
    ['cn-north-1', 'com.amazonaws.vpce.cn-north-1.vpce-svc-0123456789abcdef0',
      /dataServiceName '.*' does not match how cn-north-1 names endpoint services \(cn\.com\.amazonaws\.vpce\.cn-north-1\.vpce-svc-\.\.\.\); use the serviceName exactly as/],
    ['eu-west-1', 'cn.com.amazonaws.vpce.cn-north-1.vpce-svc-0123456789abcdef0', /dataServiceName '.*' is in cn-north-1, another partition than the stack's region eu-west-1 \(aws-cn, not aws\), and PrivateLink does not cross partitions; connect to an endpoint service of the aws partition/],
    ['eu-west-1', 'com.amazonaws.vpce.us-gov-west-1.vpce-svc-0123456789abcdef0', /is in us-gov-west-1, another partition than the stack's region eu-west-1/],
    ['cn-north-1', 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0', /is in eu-west-1, another partition than the stack's region cn-north-1/],
  ])('a %s stack rejects %s (a prefix of another region, or no PrivateLink across partitions)', (region, dataServiceName, message) => {
    const stack = testStack(concreteApp({ region }), 'Consumer', { env: { region } });
    const vpc = testVpc(stack);
    const host = `a1b2c3d4e5f6g7-ats.iot.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
    expect(() => endpoint(stack, vpc, { dataServiceName, dataEndpointAddress: host, supportedAvailabilityZones: [`${region}a`, `${region}c`] }))
      .toThrow(message);
    expect(stack.node.findChild('Endpoint').node.children).toHaveLength(0);
  });
});

describe('addresses', () => {
  /** iot.data offered in all three zones, 2 endpoints x 3 network interfaces. */
  function threeZonesTwoEndpoints() {
    const { stack, vpc } = setup(concreteApp({ serviceZoneSuffixes: { 'iot.data': ['a', 'b', 'c'] } }));
    const ep = endpoint(stack, vpc, { expectedDevices: 200_000, dataEndpointAddress: DATA_ATS_HOST });
    return { stack, vpc, ep };
  }

  test('dataEndpointIps: one token per network interface of every data endpoint', () => {
    const { stack, ep } = threeZonesTwoEndpoints();
    expect(ep.networkInterfacesPerEndpoint).toBe(3);
    expect(ep.dataEndpoints).toHaveLength(2);
    const ips = ep.dataEndpointIps();
    expect(ips).toHaveLength(ep.dataEndpoints.length * ep.networkInterfacesPerEndpoint);
    expect(ips.every((ip) => Token.isUnresolved(ip))).toBe(true);
    const resolved = ips.map((ip) => JSON.stringify(stack.resolve(ip)));
    expect(new Set(resolved).size).toBe(6);
    // asking again reuses the lookups
    expect(ep.dataEndpointIps()).toEqual(ips);
    expect(eniLookups(templateOf(stack))).toHaveLength(2);
  });

  test('each network interface lookup asks for exactly networkInterfacesPerEndpoint interfaces, all of them', () => {
    const { stack, ep } = threeZonesTwoEndpoints();
    void ep.dataEndpointIps();
    const template = templateOf(stack);
    const lookups = eniLookups(template);
    expect(lookups).toHaveLength(ep.dataEndpoints.length);
    const endpointIds = ep.dataEndpoints.map((e) => stack.resolve(stack.getLogicalId(e.node.defaultChild as ec2.CfnVPCEndpoint)));
    const seenEndpoints = new Set<string>();
    for (const [, call] of lookups) {
      expect(call).toMatchObject({ service: 'EC2', action: 'describeNetworkInterfaces' });
      expect(call.outputPaths).toEqual([0, 1, 2].map((i) => `NetworkInterfaces.${i}.PrivateIpAddress`));
      const ids = call.parameters.NetworkInterfaceIds as any[];
      expect(ids).toHaveLength(ep.networkInterfacesPerEndpoint);
      const target = ids[0]['Fn::Select'][1]['Fn::GetAtt'][0];
      expect(endpointIds).toContain(target);
      seenEndpoints.add(target);
      expect(ids).toEqual([0, 1, 2].map((i) => ({ 'Fn::Select': [i, { 'Fn::GetAtt': [target, 'NetworkInterfaceIds'] }] })));
      expect(call.physicalResourceId).toEqual({ id: { Ref: target } });
    }
    expect(seenEndpoints.size).toBe(2);
  });

  test('dnsNames: the regional name and one per zone, as alias targets', () => {
    const { stack, ep } = threeZonesTwoEndpoints();
    const e = ep.dataEndpoints[1];
    const names = ep.dnsNames(e);
    expect(names).toHaveLength(ep.networkInterfacesPerEndpoint + 1);
    const logicalId = stack.resolve(stack.getLogicalId(e.node.defaultChild as ec2.CfnVPCEndpoint));
    names.forEach((n, i) => {
      const entry = { 'Fn::Select': [i, { 'Fn::GetAtt': [logicalId, 'DnsEntries'] }] };
      expect(stack.resolve(n.dnsName)).toEqual({ 'Fn::Select': [1, { 'Fn::Split': [':', entry] }] });
      expect(stack.resolve(n.hostedZoneId)).toEqual({ 'Fn::Select': [0, { 'Fn::Split': [':', entry] }] });
    });
    // DNS names need no lookup
    templateOf(stack).resourceCountIs(LOOKUP_RESOURCE_TYPE, 0);
  });

  test('an endpoint of another construct is refused by privateIpAddresses, ipv6Addresses and dnsNames', () => {
    const { stack, vpc, ep } = threeZonesTwoEndpoints();
    const other = endpoint(stack, vpc, { dataEndpointAddress: DATA_ATS_HOST, dualStack: true }, 'Other');
    const foreign = other.dataEndpoints[0];
    const message = /PrivateIotDataEndpoint 'TestStack\/Endpoint': endpoint 'TestStack\/Other\/DataEndpoint1' is not an endpoint of this construct; pass one of dataEndpoints, credentialsEndpoint or greengrassEndpoint/;
    expect(() => ep.privateIpAddresses(foreign)).toThrow(message);
    expect(() => ep.dnsNames(foreign)).toThrow(message);
    expect(() => other.ipv6Addresses(ep.dataEndpoints[0])).toThrow(/endpoint 'TestStack\/Endpoint\/DataEndpoint1' is not an endpoint of this construct/);
    templateOf(stack).resourceCountIs(LOOKUP_RESOURCE_TYPE, 0);
  });

  test('ipv6Addresses of an IPv4-only construct: an error naming dualStack, and no lookup', () => {
    const { stack, ep } = threeZonesTwoEndpoints();
    expect(() => ep.ipv6Addresses(ep.dataEndpoints[0])).toThrow(/dualStack is false, so the endpoints have no IPv6 addresses; set dualStack: true/);
    templateOf(stack).resourceCountIs(LOOKUP_RESOURCE_TYPE, 0);
  });

  test('two constructs with 3 endpoints each: one Lambda function and one shared iot:Data-ATS lookup', () => {
    const { stack, vpc } = setup();
    const first = endpoint(stack, vpc, { expectedDevices: 300_000 }, 'First');
    const second = endpoint(stack, vpc, { expectedDevices: 300_000 }, 'Second');
    const ips = [...first.dataEndpointIps(), ...second.dataEndpointIps()];
    expect(ips).toHaveLength(2 * 3 * 2);
    new CfnOutput(stack, 'Ips', { value: Fn.join(',', ips) });
    new CfnOutput(stack, 'Hosts', { value: Fn.join(',', [first.dataEndpointAddress(), second.dataEndpointAddress()]) });
    const template = templateOf(stack);

    template.resourceCountIs('AWS::EC2::VPCEndpoint', 6);
    expect(lambdaCount(template)).toBe(1);
    expect(eniLookups(template)).toHaveLength(6);
    const ats = describeEndpointCalls(template).filter(([, call]) => call.parameters.endpointType === 'iot:Data-ATS');
    expect(ats).toHaveLength(1);
    expect(describeEndpointCalls(template)).toHaveLength(1);
    expect(stack.resolve(first.dataEndpointAddress())).toEqual(stack.resolve(second.dataEndpointAddress()));
  });
});

describe('created vs imported VPC', () => {
  test.each([
    {
      kind: 'created',
      make: (stack: Stack) => {
        const vpc = testVpc(stack);
        return { vpc, subnetIds: refs(stack, [vpc.isolatedSubnets[0], vpc.isolatedSubnets[2]]), cidr: stack.resolve(vpc.vpcCidrBlock) };
      },
    },
    {
      kind: 'imported',
      make: (stack: Stack) => ({
        vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
          vpcId: 'vpc-0123456789abcdef0',
          vpcCidrBlock: '10.1.0.0/16',
          availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
          privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb', 'subnet-0cccccccccccccccc'],
        }),
        subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0cccccccccccccccc'],
        cidr: '10.1.0.0/16',
      }),
    },
  ])('$kind VPC: endpoints in the subnets of the zones that offer iot.data', ({ make }) => {
    const stack = testStack();
    const { vpc, subnetIds, cidr } = make(stack);
    const ep = endpoint(stack, vpc, { services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }] });
    void ep.dataEndpointIps();
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    for (const r of Object.values(vpcEndpoints(template))) {
      expect(r.Properties.SubnetIds).toEqual(subnetIds);
      expect(r.Properties.VpcId).toEqual(stack.resolve(vpc.vpcId));
    }
    const group = Object.values(template.findResources('AWS::EC2::SecurityGroup'))[0];
    for (const rule of group.Properties.SecurityGroupIngress) {
      expect(rule.CidrIp).toEqual(cidr);
    }
    expect(lambdaCount(template)).toBe(1);
  });
});

describe('validation: bad input throws, names the prop and the fix, and changes nothing', () => {
  const app = concreteApp([{}, { region: 'cn-north-1' }, { region: 'us-gov-west-1' }]);
  const statement = () => new iam.PolicyStatement({ actions: ['iot:Connect'], resources: ['*'], principals: [new iam.AnyPrincipal()] });
  let counter = 0;

  interface BadInput {
    readonly name: string;
    readonly props: Partial<PrivateIotDataEndpointProps>;
    readonly error: RegExp;
    readonly region?: string;
  }

  const cases: BadInput[] = [
    { name: 'ports [80]', props: { ports: [443, 80] }, error: /ports contains 80, which AWS IoT Core does not listen on; use only 443, 8443, 8883/ },
    { name: 'ports []', props: { ports: [] }, error: /ports is empty; choose from 443, 8443, 8883, or omit ports for all three/ },
    { name: 'expectedDevices 0', props: { expectedDevices: 0 }, error: /expectedDevices 0 is not a positive whole number; give the number of devices connected at the same time/ },
    { name: 'expectedDevices 1.5', props: { expectedDevices: 1.5 }, error: /expectedDevices 1\.5 is not a positive whole number; give the number of devices/ },
    { name: 'expectedDevices -100', props: { expectedDevices: -100 }, error: /expectedDevices -100 is not a positive whole number; give the number/ },
    {
      name: 'expectedDevices token',
      props: { expectedDevices: Token.asNumber(Lazy.number({ produce: () => 5 })) },
      error: /expectedDevices is a token; give a plain number: it decides how many endpoints are synthesized/,
    },
    {
      name: 'mqttKeepAlive 300 s',
      props: { mqttKeepAlive: Duration.seconds(300) },
      error: /mqttKeepAlive 300 s exceeds the 230 s cap of AWS IoT Core VPC endpoints.*; configure the devices with a keep-alive of at most 230 s/,
    },
    { name: 'mqttKeepAlive 0 s', props: { mqttKeepAlive: Duration.seconds(0) }, error: /mqttKeepAlive 0 s is not a keep-alive interval; use 1 to 230 s/ },
    {
      name: 'privateDnsEnabled on DATA',
      props: { services: [{ service: IotVpcEndpointAwsService.DATA, privateDnsEnabled: true }] },
      error: /services asks for privateDnsEnabled on iot\.data, which AWS does not offer.*; leave privateDnsEnabled unset and resolve the IoT hostname with IotPrivateHostedZone/,
    },
    {
      name: 'privateDnsEnabled on CREDENTIALS',
      props: { services: [{ service: IotVpcEndpointAwsService.CREDENTIALS, privateDnsEnabled: true }] },
      error: /services asks for privateDnsEnabled on iot\.credentials.*; leave privateDnsEnabled unset and resolve the IoT hostname with IotPrivateHostedZone/,
    },
    {
      name: 'policyStatements on DATA',
      props: { services: [{ service: IotVpcEndpointAwsService.DATA, policyStatements: [statement()] }] },
      error: /services gives policyStatements for iot\.data, which does not support endpoint policies; restrict devices with an IoT policy instead \(VpceOnlyIotPolicy\)/,
    },
    {
      name: 'policyStatements on CREDENTIALS',
      props: { services: [{ service: IotVpcEndpointAwsService.CREDENTIALS, policyStatements: [statement()] }] },
      error: /services gives policyStatements for iot\.credentials, which does not support endpoint policies; restrict devices with an IoT policy instead/,
    },
    {
      name: 'a service listed twice',
      props: {
        services: [{ service: IotVpcEndpointAwsService.GREENGRASS }, { service: IotVpcEndpointAwsService.GREENGRASS, privateDnsEnabled: false }],
      },
      error: /services lists greengrass twice; list each service once/,
    },
    {
      name: 'DATA listed twice',
      props: { services: [{ service: IotVpcEndpointAwsService.DATA }, { service: IotVpcEndpointAwsService.DATA }] },
      error: /services lists iot\.data twice; list each service once/,
    },
    {
      name: 'CREDENTIALS in cn-north-1',
      region: 'cn-north-1',
      props: { services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }] },
      error: /services includes iot\.credentials, which AWS does not offer in cn-north-1; remove it \(AWS IoT credential provider endpoints do not exist in the China and AWS GovCloud \(US\) partitions\)/,
    },
    {
      name: 'CREDENTIALS in us-gov-west-1',
      region: 'us-gov-west-1',
      props: { services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }] },
      error: /services includes iot\.credentials, which AWS does not offer in us-gov-west-1; remove it/,
    },
    {
      name: 'dataEndpointAddress: the legacy (non-ATS) host',
      props: { dataEndpointAddress: 'abc.iot.eu-west-1.amazonaws.com' },
      error: /dataEndpointAddress 'abc\.iot\.eu-west-1\.amazonaws\.com' is not the account's endpoint hostname; use the address printed by `aws iot describe-endpoint --endpoint-type iot:Data-ATS`/,
    },
    {
      name: 'dataEndpointAddress: iot.<region>.amazonaws.com',
      props: { dataEndpointAddress: 'iot.eu-west-1.amazonaws.com' },
      error: /dataEndpointAddress 'iot\.eu-west-1\.amazonaws\.com' is not the account's endpoint hostname; use the address printed by `aws iot describe-endpoint --endpoint-type iot:Data-ATS`/,
    },
    {
      name: 'dataEndpointAddress: another region',
      props: { dataEndpointAddress: 'a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com' },
      error: /dataEndpointAddress 'a1b2c3d4e5f6g7-ats\.iot\.us-east-1\.amazonaws\.com' is not in the stack's region eu-west-1; use the eu-west-1 endpoint of the account/,
    },
    {
      name: 'credentialsEndpointAddress without the credentials service',
      props: { credentialsEndpointAddress: CREDENTIALS_HOST },
      error: /credentialsEndpointAddress '.*' is given but no iot\.credentials endpoint is requested; add `\{ service: IotVpcEndpointAwsService\.CREDENTIALS \}` to `services`, or drop credentialsEndpointAddress/,
    },
    {
      name: 'credentialsEndpointAddress: not a credential provider host',
      props: { services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }], credentialsEndpointAddress: DATA_ATS_HOST },
      error: /credentialsEndpointAddress '.*-ats\.iot\.eu-west-1\.amazonaws\.com' is not the account's endpoint hostname; use the address printed by `aws iot describe-endpoint --endpoint-type iot:CredentialProvider`/,
    },
    {
      name: 'supportedAvailabilityZones []',
      props: { supportedAvailabilityZones: [] },
      error: /supportedAvailabilityZones is empty; list the zones that offer the service, or omit it to look them up/,
    },
    {
      name: 'supportedAvailabilityZones disjoint from the subnets',
      props: { supportedAvailabilityZones: ['eu-west-1x'] },
      error: /supportedAvailabilityZones \[eu-west-1x\] shares no zone with the selected subnets \[eu-west-1a, eu-west-1b, eu-west-1c\]; add subnets in the supported zones, or correct the list/,
    },
    {
      name: 'a single usable zone without allowSingleAvailabilityZone',
      props: { supportedAvailabilityZones: ['eu-west-1c', 'eu-west-1x'] },
      error: /subnets leave a single usable availability zone \(eu-west-1c\), so a zone failure cuts every device off; use subnets in two or more zones that offer the service, or set allowSingleAvailabilityZone: true/,
    },
    {
      name: 'subnets selecting nothing',
      props: { subnets: { subnets: [] } },
      error: /subnets selects no subnet of the VPC; select at least two subnets in different availability zones/,
    },
    {
      name: 'peers []',
      props: { peers: [] },
      error: /peers is empty, so no device could reach the endpoints; name at least one peer, or omit peers to admit the VPC CIDR/,
    },
  ];

  test('at least 12 distinct bad inputs', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  test.each(cases)('$name', ({ props, error, region }) => {
    const stack = testStack(app, `Bad${counter++}`, region ? { env: { region } } : {});
    const vpc = testVpc(stack);
    const before = templateOf(stack).toJSON();

    expect(() => endpoint(stack, vpc, props)).toThrow(error);
    // the message starts with the construct and its path
    expect(() => endpoint(stack, vpc, props, 'Again')).toThrow(new RegExp(`^CdkPrivateIotError: PrivateIotDataEndpoint '${stack.stackName}/Again': `));

    const after = templateOf(stack);
    after.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(after.toJSON()).toEqual(before);
    expect(stack.node.findChild('Endpoint').node.children).toHaveLength(0);
    expect(stack.node.tryFindChild('CdkPrivateIotLookups')).toBeUndefined();
  });

  test.each(['eu-west1', 'EU-WEST-1', 'europe-west-1'])('a stack region that is no AWS region name (%s): an error naming env.region and the fix, nothing added', (region) => {
    const stack = testStack(concreteApp({ region }), 'BadRegion', { env: { region } });
    const vpc = testVpc(stack);
    expect(() => endpoint(stack, vpc)).toThrow(new RegExp(`^CdkPrivateIotError: Stack 'BadRegion': env\\.region '${region}' is not an AWS region name; use a region such as eu-west-1`));
    expect(stack.node.findChild('Endpoint').node.children).toHaveLength(0);
    expect(stack.node.tryFindChild('CdkPrivateIotLookups')).toBeUndefined();
  });

  test('the usable zones of the context do not include the subnets: error names subnets and the offered zones', () => {
    const stack = testStack(concreteApp({ serviceZoneSuffixes: { 'iot.data': ['d'] } }));
    const vpc = testVpc(stack);
    const before = templateOf(stack).toJSON();
    expect(() => endpoint(stack, vpc)).toThrow(
      /subnets are in \[eu-west-1a, eu-west-1b, eu-west-1c\], but the services are offered only in \[eu-west-1d\]; add subnets in the offered zones/);
    expect(templateOf(stack).toJSON()).toEqual(before);
  });

  test('a malformed zone lookup in the context: error names supportedAvailabilityZones and how to refresh', () => {
    const probe = testStack(concreteApp(), 'Probe');
    const key = contextKey(probe, cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER, { serviceName: 'com.amazonaws.eu-west-1.iot.data' });
    const stack = testStack(concreteApp({}, { context: { [key]: 'eu-west-1a' } }));
    const vpc = testVpc(stack);
    expect(() => endpoint(stack, vpc)).toThrow(
      /supportedAvailabilityZones could not be looked up for com\.amazonaws\.eu-west-1\.iot\.data \(context returned "eu-west-1a"\); set supportedAvailabilityZones, or refresh cdk\.context\.json/);
    templateOf(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('supportedAvailabilityZones in an environment-agnostic stack: error asks for a concrete env', () => {
    const stack = envAgnosticStack();
    const vpc = testVpc(stack);
    expect(() => endpoint(stack, vpc, { supportedAvailabilityZones: ['eu-west-1a', 'eu-west-1b'] })).toThrow(
      /supportedAvailabilityZones cannot be matched against subnets whose availability zone is unknown at synth time; give the stack a concrete env/);
    templateOf(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('the error is a CdkPrivateIotError that carries the construct path and the prop', () => {
    const stack = testStack(app, 'Named');
    const vpc = testVpc(stack);
    let caught: any;
    try {
      endpoint(stack, vpc, { mqttKeepAlive: Duration.seconds(300) });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(isCdkPrivateIotError(caught)).toBe(true);
    expect(caught.constructPath).toBe('Named/Endpoint');
    expect(caught.prop).toBe('mqttKeepAlive');
    expect(caught.message).toBe(
      "CdkPrivateIotError: PrivateIotDataEndpoint 'Named/Endpoint': mqttKeepAlive 300 s exceeds the 230 s cap of AWS IoT Core VPC endpoints "
      + '(larger values are lowered, so clients think the broker is late); configure the devices with a keep-alive of at most 230 s');
  });

  // Validation must come before any resource is created. A greengrass policy statement without a principal is
  // rejected by aws-cdk-lib's InterfaceVpcEndpoint.addToPolicy only after the security group and the endpoints exist.
  test('greengrass policyStatements without a principal: rejected up front, changes nothing', () => {
    const stack = testStack(app, 'NoPrincipal');
    const vpc = testVpc(stack);
    const before = templateOf(stack).toJSON();
    expect(() => endpoint(stack, vpc, {
      services: [{ service: IotVpcEndpointAwsService.GREENGRASS, policyStatements: [new iam.PolicyStatement({ actions: ['greengrass:*'], resources: ['*'] })] }],
    })).toThrow(/services.*[Pp]rincipal/);
    expect(stack.node.findChild('Endpoint').node.children).toHaveLength(0);
    expect(templateOf(stack).toJSON()).toEqual(before);
  });
});

describe('cdk-nag', () => {
  test('no unacknowledged finding on our resources (AwsSolutions, NIST 800-53 R5, HIPAA, PCI DSS 3.2.1)', () => {
    const { stack, vpc } = setup(concreteApp(), { withFlowLog: true });
    const ep = endpoint(stack, vpc, {
      services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }, { service: IotVpcEndpointAwsService.GREENGRASS }],
      expectedDevices: 150_000,
    });
    void ep.dataEndpointIps();
    void ep.credentialsEndpointIps();
    const ours = (path: string) => path.startsWith(`${stack.node.path}/Endpoint/`)
      || path.startsWith(`${stack.node.path}/CdkPrivateIotLookups/`);
    expect(formatNagFindings(nagFindings(stack, { include: ours }))).toEqual([]);
  });

  test('a peer open to any address: a warning, and the security group findings are not acknowledged', () => {
    // Guard reports the open rule too (CT.EC2.PR.3): this template is the finding the test wants visible.
    const app = concreteApp({}, { context: { [LINT_SKIP_CONTEXT]: 'endpoint open to any address on purpose (its findings must stay visible)' } });
    const { stack, vpc } = setup(app, { withFlowLog: true });
    endpoint(stack, vpc, { peers: [ec2.Peer.anyIpv4(), ec2.Peer.ipv4(vpc.vpcCidrBlock)], dataEndpointAddress: DATA_ATS_HOST });
    Annotations.fromStack(stack).hasWarning('/TestStack/Endpoint', Match.stringLikeRegexp('cdk-private-iot:endpointOpenToAnywhere'));
    const findings = formatNagFindings(nagFindings(stack, { include: (path) => path.startsWith(`${stack.node.path}/Endpoint/`) }));
    expect(findings).toContain('AwsSolutions-EC23 @ TestStack/Endpoint/SecurityGroup/Resource');
  });

  test('named IPv4 peers: no finding on the security group', () => {
    const { stack, vpc } = setup(concreteApp(), { withFlowLog: true });
    endpoint(stack, vpc, { peers: [ec2.Peer.ipv4('10.20.0.0/16')], dataEndpointAddress: DATA_ATS_HOST });
    const findings = nagFindings(stack, { include: (path) => path.startsWith(`${stack.node.path}/Endpoint/`) });
    expect(formatNagFindings(findings)).toEqual([]);
  });
});

describe('snapshot', () => {
  test('a small concrete-env stack (logical ids are API)', () => {
    const stack = testStack(concreteApp(), 'SnapshotStack');
    const vpc = testVpc(stack);
    const ep = endpoint(stack, vpc, { services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }], peers: [ec2.Peer.ipv4('10.20.0.0/16')] });
    new CfnOutput(stack, 'DataEndpointIps', { value: Fn.join(',', ep.dataEndpointIps()) });
    new CfnOutput(stack, 'DataEndpointAddress', { value: ep.dataEndpointAddress() });
    expect(templateOf(stack).toJSON()).toMatchSnapshot();
  });
});

test('fixture sanity: concrete env is the one the lookups are keyed on', () => {
  const stack = testStack();
  expect(stack.account).toBe(TEST_ACCOUNT);
  expect(stack.region).toBe(TEST_REGION);
  expect(stack.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
});

describe('fromPrivateIotDataEndpointAttributes', () => {
  const DATA_ID = 'vpce-0123456789abcdef0';
  const DATA2_ID = 'vpce-0123456789abcdef1';
  const CREDENTIALS_ID = 'vpce-0fedcba9876543210';
  const TWO_ZONES = ['eu-west-1a', 'eu-west-1b'];

  function imported(options: { attrs?: Partial<PrivateIotDataEndpointAttributes>; app?: App } = {}) {
    const stack = testStack(options.app);
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: TWO_ZONES, vpcCidrBlock: '10.0.0.0/16' });
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'EndpointSg', 'sg-0123456789abcdef0');
    const vpce = (id: string, vpcEndpointId: string) => ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, id, {
      vpcEndpointId, port: 443, securityGroups: [sg],
    });
    const data = [vpce('Data1', DATA_ID), vpce('Data2', DATA2_ID)];
    const credentials = vpce('Credentials', CREDENTIALS_ID);
    const ep = PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes(stack, 'Imported', {
      vpc, dataEndpoints: data, availabilityZones: TWO_ZONES, ...options.attrs,
    });
    return { stack, vpc, sg, data, credentials, ep, vpce };
  }

  /** The Custom::CdkPrivateIotLookup resources of a template by logical id, with their create calls. */
  function lookupsOf(stack: Stack): Array<[string, any]> {
    return lookupCalls(templateOf(stack));
  }

  test('exposes the attributes; one network interface per zone; connections from the endpoints\' security groups, default port 8883', () => {
    const { stack, vpc, data, ep } = imported();
    expect(ep.vpc).toBe(vpc);
    expect(ep.dataEndpoints).toEqual(data);
    expect(ep.credentialsEndpoint).toBeUndefined();
    expect(ep.greengrassEndpoint).toBeUndefined();
    expect(ep.availabilityZones).toEqual(TWO_ZONES);
    expect(ep.networkInterfacesPerEndpoint).toBe(2);
    expect(ep.dualStack).toBe(false);
    expect(ep.dataServiceName).toBeUndefined();
    expect(ep.connections.securityGroups.map((g) => g.securityGroupId)).toEqual(['sg-0123456789abcdef0']);
    expect(ep.connections.defaultPort?.toString()).toBe('8883');
    expect(ep.credentialsEndpointAddress()).toBeUndefined();
    expect(ep.credentialsEndpointIps()).toEqual([]);
    expect(ep.node.path).toBe('TestStack/Imported');
    // importing adds nothing to the template
    expect(templateOf(stack).toJSON().Resources ?? {}).toEqual({});
  });

  test('securityGroups replace the endpoints\' groups in connections', () => {
    const stack = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: TWO_ZONES });
    const own = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Own', 'sg-0000000000000000a');
    const given = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Given', 'sg-0000000000000000b');
    const data = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Data', { vpcEndpointId: DATA_ID, port: 443, securityGroups: [own] });
    const ep = PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes(stack, 'Imported', {
      vpc, dataEndpoints: [data], availabilityZones: TWO_ZONES, securityGroups: [given],
    });
    expect(ep.connections.securityGroups).toEqual([given]);
  });

  test('the endpoints\' security groups, each once, from every endpoint', () => {
    const stack = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: TWO_ZONES });
    const a = ec2.SecurityGroup.fromSecurityGroupId(stack, 'A', 'sg-0000000000000000a');
    const b = ec2.SecurityGroup.fromSecurityGroupId(stack, 'B', 'sg-0000000000000000b');
    const data = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Data', { vpcEndpointId: DATA_ID, port: 443, securityGroups: [a] });
    const greengrass = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Gg', { vpcEndpointId: DATA2_ID, port: 443, securityGroups: [a, b] });
    const ep = PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes(stack, 'Imported', {
      vpc, dataEndpoints: [data], greengrassEndpoint: greengrass, availabilityZones: TWO_ZONES,
    });
    expect(ep.greengrassEndpoint).toBe(greengrass);
    expect(ep.connections.securityGroups).toEqual([a, b]);
  });

  test('dataEndpointIps: per endpoint, ec2:DescribeVpcEndpoints for its interface ids, then ec2:DescribeNetworkInterfaces on them', () => {
    const { stack, ep } = imported();
    const ips = ep.dataEndpointIps();
    expect(ips).toHaveLength(2 * 2);
    expect(new Set(ips.map((ip) => JSON.stringify(stack.resolve(ip)))).size).toBe(4);
    const lookups = lookupsOf(stack);
    const ids = lookups.map(([id]) => id);
    expect(ids).toHaveLength(4);
    [1, 2].forEach((n, i) => {
      const vpceId = [DATA_ID, DATA2_ID][i];
      const eniIds = lookups.find(([id]) => new RegExp(`^ImportedDataEndpoint${n}NetworkInterfaceIdsLookup[0-9A-F]{8}$`).test(id));
      const addresses = lookups.find(([id]) => new RegExp(`^ImportedDataEndpoint${n}AddressesLookup[0-9A-F]{8}$`).test(id));
      expect(eniIds).toBeDefined();
      expect(addresses).toBeDefined();
      expect(eniIds![1]).toEqual({
        service: 'EC2',
        action: 'describeVpcEndpoints',
        parameters: { VpcEndpointIds: [vpceId] },
        physicalResourceId: { id: vpceId },
        outputPaths: ['VpcEndpoints.0.NetworkInterfaceIds.0', 'VpcEndpoints.0.NetworkInterfaceIds.1'],
      });
      expect(addresses![1]).toEqual({
        service: 'EC2',
        action: 'describeNetworkInterfaces',
        parameters: { NetworkInterfaceIds: [0, 1].map((k) => ({ 'Fn::GetAtt': [eniIds![0], `VpcEndpoints.0.NetworkInterfaceIds.${k}`] })) },
        physicalResourceId: { id: vpceId },
        outputPaths: ['NetworkInterfaces.0.PrivateIpAddress', 'NetworkInterfaces.1.PrivateIpAddress'],
      });
      expect(ips.slice(2 * i, 2 * i + 2).map((ip) => stack.resolve(ip)))
        .toEqual([0, 1].map((k) => ({ 'Fn::GetAtt': [addresses![0], `NetworkInterfaces.${k}.PrivateIpAddress`] })));
    });
    // asking again reuses the lookups; one Lambda function for all of them
    expect(ep.dataEndpointIps()).toEqual(ips);
    expect(ep.privateIpAddresses(ep.dataEndpoints[1])).toEqual(ips.slice(2));
    const template = templateOf(stack);
    expect(Object.keys(template.findResources(LOOKUP_RESOURCE_TYPE))).toHaveLength(4);
    expect(lambdaCount(template)).toBe(1);
  });

  test('the lookups may call ec2:DescribeVpcEndpoints and ec2:DescribeNetworkInterfaces', () => {
    const { stack, ep } = imported();
    void ep.privateIpAddresses(ep.dataEndpoints[0]);
    const actions = Object.values(templateOf(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement.map((s: any) => s.Action)).filter((a: unknown) => typeof a === 'string').sort();
    // (besides the function's own log group)
    expect(actions).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcEndpoints']);
  });

  test('dual-stack: an IPv6 address per network interface, from the same lookups', () => {
    const { stack, ep } = imported({ attrs: { dualStack: true } });
    expect(ep.dualStack).toBe(true);
    const ipv6 = ep.ipv6Addresses(ep.dataEndpoints[0]);
    const ipv4 = ep.privateIpAddresses(ep.dataEndpoints[0]);
    expect(ipv6).toHaveLength(2);
    const lookups = lookupsOf(stack);
    expect(lookups).toHaveLength(2);
    const [id, call] = lookups.find(([, c]) => c.action === 'describeNetworkInterfaces')!;
    expect(call.outputPaths).toEqual([
      'NetworkInterfaces.0.PrivateIpAddress', 'NetworkInterfaces.0.Ipv6Addresses.0.Ipv6Address',
      'NetworkInterfaces.1.PrivateIpAddress', 'NetworkInterfaces.1.Ipv6Addresses.0.Ipv6Address',
    ]);
    expect(ipv6.map((ip) => stack.resolve(ip))).toEqual([0, 1].map((k) => ({ 'Fn::GetAtt': [id, `NetworkInterfaces.${k}.Ipv6Addresses.0.Ipv6Address`] })));
    expect(ipv4.map((ip) => stack.resolve(ip))).toEqual([0, 1].map((k) => ({ 'Fn::GetAtt': [id, `NetworkInterfaces.${k}.PrivateIpAddress`] })));
  });

  test('credentials endpoint: its own lookups (CredentialsEndpoint...), and the iot:CredentialProvider address', () => {
    const { stack, credentials, ep: first } = imported();
    void first;
    const ep = PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes(stack, 'WithCredentials', {
      vpc: first.vpc, dataEndpoints: [first.dataEndpoints[0]], credentialsEndpoint: credentials, availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    });
    expect(ep.credentialsEndpoint).toBe(credentials);
    expect(ep.credentialsEndpointIps()).toHaveLength(3);
    const lookups = lookupsOf(stack);
    expect(lookups.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['WithCredentialsCredentialsEndpointAddressesLookup', 'WithCredentialsCredentialsEndpointNetworkInterfaceIdsLookup']);
    expect(lookups.find(([, c]) => c.action === 'describeVpcEndpoints')![1].parameters).toEqual({ VpcEndpointIds: [CREDENTIALS_ID] });
    expect(stack.resolve(ep.credentialsEndpointAddress())).toEqual(stack.resolve(IotLookups.of(stack).endpointAddress('iot:CredentialProvider')));
    const calls = describeEndpointCalls(templateOf(stack)).map(([, c]) => c.parameters.endpointType);
    expect(calls).toEqual(['iot:CredentialProvider']);
  });

  test('greengrass endpoint: lookups with the GreengrassEndpoint ids', () => {
    const { stack, vpce, ep: first } = imported();
    const greengrass = vpce('Greengrass', 'vpce-0aaaaaaaaaaaaaaaa');
    const ep = PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes(stack, 'Gg', {
      vpc: first.vpc, dataEndpoints: [first.dataEndpoints[0]], greengrassEndpoint: greengrass, availabilityZones: TWO_ZONES,
    });
    expect(ep.privateIpAddresses(greengrass)).toHaveLength(2);
    expect(lookupsOf(stack).map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['GgGreengrassEndpointAddressesLookup', 'GgGreengrassEndpointNetworkInterfaceIdsLookup']);
  });

  test('dataEndpointAddress: the given host, else an iot:Data-ATS lookup created by the first call', () => {
    const given = imported({ attrs: { dataEndpointAddress: DATA_ATS_HOST } });
    expect(given.ep.dataEndpointAddress()).toBe(DATA_ATS_HOST);
    expect(lookupsOf(given.stack)).toEqual([]);

    const looked = imported();
    expect(lookupsOf(looked.stack)).toEqual([]);
    const address = looked.ep.dataEndpointAddress();
    expect(Token.isUnresolved(address)).toBe(true);
    expect(describeEndpointCalls(templateOf(looked.stack)).map(([, c]) => c.parameters.endpointType)).toEqual(['iot:Data-ATS']);
  });

  test('credentialsEndpointAddress given with a credentials endpoint is returned as given', () => {
    const { stack, credentials, ep: first } = imported();
    const ep = PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes(stack, 'WithCredentials', {
      vpc: first.vpc,
      dataEndpoints: [first.dataEndpoints[0]],
      credentialsEndpoint: credentials,
      availabilityZones: TWO_ZONES,
      credentialsEndpointAddress: CREDENTIALS_HOST,
    });
    expect(ep.credentialsEndpointAddress()).toBe(CREDENTIALS_HOST);
    expect(lookupsOf(stack)).toEqual([]);
  });

  test('a provider\'s endpoint service with the provider\'s host in another region', () => {
    const serviceName = 'com.amazonaws.vpce.eu-central-1.vpce-svc-0123456789abcdef0';
    const host = 'a1b2c3d4e5f6g7-ats.iot.eu-central-1.amazonaws.com';
    const { ep } = imported({ attrs: { dataServiceName: serviceName, dataEndpointAddress: host } });
    expect(ep.dataServiceName).toBe(serviceName);
    expect(ep.dataEndpointAddress()).toBe(host);
  });

  test('dnsNames: an error naming the endpoint and the way out (WEIGHTED_IPS), and no lookup', () => {
    const { stack, ep } = imported();
    expect(() => ep.dnsNames(ep.dataEndpoints[0])).toThrow(
      "CdkPrivateIotError: ImportedPrivateIotDataEndpoint 'TestStack/Imported': endpoint 'TestStack/Data1' is imported, and CloudFormation gives the DNS names "
      + 'of an endpoint only to the stack that creates it, so they are unknown here (IotRecordStyle.ALIAS needs them); use IotRecordStyle.WEIGHTED_IPS '
      + '(the default, which looks the addresses up at deployment), or create the zone in the stack that creates the endpoint');
    expect(lookupsOf(stack)).toEqual([]);
  });

  test('an endpoint that is not one of the import\'s: refused by privateIpAddresses, ipv6Addresses and dnsNames, no lookup', () => {
    const { stack, credentials, ep } = imported({ attrs: { dualStack: true } });
    const message = "CdkPrivateIotError: ImportedPrivateIotDataEndpoint 'TestStack/Imported': endpoint 'TestStack/Credentials' is not an endpoint of this "
      + 'construct; pass one of dataEndpoints, credentialsEndpoint or greengrassEndpoint';
    expect(() => ep.privateIpAddresses(credentials)).toThrow(message);
    expect(() => ep.ipv6Addresses(credentials)).toThrow(message);
    expect(() => ep.dnsNames(credentials)).toThrow(message);
    expect(lookupsOf(stack)).toEqual([]);
  });

  test('ipv6Addresses without dualStack: an error naming dualStack and the fix, and no lookup', () => {
    const { stack, ep } = imported();
    expect(() => ep.ipv6Addresses(ep.dataEndpoints[0])).toThrow(
      "CdkPrivateIotError: ImportedPrivateIotDataEndpoint 'TestStack/Imported': dualStack is false, so the endpoints have no IPv6 addresses; "
      + 'set dualStack: true in the attributes if the endpoints are dual-stack');
    expect(lookupsOf(stack)).toEqual([]);
  });

  describe('bad attributes: an error naming the attribute and the fix, and nothing added', () => {
    const cases: Array<{ name: string; attrs: (x: ReturnType<typeof imported>) => Partial<PrivateIotDataEndpointAttributes>; error: string }> = [
      { name: 'dataEndpoints []', attrs: () => ({ dataEndpoints: [] }), error: 'dataEndpoints is empty; pass the iot.data endpoints, e.g. from ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes' },
      {
        name: 'availabilityZones []',
        attrs: () => ({ availabilityZones: [] }),
        error: "availabilityZones is empty; list the availability zones of the endpoints' subnets, e.g. ['eu-west-1a', 'eu-west-1b'] (one network interface each)",
      },
      {
        name: 'availabilityZones as a list token',
        attrs: () => ({ availabilityZones: Fn.getAzs() }),
        error: "availabilityZones is a list token, so the number of network interfaces is unknown; list the availability zones of the endpoints' subnets",
      },
      {
        name: 'a data endpoint twice',
        attrs: (x) => ({ dataEndpoints: [x.data[0], x.data[0]] }),
        error: "dataEndpoints lists 'TestStack/Data1' twice (with credentialsEndpoint and greengrassEndpoint); give each endpoint once",
      },
      {
        name: 'the credentials endpoint among the data endpoints',
        attrs: (x) => ({ credentialsEndpoint: x.data[1] }),
        error: "dataEndpoints lists 'TestStack/Data2' twice (with credentialsEndpoint and greengrassEndpoint); give each endpoint once",
      },
      {
        name: 'credentialsEndpointAddress without credentialsEndpoint',
        attrs: () => ({ credentialsEndpointAddress: CREDENTIALS_HOST }),
        error: `credentialsEndpointAddress '${CREDENTIALS_HOST}' is given but credentialsEndpoint is not; pass the iot.credentials endpoint as credentialsEndpoint, or drop credentialsEndpointAddress`,
      },
      {
        name: 'credentialsEndpointAddress not a credential provider host',
        attrs: (x) => ({ credentialsEndpoint: x.credentials, credentialsEndpointAddress: DATA_ATS_HOST }),
        error: `credentialsEndpointAddress '${DATA_ATS_HOST}' is not the account's endpoint hostname; use the address printed by \`aws iot describe-endpoint --endpoint-type iot:CredentialProvider\``,
      },
      {
        name: 'credentialsEndpointAddress of another region',
        attrs: (x) => ({ credentialsEndpoint: x.credentials, credentialsEndpointAddress: 'c1b2c3d4e5f6g7.credentials.iot.us-east-1.amazonaws.com' }),
        error: "credentialsEndpointAddress 'c1b2c3d4e5f6g7.credentials.iot.us-east-1.amazonaws.com' is not in the stack's region eu-west-1; use the eu-west-1 endpoint",
      },
      {
        name: 'dataEndpointAddress: the legacy host',
        attrs: () => ({ dataEndpointAddress: 'a1b2c3d4e5f6g7.iot.eu-west-1.amazonaws.com' }),
        error: "dataEndpointAddress 'a1b2c3d4e5f6g7.iot.eu-west-1.amazonaws.com' is not the account's endpoint hostname; use the address printed by `aws iot describe-endpoint --endpoint-type iot:Data-ATS`",
      },
      {
        name: 'dataServiceName without dataEndpointAddress',
        attrs: () => ({ dataServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0' }),
        error: "dataServiceName is a provider's endpoint service but dataEndpointAddress is missing, and a lookup here would return this account's own IoT endpoint; "
          + "pass the provider account's ATS data endpoint as dataEndpointAddress",
      },
      {
        name: 'dataServiceName that is no service name',
        attrs: () => ({ dataServiceName: 'vpce-svc-0123456789abcdef0', dataEndpointAddress: DATA_ATS_HOST }),
        error: "dataServiceName 'vpce-svc-0123456789abcdef0' is not a PrivateLink endpoint service name",
      },
    ];

    test.each(cases)('$name', ({ attrs, error }) => {
      const x = imported();
      const before = templateOf(x.stack).toJSON();
      expect(() => PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes(x.stack, 'Bad', {
        vpc: x.vpc, dataEndpoints: x.data, availabilityZones: TWO_ZONES, ...attrs(x),
      })).toThrow(`CdkPrivateIotError: ImportedPrivateIotDataEndpoint 'TestStack/Bad': ${error}`);
      expect(templateOf(x.stack).toJSON()).toEqual(before);
      expect(x.stack.node.findChild('Bad').node.children).toHaveLength(0);
    });

    test('a stack region that is no region name', () => {
      const stack = testStack(concreteApp({ region: 'eu-west1' }), 'BadRegion', { env: { region: 'eu-west1' } });
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: TWO_ZONES });
      const data = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Data', { vpcEndpointId: DATA_ID, port: 443 });
      expect(() => PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes(stack, 'Imported', { vpc, dataEndpoints: [data], availabilityZones: TWO_ZONES }))
        .toThrow("CdkPrivateIotError: Stack 'BadRegion': env.region 'eu-west1' is not an AWS region name; use a region such as eu-west-1");
    });
  });
});
