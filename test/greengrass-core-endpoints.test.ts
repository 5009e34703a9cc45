import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { concreteApp, envAgnosticStack, formatNagFindings, nagFindings, templateOf, testStack, testVpc, thrown } from './fixtures';
import { GreengrassCoreEndpoints, GreengrassCoreEndpointsProps, GreengrassCoreFeature } from '../src/greengrass';
import { IotResolverInboundEndpoint } from '../src/resolver';

const ON_PREMISES = '192.168.0.0/16';

function setup(props: Partial<GreengrassCoreEndpointsProps> = {}, stack: Stack = testStack()) {
  const vpc = testVpc(stack);
  const endpoints = new GreengrassCoreEndpoints(stack, 'Greengrass', { vpc, ...props });
  return { stack, vpc, endpoints, template: templateOf(stack) };
}

/** The service names of the interface endpoints in a template, sorted. */
function interfaceServices(template: Template): string[] {
  return Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))
    .map((r) => JSON.stringify(r.Properties.ServiceName)).sort();
}

describe('GreengrassCoreEndpoints defaults', () => {
  const { stack, endpoints, template } = setup();

  test('greengrass and S3 interface endpoints plus an S3 gateway endpoint; private DNS on, S3 only for inbound Resolver endpoints', () => {
    expect(interfaceServices(template)).toEqual(['"com.amazonaws.eu-west-1.greengrass"', '"com.amazonaws.eu-west-1.s3"']);
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.eu-west-1.s3',
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      DnsOptions: { PrivateDnsOnlyForInboundResolverEndpoint: 'OnlyInboundResolver' },
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.greengrass', PrivateDnsEnabled: true });
    expect(endpoints.features).toEqual([GreengrassCoreFeature.S3_ARTIFACTS]);
    expect(endpoints.serviceEndpoints).toEqual([]);
  });

  test('the S3 interface endpoint is created after the gateway endpoint', () => {
    const [s3] = Object.entries(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: 'com.amazonaws.eu-west-1.s3', VpcEndpointType: 'Interface' } }));
    const [gateway] = Object.keys(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }));
    expect(s3[1].DependsOn).toContain(gateway);
  });

  test('one security group: HTTPS from the VPC CIDR only, no outbound rule', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] }, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'Greengrass core devices' }],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
    expect(endpoints.connections.securityGroups).toEqual([endpoints.securityGroup]);
  });

  test('the greengrass endpoint policy admits principals of this account only', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.eu-west-1.greengrass',
      PolicyDocument: { Statement: [{ Action: 'greengrass:*', Effect: 'Allow', Principal: { AWS: '*' }, Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' } } }] },
    });
  });

  test('on-premises DNS forwards the greengrass and s3 names', () => {
    expect(endpoints.onPremisesDomains).toEqual(['greengrass.eu-west-1.amazonaws.com', 's3.eu-west-1.amazonaws.com']);
    expect(endpoints.summary()).toBe([
      'Greengrass core endpoints (S3_ARTIFACTS):',
      '  interface endpoints: greengrass, s3; S3 gateway endpoint for cores in the VPC',
      '  on-premises DNS forwards: greengrass.eu-west-1.amazonaws.com, s3.eu-west-1.amazonaws.com',
    ].join('\n'));
  });

  test('cdk-nag (AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1): no unacknowledged finding on the endpoints', () => {
    expect(formatNagFindings(nagFindings(stack)).filter((f) => f.includes('/Greengrass/'))).toEqual([]);
  });
});

describe('features', () => {
  test('every feature: logs, ecr.api, ecr.dkr, secretsmanager and sts endpoints, in that order, and their names', () => {
    const { endpoints, template } = setup({ features: Object.values(GreengrassCoreFeature).reverse() });
    expect(endpoints.features).toEqual(Object.values(GreengrassCoreFeature));
    expect(interfaceServices(template)).toEqual(['greengrass', 'logs', 'ecr.api', 'ecr.dkr', 'secretsmanager', 'sts', 's3']
      .map((s) => `"com.amazonaws.eu-west-1.${s}"`).sort());
    expect(endpoints.serviceEndpoints.map((e) => e.node.id)).toEqual(['Logs', 'EcrApi', 'EcrDocker', 'SecretsManager', 'Sts']);
    expect(endpoints.onPremisesDomains).toEqual(['greengrass', 's3', 'logs', 'api.ecr', 'dkr.ecr', 'secretsmanager', 'sts'].map((h) => `${h}.eu-west-1.amazonaws.com`));
  });

  test('without S3: no S3 endpoint of either kind', () => {
    const { endpoints, template } = setup({ features: [GreengrassCoreFeature.CLOUDWATCH_LOGS] });
    expect(endpoints.s3Endpoint).toBeUndefined();
    expect(endpoints.s3GatewayEndpoint).toBeUndefined();
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 0);
    expect(interfaceServices(template)).toEqual(['"com.amazonaws.eu-west-1.greengrass"', '"com.amazonaws.eu-west-1.logs"']);
  });

  test('an existing gateway endpoint: no new one, the interface endpoint still answers only inbound Resolver queries', () => {
    const { template } = setup({ s3GatewayEndpoint: false, vpcHasS3GatewayEndpoint: true });
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 0);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.s3', DnsOptions: { PrivateDnsOnlyForInboundResolverEndpoint: 'OnlyInboundResolver' } });
  });

  test('no gateway endpoint at all: the interface endpoint answers every resolver', () => {
    const { template } = setup({ s3GatewayEndpoint: false });
    const [s3] = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: 'com.amazonaws.eu-west-1.s3' } }));
    expect(s3.Properties.DnsOptions).toBeUndefined();
    expect(s3.Properties.PrivateDnsEnabled).toBe(true);
  });

  test('cores in the VPC only: the gateway endpoint may serve S3 alone', () => {
    const { endpoints } = setup({ onPremisesCores: false, s3InterfaceEndpoint: false });
    expect(endpoints.s3Endpoint).toBeUndefined();
    expect(endpoints.s3GatewayEndpoint).toBeDefined();
    expect(endpoints.onPremisesDomains).toEqual(['greengrass.eu-west-1.amazonaws.com']);
  });

  test('no greengrass endpoint when a PrivateIotDataEndpoint has it', () => {
    const { endpoints, template } = setup({ greengrassEndpoint: false });
    expect(endpoints.greengrassEndpoint).toBeUndefined();
    expect(interfaceServices(template)).toEqual(['"com.amazonaws.eu-west-1.s3"']);
  });

  test('given peers and a given security group', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const securityGroup = new ec2.SecurityGroup(stack, 'Mine', { vpc, allowAllOutbound: false });
    const endpoints = new GreengrassCoreEndpoints(stack, 'Greengrass', { vpc, securityGroup, peers: [ec2.Peer.ipv4(ON_PREMISES)] });
    expect(endpoints.securityGroup).toBe(securityGroup);
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ CidrIp: ON_PREMISES, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: `Greengrass core devices in ${ON_PREMISES}` }],
    });
  });

  test('zones that do not offer a service are left out (concrete env: looked up)', () => {
    const app = concreteApp({ serviceZoneSuffixes: { greengrass: ['a', 'c'], s3: ['a', 'b', 'c'] } });
    const { template } = setup({}, testStack(app));
    const [greengrass] = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: 'com.amazonaws.eu-west-1.greengrass' } }));
    expect(greengrass.Properties.SubnetIds).toHaveLength(2);
    const [s3] = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: 'com.amazonaws.eu-west-1.s3', VpcEndpointType: 'Interface' } }));
    expect(s3.Properties.SubnetIds).toHaveLength(3);
  });

  test('env-agnostic stacks and China: names follow the partition', () => {
    const agnostic = envAgnosticStack();
    const vpc = new ec2.Vpc(agnostic, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const endpoints = new GreengrassCoreEndpoints(agnostic, 'Greengrass', { vpc });
    expect(JSON.stringify(agnostic.resolve(endpoints.onPremisesDomains[0]))).toMatch(/greengrass\..*AWS::Region.*amazonaws\.com\.cn/);
    const china = setup({}, testStack(concreteApp({ region: 'cn-north-1' }), 'China', { env: { region: 'cn-north-1' } })).endpoints;
    expect(china.onPremisesDomains).toEqual(['greengrass.cn-north-1.amazonaws.com.cn', 's3.cn-north-1.amazonaws.com.cn']);
  });

  test('forwardTo adds the names to a Resolver inbound endpoint', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const resolver = new IotResolverInboundEndpoint(stack, 'Resolver', { vpc, allowedCidrs: [ON_PREMISES] });
    new GreengrassCoreEndpoints(stack, 'Greengrass', { vpc, features: [GreengrassCoreFeature.S3_ARTIFACTS, GreengrassCoreFeature.STS] }).forwardTo(resolver);
    expect(resolver.forwardedDomains).toEqual(['greengrass', 's3', 'sts'].map((h) => `${h}.eu-west-1.amazonaws.com`));
  });
});

describe('invalid input: the error names the prop and the fix, and nothing is added', () => {
  test.each<[string, Partial<GreengrassCoreEndpointsProps>, string]>([
    ['ECR without S3', { features: [GreengrassCoreFeature.ECR_IMAGES] }, 'features includes ECR_IMAGES but not S3_ARTIFACTS, and Amazon ECR serves image layers from Amazon S3; add'],
    ['on-premises cores without the S3 interface endpoint', { s3InterfaceEndpoint: false }, 's3InterfaceEndpoint is false while onPremisesCores is true, but on-premises cores cannot reach an S3 gateway endpoint'],
    ['no S3 endpoint at all', { s3InterfaceEndpoint: false, s3GatewayEndpoint: false, onPremisesCores: false }, 's3InterfaceEndpoint is false and so is s3GatewayEndpoint, so nothing would serve S3'],
    ['a second gateway endpoint', { vpcHasS3GatewayEndpoint: true }, 's3GatewayEndpoint is true while vpcHasS3GatewayEndpoint says the VPC has one already'],
    ['no peers', { peers: [] }, 'peers is empty, so no core device could reach the endpoints'],
  ])('%s', (_name, props, message) => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const error = thrown(() => new GreengrassCoreEndpoints(stack, 'Greengrass', { vpc, ...props }));
    expect(error.message).toMatch(/^CdkPrivateIotError: GreengrassCoreEndpoints 'TestStack\/Greengrass': /);
    expect(error.message).toContain(message);
    expect(stack.node.findAll().filter((c) => c.node.path.startsWith('TestStack/Greengrass/'))).toEqual([]);
  });
});
