import * as net from 'net';
import { Annotations, CfnOutput, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ram from 'aws-cdk-lib/aws-ram';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import { DirectConnectGatewayAssociation, checkAllowedPrefixes, checkDirectConnectGateway } from './direct-connect';
import { acknowledgeTopologyVpc, attachToTransitGateway } from './network';
import { invalidProp } from '../private/errors';
import { ipv4CidrContains, isIpv4CidrBlock } from '../private/formats';
import { acknowledgeGuard } from '../private/nag';
import { checkAccountId, checkCidrsDisjoint, checkIpv4Cidrs, checkStackRegion, isOwnAccount } from '../private/validation';
import { IotConnectivityCanary } from '../probe/connectivity-canary';
import { IotResolverInboundEndpoint } from '../resolver/iot-resolver-inbound-endpoint';
import { IotZoneProfileAssociation } from '../sharing/iot-zone-profile';

// Public through this module (src/topology/index.ts re-exports it with `export *`); the checks stay internal.
export { DirectConnectGatewayAssociation } from './direct-connect';
export type { DirectConnectGatewayAssociationProps } from './direct-connect';

/**
 * A Site-to-Site VPN to the Transit Gateway (instead of Direct Connect, or as its backup).
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
 * The association of an existing Direct Connect gateway with the network account's Transit Gateway (the link of the
 * seed architecture). See `DirectConnectGatewayAssociation` for what is and is not verified.
 */
export interface ReferenceDirectConnectOptions {
  /**
   * The id of an existing Direct Connect gateway of the network account (a UUID). Connections and virtual interfaces
   * are physical and not CloudFormation resources: create them and a transit virtual interface to this gateway first.
   */
  readonly directConnectGatewayId: string;

  /**
   * The prefixes advertised to on-premises over Direct Connect (the association's allowed prefixes). They must cover
   * `deviceCidr` and `gatekeeperCidr`, or on-premises networks cannot route to them (checked at synth time). Removing a
   * prefix on a deployed stack is not applied (see `DirectConnectGatewayAssociationProps.allowedPrefixes`).
   * @default - deviceCidr and gatekeeperCidr
   */
  readonly allowedPrefixes?: string[];
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
   * On-premises CIDRs: their DNS resolvers may query the Resolver inbound endpoint, and the device subnets route them
   * to the Transit Gateway (the way back for DNS answers and any other reply to on-premises). The Transit Gateway
   * learns where they are from the VPN or Direct Connect (BGP route propagation). The routes are created with neither
   * `vpn` nor `directConnect` too, for an on-premises link attached to the Transit Gateway later or outside this
   * stack; until then the Transit Gateway has no route for them and drops that traffic.
   * Must not overlap `deviceCidr` or `gatekeeperCidr`.
   * @default - none (the inbound endpoint admits the device VPC only; no routes to on-premises)
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
   * The IoT account's hostnames (its IotDataEndpoint and IotCredentialsEndpoint outputs), which on-premises DNS
   * forwards to the Resolver inbound endpoint; they appear in the `ResolverForwarders` output next to
   * `greengrass`, `logs` and `s3.<region>.amazonaws.com`, which are always forwarded.
   * @default - none yet (the output then lists the AWS service names only; add the IoT hostnames once the IoT account is deployed)
   */
  readonly iotHostnames?: string[];

  /**
   * A Site-to-Site VPN attachment to the Transit Gateway.
   * @default - none
   */
  readonly vpn?: ReferenceVpnOptions;

  /**
   * Associate an existing Direct Connect gateway with the Transit Gateway (may be combined with `vpn`).
   * @default - none
   */
  readonly directConnect?: ReferenceDirectConnectOptions;
}

/**
 * The network account of the reference topology: the device VPC, a Transit Gateway shared with the IoT account
 * (attachment, and routes from the device subnets to the gatekeeper VPC and to the on-premises networks), a Route 53
 * Resolver inbound endpoint so on-premises DNS can forward the IoT names, an optional Site-to-Site VPN and/or Direct
 * Connect gateway association, and the association with the IoT zones' Route 53 Profile.
 *
 * Checked at synth time: the region name, IPv4 CIDRs, no overlap between the device, gatekeeper and on-premises
 * networks, the Direct Connect gateway id, and allowed prefixes that cover the device and gatekeeper CIDRs.
 *
 * @example
 * declare const app: App;
 * new NetworkAccountStack(app, 'Network', {
 *   env: { account: '111111111111', region: 'eu-west-1' },
 *   deviceCidr: '10.20.0.0/16',
 *   gatekeeperCidr: '10.10.0.0/16',
 *   iotAccount: '222222222222',
 *   onPremisesCidrs: ['192.168.0.0/16'],
 *   directConnect: { directConnectGatewayId: '5f294f92-bafb-4011-916d-9b0b12345678' },
 * });
 */
export class NetworkAccountStack extends Stack {
  /** The device VPC (`deviceCidr`), attached to the Transit Gateway. */
  public readonly deviceVpc: ec2.IVpc;
  /**
   * The Transit Gateway, shared with the IoT account through AWS RAM (an L1: aws-cdk-lib has no Transit Gateway L2).
   * Its id is the stack output `TransitGatewayId`.
   */
  public readonly transitGateway: ec2.CfnTransitGateway;
  /**
   * The Route 53 Resolver inbound endpoint on-premises DNS servers forward the IoT hostnames to (an L1: aws-cdk-lib
   * has no Resolver endpoint L2). Its id is the stack output `ResolverInboundEndpointId`.
   */
  public readonly resolverEndpoint: route53resolver.CfnResolverEndpoint;
  /**
   * The Resolver inbound endpoint as a construct: its addresses, the names forwarded to it and the conditional
   * forwarders on-premises DNS needs (`forwarderConfiguration()`).
   */
  public readonly resolver: IotResolverInboundEndpoint;
  /** The security group of the Resolver inbound endpoint: DNS (TCP and UDP 53) from the on-premises CIDRs only. */
  public readonly resolverSecurityGroup: ec2.ISecurityGroup;
  /**
   * The connectivity canary in the device VPC.
   * @default - none (no canaryHost)
   */
  public readonly canary?: IotConnectivityCanary;
  /**
   * The association of the Direct Connect gateway with the Transit Gateway.
   * @default - none (no directConnect)
   */
  public readonly directConnectAssociation?: DirectConnectGatewayAssociation;

  constructor(scope: Construct, id: string, props: NetworkAccountStackProps) {
    super(scope, id, props);
    const onPremises = props.onPremisesCidrs ?? [];
    const maxAzs = props.maxAzs ?? 2;
    if (maxAzs < 2) {
      invalidProp(this, 'maxAzs', `${maxAzs} is below 2, but a Route 53 Resolver inbound endpoint needs addresses in two zones`, 'use 2 or more');
    }
    checkNetworkCidrs(this, props.deviceCidr, props.gatekeeperCidr, onPremises);
    const allowedPrefixes = props.directConnect ? checkDirectConnect(this, props.directConnect, props.deviceCidr, props.gatekeeperCidr) : [];
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
    const sameAccount = isOwnAccount(this, props.iotAccount);
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
    // The gatekeeper CIDR stays destination 1: route logical ids are `DeviceAttachmentRoute<subnet>To<destination>`.
    attachToTransitGateway(this, 'DeviceAttachment', this.deviceVpc, { subnetGroupName: 'devices' }, this.transitGateway.ref,
      [props.gatekeeperCidr, ...onPremises]);
    if (onPremises.length === 0 && (props.vpn || props.directConnect)) {
      Annotations.of(this).addWarningV2('cdk-private-iot:onPremisesLinkWithoutRoutes',
        `${props.vpn ? 'vpn' : 'directConnect'} is set but onPremisesCidrs is empty: the device subnets have no route back to `
        + 'on-premises networks (DNS answers of the Resolver inbound endpoint included); list them in onPremisesCidrs');
    }

    // On-premises resolvers forward the IoT names (the ATS and credentials hosts) to these addresses.
    this.resolverSecurityGroup = new ec2.SecurityGroup(this, 'ResolverSecurityGroup', {
      vpc: this.deviceVpc,
      description: 'Route 53 Resolver inbound endpoint: DNS from the device VPC and on-premises resolvers',
      allowAllOutbound: false,
    });
    this.resolver = new IotResolverInboundEndpoint(this, 'ResolverInbound', {
      vpc: this.deviceVpc,
      allowedCidrs: [props.deviceCidr, ...onPremises],
      subnets: { subnetGroupName: 'devices', onePerAz: true },
      securityGroup: this.resolverSecurityGroup,
      forwardedDomains: props.iotHostnames,
    });
    ['greengrass', 'logs', 's3'].forEach((service) => this.resolver.forwardAwsService(service));
    this.resolverEndpoint = this.resolver.resource;
    // The logical id of releases before IotResolverInboundEndpoint existed: a new id would replace the endpoint, and
    // with it the addresses every on-premises forwarder points at.
    this.resolverEndpoint.overrideLogicalId('ResolverInbound');

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
    if (props.directConnect) {
      this.directConnectAssociation = new DirectConnectGatewayAssociation(this, 'DirectConnect', {
        directConnectGatewayId: props.directConnect.directConnectGatewayId,
        transitGatewayId: this.transitGateway.ref,
        allowedPrefixes,
      });
      new CfnOutput(this, 'DirectConnectAssociationId', {
        value: this.directConnectAssociation.associationId,
        description: 'Direct Connect gateway association with the Transit Gateway (allowed prefixes: aws directconnect describe-direct-connect-gateway-associations --association-id)',
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
    new CfnOutput(this, 'ResolverInboundEndpointId', {
      value: this.resolverEndpoint.attrResolverEndpointId,
      description: 'The Resolver inbound endpoint on-premises DNS forwards the AWS IoT hostnames and greengrass, logs and s3.<region>.amazonaws.com to '
        + '(the names and addresses: output ResolverForwarders)',
    });
  }
}

/** Checks the CIDR props: IPv4 blocks, and no two networks that routes could not tell apart. */
function checkNetworkCidrs(scope: NetworkAccountStack, deviceCidr: string, gatekeeperCidr: string, onPremises: string[]): void {
  checkStackRegion(scope);
  checkIpv4Cidrs(scope, 'deviceCidr', [deviceCidr]);
  checkIpv4Cidrs(scope, 'gatekeeperCidr', [gatekeeperCidr], '10.10.0.0/16');
  checkIpv4Cidrs(scope, 'onPremisesCidrs', onPremises, '192.168.0.0/16');
  checkCidrsDisjoint(scope, 'deviceCidr', [deviceCidr], 'gatekeeperCidr', [gatekeeperCidr]);
  checkCidrsDisjoint(scope, 'onPremisesCidrs', onPremises, 'deviceCidr', [deviceCidr]);
  checkCidrsDisjoint(scope, 'onPremisesCidrs', onPremises, 'gatekeeperCidr', [gatekeeperCidr]);
  const twice = onPremises.find((c, i) => !Token.isUnresolved(c) && onPremises.indexOf(c) !== i);
  if (twice !== undefined) {
    invalidProp(scope, 'onPremisesCidrs', `lists ${twice} twice, which would make two identical routes`, 'list each CIDR once');
  }
}

/**
 * Checks `directConnect` and returns its allowed prefixes (default: the device and gatekeeper CIDRs), which must cover
 * both networks: on-premises learns routes to those prefixes only.
 */
function checkDirectConnect(scope: NetworkAccountStack, options: ReferenceDirectConnectOptions,
  deviceCidr: string, gatekeeperCidr: string): string[] {
  checkDirectConnectGateway(scope, 'directConnect.directConnectGatewayId', options.directConnectGatewayId);
  const prefixes = options.allowedPrefixes ?? [deviceCidr, gatekeeperCidr];
  checkAllowedPrefixes(scope, 'directConnect.allowedPrefixes', prefixes);
  if (prefixes.some((p) => Token.isUnresolved(p))) {
    return prefixes;
  }
  for (const [prop, cidr] of [['deviceCidr', deviceCidr], ['gatekeeperCidr', gatekeeperCidr]]) {
    if (!Token.isUnresolved(cidr) && isIpv4CidrBlock(cidr) && !prefixes.some((p) => ipv4CidrContains(p, cidr))) {
      invalidProp(scope, 'directConnect.allowedPrefixes', `[${prefixes.join(', ')}] does not cover ${prop} ${cidr}, so on-premises networks `
        + 'would learn no route to it over Direct Connect', `add ${cidr} (or a prefix that contains it), or omit allowedPrefixes for deviceCidr and gatekeeperCidr`);
    }
  }
  return prefixes;
}
