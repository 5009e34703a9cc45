import { Annotations, ArnFormat, IResource, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct, IConstruct } from 'constructs';
import { IotPolicyNetworkOptions } from './iot-policy-network';
import { CdkPrivateIotError, invalidProp } from '../private/errors';
import { iotPolicyArnComponents, newIotPolicyResource } from '../private/iot-policy-resource';
import { DEFAULT_TOPIC, THING_NAME, TopicRules, validateClientIdPattern, validateTopic } from '../private/iot-policy-rules';
import { addPolicyNetworkChecks, PolicyNetwork, policyNetworkOf, unique } from '../private/policy-network';
import { estimatedDocumentSize, SHORTEST_ID_LENGTH, tokenLengths } from '../private/policy-size';

/** AWS IoT Core quota: maximum size of a policy document, white space excluded. */
const MAX_POLICY_DOCUMENT_CHARS = 2048;

/**
 * An AWS IoT Core policy (`AWS::IoT::Policy`): one this app defines, or one imported by name.
 *
 * Attach it to certificates or other principals by name (`iot.CfnPolicyPrincipalAttachment`).
 */
export interface IIotPolicy extends IResource {
  /**
   * The name of the policy.
   * @attribute
   */
  readonly policyName: string;

  /**
   * The ARN of the policy (`arn:<partition>:iot:<region>:<account>:policy/<name>`).
   * @attribute
   */
  readonly policyArn: string;
}

/**
 * Properties of a `VpceOnlyIotPolicy`.
 *
 * Allowed endpoints are the union of `endpoints`, `vpcEndpoints` and `vpcEndpointIds` (`IotPolicyNetworkOptions`): at
 * least one is required.
 */
export interface VpceOnlyIotPolicyProps extends IotPolicyNetworkOptions {
  /**
   * The client ids devices may connect with (the part after `client/` in the resource ARN). Policy variables
   * such as `${iot:Connection.Thing.ThingName}` are allowed, MQTT wildcards (`#`, `+`) are not, and the policy
   * wildcard `*` only together with `allowAnyClientId: true`.
   * @default '${iot:Connection.Thing.ThingName}' - the client id must be the name of the thing attached to the certificate
   */
  readonly clientIdPattern?: string;

  /**
   * Accept a `clientIdPattern` that contains the policy wildcard `*`, which lets one certificate connect with many
   * client ids (and take over the sessions of other devices that use them).
   * @default false
   */
  readonly allowAnyClientId?: boolean;

  /**
   * Allow `iot:Connect` only when a thing is attached to the connecting principal
   * (condition `iot:Connection.Thing.IsAttached: true`).
   * Thing policy variables (`${iot:Connection.Thing.*}`) resolve only for an attached thing, and only for MQTT and
   * MQTT over WebSocket.
   * @default true
   */
  readonly requireAttachedThing?: boolean;

  /**
   * Topic names devices may publish to (`iot:Publish` on `topic/<name>`). Policy variables and the policy wildcard
   * `*` are allowed; MQTT wildcards (`#`, `+`) are not. Topics may start with `/` (MQTT allows it, but it adds an
   * empty first level: a warning says so). An empty array grants no publish permission.
   * @default ['things/${iot:Connection.Thing.ThingName}/*']
   */
  readonly publishTopics?: string[];

  /**
   * Topic filters devices may subscribe to (`iot:Subscribe` on `topicfilter/<filter>`). In a `topicfilter` resource
   * `#` and `+` are literal: `things/a/#` allows exactly the subscription `things/a/#`, while the policy wildcard in
   * `things/a/*` allows any filter that starts with `things/a/`. An empty array grants no subscribe permission.
   * @default ['things/${iot:Connection.Thing.ThingName}/*']
   */
  readonly subscribeTopicFilters?: string[];

  /**
   * Topic names devices may receive messages from (`iot:Receive` on `topic/<name>`). Same rules as `publishTopics`.
   * An empty array grants no receive permission.
   * @default - `subscribeTopicFilters` as topic names: `+` and `#` become `*`, and a trailing `/#` also adds its parent topic
   */
  readonly receiveTopics?: string[];

  /**
   * Also allow `iot:RetainPublish` (publishing retained messages) on `publishTopics`.
   * @default false
   */
  readonly allowRetainPublish?: boolean;

  /**
   * Accept reserved topics (those that begin with `$`, such as `$aws/things/${iot:Connection.Thing.ThingName}/shadow/*`)
   * in the topic props.
   * @default false
   */
  readonly allowReservedTopics?: boolean;

  /**
   * Accept topics or filters made only of wildcards (`*`, `#`, `+` and `/`), which grant access to every topic.
   * @default false
   */
  readonly allowAllTopics?: boolean;

  /**
   * Put the network conditions (`aws:SourceVpce` and, if given, `aws:SourceVpc` and `aws:VpcSourceIp`) on the
   * `iot:Publish`, `iot:Subscribe` and `iot:Receive` statements too, not only on `iot:Connect`.
   *
   * **Unverified: test it with a real device before you rely on it.** AWS documents these keys for AWS IoT Core only
   * on `iot:Connect`: the example in the AWS IoT Core Developer Guide ("Using AWS IoT Core with interface VPC
   * endpoints", section "Controlling access to AWS IoT Core over VPC endpoints",
   * https://docs.aws.amazon.com/iot/latest/developerguide/IoTCore-VPC.html) conditions `iot:Connect` on
   * `aws:SourceVpce` and grants `iot:Publish` without a condition. Whether AWS IoT Core fills the keys in when it
   * evaluates the other actions is not documented; if it does not, an `Allow` whose condition key is missing does
   * not apply, so the device connects but every publish, subscribe and receive is denied.
   *
   * With the default (`false`), an MQTT or MQTT-over-WebSocket session can only exist through the VPC endpoints,
   * since its `iot:Connect` is conditioned, and everything it does afterwards happens in that session. Publishing over
   * HTTPS needs no `iot:Connect`, though: a device could publish through the public endpoint over HTTPS to any of
   * `publishTopics` that use no thing policy variables (thing variables resolve only for MQTT and MQTT over WebSocket);
   * a warning names that case.
   * @default false - the network conditions are on `iot:Connect` only, as in the AWS documentation
   */
  readonly restrictEveryAction?: boolean;

  /**
   * The name of the policy (1-128 characters out of letters, digits and `_+=,.@-`).
   * @default - a name generated by CloudFormation
   */
  readonly policyName?: string;
}

/**
 * An `AWS::IoT::Policy` that lets devices connect to AWS IoT Core only through the given interface VPC endpoints
 * (condition `aws:SourceVpce` on `iot:Connect`), optionally only from given VPCs and address ranges. The conditions
 * sit on `iot:Connect` only, as in the AWS IoT Core documentation; `restrictEveryAction` puts them on every action
 * (unverified).
 *
 * By default a device may connect with the name of the thing attached to its certificate as client id, and
 * publish, subscribe and receive below `things/<its thing name>/`. Attach the policy to the devices' certificates
 * (`iot.CfnPolicyPrincipalAttachment`). Thing policy variables work only for MQTT and MQTT over WebSocket.
 *
 * Synthesis fails when the document is sure to be over the 2,048 characters (white space excluded) AWS IoT Core
 * accepts once deployed. The size is an estimate that never exceeds the deployed size: a token counts as what it
 * deploys as when that is known (22 characters for the id of a VPC endpoint the app creates, 21 for a VPC, in this
 * stack or another), as the shortest valid id when it stands for another endpoint or VPC id (13 or 12 characters),
 * pseudo parameters as their shortest value, and any other token as nothing: a document with such tokens may still be
 * rejected at deployment.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * declare const iotDataEndpoint: ec2.IInterfaceVpcEndpoint;
 *
 * const policy = new VpceOnlyIotPolicy(this, 'DevicePolicy', {
 *   vpcEndpoints: [iotDataEndpoint],
 *   sourceVpcs: [vpc],
 *   publishTopics: ['things/${iot:Connection.Thing.ThingName}/telemetry'],
 *   subscribeTopicFilters: ['things/${iot:Connection.Thing.ThingName}/commands/#'],
 * });
 */
export class VpceOnlyIotPolicy extends Resource implements IIotPolicy {
  /**
   * Imports an existing AWS IoT policy by name (any policy: nothing is known about its document).
   */
  public static fromPolicyName(scope: Construct, id: string, policyName: string): IIotPolicy {
    return new ImportedIotPolicy(scope, id, policyName);
  }

  /**
   * The name of the policy.
   * @attribute
   */
  public readonly policyName: string;

  /**
   * The ARN of the policy.
   * @attribute
   */
  public readonly policyArn: string;

  /** The policy document. */
  public readonly document: iam.PolicyDocument;

  /** The ids of the VPC endpoints devices may connect through (`aws:SourceVpce`), deduplicated. */
  public readonly vpcEndpointIds: string[];

  /**
   * The underlying `AWS::IoT::Policy`, as the L1 `CfnResource` (aws-cdk-lib has no L2 construct for IoT policies): an
   * escape hatch for what this construct does not set. Its `policyDocument` is `document`.
   */
  public readonly resource: iot.CfnPolicy;

  constructor(scope: Construct, id: string, props: VpceOnlyIotPolicyProps) {
    super(scope, id, { physicalName: props.policyName });

    if (props.policyName !== undefined) {
      validatePolicyName(this, props.policyName);
    }
    const network = policyNetworkOf(this, props, 'devices');
    this.vpcEndpointIds = network.endpointIds;
    const permissions = this.permissionsOf(props);
    this.document = this.documentOf(props, network, permissions);

    this.resource = newIotPolicyResource(this, this.physicalName, this.document);
    this.policyName = this.getResourceNameAttribute(this.resource.ref);
    this.policyArn = this.getResourceArnAttribute(this.resource.attrArn, iotPolicyArnComponents(this.physicalName));

    this.addWarnings(props, permissions);
    this.addSynthesisChecks(props, network, permissions);
  }

  /** The client id and the topics of each action, validated and deduplicated. */
  private permissionsOf(props: VpceOnlyIotPolicyProps): Permissions {
    if (props.clientIdPattern !== undefined) {
      validateClientIdPattern(this, props.clientIdPattern, { allowAny: props.allowAnyClientId ?? false });
    }

    const topicRules: TopicRules = {
      allowReserved: props.allowReservedTopics ?? false,
      allowAll: props.allowAllTopics ?? false,
    };
    const publishTopics = unique(props.publishTopics ?? [DEFAULT_TOPIC]);
    publishTopics.forEach((topic) => validateTopic(this, 'publishTopics', topic, false, topicRules));
    const subscribeTopicFilters = unique(props.subscribeTopicFilters ?? [DEFAULT_TOPIC]);
    subscribeTopicFilters.forEach((filter) => validateTopic(this, 'subscribeTopicFilters', filter, true, topicRules));
    let receiveTopics: string[];
    if (props.receiveTopics !== undefined) {
      receiveTopics = unique(props.receiveTopics);
      receiveTopics.forEach((topic) => validateTopic(this, 'receiveTopics', topic, false, topicRules));
    } else {
      receiveTopics = unique(subscribeTopicFilters.flatMap(topicsOfFilter));
    }
    return {
      clientIdPattern: props.clientIdPattern ?? THING_NAME,
      requireAttachedThing: props.requireAttachedThing ?? true,
      publishTopics,
      subscribeTopicFilters,
      receiveTopics,
    };
  }

  /** The policy document: `iot:Connect` under the network conditions, then publish, subscribe and receive (when they have topics). */
  private documentOf(props: VpceOnlyIotPolicyProps, network: PolicyNetwork, permissions: Permissions): iam.PolicyDocument {
    const stack = Stack.of(this);
    const arn = (resource: string, name: string) => stack.formatArn({
      service: 'iot',
      resource,
      resourceName: name,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    const statements: iam.PolicyStatement[] = [];
    statements.push(new iam.PolicyStatement({
      actions: ['iot:Connect'],
      resources: [arn('client', permissions.clientIdPattern)],
      conditions: {
        ...network.conditions,
        ...(permissions.requireAttachedThing ? { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } : {}),
      },
    }));
    const actionConditions = props.restrictEveryAction ? network.conditions : undefined;
    const { publishTopics, subscribeTopicFilters, receiveTopics } = permissions;
    if (publishTopics.length > 0) {
      statements.push(new iam.PolicyStatement({
        actions: props.allowRetainPublish ? ['iot:Publish', 'iot:RetainPublish'] : ['iot:Publish'],
        resources: publishTopics.map((topic) => arn('topic', topic)),
        conditions: actionConditions,
      }));
    }
    if (subscribeTopicFilters.length > 0) {
      statements.push(new iam.PolicyStatement({
        actions: ['iot:Subscribe'],
        resources: subscribeTopicFilters.map((filter) => arn('topicfilter', filter)),
        conditions: actionConditions,
      }));
    }
    if (receiveTopics.length > 0) {
      statements.push(new iam.PolicyStatement({
        actions: ['iot:Receive'],
        resources: receiveTopics.map((topic) => arn('topic', topic)),
        conditions: actionConditions,
      }));
    }
    // `minimize: false`: the statements stay as written whatever the app's `@aws-cdk/aws-iam:minimizePolicies` flag.
    return new iam.PolicyDocument({ statements, minimize: false });
  }

  /** Warnings about what the policy allows that the user may not expect. */
  private addWarnings(props: VpceOnlyIotPolicyProps, permissions: Permissions): void {
    const { clientIdPattern, publishTopics } = permissions;
    const allTopics = allTopicsOf(permissions);
    if (allTopics.some((topic) => !Token.isUnresolved(topic) && topic.startsWith('/'))) {
      Annotations.of(this).addWarningV2('cdk-private-iot:topicLeadingSlash',
        'A topic or topic filter starts with "/": AWS IoT Core accepts it, but it adds an empty first level that counts '
        + 'towards the 7-slash limit. Consider dropping the leading "/".');
    }
    if (!permissions.requireAttachedThing && [clientIdPattern, ...allTopics].some((value) => value.includes('${iot:Connection.Thing.'))) {
      Annotations.of(this).addWarningV2('cdk-private-iot:thingVariableWithoutAttachedThing',
        'requireAttachedThing is false but the policy uses thing policy variables (${iot:Connection.Thing.*}), which '
        + 'resolve only for a principal attached to a thing: other principals get no permission from those resources.');
    }
    if (props.restrictEveryAction) {
      Annotations.of(this).addWarningV2('cdk-private-iot:networkConditionOnEveryAction',
        'restrictEveryAction is true: the VPC network conditions (aws:SourceVpce, aws:SourceVpc, aws:VpcSourceIp) are on '
        + 'iot:Publish, iot:Subscribe and iot:Receive too, but AWS documents them for AWS IoT Core only on iot:Connect. '
        + 'If AWS IoT Core does not set them on the other actions, devices connect but every message is denied: '
        + 'test with a device before relying on it.');
    } else if (publishTopics.some((topic) => !Token.isUnresolved(topic) && !topic.includes('${iot:Connection.Thing.'))) {
      Annotations.of(this).addWarningV2('cdk-private-iot:networkConditionOnConnectOnly',
        'Only iot:Connect requires the VPC endpoints (restrictEveryAction is false, the default): publishing over HTTPS '
        + 'needs no iot:Connect, so a device could publish through the public endpoint over HTTPS to the publishTopics '
        + 'that use no thing policy variables (${iot:Connection.Thing.*} resolve only for MQTT and MQTT over WebSocket). '
        + 'Use thing policy variables in those topics, or set restrictEveryAction: true (unverified, see its documentation).');
    }
  }

  /**
   * The checks that need the whole app, as validations that return the messages of our errors: the document size, the
   * endpoints' VPCs, and the load balancers in front of the endpoints (front doors may be created after the policy).
   */
  private addSynthesisChecks(props: VpceOnlyIotPolicyProps, network: PolicyNetwork, permissions: Permissions): void {
    this.node.addValidation({ validate: () => this.checkDocumentSize(props, network, permissions) });
    addPolicyNetworkChecks(this, props, network);
  }

  /**
   * The message of a `CdkPrivateIotError` when the document, once deployed, is sure to be over the 2,048 characters
   * AWS IoT Core accepts (see `estimatedDocumentSize`), naming the prop that takes the most room: it is the first one
   * to shorten. None when the document fits.
   */
  private checkDocumentSize(props: VpceOnlyIotPolicyProps, network: PolicyNetwork, permissions: Permissions): string[] {
    const stack = Stack.of(this);
    const lengths = tokenLengths(stack, [
      ...network.endpointIds.map((value) => ({ value, shortest: SHORTEST_ID_LENGTH.vpce })),
      ...network.vpcIds.map((value) => ({ value, shortest: SHORTEST_ID_LENGTH.vpc })),
      ...[...network.cidrs, permissions.clientIdPattern, ...allTopicsOf(permissions)].map((value) => ({ value, shortest: 0 })),
    ]);
    const size = estimatedDocumentSize(stack.resolve(this.document), lengths);
    if (size <= MAX_POLICY_DOCUMENT_CHARS) {
      return [];
    }
    const { prop, problem, fix } = largestPart(props, permissions, {
      chars: estimatedDocumentSize(stack.resolve(network.conditions), lengths) * (props.restrictEveryAction ? this.document.statementCount : 1),
      endpointIds: network.endpointIds.length,
      statements: this.document.statementCount,
    });
    return [new CdkPrivateIotError(this, prop, `${prop} ${problem} the policy document at least ${size} characters once deployed (an estimate, `
      + 'white space excluded, that counts each token at the length it deploys as: 22 characters for the id of a VPC endpoint the app creates, '
      + `21 for a VPC, the shortest value it can take for other tokens), more than the ${MAX_POLICY_DOCUMENT_CHARS} AWS IoT Core accepts; ${fix}`).message];
  }
}

/** An IoT policy imported by name. */
class ImportedIotPolicy extends Resource implements IIotPolicy {
  public readonly policyName: string;
  public readonly policyArn: string;

  constructor(scope: Construct, id: string, policyName: string) {
    super(scope, id);
    validatePolicyName(this, policyName);
    this.policyName = policyName;
    this.policyArn = Stack.of(this).formatArn(iotPolicyArnComponents(policyName));
  }
}

// ------------------------------------------------------------------------------------------------
// Validation helpers (not exported)
// ------------------------------------------------------------------------------------------------

/** What devices may do: the client id they connect with, and the topics of each action. */
interface Permissions {
  readonly clientIdPattern: string;
  readonly requireAttachedThing: boolean;
  readonly publishTopics: string[];
  readonly subscribeTopicFilters: string[];
  readonly receiveTopics: string[];
}

/** A prop that takes room in the policy document, and what the size error says about it. */
interface SizePart {
  readonly prop: string;
  /** The room it takes (roughly: for comparison only). */
  readonly chars: number;
  /** The start of the problem, up to the verb: `(3 entries) make`. */
  readonly problem: string;
  readonly fix: string;
}

/** The room the network conditions take in the document. */
interface NetworkSize {
  /** Their estimated size, times the statements that carry them. */
  readonly chars: number;
  /** The number of VPC endpoint ids in `aws:SourceVpce`. */
  readonly endpointIds: number;
  /** The number of statements of the document. */
  readonly statements: number;
}

function allTopicsOf(permissions: Permissions): string[] {
  return [...permissions.publishTopics, ...permissions.subscribeTopicFilters, ...permissions.receiveTopics];
}

function validatePolicyName(scope: IConstruct, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  if (!/^[\w+=,.@-]{1,128}$/.test(name)) {
    invalidProp(scope, 'policyName', `'${name}' is not a valid AWS IoT policy name`,
      'use 1-128 characters out of letters, digits and _+=,.@-, or leave policyName unset to let CloudFormation generate one');
  }
}

/** The topic names (with policy wildcards) that a topic filter can deliver messages from. */
function topicsOfFilter(filter: string): string[] {
  if (Token.isUnresolved(filter)) {
    return [filter];
  }
  const topics = [filter.replace(/[#+]/g, '*')];
  if (filter.endsWith('/#')) {
    // In MQTT, `a/#` also matches `a` itself.
    topics.unshift(filter.slice(0, -2).replace(/\+/g, '*'));
  }
  return topics;
}

/**
 * The prop that takes the most room in the document (the first on a tie: topics before the network conditions). Receive
 * topics derived from the filters count for subscribeTopicFilters: an error must not blame receiveTopics when the user
 * never set it.
 */
function largestPart(props: VpceOnlyIotPolicyProps, permissions: Permissions, network: NetworkSize): SizePart {
  const { publishTopics, subscribeTopicFilters, receiveTopics } = permissions;
  const topics = (prop: string, entries: number, values: string[]): SizePart => ({
    prop,
    chars: values.join('').length,
    problem: `(${entries} entries) make`,
    fix: 'use fewer or wildcard topics, or split the permissions into several policies',
  });
  const receiveDerived = props.receiveTopics === undefined;
  const parts: SizePart[] = [
    topics('publishTopics', publishTopics.length, publishTopics),
    topics('subscribeTopicFilters', subscribeTopicFilters.length, [...subscribeTopicFilters, ...(receiveDerived ? receiveTopics : [])]),
    ...(receiveDerived ? [] : [topics('receiveTopics', receiveTopics.length, receiveTopics)]),
    networkPart(props, network),
  ];
  return parts.reduce((a, b) => (b.chars > a.chars ? b : a));
}

/** The network conditions as a `SizePart`: blames `restrictEveryAction` when it repeats them, else the endpoint prop with the most ids. */
function networkPart(props: VpceOnlyIotPolicyProps, network: NetworkSize): SizePart {
  const ids = `${network.endpointIds} VPC endpoint ids`;
  if (props.restrictEveryAction) {
    return {
      prop: 'restrictEveryAction',
      chars: network.chars,
      problem: `is true: the network conditions (${ids}) repeated in ${network.statements} statements make`,
      fix: 'set restrictEveryAction: false (the conditions on iot:Connect only), name fewer VPC endpoints, or split the permissions into several policies',
    };
  }
  const counts = [
    { prop: 'endpoints', count: (props.endpoints ?? []).flatMap((e) => e.dataEndpoints).length },
    { prop: 'vpcEndpoints', count: props.vpcEndpoints?.length ?? 0 },
    { prop: 'vpcEndpointIds', count: props.vpcEndpointIds?.length ?? 0 },
  ];
  return {
    prop: counts.reduce((a, b) => (b.count > a.count ? b : a)).prop,
    chars: network.chars,
    problem: `(${ids} in all, in the aws:SourceVpce condition) make`,
    fix: 'name only the VPC endpoints devices connect through, or split the devices over several policies',
  };
}
