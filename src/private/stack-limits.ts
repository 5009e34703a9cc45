import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  BootstraplessSynthesizer, CfnOutput, CfnResource, DefaultStackSynthesizer, DockerImageAssetLocation, FileAssetLocation, IInspectable,
  ISynthesisSession, Stack, STACK_RESOURCE_LIMIT_CONTEXT, StackSynthesizer, TreeInspector,
} from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';
import { CdkPrivateIotError, kindOf } from './errors';

/** CloudFormation: resources in one stack (aws-cdk-lib lets `@aws-cdk/core:stackResourceLimit` change or disable it). */
export const CFN_MAX_RESOURCES = 500;
/** CloudFormation: outputs in one stack. */
export const CFN_MAX_OUTPUTS = 200;
/** CloudFormation: size of a template body uploaded to S3 (the CDK deploys through S3), counted as aws-cdk-lib does. */
export const CFN_MAX_TEMPLATE_BYTES = 1_000_000;

/**
 * The rough size (see `roughTemplateBytes`) from which the stack check renders the template to measure it: a quarter
 * of the limit. The rough size leaves out indentation and counts each token as `TOKEN_BYTES`; in the templates of the
 * reference topology, no resource is written larger than 1.05 times its rough size, and whole templates are 0.70 to
 * 0.81 times theirs, so a template under this rough size is far (about 4 times) from the limit.
 */
export const RENDER_FROM_ROUGH_BYTES = CFN_MAX_TEMPLATE_BYTES / 4;
/** The rough size of a token (a reference, `Fn::GetAtt`, `Fn::Join` ...) once rendered with indentation. */
const TOKEN_BYTES = 150;
/** The rough size of the properties of a resource whose properties are not public (a `CfnResource` of a custom type). */
const HIDDEN_PROPERTIES_BYTES = 2_000;
/** The rough size of a resource besides its properties and metadata (logical id, type, dependencies, policies). */
const RESOURCE_BYTES = 250;
/** The rough size of an output. */
const OUTPUT_BYTES = 250;

/** What one construct of ours tells the stack check about itself. */
export interface StackShare {
  /** The prop whose value decides how many resources the construct adds. */
  readonly prop: string;
  /** The value of that prop and what it makes, e.g. `expectedDevices 5000000 (50 endpoints x 3 zones)`. */
  readonly detail: string;
  /** How to make this construct's share smaller. */
  readonly fix: string;
}

interface Member {
  readonly scope: IConstruct;
  readonly share: StackShare;
}

/** The stacks already checked: one validation per stack, whatever the number of our constructs in it. */
const MEMBERS = new WeakMap<Stack, Member[]>();

/**
 * Makes synthesis fail with a `CdkPrivateIotError` message when the stack `scope` is in would break a CloudFormation
 * limit (500 resources, 200 outputs, 1,000,000 template bytes). The message names the construct of ours that adds the
 * most and its prop, gives the counts of every construct of ours in the stack, and says how to get under the limit.
 *
 * The check is a validation of the stack (run after aspects, before templates are written), so it sees resources the
 * user adds after our constructs; it returns its message, and `app.synth()` fails with aws-cdk-lib's validation error
 * that lists it as `[stack path] CdkPrivateIotError: ...`. aws-cdk-lib alone fails on resources with a list of types
 * and only warns on size.
 *
 * What is counted and when the template is rendered:
 * - resources and outputs are counted in the construct tree, as aws-cdk-lib collects the elements of a template: every
 *   `CfnResource` and `CfnOutput` under the stack, without descending into other stacks (a nested stack's resources
 *   are its own; the `AWS::CloudFormation::Stack` resource that holds it is the parent's). The one difference: a
 *   resource whose (protected) `shouldSynthesize()` is false, e.g. an IAM `Policy` left empty and unattached, is counted
 *   though aws-cdk-lib leaves it out of the template. The resource limit follows `@aws-cdk/core:stackResourceLimit`.
 * - the template size is first estimated without rendering (`roughTemplateBytes`). Only when that estimate reaches
 *   `RENDER_FROM_ROUGH_BYTES` (a quarter of the limit), or the stack holds at least 90% of the resource limit, is the
 *   template rendered, with public API only (`renderedTemplateBytes`), and its exact size compared with the limit.
 */
export function checkStackLimits(scope: IConstruct, share: StackShare): void {
  const stack = Stack.of(scope);
  let members = MEMBERS.get(stack);
  if (!members) {
    const list: Member[] = [];
    members = list;
    MEMBERS.set(stack, list);
    stack.node.addValidation({ validate: () => validateStack(stack, list) });
  }
  members.push({ scope, share });
}

/** The elements of the template of `stack` that CloudFormation limits, from the construct tree. */
export interface StackElements {
  readonly resources: CfnResource[];
  readonly outputs: CfnOutput[];
}

/**
 * The resources and outputs aws-cdk-lib will write into the template of `stack`: those under the stack, without
 * descending into child stacks (nested stacks), as aws-cdk-lib collects a template's elements.
 */
export function stackElements(stack: Stack): StackElements {
  const resources: CfnResource[] = [];
  const outputs: CfnOutput[] = [];
  const pending: IConstruct[] = [...stack.node.children];
  while (pending.length > 0) {
    const c = pending.pop()!;
    if (Stack.isStack(c)) {
      continue;
    }
    if (CfnResource.isCfnResource(c)) {
      resources.push(c);
    } else if (c instanceof CfnOutput) {
      outputs.push(c);
    }
    pending.push(...c.node.children);
  }
  return { resources, outputs };
}

/** The counts the check compares with the limits; `templateBytes` renders the template (see `renderedTemplateBytes`). */
export interface StackFigures {
  readonly resources: number;
  readonly outputs: number;
  readonly templateBytes: number;
}

/** The counts and the rendered template size of `stack` (renders the template: for tests and tools, not the check). */
export function stackFigures(stack: Stack): StackFigures {
  const elements = stackElements(stack);
  return { resources: elements.resources.length, outputs: elements.outputs.length, templateBytes: renderedTemplateBytes(stack) };
}

/**
 * A size estimate of the template of `stack` that renders nothing: for each resource, `RESOURCE_BYTES` plus its
 * properties and metadata serialized without indentation and before tokens are resolved, each token counted as
 * `TOKEN_BYTES` (the properties are public through `inspect()` for generated L1 classes; a `CfnResource` of a custom
 * type, whose properties are protected, counts `HIDDEN_PROPERTIES_BYTES`), and `OUTPUT_BYTES` per output. It decides
 * only whether to render; it is not a bound (overrides added with `addOverride` are not seen, for one).
 */
export function roughTemplateBytes(elements: StackElements): number {
  let bytes = elements.outputs.length * OUTPUT_BYTES;
  for (const resource of elements.resources) {
    const properties = isInspectable(resource) ? inspectedProperties(resource) : undefined;
    bytes += RESOURCE_BYTES + (properties === undefined ? HIDDEN_PROPERTIES_BYTES : roughBytes(properties))
      + roughBytes(resource.cfnOptions.metadata);
  }
  return bytes;
}

function isInspectable(c: CfnResource): c is CfnResource & IInspectable {
  return typeof (c as Partial<IInspectable>).inspect === 'function';
}

function inspectedProperties(resource: CfnResource & IInspectable): unknown {
  const inspector = new TreeInspector();
  resource.inspect(inspector);
  return inspector.attributes['aws:cdk:cloudformation:props'];
}

/** `value` serialized without indentation, each token (in a string, or an unresolved object) counted as `TOKEN_BYTES`. */
function roughBytes(value: unknown): number {
  if (value === undefined) {
    return 0;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return HIDDEN_PROPERTIES_BYTES; // a structure JSON cannot hold (e.g. a reference to a construct)
  }
  if (text === undefined) {
    return 0;
  }
  const tokens = text.match(/\$\{Token\[|#\{Token\[|<unresolved-|-1\.8881545897087\d*e\+289/g)?.length ?? 0;
  return text.length + tokens * TOKEN_BYTES;
}

/**
 * The size in bytes of the template aws-cdk-lib writes for `stack`. The template is rendered by aws-cdk-lib itself,
 * through the public `StackSynthesizer.synthesizeTemplate` of a synthesizer of ours that writes it into a directory of
 * its own (so the indentation is the stack's, `suppressTemplateIndentation` included) and is deleted after. What a
 * `DefaultStackSynthesizer` adds to the template when it writes it (after validation) is added as it builds it: the
 * `BootstrapVersion` parameter and the `CheckBootstrapVersion` rule, for the bootstrap version 6 it requires and the SSM
 * parameter `/cdk-bootstrap/<qualifier>/version` (the synthesizer's settings are not public: with
 * `generateBootstrapVersionRule: false` the size is about 800 bytes too large, and a custom
 * `bootstrapStackVersionSsmParameter` or session tags of the deploy role make it smaller by the length they add).
 *
 * Side effect: aws-cdk-lib's template-size warning (from 800,000 characters) is added to the stack by this render too,
 * with the size before those additions.
 */
export function renderedTemplateBytes(stack: Stack): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-private-iot-template-'));
  try {
    const text = new TemplateRenderer(stack).render({ outdir, assembly: new cxapi.CloudAssemblyBuilder(outdir) });
    const additions = bootstrapAdditions(stack);
    if (!additions) {
      return Buffer.byteLength(text, 'utf-8');
    }
    const template = JSON.parse(text);
    const indentation = text.startsWith('{\n') ? 1 : undefined;
    const merged = {
      ...template,
      Parameters: { ...template.Parameters, ...additions.Parameters },
      Rules: { ...template.Rules, ...additions.Rules },
    };
    return Buffer.byteLength(JSON.stringify(merged, undefined, indentation), 'utf-8');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** A synthesizer that only renders the template of the stack it measures (it is never the stack's synthesizer). */
class TemplateRenderer extends StackSynthesizer {
  constructor(stack: Stack) {
    super();
    this.bind(stack);
  }

  /** Writes the template into the session's directory, as aws-cdk-lib writes it, and returns its text. */
  public render(session: ISynthesisSession): string {
    const source = this.synthesizeTemplate(session);
    return fs.readFileSync(path.join(session.outdir, source.fileName!), 'utf-8');
  }

  public addFileAsset(): FileAssetLocation {
    throw new Error('TemplateRenderer only renders templates');
  }

  public addDockerImageAsset(): DockerImageAssetLocation {
    throw new Error('TemplateRenderer only renders templates');
  }

  public synthesize(): void {
    throw new Error('TemplateRenderer only renders templates');
  }
}

interface TemplateSections {
  readonly Parameters: Record<string, unknown>;
  readonly Rules: Record<string, unknown>;
}

/** The sections a `DefaultStackSynthesizer` adds to the template of `stack` when it writes it (see `renderedTemplateBytes`). */
function bootstrapAdditions(stack: Stack): TemplateSections | undefined {
  const synthesizer = stack.synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer) || synthesizer instanceof BootstraplessSynthesizer
    || stack.node.tryFindChild('BootstrapVersion')) {
    return undefined;
  }
  const requiredVersion = 6;
  const qualifier = synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  return {
    Parameters: {
      BootstrapVersion: {
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: DefaultStackSynthesizer.DEFAULT_BOOTSTRAP_STACK_VERSION_SSM_PARAMETER.replace('${Qualifier}', qualifier),
        Description: `Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store. ${cxapi.SSMPARAM_NO_INVALIDATE}`,
      },
    },
    Rules: {
      CheckBootstrapVersion: {
        Assertions: [{
          Assert: { 'Fn::Not': [{ 'Fn::Contains': [Array.from({ length: requiredVersion - 1 }, (_, i) => `${i + 1}`), { Ref: 'BootstrapVersion' }] }] },
          AssertDescription: `CDK bootstrap stack version ${requiredVersion} required. Please run 'cdk bootstrap' with a recent version of the CDK CLI.`,
        }],
      },
    },
  };
}

/** The messages of the stack check: at most one, for the first limit broken (resources, outputs, template size). */
function validateStack(stack: Stack, members: Member[]): string[] {
  const elements = stackElements(stack);
  const contextLimit = stack.node.tryGetContext(STACK_RESOURCE_LIMIT_CONTEXT);
  const maxResources = contextLimit !== undefined ? parseInt(contextLimit, 10) : CFN_MAX_RESOURCES;
  const resources = elements.resources.length;
  if (maxResources > 0 && resources > maxResources) {
    return [message(stack, members, 'resources',
      `${resources} resources, more than the ${maxResources} CloudFormation accepts in one stack`,
      'move constructs into a stack of their own (pass them the endpoint)')];
  }
  if (elements.outputs.length > CFN_MAX_OUTPUTS) {
    return [message(stack, members, 'outputs',
      `${elements.outputs.length} outputs, more than the ${CFN_MAX_OUTPUTS} CloudFormation accepts in one stack`,
      'remove outputs nobody reads, or move constructs into a stack of their own')];
  }
  const nearResourceLimit = resources >= 0.9 * (maxResources > 0 ? Math.min(maxResources, CFN_MAX_RESOURCES) : CFN_MAX_RESOURCES);
  if (!nearResourceLimit && roughTemplateBytes(elements) < RENDER_FROM_ROUGH_BYTES) {
    return [];
  }
  const templateBytes = renderedTemplateBytes(stack);
  if (templateBytes > CFN_MAX_TEMPLATE_BYTES) {
    return [message(stack, members, 'resources',
      `a template of ${templateBytes.toLocaleString('en-US')} bytes, more than the ${CFN_MAX_TEMPLATE_BYTES.toLocaleString('en-US')} CloudFormation accepts`,
      'set suppressTemplateIndentation: true on the stack, or move constructs into a stack of their own')];
  }
  return [];
}

/** The message of a broken limit, as a `CdkPrivateIotError` of the construct of ours that adds the most (or of the stack). */
function message(stack: Stack, members: Member[], counted: 'resources' | 'outputs', problem: string, wayOut: string): string {
  const isCounted = (c: IConstruct) => Stack.of(c) === stack
    && (counted === 'resources' ? CfnResource.isCfnResource(c) : c instanceof CfnOutput);
  const shares = members
    .map((m) => ({ ...m, count: m.scope.node.findAll().filter(isCounted).length }))
    .sort((a, b) => b.count - a.count);
  const elements = stackElements(stack);
  const total = counted === 'resources' ? elements.resources.length : elements.outputs.length;
  const ours = shares.reduce((sum, s) => sum + s.count, 0);
  const breakdown = shares
    .filter((s) => s.count > 0)
    .map((s) => `${kindOf(s.scope)} '${s.scope.node.path}' ${s.count} (${s.share.detail})`)
    .concat(total - ours > 0 ? [`other constructs ${total - ours}`] : [])
    .join(', ');
  const top = shares[0];
  if (top && top.count > 0) {
    return new CdkPrivateIotError(top.scope, top.share.prop,
      `${top.share.prop} brings stack '${stack.node.path}' to ${problem} (${counted}: ${breakdown}); ${top.share.fix}, or ${wayOut}`).message;
  }
  return new CdkPrivateIotError(stack, counted, `has ${problem}, none of them from this library's constructs; ${wayOut}`).message;
}
