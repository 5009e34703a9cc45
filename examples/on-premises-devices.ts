/**
 * Scenario 1 of the AWS IoT blog article "Common architecture patterns to securely connect IoT devices to AWS using
 * private networks": devices on premises reach AWS IoT Core over Site-to-Site VPN (or Direct Connect) without the
 * internet, in one account.
 *
 * - a VPC with isolated subnets only, holding the `iot.data` and `iot.credentials` interface endpoints and a Route 53
 *   Resolver inbound endpoint;
 * - a Transit Gateway with the VPC attached and a Site-to-Site VPN to the on-premises router (BGP), and routes from the
 *   endpoint subnets back to on-premises;
 * - private hosted zones named after the account's ATS data and credential provider hosts, associated with the VPC,
 *   which the Resolver inbound endpoint answers from for on-premises DNS (the output `BindForwarders` holds the
 *   conditional forwarders to configure there);
 * - an IoT policy that lets things connect only through the endpoints;
 * - the flows the reachability verifier proves before deployment (`npx cdk-private-iot verify cdk.out`).
 *
 * What stays by hand outside AWS: the on-premises router's VPN configuration (download it from the VPN connection) and
 * the conditional forwarders on the corporate DNS servers. The account, region, hostnames and router address are
 * placeholders; availability-zone lookups come from the committed cdk.context.json, so the app synthesizes offline.
 */
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { acknowledgeControl } from './private-data-path';
import {
  DnsForwarderSyntax, IotFlowSource, IotPrivateHostedZone, IotReachability, IotResolverInboundEndpoint, IotVpcEndpointAwsService,
  PrivateIotDataEndpoint, VpceOnlyIotPolicy,
} from '../src';

/** Placeholder environment (the lookups for it are in cdk.context.json). */
export const ON_PREMISES_EXAMPLE_ENV = { account: '111111111111', region: 'eu-west-1' };
/** The factory network. */
export const FACTORY_CIDR = '192.168.0.0/16';
/** The account's AWS IoT hostnames (`aws iot describe-endpoint`); placeholders. */
export const EXAMPLE_HOSTS = {
  data: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
  credentials: 'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com',
};

export interface OnPremisesDevicesStackProps extends StackProps {
  /** The public address of the on-premises VPN router. */
  readonly routerIp: string;
}

export class OnPremisesDevicesStack extends Stack {
  public readonly endpoint: PrivateIotDataEndpoint;
  public readonly resolver: IotResolverInboundEndpoint;

  constructor(scope: Construct, id: string, props: OnPremisesDevicesStackProps) {
    super(scope, id, props);

    const vpc = factoryConnectedVpc(this, props.routerIp);

    // The constructs of this library: endpoints, zones, the Resolver for on-premises DNS, the device policy.
    this.endpoint = new PrivateIotDataEndpoint(this, 'IotEndpoint', {
      vpc,
      peers: [ec2.Peer.ipv4(FACTORY_CIDR)],
      dataEndpointAddress: EXAMPLE_HOSTS.data,
      credentialsEndpointAddress: EXAMPLE_HOSTS.credentials,
      services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
    });
    new IotPrivateHostedZone(this, 'IotZone', { endpoint: this.endpoint });
    this.resolver = new IotResolverInboundEndpoint(this, 'FactoryDns', { vpc, allowedCidrs: [FACTORY_CIDR] });
    this.resolver.forwardIotEndpoint(this.endpoint);
    const policy = new VpceOnlyIotPolicy(this, 'DevicePolicy', { endpoints: [this.endpoint] });

    // What the verifier proves from the template: factory devices reach both hosts, and nothing else answers.
    const factory = IotFlowSource.onPremises(FACTORY_CIDR);
    IotReachability.declareFlow(this, { name: 'factory -> data', source: factory, host: EXAMPLE_HOSTS.data, ports: [8883, 443, 8443] });
    IotReachability.declareFlow(this, { name: 'factory -> credentials', source: factory, host: EXAMPLE_HOSTS.credentials, ports: [443] });
    IotReachability.declareFlow(this, { name: 'factory -> data, other ports', source: factory, host: EXAMPLE_HOSTS.data, ports: [22, 80], expectBlocked: true });

    new CfnOutput(this, 'BindForwarders', { value: this.resolver.forwarderConfiguration(DnsForwarderSyntax.BIND), description: 'Conditional forwarders for the factory DNS (BIND)' });
    new CfnOutput(this, 'DevicePolicyName', { value: policy.policyName, description: 'IoT policy to attach to device certificates' });
  }
}

/**
 * A VPC with isolated subnets only (no internet gateway, no NAT) in two zones, for the endpoints, connected to the
 * factory: a Transit Gateway with the VPC attached, a Site-to-Site VPN to the factory router (BGP: the Transit Gateway
 * learns the factory routes) and routes from the subnets back to the factory.
 */
export function factoryConnectedVpc(scope: Construct, routerIp: string): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, 'IotVpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.10.0.0/16'),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
  });
  acknowledgeControl(vpc.node.findChild('all').node.findChild('LogGroup'), 'cloudwatch_log_group_encrypted_check',
    'Flow logs hold connection metadata (addresses, ports, bytes), no payload; CloudWatch Logs encrypts them with a service key.');
  const tgw = new ec2.CfnTransitGateway(scope, 'TransitGateway', { autoAcceptSharedAttachments: 'disable', dnsSupport: 'enable' });
  const attachment = new ec2.CfnTransitGatewayAttachment(scope, 'VpcAttachment', {
    transitGatewayId: tgw.ref,
    vpcId: vpc.vpcId,
    subnetIds: vpc.isolatedSubnets.map((s) => s.subnetId),
  });
  vpc.isolatedSubnets.forEach((subnet, i) => {
    new ec2.CfnRoute(scope, `ToFactory${i + 1}`, { routeTableId: subnet.routeTable.routeTableId, destinationCidrBlock: FACTORY_CIDR, transitGatewayId: tgw.ref })
      .addDependency(attachment);
  });
  const router = new ec2.CfnCustomerGateway(scope, 'FactoryRouter', { ipAddress: routerIp, bgpAsn: 65000, type: 'ipsec.1' });
  new ec2.CfnVPNConnection(scope, 'Vpn', { type: 'ipsec.1', customerGatewayId: router.ref, transitGatewayId: tgw.ref });
  return vpc;
}

/** Builds the example app (offline: pass the committed cdk.context.json as `context`). */
export function buildOnPremisesDevicesApp(options: { outdir?: string; context?: Record<string, unknown> } = {}): App {
  const app = new App({ outdir: options.outdir, context: options.context });
  new OnPremisesDevicesStack(app, 'OnPremisesDevices', { env: ON_PREMISES_EXAMPLE_ENV, routerIp: '203.0.113.10' });
  return app;
}
