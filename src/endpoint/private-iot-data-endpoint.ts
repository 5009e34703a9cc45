import { Annotations, ContextProvider, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct, IConstruct } from 'constructs';
import { IotVpcEndpointAwsService } from './iot-vpc-endpoint-aws-service';
import { IotEndpointDnsName, IPrivateIotDataEndpoint } from './types';
import { CdkPrivateIotError, invalidProp } from '../private/errors';
import { grantIotConnect, grantIotTopics } from '../private/iot-grants';
import { DEVICES_PER_ENDPOINT, INTERFACE_ENDPOINTS_PER_VPC, MAX_MQTT_KEEP_ALIVE_SECONDS } from '../private/limits';
import { IotLookups, NetworkInterfaceAddresses } from '../private/lookups';
import { acknowledgeIntrinsicPeers } from '../private/nag';
import { regionFacts } from '../private/partition';
import { checkStackLimits } from '../private/stack-limits';
import { ATS_DATA_HOST, CREDENTIALS_HOST, ENDPOINT_SERVICE_NAME, checkStackRegion, validateIotPorts, validateQuota } from '../private/validation';

/**
 * Options for one AWS IoT endpoint service of a `PrivateIotDataEndpoint`.
 */
export interface IotVpcEndpointOptions {
  /** The service. */
  readonly service: IotVpcEndpointAwsService;

  /**
   * Whether to turn on private DNS. AWS offers no private DNS for `iot.data` and `iot.credentials`
   * (asking for it is an error: use `IotPrivateHostedZone`).
   * @default - true for services that support it (`greengrass`), false otherwise
   */
  readonly privateDnsEnabled?: boolean;

  /**
   * Statements of the endpoint policy. Only for services that support endpoint policies (`greengrass`);
   * `iot.data` and `iot.credentials` reject endpoint policies (an error here).
   * @default - no endpoint policy (full access)
   */
  readonly policyStatements?: iam.PolicyStatement[];
}

/**
 * Properties of a `PrivateIotDataEndpoint`.
 */
export interface PrivateIotDataEndpointProps {
  /** The VPC to place the endpoints in. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets to place the endpoints in; one per availability zone is used, and only in the zones that offer
   * every requested service. On the CDK CLI's first synthesis pass, while the VPC (`Vpc.fromLookup`), the region's
   * zone names or the zones of the services are not looked up yet, every selected subnet is used unchecked and the
   * missing context is reported; the checks run on the pass that has the looked-up values.
   * @default - the VPC's private subnets (with egress, else isolated), one per availability zone
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * The availability zone names (of this account) that offer every requested endpoint service. Subnets in other
   * zones are skipped. The list is matched against the subnets' zone names once those are real: not on the CDK CLI's
   * first synthesis pass, while a `Vpc.fromLookup` VPC or the zones of a `new ec2.Vpc` without `availabilityZones`
   * are aws-cdk-lib's placeholders (`dummy1a`, ...).
   * @default - looked up (`endpoint-service-availability-zones` context) when the stack has a concrete account and
   * region; otherwise every selected zone is used unverified, with a warning
   */
  readonly supportedAvailabilityZones?: string[];

  /**
   * Accept an endpoint in a single availability zone (no redundancy: devices lose AWS IoT Core when that zone fails).
   * @default false
   */
  readonly allowSingleAvailabilityZone?: boolean;

  /**
   * Further AWS IoT endpoint services; `iot.data` is always created (list it here only to give it options).
   * @default - `iot.data` only
   */
  readonly services?: IotVpcEndpointOptions[];

  /**
   * TCP ports opened on the endpoint security group: 443 (MQTT or HTTPS with ALPN), 8443 (HTTPS), 8883 (MQTT).
   * @default [443, 8443, 8883]
   */
  readonly ports?: number[];

  /**
   * Who may reach the endpoints on `ports`: on-premises CIDRs, a Transit Gateway's CIDRs, a load balancer.
   * @default - the VPC's IPv4 CIDR block
   */
  readonly peers?: ec2.IPeer[];

  /**
   * A security group to use instead of a new one (rules for `ports` and `peers` are added to it).
   * @default - a new security group with no outbound rules
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * How many devices connect at the same time. Each `iot.data` endpoint takes up to 100,000 concurrent
   * connections, so `ceil(expectedDevices / 100,000)` data endpoints are created.
   * @default 100000
   */
  readonly expectedDevices?: number;

  /**
   * Your account's AWS PrivateLink quota "Interface and Gateway Load Balancer endpoints per VPC". Synthesis fails when
   * this construct alone needs more endpoints in the VPC (one per 100,000 devices, plus `iot.credentials` and
   * `greengrass`); after AWS raised the quota for you, set the new value here.
   * @default 50
   */
  readonly interfaceEndpointQuota?: number;

  /**
   * The MQTT keep-alive interval the fleet uses. AWS IoT Core lowers keep-alive values above 230 seconds on
   * VPC endpoints, so a larger value here is an error.
   * @default Duration.seconds(230)
   */
  readonly mqttKeepAlive?: Duration;

  /**
   * The account's ATS data endpoint (`iot:DescribeEndpoint` with `endpointType` `iot:Data-ATS`).
   * @default - looked up at deployment in the stack's account and region
   */
  readonly dataEndpointAddress?: string;

  /**
   * The account's credential provider endpoint (`iot:DescribeEndpoint` with `endpointType` `iot:CredentialProvider`).
   * Only used when `iot.credentials` is among `services`.
   * @default - looked up at deployment in the stack's account and region
   */
  readonly credentialsEndpointAddress?: string;

  /**
   * The endpoint service that carries the data plane: AWS IoT Core's own `iot.data`, or a provider's PrivateLink
   * endpoint service (`com.amazonaws.vpce.<region>.vpce-svc-...`, see `CrossAccountIotEndpointService`) in front of
   * the provider account's `iot.data` endpoints. With a provider's service, give the provider's `dataEndpointAddress`
   * (a lookup here would return this account's own endpoint).
   * @default - AWS IoT Core's `iot.data` service in the stack's region
   */
  readonly dataServiceName?: string;

  /**
   * Give the endpoints IPv6 as well as IPv4 addresses (the subnets need IPv6 CIDR blocks).
   * @default false
   */
  readonly dualStack?: boolean;
}

/**
 * Attributes of AWS IoT interface endpoints created elsewhere (another stack or app, or by hand), for
 * `PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes`.
 */
export interface PrivateIotDataEndpointAttributes {
  /** The VPC the endpoints are in. */
  readonly vpc: ec2.IVpc;

  /**
   * The `iot.data` interface endpoints, e.g. from `ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes`.
   * Each must have one network interface in each of `availabilityZones`.
   */
  readonly dataEndpoints: ec2.IInterfaceVpcEndpoint[];

  /**
   * The `iot.credentials` interface endpoint.
   * @default - none
   */
  readonly credentialsEndpoint?: ec2.IInterfaceVpcEndpoint;

  /**
   * The `greengrass` interface endpoint.
   * @default - none
   */
  readonly greengrassEndpoint?: ec2.IInterfaceVpcEndpoint;

  /**
   * The availability zones of the endpoints' subnets, one network interface per endpoint in each: exactly as many
   * zones as every endpoint has network interfaces. The address lookups read this many interfaces per endpoint at
   * deployment, so a missing zone leaves addresses out, and an extra one fails the deployment.
   */
  readonly availabilityZones: string[];

  /**
   * The security groups of the endpoints (for `connections`).
   * @default - the security groups of the given endpoints' `connections` (those given to
   * `ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes`)
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Whether the endpoints have IPv6 as well as IPv4 addresses (dual-stack).
   * @default false
   */
  readonly dualStack?: boolean;

  /**
   * The account's ATS data endpoint (`iot:DescribeEndpoint` with `endpointType` `iot:Data-ATS`); required with
   * `dataServiceName`.
   * @default - looked up at deployment in the stack's account and region
   */
  readonly dataEndpointAddress?: string;

  /**
   * The account's credential provider endpoint (`iot:DescribeEndpoint` with `endpointType` `iot:CredentialProvider`).
   * Only with `credentialsEndpoint`.
   * @default - looked up at deployment in the stack's account and region when there is a `credentialsEndpoint`
   */
  readonly credentialsEndpointAddress?: string;

  /**
   * The provider's PrivateLink endpoint service the data endpoints connect to, when they are a consumer's endpoints.
   * @default - none: the data endpoints connect to AWS IoT Core's `iot.data` service directly
   */
  readonly dataServiceName?: string;
}

/** Where the credential provider endpoint's address comes from. */
const CREDENTIALS_HOST_HOW = '`aws iot describe-endpoint --endpoint-type iot:CredentialProvider`';

/** The way out of the interface endpoint quota. */
const ENDPOINT_QUOTA_FIX = 'split the fleet across VPCs (a PrivateIotDataEndpoint each), or have AWS raise the quota and set interfaceEndpointQuota to the new value';

/**
 * What a created and an imported `PrivateIotDataEndpoint` share: the endpoint addresses given or looked up at
 * deployment, and the network interface addresses of each endpoint, looked up once per endpoint. Not exported: jsii
 * copies its members into the exported class.
 */
abstract class PrivateIotDataEndpointBase extends Construct implements IPrivateIotDataEndpoint {
  public abstract readonly vpc: ec2.IVpc;
  public abstract readonly connections: ec2.Connections;
  public abstract readonly dataEndpoints: ec2.IInterfaceVpcEndpoint[];
  public abstract readonly credentialsEndpoint?: ec2.IInterfaceVpcEndpoint;
  public abstract readonly greengrassEndpoint?: ec2.IInterfaceVpcEndpoint;
  public abstract readonly availabilityZones: string[];
  public abstract readonly networkInterfacesPerEndpoint: number;
  public abstract readonly dualStack: boolean;
  public abstract readonly dataServiceName?: string;

  /**
   * The addresses given as props or attributes (else looked up).
   * @internal
   */
  protected abstract readonly _givenDataEndpointAddress?: string;
  /** @internal */
  protected abstract readonly _givenCredentialsEndpointAddress?: string;
  /**
   * How to give the endpoints IPv6 addresses (the fix of the dual-stack error).
   * @internal
   */
  protected abstract readonly _dualStackFix: string;
  private readonly addresses = new Map<ec2.IInterfaceVpcEndpoint, NetworkInterfaceAddresses>();

  /**
   * The account's ATS data endpoint: the address given, or (created by the first call) a deployment-time
   * `iot:DescribeEndpoint` lookup, so a stack that never needs the hostname gets no lookup.
   */
  public dataEndpointAddress(): string {
    return this._givenDataEndpointAddress ?? IotLookups.of(this).endpointAddress(IotVpcEndpointAwsService.DATA.describeEndpointType!);
  }

  /**
   * The account's credential provider endpoint (only when there is an `iot.credentials` endpoint): the address given,
   * or (created by the first call) a deployment-time `iot:DescribeEndpoint` lookup.
   */
  public credentialsEndpointAddress(): string | undefined {
    if (!this.credentialsEndpoint) {
      return undefined;
    }
    return this._givenCredentialsEndpointAddress ?? IotLookups.of(this).endpointAddress(IotVpcEndpointAwsService.CREDENTIALS.describeEndpointType!);
  }

  public dataEndpointIps(): string[] {
    return this.dataEndpoints.flatMap((e) => this.privateIpAddresses(e));
  }

  /**
   * The private IPv4 addresses of the `iot.credentials` endpoint (an empty list when there is none).
   */
  public credentialsEndpointIps(): string[] {
    return this.credentialsEndpoint ? this.privateIpAddresses(this.credentialsEndpoint) : [];
  }

  public privateIpAddresses(endpoint: ec2.IInterfaceVpcEndpoint): string[] {
    return this.addressesOf(endpoint).ipv4;
  }

  public ipv6Addresses(endpoint: ec2.IInterfaceVpcEndpoint): string[] {
    if (!this.dualStack) {
      return invalidProp(this, 'dualStack', 'is false, so the endpoints have no IPv6 addresses', this._dualStackFix);
    }
    return this.addressesOf(endpoint).ipv6;
  }

  public abstract dnsNames(endpoint: ec2.IInterfaceVpcEndpoint): IotEndpointDnsName[];

  public grantConnect(grantee: iam.IGrantable, ...clientIds: string[]): iam.Grant {
    return grantIotConnect(this, grantee, clientIds);
  }

  public grantPublish(grantee: iam.IGrantable, ...topics: string[]): iam.Grant {
    return grantIotTopics(this, 'grantPublish', grantee, topics);
  }

  public grantSubscribe(grantee: iam.IGrantable, ...topicFilters: string[]): iam.Grant {
    return grantIotTopics(this, 'grantSubscribe', grantee, topicFilters);
  }

  public grantReceive(grantee: iam.IGrantable, ...topics: string[]): iam.Grant {
    return grantIotTopics(this, 'grantReceive', grantee, topics);
  }

  /**
   * Creates the deployment-time lookup of one endpoint's network interface addresses (throws for a foreign endpoint).
   * @internal
   */
  protected abstract _lookUpAddresses(endpoint: ec2.IInterfaceVpcEndpoint): NetworkInterfaceAddresses;

  private addressesOf(endpoint: ec2.IInterfaceVpcEndpoint): NetworkInterfaceAddresses {
    let found = this.addresses.get(endpoint);
    if (!found) {
      found = this._lookUpAddresses(endpoint);
      this.addresses.set(endpoint, found);
    }
    return found;
  }
}

/**
 * Interface VPC endpoints that connect devices in (or routed to) a VPC to AWS IoT Core without the public internet.
 *
 * Creates `ceil(expectedDevices / 100,000)` `iot.data` endpoints (private DNS off: pair with `IotPrivateHostedZone`),
 * and on request `iot.credentials` and `greengrass` endpoints, in the availability zones that offer them, behind a
 * security group open on the MQTT/HTTPS ports to the peers you name.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * const endpoint = new PrivateIotDataEndpoint(this, 'IotEndpoint', {
 *   vpc,
 *   supportedAvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
 *   peers: [ec2.Peer.ipv4('10.20.0.0/16')],
 *   expectedDevices: 250_000,
 *   services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
 * });
 */
export class PrivateIotDataEndpoint extends PrivateIotDataEndpointBase {
  /**
   * Imports AWS IoT interface endpoints created elsewhere (another stack or app, or by hand), so that
   * `IotPrivateHostedZone`, `VpceOnlyIotPolicy` and the other constructs can use them.
   *
   * The addresses of an imported endpoint are looked up at deployment like those of a created one
   * (`ec2:DescribeVpcEndpoints` for its network interface ids, then `ec2:DescribeNetworkInterfaces`), created by the
   * first call of `dataEndpointIps()`, `privateIpAddresses()` or `ipv6Addresses()`. Its DNS names cannot be known
   * (CloudFormation gives them only to the stack that creates the endpoint): `dnsNames()` throws, so an
   * `IotPrivateHostedZone` of an imported endpoint uses `IotRecordStyle.WEIGHTED_IPS`.
   */
  public static fromPrivateIotDataEndpointAttributes(scope: Construct, id: string, attrs: PrivateIotDataEndpointAttributes): IPrivateIotDataEndpoint {
    return new ImportedPrivateIotDataEndpoint(scope, id, attrs);
  }

  public readonly vpc: ec2.IVpc;
  public readonly connections: ec2.Connections;
  /** The security group of every endpoint of this construct. */
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly dataEndpoints: ec2.IInterfaceVpcEndpoint[];
  public readonly credentialsEndpoint?: ec2.IInterfaceVpcEndpoint;
  public readonly greengrassEndpoint?: ec2.IInterfaceVpcEndpoint;
  public readonly availabilityZones: string[];
  public readonly networkInterfacesPerEndpoint: number;
  public readonly dualStack: boolean;
  public readonly dataServiceName?: string;
  /** The TCP ports open on the endpoints. */
  public readonly ports: number[];
  /** The MQTT keep-alive the fleet uses (at most 230 seconds). */
  public readonly mqttKeepAlive: Duration;
  /** The subnets that hold the endpoints' network interfaces. */
  public readonly subnets: ec2.ISubnet[];

  /** @internal */
  protected readonly _givenDataEndpointAddress?: string;
  /** @internal */
  protected readonly _givenCredentialsEndpointAddress?: string;
  /** @internal */
  protected readonly _dualStackFix = 'set dualStack: true to give them IPv6 addresses';
  /** The endpoints this construct created, with their construct ids. */
  private readonly own = new Map<ec2.IInterfaceVpcEndpoint, { id: string; endpoint: ec2.InterfaceVpcEndpoint }>();

  constructor(scope: Construct, id: string, props: PrivateIotDataEndpointProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // --- validation first: bad input changes nothing -------------------------------------------------
    // A misspelt region (`eu-west1`) would build service names no region offers, and fail only at deployment.
    checkStackRegion(this);
    this.dataServiceName = props.dataServiceName;
    const services = this.validateServices(props.services ?? []);
    this.ports = validateIotPorts(this, props.ports);
    const endpointCount = this.validateDevices(props.expectedDevices);
    const endpointQuota = this.validateEndpointQuota(endpointCount + services.length - 1, props.expectedDevices, props.interfaceEndpointQuota);
    this.mqttKeepAlive = this.validateKeepAlive(props.mqttKeepAlive);
    checkAddresses(this, props);
    const wantsCredentials = services.some((s) => s.service === IotVpcEndpointAwsService.CREDENTIALS);
    if (props.credentialsEndpointAddress !== undefined) {
      if (!wantsCredentials) {
        invalidProp(this, 'credentialsEndpointAddress', `'${props.credentialsEndpointAddress}' is given but no iot.credentials endpoint is requested`,
          'add `{ service: IotVpcEndpointAwsService.CREDENTIALS }` to `services`, or drop credentialsEndpointAddress');
      }
      checkHost(this, props.dataServiceName, 'credentialsEndpointAddress', props.credentialsEndpointAddress, CREDENTIALS_HOST, CREDENTIALS_HOST_HOW);
    }
    for (const s of services) {
      if (!s.service.isOfferedIn(stack.region)) {
        invalidProp(this, 'services', `includes ${s.service.shortName}, which AWS does not offer in ${stack.region}`,
          'remove it (AWS IoT credential provider endpoints do not exist in the China and AWS GovCloud (US) partitions)');
      }
    }
    const peers = props.peers ?? this.defaultPeers(props);
    if (peers.length === 0) {
      invalidProp(this, 'peers', 'is empty, so no device could reach the endpoints', 'name at least one peer, or omit peers to admit the VPC CIDR');
    }
    this.subnets = this.selectSubnets(props, services.map((s) => s.service));
    this.availabilityZones = this.subnets.map((s) => s.availabilityZone);
    this.networkInterfacesPerEndpoint = this.subnets.length;
    this.dualStack = props.dualStack ?? false;
    this.vpc = props.vpc;

    // --- security group --------------------------------------------------------------------------------
    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'AWS IoT Core interface endpoints: MQTT/HTTPS from the named peers only',
      allowAllOutbound: false,
    });
    this.checkPeers(peers, props.securityGroup === undefined);
    for (const peer of peers) {
      for (const port of this.ports) {
        this.securityGroup.addIngressRule(peer, ec2.Port.tcp(port), Token.isUnresolved(peer.uniqueId) ? `AWS IoT Core ${portPurpose(port)}` : `AWS IoT Core ${portPurpose(port)} from ${peer.uniqueId}`);
      }
    }
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(8883) });

    // --- endpoints -------------------------------------------------------------------------------------
    const dataOptions = services.find((s) => s.service === IotVpcEndpointAwsService.DATA)!;
    this.dataEndpoints = [];
    for (let i = 1; i <= endpointCount; i++) {
      this.dataEndpoints.push(this.createEndpoint(`DataEndpoint${i}`, dataOptions));
    }
    const credentialsOptions = services.find((s) => s.service === IotVpcEndpointAwsService.CREDENTIALS);
    this.credentialsEndpoint = credentialsOptions && this.createEndpoint('CredentialsEndpoint', credentialsOptions);
    const greengrassOptions = services.find((s) => s.service === IotVpcEndpointAwsService.GREENGRASS);
    this.greengrassEndpoint = greengrassOptions && this.createEndpoint('GreengrassEndpoint', greengrassOptions);

    this._givenDataEndpointAddress = props.dataEndpointAddress;
    this._givenCredentialsEndpointAddress = props.credentialsEndpointAddress;
    // Other interface endpoints in the same VPC (e.g. CloudWatch Logs for Greengrass) count against the same quota.
    this.node.addValidation({ validate: () => this.checkInterfaceEndpointsInVpc(endpointQuota, props.expectedDevices) });
    checkStackLimits(this, {
      prop: 'expectedDevices',
      detail: `expectedDevices ${props.expectedDevices ?? DEVICES_PER_ENDPOINT}: ${endpointCount} iot.data endpoints x ${this.subnets.length} zones`,
      fix: 'lower expectedDevices here and give the rest of the fleet a PrivateIotDataEndpoint in another stack',
    });
  }

  public dnsNames(endpoint: ec2.IInterfaceVpcEndpoint): IotEndpointDnsName[] {
    const own = this.ownEndpoint(endpoint).endpoint;
    // DnsEntries holds the regional name and one zonal name per subnet, in no guaranteed order; every one of
    // them resolves only to this endpoint's interfaces, so using all of them needs no assumption about order.
    const names: IotEndpointDnsName[] = [];
    for (let i = 0; i <= this.networkInterfacesPerEndpoint; i++) {
      const entry = Fn.select(i, own.vpcEndpointDnsEntries);
      names.push({ hostedZoneId: Fn.select(0, Fn.split(':', entry)), dnsName: Fn.select(1, Fn.split(':', entry)) });
    }
    return names;
  }

  /** @internal */
  protected _lookUpAddresses(endpoint: ec2.IInterfaceVpcEndpoint): NetworkInterfaceAddresses {
    const { id, endpoint: own } = this.ownEndpoint(endpoint);
    const interfaceIds = range(this.networkInterfacesPerEndpoint).map((i) => Fn.select(i, own.vpcEndpointNetworkInterfaceIds));
    return IotLookups.of(this).networkInterfaceAddresses(this, `${id}Addresses`, interfaceIds, own.vpcEndpointId, this.dualStack);
  }

  private ownEndpoint(endpoint: ec2.IInterfaceVpcEndpoint): { id: string; endpoint: ec2.InterfaceVpcEndpoint } {
    const found = this.own.get(endpoint);
    if (!found) {
      return invalidProp(this, 'endpoint', `'${endpoint.node.path}' is not an endpoint of this construct`,
        'pass one of dataEndpoints, credentialsEndpoint or greengrassEndpoint');
    }
    return found;
  }

  private createEndpoint(id: string, options: IotVpcEndpointOptions): ec2.InterfaceVpcEndpoint {
    const service = options.service;
    const endpoint = new ec2.InterfaceVpcEndpoint(this, id, {
      vpc: this.vpc,
      service: new ec2.InterfaceVpcEndpointService(this.serviceNameOf(service), 443),
      privateDnsEnabled: options.privateDnsEnabled ?? service.supportsPrivateDns,
      subnets: { subnets: this.subnets },
      securityGroups: [this.securityGroup],
      open: false,
      lookupSupportedAzs: false,
      ...(this.dualStack ? { ipAddressType: ec2.VpcEndpointIpAddressType.DUALSTACK } : {}),
      ...this.serviceRegionOf(service),
    });
    for (const statement of options.policyStatements ?? []) {
      endpoint.addToPolicy(statement);
    }
    this.own.set(endpoint, { id, endpoint });
    return endpoint;
  }

  /** The VPC's IPv4 CIDR, plus its first IPv6 CIDR for dual-stack endpoints. */
  private defaultPeers(props: PrivateIotDataEndpointProps): ec2.IPeer[] {
    const peers = [ec2.Peer.ipv4(props.vpc.vpcCidrBlock)];
    if (props.dualStack) {
      if (props.vpc instanceof ec2.Vpc) {
        peers.push(ec2.Peer.ipv6(Fn.select(0, props.vpc.vpcIpv6CidrBlocks)));
      } else {
        Annotations.of(this).addWarningV2('cdk-private-iot:dualStackWithoutIpv6Peer',
          'dualStack is true but the VPC is imported, so its IPv6 CIDR is unknown and only its IPv4 CIDR is admitted: list the IPv6 CIDRs in peers.');
      }
    }
    return peers;
  }

  /**
   * Warns about peers open to any address, and acknowledges the cdk-nag rules that cannot evaluate a peer CIDR that is
   * a token (e.g. the VPC's CIDR block) when no peer is open to any address.
   */
  private checkPeers(peers: ec2.IPeer[], ownSecurityGroup: boolean): void {
    const anywhere = peers.filter((p) => p.uniqueId === '0.0.0.0/0' || p.uniqueId === '::/0');
    if (anywhere.length > 0) {
      Annotations.of(this).addWarningV2('cdk-private-iot:endpointOpenToAnywhere',
        `peers includes ${anywhere.map((p) => p.uniqueId).join(' and ')}: anything that can route to the VPC reaches AWS IoT Core through these endpoints. `
        + 'Name the device, on-premises and Transit Gateway CIDRs instead.');
      return;
    }
    if (!ownSecurityGroup || !peers.some((p) => Token.isUnresolved(p.uniqueId))) {
      return;
    }
    acknowledgeIntrinsicPeers(this.securityGroup, this.ports, 'the endpoint security group');
  }

  /**
   * `serviceRegion` for a provider's endpoint service in another region (cross-region PrivateLink): without it AWS
   * looks for the service in the endpoint's own region.
   */
  // Typed after aws-cdk-lib's props (not a literal type), so compiling against a release without serviceRegion (< 2.211.0,
  // below the peer floor) fails instead of dropping the region silently.
  private serviceRegionOf(service: IotVpcEndpointAwsService): Pick<ec2.InterfaceVpcEndpointProps, 'serviceRegion'> {
    const name = service === IotVpcEndpointAwsService.DATA ? this.dataServiceName : undefined;
    const region = name && !Token.isUnresolved(name) ? /\.vpce\.([a-z0-9-]+)\.vpce-svc-/.exec(name)?.[1] : undefined;
    const own = Stack.of(this).region;
    return region && (Token.isUnresolved(own) || region !== own) ? { serviceRegion: region } : {};
  }

  /** The endpoint service name to connect to for one of the requested services. */
  private serviceNameOf(service: IotVpcEndpointAwsService): string {
    return service === IotVpcEndpointAwsService.DATA && this.dataServiceName !== undefined
      ? this.dataServiceName
      : service.serviceName(this);
  }

  private validateServices(requested: IotVpcEndpointOptions[]): IotVpcEndpointOptions[] {
    const seen = new Set<IotVpcEndpointAwsService>();
    for (const options of requested) {
      const service = options.service;
      if (seen.has(service)) {
        invalidProp(this, 'services', `lists ${service.shortName} twice`, 'list each service once');
      }
      seen.add(service);
      if (options.privateDnsEnabled === true && !service.supportsPrivateDns) {
        invalidProp(this, 'services', `asks for privateDnsEnabled on ${service.shortName}, which AWS does not offer (the deployment would fail)`,
          'leave privateDnsEnabled unset and resolve the IoT hostname with IotPrivateHostedZone');
      }
      if ((options.policyStatements?.length ?? 0) > 0 && !service.supportsEndpointPolicy) {
        invalidProp(this, 'services', `gives policyStatements for ${service.shortName}, which does not support endpoint policies`,
          'restrict devices with an IoT policy instead (VpceOnlyIotPolicy)');
      }
      if ((options.policyStatements ?? []).some((statement) => !statement.hasPrincipal)) {
        invalidProp(this, 'services', `gives a policy statement for ${service.shortName} without a principal, which endpoint policies require`,
          'add a Principal to every statement (e.g. `principals: [new iam.AnyPrincipal()]` with a narrow action list)');
      }
    }
    return seen.has(IotVpcEndpointAwsService.DATA) ? requested : [{ service: IotVpcEndpointAwsService.DATA }, ...requested];
  }


  private validateDevices(devices: number | undefined): number {
    const n = devices ?? DEVICES_PER_ENDPOINT;
    if (Token.isUnresolved(n)) {
      invalidProp(this, 'expectedDevices', 'is a token', 'give a plain number: it decides how many endpoints are synthesized');
    }
    if (!Number.isInteger(n) || n < 1) {
      invalidProp(this, 'expectedDevices', `${n} is not a positive whole number`, 'give the number of devices connected at the same time, e.g. 250000');
    }
    return Math.ceil(n / DEVICES_PER_ENDPOINT);
  }

  private validateEndpointQuota(endpoints: number, devices: number | undefined, quota: number | undefined): number {
    const limit = validateQuota(this, 'interfaceEndpointQuota', quota, INTERFACE_ENDPOINTS_PER_VPC);
    if (endpoints > limit) {
      invalidProp(this, 'expectedDevices', `${devices ?? DEVICES_PER_ENDPOINT} needs ${endpoints} interface endpoints in one VPC, more than the `
        + `${limit} of the quota "Interface and Gateway Load Balancer endpoints per VPC"`, ENDPOINT_QUOTA_FIX);
    }
    return limit;
  }

  /**
   * At synth time: this construct's endpoints and every other interface endpoint of the app in the same VPC (same
   * stack). Returns the message of a `CdkPrivateIotError` (none when under the quota), for `node.addValidation`.
   */
  private checkInterfaceEndpointsInVpc(limit: number, devices: number | undefined): string[] {
    const stack = Stack.of(this);
    const vpcId = JSON.stringify(stack.resolve(this.vpc.vpcId));
    const mine = new Set<IConstruct>([...this.dataEndpoints, this.credentialsEndpoint, this.greengrassEndpoint]
      .flatMap((e) => (e ? [e.node.defaultChild as IConstruct] : [])));
    const others = stack.node.findAll().filter((c): c is ec2.CfnVPCEndpoint => c instanceof ec2.CfnVPCEndpoint
      && !mine.has(c) && Stack.of(c) === stack
      && ['Interface', 'GatewayLoadBalancer'].includes(stack.resolve(c.vpcEndpointType))
      && JSON.stringify(stack.resolve(c.vpcId)) === vpcId);
    if (mine.size + others.length <= limit) {
      return [];
    }
    const paths = others.map((c) => c.node.scope!.node.path);
    return [new CdkPrivateIotError(this, 'expectedDevices', `expectedDevices ${devices ?? DEVICES_PER_ENDPOINT} needs ${mine.size} interface `
      + `endpoints, and the VPC holds ${others.length} more (${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', ...' : ''}): `
      + `${mine.size + others.length}, more than the ${limit} of the quota "Interface and Gateway Load Balancer endpoints per VPC"; `
      + ENDPOINT_QUOTA_FIX).message];
  }

  private validateKeepAlive(keepAlive: Duration | undefined): Duration {
    const value = keepAlive ?? Duration.seconds(MAX_MQTT_KEEP_ALIVE_SECONDS);
    if (!value.isUnresolved()) {
      const seconds = value.toSeconds({ integral: false });
      if (seconds > MAX_MQTT_KEEP_ALIVE_SECONDS) {
        invalidProp(this, 'mqttKeepAlive', `${seconds} s exceeds the ${MAX_MQTT_KEEP_ALIVE_SECONDS} s cap of AWS IoT Core VPC endpoints (larger values are lowered, so clients think the broker is late)`,
          `configure the devices with a keep-alive of at most ${MAX_MQTT_KEEP_ALIVE_SECONDS} s`);
      }
      if (seconds < 1) {
        invalidProp(this, 'mqttKeepAlive', `${seconds} s is not a keep-alive interval`, `use 1 to ${MAX_MQTT_KEEP_ALIVE_SECONDS} s`);
      }
    }
    return value;
  }

  private selectSubnets(props: PrivateIotDataEndpointProps, services: IotVpcEndpointAwsService[]): ec2.ISubnet[] {
    const selection = props.vpc.selectSubnets(props.subnets);
    // One subnet per zone (an endpoint takes one per zone; two of one zone fail the deployment and would count as two
    // zones below): the first of each zone, as aws-cdk-lib's onePerAz keeps, which it applies to selections by type,
    // group or filter but not to an explicit `subnets` list.
    const selected = selection.subnets.filter((s, i, all) => all.findIndex((other) => other.availabilityZone === s.availabilityZone) === i);
    if (selected.length === 0 && !selection.isPendingLookup) {
      invalidProp(this, 'subnets', 'selects no subnet of the VPC', 'select at least two subnets in different availability zones');
    }
    const tokenAzs = selected.some((s) => Token.isUnresolved(s.availabilityZone));
    // First pass of the CLI's two-pass synthesis: a `Vpc.fromLookup` VPC not looked up yet (dummy subnets), or
    // zone names that are aws-cdk-lib's placeholders for a region whose zones are not looked up yet. The lookups
    // are reported as missing context; the checks wait for the pass that has the real values.
    const placeholderAzs = selection.isPendingLookup === true || (!tokenAzs && selected.some((s) => isPlaceholderZone(this, s.availabilityZone)));
    let usable = selected;
    let pending = placeholderAzs;
    if (props.supportedAvailabilityZones !== undefined) {
      if (props.supportedAvailabilityZones.length === 0) {
        invalidProp(this, 'supportedAvailabilityZones', 'is empty', 'list the zones that offer the service, or omit it to look them up');
      }
      if (tokenAzs) {
        invalidProp(this, 'supportedAvailabilityZones', 'cannot be matched against subnets whose availability zone is unknown at synth time',
          'give the stack a concrete env (account and region) so the VPC has concrete zone names');
      }
      if (!pending) {
        usable = selected.filter((s) => props.supportedAvailabilityZones!.includes(s.availabilityZone));
        if (usable.length === 0) {
          invalidProp(this, 'supportedAvailabilityZones', `[${props.supportedAvailabilityZones.join(', ')}] shares no zone with the selected subnets [${selected.map((s) => s.availabilityZone).join(', ')}]`,
            'add subnets in the supported zones, or correct the list');
        }
      }
    } else if (!tokenAzs && !Token.isUnresolved(Stack.of(this).account) && !Token.isUnresolved(Stack.of(this).region)
      && !services.some((service) => Token.isUnresolved(this.serviceNameOf(service)) || this.serviceRegionOf(service).serviceRegion !== undefined)) {
      // Every lookup is made, even on a first pass, so that the CLI resolves all of them in one round.
      const answers = services.map((service) => this.lookupAvailabilityZones(service));
      pending = pending || answers.some((azs) => azs === undefined);
      if (!pending) {
        const offered = (answers as string[][]).reduce((both, azs) => both.filter((az) => azs.includes(az)));
        usable = selected.filter((s) => offered.includes(s.availabilityZone));
        if (usable.length === 0) {
          invalidProp(this, 'subnets', `are in [${selected.map((s) => s.availabilityZone).join(', ')}], but the services are offered only in [${offered.join(', ')}]`,
            'add subnets in the offered zones');
        }
      }
    } else {
      Annotations.of(this).addWarningV2('cdk-private-iot:unverifiedAvailabilityZones',
        'The availability zones of the endpoint subnets cannot be checked at synth time (environment-agnostic stack, unknown zone names, '
        + 'a service name that is a token, or a service in another region): '
        + 'the deployment fails in a zone that does not offer the endpoint service. Give the stack a concrete env, or set supportedAvailabilityZones.');
    }
    // With real zone names but a pending service lookup, the selected subnets bound the usable ones from above.
    const counted = pending ? (placeholderAzs ? undefined : selected) : usable;
    if (counted !== undefined && counted.length < 2 && !props.allowSingleAvailabilityZone) {
      invalidProp(this, 'subnets', `leave a single usable availability zone (${counted.map((s) => s.availabilityZone).join(', ')}), so a zone failure cuts every device off`,
        'use subnets in two or more zones that offer the service, or set allowSingleAvailabilityZone: true to accept it');
    }
    return usable;
  }

  /**
   * The zones that offer `service`, from the `endpoint-service-availability-zones` context; undefined while the
   * lookup is missing (the CLI's first pass) or failed (aws-cdk-lib then reports the missing context, or the
   * provider's error, itself).
   */
  private lookupAvailabilityZones(service: IotVpcEndpointAwsService): string[] | undefined {
    const serviceName = this.serviceNameOf(service);
    // A value of our own, so that "not looked up yet" is told apart from any answer by identity (and so that the
    // lookup does not also ask for the region's zones, as `Stack.availabilityZones` would).
    const notLookedUp: string[] = [];
    const value = ContextProvider.getValue(this, {
      provider: cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER,
      props: { serviceName },
      dummyValue: notLookedUp,
    }).value;
    if (value === notLookedUp) {
      return undefined;
    }
    if (!Array.isArray(value) || value.some((az) => typeof az !== 'string')) {
      return invalidProp(this, 'supportedAvailabilityZones', `could not be looked up for ${serviceName} (context returned ${JSON.stringify(value)})`,
        'set supportedAvailabilityZones, or refresh cdk.context.json with `cdk context --clear` and a synth with credentials');
    }
    return value as string[];
  }
}

/**
 * Whether `zone` is one of aws-cdk-lib's placeholder zone names: `Stack.availabilityZones` returns placeholders while
 * the `availability-zones` context of a concrete env is missing (the CLI's first pass), and `new ec2.Vpc` without
 * `availabilityZones` names its subnets after them. A real zone name starts with its region's name, and is never a
 * placeholder (so no lookup is asked for on its account); otherwise the stack's own answer decides, which reports the
 * missing context (once per key) so that the next pass has the real names.
 */
function isPlaceholderZone(scope: IConstruct, zone: string): boolean {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region) || zone.startsWith(stack.region)) {
    return false;
  }
  const { key } = ContextProvider.getKey(stack, { provider: cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER });
  const known = stack.node.tryGetContext(key);
  const missing = known === undefined || (typeof known === 'object' && known !== null && cxapi.PROVIDER_ERROR_KEY in known);
  return missing && stack.availabilityZones.includes(zone);
}

function portPurpose(port: number): string {
  switch (port) {
    case 8883: return 'MQTT';
    case 8443: return 'HTTPS';
    default: return 'MQTT/HTTPS (ALPN)';
  }
}

/** Checks `dataServiceName` and the addresses given to a `PrivateIotDataEndpoint` or an imported one. */
function checkAddresses(scope: IConstruct, props: { readonly dataServiceName?: string; readonly dataEndpointAddress?: string }): void {
  if (props.dataServiceName !== undefined) {
    checkDataServiceName(scope, props.dataServiceName, props.dataEndpointAddress);
  }
  if (props.dataEndpointAddress !== undefined) {
    checkHost(scope, props.dataServiceName, 'dataEndpointAddress', props.dataEndpointAddress, ATS_DATA_HOST,
      '`aws iot describe-endpoint --endpoint-type iot:Data-ATS` (the `-ats` host; the legacy `iot:Data` host and `iot.<region>.amazonaws.com` do not work over a VPC endpoint)');
  }
}

function checkDataServiceName(scope: IConstruct, serviceName: string, dataEndpointAddress: string | undefined): void {
  if (!Token.isUnresolved(serviceName) && !ENDPOINT_SERVICE_NAME.test(serviceName)) {
    invalidProp(scope, 'dataServiceName', `'${serviceName}' is not a PrivateLink endpoint service name`,
      'use the provider\'s serviceName, e.g. com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0 (omit it for AWS IoT Core\'s own iot.data)');
  }
  checkServicePartition(scope, serviceName);
  if (dataEndpointAddress === undefined) {
    invalidProp(scope, 'dataServiceName', 'is a provider\'s endpoint service but dataEndpointAddress is missing, and a lookup here would return this account\'s own IoT endpoint',
      'pass the provider account\'s ATS data endpoint as dataEndpointAddress');
  }
}

/**
 * PrivateLink connects regions of one partition only, and names a region's endpoint services with that region's
 * prefix (`cn.com.amazonaws.vpce` in China): a name that breaks either rule matches no service, and would fail only
 * at deployment.
 */
function checkServicePartition(scope: IConstruct, serviceName: string): void {
  const named = Token.isUnresolved(serviceName) ? undefined : /^(.*)\.([a-z0-9-]+)\.vpce-svc-[0-9a-f]+$/.exec(serviceName);
  if (!named) {
    return;
  }
  const [, prefix, region] = named;
  const expected = regionFacts(region).vpcEndpointServiceNamePrefix;
  if (expected !== undefined && prefix !== expected) {
    invalidProp(scope, 'dataServiceName', `'${serviceName}' does not match how ${region} names endpoint services (${expected}.${region}.vpce-svc-...)`
      + (prefix.startsWith('cn.') ? ': the cn. prefix belongs to the China regions only' : ''),
    'use the serviceName exactly as the provider\'s stack or `aws ec2 describe-vpc-endpoint-service-configurations` prints it');
  }
  const own = Stack.of(scope).region;
  const partitions = [region, own].map((r) => (Token.isUnresolved(r) ? undefined : regionFacts(r).partition));
  if (partitions[0] !== undefined && partitions[1] !== undefined && partitions[0] !== partitions[1]) {
    invalidProp(scope, 'dataServiceName', `'${serviceName}' is in ${region}, another partition than the stack's region ${own} (${partitions[0]}, not ${partitions[1]}), `
      + 'and PrivateLink does not cross partitions', `connect to an endpoint service of the ${partitions[1]} partition, or deploy this stack in the provider's partition`);
  }
}

function checkHost(scope: IConstruct, dataServiceName: string | undefined, prop: string, value: string, pattern: RegExp, how: string): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (!pattern.test(value)) {
    invalidProp(scope, prop, `'${value}' is not the account's endpoint hostname`, `use the address printed by ${how}`);
  }
  const region = Stack.of(scope).region;
  // Through a provider's endpoint service the host may be in another region (cross-region PrivateLink).
  if (!Token.isUnresolved(region) && dataServiceName === undefined && !value.includes(`.iot.${region}.`)) {
    invalidProp(scope, prop, `'${value}' is not in the stack's region ${region}`, `use the ${region} endpoint of the account (interface endpoints are regional)`);
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** AWS IoT interface endpoints created elsewhere (`PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes`). */
class ImportedPrivateIotDataEndpoint extends PrivateIotDataEndpointBase {
  public readonly vpc: ec2.IVpc;
  public readonly connections: ec2.Connections;
  public readonly dataEndpoints: ec2.IInterfaceVpcEndpoint[];
  public readonly credentialsEndpoint?: ec2.IInterfaceVpcEndpoint;
  public readonly greengrassEndpoint?: ec2.IInterfaceVpcEndpoint;
  public readonly availabilityZones: string[];
  public readonly networkInterfacesPerEndpoint: number;
  public readonly dualStack: boolean;
  public readonly dataServiceName?: string;

  /** @internal */
  protected readonly _givenDataEndpointAddress?: string;
  /** @internal */
  protected readonly _givenCredentialsEndpointAddress?: string;
  /** @internal */
  protected readonly _dualStackFix = 'set dualStack: true in the attributes if the endpoints are dual-stack';
  /** The endpoints, with the ids of their lookups. */
  private readonly ids = new Map<ec2.IInterfaceVpcEndpoint, string>();

  constructor(scope: Construct, id: string, attrs: PrivateIotDataEndpointAttributes) {
    super(scope, id);
    checkStackRegion(this);
    if (attrs.dataEndpoints.length === 0) {
      invalidProp(this, 'dataEndpoints', 'is empty', 'pass the iot.data endpoints, e.g. from ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes');
    }
    if (Token.isUnresolved(attrs.availabilityZones) || attrs.availabilityZones.length === 0) {
      invalidProp(this, 'availabilityZones', Token.isUnresolved(attrs.availabilityZones) ? 'is a list token, so the number of network interfaces is unknown' : 'is empty',
        'list the availability zones of the endpoints\' subnets, e.g. [\'eu-west-1a\', \'eu-west-1b\'] (one network interface each)');
    }
    const endpoints = [...attrs.dataEndpoints, attrs.credentialsEndpoint, attrs.greengrassEndpoint];
    endpoints.forEach((endpoint, i) => {
      if (endpoint !== undefined && endpoints.slice(0, i).includes(endpoint)) {
        invalidProp(this, 'dataEndpoints', `lists '${endpoint.node.path}' twice (with credentialsEndpoint and greengrassEndpoint)`, 'give each endpoint once');
      }
    });
    checkAddresses(this, attrs);
    if (attrs.credentialsEndpointAddress !== undefined) {
      if (attrs.credentialsEndpoint === undefined) {
        invalidProp(this, 'credentialsEndpointAddress', `'${attrs.credentialsEndpointAddress}' is given but credentialsEndpoint is not`,
          'pass the iot.credentials endpoint as credentialsEndpoint, or drop credentialsEndpointAddress');
      }
      checkHost(this, attrs.dataServiceName, 'credentialsEndpointAddress', attrs.credentialsEndpointAddress, CREDENTIALS_HOST, CREDENTIALS_HOST_HOW);
    }

    this.vpc = attrs.vpc;
    this.dataEndpoints = [...attrs.dataEndpoints];
    this.credentialsEndpoint = attrs.credentialsEndpoint;
    this.greengrassEndpoint = attrs.greengrassEndpoint;
    this.availabilityZones = [...attrs.availabilityZones];
    this.networkInterfacesPerEndpoint = attrs.availabilityZones.length;
    this.dualStack = attrs.dualStack ?? false;
    this.dataServiceName = attrs.dataServiceName;
    this._givenDataEndpointAddress = attrs.dataEndpointAddress;
    this._givenCredentialsEndpointAddress = attrs.credentialsEndpointAddress;
    const securityGroups = attrs.securityGroups
      ?? [...new Set(endpoints.flatMap((endpoint) => endpoint?.connections.securityGroups ?? []))];
    this.connections = new ec2.Connections({ securityGroups, defaultPort: ec2.Port.tcp(8883) });
    this.dataEndpoints.forEach((endpoint, i) => this.ids.set(endpoint, `DataEndpoint${i + 1}`));
    if (this.credentialsEndpoint) {
      this.ids.set(this.credentialsEndpoint, 'CredentialsEndpoint');
    }
    if (this.greengrassEndpoint) {
      this.ids.set(this.greengrassEndpoint, 'GreengrassEndpoint');
    }
  }

  public dnsNames(endpoint: ec2.IInterfaceVpcEndpoint): IotEndpointDnsName[] {
    this.idOf(endpoint);
    return invalidProp(this, 'endpoint', `'${endpoint.node.path}' is imported, and CloudFormation gives the DNS names of an endpoint only to the `
      + 'stack that creates it, so they are unknown here (IotRecordStyle.ALIAS needs them)',
    'use IotRecordStyle.WEIGHTED_IPS (the default, which looks the addresses up at deployment), or create the zone in the stack that creates the endpoint');
  }

  /** @internal */
  protected _lookUpAddresses(endpoint: ec2.IInterfaceVpcEndpoint): NetworkInterfaceAddresses {
    const id = this.idOf(endpoint);
    const lookups = IotLookups.of(this);
    const interfaceIds = lookups.vpcEndpointNetworkInterfaceIds(this, `${id}NetworkInterfaceIds`, endpoint.vpcEndpointId, this.networkInterfacesPerEndpoint);
    return lookups.networkInterfaceAddresses(this, `${id}Addresses`, interfaceIds, endpoint.vpcEndpointId, this.dualStack);
  }

  private idOf(endpoint: ec2.IInterfaceVpcEndpoint): string {
    const id = this.ids.get(endpoint);
    if (id === undefined) {
      return invalidProp(this, 'endpoint', `'${endpoint.node.path}' is not an endpoint of this construct`,
        'pass one of dataEndpoints, credentialsEndpoint or greengrassEndpoint');
    }
    return id;
  }
}
