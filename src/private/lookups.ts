import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
// Types only: CfnFunction is loaded by the first lookup (aws-cdk-lib/aws-lambda is a large module).
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
// Types only: the module is loaded by `sdkChange`, the only user of AwsCustomResource (a stack with lookups alone never
// loads it, nor the region-info facts it reads to pick its runtime).
import type * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { CdkPrivateIotError } from './errors';
import { MAX_ROLE_INLINE_POLICY_CHARS } from './limits';
import { acknowledge, acknowledgeGuard } from './nag';
import { estimatedDocumentSize } from './policy-size';

/** Construct id of the stack-wide lookup helper. */
const LOOKUPS_ID = 'CdkPrivateIotLookups';
/** `AwsCustomResource.PROVIDER_FUNCTION_UUID`, written out so that reading it does not load aws-cdk-lib/custom-resources. */
const AWS_CUSTOM_RESOURCE_FUNCTION_UUID = '679f53fa-c002-430c-b0da-5b7982bd2287';
/** Construct id of the Lambda function that every `AwsCustomResource` of a stack shares. */
const AWS_CUSTOM_RESOURCE_FUNCTION_ID = `AWS${AWS_CUSTOM_RESOURCE_FUNCTION_UUID.replace(/-/g, '')}`;
/** CloudFormation type of a lookup (src/private/lookup-handler.ts). */
export const LOOKUP_RESOURCE_TYPE = 'Custom::CdkPrivateIotLookup';
/**
 * The lookup function's runtime, named explicitly (no region-info lookup). A string, so it does not depend on the
 * aws-cdk-lib release: the latest Node.js that Lambda offers (the connectivity canary runs on it too).
 */
export const LOOKUP_RUNTIME = 'nodejs24.x';
/** Timeout of the lookup function; the handler answers FAILED before it (lookup-handler.ts RESPONSE_MARGIN_MS). */
export const LOOKUP_TIMEOUT = Duration.minutes(2);
/** The minified handler that is inlined as the function's code (built by `npx projen bundle`). */
const HANDLER_FILE = path.join(__dirname, '..', '..', 'assets', 'private', 'lookup-handler', 'index.js');
let handlerSource: string | undefined;

/** The minified handler source, read once per process. */
export function lookupHandlerSource(): string {
  if (handlerSource === undefined) {
    if (!fs.existsSync(HANDLER_FILE)) {
      throw new Error(`cdk-private-iot: ${HANDLER_FILE} is missing (in a clone of the repository, run \`npx projen bundle\`)`);
    }
    handlerSource = fs.readFileSync(HANDLER_FILE, 'utf-8').trim();
  }
  return handlerSource;
}

/**
 * Deployment-time lookups of values CloudFormation does not expose (IoT endpoint hostnames, ENI and Elastic IP addresses).
 *
 * Every lookup is a `Custom::CdkPrivateIotLookup` resource served by one Lambda function per stack, however many
 * constructs and endpoints it has (one helper per stack: `IotLookups.of(scope)`). The function's code is the minified
 * src/private/lookup-handler.ts inlined into the template (no asset to stage), its runtime is named explicitly
 * (`LOOKUP_RUNTIME`), its logs go to this helper's log group (one year). Lookups only read: Delete does nothing.
 *
 * The function runs with this helper's role, and every lookup's permission goes into that role's one policy,
 * deduplicated: the policy grows with the set of distinct statements (actions, and resources where an action can be
 * scoped), not with the number of lookups. (IAM caps a role's inline policies at 10,240 characters in all:
 * `AwsCustomResource` alone attaches one inline policy per lookup, so about 90 lookups would fail at deployment.)
 *
 * Changes (`sdkChange`: cross-account zone associations, Direct Connect gateway associations) stay on aws-cdk-lib's
 * `AwsCustomResource`, with the same role: see `sdkChange` for why they cannot move. Earlier releases ran the lookups
 * through `AwsCustomResource` too (`Custom::AWS`); the lookups now have other construct ids (suffix `Lookup`), hence
 * new logical ids, because CloudFormation rejects a change of a custom resource's type or ServiceToken under the same
 * logical id. On update CloudFormation creates the new lookups and deletes the old ones, which is safe: the old
 * lookups' Delete is a no-op and the values they return do not change.
 */
export class IotLookups extends Construct {
  /** The lookup helper of the stack that contains `scope`. */
  public static of(scope: IConstruct): IotLookups {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(LOOKUPS_ID) as IotLookups | undefined) ?? new IotLookups(stack, LOOKUPS_ID);
  }

  /**
   * Log group of the shared lookup function (the samples we replace left it unbounded). The L1 resource under a
   * construct `LogGroup` (the logical id the L2 `logs.LogGroup` gave it): the L2 and its `grantWrite` cost about 20 ms
   * of every synthesis (scripts/bench.ts), for one resource with one property.
   */
  public readonly logGroup: logs.CfnLogGroup;
  /** The role of the shared lookup function: writes its log group, and holds every lookup's permission in one policy. */
  public readonly role: iam.Role;
  private readonly endpointAddresses = new Map<string, string>();
  /** The statements already granted, by principal: each distinct statement once. */
  private readonly granted = new Map<iam.IPrincipal, Set<string>>();
  /** Why `Resource: *` cannot be narrowed, per action (for the cdk-nag acknowledgement of the policy). */
  private readonly wildcardReasons = new Set<string>();
  /** The policies of statements scoped to a resource of the app, attached to `role` (counted by the size check). */
  private readonly scopedPolicies: iam.Policy[] = [];
  private sharedFunctionAcknowledged = false;
  private lookupFunction?: lambda.CfnFunction;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CfnLogGroup, RetentionDays } = require('aws-cdk-lib/aws-logs') as typeof logs;
    this.logGroup = new CfnLogGroup(new Construct(this, 'LogGroup'), 'Resource', { retentionInDays: RetentionDays.ONE_YEAR });
    this.logGroup.applyRemovalPolicy(RemovalPolicy.DESTROY);
    this.role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Deployment-time lookups of cdk-private-iot (IoT endpoint hostnames, network interface and Elastic IP addresses)',
    });
    // what logs.LogGroup.grantWrite grants
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.attrArn],
    }));
    this.node.addValidation({ validate: () => this.checkRolePolicySize() });
    acknowledgeGuard(this.logGroup, 'cloudwatch_log_group_encrypted_check',
      'Logs of the deployment-time lookup function hold only the lookups\' calls (resource ids) and answers (IoT endpoint hostnames, IP addresses), which are not secret; '
      + 'CloudWatch Logs encrypts them at rest with a service key (a customer-managed KMS key would cost a key per stack for no secret).');
    acknowledge(this.logGroup, [
      {
        id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
        reason: 'Logs of the deployment-time lookup function hold only the lookups\' calls (resource ids) and answers (IoT endpoint hostnames, IP addresses), which are not secret; CloudWatch Logs encrypts them at rest with a service key.',
      },
      {
        id: 'HIPAA.Security-CloudWatchLogGroupEncrypted',
        reason: 'Logs of the deployment-time lookup function hold only the lookups\' calls (resource ids) and answers (IoT endpoint hostnames, IP addresses) (no PHI); CloudWatch Logs encrypts them at rest with a service key.',
      },
      {
        id: 'PCI.DSS.321-CloudWatchLogGroupEncrypted',
        reason: 'Logs of the deployment-time lookup function hold only the lookups\' calls (resource ids) and answers (IoT endpoint hostnames, IP addresses) (no cardholder data); CloudWatch Logs encrypts them at rest with a service key.',
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
    const call: LookupCall = {
      service: 'Iot',
      action: 'describeEndpoint',
      parameters: { endpointType },
      physicalResourceId: { responsePath: 'endpointAddress' },
      outputPaths: ['endpointAddress'],
    };
    const lookup = this.sdkLookup(this, id, call, 'iot:DescribeEndpoint');
    const address = lookup.getAttString('endpointAddress');
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
    const call: LookupCall = {
      service: 'EC2',
      action: 'describeNetworkInterfaces',
      // One token per interface (all of them, so their order does not matter): a list token inside the call's JSON
      // would make aws-cdk-lib add a second Lambda function (CdkJsonStringify) to the stack.
      parameters: { NetworkInterfaceIds: networkInterfaceIds },
      physicalResourceId: { id: physicalId },
      outputPaths: paths,
    };
    const lookup = this.sdkLookup(scope, id, call, 'ec2:DescribeNetworkInterfaces');
    const ipv4: string[] = [];
    const ipv6Addresses: string[] = [];
    for (let i = 0; i < count; i++) {
      ipv4.push(lookup.getAttString(`NetworkInterfaces.${i}.PrivateIpAddress`));
      if (ipv6) {
        ipv6Addresses.push(lookup.getAttString(`NetworkInterfaces.${i}.Ipv6Addresses.0.Ipv6Address`));
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
    const call: LookupCall = {
      service: 'EC2',
      action: 'describeVpcEndpoints',
      parameters: { VpcEndpointIds: [vpcEndpointId] },
      physicalResourceId: { id: vpcEndpointId },
      outputPaths: paths,
    };
    const lookup = this.sdkLookup(scope, id, call, 'ec2:DescribeVpcEndpoints');
    return paths.map((p) => lookup.getAttString(p));
  }

  /**
   * The public addresses of existing Elastic IPs, via `ec2:DescribeAddresses` (one output path per allocation id;
   * the addresses come back in no particular order).
   */
  public elasticIpAddresses(scope: Construct, id: string, allocationIds: string[]): string[] {
    const call: LookupCall = {
      service: 'EC2',
      action: 'describeAddresses',
      parameters: { AllocationIds: allocationIds },
      physicalResourceId: { id: allocationIds.join(',') },
      outputPaths: allocationIds.map((_, i) => `Addresses.${i}.PublicIp`),
    };
    const lookup = this.sdkLookup(scope, id, call, 'ec2:DescribeAddresses');
    return allocationIds.map((_, i) => lookup.getAttString(`Addresses.${i}.PublicIp`));
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
    const call: LookupCall = {
      service: 'Route53Resolver',
      action: 'listResolverEndpointIpAddresses',
      parameters: { ResolverEndpointId: endpointId, MaxResults: 100 },
      physicalResourceId: { id: endpointId },
      outputPaths: paths,
    };
    const lookup = this.lookup(scope, id, call, [new iam.PolicyStatement({
      actions: ['route53resolver:ListResolverEndpointIpAddresses'],
      resources: [endpointArn],
    })]);
    return paths.map((p) => lookup.getAttString(p));
  }

  /**
   * A change made at deployment through the stack's shared AwsCustomResource function: `create` on create, `update`
   * (default `create`) on update (a changed physical id makes CloudFormation delete the old one), `delete` on delete. For
   * APIs CloudFormation has no resource for, such as cross-account hosted zone associations.
   *
   * Changes stay on aws-cdk-lib's `AwsCustomResource` (`Custom::AWS`), not on the lookup function: CloudFormation does
   * not allow a custom resource's ServiceToken or type to change on update, so moving a change to another function
   * means a new logical id, and CloudFormation would then run the OLD resource's Delete (disassociate the VPC from the
   * zone, delete the Direct Connect gateway association) in its cleanup, after the new one was created: a deployed
   * association would be lost by an update. aws-cdk-lib/custom-resources is loaded here, by the first change only.
   */
  public sdkChange(scope: Construct, id: string, change: SdkChange): cr.AwsCustomResource {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AwsCustomResource } = require('aws-cdk-lib/custom-resources') as typeof cr;
    const resource = new AwsCustomResource(scope, id, {
      onCreate: change.create,
      onUpdate: change.update ?? change.create,
      onDelete: change.delete,
      role: this.role,
      installLatestAwsSdk: false,
      logGroup: this.importedLogGroup(),
    });
    // The stack's singleton function has this role unless someone else's AwsCustomResource created it first: grant
    // to whatever principal runs the calls.
    this.grant(resource, resource.grantPrincipal, change.statements, change.why);
    this.acknowledgeSharedFunction();
    return resource;
  }

  /**
   * A read-only SDK call at deployment (on create and update) through the stack's lookup function.
   * @param action the IAM action, which has no resource-level permissions (so the policy needs `Resource: *`)
   */
  private sdkLookup(scope: Construct, id: string, call: LookupCall, action: string): Lookup {
    return this.lookup(scope, id, call, [new iam.PolicyStatement({ actions: [action], resources: ['*'] })],
      `${action} does not support resource-level permissions (its resource type is "*").`);
  }

  /**
   * A lookup resource (`Custom::CdkPrivateIotLookup`) served by the stack's lookup function; its statements go into the
   * role's one policy, each distinct statement once. The function depends on the role and its policy, and the lookup
   * on the function, so the permission exists before the call.
   *
   * The construct id is `<id>Lookup`: not the id the `AwsCustomResource` of earlier releases had, so the logical id
   * differs from the old `Custom::AWS` resource's (see the class documentation).
   * @param why why a `Resource: *` in `statements` cannot be narrowed
   */
  private lookup(scope: Construct, id: string, call: LookupCall, statements: iam.PolicyStatement[], why?: string): Lookup {
    if (awsCustomResourceLookups(scope)) {
      return this.awsCustomResourceLookup(scope, id, call, statements, why);
    }
    const resource = new CustomResource(scope, `${id}Lookup`, {
      serviceToken: this.function().getAtt('Arn').toString(),
      resourceType: LOOKUP_RESOURCE_TYPE,
      properties: { Call: Stack.of(scope).toJsonString(call) },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.grant(resource, this.role, statements, why);
    return resource;
  }

  /**
   * A lookup as releases before the lookup function made it (`AWS_CUSTOM_RESOURCE_LOOKUPS_CONTEXT`): an
   * `AwsCustomResource` under the construct id `id`, so the resource, its logical id and what refers to it (zone names,
   * records, exports of looked-up values) stay as deployed.
   */
  private awsCustomResourceLookup(scope: Construct, id: string, call: LookupCall, statements: iam.PolicyStatement[], why?: string): Lookup {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AwsCustomResource, PhysicalResourceId } = require('aws-cdk-lib/custom-resources') as typeof cr;
    const sdkCall: cr.AwsSdkCall = {
      service: call.service,
      action: call.action,
      parameters: call.parameters,
      physicalResourceId: 'id' in call.physicalResourceId
        ? PhysicalResourceId.of(call.physicalResourceId.id)
        : PhysicalResourceId.fromResponse(call.physicalResourceId.responsePath),
      outputPaths: call.outputPaths,
    };
    const resource = new AwsCustomResource(scope, id, {
      onCreate: sdkCall,
      onUpdate: sdkCall,
      role: this.role,
      installLatestAwsSdk: false,
      logGroup: this.importedLogGroup(),
    });
    this.grant(resource, resource.grantPrincipal, statements, why);
    this.acknowledgeSharedFunction();
    return { getAttString: (responsePath: string) => resource.getResponseField(responsePath) };
  }

  /** The log group as the `logs.ILogGroup` that `AwsCustomResource` takes. */
  private importedLogGroup(): logs.ILogGroup {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { LogGroup } = require('aws-cdk-lib/aws-logs') as typeof logs;
    return (this.node.tryFindChild('ImportedLogGroup') as logs.ILogGroup | undefined) ?? LogGroup.fromLogGroupName(this, 'ImportedLogGroup', this.logGroup.ref);
  }

  /** The stack's lookup function (created by the first lookup). */
  private function(): lambda.CfnFunction {
    if (this.lookupFunction) {
      return this.lookupFunction;
    }
    // The L1 CfnFunction (no asset, no runtime lookup), loaded here: about 6 ms at synthesis. A plain CfnResource of
    // the same type would save that, but cdk-nag's Lambda rules check `instanceof CfnFunction` and would skip it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CfnFunction } = require('aws-cdk-lib/aws-lambda') as typeof lambda;
    const fn = new CfnFunction(this, 'Function', {
      description: 'Deployment-time lookups of cdk-private-iot (read-only AWS API calls for values CloudFormation does not expose)',
      code: { zipFile: lookupHandlerSource() },
      handler: 'index.handler',
      runtime: LOOKUP_RUNTIME,
      timeout: LOOKUP_TIMEOUT.toSeconds(),
      role: this.role.roleArn,
      loggingConfig: { logGroup: this.logGroup.ref },
    });
    // the role with all its policies (the default one is created by the lookups' grants) before the function
    fn.node.addDependency(this.role);
    this.lookupFunction = fn;
    this.acknowledgeLookupFunction(fn);
    return fn;
  }

  /**
   * Grants `statements` to `principal` for the calls of `resource`: each distinct statement once in the principal's
   * policy; a statement that names a resource of the app in a policy of its own that only `resource` waits for.
   */
  private grant(resource: Construct, principal: iam.IPrincipal, statements: iam.PolicyStatement[], why?: string): void {
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
      if (principal === this.role) {
        this.scopedPolicies.push(policy);
      }
      resource.node.addDependency(policy);
      acknowledgeScopedPolicy(policy);
    }
    if (why) {
      this.wildcardReasons.add(why);
    }
    this.acknowledgePolicy();
  }

  /**
   * The message of a `CdkPrivateIotError` when the inline policies of the lookup role (its one policy, plus one per
   * lookup or change scoped to a resource of the app) are sure to exceed the 10,240 characters IAM accepts for one role
   * (a lower bound: white space excluded, tokens counted as the shortest value they can take). None when they fit.
   */
  private checkRolePolicySize(): string[] {
    const stack = Stack.of(this);
    const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
    const policies = [...(defaultPolicy ? [defaultPolicy] : []), ...this.scopedPolicies];
    const size = policies.reduce((sum, policy) => sum + estimatedDocumentSize(stack.resolve(policy.document), new Map()), 0);
    if (size <= MAX_ROLE_INLINE_POLICY_CHARS) {
      return [];
    }
    // the constructs whose lookups or changes hold the scoped policies (policy -> custom resource -> construct)
    const owners = [...new Set(this.scopedPolicies.map((policy) => policy.node.scope!.node.scope!.node.path))];
    return [new CdkPrivateIotError(this, 'stack', `the deployment-time lookups and changes of stack '${stack.node.path}' need inline policies of at least `
      + `${size} characters on their role (${this.scopedPolicies.length} of them scoped to a zone or Resolver endpoint of the app, for `
      + `${owners.slice(0, 3).join(', ')}${owners.length > 3 ? ', ...' : ''}), more than the ${MAX_ROLE_INLINE_POLICY_CHARS} `
      + 'IAM accepts for one role; move some of the zone associations or Resolver endpoints into another stack').message];
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

  /** Acknowledges, with reasons, what cdk-nag and Guard report on the stack's lookup function. */
  private acknowledgeLookupFunction(fn: lambda.CfnFunction): void {
    acknowledgeFunction(fn, 'The stack-wide lookup function of cdk-private-iot runs only during deployment, to read IoT endpoint hostnames and '
      + 'network interface, Elastic IP and Resolver endpoint addresses (read-only calls)', 'regional AWS APIs (EC2, IoT, Route 53 Resolver)');
  }

  /** Acknowledges, with reasons, what cdk-nag and Guard report on the Lambda function AwsCustomResource shares per stack. */
  private acknowledgeSharedFunction(): void {
    const fn = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_FUNCTION_ID);
    if (!fn || this.sharedFunctionAcknowledged) {
      return;
    }
    this.sharedFunctionAcknowledged = true;
    const purpose = 'The stack-wide AwsCustomResource function of cdk-private-iot runs only during deployment, to make the changes CloudFormation '
      + 'has no resource for (cross-account hosted zone associations, Direct Connect gateway associations)';
    const role = fn.node.tryFindChild('ServiceRole');
    if (role) {
      // Someone else's AwsCustomResource created the function before ours, with aws-cdk-lib's default role.
      acknowledge(role, [
        { id: 'AwsSolutions-IAM4', reason: `${purpose}; AWSLambdaBasicExecutionRole only lets it write its own logs.`, appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'] },
      ]);
    }
    acknowledge(fn, [
      { id: 'AwsSolutions-L1', reason: 'The runtime is chosen by aws-cdk-lib for its AwsCustomResource function (the latest Node.js it supports), not by this library.' },
    ]);
    acknowledgeFunction(fn, purpose, 'AWS APIs (Route 53, Direct Connect)');
  }
}

/**
 * Acknowledges, with reasons, what cdk-nag and Guard report on a deployment-time function of this library.
 * @param apis the AWS APIs the function calls
 */
function acknowledgeFunction(fn: IConstruct, purpose: string, apis: string): void {
  acknowledgeGuard(fn, 'lambda_inside_vpc_check', `${purpose}; it calls ${apis} only, and placing it `
    + 'in a VPC without internet access would need more interface endpoints just for deployment.');
  acknowledge(fn, [
    { id: 'NIST.800.53.R5-LambdaConcurrency', reason: `${purpose}; CloudFormation invokes it a few times per deployment, so a reserved concurrency would only add a quota to manage.` },
    { id: 'NIST.800.53.R5-LambdaDLQ', reason: `${purpose}; CloudFormation invokes it synchronously through a custom resource and reports failures itself, so there is no asynchronous event to dead-letter.` },
    { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: `${purpose}; it calls ${apis} only, and placing it in a VPC without internet access would need more interface endpoints just for deployment.` },
    { id: 'HIPAA.Security-LambdaConcurrency', reason: `${purpose}; CloudFormation invokes it a few times per deployment.` },
    { id: 'HIPAA.Security-LambdaDLQ', reason: `${purpose}; invoked synchronously by CloudFormation, which reports failures itself.` },
    { id: 'HIPAA.Security-LambdaInsideVPC', reason: `${purpose}; it handles no PHI and calls ${apis} only.` },
    { id: 'PCI.DSS.321-LambdaConcurrency', reason: `${purpose}; CloudFormation invokes it a few times per deployment.` },
    { id: 'PCI.DSS.321-LambdaDLQ', reason: `${purpose}; invoked synchronously by CloudFormation, which reports failures itself.` },
    { id: 'PCI.DSS.321-LambdaInsideVPC', reason: `${purpose}; it handles no cardholder data and calls ${apis} only.` },
  ]);
}

/** A read-only AWS API call of a lookup (the `Call` property of a `Custom::CdkPrivateIotLookup`; see lookup-handler.ts). */
/**
 * Context key: `true` makes the lookups `AwsCustomResource`s as before the lookup function (`Custom::AWS`, the same
 * logical ids), for stacks deployed with an earlier release whose looked-up values name hosted zones or are exported
 * to other stacks (see the README's changelog).
 */
export const AWS_CUSTOM_RESOURCE_LOOKUPS_CONTEXT = 'cdk-private-iot:awsCustomResourceLookups';

/** Whether the lookups of `scope`'s stack are `AwsCustomResource`s (`AWS_CUSTOM_RESOURCE_LOOKUPS_CONTEXT`). */
function awsCustomResourceLookups(scope: IConstruct): boolean {
  const value: unknown = scope.node.tryGetContext(AWS_CUSTOM_RESOURCE_LOOKUPS_CONTEXT);
  return value === true || value === 'true';
}

/** A deployment-time lookup: its answer's fields by response path. */
interface Lookup {
  getAttString(path: string): string;
}

interface LookupCall {
  /** `EC2`, `Iot` or `Route53Resolver`. */
  readonly service: string;
  /** The action in lower camel case: `describe...`, `list...` or `get...`. */
  readonly action: string;
  readonly parameters: Record<string, unknown>;
  /** The flattened response paths the resource returns as attributes; each must be in the response. */
  readonly outputPaths: string[];
  /** A fixed physical id, or the response path that holds it. */
  readonly physicalResourceId: { readonly id: string } | { readonly responsePath: string };
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
