import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { concreteApp, envAgnosticStack, formatNagFindings, LINT_SKIP_CONTEXT, nagFindings, TEST_ACCOUNT, testStack, testVpc, thrown } from './fixtures';
import { IotVpcEndpointAwsService, PrivateIotDataEndpoint, PrivateIotDataEndpointProps } from '../src/endpoint';
import { StaticIpIotFrontDoor } from '../src/front-door';
import { GreengrassCoreIotPolicy, GreengrassCoreIotPolicyProps } from '../src/greengrass';
import { ACKNOWLEDGED_RULES_METADATA_KEY } from '../src/private/nag';

const DATA_HOST = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
const CREDENTIALS_HOST = 'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com';
const ARN = `arn:aws:iot:eu-west-1:${TEST_ACCOUNT}`;

// AWS IoT Greengrass V2 Developer Guide, "Device authentication and authorization for AWS IoT Greengrass",
// section "Minimal AWS IoT policy for AWS IoT Greengrass V2 core devices"
// (https://docs.aws.amazon.com/greengrass/v2/developerguide/device-auth.html): the actions of its example policy.
const MINIMAL_CORE_DEVICE_POLICY_ACTIONS = [
  'iot:Connect',
  'iot:Receive',
  'iot:Publish',
  'iot:Subscribe',
  'iot:GetThingShadow',
  'iot:UpdateThingShadow',
  'iot:DeleteThingShadow',
  'iot:AssumeRoleWithCertificate',
  'greengrass:GetComponentVersionArtifact',
  'greengrass:ResolveComponentCandidates',
  'greengrass:GetDeploymentConfiguration',
  'greengrass:ListThingGroupsForCoreDevice',
];
// Same page, section "Minimal AWS IoT policy to support client devices": the actions of its example policy.
const MINIMAL_CLIENT_DEVICE_SUPPORT_ACTIONS = [
  'greengrass:PutCertificateAuthorities',
  'greengrass:VerifyClientDeviceIdentity',
  'greengrass:VerifyClientDeviceIoTCertificateAssociation',
  'greengrass:GetConnectivityInfo',
  'greengrass:UpdateConnectivityInfo',
  'iot:GetThingShadow',
  'iot:UpdateThingShadow',
  'iot:DeleteThingShadow',
];
// Same page: the statements whose resource is "*" (the Greengrass data plane actions of the two example policies).
const DOC_STAR_RESOURCE_ACTIONS = [
  'greengrass:GetComponentVersionArtifact',
  'greengrass:ResolveComponentCandidates',
  'greengrass:GetDeploymentConfiguration',
  'greengrass:ListThingGroupsForCoreDevice',
  'greengrass:PutCertificateAuthorities',
  'greengrass:VerifyClientDeviceIdentity',
];

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** Why a test's template is left out of the Control Tower and cfn-lint checks: its S3 buckets and KMS key are test fixtures. */
const FIXTURE_BUCKETS = 'test fixture buckets and keys (artifact buckets are the user\'s; the policy and role are linted in the other tests)';

function setup(region = 'eu-west-1', endpointProps: Partial<PrivateIotDataEndpointProps> = {}, lintSkip?: string) {
  const app = concreteApp({ region }, lintSkip ? { context: { [LINT_SKIP_CONTEXT]: lintSkip } } : {});
  const stack = testStack(app, 'TestStack', { env: { region } });
  const vpc = testVpc(stack);
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
    vpc,
    dataEndpointAddress: DATA_HOST.replace('eu-west-1', region),
    credentialsEndpointAddress: CREDENTIALS_HOST.replace('eu-west-1', region),
    services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }, { service: IotVpcEndpointAwsService.GREENGRASS }],
    ...endpointProps,
  });
  return { app, stack, vpc, endpoint };
}

function policy(stack: Stack, endpoint: PrivateIotDataEndpoint | undefined, props: Partial<GreengrassCoreIotPolicyProps> = {}) {
  return new GreengrassCoreIotPolicy(stack, 'CoreDevices', {
    thingNames: ['FactoryCore'],
    ...(endpoint ? { endpoints: [endpoint] } : {}),
    ...props,
  });
}

/**
 * `value` with each `Fn::Join` whose only token is `{ Ref: AWS::Partition }` written as the literal ARN of the `aws`
 * partition (what the template deploys as in the stacks of these tests), so ARNs compare as strings.
 */
function literalArns(value: any): any {
  if (Array.isArray(value)) {
    return value.map(literalArns);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const join = value['Fn::Join'];
  if (join && join[0] === '' && join[1].every((p: any) => typeof p === 'string' || p.Ref === 'AWS::Partition')) {
    return join[1].map((p: any) => (typeof p === 'string' ? p : 'aws')).join('');
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalArns(v)]));
}

function statementsOf(stack: Stack): Statement[] {
  const policies = Template.fromStack(stack).findResources('AWS::IoT::Policy');
  const docs = Object.values(policies);
  expect(docs).toHaveLength(1);
  return literalArns((docs[0] as any).Properties.PolicyDocument.Statement);
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const actionsOf = (statements: Statement[]) => [...new Set(statements.flatMap((s) => list(s.Action)))].sort();
const resourcesOf = (statements: Statement[], action: string) =>
  statements.filter((s) => list(s.Action).includes(action)).flatMap((s) => list(s.Resource));

function roleResources(stack: Stack) {
  return Template.fromStack(stack).findResources('AWS::IAM::Role');
}

/** The statements of the token exchange role's managed policy (and of any inline policy grants added). */
function rolePolicyStatements(stack: Stack): any[] {
  const template = Template.fromStack(stack);
  const policies = [...Object.values(template.findResources('AWS::IAM::ManagedPolicy')), ...Object.values(template.findResources('AWS::IAM::Policy'))];
  return literalArns(policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement));
}

describe('defaults', () => {
  test('the IoT policy allows exactly the actions of the minimal core device policy, nothing broader', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint);
    const statements = statementsOf(stack);

    expect(actionsOf(statements)).toEqual([...MINIMAL_CORE_DEVICE_POLICY_ACTIONS].sort());
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    for (const action of actionsOf(statements)) {
      expect(action).not.toMatch(/\*/);
    }
    // "*" resources only where the doc has them
    const starActions = statements.filter((s) => list(s.Resource).includes('*')).flatMap((s) => list(s.Action));
    expect(starActions.every((a) => DOC_STAR_RESOURCE_ACTIONS.includes(a))).toBe(true);
    expect(starActions.sort()).toEqual(DOC_STAR_RESOURCE_ACTIONS.slice(0, 4).sort());
  });

  test('iot:Connect: the thing name with a trailing *, only through the endpoint\'s iot.data endpoints', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint);
    const connect = statementsOf(stack).find((s) => list(s.Action).includes('iot:Connect'))!;

    expect(connect.Resource).toEqual(`${ARN}:client/FactoryCore*`);
    expect(connect.Condition).toEqual({
      StringEquals: { 'aws:SourceVpce': endpoint.dataEndpoints.map((e) => stack.resolve(e.vpcEndpointId)) },
    });
  });

  test('topics: telemetry, jobs and shadows (classic and named) of the core device, per the doc', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint);
    const statements = statementsOf(stack);

    const things = `${ARN}:topic/$aws/things/FactoryCore*`;
    expect(resourcesOf(statements, 'iot:Publish').sort()).toEqual([
      `${things}/greengrass/health/json`,
      `${things}/greengrassv2/health/json`,
      `${things}/jobs/*`,
      `${things}/shadow/*`,
    ].sort());
    expect(resourcesOf(statements, 'iot:Receive')).toEqual(resourcesOf(statements, 'iot:Publish'));
    expect(resourcesOf(statements, 'iot:Subscribe').sort()).toEqual([
      `${ARN}:topicfilter/$aws/things/FactoryCore*/jobs/*`,
      `${ARN}:topicfilter/$aws/things/FactoryCore*/shadow/*`,
    ]);
    expect(resourcesOf(statements, 'iot:GetThingShadow')).toEqual([`${ARN}:thing/FactoryCore*`]);
    expect(resourcesOf(statements, 'iot:DeleteThingShadow')).toEqual([`${ARN}:thing/FactoryCore*`]);
    // no thing policy variables: AWS IoT Greengrass does not support them for core devices
    expect(JSON.stringify(statements)).not.toContain('iot:Connection.Thing');
  });

  test('iot:AssumeRoleWithCertificate on the role alias only; the alias points to the token exchange role', () => {
    const { stack, endpoint } = setup();
    const core = policy(stack, endpoint);
    const template = Template.fromStack(stack);

    expect(core.roleAliasName).toMatch(/^TestStackCoreDevices[A-F0-9]{8}$/);
    expect(resourcesOf(statementsOf(stack), 'iot:AssumeRoleWithCertificate')).toEqual([`${ARN}:rolealias/${core.roleAliasName}`]);
    template.resourceCountIs('AWS::IoT::RoleAlias', 1);
    template.hasResourceProperties('AWS::IoT::RoleAlias', {
      RoleAlias: core.roleAliasName,
      RoleArn: stack.resolve(core.tokenExchangeRole.roleArn),
      CredentialDurationSeconds: 3600,
    });
    expect(core.credentialDurationSeconds).toBe(3600);
    expect(stack.resolve(core.roleAliasArn)).toEqual({ 'Fn::GetAtt': [stack.resolve(core.roleAlias.logicalId), 'RoleAliasArn'] });
  });

  test('the token exchange role trusts only the AWS IoT credentials provider and has no permissions', () => {
    const { stack, endpoint } = setup();
    const core = policy(stack, endpoint);

    const roles = roleResources(stack);
    const roleId = stack.resolve((core.tokenExchangeRole.node.defaultChild as iam.CfnRole).logicalId);
    const role = roles[roleId] as any;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'credentials.iot.amazonaws.com' },
    }]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.RoleName).toBeUndefined();
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    expect(rolePolicyStatements(stack)).toEqual([]);
    expect(core.grantPrincipal).toBe(core.tokenExchangeRole);
  });

  test('public attributes', () => {
    const { stack, endpoint } = setup();
    const core = policy(stack, endpoint);

    expect(stack.resolve(core.policyName)).toEqual({ Ref: stack.resolve(core.resource.logicalId) });
    expect(stack.resolve(core.policyArn)).toEqual({ 'Fn::GetAtt': [stack.resolve(core.resource.logicalId), 'Arn'] });
    expect(core.resource.cfnResourceType).toBe('AWS::IoT::Policy');
    expect(core.vpcEndpointIds).toEqual(endpoint.dataEndpoints.map((e) => e.vpcEndpointId));
    expect(core.thingNamePatterns).toEqual(['FactoryCore*']);
    Template.fromStack(stack).hasResourceProperties('AWS::IoT::Policy', { PolicyName: Match.absent() });
  });
});

describe('props', () => {
  test('thingNames: a name ending with * is kept, duplicates are dropped', () => {
    const { stack, endpoint } = setup();
    const core = policy(stack, endpoint, { thingNames: ['Line1Core*', 'Line2Core', 'Line2Core'] });
    expect(core.thingNamePatterns).toEqual(['Line1Core*', 'Line2Core*']);
    expect(resourcesOf(statementsOf(stack), 'iot:Connect')).toEqual([`${ARN}:client/Line1Core*`, `${ARN}:client/Line2Core*`]);
  });

  test('vpcEndpointIds alone, deduplicated and added to endpoints', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint, { vpcEndpointIds: ['vpce-0123456789abcdef0', 'vpce-0123456789abcdef0', 'vpce-01234567'] });
    const connect = statementsOf(stack).find((s) => list(s.Action).includes('iot:Connect'))!;
    expect(connect.Condition!.StringEquals['aws:SourceVpce']).toEqual([
      ...endpoint.dataEndpoints.map((e) => stack.resolve(e.vpcEndpointId)), 'vpce-0123456789abcdef0', 'vpce-01234567',
    ]);

    const other = testStack(concreteApp(), 'Other');
    policy(other, undefined, { vpcEndpointIds: ['vpce-0123456789abcdef0'] });
    expect(statementsOf(other)[0].Condition).toEqual({ StringEquals: { 'aws:SourceVpce': ['vpce-0123456789abcdef0'] } });
  });

  test('sourceVpcIds and sourceIpCidrs add aws:SourceVpc and aws:VpcSourceIp to iot:Connect only', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint, { sourceVpcIds: ['vpc-0123456789abcdef0'], sourceIpCidrs: ['10.20.0.0/16', '2001:db8::/56'] });
    const statements = statementsOf(stack);
    expect(statements[0].Condition).toEqual({
      StringEquals: { 'aws:SourceVpce': expect.any(Array), 'aws:SourceVpc': ['vpc-0123456789abcdef0'] },
      IpAddress: { 'aws:VpcSourceIp': ['10.20.0.0/16', '2001:db8::/56'] },
    });
    expect(statements.slice(1).every((s) => s.Condition === undefined)).toBe(true);
  });

  test('vpcEndpoints and sourceVpcs, the network options shared with VpceOnlyIotPolicy: ids after endpoints\', the VPC in aws:SourceVpc', () => {
    const { stack, vpc, endpoint } = setup();
    const other = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Other', { vpcEndpointId: 'vpce-0aaaabbbbccccdddd', port: 8883 });
    policy(stack, endpoint, { vpcEndpoints: [other, endpoint.dataEndpoints[0]], sourceVpcs: [vpc], sourceVpcIds: ['vpc-0123456789abcdef0'] });
    const connect = statementsOf(stack).find((s) => list(s.Action).includes('iot:Connect'))!;
    expect(connect.Condition!.StringEquals['aws:SourceVpce']).toEqual([
      ...endpoint.dataEndpoints.map((e) => stack.resolve(e.vpcEndpointId)), 'vpce-0aaaabbbbccccdddd',
    ]);
    expect(connect.Condition!.StringEquals['aws:SourceVpc']).toEqual([stack.resolve(vpc.vpcId), 'vpc-0123456789abcdef0']);
  });

  test('an endpoint named only through vpcEndpoints may configure the nucleus', () => {
    const { stack, vpc, endpoint } = setup();
    const core = policy(stack, undefined, { vpcEndpoints: endpoint.dataEndpoints });
    expect(JSON.stringify(stack.resolve(core.nucleusConfiguration(endpoint)))).toContain(DATA_HOST);
    const elsewhere = new PrivateIotDataEndpoint(stack, 'Elsewhere', {
      vpc,
      dataEndpointAddress: DATA_HOST,
      credentialsEndpointAddress: CREDENTIALS_HOST,
      services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
    });
    expect(() => core.nucleusConfiguration(elsewhere))
      .toThrow(/is not one of the endpoints the policy lets core devices connect through \(endpoints, vpcEndpoints, vpcEndpointIds\)/);
  });

  test('an endpoint outside the source VPCs, and a front door whose subnets sourceIpCidrs miss, fail at synthesis', () => {
    const stack = testStack(concreteApp(), 'Outside');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0a1b2c3d4e5f67890', availabilityZones: ['eu-west-1a'] });
    const imported = PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes(stack, 'Endpoint', {
      vpc,
      availabilityZones: ['eu-west-1a'],
      dataEndpoints: [ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Data', { vpcEndpointId: 'vpce-0aaaabbbbccccdddd', port: 8883 })],
    });
    policy(stack, undefined, { endpoints: [imported], sourceVpcIds: ['vpc-0123456789abcdef0'] });
    expect(() => Template.fromStack(stack)).toThrow(new RegExp('\\[Outside/CoreDevices\\] CdkPrivateIotError: GreengrassCoreIotPolicy '
      + '\'Outside/CoreDevices\': endpoints contains Outside/Endpoint, whose VPC vpc-0a1b2c3d4e5f67890 is not in sourceVpcs/sourceVpcIds'));

    const behindFrontDoor = setup();
    new StaticIpIotFrontDoor(behindFrontDoor.stack, 'FrontDoor', { endpoint: behindFrontDoor.endpoint, internetFacing: false, deletionProtection: false });
    policy(behindFrontDoor.stack, behindFrontDoor.endpoint, { sourceIpCidrs: ['192.168.0.0/16'] });
    expect(() => Template.fromStack(behindFrontDoor.stack)).toThrow(/GreengrassCoreIotPolicy 'TestStack\/CoreDevices': sourceIpCidrs \[192\.168\.0\.0\/16\] do not cover .*load balancer subnets of StaticIpIotFrontDoor 'TestStack\/FrontDoor'/);
  });

  test.each([
    ['telemetry', { telemetry: false }, ['greengrass/health/json', 'greengrassv2/health/json'], ['jobs/*', 'shadow/*']],
    ['jobs', { jobs: false }, ['jobs/*'], ['greengrass/health/json', 'shadow/*']],
    ['shadows', { shadows: false }, ['shadow/*'], ['greengrass/health/json', 'jobs/*']],
  ])('%s: false drops its topics', (_name, props, dropped, kept) => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint, props);
    const statements = statementsOf(stack);
    const topics = [...resourcesOf(statements, 'iot:Publish'), ...resourcesOf(statements, 'iot:Subscribe')].join(' ');
    for (const suffix of dropped) {
      expect(topics).not.toContain(`FactoryCore*/${suffix}`);
    }
    for (const suffix of kept) {
      expect(topics).toContain(`FactoryCore*/${suffix}`);
    }
  });

  test('no warning by default; jobs: false and shadows: false each warn that deployments stop arriving', () => {
    const defaults = setup();
    policy(defaults.stack, defaults.endpoint);
    expect(Annotations.fromStack(defaults.stack).findWarning('*', Match.anyValue())).toEqual([]);

    const { stack, endpoint } = setup();
    policy(stack, endpoint, { jobs: false, shadows: false });
    const warnings = Annotations.fromStack(stack);
    warnings.hasWarning('/TestStack/CoreDevices', Match.stringLikeRegexp('jobs is false: .*thing groups as AWS IoT jobs'));
    warnings.hasWarning('/TestStack/CoreDevices', Match.stringLikeRegexp('shadows is false: .*single core device through a named shadow'));
  });

  test('shadows: false also drops the shadow actions; with jobs and telemetry off no topic is allowed', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint, { shadows: false, jobs: false, telemetry: false });
    expect(actionsOf(statementsOf(stack))).toEqual([
      'greengrass:GetComponentVersionArtifact', 'greengrass:GetDeploymentConfiguration', 'greengrass:ListThingGroupsForCoreDevice',
      'greengrass:ResolveComponentCandidates', 'iot:AssumeRoleWithCertificate', 'iot:Connect',
    ]);
  });

  test('clientDevices: exactly the actions of the client device support policy, shadows only for clientDeviceThingNames', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint, { clientDevices: true, clientDeviceThingNames: ['Sensor*'] });
    const statements = statementsOf(stack);

    expect(actionsOf(statements)).toEqual([...new Set([...MINIMAL_CORE_DEVICE_POLICY_ACTIONS, ...MINIMAL_CLIENT_DEVICE_SUPPORT_ACTIONS])].sort());
    expect(resourcesOf(statements, 'greengrass:VerifyClientDeviceIoTCertificateAssociation')).toEqual([`${ARN}:thing/*`]);
    expect(resourcesOf(statements, 'greengrass:UpdateConnectivityInfo')).toEqual([
      `arn:aws:greengrass:eu-west-1:${TEST_ACCOUNT}:/greengrass/things/FactoryCore*/connectivityInfo`,
    ]);
    expect(resourcesOf(statements, 'iot:UpdateThingShadow')).toEqual([`${ARN}:thing/FactoryCore*`, `${ARN}:thing/Sensor*`]);
    const starActions = statements.filter((s) => list(s.Resource).includes('*')).flatMap((s) => list(s.Action));
    expect(starActions.sort()).toEqual([...DOC_STAR_RESOURCE_ACTIONS].sort());
  });

  test('clientDevices without clientDeviceThingNames: no client device shadows', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint, { clientDevices: true });
    expect(resourcesOf(statementsOf(stack), 'iot:GetThingShadow')).toEqual([`${ARN}:thing/FactoryCore*`]);
  });

  test('additionalStatements are appended', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint, {
      additionalStatements: [new iam.PolicyStatement({ actions: ['iot:Publish'], resources: [`${ARN}:topic/factory/telemetry`] })],
    });
    const statements = statementsOf(stack);
    expect(statements[statements.length - 1]).toEqual({ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/factory/telemetry` });
  });

  test('policyName, roleAliasName and credentialDurationSeconds', () => {
    const { stack, endpoint } = setup();
    const core = policy(stack, endpoint, { policyName: 'FactoryCorePolicy', roleAliasName: 'Factory_Core-Alias', credentialDurationSeconds: 43_200 });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::IoT::Policy', { PolicyName: 'FactoryCorePolicy' });
    template.hasResourceProperties('AWS::IoT::RoleAlias', { RoleAlias: 'Factory_Core-Alias', CredentialDurationSeconds: 43200 });
    template.hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 43200 });
    expect(stack.resolve(core.policyName)).toEqual({ Ref: stack.resolve(core.resource.logicalId) });
    expect(core.roleAliasName).toBe('Factory_Core-Alias');
    expect(resourcesOf(statementsOf(stack), 'iot:AssumeRoleWithCertificate')).toEqual([`${ARN}:rolealias/Factory_Core-Alias`]);
  });

  test('credentialDurationSeconds of at most an hour keeps the role\'s one-hour maximum session', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint, { credentialDurationSeconds: 900 });
    Template.fromStack(stack).hasResourceProperties('AWS::IoT::RoleAlias', { CredentialDurationSeconds: 900 });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 3600 });
  });

  test('artifactBuckets and artifactBucketArns: s3:GetObject on the objects, s3:GetBucketLocation on the buckets, kms:Decrypt on the key', () => {
    const { stack, endpoint } = setup('eu-west-1', {}, FIXTURE_BUCKETS);
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack, 'Artifacts', { encryptionKey: key, enforceSSL: true });
    const core = policy(stack, endpoint, { artifactBuckets: [bucket], artifactBucketArns: ['arn:aws:s3:::shared-artifacts'] });
    const statements = rolePolicyStatements(stack);

    const bucketArn = stack.resolve(bucket.bucketArn);
    expect(statements).toContainEqual({
      Sid: 'ComponentArtifacts',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: [{ 'Fn::Join': ['', [bucketArn, '/*']] }, 'arn:aws:s3:::shared-artifacts/*'],
    });
    expect(statements).toContainEqual({
      Sid: 'ComponentArtifactBuckets', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: [bucketArn, 'arn:aws:s3:::shared-artifacts'],
    });
    expect(statements).toContainEqual({ Sid: 'ComponentArtifactKeys', Effect: 'Allow', Action: 'kms:Decrypt', Resource: stack.resolve(key.keyArn) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [stack.resolve((core.tokenExchangeRole.node.defaultChild as iam.CfnRole).ref)],
    });
    expect(statements.flatMap((s) => list(s.Action)).sort()).toEqual(['kms:Decrypt', 's3:GetBucketLocation', 's3:GetObject']);
  });

  test('artifactObjectKeyPatterns narrows s3:GetObject', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint, { artifactBucketArns: ['arn:aws:s3:::shared-artifacts'], artifactObjectKeyPatterns: ['components/*', 'models/v1.bin'] });
    expect(rolePolicyStatements(stack).find((s) => s.Sid === 'ComponentArtifacts').Resource)
      .toEqual(['arn:aws:s3:::shared-artifacts/components/*', 'arn:aws:s3:::shared-artifacts/models/v1.bin']);
  });

  test('cloudWatchLogs: the four log actions on /aws/greengrass/* log groups of the stack\'s account and region', () => {
    const { stack, endpoint } = setup();
    policy(stack, endpoint, { cloudWatchLogs: true });
    expect(rolePolicyStatements(stack)).toEqual([{
      Sid: 'GreengrassLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      Resource: `arn:aws:logs:eu-west-1:${TEST_ACCOUNT}:log-group:/aws/greengrass/*`,
    }]);
  });

  test('addToTokenExchangeRolePolicy adds to the role; grantPrincipal works with grants', () => {
    const { stack, endpoint } = setup('eu-west-1', {}, FIXTURE_BUCKETS);
    const core = policy(stack, endpoint);
    const result = core.addToTokenExchangeRolePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'], resources: [`arn:aws:secretsmanager:eu-west-1:${TEST_ACCOUNT}:secret:factory-*`],
    }));
    expect(result.statementAdded).toBe(true);
    const bucket = new s3.Bucket(stack, 'Models', { enforceSSL: true });
    bucket.grantRead(core);
    const actions = rolePolicyStatements(stack).flatMap((s) => list(s.Action));
    expect(actions).toContain('secretsmanager:GetSecretValue');
    expect(actions).toContain('s3:GetObject*');
  });
});

describe('errors', () => {
  const cases: Array<[string, Partial<GreengrassCoreIotPolicyProps>, RegExp]> = [
    ['no endpoints', { endpoints: [], vpcEndpointIds: [] }, /endpoints is empty and so are vpcEndpoints and vpcEndpointIds: the policy would let core devices connect through no VPC endpoint/],
    ['malformed endpoint id', { vpcEndpointIds: ['vpce-XYZ'] }, /vpcEndpointIds contains 'vpce-XYZ', which is not a VPC endpoint id/],
    ['malformed VPC id', { sourceVpcIds: ['vpc-1'] }, /sourceVpcIds contains 'vpc-1', which is not a VPC id/],
    ['malformed CIDR', { sourceIpCidrs: ['10.0.0.0/33'] }, /sourceIpCidrs contains '10.0.0.0\/33'/],
    ['no thing names', { thingNames: [] }, /thingNames is empty/],
    ['thing policy variable', { thingNames: ['${iot:Connection.Thing.ThingName}'] }, /does not support policy variables/],
    ['every thing', { thingNames: ['*'] }, /thingNames contains '\*', which matches every thing/],
    ['MQTT wildcard in a thing name', { thingNames: ['Core/#'] }, /thingNames contains 'Core\/#', which is not a thing name/],
    ['role alias name too long', { roleAliasName: 'a'.repeat(129) }, /roleAliasName '.*' has 129 characters; use 1-128 characters/],
    ['role alias name with a bad character', { roleAliasName: 'core.alias' }, /roleAliasName 'core.alias' contains characters a role alias name cannot have/],
    ['duration too short', { credentialDurationSeconds: 899 }, /credentialDurationSeconds 899 is outside the 900-43200 seconds/],
    ['duration too long', { credentialDurationSeconds: 43_201 }, /credentialDurationSeconds 43201 is outside/],
    ['duration not whole', { credentialDurationSeconds: 1000.5 }, /credentialDurationSeconds 1000.5 is outside/],
    ['iot:* statement', { additionalStatements: [new iam.PolicyStatement({ actions: ['iot:*'], resources: ['*'] })] },
      /additionalStatements contains the action 'iot:\*', which allows every action of the service/],
    ['* statement', { additionalStatements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] },
      /additionalStatements contains the action '\*', which allows every action;/],
    ['NotAction statement', { additionalStatements: [new iam.PolicyStatement({ notActions: ['iot:Connect'], resources: ['*'] })] },
      /additionalStatements contains a statement with NotAction/],
    ['non-IoT action', { additionalStatements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] },
      /which an AWS IoT policy does not grant.*addToTokenExchangeRolePolicy/],
    ['client device names while client devices are off', { clientDeviceThingNames: ['Sensor*'] }, /clientDeviceThingNames is given but clientDevices is not true/],
    ['key patterns without buckets', { artifactObjectKeyPatterns: ['components/*'] }, /artifactObjectKeyPatterns is given but there are no artifact buckets/],
    ['object ARN as bucket ARN', { artifactBucketArns: ['arn:aws:s3:::bucket/key'] }, /artifactBucketArns contains 'arn:aws:s3:::bucket\/key', which is not the ARN of an S3 bucket/],
    ['document over 2,048 characters', { thingNames: ['LineA', 'LineB', 'LineC', 'LineD'] }, /thingNames takes about \d+ characters of the IoT policy document/],
    ['bad policy name', { policyName: 'core policy' }, /policyName 'core policy' is not a valid AWS IoT policy name/],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    const { stack, endpoint } = setup();
    expect(() => policy(stack, endpoint, props)).toThrow(message);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IoT::Policy', 0);
    template.resourceCountIs('AWS::IoT::RoleAlias', 0);
    expect(Object.keys(roleResources(stack)).filter((id) => id.startsWith('CoreDevices'))).toEqual([]);
  });

  test('errors name the class, the construct path and the prop', () => {
    const { stack, endpoint } = setup();
    const error = thrown(() => policy(stack, endpoint, { credentialDurationSeconds: 60 }));
    expect(error.message).toMatch(/^CdkPrivateIotError: GreengrassCoreIotPolicy 'TestStack\/CoreDevices': credentialDurationSeconds 60 /);
    expect(error.prop).toBe('credentialDurationSeconds');
  });

  test('a consumer endpoint of a provider\'s endpoint service is rejected', () => {
    const { stack, vpc } = setup();
    const consumer = new PrivateIotDataEndpoint(stack, 'Consumer', {
      vpc,
      dataServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
      dataEndpointAddress: DATA_HOST,
    });
    expect(() => policy(stack, consumer)).toThrow(/endpoints includes 'TestStack\/Consumer', a consumer endpoint/);
  });

  test('a document over 2,048 characters names the prop that takes the most room', () => {
    const { stack, endpoint } = setup();
    expect(() => policy(stack, endpoint, { thingNames: ['LineA', 'LineB', 'LineC', 'LineD'] }))
      .toThrow(/thingNames takes about \d+ characters of the IoT policy document, which would be at least \d+ characters once deployed.*more than the 2048/);

    const other = setup();
    const ids = Array.from({ length: 60 }, (_, i) => `vpce-${i.toString(16).padStart(17, '0')}`);
    expect(() => policy(other.stack, undefined, { vpcEndpointIds: ids })).toThrow(/vpcEndpointIds takes about 1497 characters/);
  });

  test('endpoint ids that are tokens count as 22 characters each', () => {
    // 2 thing names fit with the endpoint's 1 iot.data endpoint...
    const fits = setup();
    policy(fits.stack, fits.endpoint, { thingNames: ['LineA', 'LineB'] });
    expect(statementsOf(fits.stack)).toHaveLength(6);
    // ...and 40 more created endpoint ids (22 characters each, 25 with quotes and comma) do not
    const { stack, endpoint, vpc } = setup();
    const more = Array.from({ length: 40 }, (_, i) => new ec2.InterfaceVpcEndpoint(stack, `Extra${i}`, {
      vpc, service: new ec2.InterfaceVpcEndpointService('com.amazonaws.eu-west-1.iot.data', 443), privateDnsEnabled: false,
    }).vpcEndpointId);
    expect(() => policy(stack, endpoint, { thingNames: ['LineA', 'LineB'], vpcEndpointIds: more })).toThrow(/more than the 2048 AWS IoT Core accepts/);
  });

  test('addToTokenExchangeRolePolicy rejects a statement allowing every action', () => {
    const { stack, endpoint } = setup();
    const core = policy(stack, endpoint);
    expect(() => core.addToTokenExchangeRolePolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })))
      .toThrow(/statement allows every action \(\*\) on the token exchange role/);
    expect(rolePolicyStatements(stack)).toEqual([]);
  });
});

describe('nucleus configuration', () => {
  test('eu-west-1: iotdata data plane, the endpoint\'s hosts, the role alias and the region; no s3EndpointType', () => {
    const { stack, endpoint } = setup();
    const core = policy(stack, endpoint);
    expect(JSON.parse(stack.resolve(core.nucleusConfiguration(endpoint)))).toEqual({
      awsRegion: 'eu-west-1',
      iotRoleAlias: core.roleAliasName,
      iotDataEndpoint: DATA_HOST,
      iotCredEndpoint: CREDENTIALS_HOST,
      greengrassDataPlaneEndpoint: 'iotdata',
    });
  });

  test('us-east-1: s3EndpointType REGIONAL', () => {
    const { stack, endpoint } = setup('us-east-1');
    const core = policy(stack, endpoint);
    expect(JSON.parse(stack.resolve(core.nucleusConfiguration(endpoint)))).toEqual({
      awsRegion: 'us-east-1',
      iotRoleAlias: core.roleAliasName,
      iotDataEndpoint: 'a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com',
      iotCredEndpoint: 'c1b2c3d4e5f6g7.credentials.iot.us-east-1.amazonaws.com',
      greengrassDataPlaneEndpoint: 'iotdata',
      s3EndpointType: 'REGIONAL',
    });
  });

  test('YAML for --init-config', () => {
    const { stack, endpoint } = setup('us-east-1');
    const core = policy(stack, endpoint, { roleAliasName: 'FactoryCoreAlias' });
    expect(core.nucleusConfigYaml(endpoint, { greengrassDataPlanePort: 443, mqttPort: 443 })).toBe([
      '---',
      'services:',
      '  aws.greengrass.Nucleus:',
      '    configuration:',
      '      awsRegion: "us-east-1"',
      '      iotRoleAlias: "FactoryCoreAlias"',
      '      iotDataEndpoint: "a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com"',
      '      iotCredEndpoint: "c1b2c3d4e5f6g7.credentials.iot.us-east-1.amazonaws.com"',
      '      greengrassDataPlaneEndpoint: "iotdata"',
      '      greengrassDataPlanePort: 443',
      '      mqtt:',
      '        port: 443',
      '      s3EndpointType: "REGIONAL"',
      '',
    ].join('\n'));
  });

  test('a custom domain replaces iotDataEndpoint', () => {
    const { stack, endpoint } = setup();
    const core = policy(stack, endpoint);
    const config = JSON.parse(stack.resolve(core.nucleusConfiguration(endpoint, { iotDataEndpoint: 'iot.example.com' })));
    expect(config.iotDataEndpoint).toBe('iot.example.com');
    expect(config.iotCredEndpoint).toBe(CREDENTIALS_HOST);
  });

  test('env-agnostic: region and looked-up hosts are tokens; s3EndpointType is set (ignored outside us-east-1)', () => {
    const stack = envAgnosticStack();
    const vpc = testVpc(stack);
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
      vpc, services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
    });
    const core = policy(stack, endpoint);
    const resolved = stack.resolve(core.nucleusConfiguration(endpoint));
    expect(resolved['Fn::Join']).toBeDefined();
    const text = JSON.stringify(resolved);
    expect(text).toContain('{"Ref":"AWS::Region"}');
    expect(text).toContain('\\"s3EndpointType\\":\\"REGIONAL\\"');
    expect(text).toContain('\\"greengrassDataPlaneEndpoint\\":\\"iotdata\\"');
    expect(text).toContain(core.roleAliasName);
    // the policy's ARNs use the pseudo parameters
    const connect = statementsOf(stack)[0];
    expect(JSON.stringify(connect.Resource)).toContain('AWS::AccountId');

    const yaml = stack.resolve(core.nucleusConfigYaml(endpoint));
    expect(JSON.stringify(yaml)).toContain('awsRegion: \\"');
  });

  test('errors: no credentials endpoint, an endpoint the policy does not allow, bad ports, a bad custom domain', () => {
    const { stack, vpc, endpoint } = setup();
    const noCredentials = new PrivateIotDataEndpoint(stack, 'NoCredentials', { vpc, dataEndpointAddress: DATA_HOST });
    const core = policy(stack, endpoint, { vpcEndpointIds: [] });

    expect(() => core.nucleusConfiguration(noCredentials)).toThrow(/endpoint 'TestStack\/NoCredentials' has no iot.credentials endpoint/);
    const other = new PrivateIotDataEndpoint(stack, 'Other', {
      vpc,
      dataEndpointAddress: DATA_HOST,
      credentialsEndpointAddress: CREDENTIALS_HOST,
      services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
    });
    expect(() => core.nucleusConfigYaml(other)).toThrow(/endpoint 'TestStack\/Other' is not one of the endpoints the policy lets core devices connect through/);
    expect(() => core.nucleusConfiguration(endpoint, { greengrassDataPlanePort: 8883 })).toThrow(/greengrassDataPlanePort 8883 .*use 443 or 8443/);
    expect(() => core.nucleusConfiguration(endpoint, { mqttPort: 8443 })).toThrow(/mqttPort 8443 .*use 443 or 8883/);
    expect(() => core.nucleusConfiguration(endpoint, { iotDataEndpoint: 'https://iot.example.com' })).toThrow(/iotDataEndpoint 'https:\/\/iot.example.com' is not a host name/);
  });
});

describe('cdk-nag', () => {
  function findings(app: App, stack: Stack) {
    return formatNagFindings(nagFindings(app, { include: (path) => path.startsWith(`${stack.stackName}/CoreDevices`) }));
  }

  test('defaults: no unacknowledged finding in AwsSolutions, NIST 800-53 R5, HIPAA and PCI DSS 3.2.1', () => {
    const { app, stack, endpoint } = setup();
    policy(stack, endpoint);
    expect(findings(app, stack)).toEqual([]);
  });

  test('a bucket imported by name (an Fn::Join ARN): its key pattern finding is acknowledged too', () => {
    const { app, stack, endpoint } = setup();
    policy(stack, endpoint, { artifactBuckets: [s3.Bucket.fromBucketName(stack, 'Imported', 'factory-component-artifacts')] });
    expect(findings(app, stack)).toEqual([]);
  });

  test('artifact buckets, logs and client devices: every finding acknowledged with a reason', () => {
    const { app, stack, endpoint } = setup('eu-west-1', {}, FIXTURE_BUCKETS);
    const bucket = new s3.Bucket(stack, 'Artifacts', { enforceSSL: true });
    const core = policy(stack, endpoint, {
      artifactBuckets: [bucket], artifactBucketArns: ['arn:aws:s3:::shared-artifacts'], cloudWatchLogs: true, clientDevices: true,
    });
    expect(findings(app, stack)).toEqual([]);

    // acknowledged one granular finding at a time, each with a reason about this role
    const managedPolicy = core.node.findChild('TokenExchangeRolePolicy');
    const acks = managedPolicy.node.metadata.filter((m) => m.type === ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => m.data);
    const acknowledged = Object.assign({}, ...acks) as Record<string, string>;
    expect(Object.keys(acknowledged).sort()).toEqual([
      `annotation::AwsSolutions-IAM5[Resource::<${stack.resolve((bucket.node.defaultChild as s3.CfnBucket).logicalId)}.Arn>/*]`,
      `annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:eu-west-1:${TEST_ACCOUNT}:log-group:/aws/greengrass/*]`,
      'annotation::AwsSolutions-IAM5[Resource::arn:aws:s3:::shared-artifacts/*]',
    ].sort());
    expect(Object.values(acknowledged).every((reason) => /artifact|log manager/.test(reason))).toBe(true);
  });

  test('env-agnostic stack: the acknowledgements match the pseudo parameters of the ARNs', () => {
    const stack = envAgnosticStack();
    policy(stack, undefined, {
      vpcEndpointIds: ['vpce-0123456789abcdef0'], artifactBucketArns: ['arn:aws:s3:::shared-artifacts'], cloudWatchLogs: true,
    });
    expect(findings(stack.node.root as App, stack)).toEqual([]);
  });
});
