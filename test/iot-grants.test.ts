import { CfnParameter } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { envAgnosticStack, formatNagFindings, nagFindings, resourcesOfType, templateOf, testStack, testVpc, thrown } from './fixtures';
import { IPrivateIotDataEndpoint, PrivateIotDataEndpoint } from '../src';

const PREFIX = 'CdkPrivateIotError: PrivateIotDataEndpoint \'TestStack/Endpoint\': ';
const DATA_ID = 'vpce-0123456789abcdef0';
const DATA2_ID = 'vpce-0123456789abcdef1';

/** `arn:<partition>:iot:eu-west-1:111111111111:<resource>` as a concrete-env stack renders it. */
function iotArn(resource: string): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iot:eu-west-1:111111111111:${resource}`]] };
}

/** A created endpoint (`expectedDevices` decides the number of `iot.data` endpoints) and a role to grant to. */
function created(expectedDevices?: number) {
  const stack = testStack();
  const vpc = testVpc(stack);
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, expectedDevices });
  const role = new iam.Role(stack, 'Backend', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, vpc, endpoint, role };
}

/** An endpoint imported with two literal `iot.data` endpoint ids, and a role to grant to. */
function imported(attrs: { dataServiceName?: string; dataEndpointAddress?: string } = {}) {
  const stack = testStack();
  const zones = ['eu-west-1a', 'eu-west-1b'];
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: zones, vpcCidrBlock: '10.0.0.0/16' });
  const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'EndpointSg', 'sg-0123456789abcdef0');
  const dataEndpoints = [DATA_ID, DATA2_ID].map((vpcEndpointId, i) => ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, `Data${i + 1}`, {
    vpcEndpointId, port: 443, securityGroups: [sg],
  }));
  const endpoint = PrivateIotDataEndpoint.fromPrivateIotDataEndpointAttributes(stack, 'Endpoint', { vpc, dataEndpoints, availabilityZones: zones, ...attrs });
  const role = new iam.Role(stack, 'Backend', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, endpoint, role };
}

/** The logical ids of the stack's `iot.data` interface endpoints, found by their service name (not by the construct). */
function dataEndpointLogicalIds(template: Template): string[] {
  return Object.entries(template.findResources('AWS::EC2::VPCEndpoint'))
    .filter(([, r]) => r.Properties.ServiceName === 'com.amazonaws.eu-west-1.iot.data')
    .map(([id]) => id);
}

/** The statements of the role's policy (`Backend/DefaultPolicy`). */
function roleStatements(template: Template): any[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Backend') }] },
  }));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

describe('grantConnect', () => {
  test('created endpoint with one iot.data endpoint: iot:Connect on each client id, only through that endpoint', () => {
    const { stack, endpoint, role } = created();
    const grant = endpoint.grantConnect(role, 'telemetry-backend', 'backend-*', 'telemetry-backend');
    expect(grant.success).toBe(true);
    const template = templateOf(stack);
    const ids = dataEndpointLogicalIds(template);
    expect(ids).toHaveLength(1);
    expect(roleStatements(template)).toEqual([{
      Effect: 'Allow',
      Action: 'iot:Connect',
      Resource: [iotArn('client/telemetry-backend'), iotArn('client/backend-*')],
      Condition: { StringEquals: { 'aws:SourceVpce': [{ Ref: ids[0] }] } },
    }]);
  });

  test('created endpoint with three iot.data endpoints (250,000 devices): the condition names all three', () => {
    const { stack, endpoint, role } = created(250_000);
    endpoint.grantConnect(role, 'telemetry-backend');
    const template = templateOf(stack);
    const ids = dataEndpointLogicalIds(template);
    expect(ids).toHaveLength(3);
    // In the order of the endpoints (DataEndpoint1, 2, 3), which is the order of their logical ids.
    const sorted = [...ids].sort();
    expect(sorted.map((id) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(['EndpointDataEndpoint1', 'EndpointDataEndpoint2', 'EndpointDataEndpoint3']);
    expect(roleStatements(template)).toEqual([{
      Effect: 'Allow',
      Action: 'iot:Connect',
      Resource: iotArn('client/telemetry-backend'),
      Condition: { StringEquals: { 'aws:SourceVpce': sorted.map((id) => ({ Ref: id })) } },
    }]);
  });

  test('imported endpoint: the condition names the imported endpoint ids', () => {
    const { stack, endpoint, role } = imported();
    endpoint.grantConnect(role, 'gateway-01');
    expect(roleStatements(templateOf(stack))).toEqual([{
      Effect: 'Allow',
      Action: 'iot:Connect',
      Resource: iotArn('client/gateway-01'),
      Condition: { StringEquals: { 'aws:SourceVpce': [DATA_ID, DATA2_ID] } },
    }]);
  });

  test('environment-agnostic stack: partition, region and account are pseudo parameters', () => {
    const stack = envAgnosticStack('TestStack');
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
      vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
    });
    const role = new iam.Role(stack, 'Backend', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    endpoint.grantConnect(role, 'telemetry-backend');
    expect(roleStatements(templateOf(stack))[0].Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':client/telemetry-backend']],
    });
  });

  test('a client id that is a token passes unchecked', () => {
    const { stack, endpoint, role } = created();
    const clientId = new CfnParameter(stack, 'ClientId').valueAsString;
    endpoint.grantConnect(role, clientId);
    expect(roleStatements(templateOf(stack))[0].Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:eu-west-1:111111111111:client/', { Ref: 'ClientId' }]],
    });
  });

  test('consumer endpoints of a provider\'s endpoint service cannot condition iot:Connect (AWS IoT Core sees the gatekeeper ids)', () => {
    const { stack, endpoint, role } = imported({
      dataServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
      dataEndpointAddress: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
    });
    expect(() => endpoint.grantConnect(role, 'gateway-01')).toThrow(
      `${PREFIX.replace('PrivateIotDataEndpoint', 'ImportedPrivateIotDataEndpoint')}grantConnect cannot condition iot:Connect on these endpoints: they connect `
      + 'to the provider\'s endpoint service com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0, so AWS IoT Core sees the provider\'s gatekeeper '
      + 'endpoint ids as aws:SourceVpce, never these; call grantConnect on the gatekeeper PrivateIotDataEndpoint of the IoT account (the one behind '
      + 'CrossAccountIotEndpointService)');
    // The topic grants need no endpoint id.
    endpoint.grantPublish(role, 'factory/line1/telemetry');
    expect(roleStatements(templateOf(stack))).toEqual([{ Effect: 'Allow', Action: 'iot:Publish', Resource: iotArn('topic/factory/line1/telemetry') }]);
  });

  test.each([
    ['', 'clientIds of grantConnect is empty; an empty string is not a client id: name the client id the principal connects with, e.g. telemetry-backend'],
    ['backend#', 'clientIds of grantConnect \'backend#\' contains the MQTT wildcard \'#\' or \'+\', which client ids cannot use; name the client id, '
      + 'or end it with the policy wildcard * for ids that vary, e.g. backend-*'],
    ['*', 'clientIds of grantConnect contains \'*\', which lets the principal connect with any client id, and so take over the session of any device; '
      + 'name the client ids, or a prefix of the principal\'s own, e.g. backend-*'],
    ['x'.repeat(129), `clientIds of grantConnect '${'x'.repeat(129)}' is longer than the 128 bytes AWS IoT Core allows for a client id; use a shorter pattern`],
    ['gw-${iot:ClientId', 'clientIds of grantConnect \'gw-${iot:ClientId\' has an unclosed policy variable; close it with }, e.g. ${iot:Connection.Thing.ThingName}'],
  ])('client id %j is refused, and nothing is added', (clientId, message) => {
    const { stack, endpoint, role } = created();
    expect(thrown(() => endpoint.grantConnect(role, 'good-one', clientId)).message).toBe(PREFIX + message);
    expect(resourcesOfType(templateOf(stack), 'AWS::IAM::Policy')).toEqual([]);
  });

  test('128 bytes is the longest client id', () => {
    const { stack, endpoint, role } = created();
    endpoint.grantConnect(role, 'x'.repeat(128));
    expect(roleStatements(templateOf(stack))[0].Resource).toEqual(iotArn(`client/${'x'.repeat(128)}`));
  });
});

describe('grantPublish, grantSubscribe, grantReceive', () => {
  test('one statement per call, on topic/ or topicfilter/, without a network condition', () => {
    const { stack, endpoint, role } = created();
    endpoint.grantPublish(role, 'factory/line1/telemetry', '$aws/rules/ingest/line1', 'factory/line1/telemetry');
    endpoint.grantSubscribe(role, 'factory/+/alerts', 'factory/line1/#');
    endpoint.grantReceive(role, 'factory/line1/alerts');
    expect(roleStatements(templateOf(stack))).toEqual([
      { Effect: 'Allow', Action: 'iot:Publish', Resource: [iotArn('topic/factory/line1/telemetry'), iotArn('topic/$aws/rules/ingest/line1')] },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: [iotArn('topicfilter/factory/+/alerts'), iotArn('topicfilter/factory/line1/#')] },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: iotArn('topic/factory/line1/alerts') },
    ]);
  });

  test('the same calls on an imported endpoint give the same statements', () => {
    const { stack, endpoint, role } = imported();
    endpoint.grantPublish(role, 'factory/line1/telemetry');
    endpoint.grantSubscribe(role, 'factory/+/alerts');
    endpoint.grantReceive(role, 'factory/line1/alerts');
    expect(roleStatements(templateOf(stack))).toEqual([
      { Effect: 'Allow', Action: 'iot:Publish', Resource: iotArn('topic/factory/line1/telemetry') },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: iotArn('topicfilter/factory/+/alerts') },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: iotArn('topic/factory/line1/alerts') },
    ]);
  });

  test.each<[string, (e: IPrivateIotDataEndpoint, r: iam.IGrantable, ...t: string[]) => iam.Grant, string, string, string]>([
    ['grantPublish', (e, r, ...t) => e.grantPublish(r, ...t), 'topics', 'topics', '\'factory/line1/telemetry\''],
    ['grantSubscribe', (e, r, ...t) => e.grantSubscribe(r, ...t), 'topicFilters', 'topic filters', '\'factory/+/alerts\''],
    ['grantReceive', (e, r, ...t) => e.grantReceive(r, ...t), 'topics', 'topics', '\'factory/line1/telemetry\''],
  ])('%s without topics is refused, naming the method and the fix', (method, call, _argument, what, example) => {
    const { stack, endpoint, role } = created();
    expect(thrown(() => call(endpoint, role)).message)
      .toBe(`${PREFIX}${method} was given no ${what}, so it would grant nothing; name at least one after the grantee, e.g. endpoint.${method}(fn, ${example})`);
    expect(resourcesOfType(templateOf(stack), 'AWS::IAM::Policy')).toEqual([]);
  });

  test('grantConnect without client ids is refused', () => {
    const { endpoint, role } = created();
    expect(thrown(() => endpoint.grantConnect(role)).message).toBe(`${PREFIX}grantConnect was given no client ids, so it would grant nothing; `
      + 'name at least one after the grantee, e.g. endpoint.grantConnect(fn, \'telemetry-backend\')');
  });

  test.each([
    ['grantPublish', 'factory/#', 'topics of grantPublish contains \'factory/#\': MQTT wildcards \'#\' and \'+\' cannot occur in topic names; '
      + 'use the policy wildcard * instead'],
    ['grantReceive', 'factory/+/alerts', 'topics of grantReceive contains \'factory/+/alerts\': MQTT wildcards \'#\' and \'+\' cannot occur in topic names; '
      + 'use the policy wildcard * instead (or grant the filter with grantSubscribe)'],
    ['grantPublish', '*', 'topics of grantPublish contains \'*\', which matches every topic; name the topics (the policy wildcard * may stand for a part, '
      + 'e.g. factory/*/telemetry); for every topic, add an iam.PolicyStatement to the principal yourself'],
    ['grantSubscribe', '#', 'topicFilters of grantSubscribe contains \'#\', which matches every topic; name the topic filters (the policy wildcard * may '
      + 'stand for a part, e.g. factory/*/telemetry); for every topic, add an iam.PolicyStatement to the principal yourself'],
    ['grantSubscribe', 'factory/#/alerts', 'topicFilters of grantSubscribe contains \'factory/#/alerts\': the MQTT wildcard \'#\' must be a whole level and '
      + 'the last one; use it only as the final level, e.g. things/${iot:Connection.Thing.ThingName}/#'],
    ['grantReceive', '', 'topics of grantReceive contains an empty topic; an empty string is not a topic: name the topic, e.g. factory/line1/telemetry'],
    ['grantPublish', 'a/b/c/d/e/f/g/h/i', 'topics of grantPublish contains \'a/b/c/d/e/f/g/h/i\', which has more than the 7 forward slashes AWS IoT Core '
      + 'allows (a Basic Ingest prefix $aws/rules/<rule>/ not counted); use a flatter topic hierarchy (at most 8 levels)'],
    ['grantPublish', `t/${'x'.repeat(255)}`, `topics of grantPublish contains 't/${'x'.repeat(255)}', longer than the 256 bytes AWS IoT Core allows; `
      + 'use a shorter topic, or a * wildcard for the varying part'],
  ])('%s(%j) is refused with the rule of VpceOnlyIotPolicy', (method, topic, message) => {
    const { stack, endpoint, role } = created();
    const call = (endpoint as any)[method].bind(endpoint) as (r: iam.IGrantable, ...t: string[]) => iam.Grant;
    expect(thrown(() => call(role, 'factory/line1/ok', topic)).message).toBe(PREFIX + message);
    expect(resourcesOfType(templateOf(stack), 'AWS::IAM::Policy')).toEqual([]);
  });
});

describe('grantees', () => {
  test('a Lambda function in the VPC: the statements go to its execution role\'s policy', () => {
    const { stack, vpc, endpoint } = created();
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
      vpc,
    });
    const connect = endpoint.grantConnect(fn, 'telemetry-backend');
    endpoint.grantPublish(fn, 'factory/line1/commands');
    expect(connect.success).toBe(true);
    expect(connect.principalStatements).toHaveLength(1);
    const template = templateOf(stack);
    const [dataId] = dataEndpointLogicalIds(template);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FnServiceRole') }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'iot:Connect', Resource: iotArn('client/telemetry-backend'), Condition: { StringEquals: { 'aws:SourceVpce': [{ Ref: dataId }] } } },
          { Effect: 'Allow', Action: 'iot:Publish', Resource: iotArn('topic/factory/line1/commands') },
        ],
      },
    });
  });

  test('a principal without a policy (another account): nothing is added, and the grant says so', () => {
    const { stack, endpoint } = created();
    const grant = endpoint.grantPublish(new iam.AccountPrincipal('222222222222'), 'factory/line1/telemetry');
    expect(grant.success).toBe(false);
    expect(resourcesOfType(templateOf(stack), 'AWS::IAM::Policy')).toEqual([]);
  });
});

describe('cdk-nag (AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1) on the grantee\'s policy', () => {
  const policy = 'TestStack/Backend/DefaultPolicy/Resource';
  // Every aws-cdk-lib grant writes the principal's `DefaultPolicy` (an AWS::IAM::Policy attached to the role), which the
  // NIST, HIPAA and PCI packs report as an inline policy: the users' acknowledgement, not the library's (it is their role).
  const noInlinePolicy = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => `${pack}-IAMNoInlinePolicy @ ${policy}`);

  test.each<[string, (e: IPrivateIotDataEndpoint, r: iam.IGrantable) => void, string[]]>([
    ['literal client ids and topics: only IAMNoInlinePolicy of the NIST, HIPAA and PCI packs', (e, r) => {
      e.grantConnect(r, 'telemetry-backend');
      e.grantPublish(r, 'factory/line1/telemetry');
      e.grantSubscribe(r, 'factory/line1/commands');
      e.grantReceive(r, 'factory/line1/commands');
    }, []],
    ['a policy wildcard in a client id or topic: AwsSolutions-IAM5 for each such resource (not for the literal topicfilter/factory/+/alerts)', (e, r) => {
      e.grantConnect(r, 'backend-*');
      e.grantPublish(r, 'factory/*');
      e.grantSubscribe(r, 'factory/+/alerts');
    }, ['client/backend-*', 'topic/factory/*']],
  ])('%s', (_name, grant, wildcardResources) => {
    const { stack, endpoint, role } = created();
    grant(endpoint, role);
    expect(formatNagFindings(nagFindings(stack, { include: (path) => path.startsWith('TestStack/Backend/DefaultPolicy') }))).toEqual([
      ...wildcardResources.map((resource) => `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:eu-west-1:111111111111:${resource}] @ ${policy}`),
      ...noInlinePolicy,
    ]);
  });
});
