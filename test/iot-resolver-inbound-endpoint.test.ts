import { CfnOutput, Lazy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { concreteApp, createCall, envAgnosticStack, formatNagFindings, nagFindings, templateOf, testStack, testVpc, thrown } from './fixtures';
import {
  DnsForwarderSyntax, IotResolverInboundEndpoint, IotResolverInboundEndpointProps, IotVpcEndpointAwsService, PrivateIotDataEndpoint,
} from '../src';
import { LOOKUP_RESOURCE_TYPE } from '../src/private/lookups';

const DATA_HOST = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
const CREDENTIALS_HOST = 'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com';
const ON_PREMISES = '192.168.0.0/16';

function setup(props: Partial<IotResolverInboundEndpointProps> = {}, stack: Stack = testStack()) {
  const vpc = testVpc(stack);
  const resolver = new IotResolverInboundEndpoint(stack, 'Resolver', { vpc, allowedCidrs: [ON_PREMISES], ...props });
  return { stack, vpc, resolver };
}

describe('IotResolverInboundEndpoint defaults', () => {
  const { stack, vpc, resolver } = setup();
  const template = templateOf(stack);

  test('an INBOUND endpoint with one address per availability zone, in the isolated subnets, with its own security group', () => {
    template.resourceCountIs('AWS::Route53Resolver::ResolverEndpoint', 1);
    template.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', {
      Direction: 'INBOUND',
      SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ResolverSecurityGroup'), 'GroupId'] }],
      IpAddresses: vpc.isolatedSubnets.map((s) => ({ SubnetId: stack.resolve(s.subnetId) })),
    });
    expect(resolver.subnets).toHaveLength(3);
    expect(new Set(resolver.subnets.map((s) => s.availabilityZone)).size).toBe(3);
    expect(stack.resolve(resolver.resolverEndpointId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Resolver/), 'ResolverEndpointId'] });
  });

  test('the security group admits DNS over UDP and TCP from the allowed CIDRs, and sends nothing', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [
        { CidrIp: ON_PREMISES, IpProtocol: 'udp', FromPort: 53, ToPort: 53, Description: 'DNS' },
        { CidrIp: ON_PREMISES, IpProtocol: 'tcp', FromPort: 53, ToPort: 53, Description: 'DNS over TCP' },
      ],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
    expect(resolver.connections.securityGroups).toEqual([resolver.securityGroup]);
  });

  test('the addresses are looked up at deployment: ListResolverEndpointIpAddresses, one output path per subnet, scoped to the endpoint', () => {
    const lookups = template.findResources(LOOKUP_RESOURCE_TYPE);
    expect(Object.keys(lookups)).toHaveLength(1);
    const call = createCall(Object.values(lookups)[0]);
    expect(call).toMatchObject({ service: 'Route53Resolver', action: 'listResolverEndpointIpAddresses', outputPaths: ['IpAddresses.0.Ip', 'IpAddresses.1.Ip', 'IpAddresses.2.Ip'] });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'route53resolver:ListResolverEndpointIpAddresses', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Resolver'), 'Arn'] } }] },
    });
    expect(resolver.ipAddresses).toHaveLength(3);
    expect(resolver.ipAddresses.map((ip) => stack.resolve(ip)['Fn::GetAtt'][1])).toEqual(['IpAddresses.0.Ip', 'IpAddresses.1.Ip', 'IpAddresses.2.Ip']);
  });

  test('no domain forwarded yet: the output says so, and the forwarder configuration is empty', () => {
    expect(resolver.forwardedDomains).toEqual([]);
    expect(resolver.forwarderConfiguration(DnsForwarderSyntax.BIND)).toBe('');
    const output = Object.values(template.findOutputs('*')).find((o) => JSON.stringify(o).includes('no domain names forwarded yet'));
    expect(output).toBeDefined();
  });

  test('cdk-nag (AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1): no unacknowledged finding on the endpoint and its lookup', () => {
    expect(formatNagFindings(nagFindings(stack)).filter((f) => !/\/Vpc\//.test(f))).toEqual([]);
  });
});

describe('forwarded names', () => {
  test('forwardIotEndpoint adds the data and credentials hosts and the greengrass name; forwardAwsService names the service hosts', () => {
    const { stack, vpc, resolver } = setup();
    const endpoint = new PrivateIotDataEndpoint(stack, 'Iot', {
      vpc,
      dataEndpointAddress: DATA_HOST,
      credentialsEndpointAddress: CREDENTIALS_HOST,
      services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }, { service: IotVpcEndpointAwsService.GREENGRASS }],
    });
    resolver.forwardIotEndpoint(endpoint);
    ['s3', 'logs', 'ecr.api', 'ecr.dkr', 'secretsmanager', 'sts', 'greengrass'].forEach((s) => resolver.forwardAwsService(s));
    expect(resolver.forwardedDomains).toEqual([
      DATA_HOST, CREDENTIALS_HOST, 'greengrass.eu-west-1.amazonaws.com', 's3.eu-west-1.amazonaws.com', 'logs.eu-west-1.amazonaws.com',
      'api.ecr.eu-west-1.amazonaws.com', 'dkr.ecr.eu-west-1.amazonaws.com', 'secretsmanager.eu-west-1.amazonaws.com', 'sts.eu-west-1.amazonaws.com',
    ]);
  });

  test('an endpoint without credentials or greengrass endpoints adds only the data host', () => {
    const { stack, vpc, resolver } = setup();
    resolver.forwardIotEndpoint(new PrivateIotDataEndpoint(stack, 'Iot', { vpc, dataEndpointAddress: DATA_HOST }));
    expect(resolver.forwardedDomains).toEqual([DATA_HOST]);
  });

  test('names are kept once, lower case, without the trailing dot', () => {
    const { resolver } = setup({ forwardedDomains: [DATA_HOST.toUpperCase() + '.'] });
    resolver.forwardDomain(DATA_HOST);
    expect(resolver.forwardedDomains).toEqual([DATA_HOST]);
  });

  test('China regions: amazonaws.com.cn; env-agnostic stacks: the partition decides at deployment', () => {
    const china = setup({}, testStack(concreteApp({ region: 'cn-north-1' }), 'China', { env: { region: 'cn-north-1' } })).resolver;
    china.forwardAwsService('s3');
    expect(china.forwardedDomains).toEqual(['s3.cn-north-1.amazonaws.com.cn']);
    const agnostic = envAgnosticStack();
    const vpc = new ec2.Vpc(agnostic, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const resolver = new IotResolverInboundEndpoint(agnostic, 'Resolver', { vpc, allowedCidrs: [ON_PREMISES] });
    resolver.forwardAwsService('s3');
    expect(JSON.stringify(agnostic.resolve(resolver.forwardedDomains[0]))).toMatch(/AWS::Region.*Fn::If.*amazonaws\.com\.cn.*amazonaws\.com/);
  });

  test('names added after construction appear in the ResolverForwarders output, with the addresses', () => {
    const { stack, resolver } = setup({ ipAddresses: ['10.0.0.10', '10.0.1.10', '10.0.2.10'] });
    resolver.forwardDomain(DATA_HOST);
    resolver.forwardAwsService('s3');
    const template = templateOf(stack);
    const outputs = template.findOutputs('ResolverForwarders');
    expect(Object.values(outputs).map((o) => o.Value)).toEqual([`${DATA_HOST} s3.eu-west-1.amazonaws.com -> 10.0.0.10 10.0.1.10 10.0.2.10`]);
  });
});

describe('forwarderConfiguration', () => {
  const { resolver } = setup({ ipAddresses: ['10.0.0.10', '10.0.1.10', '10.0.2.10'], forwardedDomains: [DATA_HOST, 's3.eu-west-1.amazonaws.com'] });

  test('BIND: one forward zone per name, every address', () => {
    expect(resolver.forwarderConfiguration(DnsForwarderSyntax.BIND)).toBe([
      `zone "${DATA_HOST}" { type forward; forward only; forwarders { 10.0.0.10; 10.0.1.10; 10.0.2.10; }; };`,
      'zone "s3.eu-west-1.amazonaws.com" { type forward; forward only; forwarders { 10.0.0.10; 10.0.1.10; 10.0.2.10; }; };',
    ].join('\n'));
  });

  test('Unbound: one forward-zone block per name', () => {
    expect(resolver.forwarderConfiguration(DnsForwarderSyntax.UNBOUND)).toBe([
      'forward-zone:', `  name: "${DATA_HOST}"`, '  forward-addr: 10.0.0.10', '  forward-addr: 10.0.1.10', '  forward-addr: 10.0.2.10',
      'forward-zone:', '  name: "s3.eu-west-1.amazonaws.com"', '  forward-addr: 10.0.0.10', '  forward-addr: 10.0.1.10', '  forward-addr: 10.0.2.10',
    ].join('\n'));
  });

  test('Windows Server DNS: one conditional forwarder zone per name', () => {
    expect(resolver.forwarderConfiguration(DnsForwarderSyntax.WINDOWS)).toBe([
      `Add-DnsServerConditionalForwarderZone -Name "${DATA_HOST}" -MasterServers 10.0.0.10,10.0.1.10,10.0.2.10`,
      'Add-DnsServerConditionalForwarderZone -Name "s3.eu-west-1.amazonaws.com" -MasterServers 10.0.0.10,10.0.1.10,10.0.2.10',
    ].join('\n'));
  });

  test('looked-up addresses: a CloudFormation join of the lookup outputs (for a CfnOutput)', () => {
    const { stack, resolver: looked } = setup({ forwardedDomains: [DATA_HOST] });
    new CfnOutput(stack, 'Bind', { value: looked.forwarderConfiguration(DnsForwarderSyntax.BIND) });
    const value = JSON.stringify(templateOf(stack).findOutputs('Bind'));
    expect(value).toContain(`zone \\"${DATA_HOST}\\" { type forward; forward only; forwarders { `);
    expect(value.match(/IpAddresses\.\d\.Ip/g)).toEqual(['IpAddresses.0.Ip', 'IpAddresses.1.Ip', 'IpAddresses.2.Ip']);
  });
});

describe('fixed addresses and subnets', () => {
  test('fixed addresses go to their subnets in order, and no lookup is made', () => {
    const { stack, vpc, resolver } = setup({ ipAddresses: ['10.0.0.10', '10.0.1.10', '10.0.2.10'] });
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', {
      IpAddresses: vpc.isolatedSubnets.map((s, i) => ({ SubnetId: stack.resolve(s.subnetId), Ip: `10.0.${i}.10` })),
    });
    template.resourceCountIs(LOOKUP_RESOURCE_TYPE, 0);
    expect(resolver.ipAddresses).toEqual(['10.0.0.10', '10.0.1.10', '10.0.2.10']);
  });

  test('two subnets in two zones are enough; a given security group is used and gets the DNS rules', () => {
    const stack = testStack();
    const vpc = testVpc(stack, 'Vpc', { maxAzs: 2 });
    const securityGroup = new ec2.SecurityGroup(stack, 'Mine', { vpc, allowAllOutbound: false });
    const resolver = new IotResolverInboundEndpoint(stack, 'Resolver', { vpc, allowedCidrs: [ON_PREMISES, '10.50.0.0/16'], securityGroup });
    expect(resolver.subnets).toHaveLength(2);
    expect(resolver.securityGroup).toBe(securityGroup);
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([{ CidrIp: '10.50.0.0/16', IpProtocol: 'tcp', FromPort: 53, ToPort: 53, Description: 'DNS over TCP' }]),
    });
  });

  test('a name for the endpoint', () => {
    const { stack } = setup({ endpointName: 'on-premises-dns' });
    templateOf(stack).hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', { Name: 'on-premises-dns' });
  });

  test('tokens pass unchecked', () => {
    const token = Lazy.string({ produce: () => '10.0.0.10' });
    const { resolver } = setup({ allowedCidrs: [Lazy.string({ produce: () => ON_PREMISES })], ipAddresses: [token, '10.0.1.10', '10.0.2.10'] });
    expect(resolver.ipAddresses[0]).toBe(token);
  });
});

describe('invalid input: the error names the prop, the value and the fix, and nothing is added', () => {
  const at = "CdkPrivateIotError: IotResolverInboundEndpoint 'TestStack/Resolver': ";
  test.each<[string, (vpc: ec2.Vpc, stack: Stack) => Partial<IotResolverInboundEndpointProps>, string]>([
    ['no allowed CIDRs', () => ({ allowedCidrs: [] }), 'allowedCidrs is empty, so no DNS server could query the endpoint; list the CIDRs'],
    ['a CIDR that is not one', () => ({ allowedCidrs: ['10.0.0.0/8', '192.168.0.0/33'] }), "allowedCidrs contains '192.168.0.0/33', which is not an IPv4 CIDR block"],
    ['one subnet', (vpc) => ({ subnets: { subnets: [vpc.isolatedSubnets[0]] } }), 'subnets selects 1 subnet, but a Resolver endpoint needs two addresses (one per subnet); select subnets in two or more'],
    ['seven subnets', (_vpc, stack) => {
      const many = Array.from({ length: 7 }, (_, i) => ec2.Subnet.fromSubnetAttributes(stack, `S${i}`, { subnetId: `subnet-0${i}`, availabilityZone: `eu-west-1${'abc'[i % 3]}` }));
      return { subnets: { subnets: many } };
    }, 'subnets selects 7 subnets, more than the 6 addresses a Resolver endpoint takes (Route 53 Resolver quota); select at most 6'],
    ['two subnets of one zone', (_vpc, stack) => ({
      subnets: { subnets: ['a', 'b'].map((x) => ec2.Subnet.fromSubnetAttributes(stack, `S${x}`, { subnetId: `subnet-${x}`, availabilityZone: 'eu-west-1a' })) },
    }), 'subnets are all in eu-west-1a, so DNS from on-premises stops when that zone does'],
    ['fewer addresses than subnets', () => ({ ipAddresses: ['10.0.0.10', '10.0.1.10'] }), 'ipAddresses has 2 addresses for 3 subnets; give one address per subnet'],
    ['an address that is not one', () => ({ ipAddresses: ['10.0.0.300', '10.0.1.10', '10.0.2.10'] }), "ipAddresses contains '10.0.0.300', which is not an IPv4 address"],
    ['an address outside its subnet', () => ({ ipAddresses: ['10.0.1.10', '10.0.0.10', '10.0.2.10'] }), 'ipAddresses 10.0.1.10 lies outside subnet TestStack/Vpc/IsolatedSubnet1 (10.0.0.0/24)'],
    ['an address twice', (_vpc, stack) => ({
      subnets: { subnets: ['a', 'b'].map((x) => ec2.Subnet.fromSubnetAttributes(stack, `S${x}`, { subnetId: `subnet-${x}`, availabilityZone: `eu-west-1${x}`, ipv4CidrBlock: '10.9.0.0/16' })) },
      ipAddresses: ['10.9.0.10', '10.9.0.10'],
    }), 'ipAddresses lists an address twice (10.9.0.10, 10.9.0.10); give each subnet its own address'],
    ['a forwarded domain that is not a name', () => ({ forwardedDomains: ['not a name'] }), "forwardedDomains 'not a name' is not a domain name"],
  ])('%s', (_name, props, message) => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const before = stack.node.findAll().length;
    const error = thrown(() => new IotResolverInboundEndpoint(stack, 'Resolver', { vpc, allowedCidrs: [ON_PREMISES], ...props(vpc, stack) }));
    expect(error.message.startsWith(at)).toBe(true);
    expect(error.message).toContain(message);
    // only the construct itself (and subnets imported by the case) was added: no security group, no endpoint
    expect(stack.node.findAll().filter((c) => c.node.path.startsWith('TestStack/Resolver/'))).toEqual([]);
    expect(stack.node.findAll().length - before).toBeLessThanOrEqual(8);
  });

  test('forwardAwsService with something that is not a service name', () => {
    const { resolver } = setup();
    expect(() => resolver.forwardAwsService('s3.eu-west-1.amazonaws.com')).toThrow(
      /^CdkPrivateIotError: IotResolverInboundEndpoint 'TestStack\/Resolver': service 's3\.eu-west-1\.amazonaws\.com' is not an AWS service endpoint name; use the short name/);
  });
});
