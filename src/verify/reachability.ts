import { CfnElement, CfnResource, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct, IConstruct } from 'constructs';
import { FLOWS_METADATA_KEY, LINKS_METADATA_KEY, LinkRecord } from './model';
import { parseFlowArgument, verifyAssemblyDirectory } from './verify';
import { invalidProp } from '../private/errors';
import { isIpv4CidrBlock } from '../private/formats';
import { IOT_ENDPOINT_PORTS } from '../private/limits';

/**
 * Where a flow starts: subnets of a VPC in the app, an on-premises network, or the internet.
 */
export class IotFlowSource {
  /**
   * Devices in a VPC of the app.
   * @param vpc a VPC created in the app (not imported: the verifier reads its routes from the templates)
   * @param subnets the subnets the devices are in (default: every subnet of the VPC)
   */
  public static fromVpc(vpc: ec2.IVpc, subnets?: ec2.SubnetSelection): IotFlowSource {
    return new IotFlowSource('vpc', undefined, vpc, subnets);
  }

  /**
   * An on-premises network reached through a Site-to-Site VPN or Direct Connect to a Transit Gateway of the app,
   * whose DNS forwards the IoT names to a Route 53 Resolver inbound endpoint.
   * @param cidr the on-premises address range
   * @param resolverEndpoint the inbound endpoint its DNS forwards to (default: the only one in the app)
   */
  public static onPremises(cidr: string, resolverEndpoint?: route53resolver.CfnResolverEndpoint): IotFlowSource {
    return new IotFlowSource('on-premises', cidr, undefined, undefined, resolverEndpoint);
  }

  /**
   * The subnets of the synthesized assembly inside `cidr`, in whichever stack they are (e.g. a device network of
   * another account). When no stack of the assembly holds them, the verifier skips the flow and says so.
   */
  public static fromCidr(cidr: string): IotFlowSource {
    return new IotFlowSource('network', cidr);
  }

  /** Clients on the internet (e.g. allow-listed devices reaching a static-IP front door). */
  public static internet(cidr: string): IotFlowSource {
    return new IotFlowSource('internet', cidr);
  }

  private constructor(
    /** `vpc`, `on-premises` or `internet`. */
    public readonly kind: string,
    /** The address range of an on-premises or internet source. */
    public readonly cidr?: string,
    private readonly vpc?: ec2.IVpc,
    private readonly subnets?: ec2.SubnetSelection,
    private readonly resolverEndpoint?: route53resolver.CfnResolverEndpoint,
  ) {}

  /** @internal the stack the source belongs to, if any */
  public _stack(): Stack | undefined {
    return this.vpc ? Stack.of(this.vpc) : undefined;
  }

  /** @internal the metadata form (tokens resolve to `{ Ref }` at synthesis) */
  public _render(scope: IConstruct, label?: string): Record<string, unknown> {
    if (this.kind !== 'vpc') {
      if (!Token.isUnresolved(this.cidr) && !isIpv4CidrBlock(this.cidr!)) {
        invalidProp(scope, 'source', `cidr '${this.cidr}' is not an IPv4 CIDR block`, 'use an address and a prefix length, e.g. 192.168.0.0/16');
      }
      return { kind: this.kind, cidr: this.cidr, resolverEndpoint: this.resolverEndpoint ? keyOf(this.resolverEndpoint) : undefined, label };
    }
    const vpc = this.vpc!;
    const cfnVpc = vpc.node.defaultChild;
    if (!(cfnVpc instanceof CfnElement)) {
      invalidProp(scope, 'source', `VPC ${vpc.node.path} is imported, so its routes and ACLs are not in any template`, 'declare flows from VPCs created in the app');
    }
    const subnets = this.subnets ? vpc.selectSubnets(this.subnets).subnets : [];
    return {
      kind: 'vpc',
      vpc: keyOf(cfnVpc),
      subnets: subnets.map((s) => (s.node.defaultChild instanceof CfnElement ? keyOf(s.node.defaultChild) : s.subnetId)),
      label,
    };
  }
}

/** A flow the app exists for (or one that must stay blocked). */
export interface IotFlowProps {
  /** A short name, shown in the verifier's table. */
  readonly name: string;
  /** Where the flow starts. */
  readonly source: IotFlowSource;
  /** The hostname the devices connect to (the ATS data host, the credentials host, a service or custom domain). */
  readonly host: string;
  /**
   * The TCP ports.
   * @default [8883, 443, 8443]
   */
  readonly ports?: number[];
  /**
   * The flow must be blocked (a negative flow: e.g. an undeclared range, a port nothing should answer on).
   * @default false
   */
  readonly expectBlocked?: boolean;
  /**
   * Connect to this load balancer or accelerator (e.g. a front door's `loadBalancer` or `accelerator`) at its fixed
   * addresses instead of resolving `host`, like devices that allow-list the front door's addresses.
   * @default - resolve `host`
   */
  readonly connectTo?: IConstruct;
  /**
   * A readable name of the source for the table.
   * @default - derived from the source
   */
  readonly sourceLabel?: string;
}

/** Options of `IotReachability.verifyAssembly`. */
export interface IotVerifyOptions {
  /**
   * More flows, in the CLI's `--flow` form: `<source>,<host>,<port>[+<port>][,blocked]`, source `vpc:<stack>/<logicalId>`,
   * `on-premises:<cidr>[@<stack>/<resolverLogicalId>]` or `internet:<cidr>`.
   * @default - none
   */
  readonly flows?: string[];
  /**
   * Check the flows the stacks declare.
   * @default true
   */
  readonly declaredFlows?: boolean;
}

/** One check along a flow. */
export interface IotReachabilityStep {
  /** What was checked: dns, route, return route, network ACL, security group, listener, privatelink, answer... */
  readonly check: string;
  /** Whether it passed. */
  readonly ok: boolean;
  /** What the verifier found. */
  readonly detail: string;
  /**
   * The resource checked (`<stack>/<logicalId> (<construct path>)`).
   * @default - none
   */
  readonly resource?: string;
  /**
   * The id of the model rule applied (src/verify/rules.ts, with the AWS page it follows).
   * @default - none
   */
  readonly rule?: string;
}

/** The verdict of one flow on one port. */
export interface IotReachabilityVerdict {
  /** The flow's name. */
  readonly flow: string;
  /** The source, readable. */
  readonly source: string;
  /** The hostname. */
  readonly host: string;
  /** The port. */
  readonly port: number;
  /** `reachable` or `blocked`: what the flow expects. */
  readonly expect: string;
  /** Whether the flow gets through. */
  readonly reachable: boolean;
  /** Whether that is what the flow expects. */
  readonly ok: boolean;
  /**
   * The resource that blocks the flow.
   * @default - not blocked
   */
  readonly blockedBy?: string;
  /**
   * Why it is blocked.
   * @default - not blocked
   */
  readonly reason?: string;
  /**
   * What would let it through (the prop to change, where the library owns the resource).
   * @default - not blocked
   */
  readonly fix?: string;
  /**
   * The zone, profile or endpoint that answered the name.
   * @default - not resolved
   */
  readonly resolvedBy?: string;
  /**
   * What answers at the end (service and endpoint).
   * @default - nothing reached
   */
  readonly answeredBy?: string;
  /** The checks in order. */
  readonly steps: IotReachabilityStep[];
}

/** The result of a verification. */
export interface IotReachabilityReport {
  /** Every flow on every port. */
  readonly verdicts: IotReachabilityVerdict[];
  /** Whether every verdict is what its flow expects. */
  readonly ok: boolean;
  /** Links the verifier guessed and what it could not read. */
  readonly notes: string[];
  /** The stacks read. */
  readonly stacks: string[];
}

const recordsByStack = new WeakMap<Stack, Map<string, Array<Record<string, unknown>>>>();

/**
 * The list recorded under `key` (flows by default) in the template metadata of `stack`: created, and added to the
 * metadata (resolved at synthesis), on first use.
 */
function metadataRecords(stack: Stack, key: string = FLOWS_METADATA_KEY): Array<Record<string, unknown>> {
  const byKey = recordsByStack.get(stack) ?? new Map<string, Array<Record<string, unknown>>>();
  recordsByStack.set(stack, byKey);
  let records = byKey.get(key);
  if (!records) {
    const created: Array<Record<string, unknown>> = [];
    byKey.set(key, created);
    stack.templateOptions.metadata = { ...stack.templateOptions.metadata, [key]: Lazy.any({ produce: () => created }) };
    records = created;
  }
  return records;
}

/**
 * Reachability before deployment: declare the flows an app exists for, link values that cross between stacks, and
 * verify a synthesized cloud assembly (`cdk-private-iot verify cdk.out` does the same from the command line).
 *
 * @example
 * declare const app: App;
 * declare const deviceVpc: ec2.Vpc;
 * IotReachability.declareFlow(deviceVpc, {
 *   name: 'devices to AWS IoT Core',
 *   source: IotFlowSource.fromVpc(deviceVpc),
 *   host: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
 *   ports: [8883],
 * });
 * const cloudAssembly = app.synth();
 * const report = IotReachability.verifyAssembly(cloudAssembly.directory);
 */
export class IotReachability {
  /**
   * Records a flow in the template metadata of the source VPC's stack (else the stack of `scope`), where the verifier
   * finds it. Nothing is deployed.
   */
  public static declareFlow(scope: Construct, props: IotFlowProps): void {
    const ports = props.ports ?? [...IOT_ENDPOINT_PORTS];
    if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
      invalidProp(scope, 'ports', `[${ports.join(', ')}] is not a list of TCP ports`, 'give ports from 1 to 65535, e.g. [8883]');
    }
    if (!props.host || /\s/.test(props.host)) {
      invalidProp(scope, 'host', `'${props.host}' is not a hostname`, 'give the name the devices connect to');
    }
    const stack = props.source._stack() ?? Stack.of(scope);
    const source = props.source._render(scope, props.sourceLabel);
    let connectTo: string | undefined;
    if (props.connectTo) {
      const element = props.connectTo instanceof CfnElement ? props.connectTo : props.connectTo.node.defaultChild;
      if (!(element instanceof CfnElement)) {
        invalidProp(scope, 'connectTo', `${props.connectTo.node.path} is not a resource of the app`, 'pass a load balancer or accelerator created in the app');
      }
      connectTo = keyOf(element as CfnElement);
    }
    metadataRecords(stack).push({
      name: props.name,
      source,
      host: props.host,
      ports,
      expect: props.expectBlocked ? 'blocked' : 'reachable',
      connectTo,
    });
  }

  /**
   * Records that `value`, a literal in the stack of `scope` (e.g. a Transit Gateway id, a profile id or an endpoint
   * service name copied from another account's outputs), stands for `resource` of another stack of the app.
   */
  public static linkValue(scope: Construct, value: string, resource: CfnResource): void {
    if (Token.isUnresolved(value)) {
      invalidProp(scope, 'value', 'is a token', 'link only literal values copied from another stack\'s outputs');
    }
    const logicalId = Lazy.string({ produce: () => Stack.of(resource).resolve(resource.logicalId) });
    const link: LinkRecord = { value, stack: Stack.of(resource).stackName, logicalId };
    metadataRecords(Stack.of(scope), LINKS_METADATA_KEY).push({ ...link });
  }

  /** Verifies the flows of a synthesized cloud assembly (a `cdk.out` directory). */
  public static verifyAssembly(directory: string, options: IotVerifyOptions = {}): IotReachabilityReport {
    const result = verifyAssemblyDirectory(directory, {
      flows: (options.flows ?? []).map((f) => parseFlowArgument(f)),
      declared: options.declaredFlows,
    });
    return { verdicts: result.verdicts, ok: result.ok, notes: result.notes, stacks: result.stacks };
  }

  private constructor() {}
}

/** `<stack name>/<logical id>` of an element, resolved at synthesis (logical ids may still be overridden until then). */
function keyOf(element: CfnElement): string {
  return Lazy.string({ produce: () => `${Stack.of(element).stackName}/${Stack.of(element).resolve(element.logicalId)}` });
}
