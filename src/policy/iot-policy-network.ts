import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IPrivateIotDataEndpoint } from '../endpoint/types';

/**
 * Where devices may connect from: the network conditions of an AWS IoT policy, on `iot:Connect`.
 *
 * The allowed VPC endpoints (condition `aws:SourceVpce`) are the union of `endpoints`, `vpcEndpoints` and
 * `vpcEndpointIds`: at least one is required.
 */
export interface IotPolicyNetworkOptions {
  /**
   * Private IoT data endpoints whose `iot.data` interface endpoints (`dataEndpoints`) devices may connect through.
   * Not a consumer's endpoints of a provider's endpoint service (`dataServiceName`): AWS IoT Core sees the provider's
   * gatekeeper endpoint ids, never a consumer's.
   * @default - none (give `vpcEndpoints` or `vpcEndpointIds`)
   */
  readonly endpoints?: IPrivateIotDataEndpoint[];

  /**
   * More `iot.data` interface VPC endpoints devices may connect through.
   * @default - none
   */
  readonly vpcEndpoints?: ec2.IInterfaceVpcEndpoint[];

  /**
   * More ids of `iot.data` interface VPC endpoints devices may connect through, e.g. an endpoint in another account
   * (`vpce-` followed by 8 or 17 lowercase hexadecimal digits).
   * @default - none
   */
  readonly vpcEndpointIds?: string[];

  /**
   * VPCs the requests must come from (condition `aws:SourceVpc`, in addition to `aws:SourceVpce`).
   * Every endpoint of `endpoints` must be in one of them.
   * @default - no `aws:SourceVpc` condition
   */
  readonly sourceVpcs?: ec2.IVpc[];

  /**
   * Ids of VPCs the requests must come from (`vpc-` followed by 8 or 17 lowercase hexadecimal digits), added to `sourceVpcs`.
   * @default - no `aws:SourceVpc` condition
   */
  readonly sourceVpcIds?: string[];

  /**
   * IPv4 or IPv6 CIDR blocks the device's address, as seen by the VPC endpoint, must be in
   * (condition `aws:VpcSourceIp` with the `IpAddress` operator), e.g. `10.20.0.0/16`.
   *
   * Behind a load balancer the endpoint sees the load balancer's private address, not the device's: when a
   * `StaticIpIotFrontDoor` or `CrossAccountIotEndpointService` of the app fronts one of the policy's endpoints
   * (`endpoints` or `vpcEndpoints`, whichever is created first), synthesis fails unless these CIDRs cover its load
   * balancer's subnets. Subnets whose CIDR is unknown at synthesis (imported without one, or a token) cannot be
   * checked: a warning says so.
   * @default - no `aws:VpcSourceIp` condition
   */
  readonly sourceIpCidrs?: string[];
}
