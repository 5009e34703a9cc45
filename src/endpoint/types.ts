import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/**
 * One DNS name of an interface VPC endpoint, as an alias target.
 */
export interface IotEndpointDnsName {
  /** The DNS name, e.g. `vpce-0abc-1xyz.iot.data.eu-west-1.vpce.amazonaws.com`. */
  readonly dnsName: string;
  /** The Route 53 hosted zone id that owns `dnsName` (for alias records). */
  readonly hostedZoneId: string;
}

/**
 * The private path to AWS IoT Core in one VPC: one or more `iot.data` interface endpoints, optional
 * `iot.credentials` and `greengrass` endpoints, and the account's IoT hostnames.
 */
export interface IPrivateIotDataEndpoint extends IConstruct, ec2.IConnectable {
  /** The VPC the endpoints are in. */
  readonly vpc: ec2.IVpc;

  /** The `iot.data` interface endpoints (one per 100,000 devices). */
  readonly dataEndpoints: ec2.InterfaceVpcEndpoint[];

  /**
   * The `iot.credentials` interface endpoint.
   * @default - none (not requested)
   */
  readonly credentialsEndpoint?: ec2.InterfaceVpcEndpoint;

  /**
   * The `greengrass` interface endpoint.
   * @default - none (not requested)
   */
  readonly greengrassEndpoint?: ec2.InterfaceVpcEndpoint;

  /**
   * The account's AWS IoT Core ATS data endpoint, e.g. `a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com`.
   * @attribute
   */
  readonly dataEndpointAddress: string;

  /**
   * The account's AWS IoT credential provider endpoint, e.g. `c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com`.
   * @default - none (the credentials endpoint was not requested)
   * @attribute
   */
  readonly credentialsEndpointAddress?: string;

  /** The availability zones the endpoints have a network interface in. */
  readonly availabilityZones: string[];

  /** Network interfaces per endpoint (one per subnet). */
  readonly networkInterfacesPerEndpoint: number;

  /** Whether the endpoints have IPv6 addresses as well as IPv4 (dual-stack). */
  readonly dualStack: boolean;

  /**
   * The provider's PrivateLink endpoint service the data endpoints connect to, when they are a consumer's endpoints
   * (traffic then reaches AWS IoT Core through the provider's gatekeeper endpoints, whose ids an IoT policy must name).
   * @default - none: the data endpoints connect to AWS IoT Core's `iot.data` service directly
   */
  readonly dataServiceName?: string;

  /**
   * The private IPv4 addresses of every network interface of every `iot.data` endpoint
   * (`dataEndpoints.length * networkInterfacesPerEndpoint` tokens, in no particular order).
   * @attribute
   */
  readonly dataEndpointIps: string[];

  /**
   * The private IPv4 addresses of one of this construct's endpoints, one token per network interface,
   * in no particular order. Looked up at deployment (CloudFormation does not expose them).
   */
  privateIpAddresses(endpoint: ec2.InterfaceVpcEndpoint): string[];

  /**
   * The IPv6 addresses of one of this construct's endpoints, one token per network interface.
   * Only for dual-stack endpoints.
   */
  ipv6Addresses(endpoint: ec2.InterfaceVpcEndpoint): string[];

  /**
   * Every DNS name of one of this construct's endpoints (the regional name and one per availability zone),
   * in no particular order. All of them resolve to healthy network interfaces of the endpoint.
   */
  dnsNames(endpoint: ec2.InterfaceVpcEndpoint): IotEndpointDnsName[];
}
