import { Annotations, ArnFormat, Duration, Names, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { NucleusConfigurationOptions } from './nucleus-configuration';
import { nucleusSettings, NucleusSettings, nucleusSettingsYaml } from './nucleus-settings';
import { IPrivateIotDataEndpoint } from '../endpoint/types';
import { IIotPolicy, IotPolicyNetworkOptions } from '../policy';
import { invalidProp } from '../private/errors';
import { iotPolicyArnComponents, newIotPolicyResource } from '../private/iot-policy-resource';
import { acknowledge } from '../private/nag';
import { addPolicyNetworkChecks, PolicyNetwork, policyNetworkOf, unique } from '../private/policy-network';

/** AWS IoT Core quota: maximum size of a policy document, white space excluded. */
const MAX_POLICY_DOCUMENT_CHARS = 2048;
/** The length EC2 gives the id of an interface VPC endpoint it creates (`vpce-` and 17 hexadecimal digits). */
const DEPLOYED_VPCE_ID_LENGTH = 22;
/** `AWS::IoT::RoleAlias` `CredentialDurationSeconds`: 900 to 43,200 seconds, 3,600 by default. */
const MIN_CREDENTIAL_SECONDS = 900;
const MAX_CREDENTIAL_SECONDS = 43_200;
const DEFAULT_CREDENTIAL_SECONDS = 3_600;
/** An AWS IoT role alias name (`AWS::IoT::RoleAlias` `RoleAlias`). */
const ROLE_ALIAS_NAME = /^[\w=,@-]{1,128}$/;
/** An AWS IoT policy name. */
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
/** A thing name (letters, digits, `:_-`), with `*` allowed as the AWS IoT policy wildcard. */
const THING_NAME_PATTERN = /^[a-zA-Z0-9:_*-]{1,128}$/;
/** The service principal of the AWS IoT Core credentials provider. */
const CREDENTIALS_PROVIDER = 'credentials.iot.amazonaws.com';

/**
 * The AWS IoT Greengrass data plane actions every core device uses, exactly as in the AWS IoT Greengrass V2
 * Developer Guide, "Device authentication and authorization for AWS IoT Greengrass", section "Minimal AWS IoT policy
 * for AWS IoT Greengrass V2 core devices" (https://docs.aws.amazon.com/greengrass/v2/developerguide/device-auth.html).
 * `ListThingGroupsForCoreDevice` is needed from nucleus v2.5.0 on, `GetDeploymentConfiguration` from v2.3.0 on.
 */
const CORE_DATA_PLANE_ACTIONS = [
  'greengrass:GetComponentVersionArtifact',
  'greengrass:ResolveComponentCandidates',
  'greengrass:GetDeploymentConfiguration',
  'greengrass:ListThingGroupsForCoreDevice',
];

/** The shadow actions of the same pages (the core device's own shadows, and client devices' when it syncs them). */
const SHADOW_ACTIONS = ['iot:GetThingShadow', 'iot:UpdateThingShadow', 'iot:DeleteThingShadow'];

/**
 * Properties of a `GreengrassCoreIotPolicy`.
 *
 * Allowed VPC endpoints are the union of `endpoints`, `vpcEndpoints` and `vpcEndpointIds` (`IotPolicyNetworkOptions`): at
 * least one is required.
 */
export interface GreengrassCoreIotPolicyProps extends IotPolicyNetworkOptions {
  /**
   * The names of the core devices' AWS IoT things, or name patterns with the policy wildcard `*` (e.g.
   * `MyGreengrassCore*` for `MyGreengrassCore1`, `MyGreengrassCore2`, ...).
   *
   * A `*` is appended to each name that does not end with one, as in the AWS minimal policy: the nucleus opens several
   * MQTT connections with client ids that add a suffix to the thing name. Thing policy variables
   * (`${iot:Connection.Thing.ThingName}`) are rejected: AWS IoT Greengrass does not support them in core device
   * policies (AWS IoT Greengrass V2 Developer Guide, "Device authentication and authorization for AWS IoT Greengrass").
   */
  readonly thingNames: string[];

  /**
   * Allow publishing and receiving the system health telemetry topics
   * (`$aws/things/<thing>/greengrass/health/json` and `.../greengrassv2/health/json`). Turn it off for core devices
   * whose telemetry is disabled.
   * @default true
   */
  readonly telemetry?: boolean;

  /**
   * Allow the AWS IoT jobs topics of the core devices (`$aws/things/<thing>/jobs/*`): AWS IoT Greengrass delivers
   * deployments to thing groups as jobs, so turn it off only for devices that never get one.
   * @default true
   */
  readonly jobs?: boolean;

  /**
   * Allow the core devices' classic and named shadows: the MQTT topics `$aws/things/<thing>/shadow/*` and
   * `iot:GetThingShadow`, `iot:UpdateThingShadow`, `iot:DeleteThingShadow` on the things. AWS IoT Greengrass
   * delivers deployments to a single core device through a named shadow.
   * @default true
   */
  readonly shadows?: boolean;

  /**
   * Allow what a core device needs to serve MQTT client devices, as the "Minimal AWS IoT policy to support client
   * devices" lists it: `greengrass:PutCertificateAuthorities` and `greengrass:VerifyClientDeviceIdentity`,
   * `greengrass:VerifyClientDeviceIoTCertificateAssociation` on any thing, and `greengrass:GetConnectivityInfo` /
   * `greengrass:UpdateConnectivityInfo` on the core devices' own connectivity information. Shadows of client devices
   * are allowed only for `clientDeviceThingNames`.
   * @default false
   */
  readonly clientDevices?: boolean;

  /**
   * Thing names (or patterns with `*`) of the client devices whose shadows the core devices sync (`iot:GetThingShadow`,
   * `iot:UpdateThingShadow`, `iot:DeleteThingShadow`). Requires `clientDevices: true`.
   * @default - no client device shadows
   */
  readonly clientDeviceThingNames?: string[];

  /**
   * More statements for the IoT policy, e.g. the topics of your own components. Actions must be `iot:` or
   * `greengrass:` actions and name an operation: `*` and service-wide wildcards such as `iot:*` are rejected, and so
   * is `NotAction`. Permissions for AWS services go to the token exchange role (`addToTokenExchangeRolePolicy`).
   * @default - none
   */
  readonly additionalStatements?: iam.PolicyStatement[];

  /**
   * The name of the IoT policy (1-128 characters out of letters, digits and `_+=,.@-`).
   * @default - a name generated by CloudFormation
   */
  readonly policyName?: string;

  /**
   * The name of the role alias (`AWS::IoT::RoleAlias`) that points to the token exchange role: 1-128 characters out
   * of letters, digits and `_=,@-`. The nucleus finds the role through it (`iotRoleAlias`).
   * @default - a name derived from the construct path, unique in the app, e.g. `MyStackCoreDevices1A2B3C4D` (at most 128 characters)
   */
  readonly roleAliasName?: string;

  /**
   * How long the credentials the AWS IoT credentials provider issues for the token exchange role are valid, in seconds:
   * 900 to 43,200 (`AWS::IoT::RoleAlias` `CredentialDurationSeconds`). The role's maximum session duration is raised
   * to match when it is over one hour.
   * @default 3600
   */
  readonly credentialDurationSeconds?: number;

  /**
   * S3 buckets that hold component artifacts: the token exchange role may read their objects (`s3:GetObject` on
   * `artifactObjectKeyPatterns`) and locate them (`s3:GetBucketLocation`), and decrypt them with the bucket's KMS key
   * when it has one (`kms:Decrypt`: the key's policy must let the account's IAM policies grant it, as the keys
   * aws-cdk-lib creates do) (AWS IoT Greengrass V2 Developer Guide, "Authorize core devices to interact with AWS
   * services", section "Allow access to S3 buckets for component artifacts").
   * @default - none
   */
  readonly artifactBuckets?: s3.IBucket[];

  /**
   * ARNs of more artifact buckets (`arn:<partition>:s3:::<bucket name>`), e.g. in another stack or account. Objects
   * encrypted with a customer managed KMS key also need `kms:Decrypt` (`addToTokenExchangeRolePolicy`).
   * @default - none
   */
  readonly artifactBucketArns?: string[];

  /**
   * The object keys (patterns with `*`) core devices may read in the artifact buckets. Requires `artifactBuckets` or
   * `artifactBucketArns`.
   * @default ['*'] - every object of the artifact buckets
   */
  readonly artifactObjectKeyPatterns?: string[];

  /**
   * Let the token exchange role write logs to CloudWatch Logs, as the log manager component (`aws.greengrass.LogManager`)
   * does: `logs:CreateLogGroup`, `logs:CreateLogStream`, `logs:PutLogEvents` and `logs:DescribeLogStreams` on the log
   * groups `/aws/greengrass/*` of the stack's account and region.
   * @default false
   */
  readonly cloudWatchLogs?: boolean;
}

/**
 * The AWS IoT policy, token exchange role and role alias that AWS IoT Greengrass V2 core devices in a VPC need, with
 * `iot:Connect` allowed only through the given `iot.data` interface VPC endpoints (condition `aws:SourceVpce`).
 *
 * The policy follows "Minimal AWS IoT policy for AWS IoT Greengrass V2 core devices" (AWS IoT Greengrass V2
 * Developer Guide, https://docs.aws.amazon.com/greengrass/v2/developerguide/device-auth.html): connect as the core
 * device's thing, the telemetry, jobs and shadow topics, the core device shadow, `iot:AssumeRoleWithCertificate` on
 * the role alias and the Greengrass data plane actions. The token exchange role is assumed by the AWS IoT credentials
 * provider ("Authorize core devices to interact with AWS services",
 * https://docs.aws.amazon.com/greengrass/v2/developerguide/device-service-role.html) and gets only what the props ask
 * for. `nucleusConfiguration()` writes the matching nucleus settings.
 *
 * Attach the policy to the core devices' certificates (`iot.CfnPolicyPrincipalAttachment`).
 *
 * Only `iot:Connect` carries the VPC endpoint condition, as in the AWS IoT Core documentation: MQTT sessions can then
 * only exist through the endpoints. The Greengrass data plane calls (HTTPS with the device certificate) and the
 * credentials provider need no MQTT session, so this policy alone does not keep a stolen certificate from using them
 * over the internet.
 *
 * @example
 * declare const endpoint: PrivateIotDataEndpoint;
 * declare const artifacts: s3.IBucket;
 *
 * const coreDevices = new GreengrassCoreIotPolicy(this, 'CoreDevices', {
 *   thingNames: ['FactoryCore*'],
 *   endpoints: [endpoint],
 *   artifactBuckets: [artifacts],
 * });
 * new CfnOutput(this, 'NucleusConfig', { value: coreDevices.nucleusConfigYaml(endpoint) });
 */
export class GreengrassCoreIotPolicy extends Resource implements IIotPolicy, iam.IGrantable {
  /**
   * The name of the IoT policy.
   * @attribute
   */
  public readonly policyName: string;

  /**
   * The ARN of the IoT policy.
   * @attribute
   */
  public readonly policyArn: string;

  /** The IoT policy document. */
  public readonly document: iam.PolicyDocument;

  /** The underlying `AWS::IoT::Policy` (an escape hatch). */
  public readonly resource: iot.CfnPolicy;

  /** The ids of the VPC endpoints core devices may connect through (`aws:SourceVpce`), deduplicated. */
  public readonly vpcEndpointIds: string[];

  /** The thing name patterns the policy grants, each ending with `*`. */
  public readonly thingNamePatterns: string[];

  /** The token exchange role, assumed by the AWS IoT credentials provider (`credentials.iot.amazonaws.com`). */
  public readonly tokenExchangeRole: iam.IRole;

  /** The principal to grant AWS permissions to: the token exchange role. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The underlying `AWS::IoT::RoleAlias` (an escape hatch). */
  public readonly roleAlias: iot.CfnRoleAlias;

  /**
   * The name of the role alias (the nucleus setting `iotRoleAlias`).
   * @attribute
   */
  public readonly roleAliasName: string;

  /**
   * The ARN of the role alias.
   * @attribute
   */
  public readonly roleAliasArn: string;

  /** How long the credentials of the token exchange role are valid, in seconds. */
  public readonly credentialDurationSeconds: number;

  private readonly role: iam.Role;
  private readonly endpoints: IPrivateIotDataEndpoint[];
  private rolePolicy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: GreengrassCoreIotPolicyProps) {
    super(scope, id, { physicalName: props.policyName });

    // Everything is validated before anything is created.
    const input = validateProps(this, props);
    this.roleAliasName = props.roleAliasName
      ?? Names.uniqueResourceName(this, { maxLength: 128, allowedSpecialCharacters: '_-' });
    this.checkDocumentSize(props, input);
    this.vpcEndpointIds = input.network.endpointIds;
    this.thingNamePatterns = input.thingPatterns;
    this.credentialDurationSeconds = input.credentialSeconds;
    this.endpoints = props.endpoints ?? [];
    addPolicyNetworkChecks(this, props, input.network);

    this.role = new iam.Role(this, 'TokenExchangeRole', {
      assumedBy: new iam.ServicePrincipal(CREDENTIALS_PROVIDER),
      description: `Token exchange role of the AWS IoT Greengrass core devices of ${this.node.path}`,
      maxSessionDuration: Duration.seconds(Math.max(DEFAULT_CREDENTIAL_SECONDS, input.credentialSeconds)),
    });
    this.tokenExchangeRole = this.role;
    this.grantPrincipal = this.role;
    this.addRolePermissions(props, input);

    this.roleAlias = new iot.CfnRoleAlias(this, 'RoleAlias', {
      roleAlias: this.roleAliasName,
      roleArn: this.role.roleArn,
      credentialDurationSeconds: input.credentialSeconds,
    });
    this.roleAliasArn = this.roleAlias.attrRoleAliasArn;

    const stack = Stack.of(this);
    const deployedArn = (service: string, resource: string) => stack.formatArn({
      service, resource, arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
    this.document = new iam.PolicyDocument({ statements: this.statementsOf(props, input, deployedArn, input.network.endpointIds), minimize: false });
    this.resource = newIotPolicyResource(this, this.physicalName, this.document);
    this.policyName = this.getResourceNameAttribute(this.resource.ref);
    this.policyArn = this.getResourceArnAttribute(this.resource.attrArn, iotPolicyArnComponents(this.physicalName));

    this.addWarnings(input);
  }

  /**
   * Adds a statement to the token exchange role's policy: what the core devices' components may do in AWS (e.g.
   * `secretsmanager:GetSecretValue` on one secret for the secret manager component). Statements that allow every
   * action (`*`) are rejected.
   */
  public addToTokenExchangeRolePolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (statement.effect === iam.Effect.ALLOW && (statement.actions.includes('*') || statement.notActions.length > 0)) {
      invalidProp(this, 'statement', `allows ${statement.notActions.length > 0 ? 'NotAction' : 'every action (*)'} on the token exchange role`,
        'name the actions the components need, e.g. s3:GetObject');
    }
    return { statementAdded: true, policyDependable: this.addToRolePolicy(statement) };
  }

  /**
   * Adds a statement to the customer managed policy of the token exchange role, created with the first statement (a
   * managed policy rather than an inline one: the NIST 800-53, HIPAA and PCI DSS packs of cdk-nag reject inline
   * policies).
   */
  private addToRolePolicy(statement: iam.PolicyStatement): iam.ManagedPolicy {
    if (!this.rolePolicy) {
      this.rolePolicy = new iam.ManagedPolicy(this, 'TokenExchangeRolePolicy', {
        description: `Permissions of the token exchange role of the AWS IoT Greengrass core devices of ${this.node.path}`,
        roles: [this.role],
      });
    }
    this.rolePolicy.addStatements(statement);
    return this.rolePolicy;
  }

  /**
   * The `configuration` of the `aws.greengrass.Nucleus` component for core devices that connect through `endpoint`,
   * as a JSON string (tokens resolve at deployment), e.g. the `merge` of a deployment's `configurationUpdate`:
   * `greengrassDataPlaneEndpoint: "iotdata"`, `iotDataEndpoint`, `iotCredEndpoint`, `iotRoleAlias`, `awsRegion` and, in
   * us-east-1 or when the region is unknown at synthesis (the nucleus ignores it in other regions),
   * `s3EndpointType: "REGIONAL"` (AWS IoT Greengrass V2 Developer Guide, "Use interface VPC endpoints", and
   * "Configure the AWS IoT Greengrass Core software"). Needs nucleus v2.7.0 or later (`greengrassDataPlaneEndpoint`),
   * and v2.11.3 or later in us-east-1 (`s3EndpointType`).
   *
   * @param endpoint the private IoT data endpoint the core devices use; it must have an `iot.credentials` endpoint
   */
  public nucleusConfiguration(endpoint: IPrivateIotDataEndpoint, options: NucleusConfigurationOptions = {}): string {
    return Stack.of(this).toJsonString(this.settingsFor(endpoint, options));
  }

  /**
   * The same settings as `nucleusConfiguration()`, as the YAML of a configuration file for the installer's
   * `--init-config` argument (`services` / `aws.greengrass.Nucleus` / `configuration`): add the `system` section
   * (certificate paths, thing name) of each device.
   */
  public nucleusConfigYaml(endpoint: IPrivateIotDataEndpoint, options: NucleusConfigurationOptions = {}): string {
    return nucleusSettingsYaml(this.settingsFor(endpoint, options));
  }

  private settingsFor(endpoint: IPrivateIotDataEndpoint, options: NucleusConfigurationOptions): NucleusSettings {
    const credentialsEndpointAddress = endpoint.credentialsEndpointAddress();
    if (credentialsEndpointAddress === undefined) {
      invalidProp(this, 'endpoint', `'${endpoint.node.path}' has no iot.credentials endpoint, so core devices could not get credentials for the token exchange role`,
        'add `{ service: IotVpcEndpointAwsService.CREDENTIALS }` to the services of the PrivateIotDataEndpoint');
    }
    this.checkEndpointAllowed(endpoint);
    return nucleusSettings(this, {
      roleAliasName: this.roleAliasName,
      dataEndpointAddress: endpoint.dataEndpointAddress(),
      credentialsEndpointAddress,
    }, options);
  }

  /** Throws when `endpoint` is certainly not one the policy lets core devices connect through. */
  private checkEndpointAllowed(endpoint: IPrivateIotDataEndpoint): void {
    // A consumer endpoint reaches AWS IoT Core through the provider's gatekeeper endpoints, which the policy names.
    if (this.endpoints.includes(endpoint) || endpoint.dataServiceName !== undefined) {
      return;
    }
    const stack = Stack.of(this);
    const key = (id: string) => JSON.stringify(stack.resolve(id));
    const allowed = new Set(this.vpcEndpointIds.map(key));
    // An id that is an import, a parameter or another intrinsic than a `Ref` to an endpoint may be this endpoint's id.
    const anyUnknown = this.vpcEndpointIds.some((id) => Token.isUnresolved(id) && !('Ref' in (stack.resolve(id) as object)));
    if (!anyUnknown && !endpoint.dataEndpoints.some((d) => allowed.has(key(d.vpcEndpointId)))) {
      invalidProp(this, 'endpoint', `'${endpoint.node.path}' is not one of the endpoints the policy lets core devices connect through (endpoints, vpcEndpoints, vpcEndpointIds)`,
        'add it to endpoints, or configure the nucleus for one of those endpoints');
    }
  }

  /** Warnings about switches that stop deployments from reaching the core devices. */
  private addWarnings(input: ValidatedInput): void {
    if (!input.jobs) {
      Annotations.of(this).addWarningV2('cdk-private-iot:greengrassJobsOff',
        'jobs is false: AWS IoT Greengrass delivers deployments that target thing groups as AWS IoT jobs, which the core '
        + 'devices can no longer receive ($aws/things/<thing>/jobs/* is not allowed).');
    }
    if (!input.shadows) {
      Annotations.of(this).addWarningV2('cdk-private-iot:greengrassShadowsOff',
        'shadows is false: AWS IoT Greengrass delivers deployments that target a single core device through a named '
        + 'shadow of the device, which the core devices can no longer read ($aws/things/<thing>/shadow/* is not allowed).');
    }
  }

  /** The token exchange role's permissions: artifact buckets and CloudWatch Logs, as the props ask. */
  private addRolePermissions(props: GreengrassCoreIotPolicyProps, input: ValidatedInput): void {
    const stack = Stack.of(this);
    const bucketArns = [...(props.artifactBuckets ?? []).map((b) => b.bucketArn), ...input.bucketArns];
    const acks: Array<{ id: string; reason: string; appliesTo?: string[] }> = [];
    if (bucketArns.length > 0) {
      this.addToRolePolicy(new iam.PolicyStatement({
        sid: 'ComponentArtifacts',
        actions: ['s3:GetObject'],
        resources: bucketArns.flatMap((arn) => input.keyPatterns.map((pattern) => `${arn}/${pattern}`)),
      }));
      this.addToRolePolicy(new iam.PolicyStatement({
        sid: 'ComponentArtifactBuckets',
        actions: ['s3:GetBucketLocation'],
        resources: bucketArns,
      }));
      // What `key.grantDecrypt(role)` adds for a role of the key's account (the key policy lets the account's IAM
      // policies grant), written into the managed policy.
      const keyArns = [...new Set((props.artifactBuckets ?? []).flatMap((b) => (b.encryptionKey ? [b.encryptionKey.keyArn] : [])))];
      if (keyArns.length > 0) {
        this.addToRolePolicy(new iam.PolicyStatement({ sid: 'ComponentArtifactKeys', actions: ['kms:Decrypt'], resources: keyArns }));
      }
      if (input.keyPatterns.some((p) => p.includes('*'))) {
        acks.push({
          id: 'AwsSolutions-IAM5',
          reason: 'Core devices download component artifacts by key from the named artifact buckets only (s3:GetObject); '
            + 'the key patterns (artifactObjectKeyPatterns) are what the user chose.',
          appliesTo: bucketArns.flatMap((arn) => input.keyPatterns.map((pattern) => `Resource::${nagArn(stack, arn)}/${pattern}`)),
        });
      }
    }
    if (props.cloudWatchLogs) {
      this.addToRolePolicy(new iam.PolicyStatement({
        sid: 'GreengrassLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/greengrass/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }));
      acks.push({
        id: 'AwsSolutions-IAM5',
        reason: 'The log manager component creates one log group per component and region under /aws/greengrass/ '
          + '(GreengrassSystemComponent/<region>/System, UserComponent/<region>/<component>) and streams per device and day: '
          + 'the names are known only on the device, so the grant covers the /aws/greengrass/ prefix of this account and region.',
        appliesTo: [`Resource::arn:<AWS::Partition>:logs:${nagValue(stack.region, '<AWS::Region>')}:${nagValue(stack.account, '<AWS::AccountId>')}:log-group:/aws/greengrass/*`],
      });
    }
    if (acks.length > 0) {
      acknowledge(this.rolePolicy!, acks);
    }
  }

  /**
   * The statements of the IoT policy, in the order of the AWS minimal policies.
   * @param arn formats an ARN of this stack's partition, region and account
   */
  private statementsOf(props: GreengrassCoreIotPolicyProps, input: ValidatedInput, arn: ArnOf, endpointIds: string[]): iam.PolicyStatement[] {
    const things = input.thingPatterns;
    const topics = (kind: 'topic' | 'topicfilter', suffixes: string[]) =>
      things.flatMap((thing) => suffixes.map((suffix) => arn('iot', `${kind}/$aws/things/${thing}/${suffix}`)));

    const statements: iam.PolicyStatement[] = [];
    statements.push(new iam.PolicyStatement({
      actions: ['iot:Connect'],
      resources: things.map((thing) => arn('iot', `client/${thing}`)),
      conditions: {
        StringEquals: {
          'aws:SourceVpce': endpointIds,
          ...(input.network.vpcIds.length > 0 ? { 'aws:SourceVpc': input.network.vpcIds } : {}),
        },
        ...(input.network.cidrs.length > 0 ? { IpAddress: { 'aws:VpcSourceIp': input.network.cidrs } } : {}),
      },
    }));
    const messageTopics = [
      ...(input.telemetry ? ['greengrass/health/json', 'greengrassv2/health/json'] : []),
      ...(input.jobs ? ['jobs/*'] : []),
      ...(input.shadows ? ['shadow/*'] : []),
    ];
    if (messageTopics.length > 0) {
      statements.push(new iam.PolicyStatement({ actions: ['iot:Receive', 'iot:Publish'], resources: topics('topic', messageTopics) }));
    }
    const filters = [...(input.jobs ? ['jobs/*'] : []), ...(input.shadows ? ['shadow/*'] : [])];
    if (filters.length > 0) {
      statements.push(new iam.PolicyStatement({ actions: ['iot:Subscribe'], resources: topics('topicfilter', filters) }));
    }
    if (input.shadows) {
      statements.push(new iam.PolicyStatement({ actions: SHADOW_ACTIONS, resources: things.map((thing) => arn('iot', `thing/${thing}`)) }));
    }
    statements.push(new iam.PolicyStatement({ actions: ['iot:AssumeRoleWithCertificate'], resources: [arn('iot', `rolealias/${this.roleAliasName}`)] }));
    statements.push(new iam.PolicyStatement({ actions: CORE_DATA_PLANE_ACTIONS, resources: ['*'] }));

    if (props.clientDevices) {
      // "Minimal AWS IoT policy to support client devices", same page.
      statements.push(new iam.PolicyStatement({
        actions: ['greengrass:PutCertificateAuthorities', 'greengrass:VerifyClientDeviceIdentity'],
        resources: ['*'],
      }));
      statements.push(new iam.PolicyStatement({
        actions: ['greengrass:VerifyClientDeviceIoTCertificateAssociation'],
        resources: [arn('iot', 'thing/*')],
      }));
      statements.push(new iam.PolicyStatement({
        actions: ['greengrass:GetConnectivityInfo', 'greengrass:UpdateConnectivityInfo'],
        resources: things.map((thing) => arn('greengrass', `/greengrass/things/${thing}/connectivityInfo`)),
      }));
      if (input.clientThingPatterns.length > 0) {
        statements.push(new iam.PolicyStatement({
          actions: SHADOW_ACTIONS,
          resources: input.clientThingPatterns.map((thing) => arn('iot', `thing/${thing}`)),
        }));
      }
    }
    statements.push(...(props.additionalStatements ?? []));
    return statements;
  }

  /**
   * Throws when the document, once deployed, is sure to be over the 2,048 characters AWS IoT Core accepts (white
   * space excluded). It is measured on a copy written with literal ARNs (the shortest partition, region and account
   * when the stack's are unknown) and each VPC endpoint id that is a token counted as 22 characters (`vpce-` and 17
   * hexadecimal digits, the id of an endpoint EC2 creates); intrinsics in `additionalStatements` count as nothing.
   */
  private checkDocumentSize(props: GreengrassCoreIotPolicyProps, input: ValidatedInput): void {
    const stack = Stack.of(this);
    const known = (value: string, shortest: string) => (Token.isUnresolved(value) ? shortest : value);
    const prefix = `arn:${known(stack.partition, 'aws')}:SERVICE:${known(stack.region, 'us-east-1')}:${known(stack.account, '000000000000')}:`;
    const literalArn: ArnOf = (service, resource) => `${prefix.replace('SERVICE', service)}${resource}`;
    const literalIds = input.network.endpointIds.map((id) => (Token.isUnresolved(id) ? 'v'.repeat(DEPLOYED_VPCE_ID_LENGTH) : id));
    const measure = (statements: iam.PolicyStatement[]) =>
      JSON.stringify(withoutIntrinsics(stack.resolve(new iam.PolicyDocument({ statements, minimize: false }).toJSON()))).replace(/\s/g, '').length;

    const size = measure(this.statementsOf(props, input, literalArn, literalIds));
    if (size <= MAX_POLICY_DOCUMENT_CHARS) {
      return;
    }
    // Name the prop that takes the most room: it is the first one to shorten.
    const parts = [
      { prop: 'thingNames', chars: size - measure(this.statementsOf(props, { ...input, thingPatterns: ['x*'] }, literalArn, literalIds)) },
      { prop: 'endpoints', chars: literalIds.join('","').length },
      { prop: 'additionalStatements', chars: size - measure(this.statementsOf({ ...props, additionalStatements: [] }, input, literalArn, literalIds)) },
    ];
    const largest = parts.reduce((a, b) => (b.chars > a.chars ? b : a));
    const prop = largest.prop === 'endpoints' && (props.endpoints ?? []).length === 0 ? 'vpcEndpointIds' : largest.prop;
    invalidProp(this, prop, `takes about ${largest.chars} characters of the IoT policy document, which would be at least ${size} characters once deployed `
      + `(white space excluded, ${DEPLOYED_VPCE_ID_LENGTH} characters per VPC endpoint id the app creates), more than the ${MAX_POLICY_DOCUMENT_CHARS} AWS IoT Core accepts`,
    `shorten ${prop}, or split the core devices over several GreengrassCoreIotPolicy constructs`);
  }
}

/** Formats an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
type ArnOf = (service: string, resource: string) => string;

/** The props, validated and normalised. */
interface ValidatedInput {
  readonly network: PolicyNetwork;
  readonly thingPatterns: string[];
  readonly clientThingPatterns: string[];
  readonly telemetry: boolean;
  readonly jobs: boolean;
  readonly shadows: boolean;
  readonly credentialSeconds: number;
  readonly bucketArns: string[];
  readonly keyPatterns: string[];
}

function validateProps(scope: IConstruct, props: GreengrassCoreIotPolicyProps): ValidatedInput {
  if (props.policyName !== undefined && !Token.isUnresolved(props.policyName) && !POLICY_NAME.test(props.policyName)) {
    invalidProp(scope, 'policyName', `'${props.policyName}' is not a valid AWS IoT policy name`, 'use 1-128 letters, digits and _+=,.@-');
  }
  const network = policyNetworkOf(scope, props, 'core devices');
  const thingPatterns = thingPatternsOf(scope, 'thingNames', props.thingNames);
  if (props.clientDeviceThingNames !== undefined && !props.clientDevices) {
    invalidProp(scope, 'clientDeviceThingNames', 'is given but clientDevices is not true, so the core devices serve no client devices',
      'set clientDevices: true, or drop clientDeviceThingNames');
  }
  const clientThingPatterns = props.clientDeviceThingNames === undefined ? [] : thingPatternsOf(scope, 'clientDeviceThingNames', props.clientDeviceThingNames, true);
  checkAdditionalStatements(scope, props.additionalStatements ?? []);
  checkRoleAliasName(scope, props.roleAliasName);
  const credentialSeconds = props.credentialDurationSeconds ?? DEFAULT_CREDENTIAL_SECONDS;
  if (!Token.isUnresolved(credentialSeconds)
    && (!Number.isInteger(credentialSeconds) || credentialSeconds < MIN_CREDENTIAL_SECONDS || credentialSeconds > MAX_CREDENTIAL_SECONDS)) {
    invalidProp(scope, 'credentialDurationSeconds', `${credentialSeconds} is outside the ${MIN_CREDENTIAL_SECONDS}-${MAX_CREDENTIAL_SECONDS} seconds an AWS IoT role alias accepts`,
      `use a whole number of seconds from ${MIN_CREDENTIAL_SECONDS} (15 minutes) to ${MAX_CREDENTIAL_SECONDS} (12 hours)`);
  }
  const bucketArns = unique(props.artifactBucketArns ?? []);
  for (const arn of bucketArns) {
    if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(arn)) {
      invalidProp(scope, 'artifactBucketArns', `contains '${arn}', which is not the ARN of an S3 bucket`, 'use arn:<partition>:s3:::<bucket name>, without an object key');
    }
  }
  if (props.artifactObjectKeyPatterns !== undefined && (props.artifactBuckets ?? []).length === 0 && bucketArns.length === 0) {
    invalidProp(scope, 'artifactObjectKeyPatterns', 'is given but there are no artifact buckets (artifactBuckets, artifactBucketArns)',
      'name the buckets that hold the component artifacts, or drop artifactObjectKeyPatterns');
  }
  const keyPatterns = unique(props.artifactObjectKeyPatterns ?? ['*']);
  if (keyPatterns.length === 0 || keyPatterns.some((p) => !Token.isUnresolved(p) && (p.length === 0 || p.startsWith('/')))) {
    invalidProp(scope, 'artifactObjectKeyPatterns', 'is empty or contains an empty key or one that starts with "/"', 'give object keys or patterns such as artifacts/*');
  }
  return {
    network,
    thingPatterns,
    clientThingPatterns,
    credentialSeconds,
    bucketArns,
    keyPatterns,
    telemetry: props.telemetry ?? true,
    jobs: props.jobs ?? true,
    shadows: props.shadows ?? true,
  };
}

function thingPatternsOf(scope: IConstruct, prop: string, names: string[], exact = false): string[] {
  if (names.length === 0) {
    invalidProp(scope, prop, 'is empty', 'give the thing names of the devices, or a pattern such as MyGreengrassCore*');
  }
  for (const name of names.filter((n) => !Token.isUnresolved(n))) {
    if (name.includes('${')) {
      invalidProp(scope, prop, `contains '${name}': AWS IoT Greengrass does not support policy variables such as \${iot:Connection.Thing.ThingName} in core device policies`,
        'name the things, or use a pattern with * such as MyGreengrassCore*');
    }
    if (/^\*+$/.test(name)) {
      invalidProp(scope, prop, `contains '${name}', which matches every thing of the account`, 'give a name prefix, e.g. MyGreengrassCore*');
    }
    if (!THING_NAME_PATTERN.test(name)) {
      invalidProp(scope, prop, `contains '${name}', which is not a thing name (1-128 letters, digits and :_-, with * as wildcard; no MQTT wildcards + or #, no /)`,
        'use the thing name as AWS IoT shows it, e.g. MyGreengrassCore1, or a pattern such as MyGreengrassCore*');
    }
  }
  // Client ids of the nucleus add a suffix to the thing name: the AWS minimal policy appends `*`.
  return unique(names.map((name) => (exact || name.endsWith('*') ? name : `${name}*`)));
}

function checkAdditionalStatements(scope: IConstruct, statements: iam.PolicyStatement[]): void {
  for (const statement of statements) {
    if (statement.notActions.length > 0) {
      invalidProp(scope, 'additionalStatements', `contains a statement with NotAction (${statement.notActions.join(', ')}), which allows every other action`,
        'list the actions in Action');
    }
    for (const action of statement.actions) {
      if (action === '*' || /^[a-z0-9-]+:\*$/i.test(action)) {
        invalidProp(scope, 'additionalStatements', `contains the action '${action}', which allows every action${action === '*' ? '' : ' of the service'}`,
          'name the actions, e.g. iot:Publish');
      }
      if (!/^(iot|greengrass):/i.test(action)) {
        invalidProp(scope, 'additionalStatements', `contains the action '${action}', which an AWS IoT policy does not grant (only iot: and greengrass: actions)`,
          'grant AWS service actions to the token exchange role with addToTokenExchangeRolePolicy()');
      }
    }
  }
}

function checkRoleAliasName(scope: IConstruct, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  if (name.length < 1 || name.length > 128) {
    invalidProp(scope, 'roleAliasName', `'${name.length > 40 ? name.slice(0, 40) + '...' : name}' has ${name.length} characters`, 'use 1-128 characters');
  }
  if (!ROLE_ALIAS_NAME.test(name)) {
    invalidProp(scope, 'roleAliasName', `'${name}' contains characters a role alias name cannot have`, 'use only letters, digits and _=,@-');
  }
}

/** A resolved value with every CloudFormation intrinsic replaced by an empty string (its shortest deployed value). */
function withoutIntrinsics(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutIntrinsics);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    return '';
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, withoutIntrinsics(v)]));
}

/** How cdk-nag writes a literal or a pseudo parameter in a granular finding. */
function nagValue(value: string, token: string): string {
  return Token.isUnresolved(value) ? token : value;
}

/**
 * How cdk-nag writes a bucket ARN in a granular finding: a `GetAtt` of a bucket as `<LogicalId.Arn>`, a `Ref` as
 * `<LogicalId>` (pseudo parameters as `<AWS::Partition>`), and an `Fn::Join` (e.g. `Bucket.fromBucketName`) as its
 * parts written that way; anything else as `*`.
 */
function nagArn(stack: Stack, arn: string): string {
  if (!Token.isUnresolved(arn)) {
    return arn;
  }
  const render = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    const v = value as { 'Ref'?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
    if (v.Ref) return `<${v.Ref}>`;
    if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
    if (v['Fn::Join']) {
      const parts = v['Fn::Join'][1].map(render);
      return parts.every((p) => p !== undefined) ? parts.join(v['Fn::Join'][0]) : undefined;
    }
    return undefined;
  };
  return render(stack.resolve(arn)) ?? '*';
}
