/**
 * NetworkAccountStack: routes from the device subnets back to on-premises (through the Transit Gateway, whatever links
 * on-premises), synth-time checks of the region, CIDRs and Direct Connect options, and the Direct Connect gateway
 * association (an AwsCustomResource: its calls, permissions and output). The calls themselves run against a mocked
 * SDK in direct-connect-handler.test.ts.
 */
import { Lazy } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { concreteApp, createCall, formatNagFindings, nagFindings, templateOf, TEST_ACCOUNT, TEST_REGION, thrown } from './fixtures';
import { NetworkAccountStack, NetworkAccountStackProps } from '../src';
import { LOOKUP_RESOURCE_TYPE } from '../src/private/lookups';

const DEVICE = '10.20.0.0/16';
const GATEKEEPER = '10.10.0.0/16';
const ON_PREMISES = ['192.168.0.0/16', '172.16.0.0/12'];
const DX_GATEWAY = '5f294f92-bafb-4011-916d-9b0b12345678';
const VPN = { customerGatewayIp: '198.51.100.10' };
const TGW = { Ref: 'TransitGateway' };

function network(props: Partial<NetworkAccountStackProps> = {}): NetworkAccountStack {
  return new NetworkAccountStack(concreteApp(), 'Network', {
    env: { account: TEST_ACCOUNT, region: TEST_REGION },
    deviceCidr: DEVICE,
    gatekeeperCidr: GATEKEEPER,
    iotAccount: '222222222222',
    ...props,
  });
}

/** `<route table logical id> <destination>` for every route to the Transit Gateway. */
function transitGatewayRoutes(template: Template): string[] {
  return Object.values(template.findResources('AWS::EC2::Route'))
    .filter((r: any) => JSON.stringify(r.Properties.TransitGatewayId) === JSON.stringify(TGW))
    .map((r: any) => `${r.Properties.RouteTableId.Ref} ${r.Properties.DestinationCidrBlock}`).sort();
}

describe('routes from the device subnets through the Transit Gateway', () => {
  test.each([
    ['a VPN', { vpn: VPN }],
    ['Direct Connect', { directConnect: { directConnectGatewayId: DX_GATEWAY } }],
    ['a VPN and Direct Connect', { vpn: VPN, directConnect: { directConnectGatewayId: DX_GATEWAY } }],
    ['no on-premises link yet', {}],
  ])('with %s: every device subnet routes the gatekeeper CIDR and every on-premises CIDR to the Transit Gateway', (_name, link) => {
    for (const maxAzs of [2, 3]) {
      const template = templateOf(network({ maxAzs, onPremisesCidrs: ON_PREMISES, ...link }));
      const routeTables = Object.keys(template.findResources('AWS::EC2::RouteTable'));
      expect(routeTables).toHaveLength(maxAzs); // the device subnets are the VPC's only subnets
      const expected = routeTables.flatMap((table) => [GATEKEEPER, ...ON_PREMISES].map((cidr) => `${table} ${cidr}`)).sort();
      expect(transitGatewayRoutes(template)).toEqual(expected);
      expect(Object.keys(template.findResources('AWS::EC2::Route'))).toHaveLength(expected.length);
      // every route waits for the attachment (a route to a gateway the VPC is not attached to fails)
      const [attachment] = Object.keys(template.findResources('AWS::EC2::TransitGatewayAttachment'));
      for (const route of Object.values(template.findResources('AWS::EC2::Route'))) {
        expect(route.DependsOn).toContain(attachment);
      }
    }
  });

  test('the gatekeeper routes keep their logical ids (destination 1); on-premises routes come after', () => {
    const before = templateOf(network()).findResources('AWS::EC2::Route');
    expect(Object.keys(before).sort()).toEqual(['DeviceAttachmentRoute1To1', 'DeviceAttachmentRoute2To1']);
    const after = templateOf(network({ onPremisesCidrs: ON_PREMISES, vpn: VPN })).findResources('AWS::EC2::Route');
    expect(after.DeviceAttachmentRoute1To1).toEqual(before.DeviceAttachmentRoute1To1);
    expect(after.DeviceAttachmentRoute2To1).toEqual(before.DeviceAttachmentRoute2To1);
    expect(before.DeviceAttachmentRoute1To1.Properties.DestinationCidrBlock).toBe(GATEKEEPER);
    expect(after.DeviceAttachmentRoute1To2.Properties.DestinationCidrBlock).toBe('192.168.0.0/16');
    expect(after.DeviceAttachmentRoute2To3.Properties.DestinationCidrBlock).toBe('172.16.0.0/12');
  });

  test('without on-premises CIDRs the device subnets route only the gatekeeper CIDR', () => {
    const template = templateOf(network({ maxAzs: 2 }));
    expect(transitGatewayRoutes(template).map((r) => r.split(' ')[1])).toEqual([GATEKEEPER, GATEKEEPER]);
  });

  test('a VPN or Direct Connect without onPremisesCidrs warns that replies to on-premises have no route', () => {
    for (const link of [{ vpn: VPN }, { directConnect: { directConnectGatewayId: DX_GATEWAY } }]) {
      const stack = network(link);
      templateOf(stack);
      Annotations.fromStack(stack).hasWarning('/Network', Match.stringLikeRegexp('cdk-private-iot:onPremisesLinkWithoutRoutes'));
      Annotations.fromStack(stack).hasWarning('/Network', Match.stringLikeRegexp('onPremisesCidrs is empty'));
    }
    for (const props of [{ vpn: VPN, onPremisesCidrs: ON_PREMISES }, {}]) {
      const stack = network(props);
      templateOf(stack);
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('onPremisesLinkWithoutRoutes'));
    }
  });
});

describe('synth-time checks', () => {
  test.each([
    ['a region name without the dash', { env: { account: TEST_ACCOUNT, region: 'eu-west1' } },
      'env.region', /NetworkAccountStack 'Network': env\.region 'eu-west1' is not an AWS region name; use a region such as eu-west-1/],
    ['the device CIDR inside the gatekeeper CIDR', { deviceCidr: '10.10.4.0/22' },
      'deviceCidr', /deviceCidr 10\.10\.4\.0\/22 overlaps gatekeeperCidr 10\.10\.0\.0\/16.*; give deviceCidr and gatekeeperCidr address ranges that do not overlap/],
    ['the gatekeeper CIDR inside the device CIDR', { deviceCidr: '10.0.0.0/8' },
      'deviceCidr', /deviceCidr 10\.0\.0\.0\/8 overlaps gatekeeperCidr 10\.10\.0\.0\/16/],
    ['an on-premises CIDR overlapping the device CIDR', { onPremisesCidrs: ['192.168.0.0/16', '10.20.128.0/17'] },
      'onPremisesCidrs', /onPremisesCidrs 10\.20\.128\.0\/17 overlaps deviceCidr 10\.20\.0\.0\/16/],
    ['an on-premises CIDR overlapping the gatekeeper CIDR', { onPremisesCidrs: ['10.10.200.0/24'] },
      'onPremisesCidrs', /onPremisesCidrs 10\.10\.200\.0\/24 overlaps gatekeeperCidr 10\.10\.0\.0\/16/],
    ['an on-premises CIDR listed twice', { onPremisesCidrs: ['192.168.0.0/16', '192.168.0.0/16'] },
      'onPremisesCidrs', /onPremisesCidrs lists 192\.168\.0\.0\/16 twice.*; list each CIDR once/],
    ['a Direct Connect gateway id in the wrong format', { directConnect: { directConnectGatewayId: 'dxgw-0123456789abcdef0' } },
      'directConnect.directConnectGatewayId', /directConnect\.directConnectGatewayId 'dxgw-0123456789abcdef0' is not a Direct Connect gateway id; use the id of an existing/],
    ['a Direct Connect gateway ARN', { directConnect: { directConnectGatewayId: `arn:aws:directconnect::${TEST_ACCOUNT}:dx-gateway/${DX_GATEWAY}` } },
      'directConnect.directConnectGatewayId', /directConnect\.directConnectGatewayId 'arn:aws:directconnect::111111111111:dx-gateway\/5f294f92-.*' is not a Direct Connect gateway id/],
    ['allowed prefixes without the gatekeeper CIDR', { directConnect: { directConnectGatewayId: DX_GATEWAY, allowedPrefixes: [DEVICE] } },
      'directConnect.allowedPrefixes', /directConnect\.allowedPrefixes \[10\.20\.0\.0\/16\] does not cover gatekeeperCidr 10\.10\.0\.0\/16.*; add 10\.10\.0\.0\/16 \(or a prefix that contains it\)/],
    ['allowed prefixes narrower than the device CIDR', { directConnect: { directConnectGatewayId: DX_GATEWAY, allowedPrefixes: ['10.20.0.0/17', GATEKEEPER] } },
      'directConnect.allowedPrefixes', /directConnect\.allowedPrefixes \[10\.20\.0\.0\/17, 10\.10\.0\.0\/16\] does not cover deviceCidr 10\.20\.0\.0\/16/],
    ['no allowed prefixes', { directConnect: { directConnectGatewayId: DX_GATEWAY, allowedPrefixes: [] } },
      'directConnect.allowedPrefixes', /directConnect\.allowedPrefixes is empty, but a Direct Connect association with a Transit Gateway needs at least one allowed prefix/],
    ['an allowed prefix that is no CIDR', { directConnect: { directConnectGatewayId: DX_GATEWAY, allowedPrefixes: ['10.0.0.0/8', '10.300.0.0/16'] } },
      'directConnect.allowedPrefixes', /directConnect\.allowedPrefixes contains '10\.300\.0\.0\/16', which is not an IPv4 CIDR block/],
    ['an allowed prefix listed twice', { directConnect: { directConnectGatewayId: DX_GATEWAY, allowedPrefixes: ['10.0.0.0/8', '10.0.0.0/8'] } },
      'directConnect.allowedPrefixes', /directConnect\.allowedPrefixes lists 10\.0\.0\.0\/8 twice/],
  ])('%s: a CdkPrivateIotError naming the prop and the value, before anything is created', (_name, props, prop, message) => {
    const app = concreteApp();
    const error = thrown(() => new NetworkAccountStack(app, 'Network', {
      env: { account: TEST_ACCOUNT, region: TEST_REGION }, deviceCidr: DEVICE, gatekeeperCidr: GATEKEEPER, iotAccount: '222222222222', ...props,
    }));
    expect(error.message).toMatch(/^CdkPrivateIotError: /);
    expect(error.prop).toBe(prop);
    expect(error.message).toMatch(message);
    expect(app.node.findChild('Network').node.children).toEqual([]);
  });

  test('covering allowed prefixes pass: one supernet, or the two CIDRs inside larger blocks', () => {
    for (const allowedPrefixes of [['10.0.0.0/8'], ['10.20.0.0/15', '10.8.0.0/13']]) {
      const template = templateOf(network({ directConnect: { directConnectGatewayId: DX_GATEWAY, allowedPrefixes } }));
      const [resource] = Object.values(directConnectResources(template));
      expect(createCall(resource).parameters.addAllowedPrefixesToDirectConnectGateway).toEqual(allowedPrefixes.map((cidr) => ({ cidr })));
    }
  });

  test('tokens pass unchecked (e.g. a gateway id and prefixes resolved later)', () => {
    const gatewayId = Lazy.string({ produce: () => DX_GATEWAY });
    const prefix = Lazy.string({ produce: () => '10.0.0.0/16' });
    const stack = network({ directConnect: { directConnectGatewayId: gatewayId, allowedPrefixes: [prefix] } });
    expect(stack.directConnectAssociation).toBeDefined();
  });
});

describe('Direct Connect gateway association', () => {
  const stack = network({ onPremisesCidrs: ON_PREMISES, directConnect: { directConnectGatewayId: DX_GATEWAY } });
  const template = templateOf(stack);
  const resources = directConnectResources(template);
  const [logicalId] = Object.keys(resources);
  const properties = resources[logicalId].Properties;

  test('one Custom::AWS resource through the stack\'s AwsCustomResource function, exposed on the stack; the address lookup has its own function', () => {
    expect(Object.keys(resources)).toHaveLength(1);
    // the association is the only AwsCustomResource (a change); the Resolver inbound endpoint's addresses are a lookup
    expect(Object.keys(template.findResources('Custom::AWS'))).toEqual([logicalId]);
    expect(Object.keys(template.findResources(LOOKUP_RESOURCE_TYPE))).toEqual([expect.stringMatching(/^ResolverInboundAddressesLookup/)]);
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).sort()).toEqual([
      expect.stringMatching(/^AWS679f53fac002430cb0da5b7982bd2287/),
      expect.stringMatching(/^CdkPrivateIotLookupsFunction/),
    ]);
    // both run with the one role of the stack's lookups, whose one policy holds both permissions
    const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('CdkPrivateIotLookups'));
    expect(roles).toEqual([expect.stringMatching(/^CdkPrivateIotLookupsFunctionRole/)]);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [roles[0], 'Arn'] });
    }
    expect(properties.InstallLatestAwsSdk).toBe(false);
    expect(stack.directConnectAssociation).toBeDefined();
    expect(stack.resolve(stack.directConnectAssociation!.associationId)).toEqual({ Ref: logicalId });
    expect(network({ onPremisesCidrs: ON_PREMISES }).directConnectAssociation).toBeUndefined();
  });

  test('create: CreateDirectConnectGatewayAssociation of the gateway with the Transit Gateway, advertising the device and gatekeeper CIDRs', () => {
    expect(createCall(resources[logicalId])).toEqual({
      service: 'DirectConnect',
      action: 'createDirectConnectGatewayAssociation',
      parameters: {
        directConnectGatewayId: DX_GATEWAY,
        gatewayId: TGW,
        addAllowedPrefixesToDirectConnectGateway: [{ cidr: DEVICE }, { cidr: GATEKEEPER }],
      },
      physicalResourceId: { responsePath: 'directConnectGatewayAssociation.associationId' },
      outputPaths: ['directConnectGatewayAssociation.associationId'],
    });
  });

  test('update adds the allowed prefixes to the same association; delete deletes it by its id', () => {
    expect(JSON.parse(properties.Update)).toEqual({
      service: 'DirectConnect',
      action: 'updateDirectConnectGatewayAssociation',
      parameters: { associationId: 'PHYSICAL:RESOURCEID:', addAllowedPrefixesToDirectConnectGateway: [{ cidr: DEVICE }, { cidr: GATEKEEPER }] },
      physicalResourceId: { responsePath: 'directConnectGatewayAssociation.associationId' },
      outputPaths: ['directConnectGatewayAssociation.associationId'],
    });
    expect(JSON.parse(properties.Delete)).toEqual({
      service: 'DirectConnect',
      action: 'deleteDirectConnectGatewayAssociation',
      parameters: { associationId: 'PHYSICAL:RESOURCEID:' },
    });
  });

  test('permissions: create and delete on the one gateway\'s ARN (global: no region), update on * (no resource-level permission)', () => {
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['directconnect:CreateDirectConnectGatewayAssociation']) })]) } },
    }));
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      // the lookup function's one shared policy: its log group, then every distinct statement of the stack's calls
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CdkPrivateIotLookupsLogGroup/), 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['directconnect:CreateDirectConnectGatewayAssociation', 'directconnect:DeleteDirectConnectGatewayAssociation'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:directconnect::${TEST_ACCOUNT}:dx-gateway/${DX_GATEWAY}`]] },
      },
      { Effect: 'Allow', Action: 'directconnect:UpdateDirectConnectGatewayAssociation', Resource: '*' },
    ]);
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/directconnect:\*|direct-connect:/);
  });

  test('the association id is an output', () => {
    template.hasOutput('DirectConnectAssociationId', { Value: { Ref: logicalId } });
  });

  test('given allowed prefixes replace the default', () => {
    const custom = templateOf(network({ directConnect: { directConnectGatewayId: DX_GATEWAY, allowedPrefixes: ['10.0.0.0/8'] } }));
    const [resource] = Object.values(directConnectResources(custom));
    expect(createCall(resource).parameters.addAllowedPrefixesToDirectConnectGateway).toEqual([{ cidr: '10.0.0.0/8' }]);
    expect(JSON.parse(resource.Properties.Update).parameters.addAllowedPrefixesToDirectConnectGateway).toEqual([{ cidr: '10.0.0.0/8' }]);
  });

  test('with a VPN as well: both links attach to the same Transit Gateway', () => {
    const both = templateOf(network({ onPremisesCidrs: ON_PREMISES, vpn: VPN, directConnect: { directConnectGatewayId: DX_GATEWAY } }));
    both.resourcePropertiesCountIs('AWS::EC2::VPNConnection', { TransitGatewayId: TGW }, 1);
    const [resource] = Object.values(directConnectResources(both));
    expect(createCall(resource).parameters.gatewayId).toEqual(TGW);
  });

  test('cdk-nag (AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1): no unacknowledged finding', () => {
    const withBoth = network({ onPremisesCidrs: ON_PREMISES, vpn: VPN, directConnect: { directConnectGatewayId: DX_GATEWAY } });
    expect(formatNagFindings(nagFindings(withBoth))).toEqual([]);
  });
});

/** The Direct Connect association's custom resources (the stack's other one looks up the Resolver addresses). */
function directConnectResources(template: Template): Record<string, any> {
  return Object.fromEntries(Object.entries(template.findResources('Custom::AWS')).filter(([id]) => id.startsWith('DirectConnect')));
}
