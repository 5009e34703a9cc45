/**
 * The reference topology (examples/reference-topology.ts over src/topology): it synthesizes offline in every variant,
 * stays within CloudFormation's limits, keeps one lookup function per stack, and passes cross-account values as strings.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatNagFindings, nagFindings } from './fixtures';
import { buildReferenceTopology, PLACEHOLDERS, ReferenceTopologyOptions } from '../examples/reference-topology';
import { IotAccountStack, NetworkAccountStack } from '../src';

const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.context.json'), 'utf-8'));
/** The logical id of a stack's lookup function (src/private/lookups.ts). */
const LOOKUP_FUNCTION = /^CdkPrivateIotLookupsFunction[0-9A-F]{8}$/;
/** The logical id of the function aws-cdk-lib's AwsCustomResource shares per stack (our changes: zone and Direct Connect associations). */
const CHANGE_FUNCTION = /^AWS679f53fac002430cb0da5b7982bd2287/;

function synth(options: ReferenceTopologyOptions) {
  const topology = buildReferenceTopology({ context, ...options });
  const assembly = topology.app.synth();
  const stacks: Stack[] = [topology.network, topology.iot, ...topology.consumers];
  return { topology, assembly, stacks, templates: stacks.map((s) => Template.fromStack(s).toJSON()) };
}

describe.each([
  ['1 consumer, 2 AZs', { consumers: 1, maxAzs: 2 }],
  ['3 consumers, 3 AZs, internet-facing front door, VPN', { consumers: 3, maxAzs: 3, frontDoor: { internetFacing: true }, vpn: { customerGatewayIp: '198.51.100.10' } }],
  ['1 consumer, 3 AZs, internal front door', { consumers: 1, maxAzs: 3, frontDoor: {} }],
])('reference topology: %s', (_name, options: ReferenceTopologyOptions) => {
  const { assembly, stacks, templates, topology } = synth(options);

  test('synthesizes offline: every lookup answered by cdk.context.json', () => {
    expect(assembly.manifest.missing ?? []).toEqual([]);
    expect(stacks).toHaveLength(2 + (options.consumers ?? 1));
  });

  test('every stack is far below CloudFormation\'s 500 resources and 200 outputs', () => {
    for (const template of templates) {
      expect(Object.keys(template.Resources).length).toBeLessThan(500);
      expect(Object.keys(template.Outputs ?? {}).length).toBeLessThan(200);
    }
  });

  test('one lookup function per stack at most; no cross-stack references between accounts', () => {
    for (const template of templates) {
      const functions = Object.entries(template.Resources).filter(([, r]: [string, any]) => r.Type === 'AWS::Lambda::Function').map(([id]) => id);
      expect(functions.filter((id) => LOOKUP_FUNCTION.test(id)).length).toBeLessThanOrEqual(1);
      expect(functions.filter((id) => CHANGE_FUNCTION.test(id)).length).toBeLessThanOrEqual(1);
      const text = JSON.stringify(template);
      expect(text).not.toMatch(/Fn::ImportValue|Fn::GetStackOutput/);
      expect(Object.values(template.Outputs ?? {}).some((o: any) => o.Export)).toBe(false);
    }
    for (const stack of stacks) {
      expect(stack.dependencies).toEqual([]);
    }
  });

  test('the gatekeeper VPC: endpoints in every zone, ACL admits only the IoT ports inbound, Transit Gateway routes', () => {
    const iot = Template.fromStack(topology.iot);
    const azs = options.maxAzs ?? 2;
    iot.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.iot.data' }, 1);
    const inbound = Object.values(iot.findResources('AWS::EC2::NetworkAclEntry'))
      .map((r: any) => r.Properties).filter((p) => !p.Egress);
    expect(new Set(inbound.map((p) => `${p.PortRange.From}-${p.PortRange.To}`))).toEqual(new Set(['443-443', '8443-8443', '8883-8883', '1024-65535']));
    expect(inbound.filter((p) => p.PortRange.From === 1024).map((p) => p.CidrBlock)).toEqual(['10.10.0.0/16']);
    // The consumers' PrivateLink connections reach the endpoint service's load balancer from the consumer VPCs: the
    // example names them (consumerCidrs), so they get rules of their own after the existing ones (from 210), and the
    // gatekeeper, device and on-premises CIDRs keep their rules and numbers (110-190).
    const consumers = ['10.30.0.0/16', '10.31.0.0/16', '10.32.0.0/16'].slice(0, options.consumers ?? 1);
    const rules = (cidr: string, first: number) => [443, 8443, 8883].map((port, i) => `${cidr} ${port} #${first + 10 * i}`);
    const iotRules = inbound.filter((p) => p.PortRange.From !== 1024).map((p) => `${p.CidrBlock} ${p.PortRange.From} #${p.RuleNumber}`).sort();
    expect(iotRules).toEqual([
      ...rules('10.10.0.0/16', 110), ...rules('10.20.0.0/16', 140),
      ...consumers.flatMap((cidr, i) => rules(cidr, 210 + 30 * i)),
      ...rules('192.168.0.0/16', 170),
    ].sort());
    const outbound = Object.values(iot.findResources('AWS::EC2::NetworkAclEntry')).map((r: any) => r.Properties).filter((p) => p.Egress);
    expect(outbound.filter((p) => p.PortRange.From === 1024).map((p) => p.CidrBlock).sort())
      .toEqual(['10.10.0.0/16', '10.20.0.0/16', ...consumers, '192.168.0.0/16'].sort());
    iot.hasResourceProperties('AWS::EC2::TransitGatewayAttachment', { TransitGatewayId: PLACEHOLDERS.transitGatewayId });
    // one route per endpoint subnet and destination (device + on-premises)
    expect(Object.values(iot.findResources('AWS::EC2::Route')).filter((r: any) => r.Properties.TransitGatewayId).length).toBe(azs * 2);
  });

  test('Greengrass core devices in the device VPC and on premises: S3 interface endpoint, service zones in the Route 53 Profile', () => {
    const iot = Template.fromStack(topology.iot);
    iot.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.s3', VpcEndpointType: 'Interface', PrivateDnsEnabled: false });
    iot.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: Match.anyValue(), VpcEndpointType: 'Gateway' });
    const zones = iot.findResources('AWS::Route53::HostedZone');
    const zoneIdOf = (name: string) => Object.keys(zones).find((id) => zones[id].Properties.Name === name)!;
    const shared = Object.values(iot.findResources('AWS::Route53Profiles::ProfileResourceAssociation')).map((a: any) => JSON.stringify(a.Properties.ResourceArn));
    for (const name of [PLACEHOLDERS.dataEndpointAddress, PLACEHOLDERS.credentialsEndpointAddress, 'greengrass.eu-west-1.amazonaws.com',
      'logs.eu-west-1.amazonaws.com', 's3.eu-west-1.amazonaws.com']) {
      const id = zoneIdOf(`${name}.`);
      expect({ name, shared: shared.some((arn) => arn.includes(`{"Ref":"${id}"}`)) }).toEqual({ name, shared: true });
    }
    expect(shared).toHaveLength(5);
    const nucleus = iot.toJSON().Outputs.GreengrassNucleusConfiguration;
    expect(nucleus.Description).toMatch(/device VPC .* on premises/);
    expect(JSON.parse(nucleus.Value)).toMatchObject({
      iotDataEndpoint: PLACEHOLDERS.dataEndpointAddress,
      iotCredEndpoint: PLACEHOLDERS.credentialsEndpointAddress,
    });
  });

  test('cdk-nag (AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1): no unacknowledged finding in any stack', () => {
    for (const stack of stacks) {
      expect(formatNagFindings(nagFindings(stack))).toEqual([]);
    }
  });

  test('the network account: Resolver inbound endpoint in two or more zones with DNS from on-premises, Transit Gateway shared with the IoT account', () => {
    const network = Template.fromStack(topology.network);
    const [resolver] = Object.values(network.findResources('AWS::Route53Resolver::ResolverEndpoint')) as any[];
    expect(resolver.Properties.Direction).toBe('INBOUND');
    expect(resolver.Properties.IpAddresses.length).toBeGreaterThanOrEqual(2);
    network.hasResourceProperties('AWS::RAM::ResourceShare', { Principals: ['222222222222'] });
    network.resourceCountIs('AWS::EC2::VPNConnection', options.vpn ? 1 : 0);
    network.hasResourceProperties('AWS::Route53Profiles::ProfileAssociation', { ProfileId: PLACEHOLDERS.zoneProfileId });
  });
});

describe('reference topology in one account (the integ test\'s layout)', () => {
  test('no RAM share, zones associated with the device VPC directly, any consumer with acceptance, device canary', () => {
    const app = new App({ context });
    const env = { account: '222222222222', region: 'eu-west-1' };
    const network = new NetworkAccountStack(app, 'Network', {
      env,
      deviceCidr: '10.20.0.0/16',
      gatekeeperCidr: '10.10.0.0/16',
      iotAccount: env.account,
      canaryHost: PLACEHOLDERS.dataEndpointAddress,
    });
    const iot = new IotAccountStack(app, 'Iot', {
      env,
      gatekeeperCidr: '10.10.0.0/16',
      deviceCidrs: ['10.20.0.0/16'],
      transitGatewayId: network.transitGateway.ref,
      associatedVpcs: [network.deviceVpc],
      allowAnyConsumer: true,
      dataEndpointAddress: PLACEHOLDERS.dataEndpointAddress,
    });
    const networkTemplate = Template.fromStack(network);
    networkTemplate.resourceCountIs('AWS::RAM::ResourceShare', 0);
    // the device VPC's canary may reach the gatekeeper CIDR on the IoT ports only
    expect(network.canary).toBeDefined();
    const canaryGroup = networkTemplate.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('connectivity canary') },
    });
    const egress = (Object.values(canaryGroup)[0] as any).Properties.SecurityGroupEgress
      .filter((r: any) => r.IpProtocol === 'tcp' && r.FromPort !== 53).map((r: any) => `${r.FromPort} ${r.CidrIp}`).sort();
    expect(egress).toEqual(['443 10.10.0.0/16', '8443 10.10.0.0/16', '8883 10.10.0.0/16']);
    const iotTemplate = Template.fromStack(iot);
    const [zone] = Object.values(iotTemplate.findResources('AWS::Route53::HostedZone'))
      .filter((z: any) => z.Properties.Name === `${PLACEHOLDERS.dataEndpointAddress}.`) as any[];
    expect(zone.Properties.VPCs).toHaveLength(2);
    // the device VPC resolves the Greengrass service names to the gatekeeper VPC's endpoints too
    for (const service of ['greengrass', 'logs', 's3']) {
      iotTemplate.hasResourceProperties('AWS::Route53::HostedZone', {
        Name: `${service}.eu-west-1.amazonaws.com.`,
        VPCs: [Match.objectLike({ VPCId: iot.resolve(iot.gatekeeperVpc.vpcId) }), Match.objectLike({ VPCId: Match.objectLike({ 'Fn::ImportValue': Match.anyValue() }) })],
      });
    }
    iotTemplate.hasResourceProperties('AWS::EC2::VPCEndpointServicePermissions', { AllowedPrincipals: ['*'] });
    iotTemplate.hasResourceProperties('AWS::EC2::VPCEndpointService', { AcceptanceRequired: true });
  });
});
