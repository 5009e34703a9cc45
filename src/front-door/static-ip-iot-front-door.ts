import { Annotations, Duration, Fn, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as ga from 'aws-cdk-lib/aws-globalaccelerator';
import * as gaEndpoints from 'aws-cdk-lib/aws-globalaccelerator-endpoints';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { IotCustomDomain, IotCustomDomainOptions } from './custom-domain';
import { IPrivateIotDataEndpoint } from '../endpoint/types';
import { validateCustomDomain } from '../private/custom-domain-validation';
import { invalidProp } from '../private/errors';
import { registerFrontDoor, subnetCidrOf } from '../private/front-doors';
import { MAX_MQTT_KEEP_ALIVE_SECONDS, NLB_TARGETS_PER_TARGET_GROUP, NLB_TARGETS_PER_ZONE } from '../private/limits';
import { IotLookups } from '../private/lookups';
import { acknowledge, acknowledgeGuard, acknowledgeIntrinsicPeers } from '../private/nag';
import { namedOutput } from '../private/outputs';
import { checkStackLimits } from '../private/stack-limits';
import { validateIotPorts, validateQuota } from '../private/validation';

/** NLB TCP idle timeout range (seconds) and the AWS default. */
const MIN_IDLE_TIMEOUT_SECONDS = 60;
const MAX_IDLE_TIMEOUT_SECONDS = 6000;
const DEFAULT_IDLE_TIMEOUT_SECONDS = 350;

/**
 * Properties of a `StaticIpIotFrontDoor`.
 */
export interface StaticIpIotFrontDoorProps {
  /** The AWS IoT Core endpoints to put behind the fixed addresses (every `iot.data` endpoint becomes a target). */
  readonly endpoint: IPrivateIotDataEndpoint;

  /**
   * An internet-facing load balancer with Elastic IP addresses, or an internal one (Direct Connect / VPN) with
   * private addresses.
   * @default true
   */
  readonly internetFacing?: boolean;

  /**
   * The subnets of the load balancer, one per availability zone.
   * @default - the VPC's public subnets (internet-facing) or private subnets (internal), one per availability zone,
   * in the zones of the endpoint
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Existing Elastic IP allocation ids (`eipalloc-...`), one per load balancer subnet, in subnet order. Pass the ids
   * the stack created earlier (output `ElasticIpAllocationIds`) to keep the same addresses after a `cdk destroy`.
   * Only for internet-facing front doors. The count is checked once the subnets are known (not on the CDK CLI's
   * first synthesis pass over a `Vpc.fromLookup` VPC).
   * @default - new Elastic IPs, retained when the stack is deleted
   */
  readonly elasticIpAllocationIds?: string[];

  /**
   * What happens to the Elastic IPs this construct creates when the stack is deleted or they are removed from it.
   * Keep the default for anything a customer allow-lists; `RemovalPolicy.DESTROY` suits sandboxes and tests.
   * @default RemovalPolicy.RETAIN
   */
  readonly elasticIpRemovalPolicy?: RemovalPolicy;

  /**
   * Fixed private IPv4 addresses, one per load balancer subnet, in subnet order. Only for internal front doors.
   * Their count and subnet CIDRs are checked once the subnets are known (not on the CDK CLI's first synthesis pass
   * over a `Vpc.fromLookup` VPC). An address in a subnet imported without its CIDR block (e.g. `Vpc.fromVpcAttributes`
   * without `...SubnetIpv4CidrBlocks`) is not checked against the subnet, with a warning.
   * @default - addresses assigned by AWS (they stay fixed for the life of the load balancer)
   */
  readonly privateIpAddresses?: string[];

  /**
   * The TCP ports to listen on (each forwards to the same port of the endpoints).
   * @default [443, 8443, 8883]
   */
  readonly ports?: number[];

  /**
   * Who may connect to the front door.
   * @default - any IPv4 address for an internet-facing front door (with a warning), the VPC CIDR for an internal one
   */
  readonly clientPeers?: ec2.IPeer[];

  /**
   * Protect the load balancer from deletion.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Spread each zone's traffic over the endpoint interfaces of every zone, so a client pinned to one address keeps
   * working when its zone's endpoint interface is down.
   * @default true
   */
  readonly crossZoneEnabled?: boolean;

  /**
   * Send a client to the same endpoint interface for as long as it reconnects from the same source address.
   * @default false
   */
  readonly sourceIpStickiness?: boolean;

  /**
   * TCP idle timeout of the listeners. Never below 230 seconds, the longest MQTT keep-alive AWS IoT Core accepts over
   * VPC endpoints (an idle MQTT connection must outlive its keep-alive).
   * @default Duration.seconds(350)
   */
  readonly idleTimeout?: Duration;

  /**
   * A custom domain for devices (ACM certificate, `AWS::IoT::DomainConfiguration` of service type `DATA`, Route 53
   * alias record). A new certificate or domain name replaces the domain configuration: read `serverCertificate` and
   * `domainName` of `IotCustomDomainOptions` before changing them on a deployed front door (renewing a certificate under
   * the same ARN needs no deployment).
   * @default - none: devices use the ATS endpoint hostname, which resolves to the fixed addresses only where you
   * make it so (e.g. an on-premises DNS record)
   */
  readonly customDomain?: IotCustomDomainOptions;

  /**
   * Put an AWS Global Accelerator (two anycast static addresses, listeners on the same ports) in front of the load
   * balancer. The custom domain then points at the accelerator, and the accelerator's two addresses become the
   * addresses clients allow-list (`staticIpAddresses`, output `StaticIpAddresses`); the load balancer's own addresses
   * move to `loadBalancerIpAddresses` (output `LoadBalancerIpAddresses`).
   *
   * The accelerator preserves the client's address towards the load balancer (client IP address preservation, which
   * Global Accelerator supports for Network Load Balancers with security groups and TCP listeners), so `clientPeers`
   * keeps working: the load balancer's security group sees the devices' addresses, not the accelerator's.
   * @default false
   */
  readonly globalAccelerator?: boolean;

  /**
   * Your account's Elastic Load Balancing quota "Targets per Availability Zone per Network Load Balancer". Every
   * listener port registers every endpoint interface once, and with cross-zone load balancing on the quota caps the
   * whole load balancer, so synthesis fails above `ports x interfaces`; after AWS raised the quota, set the new value.
   * (The 3,000 targets per load balancer quota cannot be reached before this one at its default.)
   * @default 500
   */
  readonly targetsPerZoneQuota?: number;

  /**
   * Your account's Elastic Load Balancing quota "Targets per Target Group per Region" (IP targets): each target group
   * holds every endpoint interface.
   * @default 1000
   */
  readonly targetsPerTargetGroupQuota?: number;
}

/**
 * Fixed IP addresses (and optionally a custom domain) in front of the AWS IoT Core interface endpoints, for devices
 * behind firewalls that allow-list addresses.
 *
 * A Network Load Balancer with one Elastic IP per availability zone (or fixed private addresses when internal) and TCP
 * pass-through listeners on 443, 8443 and 8883 whose targets are the network interfaces of every `iot.data` endpoint.
 * TLS (and mutual TLS with device certificates) stays end to end between the device and AWS IoT Core.
 *
 * AWS IoT Core sees the load balancer's private address, not the device's: a `VpceOnlyIotPolicy` with `sourceIpCidrs`
 * over these endpoints must include the CIDRs of the load balancer's subnets (synthesis fails otherwise).
 *
 * @example
 * declare const endpoint: PrivateIotDataEndpoint;
 * declare const zone: route53.IHostedZone;
 * const frontDoor = new StaticIpIotFrontDoor(this, 'FrontDoor', {
 *   endpoint,
 *   clientPeers: [ec2.Peer.ipv4('203.0.113.0/24')],
 *   customDomain: { domainName: 'mqtt.example.com', hostedZone: zone },
 * });
 */
export class StaticIpIotFrontDoor extends Construct implements ec2.IConnectable {
  /**
   * The Network Load Balancer. The concrete class, not `elbv2.INetworkLoadBalancer`: the interface lacks what users of
   * a load balancer this construct creates need, e.g. `setAttribute`, `loadBalancerName` and `loadBalancerFullName`
   * (CloudWatch dimensions); aws-cdk-lib's own patterns expose the load balancers they create the same way.
   */
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** The security group of the load balancer. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The network connections of the load balancer (its security group; default port 8883). */
  public readonly connections: ec2.Connections;
  /** One listener per port. */
  public readonly listeners: elbv2.INetworkListener[];
  /**
   * One target group per port; each holds every network interface address of every `iot.data` endpoint. The concrete
   * class, for `setAttribute`, `configureHealthCheck` and the target group metrics.
   */
  public readonly targetGroups: elbv2.NetworkTargetGroup[];
  /**
   * The Elastic IPs this construct created (retained on stack deletion); empty when ids were given or internal.
   * L1 constructs: aws-cdk-lib has no L2 for `AWS::EC2::EIP`.
   */
  public readonly elasticIps: ec2.CfnEIP[];
  /**
   * The Elastic IP allocation ids of the load balancer (internet-facing only).
   * @attribute
   */
  public readonly elasticIpAllocationIds: string[];
  /**
   * The fixed addresses devices connect to, which client firewalls allow-list (output `StaticIpAddresses`): the
   * Global Accelerator's two static addresses when `globalAccelerator` is on; otherwise the load balancer's
   * (`loadBalancerIpAddresses`).
   * @attribute
   */
  public readonly staticIpAddresses: string[];
  /**
   * The load balancer's own fixed addresses: its Elastic IPs (internet-facing) or the private addresses given
   * (internal; empty when AWS assigns them). Without an accelerator these are `staticIpAddresses`.
   * @attribute
   */
  public readonly loadBalancerIpAddresses: string[];
  /**
   * The Global Accelerator's two static IPv4 addresses (empty without `globalAccelerator`). When the custom domain
   * points at the accelerator, these are the addresses clients allow-list (output `AcceleratorIpAddresses`).
   * @attribute
   */
  public readonly acceleratorIpAddresses: string[];
  /** The listening ports. */
  public readonly ports: number[];
  /**
   * The Global Accelerator.
   * @default - none (not requested)
   */
  public readonly accelerator?: ga.IAccelerator;
  /**
   * The custom domain's certificate and domain configuration.
   * @default - none (no custom domain)
   */
  public readonly customDomain?: IotCustomDomain;
  /**
   * The address record of the custom domain.
   * @default - none (no custom domain)
   */
  public readonly domainRecord?: route53.IRecordSet;

  constructor(scope: Construct, id: string, props: StaticIpIotFrontDoorProps) {
    super(scope, id);
    const internetFacing = props.internetFacing ?? true;
    const crossZoneEnabled = props.crossZoneEnabled ?? true;

    // --- validation first: bad input changes nothing -------------------------------------------------
    this.ports = validateIotPorts(this, props.ports);
    const idleTimeout = this.validateIdleTimeout(props.idleTimeout);
    const { subnets, pendingLookup } = this.selectSubnets(props, internetFacing, crossZoneEnabled);
    const uncheckedAddresses = this.validateAddresses(props, internetFacing, subnets, pendingLookup);
    this.validateTargets(props, crossZoneEnabled);
    if (props.customDomain) {
      validateCustomDomain(this, props.customDomain, 'customDomain.');
    }
    const clientPeers = this.clientPeersOf(props, internetFacing);
    if (uncheckedAddresses.length > 0) {
      Annotations.of(this).addWarningV2('cdk-private-iot:frontDoorPrivateIpUnchecked',
        `privateIpAddresses: load balancer ${uncheckedAddresses.length > 1 ? 'subnets' : 'subnet'} ${uncheckedAddresses.join(', ')} `
        + `${uncheckedAddresses.length > 1 ? 'were' : 'was'} imported without a CIDR block, so the addresses given for them are not checked `
        + 'against their subnets (a wrong one fails only at deployment). Import the subnets with their CIDRs (e.g. the ...SubnetIpv4CidrBlocks '
        + 'of Vpc.fromVpcAttributes) to have them checked.');
    }

    // --- addresses -------------------------------------------------------------------------------------
    const createsElasticIps = internetFacing && props.elasticIpAllocationIds === undefined;
    this.elasticIps = createsElasticIps ? this.createElasticIps(subnets.length, props.elasticIpRemovalPolicy) : [];
    this.elasticIpAllocationIds = internetFacing
      ? props.elasticIpAllocationIds ?? this.elasticIps.map((eip) => eip.attrAllocationId)
      : [];
    this.loadBalancerIpAddresses = this.loadBalancerAddressesOf(props, internetFacing);

    // --- load balancer, listeners and targets ------------------------------------------------------------
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.endpoint.vpc,
      description: 'AWS IoT Core front door: MQTT/HTTPS from the named clients to the IoT endpoints',
      allowAllOutbound: false,
    });
    this.securityGroup = securityGroup;
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(8883) });
    this.loadBalancer = this.createLoadBalancer(props, internetFacing, crossZoneEnabled, subnets);
    const { listeners, targetGroups } = this.createListeners(props, clientPeers, idleTimeout);
    this.listeners = listeners;
    this.targetGroups = targetGroups;
    // AWS IoT Core sees the load balancer's private address (client IP preservation is off towards interface endpoint
    // ENIs): VpceOnlyIotPolicy checks its aws:VpcSourceIp CIDRs against these subnets at synthesis.
    registerFrontDoor(this, props.endpoint.dataEndpoints, subnets, pendingLookup);
    this.acknowledgeFindings(internetFacing, crossZoneEnabled, props.deletionProtection ?? true, clientPeers);
    checkStackLimits(this, {
      prop: 'ports',
      detail: `ports [${this.ports.join(', ')}]: ${this.ports.length} listeners and target groups`,
      fix: 'move the front door into a stack of its own (pass it the endpoint)',
    });

    // --- optional accelerator and custom domain ----------------------------------------------------------
    const accelerator = props.globalAccelerator ? this.createAccelerator(props.sourceIpStickiness ?? false) : undefined;
    this.accelerator = accelerator?.accelerator;
    this.acceleratorIpAddresses = accelerator?.ipAddresses ?? [];
    this.staticIpAddresses = this.accelerator ? this.acceleratorIpAddresses : this.loadBalancerIpAddresses;
    if (props.customDomain) {
      this.customDomain = new IotCustomDomain(this, 'CustomDomain', props.customDomain);
      this.domainRecord = this.createDomainRecord(props.customDomain);
    }

    this.addOutputs();
  }

  /** The given client peers, or the default (any IPv4 address with a warning, or the VPC CIDR when internal). */
  private clientPeersOf(props: StaticIpIotFrontDoorProps, internetFacing: boolean): ec2.IPeer[] {
    const clientPeers = props.clientPeers ?? (internetFacing ? [ec2.Peer.anyIpv4()] : [ec2.Peer.ipv4(props.endpoint.vpc.vpcCidrBlock)]);
    if (clientPeers.length === 0) {
      invalidProp(this, 'clientPeers', 'is empty, so no device could connect', 'name the device networks, or omit clientPeers');
    }
    if (internetFacing && props.clientPeers === undefined) {
      Annotations.of(this).addWarningV2('cdk-private-iot:frontDoorOpenToInternet',
        'clientPeers is not set, so the internet-facing front door accepts connections from any IPv4 address on '
        + `${this.ports.join(', ')} (devices still need valid credentials). Set clientPeers to the device networks' public CIDRs to narrow it.`);
    }
    return clientPeers;
  }

  /** One new Elastic IP per load balancer subnet (internet-facing, no allocation ids given). */
  private createElasticIps(count: number, removalPolicy: RemovalPolicy | undefined): ec2.CfnEIP[] {
    return Array.from({ length: count }, (_, i) => {
      const eip = new ec2.CfnEIP(this, `ElasticIp${i + 1}`, {
        domain: 'vpc',
        tags: [{ key: 'Name', value: `${this.node.path}/ElasticIp${i + 1}` }],
      });
      // An address a customer allow-listed must outlive the stack and any replacement of the load balancer.
      eip.applyRemovalPolicy(removalPolicy ?? RemovalPolicy.RETAIN);
      return eip;
    });
  }

  /** The load balancer's own fixed addresses: the Elastic IPs' (new or looked up), or the given private ones. */
  private loadBalancerAddressesOf(props: StaticIpIotFrontDoorProps, internetFacing: boolean): string[] {
    if (!internetFacing) {
      return props.privateIpAddresses ?? [];
    }
    if (props.elasticIpAllocationIds === undefined) {
      return this.elasticIps.map((eip) => eip.attrPublicIp);
    }
    return IotLookups.of(this).elasticIpAddresses(this, 'ElasticIpAddresses', props.elasticIpAllocationIds);
  }

  /** The Network Load Balancer: one subnet mapping per subnet, with its Elastic IP or private address. */
  private createLoadBalancer(props: StaticIpIotFrontDoorProps, internetFacing: boolean, crossZoneEnabled: boolean,
    subnets: ec2.ISubnet[]): elbv2.NetworkLoadBalancer {
    const loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: props.endpoint.vpc,
      internetFacing,
      crossZoneEnabled,
      deletionProtection: props.deletionProtection ?? true,
      securityGroups: [this.securityGroup],
      subnetMappings: subnets.map((subnet, i) => ({
        subnet,
        ...(internetFacing ? { allocationId: this.elasticIpAllocationIds[i] } : {}),
        ...(props.privateIpAddresses ? { privateIpv4Address: props.privateIpAddresses[i] } : {}),
      })),
    });
    this.elasticIps.forEach((eip) => loadBalancer.node.addDependency(eip));
    return loadBalancer;
  }

  /**
   * Per port: the security group rules (clients in, endpoints out), a target group of every endpoint interface and a
   * TCP listener.
   */
  private createListeners(props: StaticIpIotFrontDoorProps, clientPeers: ec2.IPeer[], idleTimeout: Duration)
    : { listeners: elbv2.NetworkListener[]; targetGroups: elbv2.NetworkTargetGroup[] } {
    const endpoint = props.endpoint;
    const ips = endpoint.dataEndpoints.flatMap((e) => endpoint.privateIpAddresses(e));
    const listeners: elbv2.NetworkListener[] = [];
    const targetGroups: elbv2.NetworkTargetGroup[] = [];
    for (const port of this.ports) {
      for (const peer of clientPeers) {
        this.securityGroup.addIngressRule(peer, ec2.Port.tcp(port), `AWS IoT Core on ${port}`);
      }
      // TCP pass-through both ways: a TLS listener would end the device's mutual TLS at the load balancer.
      this.securityGroup.connections.allowTo(endpoint, ec2.Port.tcp(port), `To AWS IoT Core endpoints on ${port}`);
      const targetGroup = new elbv2.NetworkTargetGroup(this, `Targets${port}`, {
        vpc: endpoint.vpc,
        port,
        protocol: elbv2.Protocol.TCP,
        targetType: elbv2.TargetType.IP,
        targets: ips.map((ip) => new elbv2targets.IpTarget(ip, port)),
        healthCheck: { enabled: true, protocol: elbv2.Protocol.TCP, port: `${port}` },
        preserveClientIp: false,
        deregistrationDelay: Duration.seconds(30),
      });
      if (props.sourceIpStickiness) {
        targetGroup.setAttribute('stickiness.enabled', 'true');
        targetGroup.setAttribute('stickiness.type', 'source_ip');
      }
      const listener = this.loadBalancer.addListener(`Listener${port}`, {
        port,
        protocol: elbv2.Protocol.TCP,
        defaultTargetGroups: [targetGroup],
        tcpIdleTimeout: idleTimeout,
      });
      targetGroups.push(targetGroup);
      listeners.push(listener);
    }
    return { listeners, targetGroups };
  }

  /** A Global Accelerator with one TCP listener on the ports, whose endpoint is the load balancer. */
  private createAccelerator(sourceIpStickiness: boolean): { accelerator: ga.Accelerator; ipAddresses: string[] } {
    const accelerator = new ga.Accelerator(this, 'Accelerator', { ipAddressType: ga.IpAddressType.IPV4 });
    const listener = accelerator.addListener('Listener', {
      portRanges: this.ports.map((port) => ({ fromPort: port })),
      protocol: ga.ConnectionProtocol.TCP,
      clientAffinity: sourceIpStickiness ? ga.ClientAffinity.SOURCE_IP : ga.ClientAffinity.NONE,
    });
    listener.addEndpointGroup('Endpoints', {
      // Client IP address preservation: without it the load balancer's security group sees the accelerator's edge
      // addresses, so narrowed clientPeers would block every device. Supported for a Network Load Balancer with
      // security groups and no TLS listener, whose targets are in its VPC (all true here). This is not the target
      // groups' preserveClientIp, which stays off: their targets are interface endpoint ENIs.
      endpoints: [new gaEndpoints.NetworkLoadBalancerEndpoint(this.loadBalancer, { preserveClientIp: true })],
    });
    // An accelerator has exactly two static IPv4 addresses (no BYOIP addresses are passed).
    const addresses = accelerator.node.defaultChild as ga.CfnAccelerator;
    return { accelerator, ipAddresses: [0, 1].map((i) => Fn.select(i, addresses.attrIpv4Addresses)) };
  }

  /** The custom domain's alias record: at the accelerator when there is one, else at the load balancer. */
  private createDomainRecord(customDomain: IotCustomDomainOptions): route53.ARecord {
    const loadBalancer = this.loadBalancer;
    const target: route53.IAliasRecordTarget = this.accelerator
      ? new route53targets.GlobalAcceleratorTarget(this.accelerator)
      // No `dualstack.` prefix (aws-cdk-lib's LoadBalancerTarget adds one): the load balancer is IPv4-only.
      : { bind: () => ({ dnsName: loadBalancer.loadBalancerDnsName, hostedZoneId: loadBalancer.loadBalancerCanonicalHostedZoneId }) };
    return new route53.ARecord(this, 'DomainRecord', {
      zone: customDomain.hostedZone,
      // Fully qualified (trailing dot): aws-cdk-lib would otherwise append or compare the zone's name, which a zone
      // imported with `HostedZone.fromHostedZoneId` does not have. domainName is the whole name devices use.
      recordName: `${customDomain.domainName}.`,
      target: route53.RecordTarget.fromAlias(target),
    });
  }

  /**
   * What a firewall team needs. `StaticIpAddresses` is always the allow-list: the load balancer's addresses, or the
   * accelerator's when there is one (the load balancer's then go to `LoadBalancerIpAddresses`).
   */
  private addOutputs(): void {
    if (this.accelerator) {
      namedOutput(this, 'StaticIpAddresses', {
        description: 'Global Accelerator static addresses of the AWS IoT Core front door, which AcceleratorDnsName (and the custom domain, if any) resolve to (allow-list these)',
        value: Fn.join(',', this.staticIpAddresses),
      });
      namedOutput(this, 'AcceleratorIpAddresses', {
        description: 'The two static addresses of the Global Accelerator in front of the AWS IoT Core front door',
        value: Fn.join(',', this.acceleratorIpAddresses),
      });
      if (this.loadBalancerIpAddresses.length > 0) {
        namedOutput(this, 'LoadBalancerIpAddresses', {
          description: 'Addresses of the load balancer behind the Global Accelerator (not the allow-list: clients connect through the accelerator, StaticIpAddresses)',
          value: Fn.join(',', this.loadBalancerIpAddresses),
        });
      }
    } else if (this.staticIpAddresses.length > 0) {
      namedOutput(this, 'StaticIpAddresses', {
        description: 'Fixed addresses of the AWS IoT Core front door (allow-list these)',
        value: Fn.join(',', this.staticIpAddresses),
      });
    }
    if (this.elasticIpAllocationIds.length > 0) {
      namedOutput(this, 'ElasticIpAllocationIds', {
        description: 'Elastic IP allocation ids (retained; pass them as elasticIpAllocationIds to keep the addresses after a redeploy)',
        value: Fn.join(',', this.elasticIpAllocationIds),
      });
    }
    if (this.accelerator) {
      namedOutput(this, 'AcceleratorDnsName', { description: 'Global Accelerator DNS name', value: this.accelerator.dnsName });
    }
  }


  private validateTargets(props: StaticIpIotFrontDoorProps, crossZoneEnabled: boolean): void {
    const perZoneQuota = validateQuota(this, 'targetsPerZoneQuota', props.targetsPerZoneQuota, NLB_TARGETS_PER_ZONE);
    const perGroupQuota = validateQuota(this, 'targetsPerTargetGroupQuota', props.targetsPerTargetGroupQuota, NLB_TARGETS_PER_TARGET_GROUP);
    const endpoint = props.endpoint;
    const interfaces = endpoint.dataEndpoints.length * endpoint.networkInterfacesPerEndpoint;
    const what = `${interfaces} endpoint interfaces (${endpoint.dataEndpoints.length} endpoints x ${endpoint.networkInterfacesPerEndpoint} zones)`;
    const smaller = 'give part of the fleet its own PrivateIotDataEndpoint and front door';
    if (interfaces > perGroupQuota) {
      invalidProp(this, 'endpoint', `has ${what}, and each target group would hold all of them, more than the ${perGroupQuota} `
        + 'of the quota "Targets per Target Group per Region"', `${smaller}, or have AWS raise the quota and set targetsPerTargetGroupQuota`);
    }
    // A target registered with N target groups counts N times; cross-zone makes the per-zone quota load balancer wide.
    const counted = this.ports.length * (crossZoneEnabled ? interfaces : endpoint.dataEndpoints.length);
    if (counted > perZoneQuota) {
      invalidProp(this, 'ports', `[${this.ports.join(', ')}] x ${crossZoneEnabled ? what : `${endpoint.dataEndpoints.length} endpoint interfaces per zone`} `
        + `= ${counted} targets${crossZoneEnabled ? ' (cross-zone, so counted for the whole load balancer)' : ' per zone'}, more than the ${perZoneQuota} `
        + 'of the quota "Targets per Availability Zone per Network Load Balancer"',
      `listen on fewer ports, ${smaller}${crossZoneEnabled ? ', set crossZoneEnabled: false (the quota then counts each zone alone)' : ''}, `
        + 'or have AWS raise the quota and set targetsPerZoneQuota');
    }
  }

  private validateIdleTimeout(idleTimeout: Duration | undefined): Duration {
    const value = idleTimeout ?? Duration.seconds(DEFAULT_IDLE_TIMEOUT_SECONDS);
    if (!value.isUnresolved()) {
      const seconds = value.toSeconds({ integral: false });
      if (seconds < MAX_MQTT_KEEP_ALIVE_SECONDS) {
        invalidProp(this, 'idleTimeout', `${seconds} s is below the ${MAX_MQTT_KEEP_ALIVE_SECONDS} s MQTT keep-alive devices may use over VPC endpoints, `
          + 'so the load balancer would drop idle but healthy connections', `use at least ${MAX_MQTT_KEEP_ALIVE_SECONDS} s (default ${DEFAULT_IDLE_TIMEOUT_SECONDS} s)`);
      }
      if (seconds > MAX_IDLE_TIMEOUT_SECONDS || !Number.isInteger(seconds) || seconds < MIN_IDLE_TIMEOUT_SECONDS) {
        invalidProp(this, 'idleTimeout', `${seconds} s is not a whole number of seconds from ${MIN_IDLE_TIMEOUT_SECONDS} to ${MAX_IDLE_TIMEOUT_SECONDS}`,
          `use a whole number of seconds from ${MAX_MQTT_KEEP_ALIVE_SECONDS} to ${MAX_IDLE_TIMEOUT_SECONDS}`);
      }
    }
    return value;
  }

  /**
   * The load balancer subnets; `pendingLookup` on the CLI's first pass over a `Vpc.fromLookup` VPC, whose dummy
   * subnets (count, zones, CIDRs) say nothing yet: their checks wait for the pass with the looked-up VPC.
   */
  private selectSubnets(props: StaticIpIotFrontDoorProps, internetFacing: boolean, crossZoneEnabled: boolean): LoadBalancerSubnets {
    const vpc = props.endpoint.vpc;
    const selection = props.subnets ?? (internetFacing ? { subnetType: ec2.SubnetType.PUBLIC } : {});
    let selected: ec2.SelectedSubnets;
    try {
      selected = vpc.selectSubnets({ ...selection, onePerAz: true });
    } catch (e) {
      return invalidProp(this, 'subnets', `selects no usable subnet (${(e as Error).message})`,
        internetFacing ? 'give the VPC public subnets, or set internetFacing: false' : 'give the VPC private subnets');
    }
    let subnets = selected.subnets;
    if (selected.isPendingLookup) {
      return { subnets, pendingLookup: true };
    }
    const endpointAzs = props.endpoint.availabilityZones;
    const comparable = !endpointAzs.some((az) => Token.isUnresolved(az)) && !subnets.some((s) => Token.isUnresolved(s.availabilityZone));
    if (props.subnets === undefined && comparable) {
      subnets = subnets.filter((s) => endpointAzs.includes(s.availabilityZone));
    }
    if (subnets.length === 0) {
      invalidProp(this, 'subnets', `selects no subnet in the endpoint's zones [${endpointAzs.join(', ')}]`,
        `add ${internetFacing ? 'public' : 'private'} subnets in those zones, or select subnets explicitly`);
    }
    const publicSubnetIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
    if (internetFacing && subnets.some((s) => !publicSubnetIds.has(s.subnetId))) {
      invalidProp(this, 'subnets', 'include a subnet that is not public, where an internet-facing load balancer cannot receive traffic',
        'select public subnets, or set internetFacing: false for Direct Connect / VPN');
    }
    if (!crossZoneEnabled && comparable) {
      const orphaned = subnets.filter((s) => !endpointAzs.includes(s.availabilityZone));
      if (orphaned.length > 0) {
        invalidProp(this, 'crossZoneEnabled', `is false but the load balancer zones [${orphaned.map((s) => s.availabilityZone).join(', ')}] hold no endpoint `
          + 'interface, so their static addresses would lead nowhere', 'enable cross-zone load balancing, or use subnets in the endpoint\'s zones only');
      }
    }
    return { subnets, pendingLookup: false };
  }

  /**
   * Checks the addresses; their count and subnet CIDRs only once the subnets are real (not `pendingLookup`). Returns
   * the numbers (1-based) of the subnets whose private address could not be checked against the subnet's CIDR,
   * because the subnet was imported without it.
   */
  private validateAddresses(props: StaticIpIotFrontDoorProps, internetFacing: boolean, subnets: ec2.ISubnet[], pendingLookup: boolean): number[] {
    const unchecked: number[] = [];
    const allocationIds = props.elasticIpAllocationIds;
    if (allocationIds !== undefined) {
      if (!internetFacing) {
        invalidProp(this, 'elasticIpAllocationIds', 'is given for an internal front door, which has no public addresses',
          'drop elasticIpAllocationIds, or use privateIpAddresses to fix the internal addresses');
      }
      if (!pendingLookup && allocationIds.length !== subnets.length) {
        invalidProp(this, 'elasticIpAllocationIds', `has ${allocationIds.length} ids for ${subnets.length} load balancer subnets`,
          `give exactly one allocation id per subnet (${subnets.length})`);
      }
      const bad = allocationIds.filter((a) => !Token.isUnresolved(a) && !/^eipalloc-[0-9a-f]{8,17}$/.test(a));
      if (bad.length > 0) {
        invalidProp(this, 'elasticIpAllocationIds', `contains '${bad[0]}', which is not an Elastic IP allocation id`, 'use ids like eipalloc-0123456789abcdef0');
      }
      if (new Set(allocationIds).size !== allocationIds.length) {
        invalidProp(this, 'elasticIpAllocationIds', 'lists an allocation id twice', 'give each subnet its own Elastic IP');
      }
    }
    if (props.elasticIpRemovalPolicy !== undefined && (!internetFacing || allocationIds !== undefined)) {
      invalidProp(this, 'elasticIpRemovalPolicy', `is given but this front door creates no Elastic IP (${internetFacing ? 'elasticIpAllocationIds are given' : 'it is internal'})`,
        'drop elasticIpRemovalPolicy (it applies only to Elastic IPs the construct creates)');
    }
    const privateIps = props.privateIpAddresses;
    if (privateIps !== undefined) {
      if (internetFacing) {
        invalidProp(this, 'privateIpAddresses', 'is given for an internet-facing front door', 'set internetFacing: false, or use elasticIpAllocationIds');
      }
      if (!pendingLookup && privateIps.length !== subnets.length) {
        invalidProp(this, 'privateIpAddresses', `has ${privateIps.length} addresses for ${subnets.length} load balancer subnets`,
          `give exactly one address per subnet (${subnets.length})`);
      }
      privateIps.forEach((ip, i) => {
        if (Token.isUnresolved(ip)) {
          return;
        }
        const subnet = pendingLookup ? undefined : subnets[i];
        // A subnet imported without its CIDR (aws-cdk-lib throws on reading it) leaves its address unchecked.
        const cidr = subnet && subnetCidrOf(subnet);
        if (subnet && cidr === undefined) {
          unchecked.push(i + 1);
        }
        if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(ip) || ip.split('.').some((o) => Number(o) > 255)) {
          invalidProp(this, 'privateIpAddresses', `contains '${ip}', which is not an IPv4 address`, 'use dotted IPv4 addresses from the subnets');
        }
        if (cidr && !Token.isUnresolved(cidr)) {
          if (!inCidr(ip, cidr)) {
            invalidProp(this, 'privateIpAddresses', `contains '${ip}', which is outside subnet ${i + 1} (${cidr})`,
              'give each subnet an address from its own CIDR block, in subnet order');
          }
          if (isReservedInSubnet(ip, cidr)) {
            invalidProp(this, 'privateIpAddresses', `contains '${ip}', one of the five addresses AWS reserves in subnet ${i + 1} (${cidr}: the first four and the last)`,
              'pick another address of the subnet');
          }
        }
      });
    }
    return unchecked;
  }

  /** The load balancer's own findings that are by design, acknowledged with the reason. */
  private acknowledgeFindings(internetFacing: boolean, crossZoneEnabled: boolean, deletionProtection: boolean, clientPeers: ec2.IPeer[]): void {
    const noAccessLogs = 'Access logs of a Network Load Balancer exist only for TLS listeners; this front door passes TCP through so that mutual TLS ends at '
      + 'AWS IoT Core, which logs every connection itself (AWS IoT logging).';
    acknowledge(this.loadBalancer, ['AwsSolutions-ELB2', 'NIST.800.53.R5-ELBLoggingEnabled', 'HIPAA.Security-ELBLoggingEnabled', 'PCI.DSS.321-ELBLoggingEnabled']
      .map((id) => ({ id, reason: noAccessLogs })));
    acknowledgeGuard(this.loadBalancer, 'elbv2_logging_enabled_check', `${noAccessLogs} (Elastic Load Balancing User Guide, "Access logs `
      + 'for your Network Load Balancer": access logs are created only if the load balancer has a TLS listener.)');
    if (!deletionProtection) {
      acknowledgeGuard(this.loadBalancer, 'elbv2_deletion_protection_enabled_check', 'Deletion protection is off because the stack asked '
        + 'for it (deletionProtection: false), e.g. for a test or a stack that is torn down often; the default is on.');
    }
    if (!crossZoneEnabled) {
      acknowledgeGuard(this.loadBalancer, 'nlb_cross_zone_load_balancing_enabled_check', 'Cross-zone load balancing is off because the '
        + 'stack asked for it (crossZoneEnabled: false), e.g. to avoid inter-zone data charges; each zone\'s address then reaches only the '
        + 'endpoint interfaces in its own zone, which the construct checks.');
    }
    const passThrough = 'The listener is TCP on purpose: a TLS listener with an ACM certificate would end the device\'s mutual TLS at the load balancer, '
      + 'and AWS IoT Core could no longer authenticate the device certificate; TLS stays end to end between device and AWS IoT Core.';
    for (const listener of this.listeners) {
      acknowledge(listener, ['NIST.800.53.R5-ELBv2ACMCertificateRequired', 'HIPAA.Security-ELBv2ACMCertificateRequired', 'PCI.DSS.321-ELBv2ACMCertificateRequired']
        .map((id) => ({ id, reason: passThrough })));
    }
    const openToAnyone = clientPeers.some((p) => p.uniqueId === '0.0.0.0/0' || p.uniqueId === '::/0');
    if (internetFacing && openToAnyone) {
      // The warning above already names the prop; cdk-nag's report stays unacknowledged on purpose, so its users see it.
      // Control Tower's controls get the reason: the front door exists for devices whose public addresses are unknown.
      const reason = 'An internet-facing AWS IoT Core front door open to any address (clientPeers not narrowed, with a synth warning): '
        + `devices reach it from public addresses that change, it passes only TCP ${this.ports.join('/')} to AWS IoT Core, and AWS IoT Core `
        + 'authenticates every connection with the device\'s X.509 certificate (mutual TLS). Narrow clientPeers where the sites\' addresses are known.';
      acknowledgeGuard(this.securityGroup, 'vpc_sg_open_only_to_authorized_ports_check', reason);
      acknowledgeGuard(this.securityGroup, 'vpc_sg_restricted_common_ports_check', reason);
      return;
    }
    if (clientPeers.some((p) => Token.isUnresolved(p.uniqueId))) {
      acknowledgeIntrinsicPeers(this.securityGroup, this.ports, 'the front door security group');
    }
  }
}

/** The subnets a front door's load balancer uses. */
interface LoadBalancerSubnets {
  readonly subnets: ec2.ISubnet[];
  /** The VPC is a `Vpc.fromLookup` VPC not looked up yet (dummy subnets). */
  readonly pendingLookup: boolean;
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4ToNumber(ip) / size) === Math.floor(ipv4ToNumber(base) / size);
}

/** AWS reserves the first four addresses and the last one of every subnet. */
function isReservedInSubnet(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const offset = ipv4ToNumber(ip) - Math.floor(ipv4ToNumber(base) / size) * size;
  return offset < 4 || offset === size - 1;
}
