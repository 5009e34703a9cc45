import { CfnOutput, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeLoadBalancerSubnets, acknowledgeTopologyVpc, attachToTransitGateway, endpointSubnetAcl } from './network';
import { IotPrivateHostedZone } from '../dns/iot-private-hosted-zone';
import { IotEndpointService } from '../endpoint/iot-endpoint-service';
import { PrivateIotDataEndpoint } from '../endpoint/private-iot-data-endpoint';
import { StaticIpIotFrontDoor } from '../front-door/static-ip-iot-front-door';
import { VpceOnlyIotPolicy } from '../policy/vpce-only-iot-policy';
import { invalidProp } from '../private/errors';
import { checkAccountId, checkIpv4Cidrs } from '../private/validation';
import { CrossAccountIotEndpointService } from '../sharing/cross-account-iot-endpoint-service';
import { IotZoneProfile } from '../sharing/iot-zone-profile';

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
}

/**
 * Properties of an `IotAccountStack`.
 */
export interface IotAccountStackProps extends StackProps {
  /** IPv4 CIDR of the gatekeeper VPC. */
  readonly gatekeeperCidr: string;

  /** CIDRs of the device networks that reach the endpoints through the Transit Gateway (the network account's VPC). */
  readonly deviceCidrs: string[];

  /**
   * On-premises CIDRs (Direct Connect / VPN) that reach the endpoints.
   * @default - none
   */
  readonly onPremisesCidrs?: string[];

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
}

/**
 * The IoT account of the reference topology (composition of this library's constructs only): the gatekeeper VPC with
 * isolated subnets, the AWS IoT Core endpoints (data, credentials, greengrass) plus S3 and CloudWatch Logs endpoints for
 * Greengrass core devices, network ACLs that admit only the IoT ports from the device and on-premises networks, the
 * private hosted zones (shared with the network account by a Route 53 Profile), the VPC-only IoT policy, the endpoint
 * service for consumer accounts and an optional static-IP front door.
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
  public readonly gatekeeperVpc: ec2.Vpc;
  public readonly endpoint: PrivateIotDataEndpoint;
  public readonly zone: IotPrivateHostedZone;
  public readonly policy: VpceOnlyIotPolicy;
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

  constructor(scope: Construct, id: string, props: IotAccountStackProps) {
    super(scope, id, props);
    const onPremises = props.onPremisesCidrs ?? [];
    const internetFacing = props.frontDoor?.internetFacing ?? false;
    checkIpv4Cidrs(this, 'gatekeeperCidr', [props.gatekeeperCidr], '10.10.0.0/16');
    if (props.deviceCidrs.length === 0) {
      invalidProp(this, 'deviceCidrs', 'is empty, so no device network could reach the endpoints', 'name the device networks routed to the gatekeeper VPC');
    }
    checkIpv4Cidrs(this, 'deviceCidrs', props.deviceCidrs);
    checkIpv4Cidrs(this, 'onPremisesCidrs', onPremises, '192.168.0.0/16');
    checkIpv4Cidrs(this, 'frontDoor.clientCidrs', props.frontDoor?.clientCidrs ?? [], '203.0.113.0/24');
    if (props.networkAccount !== undefined) {
      checkAccountId(this, 'networkAccount', props.networkAccount);
      if (!Token.isUnresolved(props.networkAccount) && props.networkAccount === this.account) {
        invalidProp(this, 'networkAccount', `${props.networkAccount} is this stack's own account, which needs no Route 53 Profile share`,
          'omit networkAccount and pass the device VPC in associatedVpcs');
      }
    }
    (props.consumerAccounts ?? []).forEach((account) => checkAccountId(this, 'consumerAccounts', account));

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
        { service: IotEndpointService.CREDENTIALS },
        {
          service: IotEndpointService.GREENGRASS,
          policyStatements: [new iam.PolicyStatement({
            principals: [new iam.AnyPrincipal()],
            actions: ['greengrass:*'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:PrincipalAccount': this.account } },
          })],
        },
      ],
    });
    // Greengrass core devices also fetch component artifacts from S3 and write logs.
    this.gatekeeperVpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [endpointSubnets] });
    this.gatekeeperVpc.addInterfaceEndpoint('Logs', {
      service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      subnets: endpointSubnets,
      securityGroups: [this.endpoint.securityGroup],
      open: false, // the endpoint security group already admits 443 from the named networks
    });

    endpointSubnetAcl(this, 'EndpointAcl', this.gatekeeperVpc, endpointSubnets, [props.gatekeeperCidr, ...props.deviceCidrs, ...onPremises]);
    if (props.transitGatewayId) {
      attachToTransitGateway(this, 'TransitGateway', this.gatekeeperVpc, endpointSubnets, props.transitGatewayId, [...props.deviceCidrs, ...onPremises]);
    }

    this.zone = new IotPrivateHostedZone(this, 'IotZones', { endpoint: this.endpoint, vpcs: [this.gatekeeperVpc, ...(props.associatedVpcs ?? [])] });
    this.policy = new VpceOnlyIotPolicy(this, 'DevicePolicy', { endpoints: [this.endpoint] });

    if (props.networkAccount) {
      this.zoneProfile = new IotZoneProfile(this, 'IotZoneProfile', {
        zones: [this.zone.dataZone, ...(this.zone.credentialsZone ? [this.zone.credentialsZone] : [])],
        shareWithAccounts: [props.networkAccount],
      });
      new CfnOutput(this, 'ZoneProfileId', { value: this.zoneProfile.profileId, description: 'Route 53 Profile id for the network account' });
    }
    if ((props.consumerAccounts && props.consumerAccounts.length > 0) || props.allowAnyConsumer) {
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
      });
    }

    new CfnOutput(this, 'IotDataEndpoint', { value: this.endpoint.dataEndpointAddress, description: 'ATS data endpoint (pass to consumers)' });
    new CfnOutput(this, 'IotCredentialsEndpoint', { value: this.endpoint.credentialsEndpointAddress!, description: 'Credential provider endpoint' });
    new CfnOutput(this, 'GreengrassNucleusConfiguration', {
      description: 'aws.greengrass.Nucleus configuration for core devices that reach AWS IoT through these endpoints',
      value: this.toJsonString({
        greengrassDataPlaneEndpoint: 'iotdata',
        iotDataEndpoint: this.endpoint.dataEndpointAddress,
        iotCredEndpoint: this.endpoint.credentialsEndpointAddress,
        ...(this.region === 'us-east-1' ? { s3EndpointType: 'REGIONAL' } : {}),
      }),
    });
  }
}
