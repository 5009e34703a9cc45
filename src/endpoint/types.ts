import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
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

  /**
   * Lets an IAM principal (a Lambda function, a role of an on-premises application, ...) open MQTT sessions (SigV4,
   * MQTT over WebSocket) with the given client ids, only through this construct's `iot.data` endpoints: `iot:Connect`
   * on `arn:<partition>:iot:<region>:<account>:client/<id>`, with the condition `aws:SourceVpce` = the ids of
   * `dataEndpoints`, added to the principal's policy.
   *
   * This condition is what keeps the principal's sessions on the endpoints: AWS documents the VPC condition keys for
   * AWS IoT Core on `iot:Connect` only, so `grantPublish`, `grantSubscribe` and `grantReceive` carry none, and what a
   * session does afterwards happens on the endpoint it was opened through. Publishing over HTTPS needs no
   * `iot:Connect`, though: `grantPublish` alone also allows it through the public endpoint.
   *
   * Client ids follow the AWS IoT Core rules (at most 128 bytes, no MQTT wildcards `#` and `+`); the policy wildcard
   * `*` may stand for a part (`backend-*`, for instances that each need their own id) but not for the whole id. Thing
   * policy variables (`${iot:Connection.Thing.ThingName}`) resolve only for principals attached to a thing, never for
   * an IAM role or user. Throws for the endpoints of a consumer of a provider's endpoint service (`dataServiceName`):
   * AWS IoT Core sees the provider's gatekeeper endpoint ids, so grant on the gatekeeper endpoint.
   *
   * @param grantee the principal
   * @param clientIds the MQTT client ids it connects with (at least one)
   *
   * @example
   * declare const endpoint: PrivateIotDataEndpoint;
   * declare const fn: lambda.IFunction;
   *
   * endpoint.grantConnect(fn, 'telemetry-backend');
   * endpoint.grantPublish(fn, 'factory/line1/commands');
   */
  grantConnect(grantee: iam.IGrantable, ...clientIds: string[]): iam.Grant;

  /**
   * Lets an IAM principal publish to the given topics: `iot:Publish` on
   * `arn:<partition>:iot:<region>:<account>:topic/<name>`, added to the principal's policy.
   *
   * No VPC condition: AWS documents `aws:SourceVpce` for AWS IoT Core only on `iot:Connect`, and an `Allow` whose
   * condition key is absent from the request does not apply. Over MQTT, the `iot:Connect` condition of
   * `grantConnect` keeps the session on the endpoints; over HTTPS (which needs no `iot:Connect`) this grant allows
   * publishing through any endpoint.
   *
   * Topic names follow the AWS IoT Core rules (at most 256 bytes and 7 slashes, no MQTT wildcards `#` and `+`); the
   * policy wildcard `*` may stand for a part (`factory/line*`) but not for the whole topic. Reserved
   * topics (`$aws/things/<thing>/shadow/update`, Basic Ingest `$aws/rules/<rule>/...`) are accepted.
   *
   * @param grantee the principal
   * @param topics the topic names (at least one)
   *
   * @example
   * declare const endpoint: PrivateIotDataEndpoint;
   * declare const role: iam.IRole;
   *
   * endpoint.grantConnect(role, 'plant-gateway');
   * endpoint.grantPublish(role, 'factory/line1/telemetry', '$aws/rules/ingest/line1');
   */
  grantPublish(grantee: iam.IGrantable, ...topics: string[]): iam.Grant;

  /**
   * Lets an IAM principal subscribe to the given topic filters: `iot:Subscribe` on
   * `arn:<partition>:iot:<region>:<account>:topicfilter/<filter>`, added to the principal's policy. Pair it with
   * `grantReceive` for the topics the filters match, and `grantConnect` for the session.
   *
   * No VPC condition (see `grantPublish`): the `iot:Connect` condition of `grantConnect` keeps the session, and so its
   * subscriptions, on the endpoints.
   *
   * In a `topicfilter` resource the MQTT wildcards are literal: `factory/+/alerts` allows exactly that subscription,
   * while the policy wildcard in `factory/*` allows any filter that starts with `factory/`. A filter of wildcards
   * alone is refused.
   *
   * @param grantee the principal
   * @param topicFilters the topic filters (at least one)
   *
   * @example
   * declare const endpoint: PrivateIotDataEndpoint;
   * declare const fn: lambda.IFunction;
   *
   * endpoint.grantConnect(fn, 'alert-listener');
   * endpoint.grantSubscribe(fn, 'factory/+/alerts');
   * endpoint.grantReceive(fn, 'factory/line1/alerts', 'factory/line2/alerts');
   */
  grantSubscribe(grantee: iam.IGrantable, ...topicFilters: string[]): iam.Grant;

  /**
   * Lets an IAM principal receive the messages of the given topics: `iot:Receive` on
   * `arn:<partition>:iot:<region>:<account>:topic/<name>`, added to the principal's policy (AWS IoT Core checks it
   * for every message it delivers on a subscription).
   *
   * No VPC condition (see `grantPublish`): the `iot:Connect` condition of `grantConnect` keeps the session on the
   * endpoints. Same topic rules as `grantPublish`.
   *
   * @param grantee the principal
   * @param topics the topic names (at least one)
   *
   * @example
   * declare const endpoint: PrivateIotDataEndpoint;
   * declare const fn: lambda.IFunction;
   *
   * endpoint.grantReceive(fn, 'factory/line1/alerts', 'factory/line2/alerts');
   */
  grantReceive(grantee: iam.IGrantable, ...topics: string[]): iam.Grant;
}
