import { CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { acknowledge, acknowledgeGuard } from './nag';

/** Construct id of the stack-wide lookup helper. */
const LOOKUPS_ID = 'CdkPrivateIotLookups';
/** Construct id of the Lambda function that every `AwsCustomResource` of a stack shares. */
const AWS_CUSTOM_RESOURCE_FUNCTION_ID = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;

/**
 * Deployment-time lookups of values CloudFormation does not expose (IoT endpoint hostnames, ENI and Elastic IP addresses).
 *
 * All of them are `AwsCustomResource`s, so a stack gets exactly one Lambda function for all of them, however
 * many constructs and endpoints it has. One per stack (`IotLookups.of(scope)`).
 *
 * The function runs with this helper's role, and every lookup's permission goes into that role's one policy,
 * deduplicated: the policy grows with the set of distinct statements (actions, and resources where an action can be
 * scoped), not with the number of lookups. (`AwsCustomResource` alone attaches one inline policy per lookup to the
 * shared role, and IAM caps a role's inline policies at 10,240 characters in all: about 90 lookups would fail at
 * deployment.)
 */
export class IotLookups extends Construct {
  /** The lookup helper of the stack that contains `scope`. */
  public static of(scope: IConstruct): IotLookups {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(LOOKUPS_ID) as IotLookups | undefined) ?? new IotLookups(stack, LOOKUPS_ID);
  }

  /** Log group of the shared lookup function (the samples we replace left it unbounded). */
  public readonly logGroup: logs.LogGroup;
  /** The role of the shared lookup function: writes its log group, and holds every lookup's permission in one policy. */
  public readonly role: iam.Role;
  private readonly endpointAddresses = new Map<string, string>();
  /** The statements already granted, by principal: each distinct statement once. */
  private readonly granted = new Map<iam.IPrincipal, Set<string>>();
  /** Why `Resource: *` cannot be narrowed, per action (for the cdk-nag acknowledgement of the policy). */
  private readonly wildcardReasons = new Set<string>();
  private sharedFunctionAcknowledged = false;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Deployment-time lookups of cdk-private-iot (IoT endpoint hostnames, network interface and Elastic IP addresses)',
    });
    this.logGroup.grantWrite(this.role);
    acknowledgeGuard(this.logGroup, 'cloudwatch_log_group_encrypted_check',
      'Logs of the deployment-time lookup function hold only AWS API request ids and IoT endpoint hostnames, which are not secret; '
      + 'CloudWatch Logs encrypts them at rest with a service key (a customer-managed KMS key would cost a key per stack for no secret).');
    acknowledge(this.logGroup, [
      {
        id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
        reason: 'Logs of the deployment-time lookup function hold only AWS API request ids and IoT endpoint hostnames, which are not secret; CloudWatch Logs encrypts them at rest with a service key.',
      },
      {
        id: 'HIPAA.Security-CloudWatchLogGroupEncrypted',
        reason: 'Logs of the deployment-time lookup function hold only AWS API request ids and IoT endpoint hostnames (no PHI); CloudWatch Logs encrypts them at rest with a service key.',
      },
      {
        id: 'PCI.DSS.321-CloudWatchLogGroupEncrypted',
        reason: 'Logs of the deployment-time lookup function hold only AWS API request ids and IoT endpoint hostnames (no cardholder data); CloudWatch Logs encrypts them at rest with a service key.',
      },
    ]);
  }

  /**
   * The account's AWS IoT endpoint of the given type in the stack's region, via `iot:DescribeEndpoint`.
   * @param endpointType `iot:Data-ATS` or `iot:CredentialProvider` (never the legacy `iot:Data`)
   */
  public endpointAddress(endpointType: string): string {
    const cached = this.endpointAddresses.get(endpointType);
    if (cached) {
      return cached;
    }
    const id = endpointType.replace(/^iot:/, '').replace(/[^A-Za-z0-9]/g, '') + 'Endpoint';
    const call: cr.AwsSdkCall = {
      service: 'Iot',
      action: 'describeEndpoint',
      parameters: { endpointType },
      physicalResourceId: cr.PhysicalResourceId.fromResponse('endpointAddress'),
      outputPaths: ['endpointAddress'],
    };
    const lookup = this.sdkLookup(this, id, call, 'iot:DescribeEndpoint');
    const address = lookup.getResponseField('endpointAddress');
    this.endpointAddresses.set(endpointType, address);
    return address;
  }

  /**
   * The addresses of an interface endpoint's network interfaces, via `ec2:DescribeNetworkInterfaces` on the
   * endpoint's (unordered) network interface ids. Exactly one output path per network interface: never more
   * (the deployment would fail on a missing path), never fewer (an address would be dropped).
   *
   * @param scope where the lookup resource is created (the endpoint's construct)
   * @param networkInterfaceIds one token per network interface of the endpoint (= its subnets), e.g. `Fn.select`s of
   * the endpoint's `NetworkInterfaceIds` attribute, or `vpcEndpointNetworkInterfaceIds()` of an imported endpoint
   * @param physicalId the lookup's physical id (the endpoint id)
   */
  public networkInterfaceAddresses(scope: Construct, id: string, networkInterfaceIds: string[], physicalId: string,
    ipv6: boolean): NetworkInterfaceAddresses {
    const count = networkInterfaceIds.length;
    const paths: string[] = [];
    for (let i = 0; i < count; i++) {
      paths.push(`NetworkInterfaces.${i}.PrivateIpAddress`);
      if (ipv6) {
        paths.push(`NetworkInterfaces.${i}.Ipv6Addresses.0.Ipv6Address`);
      }
    }
    const call: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'describeNetworkInterfaces',
      // One token per interface (all of them, so their order does not matter): a list token inside the call's JSON
      // would make aws-cdk-lib add a second Lambda function (CdkJsonStringify) to the stack.
      parameters: { NetworkInterfaceIds: networkInterfaceIds },
      physicalResourceId: cr.PhysicalResourceId.of(physicalId),
      outputPaths: paths,
    };
    const lookup = this.sdkLookup(scope, id, call, 'ec2:DescribeNetworkInterfaces');
    const ipv4: string[] = [];
    const ipv6Addresses: string[] = [];
    for (let i = 0; i < count; i++) {
      ipv4.push(lookup.getResponseField(`NetworkInterfaces.${i}.PrivateIpAddress`));
      if (ipv6) {
        ipv6Addresses.push(lookup.getResponseField(`NetworkInterfaces.${i}.Ipv6Addresses.0.Ipv6Address`));
      }
    }
    return { ipv4, ipv6: ipv6Addresses };
  }

  /**
   * The network interface ids of an interface endpoint created elsewhere (CloudFormation exposes them only to the
   * stack that creates the endpoint), via `ec2:DescribeVpcEndpoints` (`VpcEndpoints.0.NetworkInterfaceIds.<i>`, in no
   * particular order). Exactly `count` output paths: an endpoint with fewer interfaces fails the deployment (the
   * path is missing), one with more would have interfaces left out.
   *
   * @param scope where the lookup resource is created (the imported endpoint's construct)
   * @param count the number of network interfaces of the endpoint (= its subnets)
   */
  public vpcEndpointNetworkInterfaceIds(scope: Construct, id: string, vpcEndpointId: string, count: number): string[] {
    const paths = range(count).map((i) => `VpcEndpoints.0.NetworkInterfaceIds.${i}`);
    const call: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'describeVpcEndpoints',
      parameters: { VpcEndpointIds: [vpcEndpointId] },
      physicalResourceId: cr.PhysicalResourceId.of(vpcEndpointId),
      outputPaths: paths,
    };
    const lookup = this.sdkLookup(scope, id, call, 'ec2:DescribeVpcEndpoints');
    return paths.map((path) => lookup.getResponseField(path));
  }

  /**
   * The public addresses of existing Elastic IPs, via `ec2:DescribeAddresses` (one output path per allocation id;
   * the addresses come back in no particular order).
   */
  public elasticIpAddresses(scope: Construct, id: string, allocationIds: string[]): string[] {
    const call: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'describeAddresses',
      parameters: { AllocationIds: allocationIds },
      physicalResourceId: cr.PhysicalResourceId.of(allocationIds.join(',')),
      outputPaths: allocationIds.map((_, i) => `Addresses.${i}.PublicIp`),
    };
    const lookup = this.sdkLookup(scope, id, call, 'ec2:DescribeAddresses');
    return allocationIds.map((_, i) => lookup.getResponseField(`Addresses.${i}.PublicIp`));
  }

  /**
   * The addresses of a Route 53 Resolver endpoint, via `route53resolver:ListResolverEndpointIpAddresses`
   * (`IpAddresses.<i>.Ip`, one output path per address, in no particular order). CloudFormation exposes only the
   * endpoint's id and address count. The permission is scoped to the endpoint's ARN.
   *
   * @param count the number of addresses of the endpoint (= its subnets)
   */
  public resolverEndpointAddresses(scope: Construct, id: string, endpointId: string, endpointArn: string, count: number): string[] {
    const paths = range(count).map((i) => `IpAddresses.${i}.Ip`);
    const call: cr.AwsSdkCall = {
      service: 'Route53Resolver',
      action: 'listResolverEndpointIpAddresses',
      parameters: { ResolverEndpointId: endpointId, MaxResults: 100 },
      physicalResourceId: cr.PhysicalResourceId.of(endpointId),
      outputPaths: paths,
    };
    const lookup = this.customResource(scope, id, { onCreate: call, onUpdate: call }, [new iam.PolicyStatement({
      actions: ['route53resolver:ListResolverEndpointIpAddresses'],
      resources: [endpointArn],
    })]);
    return paths.map((path) => lookup.getResponseField(path));
  }

  /**
   * A change made at deployment through the stack's shared AwsCustomResource function: `create` on create, `update`
   * (default `create`) on update (a changed physical id makes CloudFormation delete the old one), `delete` on delete. For APIs CloudFormation has no
   * resource for, such as cross-account hosted zone associations.
   */
  public sdkChange(scope: Construct, id: string, change: SdkChange): cr.AwsCustomResource {
    return this.customResource(scope, id, { onCreate: change.create, onUpdate: change.update ?? change.create, onDelete: change.delete },
      change.statements, change.why);
  }

  /**
   * A read-only SDK call at deployment (on create and update) through the stack's shared AwsCustomResource function.
   * @param action the IAM action, which has no resource-level permissions (so the policy needs `Resource: *`)
   */
  private sdkLookup(scope: Construct, id: string, call: cr.AwsSdkCall, action: string): cr.AwsCustomResource {
    return this.customResource(scope, id, { onCreate: call, onUpdate: call }, [new iam.PolicyStatement({ actions: [action], resources: ['*'] })],
      `${action} does not support resource-level permissions (its resource type is "*").`);
  }

  /**
   * An `AwsCustomResource` run by the stack's shared function with this helper's role; its statements go into the
   * role's one policy, each distinct statement once. The function depends on the role and its policy, and the custom
   * resource on the function, so the permission exists before the call.
   * @param why why a `Resource: *` in `statements` cannot be narrowed
   */
  private customResource(scope: Construct, id: string, calls: Pick<cr.AwsCustomResourceProps, 'onCreate' | 'onUpdate' | 'onDelete'>,
    statements: iam.PolicyStatement[], why?: string): cr.AwsCustomResource {
    const resource = new cr.AwsCustomResource(scope, id, { ...calls, role: this.role, installLatestAwsSdk: false, logGroup: this.logGroup });
    // The stack's singleton function has this role unless someone else's AwsCustomResource created it first: grant
    // to whatever principal runs the calls.
    const principal = resource.grantPrincipal;
    const granted = this.granted.get(principal) ?? new Set<string>();
    this.granted.set(principal, granted);
    const stack = Stack.of(this);
    const scoped: iam.PolicyStatement[] = [];
    for (const statement of statements) {
      const json = stack.resolve(statement.toStatementJson());
      if (referencesResources(json)) {
        // Scoped to a resource of the app (a zone, a Resolver endpoint): in the shared policy, that resource (and what
        // it waits for, e.g. a zone named by a lookup) would come before the function, a dependency cycle. Such a
        // statement gets a policy of its own, which only this custom resource waits for (as AwsCustomResource does).
        scoped.push(statement);
        continue;
      }
      const key = JSON.stringify(json);
      if (!granted.has(key)) {
        granted.add(key);
        principal.addToPrincipalPolicy(statement);
      }
    }
    if (scoped.length > 0) {
      const policy = new iam.Policy(resource, 'CustomResourcePolicy', { statements: scoped });
      policy.attachToRole(principal as iam.IRole);
      resource.node.addDependency(policy);
      acknowledgeScopedPolicy(policy);
    }
    if (why) {
      this.wildcardReasons.add(why);
    }
    this.acknowledgeSharedFunction();
    this.acknowledgePolicy();
    return resource;
  }

  /** Acknowledges, with reasons, what cdk-nag reports on the role's one policy (rewritten as reasons accumulate). */
  private acknowledgePolicy(): void {
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (!policy) {
      return;
    }
    // Written anew each time (the cdk-nag 2 form keeps the first reason of a rule): only this helper acknowledges on it.
    (policy.node.defaultChild as CfnResource).addMetadata('cdk_nag', undefined);
    const inline = 'The stack-wide lookup function\'s permissions are one inline policy of its own role, each distinct statement once; '
      + 'a customer managed policy would be one more resource to version without narrowing any permission.';
    acknowledge(policy, [
      ...(this.wildcardReasons.size > 0 ? [{ id: 'AwsSolutions-IAM5', reason: [...this.wildcardReasons].join(' '), appliesTo: ['Resource::*'] }] : []),
      { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: inline },
      { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: inline },
      { id: 'PCI.DSS.321-IAMNoInlinePolicy', reason: inline },
    ]);
  }

  /** Acknowledges, with reasons, what cdk-nag reports on the Lambda function AwsCustomResource shares per stack. */
  private acknowledgeSharedFunction(): void {
    const fn = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_FUNCTION_ID);
    if (!fn || this.sharedFunctionAcknowledged) {
      return;
    }
    this.sharedFunctionAcknowledged = true;
    const purpose = 'The stack-wide AwsCustomResource function of cdk-private-iot runs only during deployment, to read IoT endpoint hostnames and endpoint network interface addresses';
    const role = fn.node.tryFindChild('ServiceRole');
    if (role) {
      // Someone else's AwsCustomResource created the function before ours, with aws-cdk-lib's default role.
      acknowledge(role, [
        { id: 'AwsSolutions-IAM4', reason: `${purpose}; AWSLambdaBasicExecutionRole only lets it write its own logs.`, appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'] },
      ]);
    }
    acknowledgeGuard(fn, 'lambda_inside_vpc_check', `${purpose}; it calls regional AWS APIs (EC2, IoT, Route 53, Direct Connect) only, and placing it `
      + 'in a VPC without internet access would need more interface endpoints just for deployment.');
    acknowledge(fn, [
      { id: 'AwsSolutions-L1', reason: 'The runtime is chosen by aws-cdk-lib for its AwsCustomResource function (the latest Node.js it supports), not by this library.' },
      { id: 'NIST.800.53.R5-LambdaConcurrency', reason: `${purpose}; CloudFormation invokes it a few times per deployment, so a reserved concurrency would only add a quota to manage.` },
      { id: 'NIST.800.53.R5-LambdaDLQ', reason: `${purpose}; CloudFormation invokes it synchronously through a custom resource and reports failures itself, so there is no asynchronous event to dead-letter.` },
      { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: `${purpose}; it calls regional AWS APIs (EC2, IoT, Route 53, Direct Connect) only, and placing it in a VPC without internet access would need more interface endpoints just for deployment.` },
      { id: 'HIPAA.Security-LambdaConcurrency', reason: `${purpose}; CloudFormation invokes it a few times per deployment.` },
      { id: 'HIPAA.Security-LambdaDLQ', reason: `${purpose}; invoked synchronously by CloudFormation, which reports failures itself.` },
      { id: 'HIPAA.Security-LambdaInsideVPC', reason: `${purpose}; it handles no PHI and calls regional AWS APIs (EC2, IoT, Route 53, Direct Connect) only.` },
      { id: 'PCI.DSS.321-LambdaConcurrency', reason: `${purpose}; CloudFormation invokes it a few times per deployment.` },
      { id: 'PCI.DSS.321-LambdaDLQ', reason: `${purpose}; invoked synchronously by CloudFormation, which reports failures itself.` },
      { id: 'PCI.DSS.321-LambdaInsideVPC', reason: `${purpose}; it handles no cardholder data and calls regional AWS APIs (EC2, IoT, Route 53, Direct Connect) only.` },
    ]);
  }
}

/** An SDK change made at deployment (see `IotLookups.sdkChange`). */
export interface SdkChange {
  readonly create: cr.AwsSdkCall;
  /** The call on update (when the change's properties change). Default: `create`. */
  readonly update?: cr.AwsSdkCall;
  readonly delete: cr.AwsSdkCall;
  /** Least-privilege permissions for both calls. */
  readonly statements: iam.PolicyStatement[];
  /** Why any `Resource: *` in `statements` cannot be narrowed (recorded for cdk-nag). */
  readonly why: string;
}

/** IPv4 (and IPv6) addresses of an endpoint's network interfaces, one token per interface. */
export interface NetworkInterfaceAddresses {
  readonly ipv4: string[];
  readonly ipv6: string[];
}

/** Whether a resolved statement names a resource of the app (`Ref` or `Fn::GetAtt` of a logical id; pseudo parameters do not count). */
function referencesResources(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.some(referencesResources);
  }
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string' && !record.Ref.startsWith('AWS::')) {
    return true;
  }
  if ('Fn::GetAtt' in record || 'Fn::ImportValue' in record) {
    return true;
  }
  return Object.values(record).some(referencesResources);
}

/** Acknowledges the inline policy of a lookup whose permission is scoped to a resource of the app. */
function acknowledgeScopedPolicy(policy: IConstruct): void {
  const inline = 'A deployment-time call scoped to one resource of this app gets its own inline policy on the shared lookup function role, '
    + 'so that only this call waits for the resource; a customer managed policy would be one more resource to version without narrowing the permission.';
  acknowledge(policy, [
    { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: inline },
    { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: inline },
    { id: 'PCI.DSS.321-IAMNoInlinePolicy', reason: inline },
  ]);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
