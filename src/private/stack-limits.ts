import { CfnOutput, CfnParameter, CfnResource, CfnRule, DefaultStackSynthesizer, Fn, Stack, STACK_RESOURCE_LIMIT_CONTEXT } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';
import { CdkPrivateIotError, kindOf } from './errors';

/** CloudFormation: resources in one stack (aws-cdk-lib lets `@aws-cdk/core:stackResourceLimit` change or disable it). */
export const CFN_MAX_RESOURCES = 500;
/** CloudFormation: outputs in one stack. */
export const CFN_MAX_OUTPUTS = 200;
/** CloudFormation: size of a template body uploaded to S3 (the CDK deploys through S3), counted as aws-cdk-lib does. */
export const CFN_MAX_TEMPLATE_BYTES = 1_000_000;

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
 * Makes synthesis fail with a `CdkPrivateIotError` when the stack `scope` is in would break a CloudFormation limit
 * (500 resources, 200 outputs, 1,000,000 template bytes). The error names the construct of ours that adds the most and
 * its prop, gives the counts of every construct of ours in the stack, and says how to get under the limit.
 *
 * The check runs when the app is validated (after aspects, before templates are written), so it sees resources the
 * user adds after our constructs. aws-cdk-lib alone fails on resources with a list of types and only warns on size.
 */
export function checkStackLimits(scope: IConstruct, share: StackShare): void {
  const stack = Stack.of(scope);
  let members = MEMBERS.get(stack);
  if (!members) {
    const list: Member[] = [];
    members = list;
    MEMBERS.set(stack, list);
    stack.node.addValidation({
      validate: () => {
        validateStack(stack, list);
        return [];
      },
    });
  }
  members.push({ scope, share });
}

/** The counts the check compares with the limits. */
export interface StackFigures {
  readonly resources: number;
  readonly outputs: number;
  readonly templateBytes: number;
}

/** Renders the stack's template as aws-cdk-lib is about to write it and counts what CloudFormation limits. */
export function stackFigures(stack: Stack): StackFigures {
  const template = withSynthesizerAdditions(stack, renderTemplate(stack));
  const indentation = (stack as unknown as { _suppressTemplateIndentation?: boolean })._suppressTemplateIndentation ? undefined : 1;
  return {
    resources: Object.keys(template.Resources ?? {}).length,
    outputs: Object.keys(template.Outputs ?? {}).length,
    templateBytes: Buffer.byteLength(JSON.stringify(template, undefined, indentation), 'utf-8'),
  };
}

interface RenderedTemplate {
  readonly Resources?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
  readonly Parameters?: Record<string, unknown>;
  readonly Rules?: Record<string, unknown>;
}

/** The parts of aws-cdk-lib's DefaultStackSynthesizer that decide its bootstrap version check (not public API). */
interface DefaultSynthesizerInternals {
  readonly props?: { readonly generateBootstrapVersionRule?: boolean };
  readonly bootstrapStackVersionSsmParameter?: string;
  readonly _requiredBootstrapVersionForDeployment?: number;
}

/**
 * `template` plus what the stack's synthesizer adds when it writes the template, after validation: aws-cdk-lib's
 * `DefaultStackSynthesizer` adds the `BootstrapVersion` parameter and the `CheckBootstrapVersion` rule then (about
 * 800 bytes with indentation), so a template measured without them could be written over the limit. They are built
 * here as aws-cdk-lib builds them, on a stack of their own.
 */
function withSynthesizerAdditions(stack: Stack, template: RenderedTemplate): RenderedTemplate {
  const synthesizer = stack.synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer) || stack.node.tryFindChild('BootstrapVersion')) {
    return template;
  }
  const internals = synthesizer as unknown as DefaultSynthesizerInternals;
  if (internals.props?.generateBootstrapVersionRule === false) {
    return template;
  }
  const scratch = new Stack(undefined, 'Scratch');
  const ssmParameter = internals.bootstrapStackVersionSsmParameter ?? `/cdk-bootstrap/${synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER}/version`;
  const requiredVersion = internals._requiredBootstrapVersionForDeployment ?? 6;
  const version = new CfnParameter(scratch, 'BootstrapVersion', {
    type: 'AWS::SSM::Parameter::Value<String>',
    description: `Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store. ${cxapi.SSMPARAM_NO_INVALIDATE}`,
    default: ssmParameter,
  });
  new CfnRule(scratch, 'CheckBootstrapVersion', {
    assertions: [{
      assert: Fn.conditionNot(Fn.conditionContains(Array.from({ length: requiredVersion - 1 }, (_, i) => `${i + 1}`), version.valueAsString)),
      assertDescription: `CDK bootstrap stack version ${requiredVersion} required. Please run 'cdk bootstrap' with a recent version of the CDK CLI.`,
    }],
  });
  const added = renderTemplate(scratch);
  return {
    ...template,
    ...(added.Parameters ? { Parameters: { ...template.Parameters, ...added.Parameters } } : {}),
    ...(added.Rules ? { Rules: { ...template.Rules, ...added.Rules } } : {}),
  };
}

function renderTemplate(stack: Stack): RenderedTemplate {
  // `_toCloudFormation` is how aws-cdk-lib renders a stack (protected; stable since CDK v1). Without it, count the tree.
  const render = (stack as unknown as { _toCloudFormation?: () => RenderedTemplate })._toCloudFormation;
  if (typeof render === 'function') {
    return render.call(stack) ?? {};
  }
  const resources: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  for (const c of stack.node.findAll()) {
    if (Stack.of(c) === stack && CfnResource.isCfnResource(c)) {
      resources[c.node.path] = {};
    } else if (Stack.of(c) === stack && c instanceof CfnOutput) {
      outputs[c.node.path] = {};
    }
  }
  return { Resources: resources, Outputs: outputs };
}

function validateStack(stack: Stack, members: Member[]): void {
  const figures = stackFigures(stack);
  const contextLimit = stack.node.tryGetContext(STACK_RESOURCE_LIMIT_CONTEXT);
  const maxResources = contextLimit !== undefined ? parseInt(contextLimit, 10) : CFN_MAX_RESOURCES;
  if (maxResources > 0 && figures.resources > maxResources) {
    fail(stack, members, 'resources',
      `${figures.resources} resources, more than the ${maxResources} CloudFormation accepts in one stack`,
      'move constructs into a stack of their own (pass them the endpoint)');
  }
  if (figures.outputs > CFN_MAX_OUTPUTS) {
    fail(stack, members, 'outputs',
      `${figures.outputs} outputs, more than the ${CFN_MAX_OUTPUTS} CloudFormation accepts in one stack`,
      'remove outputs nobody reads, or move constructs into a stack of their own');
  }
  if (figures.templateBytes > CFN_MAX_TEMPLATE_BYTES) {
    fail(stack, members, 'resources',
      `a template of ${figures.templateBytes.toLocaleString('en-US')} bytes, more than the ${CFN_MAX_TEMPLATE_BYTES.toLocaleString('en-US')} CloudFormation accepts`,
      'set suppressTemplateIndentation: true on the stack, or move constructs into a stack of their own');
  }
}

function fail(stack: Stack, members: Member[], counted: 'resources' | 'outputs', problem: string, wayOut: string): never {
  const isCounted = (c: IConstruct) => Stack.of(c) === stack
    && (counted === 'resources' ? CfnResource.isCfnResource(c) : c instanceof CfnOutput);
  const shares = members
    .map((m) => ({ ...m, count: m.scope.node.findAll().filter(isCounted).length }))
    .sort((a, b) => b.count - a.count);
  const total = stack.node.findAll().filter(isCounted).length;
  const ours = shares.reduce((sum, s) => sum + s.count, 0);
  const breakdown = shares
    .filter((s) => s.count > 0)
    .map((s) => `${kindOf(s.scope)} '${s.scope.node.path}' ${s.count} (${s.share.detail})`)
    .concat(total - ours > 0 ? [`other constructs ${total - ours}`] : [])
    .join(', ');
  const top = shares[0];
  if (top && top.count > 0) {
    throw new CdkPrivateIotError(top.scope, top.share.prop,
      `${top.share.prop} brings stack '${stack.node.path}' to ${problem} (${counted}: ${breakdown}); ${top.share.fix}, or ${wayOut}`);
  }
  throw new CdkPrivateIotError(stack, counted,
    `has ${problem}, none of them from this library's constructs; ${wayOut}`);
}
