import { CfnOutput, Fn, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { declareIotAccountFlows } from './flows';
import {
  acknowledgeLoadBalancerSubnets, acknowledgeTopologyVpc, attachToTransitGateway, checkEndpointAclQuota, EndpointAclPlan, endpointSubnetAcl,
  planEndpointSubnetAcl,
} from './network';
import { IotPrivateHostedZone } from '../dns/iot-private-hosted-zone';
import { IotVpcEndpointAwsService } from '../endpoint/iot-vpc-endpoint-aws-service';
import { PrivateIotDataEndpoint } from '../endpoint/private-iot-data-endpoint';
import { IotEndpointDnsName } from '../endpoint/types';
import { StaticIpIotFrontDoor } from '../front-door/static-ip-iot-front-door';
import { GreengrassCoreIotPolicy } from '../greengrass/greengrass-core-iot-policy';
import { VpceOnlyIotPolicy } from '../policy/vpce-only-iot-policy';
import { invalidProp } from '../private/errors';
import { ipv4CidrContains } from '../private/formats';
import { chinaAware } from '../private/partition';
import { checkAccountId, checkCidrsDisjoint, checkIpv4Cidrs, checkStackRegion, checkTransitGatewayId } from '../private/validation';
import { CrossAccountIotEndpointService } from '../sharing/cross-account-iot-endpoint-service';
import { IotZoneProfile } from '../sharing/iot-zone-profile';

/**
 * The private IPv4 ranges of RFC 1918: the consumer VPCs the endpoint subnets admit when `consumerCidrs` is not given.
 */
const RFC1918_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * The optional static-IP front door of the reference topology.
 */
export interface ReferenceFrontDoorOptions {
  /**
   * Internet-facing (Elastic IPs) or internal (Direct Connect / VPN).
   * @default false
   */
  readonly internetFacing?: boolean;

  /**
   * The clients' CIDRs.
   * @default - the device and on-premises CIDRs
   */
  readonly clientCidrs?: string[];

  /**
   * Put an AWS Global Accelerator in front of the front door's load balancer (`StaticIpIotFrontDoor`'s
   * `globalAccelerator`): clients then allow-list the accelerator's two static addresses.
   * @default false
   */
  readonly globalAccelerator?: boolean;
}

/**
 * Properties of an `IotAccountStack`.
 */
export interface IotAccountStackProps extends StackProps {
  /** IPv4 CIDR of the gatekeeper VPC. */
  readonly gatekeeperCidr: string;

  /**
   * CIDRs of the device networks that reach the endpoints through the Transit Gateway (the network account's VPC).
   * None may overlap `gatekeeperCidr`.
   */
  readonly deviceCidrs: string[];

  /**
   * On-premises CIDRs (Direct Connect / VPN) that reach the endpoints. None may overlap `gatekeeperCidr`.
   * @default - none
   */
  readonly onPremisesCidrs?: string[];

  /**
   * CIDRs of the consumer VPCs that connect to the endpoint service. AWS PrivateLink hands a connection to the endpoint
   * service's load balancer with the consumer endpoint's private address as the source, so the network ACL of the
   * endpoint subnets (where the load balancer is) admits these CIDRs, on the AWS IoT ports only. None may overlap
   * `gatekeeperCidr` (a consumer VPC inside it is admitted by the gatekeeper rules already: leave it out).
   * @default - when there are consumers (`consumerAccounts` or `allowAnyConsumer`), the RFC 1918 ranges 10.0.0.0/8,
   * 172.16.0.0/12 and 192.168.0.0/16: only accounts whose connection you accepted can open PrivateLink connections,
   * and addresses the gatekeeper VPC has no route to (anything but the device and on-premises CIDRs) cannot get an
   * answer through the Transit Gateway. Otherwise none.
   */
  readonly consumerCidrs?: string[];

  /**
   * Your account's quota "Inbound or outbound rules per network ACL" (AWS default 20, adjustable up to 40). The
   * network ACL of the endpoint subnets needs 3 inbound rules (the AWS IoT ports) per CIDR of `gatekeeperCidr`,
   * `deviceCidrs`, `onPremisesCidrs` and `consumerCidrs` (a CIDR inside another listed one needs none) plus 1, so
   * synthesis fails above the quota; after AWS raised it, set the new value.
   * @default 20
   */
  readonly networkAclRuleQuota?: number;

  /**
   * Availability zones of the gatekeeper VPC.
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * Devices connected at the same time (one `iot.data` endpoint per 100,000).
   * @default 100000
   */
  readonly expectedDevices?: number;

  /**
   * The Transit Gateway the network account shares with this account (a string from that account's output).
   * @default - no attachment (synthesize the network account first, then pass its TransitGatewayId output)
   */
  readonly transitGatewayId?: string;

  /**
   * The network account, which receives the Route 53 Profile with the IoT zones.
   * @default - no profile share
   */
  readonly networkAccount?: string;

  /**
   * Consumer accounts allowed to connect to the endpoint service.
   * @default - no endpoint service
   */
  readonly consumerAccounts?: string[];

  /**
   * Let any AWS account request a connection to the endpoint service (each request still needs acceptance), e.g. when
   * one sandbox account plays every role.
   * @default false
   */
  readonly allowAnyConsumer?: boolean;

  /**
   * VPCs of this account (other than the gatekeeper VPC) that resolve the IoT hostnames privately, e.g. the device VPC
   * when one account plays every role.
   * @default - none
   */
  readonly associatedVpcs?: ec2.IVpc[];

  /**
   * A static-IP front door in front of the endpoints.
   * @default - none
   */
  readonly frontDoor?: ReferenceFrontDoorOptions;

  /**
   * The account's ATS data endpoint, when known (else looked up at deployment).
   * @default - looked up
   */
  readonly dataEndpointAddress?: string;

  /**
   * The account's credential provider endpoint, when known (else looked up at deployment).
   * @default - looked up
   */
  readonly credentialsEndpointAddress?: string;

  /**
   * The AWS IoT thing names (or patterns such as `FactoryCore*`) of Greengrass v2 core devices: the stack then creates
   * their IoT policy, token exchange role (CloudWatch Logs for the log manager) and role alias
   * (`GreengrassCoreIotPolicy`), and the output `GreengrassNucleusConfiguration` names the role alias.
   * @default - no Greengrass core policy; the nucleus configuration output lists the endpoints only
   */
  readonly greengrassCoreThingNames?: string[];
}

/**
 * The IoT account of the reference topology (composition of this library's constructs only): the gatekeeper VPC with
 * isolated subnets, the AWS IoT Core endpoints (data, credentials, greengrass) plus S3 and CloudWatch Logs endpoints for
 * Greengrass core devices, network ACLs that admit only the IoT ports from the device, on-premises and consumer
 * networks, the private hosted zones (shared with the network account by a Route 53 Profile), the VPC-only IoT policy,
 * the endpoint service for consumer accounts and an optional static-IP front door.
 *
 * Greengrass core devices outside the gatekeeper VPC (in the device VPC, or on premises through the network account's
 * Resolver inbound endpoint) use the endpoints of the gatekeeper VPC the way AWS's centralized interface endpoint
 * pattern does: the interface endpoints' own private DNS is off, and private hosted zones named after the service
 * hostnames (`greengrass.<region>.amazonaws.com`, `logs.<region>.amazonaws.com`, `s3.<region>.amazonaws.com` with
 * `*.s3.<region>.amazonaws.com` for bucket hostnames) alias them, associated with the gatekeeper VPC and
 * `associatedVpcs` and shared through the Route 53 Profile. A VPC that receives the profile sends all its S3, CloudWatch
 * Logs and Greengrass API traffic of the region through these endpoints (a zone associated with that VPC directly takes
 * precedence).
 *
 * @example
 * declare const app: App;
 * new IotAccountStack(app, 'Iot', {
 *   env: { account: '222222222222', region: 'eu-west-1' },
 *   gatekeeperCidr: '10.10.0.0/16',
 *   deviceCidrs: ['10.20.0.0/16'],
 *   networkAccount: '111111111111',
 *   consumerAccounts: ['333333333333'],
 * });
 */
export class IotAccountStack extends Stack {
  /** The gatekeeper VPC (`gatekeeperCidr`): it holds the interface endpoints and load balancers, and no workloads. */
  public readonly gatekeeperVpc: ec2.IVpc;
  /** The `iot.data`, `iot.credentials` and `greengrass` interface endpoints in the gatekeeper VPC. */
  public readonly endpoint: PrivateIotDataEndpoint;
  /**
   * The private hosted zones of the ATS data host and the credentials host, associated with the gatekeeper VPC and
   * `associatedVpcs` (other accounts resolve them through the Route 53 Profile or the endpoint service).
   */
  public readonly zone: IotPrivateHostedZone;
  /** The devices' IoT policy: connect, publish and subscribe only through this stack's endpoints. */
  public readonly policy: VpceOnlyIotPolicy;
  /** The CloudWatch Logs interface endpoint (for Greengrass core devices). */
  public readonly logsEndpoint: ec2.IInterfaceVpcEndpoint;
  /**
   * The S3 interface endpoint, for Greengrass core devices outside the gatekeeper VPC (an S3 gateway endpoint serves
   * only its own VPC).
   */
  public readonly s3Endpoint: ec2.IInterfaceVpcEndpoint;
  /** The private hosted zone `greengrass.<region>.amazonaws.com` (alias to the Greengrass endpoint). */
  public readonly greengrassZone: route53.IPrivateHostedZone;
  /** The private hosted zone `logs.<region>.amazonaws.com` (alias to the CloudWatch Logs endpoint). */
  public readonly logsZone: route53.IPrivateHostedZone;
  /** The private hosted zone `s3.<region>.amazonaws.com` (apex and `*` aliases to the S3 interface endpoint). */
  public readonly s3Zone: route53.IPrivateHostedZone;
  /**
   * The endpoint service for consumer accounts.
   * @default - none (no consumer accounts)
   */
  public readonly endpointService?: CrossAccountIotEndpointService;
  /**
   * The Route 53 Profile shared with the network account.
   * @default - none (no network account)
   */
  public readonly zoneProfile?: IotZoneProfile;
  /**
   * The static-IP front door.
   * @default - none
   */
  public readonly frontDoor?: StaticIpIotFrontDoor;
  /**
   * The Greengrass core devices' IoT policy, token exchange role and role alias.
   * @default - none (no greengrassCoreThingNames)
   */
  public readonly greengrassCorePolicy?: GreengrassCoreIotPolicy;

  constructor(scope: Construct, id: string, props: IotAccountStackProps) {
    super(scope, id, props);
    // --- validation first: bad input adds nothing to the stack ------------------------------------------
    const aclPlan = this.checkProps(props);
    const onPremises = props.onPremisesCidrs ?? [];
    const internetFacing = props.frontDoor?.internetFacing ?? false;
    const hasConsumers = (props.consumerAccounts ?? []).length > 0 || (props.allowAnyConsumer ?? false);

    this.gatekeeperVpc = new ec2.Vpc(this, 'GatekeeperVpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.gatekeeperCidr),
      maxAzs: props.maxAzs ?? 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        ...(internetFacing ? [{ name: 'front-door', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26, mapPublicIpOnLaunch: false }] : []),
      ],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });
    const endpointSubnets = { subnetGroupName: 'endpoints' };
    acknowledgeTopologyVpc(this.gatekeeperVpc);
    if (internetFacing) {
      acknowledgeLoadBalancerSubnets(this.gatekeeperVpc, 'front-door');
    }

    this.endpoint = new PrivateIotDataEndpoint(this, 'IotEndpoints', {
      vpc: this.gatekeeperVpc,
      subnets: endpointSubnets,
      expectedDevices: props.expectedDevices,
      dataEndpointAddress: props.dataEndpointAddress,
      credentialsEndpointAddress: props.credentialsEndpointAddress,
      peers: [props.gatekeeperCidr, ...props.deviceCidrs, ...onPremises].map((cidr) => ec2.Peer.ipv4(cidr)),
      services: [
        { service: IotVpcEndpointAwsService.CREDENTIALS },
        {
          service: IotVpcEndpointAwsService.GREENGRASS,
          privateDnsEnabled: false, // greengrass.<region>.amazonaws.com is a zone of this stack, shared beyond this VPC
          policyStatements: [new iam.PolicyStatement({
            principals: [new iam.AnyPrincipal()],
            actions: ['greengrass:*'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:PrincipalAccount': this.account } },
          })],
        },
      ],
    });
    const { logs, s3 } = this.greengrassServiceEndpoints(endpointSubnets);
    this.logsEndpoint = logs;
    this.s3Endpoint = s3;

    endpointSubnetAcl(this, 'EndpointAcl', this.gatekeeperVpc, endpointSubnets, aclPlan);
    if (props.transitGatewayId) {
      attachToTransitGateway(this, 'TransitGateway', this.gatekeeperVpc, endpointSubnets, props.transitGatewayId, [...props.deviceCidrs, ...onPremises]);
    }

    const vpcs = [this.gatekeeperVpc, ...(props.associatedVpcs ?? [])];
    this.zone = new IotPrivateHostedZone(this, 'IotZones', { endpoint: this.endpoint, vpcs });
    const greengrass = this.endpoint.greengrassEndpoint!;
    this.greengrassZone = this.serviceZone('GreengrassZone', 'greengrass', greengrass, this.endpoint.dnsNames(greengrass)[0], vpcs);
    this.logsZone = this.serviceZone('LogsZone', 'logs', logs, regionalDnsName(logs), vpcs);
    this.s3Zone = this.serviceZone('S3Zone', 's3', s3, regionalDnsName(s3), vpcs, true);
    this.policy = new VpceOnlyIotPolicy(this, 'DevicePolicy', { endpoints: [this.endpoint] });

    if (props.networkAccount) {
      this.zoneProfile = new IotZoneProfile(this, 'IotZoneProfile', {
        // The IoT zones first: appending keeps the ids of their profile associations (Zone1, Zone2).
        zones: [
          this.zone.dataZone, ...(this.zone.credentialsZone ? [this.zone.credentialsZone] : []), this.greengrassZone, this.logsZone, this.s3Zone,
        ],
        shareWithAccounts: [props.networkAccount],
      });
      new CfnOutput(this, 'ZoneProfileId', { value: this.zoneProfile.profileId, description: 'Route 53 Profile id for the network account' });
    }
    if (hasConsumers) {
      this.endpointService = new CrossAccountIotEndpointService(this, 'IotEndpointService', {
        endpoint: this.endpoint,
        subnets: endpointSubnets,
        allowedAccounts: props.consumerAccounts,
        allowAnyPrincipal: props.allowAnyConsumer,
      });
    }
    if (props.frontDoor) {
      this.frontDoor = new StaticIpIotFrontDoor(this, 'FrontDoor', {
        endpoint: this.endpoint,
        internetFacing,
        subnets: internetFacing ? { subnetGroupName: 'front-door' } : endpointSubnets,
        clientPeers: (props.frontDoor.clientCidrs ?? [...props.deviceCidrs, ...onPremises]).map((cidr) => ec2.Peer.ipv4(cidr)),
        globalAccelerator: props.frontDoor.globalAccelerator,
      });
    }
    declareIotAccountFlows(this, {
      dataHost: this.endpoint.dataEndpointAddress(),
      credentialsHost: this.endpoint.credentialsEndpointAddress(),
      gatekeeperVpc: this.gatekeeperVpc,
      gatekeeperCidr: props.gatekeeperCidr,
      deviceCidrs: props.deviceCidrs,
      onPremisesCidrs: onPremises,
      consumerCidrs: props.consumerCidrs ?? (hasConsumers ? RFC1918_CIDRS : []),
      frontDoor: this.frontDoor && props.frontDoor ? {
        loadBalancer: this.frontDoor.loadBalancer,
        accelerator: this.frontDoor.accelerator,
        ports: this.frontDoor.ports,
        clientCidrs: props.frontDoor.clientCidrs ?? [...props.deviceCidrs, ...onPremises],
        internetFacing,
      } : undefined,
    });
    if (props.greengrassCoreThingNames) {
      this.greengrassCorePolicy = new GreengrassCoreIotPolicy(this, 'GreengrassCorePolicy', {
        thingNames: props.greengrassCoreThingNames,
        endpoints: [this.endpoint],
        cloudWatchLogs: true,
      });
    }
    this.addOutputs();
  }

  /**
   * Checks every prop and plans the endpoint subnets' network ACL (whose size the quota limits); throws before
   * anything is added to the stack.
   */
  private checkProps(props: IotAccountStackProps): EndpointAclPlan {
    const onPremises = props.onPremisesCidrs ?? [];
    checkStackRegion(this);
    checkIpv4Cidrs(this, 'gatekeeperCidr', [props.gatekeeperCidr], '10.10.0.0/16');
    if (props.deviceCidrs.length === 0) {
      invalidProp(this, 'deviceCidrs', 'is empty, so no device network could reach the endpoints', 'name the device networks routed to the gatekeeper VPC');
    }
    checkIpv4Cidrs(this, 'deviceCidrs', props.deviceCidrs);
    checkIpv4Cidrs(this, 'onPremisesCidrs', onPremises, '192.168.0.0/16');
    checkIpv4Cidrs(this, 'frontDoor.clientCidrs', props.frontDoor?.clientCidrs ?? [], '203.0.113.0/24');
    checkIpv4Cidrs(this, 'consumerCidrs', props.consumerCidrs ?? [], '10.30.0.0/16');
    checkCidrsDisjoint(this, 'deviceCidrs', props.deviceCidrs, 'gatekeeperCidr', [props.gatekeeperCidr]);
    checkCidrsDisjoint(this, 'onPremisesCidrs', onPremises, 'gatekeeperCidr', [props.gatekeeperCidr]);
    checkCidrsDisjoint(this, 'consumerCidrs', props.consumerCidrs ?? [], 'gatekeeperCidr', [props.gatekeeperCidr]);
    if (props.transitGatewayId !== undefined) {
      checkTransitGatewayId(this, 'transitGatewayId', props.transitGatewayId);
    }
    if (props.networkAccount !== undefined) {
      checkAccountId(this, 'networkAccount', props.networkAccount);
      if (!Token.isUnresolved(props.networkAccount) && props.networkAccount === this.account) {
        invalidProp(this, 'networkAccount', `${props.networkAccount} is this stack's own account, which needs no Route 53 Profile share`,
          'omit networkAccount and pass the device VPC in associatedVpcs');
      }
    }
    (props.consumerAccounts ?? []).forEach((account) => checkAccountId(this, 'consumerAccounts', account));

    const hasConsumers = (props.consumerAccounts ?? []).length > 0 || (props.allowAnyConsumer ?? false);
    if (props.consumerCidrs !== undefined && !hasConsumers) {
      invalidProp(this, 'consumerCidrs', `[${props.consumerCidrs.join(', ')}] is given, but there is no endpoint service for consumers to connect to`,
        'name the consumer accounts in consumerAccounts (or set allowAnyConsumer), or drop consumerCidrs');
    }
    if (props.consumerCidrs !== undefined && props.consumerCidrs.length === 0) {
      invalidProp(this, 'consumerCidrs', 'is empty, so no consumer VPC could reach the endpoint service through the network ACL',
        'name the consumer VPCs\' CIDRs, or omit consumerCidrs for the RFC 1918 ranges');
    }
    // An internal front door sits in the endpoint subnets: only networks routed to the gatekeeper VPC (and admitted by
    // their network ACL) can reach it.
    if (props.frontDoor && !(props.frontDoor.internetFacing ?? false)) {
      const routed = [props.gatekeeperCidr, ...props.deviceCidrs, ...onPremises].filter((c) => !Token.isUnresolved(c));
      const unreachable = (props.frontDoor.clientCidrs ?? []).filter((c) => !Token.isUnresolved(c) && !routed.some((r) => ipv4CidrContains(r, c)));
      if (unreachable.length > 0) {
        invalidProp(this, 'frontDoor.clientCidrs', `[${unreachable.join(', ')}] lies outside the gatekeeper, device and on-premises CIDRs, but the `
          + 'internal front door is reached only from networks routed to the gatekeeper VPC (and admitted by its network ACL)',
        'add those networks to deviceCidrs or onPremisesCidrs, or make the front door internet-facing');
      }
    }
    const plan = planEndpointSubnetAcl({
      localCidr: props.gatekeeperCidr,
      routedCidrs: [...props.deviceCidrs, ...onPremises],
      privateLinkCidrs: hasConsumers ? props.consumerCidrs ?? RFC1918_CIDRS : [],
    });
    checkEndpointAclQuota(this, plan, 'networkAclRuleQuota', props.networkAclRuleQuota,
      'gatekeeperCidr, deviceCidrs, onPremisesCidrs and consumerCidrs');
    return plan;
  }

  /**
   * The S3 and CloudWatch Logs endpoints Greengrass core devices need (artifacts, logs), behind the IoT endpoints'
   * security group, which admits 443 from the named networks. Inside the gatekeeper VPC the S3 gateway endpoint
   * (free) stays for names the S3 zone does not cover (e.g. `s3.amazonaws.com`, `s3.dualstack.<region>...`); the
   * gateway endpoint cannot carry traffic that arrives through the Transit Gateway, VPN or Direct Connect, so core
   * devices outside the VPC use the S3 interface endpoint.
   */
  private greengrassServiceEndpoints(subnets: ec2.SubnetSelection): { logs: ec2.InterfaceVpcEndpoint; s3: ec2.InterfaceVpcEndpoint } {
    this.gatekeeperVpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [subnets] });
    const options = {
      subnets,
      securityGroups: [this.endpoint.securityGroup],
      open: false, // the endpoint security group already admits 443 from the named networks
      privateDnsEnabled: false, // private DNS answers only inside this VPC: the service zones of this stack replace it
    };
    const logs = this.gatekeeperVpc.addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS, ...options });
    const s3 = this.gatekeeperVpc.addInterfaceEndpoint('S3Interface', { service: ec2.InterfaceVpcEndpointAwsService.S3, ...options });
    return { logs, s3 };
  }

  /**
   * A private hosted zone named after an AWS service hostname (`<service>.<region>.amazonaws.com`) with an alias to the
   * endpoint's regional DNS name (the first entry of its DnsEntries, which aws-cdk-lib's `InterfaceVpcEndpointTarget`
   * reads; the zonal names after it would answer from one zone only), plus `*` for bucket-style hostnames.
   *
   * The zones are associated with the gatekeeper VPC too: a private zone needs a VPC, the gatekeeper VPC is the only
   * one this stack always has, and one name answering the same everywhere is easier to reason about. For S3 that means
   * traffic inside the gatekeeper VPC takes the interface endpoint as well; the VPC holds only endpoints and load
   * balancers, which do not call S3, so nothing of note pays the interface endpoint's data processing.
   */
  private serviceZone(id: string, service: string, endpoint: ec2.IInterfaceVpcEndpoint, name: IotEndpointDnsName, vpcs: ec2.IVpc[],
    wildcard = false): route53.PrivateHostedZone {
    const zone = new route53.PrivateHostedZone(this, id, {
      zoneName: `${service}.${this.region}.${chinaAware(this, 'amazonaws.com.cn', 'amazonaws.com')}`,
      vpc: vpcs[0],
      comment: `AWS IoT private path (cdk-private-iot): ${service} through the gatekeeper VPC's interface endpoint`,
    });
    vpcs.slice(1).forEach((vpc) => zone.addVpc(vpc));
    // Route 53 refuses the zone on the gatekeeper VPC while the endpoint's own private DNS still holds the name
    // (ConflictingDomainExists): create it only after the endpoint (and an update turning private DNS off).
    (zone.node.defaultChild as route53.CfnHostedZone).addDependency(endpoint.node.defaultChild as ec2.CfnVPCEndpoint);
    const target = route53.RecordTarget.fromAlias({ bind: () => ({ dnsName: name.dnsName, hostedZoneId: name.hostedZoneId }) });
    new route53.ARecord(zone, 'Alias', { zone, target });
    if (wildcard) {
      new route53.ARecord(zone, 'WildcardAlias', { zone, recordName: '*', target });
    }
    return zone;
  }

  private addOutputs(): void {
    new CfnOutput(this, 'IotDataEndpoint', { value: this.endpoint.dataEndpointAddress(), description: 'ATS data endpoint (pass to consumers)' });
    new CfnOutput(this, 'IotCredentialsEndpoint', { value: this.endpoint.credentialsEndpointAddress()!, description: 'Credential provider endpoint' });
    new CfnOutput(this, 'GreengrassNucleusConfiguration', {
      description: 'aws.greengrass.Nucleus configuration for core devices in the gatekeeper VPC, in the device VPC (Transit Gateway; names from '
        + 'the Route 53 Profile or associatedVpcs) and on premises (VPN / Direct Connect; forward the IoT hostnames and greengrass, logs and '
        + 's3.<region>.amazonaws.com to the network account\'s Resolver inbound endpoint)',
      value: this.greengrassCorePolicy ? this.greengrassCorePolicy.nucleusConfiguration(this.endpoint) : this.toJsonString({
        greengrassDataPlaneEndpoint: 'iotdata',
        iotDataEndpoint: this.endpoint.dataEndpointAddress(),
        iotCredEndpoint: this.endpoint.credentialsEndpointAddress(),
        ...(this.region === 'us-east-1' ? { s3EndpointType: 'REGIONAL' } : {}),
      }),
    });
  }
}

/** The first entry of an endpoint's DnsEntries (its regional name), as aws-cdk-lib's `InterfaceVpcEndpointTarget` reads it. */
function regionalDnsName(endpoint: ec2.InterfaceVpcEndpoint): IotEndpointDnsName {
  const entry = Fn.select(0, endpoint.vpcEndpointDnsEntries);
  return { hostedZoneId: Fn.select(0, Fn.split(':', entry)), dnsName: Fn.select(1, Fn.split(':', entry)) };
}
