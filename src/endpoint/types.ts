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
 * `iot.credentials` and `greengrass` endpoints, and the account's IoT hostnames. A `PrivateIotDataEndpoint`, or
 * endpoints created elsewhere imported with `PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes`.
 */
export interface IPrivateIotDataEndpoint extends IConstruct, ec2.IConnectable {
  /** The VPC the endpoints are in. */
  readonly vpc: ec2.IVpc;

  /** The `iot.data` interface endpoints (one per 100,000 devices). */
  readonly dataEndpoints: ec2.IInterfaceVpcEndpoint[];

  /**
   * The `iot.credentials` interface endpoint.
   * @default - none (not requested)
   */
  readonly credentialsEndpoint?: ec2.IInterfaceVpcEndpoint;

  /**
   * The `greengrass` interface endpoint.
   * @default - none (not requested)
   */
  readonly greengrassEndpoint?: ec2.IInterfaceVpcEndpoint;


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
   * The account's AWS IoT Core ATS data endpoint, e.g. `a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com`: the
   * address given to the construct, or else a deployment-time `iot:DescribeEndpoint` lookup, created by the first call
   * (a method, not a property, so inspecting the object in a debugger adds nothing to the stack).
   */
  dataEndpointAddress(): string;

  /**
   * The account's AWS IoT credential provider endpoint, e.g. `c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com`:
   * the address given to the construct, or else a deployment-time lookup created by the first call.
   * @returns undefined when there is no `iot.credentials` endpoint
   */
  credentialsEndpointAddress(): string | undefined;

  /**
   * The private IPv4 addresses of every network interface of every `iot.data` endpoint
   * (`dataEndpoints.length * networkInterfacesPerEndpoint` tokens, in no particular order), looked up at deployment
   * (CloudFormation does not expose them); the lookups are created by the first call.
   */
  dataEndpointIps(): string[];

  /**
   * The private IPv4 addresses of the `iot.credentials` endpoint, looked up at deployment like `dataEndpointIps()`.
   * @returns an empty list when there is no `iot.credentials` endpoint
   */
  credentialsEndpointIps(): string[];

  /**
   * The private IPv4 addresses of one of this construct's endpoints, one token per network interface,
   * in no particular order. Looked up at deployment (CloudFormation does not expose them); for an imported endpoint
   * the network interface ids are looked up first (`ec2:DescribeVpcEndpoints`).
   */
  privateIpAddresses(endpoint: ec2.IInterfaceVpcEndpoint): string[];

  /**
   * The IPv6 addresses of one of this construct's endpoints, one token per network interface.
   * Only for dual-stack endpoints.
   */
  ipv6Addresses(endpoint: ec2.IInterfaceVpcEndpoint): string[];

  /**
   * Every DNS name of one of this construct's endpoints (the regional name and one per availability zone),
   * in no particular order. All of them resolve to healthy network interfaces of the endpoint.
   *
   * Throws for endpoints imported with `PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes`: CloudFormation
   * gives an endpoint's DNS entries only to the stack that creates it (use `IotRecordStyle.WEIGHTED_IPS` for them).
   */
  dnsNames(endpoint: ec2.IInterfaceVpcEndpoint): IotEndpointDnsName[];
}
