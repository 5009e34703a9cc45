import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import {
  concreteApp, createCall, formatNagFindings, lambdaCount, nagFindings, resourcesOfType, templateOf, TEST_ACCOUNT, TEST_REGION, testStack, testVpc,
} from './fixtures';
import {
  CrossAccountIotEndpointService, CrossAccountIotEndpointServiceProps, IotVpcEndpointAwsService, IotEndpointServiceConsumer,
  IotEndpointServiceConsumerProps, IotPrivateHostedZone, IotRecordStyle, IotZoneProfile, IotZoneProfileAssociation, IotZoneProfileProps,
  PrivateIotDataEndpoint, PrivateIotDataEndpointProps, StaticIpIotFrontDoor, VpceOnlyIotPolicy,
} from '../src';
import { LOOKUP_RESOURCE_TYPE } from '../src/private/lookups';

const CONSUMER_ACCOUNT = '222222222222';
const NETWORK_ACCOUNT = '333333333333';
const ATS_ADDRESS = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
const CREDENTIALS_ADDRESS = 'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com';
const SERVICE_NAME = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';
const ROLE_ARN = 'arn:aws:iam::222222222222:role/IotConsumer';
const OU_ARN = 'arn:aws:organizations::111111111111:ou/o-abcdefghij/ou-ab12-cdefghij';
const IOT_PORTS = [443, 8443, 8883];

type Resources = Record<string, { Type: string; Properties?: any }>;

interface ProviderCtx {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly endpoint: PrivateIotDataEndpoint;
}

/**
 * The provider ("gatekeeper") side: a concrete-env stack in account 111111111111, a 3-AZ isolated VPC and iot.data
 * endpoints in the zones that offer it (eu-west-1a and 1c in the fixture), 2 endpoints by default (150,000 devices).
 */
function provider(endpointProps: Partial<PrivateIotDataEndpointProps> = {}, app: App = concreteApp(), id = 'TestStack'): ProviderCtx {
  const stack = testStack(app, id);
  const vpc = testVpc(stack, 'Vpc', { withFlowLog: true });
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, expectedDevices: 150_000, ...endpointProps });
  return { stack, vpc, endpoint };
}

function service(ctx: ProviderCtx, props: Partial<CrossAccountIotEndpointServiceProps> = { allowedAccounts: [CONSUMER_ACCOUNT] },
  id = 'Service'): CrossAccountIotEndpointService {
  return new CrossAccountIotEndpointService(ctx.stack, id, { endpoint: ctx.endpoint, ...props });
}

/** Context that answers the consumer account's zone lookup of a provider's endpoint service. */
function serviceZonesContext(account: string, serviceName: string, zones: string[], region = TEST_REGION): Record<string, string[]> {
  const key = `${cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER}:account=${account}:region=${region}`
    + `:serviceName=${serviceName}`;
  return { [key]: zones };
}

interface ConsumerCtx {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
}

/** A consumer stack in account 222222222222 whose context offers the provider's service in eu-west-1a and 1c. */
function consumerStack(): ConsumerCtx {
  const app = concreteApp({ account: CONSUMER_ACCOUNT }, {
    context: serviceZonesContext(CONSUMER_ACCOUNT, SERVICE_NAME, ['eu-west-1a', 'eu-west-1c']),
  });
  const stack = new Stack(app, 'ConsumerStack', { env: { account: CONSUMER_ACCOUNT, region: TEST_REGION } });
  return { stack, vpc: testVpc(stack, 'Vpc') };
}

function consumer(ctx: ConsumerCtx, props: Partial<IotEndpointServiceConsumerProps> = {}, id = 'ProviderIot'): IotEndpointServiceConsumer {
  return new IotEndpointServiceConsumer(ctx.stack, id, { vpc: ctx.vpc, serviceName: SERVICE_NAME, dataEndpointAddress: ATS_ADDRESS, ...props });
}

function resources(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

function only(template: Template, type: string): any {
  const found = Object.values(resources(template, type));
  expect(found).toHaveLength(1);
  return found[0];
}

/** A resolved string value as text: `{ Ref: 'AWS::Partition' }` becomes `<partition>`, other intrinsics their JSON. */
function render(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const v = value as any;
  if (v && v.Ref === 'AWS::Partition') {
    return '<partition>';
  }
  if (v && Array.isArray(v['Fn::Join']) && v['Fn::Join'][0] === '') {
    return (v['Fn::Join'][1] as unknown[]).map(render).join('');
  }
  return JSON.stringify(value);
}

function allowedPrincipals(template: Template): string[] {
  return (only(template, 'AWS::EC2::VPCEndpointServicePermissions').Properties.AllowedPrincipals as unknown[]).map(render);
}

function listenerPorts(template: Template): number[] {
  return Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::Listener')).map((l) => l.Properties.Port).sort((a, b) => a - b);
}

function lbAttributes(template: Template): Record<string, string> {
  const lb = only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  return Object.fromEntries((lb.Properties.LoadBalancerAttributes as Array<{ Key: string; Value: string }>).map((a) => [a.Key, a.Value]));
}

/** The JSON of every lookup's call (Custom::CdkPrivateIotLookup; tokens rendered as their intrinsics). */
function lookupCalls(template: Template): string[] {
  return Object.values(resources(template, LOOKUP_RESOURCE_TYPE)).map((r) => JSON.stringify(r.Properties.Call));
}

/** Asserts that `fn` throws an error matching `message` and that the stack then holds no endpoint service or load balancer. */
function expectServiceRejected(ctx: ProviderCtx, fn: () => unknown, message: RegExp): void {
  expect(fn).toThrow(message);
  const template = templateOf(ctx.stack);
  expect(resourcesOfType(template, 'AWS::EC2::VPCEndpointService')).toEqual([]);
  expect(resourcesOfType(template, 'AWS::EC2::VPCEndpointServicePermissions')).toEqual([]);
  expect(resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toEqual([]);
}

// ---------------------------------------------------------------------------------------------------------------
describe('CrossAccountIotEndpointService', () => {
  test('puts an internal NLB, with security-group rules off for PrivateLink traffic, in front of the endpoints', () => {
    const ctx = provider();
    service(ctx);
    const lb = only(templateOf(ctx.stack), 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lb.Properties.Scheme).toBe('internal');
    expect(lb.Properties.Type).toBe('network');
    expect(lb.Properties.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic).toBe('off');
    expect(lb.Properties.SubnetMappings.map((m: any) => m.AllocationId)).toEqual([undefined, undefined]);
  });

  test('the endpoints\' security group admits the load balancer on each port', () => {
    const ctx = provider();
    const svc = service(ctx);
    const template = templateOf(ctx.stack);
    const lbGroup = ctx.stack.resolve(svc.frontDoor.securityGroup.securityGroupId);
    const endpointGroup = ctx.stack.resolve(ctx.endpoint.securityGroup.securityGroupId);
    for (const port of IOT_PORTS) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        IpProtocol: 'tcp', FromPort: port, ToPort: port, GroupId: endpointGroup, SourceSecurityGroupId: lbGroup,
      });
    }
  });

  test('listens with TCP on 443, 8443 and 8883', () => {
    const ctx = provider();
    service(ctx);
    const template = templateOf(ctx.stack);
    expect(listenerPorts(template)).toEqual(IOT_PORTS);
    for (const listener of Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::Listener'))) {
      expect(listener.Properties.Protocol).toBe('TCP');
    }
  });

  test.each([
    ['2 zones', ['a', 'c'], 2],
    ['3 zones', ['a', 'b', 'c'], 3],
  ])('each target group holds exactly the address lookups\' outputs, every ENI of every data endpoint in order (%s)', (_what, zones, perEndpoint) => {
    const ctx = provider({}, concreteApp({ serviceZoneSuffixes: { 'iot.data': zones } }));
    service(ctx);
    const template = templateOf(ctx.stack);
    // from the template alone: the data endpoints in construct order, the subnets each spans, the lookup that reads its ENIs
    const endpoints = Object.entries(resources(template, 'AWS::EC2::VPCEndpoint'))
      .map(([id, r]) => ({ id, index: Number(/DataEndpoint(\d+)[0-9A-F]{8}$/.exec(id)?.[1]), subnets: (r.Properties.SubnetIds as unknown[]).length }))
      .sort((a, b) => a.index - b.index);
    expect(endpoints.map((e) => [e.index, e.subnets])).toEqual([[1, perEndpoint], [2, perEndpoint]]);
    const lookupOf = Object.fromEntries(Object.entries(resources(template, LOOKUP_RESOURCE_TYPE))
      .map(([id, r]) => [createCall(r), id] as const)
      .filter(([call]) => call.action === 'describeNetworkInterfaces')
      .map(([call, id]) => [call.physicalResourceId.id.Ref as string, id]));
    expect(Object.keys(lookupOf).sort()).toEqual(endpoints.map((e) => e.id).sort());
    const addresses = endpoints.flatMap((e) => Array.from({ length: perEndpoint },
      (_, i) => ({ 'Fn::GetAtt': [lookupOf[e.id], `NetworkInterfaces.${i}.PrivateIpAddress`] })));
    expect(addresses).toHaveLength(2 * perEndpoint);

    const groups = Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups.map((g) => g.Properties.Port).sort((a, b) => a - b)).toEqual(IOT_PORTS);
    for (const group of groups) {
      expect(group.Properties.TargetType).toBe('ip');
      expect(group.Properties.Protocol).toBe('TCP');
      expect(group.Properties.Targets).toEqual(addresses.map((id) => ({ Id: id, Port: group.Properties.Port })));
    }
  });

  test('creates the endpoint service on the load balancer, acceptance required by default', () => {
    const ctx = provider();
    const svc = service(ctx);
    const template = templateOf(ctx.stack);
    const lbId = resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0];
    const endpointService = only(template, 'AWS::EC2::VPCEndpointService');
    expect(endpointService.Properties.NetworkLoadBalancerArns).toEqual([{ Ref: lbId }]);
    expect(endpointService.Properties.AcceptanceRequired).toBe(true);
    expect(endpointService.Properties.SupportedRegions).toBeUndefined();
    expect(Object.keys(endpointService.Properties).sort()).toEqual(['AcceptanceRequired', 'NetworkLoadBalancerArns']);
    // an ec2.IVpcEndpointService whose escape hatch is the L1 above, named like the construct's serviceName
    const escapeHatch = svc.endpointService.node.defaultChild as ec2.CfnVPCEndpointService;
    expect(escapeHatch).toBeInstanceOf(ec2.CfnVPCEndpointService);
    expect(ctx.stack.resolve(svc.endpointService.vpcEndpointServiceId)).toEqual({ Ref: resourcesOfType(template, 'AWS::EC2::VPCEndpointService')[0] });
    expect(svc.endpointService.vpcEndpointServiceName).toBe(svc.serviceName);
    expect(ctx.stack.resolve(svc.endpointService.vpcEndpointServiceRef)).toEqual({ serviceId: { Ref: resourcesOfType(template, 'AWS::EC2::VPCEndpointService')[0] } });
    expect(svc.endpointService.stack).toBe(ctx.stack);
  });

  test('the endpoint service and its permissions keep the logical ids of versions before the L2 (a new id would replace the service, '
    + 'and a replacement has a new service name, which breaks every consumer)', () => {
    const ctx = provider();
    service(ctx, { allowedAccounts: [CONSUMER_ACCOUNT], supportedRegions: ['eu-west-1', 'us-east-1'] });
    const template = templateOf(ctx.stack);
    // the ids of the L1 children 'TestStack/Service/Resource' and 'TestStack/Service/Permissions' of version 0.x's construct
    expect(resourcesOfType(template, 'AWS::EC2::VPCEndpointService')).toEqual(['ServiceDBC79909']);
    expect(resourcesOfType(template, 'AWS::EC2::VPCEndpointServicePermissions')).toEqual(['ServicePermissions64AB3ABC']);
    expect(only(template, 'AWS::EC2::VPCEndpointServicePermissions').Properties.ServiceId).toEqual({ Ref: 'ServiceDBC79909' });
  });

  test('acceptanceRequired: false', () => {
    const ctx = provider();
    service(ctx, { allowedAccounts: [CONSUMER_ACCOUNT], acceptanceRequired: false });
    expect(only(templateOf(ctx.stack), 'AWS::EC2::VPCEndpointService').Properties.AcceptanceRequired).toBe(false);
  });

  test('allows account root ARNs (partition from the stack) and role ARNs', () => {
    const ctx = provider();
    const svc = service(ctx, { allowedAccounts: [CONSUMER_ACCOUNT, NETWORK_ACCOUNT], allowedRoleArns: [ROLE_ARN] });
    const template = templateOf(ctx.stack);
    expect(allowedPrincipals(template)).toEqual([
      'arn:<partition>:iam::222222222222:root', 'arn:<partition>:iam::333333333333:root', ROLE_ARN,
    ]);
    expect(only(template, 'AWS::EC2::VPCEndpointServicePermissions').Properties.ServiceId).toEqual(ctx.stack.resolve(svc.serviceId));
  });

  test('allowAccount and allowRole later add to the same permissions resource, without duplicates', () => {
    const ctx = provider();
    const svc = service(ctx);
    expect(allowedPrincipals(templateOf(ctx.stack))).toEqual(['arn:<partition>:iam::222222222222:root']);
    svc.allowAccount(NETWORK_ACCOUNT);
    svc.allowAccount(CONSUMER_ACCOUNT);
    svc.allowAccount(NETWORK_ACCOUNT);
    svc.allowRole(ROLE_ARN);
    svc.allowRole(ROLE_ARN);
    const template = templateOf(ctx.stack);
    expect(resourcesOfType(template, 'AWS::EC2::VPCEndpointServicePermissions')).toHaveLength(1);
    expect(allowedPrincipals(template)).toEqual([
      'arn:<partition>:iam::222222222222:root', 'arn:<partition>:iam::333333333333:root', ROLE_ARN,
    ]);
  });

  test('supportedRegions', () => {
    const ctx = provider();
    service(ctx, { allowedAccounts: [CONSUMER_ACCOUNT], supportedRegions: ['eu-west-1', 'us-east-1'] });
    expect(only(templateOf(ctx.stack), 'AWS::EC2::VPCEndpointService').Properties.SupportedRegions).toEqual(['eu-west-1', 'us-east-1']);
  });

  test('frontDoor is the internal StaticIpIotFrontDoor whose load balancer the service is on', () => {
    const ctx = provider();
    const svc = service(ctx);
    const template = templateOf(ctx.stack);
    expect(svc.frontDoor).toBeInstanceOf(StaticIpIotFrontDoor);
    expect(svc.frontDoor.node.path).toBe('TestStack/Service/LoadBalancer');
    expect(only(template, 'AWS::EC2::VPCEndpointService').Properties.NetworkLoadBalancerArns)
      .toEqual([ctx.stack.resolve(svc.frontDoor.loadBalancer.loadBalancerArn)]);
  });

  test('serviceName is com.amazonaws.vpce.<region>.<service id>, and an output ServiceName carries it', () => {
    const ctx = provider();
    const svc = service(ctx);
    const template = templateOf(ctx.stack);
    const serviceId = resourcesOfType(template, 'AWS::EC2::VPCEndpointService')[0];
    const expected = { 'Fn::Join': ['', ['com.amazonaws.vpce.eu-west-1.', { Ref: serviceId }]] };
    expect(ctx.stack.resolve(svc.serviceName)).toEqual(expected);
    expect(ctx.stack.resolve(svc.serviceId)).toEqual({ Ref: serviceId });
    const outputs = Object.entries(template.findOutputs('*')).filter(([id]) => id === 'ServiceName');
    expect(outputs).toHaveLength(1);
    expect(outputs[0][1].Value).toEqual(expected);
    expect(outputs[0][1].Export).toBeUndefined();
  });

  test('serviceName in a China region starts with cn.com.amazonaws.vpce (the prefix AWS uses there)', () => {
    const region = 'cn-north-1';
    const app = concreteApp({ account: TEST_ACCOUNT, region });
    const stack = new Stack(app, 'ChinaStack', { env: { account: TEST_ACCOUNT, region } });
    const dataEndpointAddress = 'a1b2c3d4e5f6g7-ats.iot.cn-north-1.amazonaws.com.cn';
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc: testVpc(stack), dataEndpointAddress });
    const svc = new CrossAccountIotEndpointService(stack, 'Service', { endpoint, allowedAccounts: [CONSUMER_ACCOUNT] });
    const serviceId = resourcesOfType(templateOf(stack), 'AWS::EC2::VPCEndpointService')[0];
    expect(stack.resolve(svc.serviceName)).toEqual({ 'Fn::Join': ['', ['cn.com.amazonaws.vpce.cn-north-1.', { Ref: serviceId }]] });
  });

  test('allowAnyPrincipal: "*" with a warning', () => {
    const ctx = provider();
    service(ctx, { allowAnyPrincipal: true });
    expect(allowedPrincipals(templateOf(ctx.stack))).toEqual(['*']);
    Annotations.fromStack(ctx.stack).hasWarning('/TestStack/Service', Match.stringLikeRegexp('cdk-private-iot:endpointServiceOpenToAnyPrincipal'));
  });

  test('no open-to-anyone warning when the consumers are named', () => {
    const ctx = provider();
    service(ctx);
    Annotations.fromStack(ctx.stack).hasNoWarning('*', Match.stringLikeRegexp('endpointServiceOpenToAnyPrincipal'));
  });

  test('ports: a subset gives only those listeners and target groups', () => {
    const ctx = provider();
    service(ctx, { allowedAccounts: [CONSUMER_ACCOUNT], ports: [8883] });
    const template = templateOf(ctx.stack);
    expect(listenerPorts(template)).toEqual([8883]);
    expect(Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup')).map((g) => g.Properties.Port)).toEqual([8883]);
  });

  test('deletion protection on by default, off on request', () => {
    const on = provider();
    service(on);
    expect(lbAttributes(templateOf(on.stack))['deletion_protection.enabled']).toBe('true');
    const off = provider();
    service(off, { allowedAccounts: [CONSUMER_ACCOUNT], deletionProtection: false });
    expect(lbAttributes(templateOf(off.stack))['deletion_protection.enabled']).toBe('false');
  });

  describe('rejects bad input before creating anything', () => {
    test.each(['12345', 'abc', '2222222222222'])('malformed account id %p', (account) => {
      const ctx = provider();
      expectServiceRejected(ctx, () => service(ctx, { allowedAccounts: [account] }),
        new RegExp(`allowedAccounts contains '${account}'.*use the 12-digit account id`));
    });

    test('the provider\'s own account (same-account "cross-account" sharing)', () => {
      const ctx = provider();
      expectServiceRejected(ctx, () => service(ctx, { allowedAccounts: [CONSUMER_ACCOUNT, TEST_ACCOUNT] }),
        /allowedAccounts contains 111111111111, the provider's own account.*connect VPCs of this account to the endpoints directly/);
    });

    test.each([
      'arn:aws:iam::222222222222:user/someone',
      'arn:aws:iam::2222:role/IotConsumer',
      'IotConsumer',
    ])('malformed role ARN %p', (arn) => {
      const ctx = provider();
      expectServiceRejected(ctx, () => service(ctx, { allowedRoleArns: [arn] }),
        /allowedRoleArns contains '.*', which is not an IAM role ARN; use an ARN like arn:aws:iam::222222222222:role\/IotConsumer/);
    });

    test('a role ARN of the provider\'s own account', () => {
      const ctx = provider();
      expectServiceRejected(ctx, () => service(ctx, { allowedRoleArns: ['arn:aws:iam::111111111111:role/Local'] }),
        /allowedRoleArns contains 111111111111, the provider's own account.*list only other accounts/);
    });

    test('no principal at all', () => {
      const ctx = provider();
      expectServiceRejected(ctx, () => service(ctx, {}),
        /allowedAccounts is empty and so is allowedRoleArns.*name the consumer accounts \(or roles\), or set allowAnyPrincipal: true/);
      expectServiceRejected(ctx, () => service(ctx, { allowedAccounts: [], allowedRoleArns: [] }, 'Service2'), /allowedAccounts is empty/);
    });

    test('allowAnyPrincipal with acceptanceRequired: false', () => {
      const ctx = provider();
      expectServiceRejected(ctx, () => service(ctx, { allowAnyPrincipal: true, acceptanceRequired: false }),
        /acceptanceRequired is false while allowAnyPrincipal is true.*keep acceptanceRequired: true, or name the consumers in allowedAccounts/);
    });

    test.each(['eu-west', 'EU-WEST-1', 'euwest1', 'eu-west-1a'])('bad region name %p', (region) => {
      const ctx = provider();
      expectServiceRejected(ctx, () => service(ctx, { allowedAccounts: [CONSUMER_ACCOUNT], supportedRegions: ['eu-west-1', region] }),
        new RegExp(`supportedRegions contains '${region}', which is not a region name; use names like eu-west-1`));
    });

    test('allowAccount / allowRole with bad input later change nothing', () => {
      const ctx = provider();
      const svc = service(ctx);
      expect(() => svc.allowAccount('x')).toThrow(/accountId contains 'x', which is not an AWS account id; use the 12-digit account id/);
      expect(() => svc.allowAccount(TEST_ACCOUNT)).toThrow(/accountId contains 111111111111, the provider's own account/);
      expect(() => svc.allowRole('arn:aws:iam::111111111111:role/Local')).toThrow(/roleArn contains 111111111111, the provider's own account/);
      expect(() => svc.allowRole('nope')).toThrow(/roleArn contains 'nope', which is not an IAM role ARN/);
      expect(allowedPrincipals(templateOf(ctx.stack))).toEqual(['arn:<partition>:iam::222222222222:root']);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('IotEndpointServiceConsumer', () => {
  test('a VPC-only IoT policy rejects the consumer endpoint: AWS IoT Core sees the gatekeeper endpoints only', () => {
    const ctx = consumerStack();
    const iot = consumer(ctx);
    expect(iot.endpoint.dataServiceName).toBe(SERVICE_NAME);
    expect(() => new VpceOnlyIotPolicy(ctx.stack, 'Policy', { endpoints: [iot.endpoint] }))
      .toThrow(/endpoints includes 'ConsumerStack\/ProviderIot\/Endpoint', a consumer endpoint .*; name the gatekeeper PrivateIotDataEndpoint/);
    templateOf(ctx.stack).resourceCountIs('AWS::IoT::Policy', 0);
  });

  test('an interface endpoint to the provider\'s service, private DNS off, in the zones the service is offered in', () => {
    const ctx = consumerStack();
    const c = consumer(ctx);
    const endpoint = only(templateOf(ctx.stack), 'AWS::EC2::VPCEndpoint');
    expect(endpoint.Properties.ServiceName).toBe(SERVICE_NAME);
    expect(endpoint.Properties.PrivateDnsEnabled).toBe(false);
    expect(endpoint.Properties.VpcEndpointType).toBe('Interface');
    expect(endpoint.Properties.ServiceRegion).toBeUndefined();
    expect(c.endpoint.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1c']);
    expect(endpoint.Properties.SubnetIds).toHaveLength(2);
  });

  test('its own security group admits 443, 8443 and 8883 from the consumer VPC CIDR', () => {
    const ctx = consumerStack();
    consumer(ctx);
    const template = templateOf(ctx.stack);
    const vpcId = resourcesOfType(template, 'AWS::EC2::VPC')[0];
    const groups = resources(template, 'AWS::EC2::SecurityGroup');
    expect(Object.keys(groups)).toHaveLength(1);
    const [groupId, group] = Object.entries(groups)[0];
    expect(only(template, 'AWS::EC2::VPCEndpoint').Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
    const ingress = group.Properties.SecurityGroupIngress as any[];
    expect(ingress.map((r) => [r.IpProtocol, r.FromPort, r.ToPort]).sort()).toEqual(IOT_PORTS.map((p) => ['tcp', p, p]).sort());
    for (const rule of ingress) {
      expect(rule.CidrIp).toEqual({ 'Fn::GetAtt': [vpcId, 'CidrBlock'] });
    }
  });

  test('a private hosted zone named exactly the provider\'s ATS address, associated with the consumer VPC', () => {
    const ctx = consumerStack();
    const c = consumer(ctx);
    const template = templateOf(ctx.stack);
    const zone = only(template, 'AWS::Route53::HostedZone');
    expect(zone.Properties.Name).toBe(`${ATS_ADDRESS}.`);
    expect(zone.Properties.VPCs).toEqual([{ VPCId: ctx.stack.resolve(ctx.vpc.vpcId), VPCRegion: ctx.stack.resolve(ctx.stack.region) }]);
    expect(c.zone.credentialsZone).toBeUndefined();
  });

  test('weighted A records, one per ENI, from one DescribeNetworkInterfaces lookup; no iot:DescribeEndpoint, one Lambda', () => {
    const ctx = consumerStack();
    const c = consumer(ctx);
    const template = templateOf(ctx.stack);
    const zoneId = resourcesOfType(template, 'AWS::Route53::HostedZone')[0];
    const records = Object.values(resources(template, 'AWS::Route53::RecordSet'));
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r.Properties).toMatchObject({ Type: 'A', Weight: 1, Name: `${ATS_ADDRESS}.`, HostedZoneId: { Ref: zoneId } });
      expect(r.Properties.ResourceRecords).toHaveLength(1);
    }
    const calls = lookupCalls(template);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/describeNetworkInterfaces/);
    // one record per output of the lookup, which reads the ENIs of the consumer endpoint (2 subnets)
    const [[lookupId, lookup]] = Object.entries(resources(template, LOOKUP_RESOURCE_TYPE));
    const endpointId = resourcesOfType(template, 'AWS::EC2::VPCEndpoint')[0];
    expect(createCall(lookup).physicalResourceId).toEqual({ id: { Ref: endpointId } });
    expect(records.map((r) => r.Properties.ResourceRecords[0]))
      .toEqual([0, 1].map((i) => ({ 'Fn::GetAtt': [lookupId, `NetworkInterfaces.${i}.PrivateIpAddress`] })));
    expect(c.endpoint.networkInterfacesPerEndpoint).toBe(2);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/describeEndpoint|iot:DescribeEndpoint/);
    expect(lambdaCount(template)).toBe(1);
  });

  test('ALIAS style: alias records to the endpoint DNS names, no lookup, no Lambda', () => {
    const ctx = consumerStack();
    consumer(ctx, { recordStyle: IotRecordStyle.ALIAS });
    const template = templateOf(ctx.stack);
    const records = Object.values(resources(template, 'AWS::Route53::RecordSet'));
    expect(records).toHaveLength(3); // the regional name and one zonal name per subnet
    for (const r of records) {
      expect(r.Properties).toMatchObject({ Type: 'A', Weight: 1, Name: `${ATS_ADDRESS}.` });
      expect(r.Properties.AliasTarget).toBeDefined();
    }
    expect(resourcesOfType(template, LOOKUP_RESOURCE_TYPE)).toEqual([]);
    expect(lambdaCount(template)).toBe(0);
  });

  test('vpcs: the zone is associated with every listed VPC of the consumer account', () => {
    const ctx = consumerStack();
    const other = testVpc(ctx.stack, 'OtherVpc', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16') });
    const c = consumer(ctx, { vpcs: [ctx.vpc, other] });
    const zone = only(templateOf(ctx.stack), 'AWS::Route53::HostedZone');
    expect(zone.Properties.VPCs.map((v: any) => v.VPCId)).toEqual([ctx.stack.resolve(ctx.vpc.vpcId), ctx.stack.resolve(other.vpcId)]);
    expect(c.zone.vpcs).toEqual([ctx.vpc, other]);
  });

  test('a provider address in another region is accepted (cross-region PrivateLink)', () => {
    const ctx = consumerStack();
    const address = 'a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com';
    expect(() => consumer(ctx, {
      serviceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      dataEndpointAddress: address,
      supportedAvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
    })).not.toThrow();
    expect(only(templateOf(ctx.stack), 'AWS::Route53::HostedZone').Properties.Name).toBe(`${address}.`);
  });

  test('cross-region: the endpoint names the provider\'s region (ServiceRegion), or it looks for the service in its own region', () => {
    const ctx = consumerStack();
    consumer(ctx, {
      serviceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      dataEndpointAddress: 'a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com',
      supportedAvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
    });
    expect(only(templateOf(ctx.stack), 'AWS::EC2::VPCEndpoint').Properties.ServiceRegion).toBe('us-east-1');
  });

  test('a serviceName token of the consumer\'s own stack (a parameter): no zone lookup, every zone used with a warning', () => {
    const ctx = consumerStack();
    const name = new CfnParameter(ctx.stack, 'ProviderServiceName').valueAsString;
    const c = consumer(ctx, { serviceName: name });
    expect(c.endpoint.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(only(templateOf(ctx.stack), 'AWS::EC2::VPCEndpoint').Properties.ServiceName).toEqual({ Ref: 'ProviderServiceName' });
    Annotations.fromStack(ctx.stack).hasWarning('/ConsumerStack/ProviderIot/Endpoint',
      Match.stringLikeRegexp('cdk-private-iot:unverifiedAvailabilityZones'));
  });

  describe('rejects bad input before creating anything', () => {
    function expectConsumerRejected(props: Partial<IotEndpointServiceConsumerProps>, message: RegExp): void {
      const ctx = consumerStack();
      expect(() => consumer(ctx, props)).toThrow(message);
      const template = templateOf(ctx.stack);
      expect(resourcesOfType(template, 'AWS::EC2::VPCEndpoint')).toEqual([]);
      expect(resourcesOfType(template, 'AWS::Route53::HostedZone')).toEqual([]);
      expect(resourcesOfType(template, 'AWS::EC2::SecurityGroup')).toEqual([]);
    }

    test.each([
      'com.amazonaws.eu-west-1.iot.data',
      'vpce-svc-123',
      'vpce-svc-0123456789abcdef0',
      'com.amazonaws.vpce.eu-west-1.vpce-svc-0123',
    ])('serviceName %p is not a vpce-svc service name', (serviceName) => {
      expectConsumerRejected({ serviceName },
        /serviceName '.*' is not a PrivateLink endpoint service name; use the provider's CrossAccountIotEndpointService serviceName output, e\.g\. com\.amazonaws\.vpce\./,
      );
    });

    test.each([
      'a1b2c3d4e5f6g7.iot.eu-west-1.amazonaws.com',
      'iot.eu-west-1.amazonaws.com',
      'a1b2c3d4e5f6g7-ats.iot.eu-west-1.example.com',
      'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com',
    ])('dataEndpointAddress %p is not an -ats data host', (dataEndpointAddress) => {
      expectConsumerRejected({ dataEndpointAddress },
        /dataEndpointAddress '.*' is not the account's endpoint hostname; use the address printed by `aws iot describe-endpoint .*iot:Data-ATS`/,
      );
    });
  });

  test('PrivateIotDataEndpoint: dataServiceName without dataEndpointAddress is rejected', () => {
    const ctx = consumerStack();
    expect(() => new PrivateIotDataEndpoint(ctx.stack, 'Endpoint', { vpc: ctx.vpc, dataServiceName: SERVICE_NAME }))
      .toThrow(/dataServiceName is a provider's endpoint service but dataEndpointAddress is missing.*pass the provider account's ATS data endpoint/);
    expect(resourcesOfType(templateOf(ctx.stack), 'AWS::EC2::VPCEndpoint')).toEqual([]);
  });

  test('PrivateIotDataEndpoint: dataServiceName replaces iot.data only (credentials stay AWS IoT Core\'s own)', () => {
    const ctx = consumerStack();
    new PrivateIotDataEndpoint(ctx.stack, 'Endpoint', {
      vpc: ctx.vpc,
      dataServiceName: SERVICE_NAME,
      dataEndpointAddress: ATS_ADDRESS,
      supportedAvailabilityZones: ['eu-west-1a', 'eu-west-1c'],
      services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
    });
    const names = Object.values(resources(templateOf(ctx.stack), 'AWS::EC2::VPCEndpoint')).map((e) => e.Properties.ServiceName).sort();
    expect(names).toEqual(['com.amazonaws.eu-west-1.iot.credentials', SERVICE_NAME]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('IotZoneProfile', () => {
  function zoneSetup(app: App = concreteApp(), id = 'TestStack'): { ctx: ProviderCtx; zone: IotPrivateHostedZone } {
    const ctx = provider({
      expectedDevices: 1,
      dataEndpointAddress: ATS_ADDRESS,
      credentialsEndpointAddress: CREDENTIALS_ADDRESS,
      services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
    }, app, id);
    const zone = new IotPrivateHostedZone(ctx.stack, 'Zone', { endpoint: ctx.endpoint, recordStyle: IotRecordStyle.ALIAS });
    return { ctx, zone };
  }

  function profile(stack: Stack, props: IotZoneProfileProps, id = 'Profile'): IotZoneProfile {
    return new IotZoneProfile(stack, id, props);
  }

  test('a Route 53 Profile with one resource association per zone (the zone ARN)', () => {
    const { ctx, zone } = zoneSetup();
    const p = profile(ctx.stack, { zones: [zone.dataZone, zone.credentialsZone!], shareWithAccounts: [NETWORK_ACCOUNT] });
    const template = templateOf(ctx.stack);
    const profileId = resourcesOfType(template, 'AWS::Route53Profiles::Profile')[0];
    expect(only(template, 'AWS::Route53Profiles::Profile').Properties.Name).toEqual(expect.any(String));
    const associations = Object.values(resources(template, 'AWS::Route53Profiles::ProfileResourceAssociation'));
    expect(associations).toHaveLength(2);
    expect(associations.map((a) => a.Properties.ProfileId)).toEqual([{ 'Fn::GetAtt': [profileId, 'Id'] }, { 'Fn::GetAtt': [profileId, 'Id'] }]);
    expect(associations.map((a) => JSON.stringify(a.Properties.ResourceArn)).sort())
      .toEqual([zone.dataZone, zone.credentialsZone!].map((z) => JSON.stringify(ctx.stack.resolve(z.hostedZoneArn))).sort());
    expect(new Set(associations.map((a) => a.Properties.Name)).size).toBe(2);
    expect(ctx.stack.resolve(p.profileId)).toEqual({ 'Fn::GetAtt': [profileId, 'Id'] });
  });

  test('a RAM share of the profile with accounts and an OU, internal to the organization by default', () => {
    const { ctx, zone } = zoneSetup();
    profile(ctx.stack, { zones: [zone.dataZone], shareWithAccounts: [NETWORK_ACCOUNT, CONSUMER_ACCOUNT], shareWithOrganizationArns: [OU_ARN] });
    const template = templateOf(ctx.stack);
    const profileId = resourcesOfType(template, 'AWS::Route53Profiles::Profile')[0];
    const share = only(template, 'AWS::RAM::ResourceShare');
    expect(share.Properties.Principals).toEqual([NETWORK_ACCOUNT, CONSUMER_ACCOUNT, OU_ARN]);
    expect(share.Properties.ResourceArns).toEqual([{ 'Fn::GetAtt': [profileId, 'Arn'] }]);
    expect(share.Properties.AllowExternalPrincipals).toBe(false);
  });

  test('allowExternalPrincipals: true', () => {
    const { ctx, zone } = zoneSetup();
    profile(ctx.stack, { zones: [zone.dataZone], shareWithAccounts: [NETWORK_ACCOUNT], allowExternalPrincipals: true });
    expect(only(templateOf(ctx.stack), 'AWS::RAM::ResourceShare').Properties.AllowExternalPrincipals).toBe(true);
  });

  test('no physical name collisions: two profiles in two stacks get different names', () => {
    const app = concreteApp();
    const a = zoneSetup(app, 'StackA');
    const b = zoneSetup(app, 'StackB');
    profile(a.ctx.stack, { zones: [a.zone.dataZone], shareWithAccounts: [NETWORK_ACCOUNT] });
    profile(b.ctx.stack, { zones: [b.zone.dataZone], shareWithAccounts: [NETWORK_ACCOUNT] });
    const names = (stack: Stack) => {
      const template = templateOf(stack);
      return [
        only(template, 'AWS::Route53Profiles::Profile').Properties.Name,
        only(template, 'AWS::RAM::ResourceShare').Properties.Name,
        only(template, 'AWS::Route53Profiles::ProfileResourceAssociation').Properties.Name,
      ];
    };
    const [na, nb] = [names(a.ctx.stack), names(b.ctx.stack)];
    na.forEach((n, i) => expect(n).not.toEqual(nb[i]));
  });

  test('no name collisions between two profiles with long ids in one stack', () => {
    const { ctx, zone } = zoneSetup();
    const long = 'IotZonesSharedWithTheDeviceNetworkAccountAndTheLegacyConsumers';
    profile(ctx.stack, { zones: [zone.dataZone], shareWithAccounts: [NETWORK_ACCOUNT] }, `${long}One`);
    profile(ctx.stack, { zones: [zone.dataZone], shareWithAccounts: [CONSUMER_ACCOUNT] }, `${long}Two`);
    const template = templateOf(ctx.stack);
    for (const type of ['AWS::Route53Profiles::Profile', 'AWS::Route53Profiles::ProfileResourceAssociation', 'AWS::RAM::ResourceShare']) {
      const names = Object.values(resources(template, type)).map((r) => r.Properties.Name as string);
      expect(names).toHaveLength(2);
      expect(new Set(names).size).toBe(2);
      names.forEach((n) => expect(n.length).toBeLessThanOrEqual(64));
    }
  });

  describe('rejects bad input before creating anything', () => {
    function expectProfileRejected(props: (zone: IotPrivateHostedZone) => IotZoneProfileProps, message: RegExp): void {
      const { ctx, zone } = zoneSetup();
      expect(() => profile(ctx.stack, props(zone))).toThrow(message);
      const template = templateOf(ctx.stack);
      expect(resourcesOfType(template, 'AWS::Route53Profiles::Profile')).toEqual([]);
      expect(resourcesOfType(template, 'AWS::Route53Profiles::ProfileResourceAssociation')).toEqual([]);
      expect(resourcesOfType(template, 'AWS::RAM::ResourceShare')).toEqual([]);
    }

    test('zones: []', () => {
      expectProfileRejected(() => ({ zones: [], shareWithAccounts: [NETWORK_ACCOUNT] }),
        /zones is empty; pass the IoT private hosted zones/);
    });

    test('no principals', () => {
      expectProfileRejected((z) => ({ zones: [z.dataZone] }),
        /shareWithAccounts is empty and so is shareWithOrganizationArns.*name the accounts or organizational units/);
      expectProfileRejected((z) => ({ zones: [z.dataZone], shareWithAccounts: [], shareWithOrganizationArns: [] }),
        /shareWithAccounts is empty/);
    });

    test.each(['12345', 'abc', '3333333333333'])('malformed account %p', (account) => {
      expectProfileRejected((z) => ({ zones: [z.dataZone], shareWithAccounts: [account] }),
        new RegExp(`shareWithAccounts contains '${account}', which is not an AWS account id; use 12-digit account ids`));
    });

    test('the zones\' own account', () => {
      expectProfileRejected((z) => ({ zones: [z.dataZone], shareWithAccounts: [NETWORK_ACCOUNT, TEST_ACCOUNT] }),
        /shareWithAccounts contains 111111111111, the zones' own account; associate VPCs of this account with the zones directly/);
    });

    test.each([
      'ou-ab12-cdefghij',
      'arn:aws:organizations::111111111111:ou/ou-ab12-cdefghij',
      'arn:aws:organizations::111111111111:ou/o-abc/ou-ab12-cdefghij',
      'arn:aws:iam::111111111111:root',
    ])('malformed OU ARN %p', (arn) => {
      expectProfileRejected((z) => ({ zones: [z.dataZone], shareWithOrganizationArns: [arn] }),
        /shareWithOrganizationArns contains '.*', which is not an organization or OU ARN; use arn:aws:organizations::/);
    });

    test('accepts an organization ARN', () => {
      const { ctx, zone } = zoneSetup();
      const org = 'arn:aws:organizations::111111111111:organization/o-abcdefghij';
      profile(ctx.stack, { zones: [zone.dataZone], shareWithOrganizationArns: [org] });
      expect(only(templateOf(ctx.stack), 'AWS::RAM::ResourceShare').Properties.Principals).toEqual([org]);
    });
  });
});

describe('IotZoneProfileAssociation', () => {
  function networkStack(): { stack: Stack; vpc: ec2.Vpc } {
    const app = concreteApp({ account: NETWORK_ACCOUNT });
    const stack = new Stack(app, 'NetworkStack', { env: { account: NETWORK_ACCOUNT, region: TEST_REGION } });
    return { stack, vpc: testVpc(stack, 'DeviceVpc') };
  }

  test('associates the shared profile with the VPC', () => {
    const { stack, vpc } = networkStack();
    const a = new IotZoneProfileAssociation(stack, 'IotZones', { profileId: 'rp-0123456789abcdef', vpc });
    const association = only(templateOf(stack), 'AWS::Route53Profiles::ProfileAssociation');
    expect(association.Properties.ProfileId).toBe('rp-0123456789abcdef');
    expect(association.Properties.ResourceId).toEqual(stack.resolve(vpc.vpcId));
    expect(association.Properties.ResourceId).toEqual({ Ref: resourcesOfType(templateOf(stack), 'AWS::EC2::VPC')[0] });
    expect(association.Properties.Name).toEqual(expect.any(String));
    expect(a.association.node.path).toBe('NetworkStack/IotZones/Resource');
  });

  test.each(['0123456789abcdef', 'rp-123', 'rp-0123456789ABCDEF', 'vpc-0123456789abcdef'])('rejects profileId %p', (profileId) => {
    const { stack, vpc } = networkStack();
    expect(() => new IotZoneProfileAssociation(stack, 'IotZones', { profileId, vpc }))
      .toThrow(/profileId '.*' is not a Route 53 Profile id; use the profileId output of the IoT account, e\.g\. rp-0123456789abcdef/);
    expect(resourcesOfType(templateOf(stack), 'AWS::Route53Profiles::ProfileAssociation')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('cdk-nag', () => {
  test('a provider stack with endpoint, zone, endpoint service and profile has no unacknowledged finding in this library\'s constructs', () => {
    const ctx = provider({ services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }] });
    const zone = new IotPrivateHostedZone(ctx.stack, 'Zone', { endpoint: ctx.endpoint });
    service(ctx, { allowedAccounts: [CONSUMER_ACCOUNT], allowedRoleArns: [ROLE_ARN] });
    new IotZoneProfile(ctx.stack, 'Profile', { zones: [zone.dataZone, zone.credentialsZone!], shareWithAccounts: [NETWORK_ACCOUNT] });
    const template = templateOf(ctx.stack);
    expect(lambdaCount(template)).toBe(1);
    const prefixes = ['Service', 'Profile', 'Endpoint', 'Zone', 'CdkPrivateIotLookups'].map((p) => `TestStack/${p}/`);
    const findings = nagFindings(ctx.stack, { include: (path) => prefixes.some((p) => `${path}/`.startsWith(p)) });
    expect(formatNagFindings(findings)).toEqual([]);
  });
});
