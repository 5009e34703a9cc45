/**
 * Shared test helpers of cdk-private-iot (no AWS account, no network).
 *
 * - `concreteApp()` / `testStack()`: an App whose context answers every lookup the constructs make for a
 *   concrete environment (availability zones of the region, and the zones each IoT endpoint service is offered in),
 *   so that a synth never falls back to dummy values.
 * - `envAgnosticStack()`: a stack without account/region (no lookups possible).
 * - `testVpc()`: a small VPC in a test stack.
 * - `templateOf()`: a fresh `Template` of a stack (re-synthesized, so a test can look, add constructs, look again).
 * - `lambdaCount()`, `resourcesOfType()`: counting what a template holds.
 * - `nagFindings()`: unacknowledged cdk-nag findings of the four packs this library is checked against.
 *
 * Import from test files only (never from src/).
 */
import { App, AppProps, ContextProvider, Stack, StackProps, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { acknowledgeGuard } from '../src/private/nag';

/** The account of every concrete test environment. */
/**
 * App context key: a test that synthesizes an undeployable template on purpose (a limit proven by going past it) sets
 * it to the reason, and test/setup/capture-templates.ts leaves the template out of the cfn-lint and Guard checks.
 */
export const LINT_SKIP_CONTEXT = 'cdk-private-iot:lint-skip';

export const TEST_ACCOUNT = '111111111111';

/** The default region of the concrete test environment. */
export const TEST_REGION = 'eu-west-1';

/**
 * The zones the default fixture offers each endpoint service in (short service name -> zone suffixes).
 * `iot.data` is deliberately missing from zone `b` (like ap-northeast-1 or us-east-1 in real life), so a 3-AZ VPC
 * yields 2 `iot.data` endpoint subnets.
 */
export const DEFAULT_SERVICE_ZONE_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  'iot.data': ['a', 'c'],
  'iot.credentials': ['a', 'b', 'c'],
  'greengrass': ['a', 'b', 'c'],
  // the services GreengrassCoreEndpoints adds, offered in every zone of the fixture region
  's3': ['a', 'b', 'c'],
  'logs': ['a', 'b', 'c'],
  'ecr.api': ['a', 'b', 'c'],
  'ecr.dkr': ['a', 'b', 'c'],
  'secretsmanager': ['a', 'b', 'c'],
  'sts': ['a', 'b', 'c'],
};

/** Options of `concreteApp` / `lookupContext`. */
export interface ConcreteEnvOptions {
  /** @default TEST_ACCOUNT */
  readonly account?: string;
  /** @default TEST_REGION */
  readonly region?: string;
  /**
   * Zone suffixes of the region (`['a', 'b', 'c']` -> `eu-west-1a`, `eu-west-1b`, `eu-west-1c`).
   * @default ['a', 'b', 'c']
   */
  readonly zoneSuffixes?: string[];
  /**
   * Zone suffixes each endpoint service is offered in, by short service name (`iot.data`, `iot.credentials`,
   * `greengrass`, or any other). Merged over `DEFAULT_SERVICE_ZONE_SUFFIXES`.
   * @default DEFAULT_SERVICE_ZONE_SUFFIXES
   */
  readonly serviceZoneSuffixes?: Record<string, string[]>;
}

/** The endpoint service name AWS uses in a region (`cn.` prefix in the China regions). */
export function endpointServiceName(region: string, shortName: string): string {
  return `${region.startsWith('cn-') ? 'cn.' : ''}com.amazonaws.${region}.${shortName}`;
}

/**
 * Context entries that answer the `availability-zones` and `endpoint-service-availability-zones` lookups of one
 * account and region (the keys `cdk.context.json` would hold after a synth with credentials).
 */
export function lookupContext(options: ConcreteEnvOptions = {}): Record<string, string[]> {
  const account = options.account ?? TEST_ACCOUNT;
  const region = options.region ?? TEST_REGION;
  const zones = (options.zoneSuffixes ?? ['a', 'b', 'c']).map((s) => `${region}${s}`);
  const services = { ...DEFAULT_SERVICE_ZONE_SUFFIXES, ...options.serviceZoneSuffixes };
  const env = `account=${account}:region=${region}`;
  const context: Record<string, string[]> = {
    [`${cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER}:${env}`]: zones,
  };
  for (const [shortName, suffixes] of Object.entries(services)) {
    const key = `${cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER}:${env}:serviceName=${endpointServiceName(region, shortName)}`;
    context[key] = suffixes.map((s) => `${region}${s}`);
  }
  return context;
}

/**
 * An App whose context answers the lookups of one or more concrete environments.
 * @param envs the environments (default: one, `TEST_ACCOUNT` / `TEST_REGION` with `DEFAULT_SERVICE_ZONE_SUFFIXES`)
 * @param props further App props (their `context` is merged over the lookups)
 */
export function concreteApp(envs: ConcreteEnvOptions | ConcreteEnvOptions[] = {}, props: AppProps = {}): App {
  const context = Object.assign({}, ...(Array.isArray(envs) ? envs : [envs]).map((e) => lookupContext(e)));
  return new App({ ...props, context: { ...context, ...props.context } });
}

/**
 * A stack in a concrete environment (account `TEST_ACCOUNT`, region `TEST_REGION` unless `props.env` says otherwise).
 * @param app default: a new `concreteApp()`; pass `concreteApp({ region })` for another region
 */
export function testStack(app: App = concreteApp(), id = 'TestStack', props: StackProps = {}): Stack {
  return new Stack(app, id, { ...props, env: { account: TEST_ACCOUNT, region: TEST_REGION, ...props.env } });
}

/** A stack without account and region (`Aws.REGION` tokens, no context lookups). */
export function envAgnosticStack(id = 'AgnosticStack'): Stack {
  return new Stack(new App(), id);
}

/** Props of `testVpc`: any `ec2.VpcProps`, plus a switch for a flow log. */
export interface TestVpcProps extends ec2.VpcProps {
  /**
   * Add a VPC flow log to CloudWatch Logs (id `FlowLog`), so cdk-nag's VPC flow-log rules stay quiet.
   * @default false
   */
  readonly withFlowLog?: boolean;
}

/**
 * A VPC in `stack` (3 zones in a concrete env, no NAT gateway) with isolated subnets only, unless `props` say
 * otherwise.
 */
export function testVpc(stack: Stack, id = 'Vpc', props: TestVpcProps = {}): ec2.Vpc {
  const { withFlowLog, ...vpcProps } = props;
  const vpc = new ec2.Vpc(stack, id, {
    maxAzs: 3,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    ...vpcProps,
    // Public subnets as a careful user builds them (Control Tower's CT.EC2.PR.11): nothing gets a public IP on launch;
    // the front door's Elastic IPs are attached explicitly.
    ...(vpcProps.subnetConfiguration ? {
      subnetConfiguration: vpcProps.subnetConfiguration
        .map((c) => (c.subnetType === ec2.SubnetType.PUBLIC ? { mapPublicIpOnLaunch: false, ...c } : c)),
    } : {}),
    ...(withFlowLog ? { flowLogs: { FlowLog: { destination: ec2.FlowLogDestination.toCloudWatchLogs() } } } : {}),
  });
  const flowLogGroup = vpc.node.tryFindChild('FlowLog')?.node.tryFindChild('LogGroup');
  if (flowLogGroup) {
    acknowledgeGuard(flowLogGroup, 'cloudwatch_log_group_encrypted_check', 'Test fixture: flow logs of a test VPC (connection metadata, no payload).');
  }
  return vpc;
}

/**
 * The template of `stack` as it is now. Unlike a bare `Template.fromStack`, which reuses (or refuses, once the tree
 * changed) an earlier synthesis of the App, this re-synthesizes, so a test may synthesize, add constructs and look again.
 */
export function templateOf(stack: Stack): Template {
  Stage.of(stack)?.synth({ force: true });
  return Template.fromStack(stack);
}

/** The logical ids of the resources of one CloudFormation type in a template. */
export function resourcesOfType(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type));
}

/** The number of `AWS::Lambda::Function` resources in a template. */
export function lambdaCount(template: Template): number {
  return resourcesOfType(template, 'AWS::Lambda::Function').length;
}

/** One unacknowledged cdk-nag finding on one resource. */
export interface NagFinding {
  /** The rule id, e.g. `AwsSolutions-IAM5` or, for granular rules, `AwsSolutions-IAM5[Resource::*]`. */
  readonly ruleId: string;
  /** The construct path of the resource, e.g. `TestStack/Endpoint/SecurityGroup/Resource`. */
  readonly path: string;
  /** What the rule reports. */
  readonly description: string;
}

/** The packs `nagFindings` runs by default: AWS Solutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1. */
export function defaultNagPacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks(), new PCIDSS321Checks()];
}

/** Options of `nagFindings`. */
export interface NagFindingsOptions {
  /** Keep only findings whose construct path passes this test. @default - every finding */
  readonly include?: (path: string) => boolean;
  /** The packs to run. @default defaultNagPacks() */
  readonly packs?: NagPack[];
}

/**
 * Runs cdk-nag (`NagPack.validateScope`) over `scope` after synthesizing its App (so aspects and lazy values are
 * settled) and returns the findings nobody acknowledged (cdk-nag 3 honours `Validations.of(c).acknowledge(...)`,
 * i.e. `aws:cdk:acknowledged-rules` metadata on the resource or an ancestor).
 */
export function nagFindings(scope: IConstruct, options: NagFindingsOptions = {}): NagFinding[] {
  Stage.of(scope)?.synth({ force: true });
  const findings: NagFinding[] = [];
  for (const pack of options.packs ?? defaultNagPacks()) {
    for (const violation of pack.validateScope(scope).violations) {
      for (const resource of violation.violatingResources) {
        const path = resource.constructPath ?? resource.resourceLogicalId ?? '';
        if (!options.include || options.include(path)) {
          findings.push({ ruleId: violation.ruleName, path, description: violation.description });
        }
      }
    }
  }
  return findings;
}

/** `nagFindings` as sorted `ruleId @ path` lines: readable in a failed `toEqual([])`. */
export function formatNagFindings(findings: NagFinding[]): string[] {
  return findings.map((f) => `${f.ruleId} @ ${f.path}`).sort();
}

/**
 * The key of a context lookup as a construct of `scope` would ask for it, for tests that need to assert or
 * tweak a single entry.
 */
export function contextKey(scope: IConstruct, provider: string, props: Record<string, string> = {}): string {
  return ContextProvider.getKey(scope, { provider, props }).key;
}

/**
 * The parsed call of a lookup (`Call` of a Custom::CdkPrivateIotLookup) or the `Create` call of a Custom::AWS resource;
 * tokens spliced into its JSON come back as the intrinsics.
 */
export function createCall(resource: { Properties?: any }): any {
  const create = resource.Properties.Call ?? resource.Properties.Create;
  if (typeof create === 'string') {
    return JSON.parse(create);
  }
  const [separator, parts] = create['Fn::Join'] as [string, unknown[]];
  expect(separator).toBe('');
  const tokens: unknown[] = [];
  const text = parts.map((p) => {
    if (typeof p === 'string') {
      return p;
    }
    tokens.push(p);
    return `@@TOKEN${tokens.length - 1}@@`;
  }).join('');
  return JSON.parse(text, (_key, value) => {
    const m = typeof value === 'string' ? /^@@TOKEN(\d+)@@$/.exec(value) : null;
    return m ? tokens[Number(m[1])] : value;
  });
}

/** The error `fn` throws (the test fails if it throws nothing). */
export function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, but nothing was thrown');
}

/**
 * The message of the `CdkPrivateIotError` a construct's validation reported for `constructPath`, from the error
 * `app.synth()` threw (aws-cdk-lib lists each validation message as `[path] message` under "Validation failed with the
 * following errors:"), without the `[path] ` part. Fails the test when there is none.
 */
export function validationMessage(error: any, constructPath: string): string {
  expect(error?.message).toMatch(/^Validation failed with the following errors:\n/);
  const line = (error.message as string).split('\n').map((l) => l.trim()).find((l) => l.startsWith(`[${constructPath}] CdkPrivateIotError: `));
  if (line === undefined) {
    throw new Error(`no CdkPrivateIotError of ${constructPath} in: ${error.message}`);
  }
  return line.slice(constructPath.length + 3);
}
