/**
 * Small hand-made CloudFormation templates with known answers for the reachability verifier: a device VPC and a
 * gatekeeper VPC on one Transit Gateway with a VPN, an iot.data endpoint with its zone, a Resolver inbound endpoint,
 * and optional extras (S3 endpoints, a profile, a front door with an accelerator). Each test breaks one thing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StackInfo } from '../../src/verify/model';

export const REGION = 'eu-west-1';
export const ATS_HOST = `a1b2c3d4e5f6g7-ats.iot.${REGION}.amazonaws.com`;
export const CREDENTIALS_HOST = `c1b2c3d4e5f6g7.credentials.iot.${REGION}.amazonaws.com`;
export const DEVICE_CIDR = '10.20.0.0/16';
export const GATEKEEPER_CIDR = '10.10.0.0/16';
export const ON_PREMISES_CIDR = '192.168.0.0/16';

type Resources = Record<string, any>;

const ref = (id: string) => ({ Ref: id });
const att = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });

/** A VPC with one subnet per zone, a route table each, routes to `routes` through `tgw`. */
export function vpc(r: Resources, name: string, cidr: string, subnets: Array<[string, string]>, routes: string[], tgw: any = ref('Tgw')): void {
  r[name] = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr } };
  subnets.forEach(([subnetCidr, az], i) => {
    const subnet = `${name}Subnet${i + 1}`;
    r[subnet] = { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref(name), CidrBlock: subnetCidr, AvailabilityZone: az } };
    r[`${subnet}Rt`] = { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref(name) } };
    r[`${subnet}RtAssoc`] = { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref(subnet), RouteTableId: ref(`${subnet}Rt`) } };
    routes.forEach((destination, j) => {
      r[`${subnet}Route${j + 1}`] = {
        Type: 'AWS::EC2::Route',
        Properties: { RouteTableId: ref(`${subnet}Rt`), DestinationCidrBlock: destination, TransitGatewayId: tgw },
      };
    });
  });
}

/** Security group ingress rules: tcp `ports` from each cidr. */
export function securityGroup(r: Resources, name: string, vpcName: string, cidrs: string[], ports: number[], protocol = 'tcp'): void {
  r[name] = {
    Type: 'AWS::EC2::SecurityGroup',
    Properties: {
      GroupDescription: name,
      VpcId: ref(vpcName),
      SecurityGroupIngress: cidrs.flatMap((cidr) => ports.map((port) => ({ CidrIp: cidr, IpProtocol: protocol, FromPort: port, ToPort: port }))),
    },
  };
}

/** A network ACL on the subnets: inbound `ports` from each cidr, outbound 1024-65535 to each cidr (unless noEphemeral). */
export function acl(r: Resources, name: string, vpcName: string, subnets: string[], cidrs: string[], ports: number[],
  options: { noEphemeral?: boolean } = {}): void {
  r[name] = { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: ref(vpcName) } };
  subnets.forEach((s, i) => {
    r[`${name}Assoc${i + 1}`] = { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: ref(s), NetworkAclId: ref(name) } };
  });
  let n = 100;
  for (const cidr of cidrs) {
    for (const port of ports) {
      n += 10;
      r[`${name}In${n}`] = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref(name), RuleNumber: n, Protocol: 6, RuleAction: 'allow', Egress: false, CidrBlock: cidr, PortRange: { From: port, To: port } } };
    }
    if (!options.noEphemeral) {
      n += 10;
      r[`${name}Out${n}`] = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref(name), RuleNumber: n, Protocol: 6, RuleAction: 'allow', Egress: true, CidrBlock: cidr, PortRange: { From: 1024, To: 65535 } } };
    }
  }
}

/** An interface endpoint in the subnets with a lookup of its addresses (like IotLookups). */
export function interfaceEndpoint(r: Resources, name: string, service: string, vpcName: string, subnets: string[], group: string,
  privateDns = false): void {
  r[name] = {
    Type: 'AWS::EC2::VPCEndpoint',
    Properties: {
      VpcEndpointType: 'Interface',
      VpcId: ref(vpcName),
      ServiceName: service.includes('vpce-svc') ? service : `com.amazonaws.${REGION}.${service}`,
      SubnetIds: subnets.map(ref),
      SecurityGroupIds: [att(group, 'GroupId')],
      PrivateDnsEnabled: privateDns,
    },
  };
  r[`${name}Addresses`] = {
    Type: 'Custom::CdkPrivateIotLookup',
    Properties: { Call: { 'Fn::Join': ['', ['{"service":"EC2","action":"describeNetworkInterfaces","parameters":{"NetworkInterfaceIds":["', { 'Fn::Select': [0, att(name, 'NetworkInterfaceIds')] }, '"]}}']] } },
  };
}

/** A private zone named `host` with one A record per endpoint address, associated with the VPCs. */
export function zone(r: Resources, name: string, host: string, vpcs: string[], endpoint: string, count = 2): void {
  r[name] = { Type: 'AWS::Route53::HostedZone', Properties: { Name: `${host}.`, ...(vpcs.length ? { VPCs: vpcs.map((v) => ({ VPCId: ref(v), VPCRegion: REGION })) } : {}) } };
  for (let i = 0; i < count; i++) {
    r[`${name}Ip${i + 1}`] = {
      Type: 'AWS::Route53::RecordSet',
      Properties: { HostedZoneId: ref(name), Name: `${host}.`, Type: 'A', TTL: '60', SetIdentifier: `ip-${i + 1}`, Weight: 1, ResourceRecords: [att(`${endpoint}Addresses`, `NetworkInterfaces.${i}.PrivateIpAddress`)] },
    };
  }
}

/**
 * The base world: one stack, device VPC (2 zones) and gatekeeper VPC (2 zones) on a Transit Gateway with a VPN,
 * iot.data and credentials endpoints in the gatekeeper VPC, zones associated with both VPCs, a network ACL on the
 * endpoint subnets, and a Resolver inbound endpoint in the device VPC. Every declared flow passes.
 */
export function baseWorld(): Resources {
  const r: Resources = {};
  r.Tgw = { Type: 'AWS::EC2::TransitGateway', Properties: { AutoAcceptSharedAttachments: 'enable', DefaultRouteTablePropagation: 'enable', DefaultRouteTableAssociation: 'enable' } };
  r.Vpn = { Type: 'AWS::EC2::VPNConnection', Properties: { Type: 'ipsec.1', CustomerGatewayId: 'cgw-0123456789abcdef0', TransitGatewayId: ref('Tgw') } };
  vpc(r, 'Dev', DEVICE_CIDR, [['10.20.0.0/24', `${REGION}a`], ['10.20.1.0/24', `${REGION}b`]], [GATEKEEPER_CIDR, ON_PREMISES_CIDR]);
  vpc(r, 'Gk', GATEKEEPER_CIDR, [['10.10.0.0/24', `${REGION}a`], ['10.10.1.0/24', `${REGION}b`]], [DEVICE_CIDR, ON_PREMISES_CIDR]);
  r.DevAttachment = { Type: 'AWS::EC2::TransitGatewayAttachment', Properties: { TransitGatewayId: ref('Tgw'), VpcId: ref('Dev'), SubnetIds: [ref('DevSubnet1'), ref('DevSubnet2')] } };
  r.GkAttachment = { Type: 'AWS::EC2::TransitGatewayAttachment', Properties: { TransitGatewayId: ref('Tgw'), VpcId: ref('Gk'), SubnetIds: [ref('GkSubnet1'), ref('GkSubnet2')] } };
  securityGroup(r, 'EndpointSg', 'Gk', [GATEKEEPER_CIDR, DEVICE_CIDR, ON_PREMISES_CIDR], [8883, 443, 8443]);
  interfaceEndpoint(r, 'Data', 'iot.data', 'Gk', ['GkSubnet1', 'GkSubnet2'], 'EndpointSg');
  interfaceEndpoint(r, 'Credentials', 'iot.credentials', 'Gk', ['GkSubnet1', 'GkSubnet2'], 'EndpointSg');
  zone(r, 'DataZone', ATS_HOST, ['Gk', 'Dev'], 'Data');
  zone(r, 'CredentialsZone', CREDENTIALS_HOST, ['Gk', 'Dev'], 'Credentials');
  acl(r, 'EndpointAcl', 'Gk', ['GkSubnet1', 'GkSubnet2'], [GATEKEEPER_CIDR, DEVICE_CIDR, ON_PREMISES_CIDR], [8883, 443, 8443]);
  securityGroup(r, 'ResolverSg', 'Dev', [DEVICE_CIDR, ON_PREMISES_CIDR], [53], 'udp');
  r.ResolverSg.Properties.SecurityGroupIngress.push(...[DEVICE_CIDR, ON_PREMISES_CIDR].map((cidr) => ({ CidrIp: cidr, IpProtocol: 'tcp', FromPort: 53, ToPort: 53 })));
  r.Resolver = {
    Type: 'AWS::Route53Resolver::ResolverEndpoint',
    Properties: { Direction: 'INBOUND', IpAddresses: [{ SubnetId: ref('DevSubnet1') }, { SubnetId: ref('DevSubnet2') }], SecurityGroupIds: [att('ResolverSg', 'GroupId')] },
  };
  return r;
}

/** One stack of a world. */
export function stack(resources: Resources, name = 'World', account = '111111111111', metadata?: Record<string, unknown>): StackInfo {
  return { name, account, region: REGION, template: { Resources: resources, ...(metadata ? { Metadata: metadata } : {}) } };
}

/** Writes stacks as a cloud assembly directory (manifest + templates) and returns its path. */
export function writeAssembly(stacks: StackInfo[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-'));
  const artifacts: Record<string, unknown> = {};
  for (const s of stacks) {
    fs.writeFileSync(path.join(dir, `${s.name}.template.json`), JSON.stringify(s.template));
    artifacts[s.name] = { type: 'aws:cloudformation:stack', environment: `aws://${s.account}/${s.region}`, properties: { templateFile: `${s.name}.template.json` } };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '53.0.0', artifacts }));
  return dir;
}

export { att, ref };
