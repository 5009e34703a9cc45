import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  concreteApp, createCall, formatNagFindings, lambdaCount, nagFindings, resourcesOfType, templateOf, testStack, testVpc, TestVpcProps,
} from './fixtures';
import {
  PrivateIotDataEndpoint, PrivateIotDataEndpointProps, StaticIpIotFrontDoor, StaticIpIotFrontDoorProps,
} from '../src';
import { LOOKUP_RESOURCE_TYPE } from '../src/private/lookups';

/** Route 53 hosted zone id of every Global Accelerator alias target. */
const GLOBAL_ACCELERATOR_ZONE_ID = 'Z2BJ6XQ5FK7U4H';
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const CERT_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/12345678-1234-1234-1234-123456789012';
const VALIDATION_CERT_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/87654321-4321-4321-4321-210987654321';
const ALLOC_A = 'eipalloc-0123456789abcdef0';
const ALLOC_C = 'eipalloc-0fedcba9876543210';
/** Three zones with iot.data everywhere (the default fixture offers it in 1a and 1c only). */
const THREE_ZONES = { serviceZoneSuffixes: { 'iot.data': ['a', 'b', 'c'] } };

/** Public subnets for the load balancer, isolated ones for the endpoints, in 1a, 1b and 1c. */
const PUBLIC_AND_ISOLATED: TestVpcProps = {
  subnetConfiguration: [
    { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
    { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
  ],
};

type Resources = Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string; DependsOn?: string[] }>;

interface Ctx {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly endpoint: PrivateIotDataEndpoint;
}

interface SetupOptions {
  readonly app?: App;
  readonly vpcProps?: TestVpcProps;
  readonly endpointProps?: Partial<PrivateIotDataEndpointProps>;
}

/** A concrete-env stack, a 3-AZ VPC (public + isolated) and an iot.data endpoint in its isolated subnets (1a and 1c by default). */
function setup(options: SetupOptions = {}): Ctx {
  const stack = testStack(options.app ?? concreteApp());
  const vpc = testVpc(stack, 'Vpc', options.vpcProps ?? PUBLIC_AND_ISOLATED);
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, ...options.endpointProps });
  return { stack, vpc, endpoint };
}

function frontDoor(ctx: Pick<Ctx, 'stack' | 'endpoint'>, props: Partial<StaticIpIotFrontDoorProps> = {}, id = 'FrontDoor'): StaticIpIotFrontDoor {
  return new StaticIpIotFrontDoor(ctx.stack, id, { endpoint: ctx.endpoint, ...props });
}

function zone(stack: Stack, zoneName = 'example.com'): route53.IHostedZone {
  return route53.PublicHostedZone.fromHostedZoneAttributes(stack, `Zone-${zoneName}`, { hostedZoneId: ZONE_ID, zoneName });
}

function resources(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

function only(template: Template, type: string): [string, any] {
  const found = Object.entries(resources(template, type));
  expect(found).toHaveLength(1);
  return found[0];
}

function loadBalancer(template: Template): any {
  return only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[1];
}

function attributes(list: Array<{ Key: string; Value: string }> | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((a) => [a.Key, a.Value]));
}

function refs(stack: Stack, subnets: ec2.ISubnet[]): unknown[] {
  return subnets.map((s) => stack.resolve(s.subnetId));
}

/** The public subnets in the zones of the endpoint, in VPC order. */
function publicSubnetsInEndpointZones(ctx: Ctx): ec2.ISubnet[] {
  return ctx.vpc.publicSubnets.filter((s) => ctx.endpoint.availabilityZones.includes(s.availabilityZone));
}

/** The value of the output whose logical id starts with `prefix`. */
function output(template: Template, prefix: string): any {
  const found = Object.entries(template.findOutputs('*')).filter(([id]) => id.startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0][1].Value;
}

function outputIds(template: Template): string[] {
  return Object.keys(template.findOutputs('*'));
}

/** Logical id of the resource of `type` whose `Port` property is `port`. */
function byPort(template: Template, type: string, port: number): string[] {
  return Object.entries(resources(template, type)).filter(([, r]) => r.Properties.Port === port).map(([id]) => id);
}


/** A host address inside an IPv4 CIDR (`10.0.3.0/24`, 10 -> `10.0.3.10`). */
function hostIn(cidr: string, host: number): string {
  const octets = cidr.split('/')[0].split('.').map(Number);
  octets[3] += host;
  return octets.join('.');
}

/** Every SecurityGroupIngress / SecurityGroupEgress rule of a template, inline or standalone. */
function allRules(template: Template): any[] {
  return [
    ...Object.values(resources(template, 'AWS::EC2::SecurityGroup')).flatMap((r) => [
      ...(r.Properties.SecurityGroupIngress ?? []), ...(r.Properties.SecurityGroupEgress ?? []),
    ]),
    ...Object.values(resources(template, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties),
    ...Object.values(resources(template, 'AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties),
  ];
}

function ports(rules: any[]): number[] {
  return rules.map((r) => {
    expect(r.IpProtocol).toBe('tcp');
    expect(r.ToPort).toBe(r.FromPort);
    return r.FromPort as number;
  }).sort((a, b) => a - b);
}

describe('defaults (internet-facing)', () => {
  test('internet-facing NLB with one subnet mapping per public subnet in the endpoint zones, each with its own new Elastic IP', () => {
    const ctx = setup();
    const fd = frontDoor(ctx);
    const template = templateOf(ctx.stack);
    const { stack } = ctx;

    expect(ctx.endpoint.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1c']);
    const expectedSubnets = publicSubnetsInEndpointZones(ctx);
    expect(expectedSubnets.map((s) => s.availabilityZone)).toEqual(['eu-west-1a', 'eu-west-1c']);

    const lb = loadBalancer(template);
    expect(lb.Properties.Type).toBe('network');
    expect(lb.Properties.Scheme).toBe('internet-facing');
    expect(lb.Properties.Subnets).toBeUndefined();
    const mappings = lb.Properties.SubnetMappings as any[];
    expect(mappings.map((m) => m.SubnetId)).toEqual(refs(stack, expectedSubnets));

    const eips = resources(template, 'AWS::EC2::EIP');
    expect(Object.keys(eips)).toHaveLength(2);
    for (const eip of Object.values(eips)) {
      expect(eip.Properties.Domain).toBe('vpc');
      expect(eip.DeletionPolicy).toBe('Retain');
      expect(eip.UpdateReplacePolicy).toBe('Retain');
    }
    // each mapping has a distinct Elastic IP of this template
    expect(mappings.map((m) => m.AllocationId)).toEqual(Object.keys(eips).map((id) => ({ 'Fn::GetAtt': [id, 'AllocationId'] })));
    expect(mappings.every((m) => m.PrivateIPv4Address === undefined)).toBe(true);

    expect(fd.elasticIps).toHaveLength(2);
    expect(stack.resolve(fd.elasticIpAllocationIds)).toEqual(mappings.map((m) => m.AllocationId));
    expect(stack.resolve(fd.staticIpAddresses)).toEqual(Object.keys(eips).map((id) => ({ 'Fn::GetAtt': [id, 'PublicIp'] })));
    expect(fd.ports).toEqual([443, 8443, 8883]);
    expect(fd.accelerator).toBeUndefined();
    expect(fd.customDomain).toBeUndefined();
    expect(fd.domainRecord).toBeUndefined();
  });

  test('deletion protection and cross-zone load balancing are on', () => {
    const ctx = setup();
    frontDoor(ctx);
    const attrs = attributes(loadBalancer(templateOf(ctx.stack)).Properties.LoadBalancerAttributes);
    expect(attrs['deletion_protection.enabled']).toBe('true');
    expect(attrs['load_balancing.cross_zone.enabled']).toBe('true');
  });

  test('TCP listeners on 443, 8443 and 8883 with a 350 s idle timeout, each forwarding to the target group of its port', () => {
    const ctx = setup();
    frontDoor(ctx);
    const template = templateOf(ctx.stack);
    const [lbId] = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const listeners = Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::Listener'));
    expect(listeners.map((l) => l.Properties.Port).sort()).toEqual([443, 8443, 8883]);
    const groups = resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    for (const listener of listeners) {
      const p = listener.Properties;
      expect(p.Protocol).toBe('TCP');
      expect(p.Certificates).toBeUndefined();
      expect(p.LoadBalancerArn).toEqual({ Ref: lbId });
      expect(attributes(p.ListenerAttributes)['tcp.idle_timeout.seconds']).toBe('350');
      expect(p.DefaultActions).toHaveLength(1);
      expect(p.DefaultActions[0].Type).toBe('forward');
      const groupId = p.DefaultActions[0].TargetGroupArn.Ref;
      expect(groups[groupId].Properties.Port).toBe(p.Port);
    }
  });

  test('target groups: TCP, IP targets on every endpoint interface, TCP health check, client IP not preserved', () => {
    const ctx = setup();
    frontDoor(ctx);
    const template = templateOf(ctx.stack);
    const [lookupId] = only(template, LOOKUP_RESOURCE_TYPE);
    const groups = Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups.map((g) => g.Properties.Port).sort()).toEqual([443, 8443, 8883]);
    for (const group of groups) {
      const p = group.Properties;
      expect(p.Protocol).toBe('TCP');
      expect(p.TargetType).toBe('ip');
      expect(p.HealthCheckProtocol).toBe('TCP');
      expect(p.HealthCheckPath).toBeUndefined();
      expect(p.VpcId).toEqual(ctx.stack.resolve(ctx.vpc.vpcId));
      expect(attributes(p.TargetGroupAttributes)['preserve_client_ip.enabled']).toBe('false');
      expect(attributes(p.TargetGroupAttributes)['stickiness.enabled']).toBeUndefined();
      expect(p.Targets).toEqual([0, 1].map((i) => ({ Id: { 'Fn::GetAtt': [lookupId, `NetworkInterfaces.${i}.PrivateIpAddress`] }, Port: p.Port })));
    }
  });

  test('no physical names: no Name on the load balancer, no Name/TargetGroupName on target groups', () => {
    const ctx = setup();
    frontDoor(ctx, { customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack) } });
    const template = templateOf(ctx.stack);
    expect(loadBalancer(template).Properties.Name).toBeUndefined();
    for (const group of Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup'))) {
      expect(group.Properties.Name).toBeUndefined();
      expect(group.Properties.TargetGroupName).toBeUndefined();
    }
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"(TargetGroupName|DomainConfigurationName|LoadBalancerName)"/);
  });

  test('front door security group: 0.0.0.0/0 on exactly the three ports, with the frontDoorOpenToInternet warning', () => {
    const ctx = setup();
    const fd = frontDoor(ctx);
    const template = templateOf(ctx.stack);
    const sgId = ctx.stack.getLogicalId(fd.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
    const group = resources(template, 'AWS::EC2::SecurityGroup')[sgId];
    const ingress = group.Properties.SecurityGroupIngress as any[];
    expect(ports(ingress)).toEqual([443, 8443, 8883]);
    expect(ingress.every((r) => r.CidrIp === '0.0.0.0/0')).toBe(true);
    expect(loadBalancer(template).Properties.SecurityGroups).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
    Annotations.fromStack(ctx.stack).hasWarning('/TestStack/FrontDoor', Match.stringLikeRegexp('cdk-private-iot:frontDoorOpenToInternet'));
  });

  test('endpoint security group admits the front door group on exactly the listener ports; the front door group egresses only there', () => {
    const ctx = setup();
    const fd = frontDoor(ctx);
    const template = templateOf(ctx.stack);
    const fdGroup = ctx.stack.resolve(fd.securityGroup.securityGroupId);
    const endpointGroup = ctx.stack.resolve(ctx.endpoint.securityGroup.securityGroupId);

    const fromFrontDoor = Object.values(resources(template, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties)
      .filter((p) => JSON.stringify(p.SourceSecurityGroupId) === JSON.stringify(fdGroup));
    expect(ports(fromFrontDoor)).toEqual([443, 8443, 8883]);
    expect(fromFrontDoor.every((p) => JSON.stringify(p.GroupId) === JSON.stringify(endpointGroup))).toBe(true);

    const egress = Object.values(resources(template, 'AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties)
      .filter((p) => JSON.stringify(p.GroupId) === JSON.stringify(fdGroup));
    expect(ports(egress)).toEqual([443, 8443, 8883]);
    expect(egress.every((p) => JSON.stringify(p.DestinationSecurityGroupId) === JSON.stringify(endpointGroup))).toBe(true);
    const inlineEgress = resources(template, 'AWS::EC2::SecurityGroup')[fdGroup['Fn::GetAtt'][0]].Properties.SecurityGroupEgress ?? [];
    expect(inlineEgress.filter((r: any) => r.CidrIp === '0.0.0.0/0')).toEqual([]);
  });

  test('outputs: StaticIpAddresses joins the Elastic IP addresses, ElasticIpAllocationIds their allocation ids', () => {
    const ctx = setup();
    const fd = frontDoor(ctx);
    const template = templateOf(ctx.stack);
    const eips = resourcesOfType(template, 'AWS::EC2::EIP');
    const publicIps = eips.map((id) => ({ 'Fn::GetAtt': [id, 'PublicIp'] }));
    expect(output(template, 'StaticIpAddresses')).toEqual({ 'Fn::Join': [',', publicIps] });
    expect(template.findOutputs('StaticIpAddresses').StaticIpAddresses.Description).toMatch(/Fixed addresses of the AWS IoT Core front door \(allow-list these\)/);
    expect(output(template, 'ElasticIpAllocationIds'))
      .toEqual({ 'Fn::Join': [',', eips.map((id) => ({ 'Fn::GetAtt': [id, 'AllocationId'] }))] });
    expect(outputIds(template).filter((id) => /^(AcceleratorDnsName|AcceleratorIpAddresses|LoadBalancerIpAddresses)/.test(id))).toEqual([]);
    expect(ctx.stack.resolve(fd.staticIpAddresses)).toEqual(publicIps);
    expect(ctx.stack.resolve(fd.loadBalancerIpAddresses)).toEqual(publicIps);
    expect(fd.acceleratorIpAddresses).toEqual([]);
  });

  test('whole template', () => {
    const ctx = setup();
    frontDoor(ctx, { clientPeers: [ec2.Peer.ipv4('203.0.113.0/24')], customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack) } });
    expect(templateOf(ctx.stack).toJSON()).toMatchSnapshot();
  });
});

describe('3 zones and 2 endpoints', () => {
  test('6 IP targets per target group, 3 Elastic IPs, 3 listeners, one Lambda function', () => {
    const ctx = setup({ app: concreteApp(THREE_ZONES), endpointProps: { expectedDevices: 200_000 } });
    frontDoor(ctx);
    const template = templateOf(ctx.stack);
    expect(ctx.endpoint.dataEndpoints).toHaveLength(2);
    expect(ctx.endpoint.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);

    const lookups = resourcesOfType(template, LOOKUP_RESOURCE_TYPE);
    expect(lookups).toHaveLength(2);
    const expectedTargets = lookups.flatMap((id) => [0, 1, 2].map((i) => ({ 'Fn::GetAtt': [id, `NetworkInterfaces.${i}.PrivateIpAddress`] })));
    const groups = Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      const targets = group.Properties.Targets as any[];
      expect(targets).toHaveLength(6);
      expect(targets.every((t) => t.Port === group.Properties.Port)).toBe(true);
      expect(targets.map((t) => t.Id)).toEqual(expect.arrayContaining(expectedTargets));
      expect(new Set(targets.map((t) => JSON.stringify(t.Id))).size).toBe(6);
    }
    template.resourceCountIs('AWS::EC2::EIP', 3);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 3);
    expect(loadBalancer(template).Properties.SubnetMappings).toHaveLength(3);
    expect(lambdaCount(template)).toBe(1);
  });
});

describe('options', () => {
  test('ports subset: listeners, target groups, client and endpoint rules only on those ports', () => {
    const ctx = setup();
    const fd = frontDoor(ctx, { ports: [8883, 443] });
    const template = templateOf(ctx.stack);
    expect(fd.ports).toEqual([443, 8883]);
    const listeners = Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::Listener'));
    expect(listeners.map((l) => l.Properties.Port).sort()).toEqual([443, 8883]);
    expect(Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup')).map((g) => g.Properties.Port).sort()).toEqual([443, 8883]);
    const fdGroup = ctx.stack.resolve(fd.securityGroup.securityGroupId);
    const sg = resources(template, 'AWS::EC2::SecurityGroup')[fdGroup['Fn::GetAtt'][0]];
    expect(ports(sg.Properties.SecurityGroupIngress)).toEqual([443, 8883]);
    const fromFrontDoor = Object.values(resources(template, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties)
      .filter((p) => JSON.stringify(p.SourceSecurityGroupId) === JSON.stringify(fdGroup));
    expect(ports(fromFrontDoor)).toEqual([443, 8883]);
  });

  test('clientPeers: only the named CIDRs on every port, no 0.0.0.0/0, no warning', () => {
    const ctx = setup();
    const fd = frontDoor(ctx, { clientPeers: [ec2.Peer.ipv4('203.0.113.0/24'), ec2.Peer.ipv4('198.51.100.0/24')] });
    const template = templateOf(ctx.stack);
    const sgId = ctx.stack.getLogicalId(fd.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
    const ingress = resources(template, 'AWS::EC2::SecurityGroup')[sgId].Properties.SecurityGroupIngress as any[];
    expect(ingress.map((r) => `${r.CidrIp}:${r.FromPort}`).sort()).toEqual([
      '198.51.100.0/24:443', '198.51.100.0/24:8443', '198.51.100.0/24:8883', '203.0.113.0/24:443', '203.0.113.0/24:8443', '203.0.113.0/24:8883',
    ]);
    expect(allRules(template).filter((r) => r.CidrIp === '0.0.0.0/0')).toEqual([]);
    Annotations.fromStack(ctx.stack).hasNoWarning('*', Match.stringLikeRegexp('frontDoorOpenToInternet'));
  });

  test('crossZoneEnabled: false turns cross-zone load balancing off', () => {
    const ctx = setup();
    frontDoor(ctx, { crossZoneEnabled: false });
    expect(attributes(loadBalancer(templateOf(ctx.stack)).Properties.LoadBalancerAttributes)['load_balancing.cross_zone.enabled']).toBe('false');
  });

  test('sourceIpStickiness: source_ip stickiness on every target group', () => {
    const ctx = setup();
    frontDoor(ctx, { sourceIpStickiness: true });
    const groups = Object.values(resources(templateOf(ctx.stack), 'AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      const attrs = attributes(group.Properties.TargetGroupAttributes);
      expect(attrs['stickiness.enabled']).toBe('true');
      expect(attrs['stickiness.type']).toBe('source_ip');
    }
  });

  test('idleTimeout: 600 s on every listener', () => {
    const ctx = setup();
    frontDoor(ctx, { idleTimeout: Duration.minutes(10) });
    const listeners = Object.values(resources(templateOf(ctx.stack), 'AWS::ElasticLoadBalancingV2::Listener'));
    expect(listeners).toHaveLength(3);
    expect(listeners.map((l) => attributes(l.Properties.ListenerAttributes)['tcp.idle_timeout.seconds'])).toEqual(['600', '600', '600']);
  });

  test('deletionProtection: false', () => {
    const ctx = setup();
    frontDoor(ctx, { deletionProtection: false });
    expect(attributes(loadBalancer(templateOf(ctx.stack)).Properties.LoadBalancerAttributes)['deletion_protection.enabled']).toBe('false');
  });

  test('elasticIpAllocationIds: no new Elastic IP, the ids in the subnet mappings, addresses from a DescribeAddresses lookup', () => {
    const ctx = setup();
    const fd = frontDoor(ctx, { elasticIpAllocationIds: [ALLOC_A, ALLOC_C] });
    const template = templateOf(ctx.stack);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    expect(fd.elasticIps).toEqual([]);
    const mappings = loadBalancer(template).Properties.SubnetMappings as any[];
    expect(mappings).toEqual([
      { SubnetId: refs(ctx.stack, publicSubnetsInEndpointZones(ctx))[0], AllocationId: ALLOC_A },
      { SubnetId: refs(ctx.stack, publicSubnetsInEndpointZones(ctx))[1], AllocationId: ALLOC_C },
    ]);

    const lookups = Object.entries(resources(template, LOOKUP_RESOURCE_TYPE)).map(([id, r]) => [id, createCall(r)] as [string, any])
      .filter(([, call]) => call.action === 'describeAddresses');
    expect(lookups).toHaveLength(1);
    const [lookupId, call] = lookups[0];
    expect(call.service).toBe('EC2');
    expect(call.parameters).toEqual({ AllocationIds: [ALLOC_A, ALLOC_C] });
    expect(call.outputPaths).toEqual(['Addresses.0.PublicIp', 'Addresses.1.PublicIp']);
    const addresses = [0, 1].map((i) => ({ 'Fn::GetAtt': [lookupId, `Addresses.${i}.PublicIp`] }));
    expect(ctx.stack.resolve(fd.staticIpAddresses)).toEqual(addresses);
    expect(fd.elasticIpAllocationIds).toEqual([ALLOC_A, ALLOC_C]);
    expect(output(template, 'StaticIpAddresses')).toEqual({ 'Fn::Join': [',', addresses] });
    expect(output(template, 'ElasticIpAllocationIds')).toBe(`${ALLOC_A},${ALLOC_C}`);
    expect(lambdaCount(template)).toBe(1);
  });

  test('elasticIpRemovalPolicy: DESTROY for sandboxes replaces the default Retain on every new Elastic IP', () => {
    const ctx = setup();
    frontDoor(ctx, { elasticIpRemovalPolicy: RemovalPolicy.DESTROY });
    const eips = Object.values(resources(templateOf(ctx.stack), 'AWS::EC2::EIP'));
    expect(eips).toHaveLength(2);
    expect(eips.map((e) => [e.DeletionPolicy, e.UpdateReplacePolicy])).toEqual([['Delete', 'Delete'], ['Delete', 'Delete']]);
  });

  test('internal: private subnets, no Elastic IP, the VPC CIDR as default client peer, no warning', () => {
    const ctx = setup();
    const fd = frontDoor(ctx, { internetFacing: false });
    const template = templateOf(ctx.stack);
    const lb = loadBalancer(template);
    expect(lb.Properties.Scheme).toBe('internal');
    expect(lb.Properties.SubnetMappings).toEqual(refs(ctx.stack, ctx.endpoint.subnets).map((SubnetId) => ({ SubnetId })));
    expect(ctx.endpoint.subnets.map((s) => s.subnetId)).toEqual(ctx.vpc.isolatedSubnets.filter((s) => s.availabilityZone !== 'eu-west-1b').map((s) => s.subnetId));
    template.resourceCountIs('AWS::EC2::EIP', 0);
    expect(fd.elasticIpAllocationIds).toEqual([]);
    expect(fd.staticIpAddresses).toEqual([]);
    const sgId = ctx.stack.getLogicalId(fd.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
    const ingress = resources(template, 'AWS::EC2::SecurityGroup')[sgId].Properties.SecurityGroupIngress as any[];
    expect(ports(ingress)).toEqual([443, 8443, 8883]);
    expect(ingress.every((r) => JSON.stringify(r.CidrIp) === JSON.stringify(ctx.stack.resolve(ctx.vpc.vpcCidrBlock)))).toBe(true);
    expect(outputIds(template)).toEqual([]);
    Annotations.fromStack(ctx.stack).hasNoWarning('*', Match.stringLikeRegexp('frontDoorOpenToInternet'));
  });

  test('internal with privateIpAddresses: one fixed PrivateIPv4Address per subnet mapping, output StaticIpAddresses', () => {
    const ctx = setup();
    const addresses = ctx.endpoint.subnets.map((s) => hostIn(s.ipv4CidrBlock, 10));
    const fd = frontDoor(ctx, { internetFacing: false, privateIpAddresses: addresses });
    const template = templateOf(ctx.stack);
    expect(loadBalancer(template).Properties.SubnetMappings).toEqual(refs(ctx.stack, ctx.endpoint.subnets).map((SubnetId, i) => ({
      SubnetId, PrivateIPv4Address: addresses[i],
    })));
    expect(fd.staticIpAddresses).toEqual(addresses);
    expect(output(template, 'StaticIpAddresses')).toBe(addresses.join(','));
    template.resourceCountIs('AWS::EC2::EIP', 0);
  });

  test('subnets given explicitly: used as selected (one per zone), even in a zone without an endpoint interface when cross-zone is on', () => {
    const ctx = setup({
      vpcProps: {
        subnetConfiguration: [
          { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
          { name: 'edge', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
          { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        ],
      },
    });
    frontDoor(ctx, { subnets: { subnetGroupName: 'edge' } });
    const template = templateOf(ctx.stack);
    const edge = ctx.vpc.selectSubnets({ subnetGroupName: 'edge' }).subnets;
    expect(edge).toHaveLength(3);
    const mappings = loadBalancer(template).Properties.SubnetMappings as any[];
    expect(mappings.map((m) => m.SubnetId)).toEqual(refs(ctx.stack, edge));
    template.resourceCountIs('AWS::EC2::EIP', 3);
  });
});

describe('privateIpAddresses over subnets imported without their CIDR blocks', () => {
  const ZONES = ['eu-west-1a', 'eu-west-1c'];
  const CIDRS = ['10.0.1.0/24', '10.0.3.0/24'];
  const UNCHECKED = 'cdk-private-iot:frontDoorPrivateIpUnchecked';

  /** A concrete-env stack, an imported VPC (isolated subnets in 1a and 1c, with or without CIDRs) and an endpoint in it. */
  function importedSetup(withCidrs: boolean): { readonly stack: Stack; readonly endpoint: PrivateIotDataEndpoint; readonly imported: ec2.IVpc } {
    const stack = testStack();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.0.0.0/16',
      availabilityZones: ZONES,
      isolatedSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0cccccccccccccccc'],
      ...(withCidrs ? { isolatedSubnetIpv4CidrBlocks: CIDRS } : {}),
    });
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc: imported, dataEndpointAddress: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com' });
    return { stack, endpoint, imported };
  }

  test('without CIDRs: the addresses are used as given, unchecked, with a warning that names the subnets', () => {
    const ctx = importedSetup(false);
    // outside any plausible subnet and the first address of a /24 (reserved): only a known CIDR could tell
    const addresses = ['192.168.7.10', '10.0.3.0'];
    const fd = frontDoor(ctx, { internetFacing: false, privateIpAddresses: addresses });
    const template = templateOf(ctx.stack);
    expect(loadBalancer(template).Properties.SubnetMappings).toEqual(refs(ctx.stack, ctx.imported.isolatedSubnets).map((SubnetId, i) => ({
      SubnetId, PrivateIPv4Address: addresses[i],
    })));
    expect(fd.loadBalancerIpAddresses).toEqual(addresses);
    Annotations.fromStack(ctx.stack).hasWarning('/TestStack/FrontDoor',
      Match.stringLikeRegexp(`^privateIpAddresses: load balancer subnets 1, 2 were imported without a CIDR block.*\\[ack: ${UNCHECKED}\\]$`));
  });

  test('without CIDRs: the address format is still checked', () => {
    const ctx = importedSetup(false);
    expect(() => frontDoor(ctx, { internetFacing: false, privateIpAddresses: ['10.0.1.10', '10.0.3.300'] }))
      .toThrow(/privateIpAddresses contains '10\.0\.3\.300', which is not an IPv4 address/);
  });

  test('without CIDRs and without privateIpAddresses: no warning (nothing to check)', () => {
    const ctx = importedSetup(false);
    frontDoor(ctx, { internetFacing: false });
    templateOf(ctx.stack);
    Annotations.fromStack(ctx.stack).hasNoWarning('*', Match.stringLikeRegexp(UNCHECKED));
  });

  test('with CIDRs: checked against each subnet, no warning', () => {
    const ctx = importedSetup(true);
    expect(() => frontDoor(ctx, { internetFacing: false, privateIpAddresses: ['10.0.1.10', '10.0.1.11'] }, 'Outside'))
      .toThrow(/privateIpAddresses contains '10\.0\.1\.11', which is outside subnet 2 \(10\.0\.3\.0\/24\)/);
    frontDoor(ctx, { internetFacing: false, privateIpAddresses: CIDRS.map((c) => hostIn(c, 10)) });
    templateOf(ctx.stack);
    Annotations.fromStack(ctx.stack).hasNoWarning('*', Match.stringLikeRegexp(UNCHECKED));
  });

  test('one subnet with its CIDR, one without: the known one is checked, the warning names only the other', () => {
    const ctx = importedSetup(false);
    const subnets = {
      subnets: [
        ec2.Subnet.fromSubnetAttributes(ctx.stack, 'WithCidr', { subnetId: 'subnet-0aaaaaaaaaaaaaaaa', availabilityZone: ZONES[0], ipv4CidrBlock: CIDRS[0] }),
        ec2.Subnet.fromSubnetAttributes(ctx.stack, 'WithoutCidr', { subnetId: 'subnet-0cccccccccccccccc', availabilityZone: ZONES[1] }),
      ],
    };
    expect(() => frontDoor(ctx, { internetFacing: false, subnets, privateIpAddresses: ['10.0.3.10', '10.0.3.11'] }, 'Outside'))
      .toThrow(/privateIpAddresses contains '10\.0\.3\.10', which is outside subnet 1 \(10\.0\.1\.0\/24\)/);
    frontDoor(ctx, { internetFacing: false, subnets, privateIpAddresses: ['10.0.1.10', '10.0.3.11'] });
    templateOf(ctx.stack);
    const warnings = Annotations.fromStack(ctx.stack).findWarning('/TestStack/FrontDoor', Match.stringLikeRegexp(UNCHECKED));
    expect(warnings.map((w) => String(w.entry.data))).toEqual([expect.stringMatching(/load balancer subnet 2 was imported without a CIDR block/)]);
  });
});

describe('custom domain', () => {
  test('new DNS-validated ACM certificate, DATA domain configuration with the default TLS policy and no name, alias to the NLB', () => {
    const ctx = setup();
    const fd = frontDoor(ctx, { customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack) } });
    const template = templateOf(ctx.stack);
    const [certId, cert] = only(template, 'AWS::CertificateManager::Certificate');
    expect(cert.Properties).toMatchObject({
      DomainName: 'mqtt.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'mqtt.example.com', HostedZoneId: ZONE_ID }],
    });
    const [, domain] = only(template, 'AWS::IoT::DomainConfiguration');
    expect(domain.Properties).toEqual({
      DomainName: 'mqtt.example.com',
      ServiceType: 'DATA',
      ServerCertificateArns: [{ Ref: certId }],
      DomainConfigurationStatus: 'ENABLED',
      TlsConfig: { SecurityPolicy: 'IoTSecurityPolicy_TLS13_1_2_2022_10' },
    });
    expect(domain.Properties.DomainConfigurationName).toBeUndefined();
    expect(domain.Properties.AuthorizerConfig).toBeUndefined();

    const [lbId] = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const [, record] = only(template, 'AWS::Route53::RecordSet');
    expect(record.Properties).toEqual({
      Name: 'mqtt.example.com.',
      Type: 'A',
      HostedZoneId: ZONE_ID,
      AliasTarget: { DNSName: { 'Fn::GetAtt': [lbId, 'DNSName'] }, HostedZoneId: { 'Fn::GetAtt': [lbId, 'CanonicalHostedZoneID'] } },
    });
    // an IPv4-only load balancer: never a `dualstack.` alias
    expect(JSON.stringify(record)).not.toContain('dualstack');
    expect(fd.customDomain?.domainName).toBe('mqtt.example.com');
    expect(fd.domainRecord).toBeDefined();
  });

  test('given certificate: no new certificate, its ARN on the domain configuration', () => {
    const ctx = setup();
    const certificate = acm.Certificate.fromCertificateArn(ctx.stack, 'Cert', CERT_ARN);
    const fd = frontDoor(ctx, { customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack), serverCertificate: certificate } });
    const template = templateOf(ctx.stack);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    const [, domain] = only(template, 'AWS::IoT::DomainConfiguration');
    expect(domain.Properties.ServerCertificateArns).toEqual([CERT_ARN]);
    expect(domain.Properties.ValidationCertificateArn).toBeUndefined();
    expect(fd.customDomain?.certificate).toBe(certificate);
  });

  test('private-CA certificate with validationCertificateArn: both ARNs on the domain configuration', () => {
    const ctx = setup();
    const certificate = acm.Certificate.fromCertificateArn(ctx.stack, 'Cert', CERT_ARN);
    frontDoor(ctx, {
      customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack), serverCertificate: certificate, validationCertificateArn: VALIDATION_CERT_ARN },
    });
    templateOf(ctx.stack).hasResourceProperties('AWS::IoT::DomainConfiguration', {
      ServerCertificateArns: [CERT_ARN], ValidationCertificateArn: VALIDATION_CERT_ARN, ServiceType: 'DATA',
    });
  });

  test('a second front door with the same custom domain in the stack: error on customDomain.domainName, nothing of it added', () => {
    const ctx = setup();
    const hostedZone = zone(ctx.stack);
    frontDoor(ctx, { customDomain: { domainName: 'mqtt.example.com', hostedZone } });
    expect(() => frontDoor(ctx, { customDomain: { domainName: 'mqtt.example.com', hostedZone } }, 'FrontDoor2'))
      .toThrow(/^CdkPrivateIotError: StaticIpIotFrontDoor 'TestStack\/FrontDoor2': customDomain\.domainName 'mqtt\.example\.com' already has a domain configuration .*\(TestStack\/FrontDoor\/CustomDomain\)/);
    expect(ctx.stack.node.tryFindChild('FrontDoor2')?.node.children ?? []).toEqual([]);
    templateOf(ctx.stack).resourceCountIs('AWS::IoT::DomainConfiguration', 1);
  });

  test('custom tlsSecurityPolicy', () => {
    const ctx = setup();
    frontDoor(ctx, { customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack), tlsSecurityPolicy: 'IoTSecurityPolicy_TLS13_1_3_2022_10' } });
    templateOf(ctx.stack).hasResourceProperties('AWS::IoT::DomainConfiguration', { TlsConfig: { SecurityPolicy: 'IoTSecurityPolicy_TLS13_1_3_2022_10' } });
  });

  test.each([
    [undefined, false],
    [true, true],
  ])('authorizer (allowAuthorizerOverride %s) -> AuthorizerConfig', (allow, expected) => {
    const ctx = setup();
    frontDoor(ctx, {
      customDomain: {
        domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack), authorizer: { authorizerName: 'Fleet-Authorizer_1', allowAuthorizerOverride: allow },
      },
    });
    templateOf(ctx.stack).hasResourceProperties('AWS::IoT::DomainConfiguration', {
      AuthorizerConfig: { DefaultAuthorizerName: 'Fleet-Authorizer_1', AllowAuthorizerOverride: expected },
    });
  });

  test('globalAccelerator: alias to the accelerator, one TCP listener on the ports, an endpoint group with the NLB', () => {
    const ctx = setup();
    const fd = frontDoor(ctx, { ports: [443, 8883], globalAccelerator: true, customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack) } });
    const template = templateOf(ctx.stack);
    const [acceleratorId, accelerator] = only(template, 'AWS::GlobalAccelerator::Accelerator');
    expect(accelerator.Properties.IpAddressType).toBe('IPV4');
    const [listenerId, listener] = only(template, 'AWS::GlobalAccelerator::Listener');
    expect(listener.Properties).toMatchObject({
      AcceleratorArn: { 'Fn::GetAtt': [acceleratorId, 'AcceleratorArn'] },
      Protocol: 'TCP',
      PortRanges: [{ FromPort: 443, ToPort: 443 }, { FromPort: 8883, ToPort: 8883 }],
    });
    const [lbId] = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const [, group] = only(template, 'AWS::GlobalAccelerator::EndpointGroup');
    expect(group.Properties.ListenerArn).toEqual({ 'Fn::GetAtt': [listenerId, 'ListenerArn'] });
    expect(group.Properties.EndpointConfigurations).toEqual([expect.objectContaining({ EndpointId: { Ref: lbId } })]);

    const [, record] = only(template, 'AWS::Route53::RecordSet');
    expect(record.Properties.AliasTarget).toEqual({ DNSName: { 'Fn::GetAtt': [acceleratorId, 'DnsName'] }, HostedZoneId: GLOBAL_ACCELERATOR_ZONE_ID });
    expect(fd.accelerator).toBeDefined();
    expect(outputIds(template).some((id) => id.startsWith('AcceleratorDnsName'))).toBe(true);
  });
});

describe('global accelerator', () => {
  /** An internet-facing front door with narrowed clients, a custom domain and an accelerator. */
  function withAccelerator(props: Partial<StaticIpIotFrontDoorProps> = {}) {
    const ctx = setup();
    const fd = frontDoor(ctx, {
      clientPeers: [ec2.Peer.ipv4('203.0.113.0/24')],
      globalAccelerator: true,
      customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack) },
      ...props,
    });
    const template = templateOf(ctx.stack);
    const [acceleratorId] = only(template, 'AWS::GlobalAccelerator::Accelerator');
    const acceleratorIps = [0, 1].map((i) => ({ 'Fn::Select': [i, { 'Fn::GetAtt': [acceleratorId, 'Ipv4Addresses'] }] }));
    return { ctx, fd, template, acceleratorIps };
  }

  test('the NLB endpoint preserves client addresses (so clientPeers see the devices); the target groups still do not', () => {
    const { template } = withAccelerator();
    const [lbId] = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const [, group] = only(template, 'AWS::GlobalAccelerator::EndpointGroup');
    expect(group.Properties.EndpointConfigurations).toEqual([{ EndpointId: { Ref: lbId }, ClientIPPreservationEnabled: true }]);
    for (const targetGroup of Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup'))) {
      expect(attributes(targetGroup.Properties.TargetGroupAttributes)['preserve_client_ip.enabled']).toBe('false');
    }
  });

  test('acceleratorIpAddresses: the accelerator\'s two Ipv4Addresses; output AcceleratorIpAddresses joins them', () => {
    const { ctx, fd, template, acceleratorIps } = withAccelerator();
    expect(ctx.stack.resolve(fd.acceleratorIpAddresses)).toEqual(acceleratorIps);
    expect(output(template, 'AcceleratorIpAddresses')).toEqual({ 'Fn::Join': [',', acceleratorIps] });
  });

  test('the allow-list (StaticIpAddresses, staticIpAddresses) is the accelerator\'s addresses; the Elastic IPs go to LoadBalancerIpAddresses', () => {
    const { ctx, fd, template, acceleratorIps } = withAccelerator();
    const publicIps = resourcesOfType(template, 'AWS::EC2::EIP').map((id) => ({ 'Fn::GetAtt': [id, 'PublicIp'] }));
    expect(publicIps).toHaveLength(2);
    const outputs = template.findOutputs('*');
    expect(outputs.StaticIpAddresses.Value).toEqual({ 'Fn::Join': [',', acceleratorIps] });
    expect(outputs.StaticIpAddresses.Description).toMatch(/Global Accelerator static addresses.*allow-list these/);
    expect(outputs.StaticIpAddresses.Description).not.toMatch(/Elastic IP/);
    expect(outputs.LoadBalancerIpAddresses.Value).toEqual({ 'Fn::Join': [',', publicIps] });
    expect(outputs.LoadBalancerIpAddresses.Description).toMatch(/not the allow-list/);
    expect(ctx.stack.resolve(fd.staticIpAddresses)).toEqual(acceleratorIps);
    expect(ctx.stack.resolve(fd.loadBalancerIpAddresses)).toEqual(publicIps);
    // Unchanged: the allocation ids still let a redeploy keep the load balancer's addresses.
    expect(outputs.ElasticIpAllocationIds.Value).toEqual({ 'Fn::Join': [',', resourcesOfType(template, 'AWS::EC2::EIP').map((id) => ({ 'Fn::GetAtt': [id, 'AllocationId'] }))] });
  });

  test('internal front door with AWS-assigned addresses and an accelerator: no LoadBalancerIpAddresses output', () => {
    const { template, acceleratorIps } = withAccelerator({ internetFacing: false, clientPeers: undefined, customDomain: undefined });
    expect(output(template, 'StaticIpAddresses')).toEqual({ 'Fn::Join': [',', acceleratorIps] });
    expect(outputIds(template).filter((id) => id.startsWith('LoadBalancerIpAddresses'))).toEqual([]);
  });
});

describe('logical-id stability', () => {
  function build(expectedDevices: number, portList: number[]) {
    const ctx = setup({ endpointProps: { expectedDevices } });
    frontDoor(ctx, { ports: portList });
    const template = templateOf(ctx.stack);
    return {
      eips: resourcesOfType(template, 'AWS::EC2::EIP').sort(),
      loadBalancer: resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer'),
      listener8883: byPort(template, 'AWS::ElasticLoadBalancingV2::Listener', 8883),
      targets8883: byPort(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 8883),
      subnetMappings: loadBalancer(template).Properties.SubnetMappings,
    };
  }

  test('expectedDevices 100000 -> 300000 keeps the Elastic IPs, load balancer, 8883 listener and target group, and the subnet mappings', () => {
    const before = build(100_000, [8883]);
    const after = build(300_000, [8883]);
    expect(before.eips).toHaveLength(2);
    expect(before.listener8883).toHaveLength(1);
    expect(before.targets8883).toHaveLength(1);
    expect(after).toEqual(before);
  });

  test('ports [8883] -> [443, 8883] keeps the Elastic IPs, load balancer, 8883 listener and target group, and the subnet mappings', () => {
    const before = build(100_000, [8883]);
    const after = build(100_000, [443, 8883]);
    expect(before.eips).toHaveLength(2);
    expect(before.listener8883).toHaveLength(1);
    expect(after).toEqual(before);
  });
});

describe('invalid input: the error names the prop and the fix, and nothing is added', () => {
  type Case = [string, RegExp, (ctx: Ctx) => Partial<StaticIpIotFrontDoorProps>, SetupOptions?];
  const isolatedOnly: TestVpcProps = {};
  const cases: Case[] = [
    ['ports [80]', /ports contains 80.*use only 443, 8443, 8883/, () => ({ ports: [80] })],
    ['ports []', /ports is empty.*choose from 443, 8443, 8883/, () => ({ ports: [] })],
    ['idleTimeout 200 s', /idleTimeout 200 s is below.*use at least 230 s/, () => ({ idleTimeout: Duration.seconds(200) })],
    ['idleTimeout 7000 s', /idleTimeout 7000 s .*use a whole number of seconds from 230 to 6000/, () => ({ idleTimeout: Duration.seconds(7000) })],
    ['elasticIpAllocationIds count mismatch', /elasticIpAllocationIds has 3 ids for 2 load balancer subnets.*exactly one allocation id per subnet \(2\)/,
      () => ({ elasticIpAllocationIds: [ALLOC_A, ALLOC_C, 'eipalloc-0aaaaaaaaaaaaaaaa'] })],
    ['malformed allocation id', /elasticIpAllocationIds contains 'eip-1234'.*use ids like eipalloc-/,
      () => ({ elasticIpAllocationIds: [ALLOC_A, 'eip-1234'] })],
    ['duplicate allocation id', /elasticIpAllocationIds lists an allocation id twice.*give each subnet its own Elastic IP/,
      () => ({ elasticIpAllocationIds: [ALLOC_A, ALLOC_A] })],
    ['elasticIpAllocationIds on an internal front door', /elasticIpAllocationIds is given for an internal front door.*drop elasticIpAllocationIds/,
      () => ({ internetFacing: false, elasticIpAllocationIds: [ALLOC_A, ALLOC_C] })],
    ['elasticIpRemovalPolicy with elasticIpAllocationIds', /elasticIpRemovalPolicy is given but this front door creates no Elastic IP.*drop elasticIpRemovalPolicy/,
      () => ({ elasticIpAllocationIds: [ALLOC_A, ALLOC_C], elasticIpRemovalPolicy: RemovalPolicy.DESTROY })],
    ['elasticIpRemovalPolicy on an internal front door', /elasticIpRemovalPolicy is given but this front door creates no Elastic IP .*internal.*drop elasticIpRemovalPolicy/,
      () => ({ internetFacing: false, elasticIpRemovalPolicy: RemovalPolicy.RETAIN })],
    ['privateIpAddresses on an internet-facing front door', /privateIpAddresses is given for an internet-facing.*set internetFacing: false/,
      (ctx) => ({ privateIpAddresses: publicSubnetsInEndpointZones(ctx).map((s) => hostIn(s.ipv4CidrBlock, 10)) })],
    ['privateIpAddresses count mismatch', /privateIpAddresses has 1 addresses for 2 load balancer subnets.*exactly one address per subnet \(2\)/,
      (ctx) => ({ internetFacing: false, privateIpAddresses: [hostIn(ctx.endpoint.subnets[0].ipv4CidrBlock, 10)] })],
    ['privateIpAddresses outside the subnet CIDR (subnet order swapped)', /privateIpAddresses contains '[\d.]+', which is outside subnet 1 .*from its own CIDR block/,
      (ctx) => ({ internetFacing: false, privateIpAddresses: ctx.endpoint.subnets.map((s) => hostIn(s.ipv4CidrBlock, 10)).reverse() })],
    ['privateIpAddresses reserved by AWS (the first four and the last of the subnet)', /privateIpAddresses contains '[\d.]+', one of the five addresses AWS reserves.*pick another/,
      (ctx) => ({ internetFacing: false, privateIpAddresses: ctx.endpoint.subnets.map((s, i) => hostIn(s.ipv4CidrBlock, i === 0 ? 3 : 10)) })],
    ['privateIpAddresses not an IPv4 address', /privateIpAddresses contains '10\.0\.0\.256', which is not an IPv4 address.*use dotted IPv4 addresses/,
      (ctx) => ({ internetFacing: false, privateIpAddresses: ['10.0.0.256', hostIn(ctx.endpoint.subnets[1].ipv4CidrBlock, 10)] })],
    ['clientPeers []', /clientPeers is empty.*name the device networks/, () => ({ clientPeers: [] })],
    ['internet-facing with non-public subnets', /subnets include a subnet that is not public.*select public subnets, or set internetFacing: false/,
      () => ({ subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } })],
    ['internet-facing in a VPC without public subnets', /subnets selects no usable subnet.*give the VPC public subnets, or set internetFacing: false/,
      () => ({}), { vpcProps: isolatedOnly }],
    ['crossZoneEnabled false with a load balancer zone without endpoint interface', /crossZoneEnabled is false .*eu-west-1b.*enable cross-zone load balancing/,
      () => ({ crossZoneEnabled: false, subnets: { subnetType: ec2.SubnetType.PUBLIC } })],
    ['customDomain: domain not under the zone', /customDomain\.domainName 'mqtt\.example\.org' is not in the hosted zone 'example\.com'.*use a name under example\.com/,
      (ctx) => ({ customDomain: { domainName: 'mqtt.example.org', hostedZone: zone(ctx.stack) } })],
    ['customDomain: serverCertificates (removed array prop, from JavaScript)', /customDomain\.serverCertificates was replaced by serverCertificate.*pass the one certificate as customDomain\.serverCertificate/,
      (ctx) => ({
        customDomain: {
          domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack), serverCertificates: [acm.Certificate.fromCertificateArn(ctx.stack, 'C1', CERT_ARN)],
        } as any,
      })],
    ['customDomain: serviceType JOBS (removed prop, from JavaScript)', /customDomain\.serviceType was removed: .*only the DATA service type.*drop customDomain\.serviceType/,
      (ctx) => ({ customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack), serviceType: 'JOBS' } as any })],
    ['customDomain: validationCertificateArn with the construct\'s own certificate', /customDomain\.validationCertificateArn is given but the server certificate is a new public ACM certificate.*drop customDomain\.validationCertificateArn/,
      (ctx) => ({ customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack), validationCertificateArn: VALIDATION_CERT_ARN } })],
    ['customDomain: serverCertificate of another region', /customDomain\.serverCertificate 'arn:aws:acm:us-east-1:[^']+' is in us-east-1, but the domain configuration is in eu-west-1.*use an ACM certificate of eu-west-1/,
      (ctx) => ({
        customDomain: {
          domainName: 'mqtt.example.com',
          hostedZone: zone(ctx.stack),
          serverCertificate: acm.Certificate.fromCertificateArn(ctx.stack, 'C1', CERT_ARN.replace('eu-west-1', 'us-east-1')),
        },
      })],
    ['customDomain: validationCertificateArn not an ACM ARN', /customDomain\.validationCertificateArn 'arn:aws:iam::111111111111:server-certificate\/x' is not an ACM certificate ARN/,
      (ctx) => ({
        customDomain: {
          domainName: 'mqtt.example.com',
          hostedZone: zone(ctx.stack),
          serverCertificate: acm.Certificate.fromCertificateArn(ctx.stack, 'C1', CERT_ARN),
          validationCertificateArn: 'arn:aws:iam::111111111111:server-certificate/x',
        },
      })],
    ['customDomain: an amazonaws.com domain', /customDomain\.domainName 'mqtt\.iot\.eu-west-1\.amazonaws\.com' is an AWS name.*use a domain of your own/,
      (ctx) => ({ customDomain: { domainName: 'mqtt.iot.eu-west-1.amazonaws.com', hostedZone: zone(ctx.stack, 'eu-west-1.amazonaws.com') } })],
    ['customDomain: not a lower-case FQDN', /customDomain\.domainName 'MQTT\.example\.com' is not a fully qualified lower-case domain name.*use a name like/,
      (ctx) => ({ customDomain: { domainName: 'MQTT.example.com', hostedZone: zone(ctx.stack) } })],
    ['customDomain: bad tlsSecurityPolicy', /customDomain\.tlsSecurityPolicy 'ELBSecurityPolicy-TLS13-1-2-2021-06' .*use a name like IoTSecurityPolicy_TLS13_1_2_2022_10/,
      (ctx) => ({ customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack), tlsSecurityPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' } })],
    ['customDomain: bad authorizer name', /customDomain\.authorizer\.authorizerName 'my authorizer!' .*use the name of an existing custom authorizer/,
      (ctx) => ({ customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack), authorizer: { authorizerName: 'my authorizer!' } } })],
  ];

  test.each(cases.map(([name, message, props, options]) => ({ name, message, props, options })))('$name', ({ message, props, options }) => {
    const ctx = setup(options);
    const given = props(ctx);
    expect(() => frontDoor(ctx, given)).toThrow(message);
    const template = templateOf(ctx.stack);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    template.resourceCountIs('AWS::IoT::DomainConfiguration', 0);
    expect(lambdaCount(template)).toBe(0);
    expect(ctx.stack.node.tryFindChild('FrontDoor')?.node.children ?? []).toEqual([]);
    expect(ctx.stack.node.tryFindChild('CdkPrivateIotLookups')).toBeUndefined();
  });

  test('the same error is a CdkPrivateIotError naming the construct and the prop', () => {
    const ctx = setup();
    let error: any;
    try {
      frontDoor(ctx, { ports: [80] });
    } catch (e) {
      error = e;
    }
    // recognised by the message prefix (in every jsii language), not by error.name
    expect(error).toBeInstanceOf(Error);
    expect(error?.prop).toBe('ports');
    expect(error?.message).toMatch(/^CdkPrivateIotError: StaticIpIotFrontDoor 'TestStack\/FrontDoor': ports /);
  });
});

describe('cdk-nag', () => {
  const ownPaths = (path: string) => ['TestStack/FrontDoor/', 'TestStack/Endpoint/', 'TestStack/CdkPrivateIotLookups/']
    .some((prefix) => path.startsWith(prefix));

  test('endpoint + front door with named clients and a custom domain: no finding on the library\'s resources', () => {
    const ctx = setup();
    frontDoor(ctx, { clientPeers: [ec2.Peer.ipv4('203.0.113.0/24')], customDomain: { domainName: 'mqtt.example.com', hostedZone: zone(ctx.stack) } });
    expect(formatNagFindings(nagFindings(ctx.stack, { include: ownPaths }))).toEqual([]);
  });

  test('internal front door (VPC CIDR clients): no finding on the library\'s resources', () => {
    const ctx = setup();
    frontDoor(ctx, { internetFacing: false });
    expect(formatNagFindings(nagFindings(ctx.stack, { include: ownPaths }))).toEqual([]);
  });

  test('default clientPeers (0.0.0.0/0): AwsSolutions-EC23 stays reported on the front door security group', () => {
    const ctx = setup();
    frontDoor(ctx);
    const findings = formatNagFindings(nagFindings(ctx.stack, { include: (p) => p.startsWith('TestStack/FrontDoor/SecurityGroup') }));
    expect(findings).toContain('AwsSolutions-EC23 @ TestStack/FrontDoor/SecurityGroup/Resource');
  });
});
