import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { declareConsumerFlows } from './flows';
import { acknowledgeTopologyVpc } from './network';
import { checkIpv4Cidrs, checkStackRegion } from '../private/validation';
import { IotConnectivityCanary } from '../probe/connectivity-canary';
import { IotEndpointServiceConsumer } from '../sharing/iot-endpoint-service-consumer';

/**
 * Properties of a `ConsumerAccountStack`.
 */
export interface ConsumerAccountStackProps extends StackProps {
  /** IPv4 CIDR of the consumer VPC. */
  readonly vpcCidr: string;

  /** The IoT account's endpoint service name (its EndpointService ServiceName output). */
  readonly serviceName: string;

  /** The IoT account's ATS data endpoint (its IotDataEndpoint output). */
  readonly dataEndpointAddress: string;

  /**
   * The zones (of this account) that offer the IoT account's endpoint service.
   * @default - looked up (when serviceName is a literal and the stack has a concrete env)
   */
  readonly supportedAvailabilityZones?: string[];

  /**
   * Availability zones of the consumer VPC.
   * @default 2
   */
  readonly maxAzs?: number;
}

/**
 * A consumer account of the reference topology (legacy application or third party): an interface endpoint to the IoT
 * account's endpoint service, a private hosted zone for the IoT account's ATS hostname, and a connectivity canary.
 *
 * @example
 * declare const app: App;
 * new ConsumerAccountStack(app, 'Consumer', {
 *   env: { account: '333333333333', region: 'eu-west-1' },
 *   vpcCidr: '10.30.0.0/16',
 *   serviceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
 *   dataEndpointAddress: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
 * });
 */
export class ConsumerAccountStack extends Stack {
  /** The consumer VPC (`vpcCidr`; isolated subnets only, in `maxAzs` availability zones). */
  public readonly vpc: ec2.IVpc;
  /**
   * The consumer side of the PrivateLink service: the interface endpoint to the IoT account's endpoint service and the
   * private hosted zone that resolves the ATS data host to it.
   */
  public readonly consumer: IotEndpointServiceConsumer;
  /** The connectivity canary that resolves and connects to the data host from this VPC on a schedule. */
  public readonly canary: IotConnectivityCanary;

  constructor(scope: Construct, id: string, props: ConsumerAccountStackProps) {
    super(scope, id, props);
    checkStackRegion(this);
    checkIpv4Cidrs(this, 'vpcCidr', [props.vpcCidr], '10.30.0.0/16');
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.vpcCidr),
      maxAzs: props.maxAzs ?? 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });
    acknowledgeTopologyVpc(this.vpc);
    this.consumer = new IotEndpointServiceConsumer(this, 'ProviderIot', {
      vpc: this.vpc,
      serviceName: props.serviceName,
      dataEndpointAddress: props.dataEndpointAddress,
      supportedAvailabilityZones: props.supportedAvailabilityZones,
    });
    declareConsumerFlows(this, this.vpc, props.vpcCidr, props.dataEndpointAddress);
    this.canary = new IotConnectivityCanary(this, 'Canary', {
      vpc: this.vpc,
      host: props.dataEndpointAddress,
      expectCidrs: [props.vpcCidr],
    });
  }
}
