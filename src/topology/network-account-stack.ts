import * as net from 'net';
import { CfnOutput, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ram from 'aws-cdk-lib/aws-ram';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import { acknowledgeTopologyVpc, attachToTransitGateway } from './network';
import { invalidProp } from '../private/errors';
import { acknowledgeGuard } from '../private/nag';
import { checkAccountId, checkIpv4Cidrs } from '../private/validation';
import { IotConnectivityCanary } from '../probe/connectivity-canary';
import { IotZoneProfileAssociation } from '../sharing/iot-zone-profile';

/**
 * A Site-to-Site VPN to the Transit Gateway (the stand-in for Direct Connect).
 */
export interface ReferenceVpnOptions {
  /** Public IPv4 address of the on-premises VPN device. */
  readonly customerGatewayIp: string;

  /**
   * BGP ASN of the on-premises VPN device.
   * @default 65000
   */
  readonly customerGatewayAsn?: number;
}

/**
 * Properties of a `NetworkAccountStack`.
 */
export interface NetworkAccountStackProps extends StackProps {
  /** IPv4 CIDR of the device VPC. */
  readonly deviceCidr: string;

  /** CIDR of the IoT account's gatekeeper VPC (routed through the Transit Gateway). */
  readonly gatekeeperCidr: string;

  /** The IoT account, with which the Transit Gateway is shared (AWS RAM; nothing is shared when it is this account). */
  readonly iotAccount: string;

  /**
   * On-premises CIDRs: their DNS resolvers may query the Resolver inbound endpoint.
   * @default - none (the inbound endpoint admits the device VPC only)
   */
  readonly onPremisesCidrs?: string[];

  /**
   * Availability zones of the device VPC (the Resolver inbound endpoint needs two).
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * The Route 53 Profile the IoT account shares (its ZoneProfileId output).
   * @default - no association yet (deploy the IoT account, then pass its output)
   */
  readonly zoneProfileId?: string;

  /**
   * Run a connectivity canary in the device VPC against this IoT hostname (the IoT account's IotDataEndpoint output).
   * @default - no canary
   */
  readonly canaryHost?: string;

  /**
   * A Site-to-Site VPN attachment to the Transit Gateway.
   * @default - none
   */
  readonly vpn?: ReferenceVpnOptions;
}

/**
 * The network account of the reference topology: the device VPC, a Transit Gateway shared with the IoT account
 * (attachment and routes to the gatekeeper VPC), a Route 53 Resolver inbound endpoint so on-premises DNS can forward
 * the IoT names, an optional Site-to-Site VPN, and the association with the IoT zones' Route 53 Profile.
 *
 * @example
 * declare const app: App;
 * new NetworkAccountStack(app, 'Network', {
 *   env: { account: '111111111111', region: 'eu-west-1' },
 *   deviceCidr: '10.20.0.0/16',
 *   gatekeeperCidr: '10.10.0.0/16',
 *   iotAccount: '222222222222',
 *   onPremisesCidrs: ['192.168.0.0/16'],
 * });
 */
export class NetworkAccountStack extends Stack {
  public readonly deviceVpc: ec2.Vpc;
  public readonly transitGateway: ec2.CfnTransitGateway;
  public readonly resolverEndpoint: route53resolver.CfnResolverEndpoint;
  public readonly resolverSecurityGroup: ec2.SecurityGroup;
  /**
   * The connectivity canary in the device VPC.
   * @default - none (no canaryHost)
   */
  public readonly canary?: IotConnectivityCanary;

  constructor(scope: Construct, id: string, props: NetworkAccountStackProps) {
    super(scope, id, props);
    const onPremises = props.onPremisesCidrs ?? [];
    const maxAzs = props.maxAzs ?? 2;
    if (maxAzs < 2) {
      invalidProp(this, 'maxAzs', `${maxAzs} is below 2, but a Route 53 Resolver inbound endpoint needs addresses in two zones`, 'use 2 or more');
    }
    checkIpv4Cidrs(this, 'deviceCidr', [props.deviceCidr]);
    checkIpv4Cidrs(this, 'gatekeeperCidr', [props.gatekeeperCidr], '10.10.0.0/16');
    checkIpv4Cidrs(this, 'onPremisesCidrs', onPremises, '192.168.0.0/16');
    if (props.vpn) {
      const ip = props.vpn.customerGatewayIp;
      if (!Token.isUnresolved(ip) && !net.isIPv4(ip)) {
        invalidProp(this, 'vpn', `customerGatewayIp '${ip}' is not an IPv4 address`, 'use the public IPv4 address of the on-premises VPN device');
      }
      const asn = props.vpn.customerGatewayAsn;
      if (asn !== undefined && !Token.isUnresolved(asn) && (!Number.isInteger(asn) || asn < 1 || asn > 4294967294)) {
        invalidProp(this, 'vpn', `customerGatewayAsn ${asn} is not a BGP ASN`, 'use a whole number from 1 to 4294967294 (private: 64512-65534)');
      }
    }
    // One account may play both roles (a sandbox, the integ test): then there is nothing to share.
    const sameAccount = !Token.isUnresolved(props.iotAccount) && !Token.isUnresolved(this.account) && props.iotAccount === this.account;
    if (!sameAccount) { // the Transit Gateway is shared with it
      checkAccountId(this, 'iotAccount', props.iotAccount);
    }

    this.deviceVpc = new ec2.Vpc(this, 'DeviceVpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.deviceCidr),
      maxAzs,
      natGateways: 0,
      subnetConfiguration: [{ name: 'devices', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });
    acknowledgeTopologyVpc(this.deviceVpc);

    this.transitGateway = new ec2.CfnTransitGateway(this, 'TransitGateway', {
      description: 'Device network to the AWS IoT gatekeeper VPC',
      autoAcceptSharedAttachments: 'enable',
      defaultRouteTableAssociation: 'enable',
      defaultRouteTablePropagation: 'enable',
      dnsSupport: 'enable',
    });
    acknowledgeGuard(this.transitGateway, 'ec2_transit_gateway_auto_vpc_attach_disabled_check',
      'Auto-accept admits attachments only from accounts the gateway is shared with: the RAM share names exactly the IoT account, '
      + 'inside the same AWS Organization (allowExternalPrincipals false), or none in the one-account mode; it spares a manual '
      + 'cross-account acceptance step per deployment.');
    if (!sameAccount) {
      new ram.CfnResourceShare(this, 'TransitGatewayShare', {
        name: `${this.stackName}-transit-gateway`,
        resourceArns: [this.formatArn({ service: 'ec2', resource: 'transit-gateway', resourceName: this.transitGateway.ref })],
        principals: [props.iotAccount],
        allowExternalPrincipals: false,
      });
    }
    attachToTransitGateway(this, 'DeviceAttachment', this.deviceVpc, { subnetGroupName: 'devices' }, this.transitGateway.ref, [props.gatekeeperCidr]);

    // On-premises resolvers forward the IoT names (the ATS and credentials hosts) to these addresses.
    this.resolverSecurityGroup = new ec2.SecurityGroup(this, 'ResolverSecurityGroup', {
      vpc: this.deviceVpc,
      description: 'Route 53 Resolver inbound endpoint: DNS from the device VPC and on-premises resolvers',
      allowAllOutbound: false,
    });
    for (const cidr of [props.deviceCidr, ...onPremises]) {
      this.resolverSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.udp(53), 'DNS');
      this.resolverSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(53), 'DNS over TCP');
    }
    this.resolverEndpoint = new route53resolver.CfnResolverEndpoint(this, 'ResolverInbound', {
      direction: 'INBOUND',
      securityGroupIds: [this.resolverSecurityGroup.securityGroupId],
      ipAddresses: this.deviceVpc.selectSubnets({ subnetGroupName: 'devices', onePerAz: true }).subnets
        .map((subnet) => ({ subnetId: subnet.subnetId })),
    });

    if (props.vpn) {
      const customerGateway = new ec2.CfnCustomerGateway(this, 'CustomerGateway', {
        ipAddress: props.vpn.customerGatewayIp,
        bgpAsn: props.vpn.customerGatewayAsn ?? 65000,
        type: 'ipsec.1',
      });
      new ec2.CfnVPNConnection(this, 'Vpn', {
        type: 'ipsec.1',
        customerGatewayId: customerGateway.ref,
        transitGatewayId: this.transitGateway.ref,
      });
    }
    if (props.zoneProfileId) {
      new IotZoneProfileAssociation(this, 'IotZones', { profileId: props.zoneProfileId, vpc: this.deviceVpc });
    }
    if (props.canaryHost) {
      this.canary = new IotConnectivityCanary(this, 'Canary', {
        vpc: this.deviceVpc,
        host: props.canaryHost,
        expectCidrs: [props.gatekeeperCidr],
      });
    }

    new CfnOutput(this, 'TransitGatewayId', { value: this.transitGateway.ref, description: 'Pass to the IoT account (transitGatewayId)' });
    new CfnOutput(this, 'ResolverInboundEndpointId', { value: this.resolverEndpoint.attrResolverEndpointId, description: 'Forward the IoT names here from on-premises DNS' });
  }
}
