import { Duration, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { IotPrivateHostedZone, IotRecordStyle } from '../dns/iot-private-hosted-zone';
import { PrivateIotDataEndpoint } from '../endpoint/private-iot-data-endpoint';
import { invalidProp } from '../private/errors';
import { ENDPOINT_SERVICE_NAME } from '../private/validation';

/**
 * Properties of an `IotEndpointServiceConsumer`.
 */
export interface IotEndpointServiceConsumerProps {
  /** The consumer's VPC. */
  readonly vpc: ec2.IVpc;

  /**
   * The provider's endpoint service name (`CrossAccountIotEndpointService.serviceName`). Pass it as a string copied
   * from the provider's output: given the provider construct's token, aws-cdk-lib would make a "weak" cross-account
   * reference (an extra output and a fixed-name IAM role in the provider stack, and no deployment order).
   */
  readonly serviceName: string;

  /**
   * The provider account's ATS data endpoint, e.g. `a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com`. The consumer
   * cannot look it up (a lookup would return the consumer account's own endpoint). Devices and applications keep
   * connecting to this hostname (TLS with SNI), which the private zone resolves to the consumer endpoint.
   */
  readonly dataEndpointAddress: string;

  /**
   * The subnets of the consumer endpoint, one per availability zone (in zones the provider's service offers).
   * @default - the VPC's private subnets, one per availability zone
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * The availability zones (of this account) that offer the provider's service. Matched against the subnets' zones
   * once those are real (not on the CDK CLI's first synthesis pass over placeholder zones).
   * @default - looked up (`endpoint-service-availability-zones` context for `serviceName`; on the CDK CLI's first
   * pass every selected zone is used until the lookup is answered) when the stack has a concrete env, otherwise every
   * selected zone (with a warning)
   */
  readonly supportedAvailabilityZones?: string[];

  /**
   * TCP ports opened on the consumer endpoint's security group.
   * @default [443, 8443, 8883]
   */
  readonly ports?: number[];

  /**
   * Who may reach the consumer endpoint.
   * @default - the VPC's IPv4 CIDR block
   */
  readonly peers?: ec2.IPeer[];

  /**
   * How the provider's hostname resolves to the consumer endpoint.
   * @default IotRecordStyle.WEIGHTED_IPS
   */
  readonly recordStyle?: IotRecordStyle;

  /**
   * VPCs of the consumer account that resolve the provider's hostname to the consumer endpoint.
   * @default - the consumer's VPC
   */
  readonly vpcs?: ec2.IVpc[];

  /**
   * Time to live of the weighted address records.
   * @default Duration.minutes(1)
   */
  readonly ttl?: Duration;
}

/**
 * The consumer side of a `CrossAccountIotEndpointService`: an interface endpoint to the provider's service in the
 * consumer's VPC, and a private hosted zone named after the provider's ATS data endpoint, so unmodified MQTT clients
 * that connect to the provider's normal AWS IoT hostname go through the consumer endpoint.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * new IotEndpointServiceConsumer(this, 'ProviderIot', {
 *   vpc,
 *   serviceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
 *   dataEndpointAddress: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
 *   supportedAvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
 * });
 */
export class IotEndpointServiceConsumer extends Construct {
  /** The interface endpoint to the provider's service (and its security group). */
  public readonly endpoint: PrivateIotDataEndpoint;
  /** The private hosted zone named after the provider's ATS data endpoint. */
  public readonly zone: IotPrivateHostedZone;

  constructor(scope: Construct, id: string, props: IotEndpointServiceConsumerProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.serviceName) && !ENDPOINT_SERVICE_NAME.test(props.serviceName)) {
      invalidProp(this, 'serviceName', `'${props.serviceName}' is not a PrivateLink endpoint service name`,
        'use the provider\'s CrossAccountIotEndpointService serviceName output, e.g. com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0');
    }
    this.endpoint = new PrivateIotDataEndpoint(this, 'Endpoint', {
      vpc: props.vpc,
      dataServiceName: props.serviceName,
      dataEndpointAddress: props.dataEndpointAddress,
      subnets: props.subnets,
      supportedAvailabilityZones: props.supportedAvailabilityZones,
      ports: props.ports,
      peers: props.peers,
    });
    this.zone = new IotPrivateHostedZone(this, 'Zone', {
      endpoint: this.endpoint,
      recordStyle: props.recordStyle,
      vpcs: props.vpcs,
      ttl: props.ttl,
    });
  }
}
