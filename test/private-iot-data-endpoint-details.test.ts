/**
 * Details of PrivateIotDataEndpoint that its main test file left loose (found by mutation testing, issue 14): the
 * quota sum of data and other endpoints, the ingress rule descriptions, the peers of a dual-stack endpoint, the
 * warning for peers open to any address, and the share the stack-limit check reports.
 */
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { concreteApp, LINT_SKIP_CONTEXT, testStack, testVpc } from './fixtures';
import { IotVpcEndpointAwsService, PrivateIotDataEndpoint, PrivateIotDataEndpointProps } from '../src';

const DATA_HOST = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
const CREDENTIALS_HOST = 'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com';

/** @param lintSkip why the template is left out of the template checks (lint:templates), if it is */
function endpoint(props: Partial<PrivateIotDataEndpointProps> = {}, vpcProps: ec2.VpcProps = {}, lintSkip?: string) {
  const stack = testStack(concreteApp({}, lintSkip ? { context: { [LINT_SKIP_CONTEXT]: lintSkip } } : {}));
  const vpc = testVpc(stack, 'Vpc', vpcProps);
  const created = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, dataEndpointAddress: DATA_HOST, ...props });
  return { stack, vpc, endpoint: created };
}

const BOTH_SERVICES = {
  credentialsEndpointAddress: CREDENTIALS_HOST,
  services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }, { service: IotVpcEndpointAwsService.GREENGRASS }],
};

describe('the interface endpoint quota counts the data endpoints and the other services together', () => {
  test('48 data endpoints + credentials + greengrass = 50: accepted', () => {
    const { stack } = endpoint({ expectedDevices: 4_800_000, ...BOTH_SERVICES });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint'))).toHaveLength(50);
  });

  test('49 data endpoints + credentials + greengrass = 51: refused at construction, naming the sum', () => {
    expect(() => endpoint({ expectedDevices: 4_900_000, ...BOTH_SERVICES }))
      .toThrow(/expectedDevices 4900000 needs 51 interface endpoints in one VPC, more than the 50 of the quota/);
  });

  test('a raised quota (interfaceEndpointQuota) admits the 51', () => {
    const { stack } = endpoint({ expectedDevices: 4_900_000, interfaceEndpointQuota: 51, ...BOTH_SERVICES });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint'))).toHaveLength(51);
  });
});

describe('ingress rules', () => {
  const rules = (stack: ReturnType<typeof endpoint>['stack']) => Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup'))
    .flatMap((r: any) => r.Properties.SecurityGroupIngress ?? []);

  test('a literal peer is named in each rule\'s description, with the port\'s purpose', () => {
    const { stack } = endpoint({ peers: [ec2.Peer.ipv4('10.20.0.0/16')] });
    expect(rules(stack).map((r: any) => [r.FromPort, r.CidrIp, r.Description])).toEqual([
      [443, '10.20.0.0/16', 'AWS IoT Core MQTT/HTTPS (ALPN) from 10.20.0.0/16'],
      [8443, '10.20.0.0/16', 'AWS IoT Core HTTPS from 10.20.0.0/16'],
      [8883, '10.20.0.0/16', 'AWS IoT Core MQTT from 10.20.0.0/16'],
    ]);
  });

  test('a token peer (the default: the VPC\'s CIDR) gets the purpose only, not a token in the description', () => {
    const { stack } = endpoint();
    const descriptions = rules(stack).map((r: any) => r.Description);
    expect(descriptions).toEqual(['AWS IoT Core MQTT/HTTPS (ALPN)', 'AWS IoT Core HTTPS', 'AWS IoT Core MQTT']);
  });
});

describe('dual-stack peers', () => {
  test('a created VPC: its IPv4 CIDR and its first IPv6 CIDR are admitted', () => {
    const { stack } = endpoint({ dualStack: true }, { ipProtocol: ec2.IpProtocol.DUAL_STACK });
    const ingress = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup'))
      .flatMap((r: any) => r.Properties.SecurityGroupIngress ?? []);
    expect(ingress.filter((r: any) => r.CidrIpv6 !== undefined).map((r: any) => r.CidrIpv6)).toEqual([
      expect.objectContaining({ 'Fn::Select': [0, expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^Vpc/), 'Ipv6CidrBlocks'] })] }),
      expect.anything(), expect.anything(),
    ]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('dualStackWithoutIpv6Peer'));
  });

  test('an imported VPC: only its IPv4 CIDR, and a warning that says to list the IPv6 CIDRs', () => {
    const stack = testStack(concreteApp());
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.0.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1c'],
      isolatedSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    });
    new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, dualStack: true, dataEndpointAddress: DATA_HOST });
    const ingress = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup'))
      .flatMap((r: any) => r.Properties.SecurityGroupIngress ?? []);
    expect(ingress.map((r: any) => r.CidrIp ?? r.CidrIpv6)).toEqual(['10.0.0.0/16', '10.0.0.0/16', '10.0.0.0/16']);
    Annotations.fromStack(stack).hasWarning('/TestStack/Endpoint', Match.stringLikeRegexp(
      'dualStack is true but the VPC is imported, so its IPv6 CIDR is unknown and only its IPv4 CIDR is admitted: list the IPv6 CIDRs in peers'));
  });
});

describe('peers open to any address', () => {
  test('the warning names each open peer; the token-peer acknowledgement is not written', () => {
    const { stack } = endpoint({ peers: [ec2.Peer.anyIpv4(), ec2.Peer.anyIpv6()] }, {}, 'endpoint open to any address on purpose (the warning is the subject)');
    Annotations.fromStack(stack).hasWarning('/TestStack/Endpoint', Match.stringLikeRegexp(
      'peers includes 0.0.0.0/0 and ::/0: anything that can route to the VPC reaches AWS IoT Core through these endpoints'));
    const group = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup'))[0] as any;
    expect(JSON.stringify(group.Metadata ?? {})).not.toContain('AwsSolutions-EC23');
  });

  test('a security group of the user\'s gets no acknowledgement of ours, token peers or not', () => {
    const stack = testStack(concreteApp());
    const vpc = testVpc(stack);
    const securityGroup = new ec2.SecurityGroup(stack, 'Mine', { vpc, allowAllOutbound: false });
    new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, securityGroup, dataEndpointAddress: DATA_HOST });
    const mine = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(securityGroup.node.defaultChild as ec2.CfnSecurityGroup)];
    expect(JSON.stringify(mine.Metadata ?? {})).not.toContain('AwsSolutions-EC23');
  });
});
