import { App, CfnParameter, Fn, Stack, StackProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { templateOf, testStack, testVpc, thrown, validationMessage } from './fixtures';
import { CrossAccountIotEndpointService, PrivateIotDataEndpoint, StaticIpIotFrontDoor } from '../src';
import { IotEndpointDnsName, IPrivateIotDataEndpoint } from '../src/endpoint/types';
import { IIotPolicy, VpceOnlyIotPolicy, VpceOnlyIotPolicyProps } from '../src/policy';

const THING = '${iot:Connection.Thing.ThingName}';
const VPCE_A = 'vpce-0123456789abcdef0';
const VPCE_B = 'vpce-1a2b3c4d';
const ENV = { account: '111111111111', region: 'eu-west-1' };
const IMPORTED_VPC: ec2.VpcAttributes = {
  vpcId: 'vpc-0a1b2c3d4e5f67890',
  vpcCidrBlock: '10.0.0.0/16',
  availabilityZones: ['eu-west-1a'],
  privateSubnetIds: ['subnet-0a1b2c3d4e5f67890'],
};
const ARN_PREFIX = 'arn:aws:iot:eu-west-1:111111111111';

/** Like the cdk.json of a new CDK app: the partition is a literal when the region is known. */
const PARTITION_LITERALS = { '@aws-cdk/core:enablePartitionLiterals': true };

/** The validation message of the policy (`Stack/Policy` unless told). */
function policyValidationMessage(error: any, path = 'Stack/Policy'): string {
  return validationMessage(error, path);
}

function newStack(props: StackProps = {}, context: { [key: string]: unknown } = PARTITION_LITERALS): Stack {
  return new Stack(new App({ context }), 'Stack', props);
}

/** A concrete-environment stack with one policy; returns the policy's resolved PolicyDocument. */
function documentOf(props: VpceOnlyIotPolicyProps, stackProps: StackProps = { env: ENV }): any {
  const stack = newStack(stackProps);
  new VpceOnlyIotPolicy(stack, 'Policy', props);
  const policies = Template.fromStack(stack).findResources('AWS::IoT::Policy');
  expect(Object.keys(policies)).toHaveLength(1);
  return Object.values(policies)[0].Properties.PolicyDocument;
}

function statementFor(document: any, action: string): any {
  const matches = document.Statement.filter((s: any) => [s.Action].flat().includes(action));
  expect(matches).toHaveLength(1);
  return matches[0];
}

function actionsOf(document: any): string[] {
  return document.Statement.flatMap((s: any) => [s.Action].flat());
}

/** The ids (`[ack: <id>]`) of the warnings on a construct, sorted. */
function warningIds(stack: Stack, path = '/Stack/Policy'): string[] {
  return Annotations.fromStack(stack).findWarning(path, Match.anyValue())
    .map((w) => /\[ack: ([^\]]+)\]/.exec(String(w.entry.data))?.[1] ?? `(no id) ${w.entry.data}`)
    .sort();
}

/** A stand-in for `PrivateIotDataEndpoint`: only what the policy reads is real. */
class FakeIotDataEndpoint extends Construct implements IPrivateIotDataEndpoint {
  public readonly vpc: ec2.IVpc;
  public readonly dataEndpoints: ec2.InterfaceVpcEndpoint[];
  public readonly connections: ec2.Connections;
  public readonly availabilityZones: string[] = [];
  public readonly networkInterfacesPerEndpoint = 2;
  public readonly dualStack = false;

  constructor(scope: Construct, id: string, vpc: ec2.IVpc, count: number) {
    super(scope, id);
    this.vpc = vpc;
    this.dataEndpoints = Array.from({ length: count }, (_, i) => new ec2.InterfaceVpcEndpoint(this, `Data${i}`, {
      vpc,
      service: new ec2.InterfaceVpcEndpointService('com.amazonaws.eu-west-1.iot.data', 443),
      privateDnsEnabled: false,
    }));
    this.connections = this.dataEndpoints[0].connections;
  }

  public dataEndpointAddress(): string { return 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com'; }
  public credentialsEndpointAddress(): string | undefined { return undefined; }
  public dataEndpointIps(): string[] { return []; }
  public credentialsEndpointIps(): string[] { return []; }
  public privateIpAddresses(_endpoint: ec2.IInterfaceVpcEndpoint): string[] { return []; }
  public ipv6Addresses(_endpoint: ec2.IInterfaceVpcEndpoint): string[] { return []; }
  public dnsNames(_endpoint: ec2.IInterfaceVpcEndpoint): IotEndpointDnsName[] { return []; }
  public grantConnect(): iam.Grant { throw new Error('the policy never grants'); }
  public grantPublish(): iam.Grant { throw new Error('the policy never grants'); }
  public grantSubscribe(): iam.Grant { throw new Error('the policy never grants'); }
  public grantReceive(): iam.Grant { throw new Error('the policy never grants'); }
}

describe('VpceOnlyIotPolicy defaults', () => {
  test('least-privilege document: connect as the attached thing through the endpoint, things/<thing>/* topics', () => {
    const document = documentOf({ vpcEndpointIds: [VPCE_A] });
    const network = { StringEquals: { 'aws:SourceVpce': [VPCE_A] } };
    // As documented by AWS (IoTCore-VPC, "Controlling access"): the network condition is on iot:Connect only.
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iot:Connect',
          Resource: `${ARN_PREFIX}:client/${THING}`,
          Condition: { ...network, Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
        },
        { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN_PREFIX}:topic/things/${THING}/*` },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN_PREFIX}:topicfilter/things/${THING}/*` },
        { Effect: 'Allow', Action: 'iot:Receive', Resource: `${ARN_PREFIX}:topic/things/${THING}/*` },
      ],
    });
  });

  test('the default topics use thing variables, so the default policy gives no warning', () => {
    const stack = newStack({ env: ENV });
    new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A] });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('no physical name, stable logical id, Ref/GetAtt attributes', () => {
    const stack = newStack({ env: ENV });
    const policy = new VpceOnlyIotPolicy(stack, 'DevicePolicy', { vpcEndpointIds: [VPCE_A] });
    const template = Template.fromStack(stack);
    const logicalIds = Object.keys(template.findResources('AWS::IoT::Policy'));
    expect(logicalIds).toEqual(['DevicePolicyDE7893AB']);
    template.hasResourceProperties('AWS::IoT::Policy', { PolicyName: Match.absent() });
    expect(stack.resolve(policy.policyName)).toEqual({ Ref: 'DevicePolicyDE7893AB' });
    expect(stack.resolve(policy.policyArn)).toEqual({ 'Fn::GetAtt': ['DevicePolicyDE7893AB', 'Arn'] });
    expect(policy.resource.cfnResourceType).toBe('AWS::IoT::Policy');
    expect(policy.vpcEndpointIds).toEqual([VPCE_A]);
  });

  test('thing policy variables stay literal in the template (a JSON object, not Fn::Sub)', () => {
    const stack = newStack();
    new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A] });
    const json = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(json).toContain('${iot:Connection.Thing.ThingName}');
    expect(json).not.toContain('${!');
    expect(json).not.toContain('Fn::Sub');
  });

  test('never iot:*, only the four MQTT actions', () => {
    const document = documentOf({ vpcEndpointIds: [VPCE_A] });
    expect(actionsOf(document).sort()).toEqual(['iot:Connect', 'iot:Publish', 'iot:Receive', 'iot:Subscribe']);
    expect(JSON.stringify(document)).not.toContain('iot:*');
  });

  test('document is exposed: every option set, the property and the template hold the same written-out document', () => {
    const stack = newStack({ env: ENV });
    const policy = new VpceOnlyIotPolicy(stack, 'Policy', {
      vpcEndpointIds: [VPCE_A, VPCE_B],
      sourceVpcIds: ['vpc-0a1b2c3d4e5f67890'],
      sourceIpCidrs: ['10.20.0.0/16'],
      clientIdPattern: 'gw-${iot:ClientId}',
      requireAttachedThing: false,
      allowRetainPublish: true,
      restrictEveryAction: true,
      publishTopics: [`things/${THING}/up`, `things/${THING}/up`],
      subscribeTopicFilters: ['fleet/+/cmd/#'],
    });
    const network = {
      StringEquals: { 'aws:SourceVpce': [VPCE_A, VPCE_B], 'aws:SourceVpc': ['vpc-0a1b2c3d4e5f67890'] },
      IpAddress: { 'aws:VpcSourceIp': ['10.20.0.0/16'] },
    };
    const expected = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN_PREFIX}:client/gw-\${iot:ClientId}`, Condition: network },
        { Effect: 'Allow', Action: ['iot:Publish', 'iot:RetainPublish'], Resource: `${ARN_PREFIX}:topic/things/${THING}/up`, Condition: network },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN_PREFIX}:topicfilter/fleet/+/cmd/#`, Condition: network },
        {
          Effect: 'Allow',
          Action: 'iot:Receive',
          Resource: [`${ARN_PREFIX}:topic/fleet/*/cmd`, `${ARN_PREFIX}:topic/fleet/*/cmd/*`],
          Condition: network,
        },
      ],
    };
    expect(stack.resolve(policy.document)).toEqual(expected);
    expect(Object.values(Template.fromStack(stack).findResources('AWS::IoT::Policy'))[0].Properties.PolicyDocument).toEqual(expected);
  });
});

describe('environments and partitions', () => {
  test('env-agnostic stack with a real interface endpoint: Ref for the id, pseudo parameters in the ARNs', () => {
    const stack = newStack();
    const vpc = testVpc(stack);
    const endpoint = vpc.addInterfaceEndpoint('IotData', {
      service: new ec2.InterfaceVpcEndpointService('com.amazonaws.eu-west-1.iot.data', 443),
      privateDnsEnabled: false,
    });
    new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpoints: [endpoint] });
    const template = Template.fromStack(stack);
    const [endpointId] = Object.keys(template.findResources('AWS::EC2::VPCEndpoint'));
    const document = Object.values(template.findResources('AWS::IoT::Policy'))[0].Properties.PolicyDocument;
    const connect = statementFor(document, 'iot:Connect');
    expect(connect.Condition.StringEquals['aws:SourceVpce']).toEqual([{ Ref: endpointId }]);
    expect(connect.Resource).toEqual({
      'Fn::Join': ['', [
        'arn:', { Ref: 'AWS::Partition' }, ':iot:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
        `:client/${THING}`,
      ]],
    });
    expect(JSON.stringify(document)).not.toContain('arn:aws:');
  });

  test('concrete environment: literal region and account', () => {
    const document = documentOf({ vpcEndpointIds: [VPCE_A] }, { env: ENV });
    expect(statementFor(document, 'iot:Subscribe').Resource).toBe(`${ARN_PREFIX}:topicfilter/things/${THING}/*`);
  });

  test('China region with partition literals: aws-cn in every ARN', () => {
    const stack = newStack({ env: { account: '111111111111', region: 'cn-north-1' } });
    new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A] });
    const document = Object.values(Template.fromStack(stack).findResources('AWS::IoT::Policy'))[0].Properties.PolicyDocument;
    const resources = document.Statement.flatMap((s: any) => [s.Resource].flat());
    expect(resources).toHaveLength(4);
    for (const arn of resources) {
      expect(arn).toMatch(/^arn:aws-cn:iot:cn-north-1:111111111111:(client|topic|topicfilter)\//);
    }
  });

  test('China region without partition literals: the partition comes from AWS::Partition', () => {
    const stack = newStack({ env: { account: '111111111111', region: 'cn-north-1' } }, {});
    new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A] });
    const document = Object.values(Template.fromStack(stack).findResources('AWS::IoT::Policy'))[0].Properties.PolicyDocument;
    expect(statementFor(document, 'iot:Connect').Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iot:cn-north-1:111111111111:client/${THING}`]],
    });
  });
});

describe('network conditions', () => {
  test('endpoints: every data endpoint of every private endpoint, plus vpcEndpoints and ids, deduplicated', () => {
    const stack = newStack({ env: ENV });
    const vpc = testVpc(stack);
    const iotEndpoint = new FakeIotDataEndpoint(stack, 'Iot', vpc, 2);
    const policy = new VpceOnlyIotPolicy(stack, 'Policy', {
      endpoints: [iotEndpoint],
      vpcEndpoints: [iotEndpoint.dataEndpoints[0]],
      vpcEndpointIds: [VPCE_A, VPCE_A, VPCE_B],
    });
    expect(policy.vpcEndpointIds).toHaveLength(4);
    const template = Template.fromStack(stack);
    const endpointIds = Object.keys(template.findResources('AWS::EC2::VPCEndpoint'));
    expect(endpointIds).toHaveLength(2);
    template.hasResourceProperties('AWS::IoT::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'iot:Connect',
          Condition: Match.objectLike({
            StringEquals: { 'aws:SourceVpce': [{ Ref: endpointIds[0] }, { Ref: endpointIds[1] }, VPCE_A, VPCE_B] },
          }),
        })]),
      },
    });
  });

  describe.each([
    ['default (restrictEveryAction unset)', undefined],
    ['restrictEveryAction: false', false],
    ['restrictEveryAction: true', true],
  ])('sourceVpcs, sourceVpcIds and sourceIpCidrs, %s', (_name, restrictEveryAction) => {
    test(`add aws:SourceVpc and IpAddress aws:VpcSourceIp to iot:Connect${restrictEveryAction ? ' and every other action' : ' only'}`, () => {
      const stack = newStack({ env: ENV });
      const vpc = testVpc(stack);
      new VpceOnlyIotPolicy(stack, 'Policy', {
        vpcEndpointIds: [VPCE_A],
        sourceVpcs: [vpc],
        sourceVpcIds: ['vpc-0a1b2c3d4e5f67890'],
        sourceIpCidrs: ['10.20.0.0/16', '2001:db8::/56'],
        restrictEveryAction,
      });
      const template = Template.fromStack(stack);
      const [vpcId] = Object.keys(template.findResources('AWS::EC2::VPC'));
      const document = Object.values(template.findResources('AWS::IoT::Policy'))[0].Properties.PolicyDocument;
      const expected = {
        StringEquals: { 'aws:SourceVpce': [VPCE_A], 'aws:SourceVpc': [{ Ref: vpcId }, 'vpc-0a1b2c3d4e5f67890'] },
        IpAddress: { 'aws:VpcSourceIp': ['10.20.0.0/16', '2001:db8::/56'] },
      };
      expect(statementFor(document, 'iot:Connect').Condition).toEqual({ ...expected, Bool: { 'iot:Connection.Thing.IsAttached': 'true' } });
      for (const action of ['iot:Publish', 'iot:Subscribe', 'iot:Receive']) {
        expect(statementFor(document, action).Condition).toEqual(restrictEveryAction ? expected : undefined);
      }
    });
  });

  test('restrictEveryAction: true warns that the conditions on the other actions are unverified', () => {
    const stack = newStack({ env: ENV });
    new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A], restrictEveryAction: true });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Stack/Policy', Match.stringLikeRegexp('restrictEveryAction is true.*documents them for AWS IoT Core only on iot:Connect'));
    annotations.hasWarning('/Stack/Policy', Match.stringLikeRegexp('devices connect but every message is denied'));
    expect(annotations.findWarning('/Stack/Policy', Match.stringLikeRegexp('Only iot:Connect requires'))).toEqual([]);
  });

  test('Connect-only mode warns about HTTPS publish when a publish topic has no thing variable', () => {
    const stack = newStack({ env: ENV });
    new VpceOnlyIotPolicy(stack, 'Policy', {
      vpcEndpointIds: [VPCE_A],
      publishTopics: [`things/${THING}/telemetry`, 'fleet/alerts'],
    });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Stack/Policy', Match.stringLikeRegexp('Only iot:Connect requires the VPC endpoints.*over HTTPS'));
    expect(annotations.findWarning('/Stack/Policy', Match.stringLikeRegexp('restrictEveryAction is true'))).toEqual([]);
  });

  test('Connect-only mode gives no warning when every publish topic uses a thing variable (or there are none)', () => {
    const stack = newStack({ env: ENV });
    new VpceOnlyIotPolicy(stack, 'A', { vpcEndpointIds: [VPCE_A], restrictEveryAction: false, publishTopics: [`things/${THING}/up`] });
    new VpceOnlyIotPolicy(stack, 'B', { vpcEndpointIds: [VPCE_A], publishTopics: [], subscribeTopicFilters: ['fleet/#'] });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('tokens are not validated and pass through', () => {
    const stack = newStack({ env: ENV });
    const endpointId = new CfnParameter(stack, 'EndpointId').valueAsString;
    const vpcIdParam = new CfnParameter(stack, 'VpcId').valueAsString;
    const cidr = new CfnParameter(stack, 'Cidr').valueAsString;
    new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [endpointId], sourceVpcIds: [vpcIdParam], sourceIpCidrs: [cidr] });
    const document = Object.values(Template.fromStack(stack).findResources('AWS::IoT::Policy'))[0].Properties.PolicyDocument;
    expect(statementFor(document, 'iot:Connect').Condition).toMatchObject({
      StringEquals: { 'aws:SourceVpce': [{ Ref: 'EndpointId' }], 'aws:SourceVpc': [{ Ref: 'VpcId' }] },
      IpAddress: { 'aws:VpcSourceIp': [{ Ref: 'Cidr' }] },
    });
  });
});

test('tokens in names, client id and topics are not validated and pass through', () => {
  const stack = newStack({ env: ENV });
  const param = (id: string) => new CfnParameter(stack, id).valueAsString;
  const policy = new VpceOnlyIotPolicy(stack, 'Policy', {
    vpcEndpointIds: [VPCE_A],
    policyName: param('Name'),
    clientIdPattern: param('ClientId'),
    publishTopics: [param('Pub')],
    subscribeTopicFilters: [param('Sub')],
  });
  expect(stack.resolve(policy.policyName)).toEqual({ Ref: expect.stringMatching(/^Policy/) });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::IoT::Policy', { PolicyName: { Ref: 'Name' } });
  const document = Object.values(template.findResources('AWS::IoT::Policy'))[0].Properties.PolicyDocument;
  expect(JSON.stringify(statementFor(document, 'iot:Connect').Resource)).toContain('{"Ref":"ClientId"}');
  expect(JSON.stringify(statementFor(document, 'iot:Receive').Resource)).toContain('{"Ref":"Sub"}');
});

describe('client id', () => {
  test('requireAttachedThing: false drops the IsAttached condition and warns about thing variables', () => {
    const stack = newStack({ env: ENV });
    new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A], requireAttachedThing: false });
    const document = Object.values(Template.fromStack(stack).findResources('AWS::IoT::Policy'))[0].Properties.PolicyDocument;
    expect(statementFor(document, 'iot:Connect').Condition).toEqual({ StringEquals: { 'aws:SourceVpce': [VPCE_A] } });
    Annotations.fromStack(stack).hasWarning('/Stack/Policy', Match.stringLikeRegexp('thing policy variables'));
  });

  test('requireAttachedThing: false with no thing variables gives no warning', () => {
    const stack = newStack({ env: ENV });
    new VpceOnlyIotPolicy(stack, 'Policy', {
      vpcEndpointIds: [VPCE_A],
      requireAttachedThing: false,
      clientIdPattern: 'gateway-01',
      publishTopics: ['clients/${iot:ClientId}/up'],
      subscribeTopicFilters: [],
    });
    // (${iot:ClientId} is no thing variable: the Connect-only mode's HTTPS publish warning still applies to this topic.)
    Annotations.fromStack(stack).hasNoWarning('/Stack/Policy', Match.stringLikeRegexp('requireAttachedThing is false'));
  });

  test('clientIdPattern replaces the thing name; * needs allowAnyClientId', () => {
    expect(statementFor(documentOf({ vpcEndpointIds: [VPCE_A], clientIdPattern: '${iot:ClientId}' }), 'iot:Connect').Resource)
      .toBe(`${ARN_PREFIX}:client/\${iot:ClientId}`);
    expect(statementFor(documentOf({ vpcEndpointIds: [VPCE_A], clientIdPattern: 'sensor-*', allowAnyClientId: true }), 'iot:Connect').Resource)
      .toBe(`${ARN_PREFIX}:client/sensor-*`);
  });
});

describe('topics', () => {
  test('publish, subscribe and receive props become topic / topicfilter resources', () => {
    const document = documentOf({
      vpcEndpointIds: [VPCE_A],
      publishTopics: [`things/${THING}/telemetry`, `things/${THING}/events/*`],
      subscribeTopicFilters: [`things/${THING}/commands/#`],
      receiveTopics: [`things/${THING}/commands/*`],
    });
    expect(statementFor(document, 'iot:Publish').Resource).toEqual([
      `${ARN_PREFIX}:topic/things/${THING}/telemetry`,
      `${ARN_PREFIX}:topic/things/${THING}/events/*`,
    ]);
    expect(statementFor(document, 'iot:Subscribe').Resource).toBe(`${ARN_PREFIX}:topicfilter/things/${THING}/commands/#`);
    expect(statementFor(document, 'iot:Receive').Resource).toBe(`${ARN_PREFIX}:topic/things/${THING}/commands/*`);
  });

  test('receive defaults to the subscribe filters as topic names', () => {
    const document = documentOf({
      vpcEndpointIds: [VPCE_A],
      subscribeTopicFilters: ['fleet/+/status', `things/${THING}/cmd/#`],
    });
    expect(statementFor(document, 'iot:Receive').Resource).toEqual([
      `${ARN_PREFIX}:topic/fleet/*/status`,
      `${ARN_PREFIX}:topic/things/${THING}/cmd`,
      `${ARN_PREFIX}:topic/things/${THING}/cmd/*`,
    ]);
  });

  test('empty arrays grant nothing for that action', () => {
    const document = documentOf({ vpcEndpointIds: [VPCE_A], publishTopics: [], subscribeTopicFilters: [] });
    expect(actionsOf(document)).toEqual(['iot:Connect']);
    const receiveOnly = documentOf({ vpcEndpointIds: [VPCE_A], publishTopics: [], subscribeTopicFilters: [], receiveTopics: ['broadcast'] });
    expect(actionsOf(receiveOnly).sort()).toEqual(['iot:Connect', 'iot:Receive']);
  });

  test('allowRetainPublish adds iot:RetainPublish on the publish topics', () => {
    const document = documentOf({ vpcEndpointIds: [VPCE_A], allowRetainPublish: true });
    expect(statementFor(document, 'iot:RetainPublish').Action).toEqual(['iot:Publish', 'iot:RetainPublish']);
  });

  test('allowReservedTopics accepts $aws/ topics; allowAllTopics accepts *', () => {
    const shadow = documentOf({
      vpcEndpointIds: [VPCE_A],
      allowReservedTopics: true,
      publishTopics: [`$aws/things/${THING}/shadow/update`],
    });
    expect(statementFor(shadow, 'iot:Publish').Resource).toBe(`${ARN_PREFIX}:topic/$aws/things/${THING}/shadow/update`);
    const everything = documentOf({ vpcEndpointIds: [VPCE_A], allowAllTopics: true, publishTopics: ['*'], subscribeTopicFilters: ['#'] });
    expect(statementFor(everything, 'iot:Receive').Resource).toBe(`${ARN_PREFIX}:topic/*`);
  });

  test('a leading slash is accepted with a warning', () => {
    const stack = newStack({ env: ENV });
    new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A], publishTopics: ['/legacy/up'] });
    Annotations.fromStack(stack).hasWarning('/Stack/Policy', Match.stringLikeRegexp('starts with "/"'));
  });

  test('policyName is passed through', () => {
    const stack = newStack({ env: ENV });
    const policy = new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A], policyName: 'sensors.vpce-only' });
    Template.fromStack(stack).hasResourceProperties('AWS::IoT::Policy', { PolicyName: 'sensors.vpce-only' });
    expect(stack.resolve(policy.policyName)).toEqual({ Ref: expect.any(String) });
  });

  test('fromPolicyName builds the policy ARN', () => {
    const stack = newStack({ env: ENV });
    const imported = VpceOnlyIotPolicy.fromPolicyName(stack, 'Imported', 'existing-policy');
    expect(imported.policyName).toBe('existing-policy');
    expect(imported.policyArn).toBe(`${ARN_PREFIX}:policy/existing-policy`);
  });

  test('fromPolicyName returns a plain IIotPolicy (any policy: no endpoints or document claimed); VpceOnlyIotPolicy is one too', () => {
    const stack = newStack({ env: ENV });
    const imported: IIotPolicy = VpceOnlyIotPolicy.fromPolicyName(stack, 'Imported', 'existing-policy');
    expect(imported).not.toBeInstanceOf(VpceOnlyIotPolicy);
    expect(imported).not.toHaveProperty('vpcEndpointIds');
    expect(imported).not.toHaveProperty('document');
    expect(imported.node.path).toBe('Stack/Imported');
    expect(imported.stack).toBe(stack);
    expect(Template.fromStack(stack).toJSON().Resources ?? {}).toEqual({}); // importing creates nothing
    const created: IIotPolicy = new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A], policyName: 'created' });
    expect(stack.resolve(created.policyArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Policy/), 'Arn'] });
  });
});

describe('validation', () => {
  const construct = (props: VpceOnlyIotPolicyProps) => () => new VpceOnlyIotPolicy(newStack({ env: ENV }), 'Policy', props);
  const base = { vpcEndpointIds: [VPCE_A] };

  test.each<[string, VpceOnlyIotPolicyProps, RegExp]>([
    ['no endpoint at all', {}, /VpceOnlyIotPolicy 'Stack\/Policy': endpoints is empty.*; pass at least one iot\.data endpoint/],
    ['endpoints without data endpoints', { endpoints: [], vpcEndpoints: [] }, /endpoints is empty.*pass at least one/],
    ['malformed endpoint id', { vpcEndpointIds: ['vpce-xyz'] }, /vpcEndpointIds contains 'vpce-xyz'.*vpce-.*; use the id exactly as EC2 reports it/],
    ['upper-case endpoint id', { vpcEndpointIds: ['vpce-0123456789ABCDEF0'] }, /vpcEndpointIds .*lowercase.*; use /],
    ['VPC id passed as endpoint id', { vpcEndpointIds: ['vpc-0123456789abcdef0'] }, /vpcEndpointIds contains 'vpc-0123456789abcdef0'.*; use /],
    ['malformed VPC id', { ...base, sourceVpcIds: ['vpc-123'] }, /sourceVpcIds contains 'vpc-123'.*vpc-.*; use the id/],
    ['IP without prefix', { ...base, sourceIpCidrs: ['10.0.0.1'] }, /sourceIpCidrs contains '10\.0\.0\.1'.*CIDR.*; use an address and a prefix length/],
    ['IPv4 prefix > 32', { ...base, sourceIpCidrs: ['10.0.0.0/33'] }, /sourceIpCidrs contains '10\.0\.0\.0\/33'.*; use /],
    ['not an address', { ...base, sourceIpCidrs: ['ten/8'] }, /sourceIpCidrs .*; use /],
    ['MQTT wildcard in client id', { ...base, clientIdPattern: 'dev-#' }, /clientIdPattern 'dev-#'.*MQTT wildcard.*; use the policy wildcard/],
    ['* in client id without allowAnyClientId', { ...base, clientIdPattern: '*' }, /clientIdPattern '\*'.*; set allowAnyClientId: true/],
    ['empty client id', { ...base, clientIdPattern: '' }, /clientIdPattern is empty; use /],
    ['client id > 128 bytes', { ...base, clientIdPattern: 'x'.repeat(129) }, /clientIdPattern .*128 bytes.*; use a shorter pattern/],
    ['+ in a publish topic', { ...base, publishTopics: ['a/+/b'] }, /publishTopics contains 'a\/\+\/b'.*MQTT wildcards.*; use the policy wildcard \*/],
    ['# in a receive topic', { ...base, receiveTopics: ['a/#'] }, /receiveTopics contains 'a\/#'.*; use the policy wildcard \*/],
    ['# not last in a filter', { ...base, subscribeTopicFilters: ['a/#/b'] }, /subscribeTopicFilters contains 'a\/#\/b'.*last.*; use it only as the final level/],
    ['+ inside a filter level', { ...base, subscribeTopicFilters: ['a/b+/c'] }, /subscribeTopicFilters .*'\+' must be a whole level; use it between slashes/],
    ['reserved topic', { ...base, publishTopics: ['$aws/things/x/shadow/update'] }, /publishTopics contains '\$aws\/things.*reserved.*; set allowReservedTopics: true/],
    ['lone * topic', { ...base, publishTopics: ['*'] }, /publishTopics contains '\*', which matches every topic; .*set allowAllTopics: true/],
    ['lone # filter', { ...base, subscribeTopicFilters: ['#'] }, /subscribeTopicFilters contains '#', which matches every topic; .*allowAllTopics/],
    ['empty topic', { ...base, publishTopics: [''] }, /publishTopics contains an empty topic; use a topic such as/],
    ['topic > 256 bytes', { ...base, publishTopics: ['t'.repeat(257)] }, /publishTopics .*256 bytes.*; use a shorter topic/],
    ['8 slashes', { ...base, publishTopics: ['a/b/c/d/e/f/g/h/i'] }, /publishTopics .*7 forward slashes.*; use a flatter topic hierarchy/],
    ['unclosed variable', { ...base, publishTopics: ['things/${iot:ClientId/x'] }, /publishTopics .*unclosed policy variable; close it/],
    ['bad policy name', { ...base, policyName: 'my policy' }, /policyName 'my policy'.*; use 1-128 characters/],
  ])('%s', (_name, props, message) => {
    expect(construct(props)).toThrow(message);
  });

  test('only a leading $aws/rules/<rule>/ is left out of the topic quotas, not one further in', () => {
    const inside = `a/$aws/rules/rule/${'t'.repeat(239)}`; // 257 bytes (241 if '$aws/rules/rule/' were left out)
    expect(Buffer.byteLength(inside)).toBe(257);
    expect(thrown(construct({ ...base, publishTopics: [inside] })).message).toContain(`publishTopics contains '${inside}', longer than the 256 bytes`);
    expect(construct({ ...base, publishTopics: [`$aws/rules/rule/${'t'.repeat(256)}`], allowReservedTopics: true })).not.toThrow();
    const slashes = 'a/$aws/rules/rule/b/c/d/e'; // 7 slashes (4 if '$aws/rules/rule/' were left out)
    expect(thrown(construct({ ...base, publishTopics: [`${slashes}/f`] })).message).toContain('which has more than the 7 forward slashes');
    expect(construct({ ...base, publishTopics: [slashes] })).not.toThrow();
  });

  describe('whole messages: the construct, the prop, the value, what is wrong and the fix', () => {
    const T = THING;
    test.each<[string, VpceOnlyIotPolicyProps, string]>([
      ['no endpoint', {}, 'endpoints is empty and so are vpcEndpoints and vpcEndpointIds: the policy would let devices connect through no VPC '
        + 'endpoint; pass at least one iot.data endpoint in endpoints, vpcEndpoints or vpcEndpointIds'],
      ['endpoint id', { vpcEndpointIds: ['vpce-xyz'] }, "vpcEndpointIds contains 'vpce-xyz', which is not a VPC endpoint id (vpce- followed by 8 "
        + 'or 17 lowercase hex digits); use the id exactly as EC2 reports it, e.g. vpce-0123456789abcdef0'],
      ['endpoint id with 9 digits', { vpcEndpointIds: ['vpce-123456789'] }, "vpcEndpointIds contains 'vpce-123456789', which is not a VPC endpoint "
        + 'id (vpce- followed by 8 or 17 lowercase hex digits); use the id exactly as EC2 reports it, e.g. vpce-0123456789abcdef0'],
      ['endpoint id with a prefix', { vpcEndpointIds: [`x${VPCE_A}`] }, `vpcEndpointIds contains 'x${VPCE_A}', which is not a VPC endpoint `
        + 'id (vpce- followed by 8 or 17 lowercase hex digits); use the id exactly as EC2 reports it, e.g. vpce-0123456789abcdef0'],
      ['endpoint id with a suffix', { vpcEndpointIds: [`${VPCE_A}0`] }, `vpcEndpointIds contains '${VPCE_A}0', which is not a VPC endpoint `
        + 'id (vpce- followed by 8 or 17 lowercase hex digits); use the id exactly as EC2 reports it, e.g. vpce-0123456789abcdef0'],
      ['VPC id', { ...base, sourceVpcIds: ['vpc-123'] }, "sourceVpcIds contains 'vpc-123', which is not a VPC id (vpc- followed by 8 or 17 "
        + 'lowercase hex digits); use the id exactly as EC2 reports it, e.g. vpc-0123456789abcdef0'],
      ['CIDR', { ...base, sourceIpCidrs: ['10.0.0.1'] }, "sourceIpCidrs contains '10.0.0.1', which is not an IPv4 or IPv6 CIDR block; use an "
        + 'address and a prefix length, e.g. 10.0.0.0/16 or 2001:db8::/56'],
      ['policy name', { ...base, policyName: 'my policy' }, "policyName 'my policy' is not a valid AWS IoT policy name; use 1-128 characters "
        + 'out of letters, digits and _+=,.@-, or leave policyName unset to let CloudFormation generate one'],
      ['empty client id', { ...base, clientIdPattern: '' }, `clientIdPattern is empty; use a client id pattern such as ${T}, or leave clientIdPattern unset`],
      ['MQTT wildcard in the client id', { ...base, clientIdPattern: 'dev-+' }, "clientIdPattern 'dev-+' contains the MQTT wildcard '#' or '+', "
        + `which client ids cannot use; use the policy wildcard * (with allowAnyClientId: true) or a policy variable such as ${T}`],
      ['* in the client id', { ...base, clientIdPattern: 'dev-*' }, "clientIdPattern 'dev-*' contains the policy wildcard '*', which lets one "
        + `certificate connect with many client ids; set allowAnyClientId: true to accept that, or use ${T}`],
      ['long client id', { ...base, clientIdPattern: 'c'.repeat(129) }, `clientIdPattern '${'c'.repeat(129)}' is longer than the 128 bytes AWS IoT `
        + 'Core allows for a client id; use a shorter pattern'],
      ['unclosed variable in the client id', { ...base, clientIdPattern: 'dev-${iot:ClientId' }, "clientIdPattern 'dev-${iot:ClientId' has an "
        + `unclosed policy variable; close it with }, e.g. ${T}`],
      ['empty topic', { ...base, publishTopics: [''] }, `publishTopics contains an empty topic; use a topic such as things/${T}/*, or pass an empty `
        + 'array to grant nothing'],
      ['empty filter', { ...base, subscribeTopicFilters: [''] }, 'subscribeTopicFilters contains an empty topic filter; use a topic filter such as '
        + `things/${T}/*, or pass an empty array to grant nothing`],
      ['null character', { ...base, receiveTopics: ['a\u0000'] }, 'receiveTopics contains a topic with the null character; remove it (MQTT forbids '
        + 'U+0000 in topics)'],
      ['long topic', { ...base, publishTopics: ['t'.repeat(257)] }, `publishTopics contains '${'t'.repeat(257)}', longer than the 256 bytes AWS IoT `
        + 'Core allows; use a shorter topic, or a * wildcard for the varying part'],
      ['8 slashes', { ...base, publishTopics: ['a/b/c/d/e/f/g/h/i'] }, "publishTopics contains 'a/b/c/d/e/f/g/h/i', which has more than the 7 forward "
        + 'slashes AWS IoT Core allows (a Basic Ingest prefix $aws/rules/<rule>/ not counted); use a flatter topic hierarchy (at most 8 levels)'],
      ['reserved topic', { ...base, publishTopics: ['$aws/things/x/shadow/update'] }, "publishTopics contains '$aws/things/x/shadow/update', a "
        + 'reserved topic (topics that begin with $, such as $aws/, belong to AWS IoT services); set allowReservedTopics: true if devices really '
        + 'need it, e.g. for device shadows or jobs'],
      ['every topic', { ...base, publishTopics: ['*/*'] }, 'publishTopics contains \'*/*\', which matches every topic; use a narrower topic such as '
        + `things/${T}/*, or set allowAllTopics: true`],
      ['every filter', { ...base, subscribeTopicFilters: ['+/#'] }, "subscribeTopicFilters contains '+/#', which matches every topic; use a narrower "
        + `topic filter such as things/${T}/*, or set allowAllTopics: true`],
      ['MQTT wildcard in a topic name', { ...base, receiveTopics: ['a/#'] }, "receiveTopics contains 'a/#': MQTT wildcards '#' and '+' cannot "
        + 'occur in topic names; use the policy wildcard * instead (or put the filter in subscribeTopicFilters)'],
      ['# not last', { ...base, subscribeTopicFilters: ['a/#/b'] }, "subscribeTopicFilters contains 'a/#/b': the MQTT wildcard '#' must be a whole "
        + `level and the last one; use it only as the final level, e.g. things/${T}/#`],
      ['# inside a level', { ...base, subscribeTopicFilters: ['a/b#'] }, "subscribeTopicFilters contains 'a/b#': the MQTT wildcard '#' must be a "
        + `whole level and the last one; use it only as the final level, e.g. things/${T}/#`],
      ['+ inside a level', { ...base, subscribeTopicFilters: ['a/+b'] }, "subscribeTopicFilters contains 'a/+b': the MQTT wildcard '+' must be a "
        + 'whole level; use it between slashes, e.g. things/+/status, or use the policy wildcard *'],
    ])('%s', (_name, props, message) => {
      expect(thrown(construct(props)).message).toBe(`CdkPrivateIotError: VpceOnlyIotPolicy 'Stack/Policy': ${message}`);
    });
  });

  test('the error is our own class, with the prop', () => {
    let error: any;
    try {
      construct({ vpcEndpointIds: ['nope'] })();
    } catch (e) {
      error = e;
    }
    expect(error.message).toMatch(/^CdkPrivateIotError: /);
    expect(error.prop).toBe('vpcEndpointIds');
    expect(error.constructPath).toBe('Stack/Policy');
  });

  test('an imported endpoint with a malformed id is named by vpcEndpoints', () => {
    const stack = newStack({ env: ENV });
    const endpoint = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Ep', { vpcEndpointId: 'endpoint-1', port: 443 });
    expect(() => new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpoints: [endpoint] }))
      .toThrow(/vpcEndpoints contains 'endpoint-1'.*; use the id exactly/);
  });

  test('fromPolicyName rejects an invalid name', () => {
    expect(() => VpceOnlyIotPolicy.fromPolicyName(newStack(), 'Imported', 'a/b')).toThrow(/policyName 'a\/b'.*; use 1-128 characters/);
  });

  test('an endpoint whose VPC is not among the source VPCs fails at synth', () => {
    const stack = newStack({ env: ENV });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', IMPORTED_VPC);
    const iotEndpoint = new FakeIotDataEndpoint(stack, 'Iot', vpc, 1);
    new VpceOnlyIotPolicy(stack, 'Policy', { endpoints: [iotEndpoint], sourceVpcIds: ['vpc-11112222'] });
    // A synthesis-time validation: its message is listed under the construct's path, with the library's prefix.
    expect(() => Template.fromStack(stack)).toThrow(new RegExp('\\[Stack/Policy\\] CdkPrivateIotError: VpceOnlyIotPolicy \'Stack/Policy\': endpoints contains '
      + 'Stack/Iot, whose VPC vpc-0a1b2c3d4e5f67890 is not in sourceVpcs.*; add vpc-0a1b2c3d4e5f67890 to sourceVpcIds'));
  });

  test('the endpoints\' VPCs are checked only against literal source VPC ids, and only when the endpoint\'s VPC id is literal', () => {
    const build = (sourceVpcIds: (stack: Stack) => string[], vpcOf: (stack: Stack) => ec2.IVpc) => {
      const stack = newStack({ env: ENV });
      const iotEndpoint = new FakeIotDataEndpoint(stack, 'Iot', vpcOf(stack), 1);
      new VpceOnlyIotPolicy(stack, 'Policy', { endpoints: [iotEndpoint], sourceVpcIds: sourceVpcIds(stack) });
      return stack;
    };
    const imported = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'Imported', IMPORTED_VPC);
    const created = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const other = () => ['vpc-11112222'];
    // a literal VPC outside the literal list: the error
    expect(() => Template.fromStack(build(other, imported))).toThrow(/endpoints contains Stack\/Iot, whose VPC vpc-0a1b2c3d4e5f67890 is not in sourceVpcs/);
    // a token among the source VPC ids (it may be the endpoint's VPC): no check
    expect(() => Template.fromStack(build((stack) => ['vpc-11112222', new CfnParameter(stack, 'VpcId').valueAsString], imported))).not.toThrow();
    // the endpoint's VPC created by the app (a Ref): no check
    expect(() => Template.fromStack(build(other, created))).not.toThrow();
  });

  test('an endpoint whose VPC is among the source VPCs synthesizes', () => {
    const stack = newStack({ env: ENV });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', IMPORTED_VPC);
    const iotEndpoint = new FakeIotDataEndpoint(stack, 'Iot', vpc, 1);
    new VpceOnlyIotPolicy(stack, 'Policy', { endpoints: [iotEndpoint], sourceVpcs: [vpc] });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

describe('warnings, by id', () => {
  const LEADING_SLASH = 'cdk-private-iot:topicLeadingSlash';
  const THING_VARIABLE = 'cdk-private-iot:thingVariableWithoutAttachedThing';
  const EVERY_ACTION = 'cdk-private-iot:networkConditionOnEveryAction';
  const CONNECT_ONLY = 'cdk-private-iot:networkConditionOnConnectOnly';
  /** Thing-variable topics everywhere: none of the warnings by default. */
  const quiet: VpceOnlyIotPolicyProps = { vpcEndpointIds: [VPCE_A] };
  const idsFor = (props: Partial<VpceOnlyIotPolicyProps>) => {
    const stack = newStack({ env: ENV });
    new VpceOnlyIotPolicy(stack, 'Policy', { ...quiet, ...props });
    return warningIds(stack);
  };

  test.each<[string, Partial<VpceOnlyIotPolicyProps>, string[]]>([
    // topicLeadingSlash: a literal topic or filter of any of the three props starts with '/'.
    ['leading slash in a publish topic', { publishTopics: [`/things/${THING}/up`] }, [LEADING_SLASH]],
    ['leading slash in a filter', { subscribeTopicFilters: [`/things/${THING}/#`] }, [LEADING_SLASH]],
    ['leading slash in a receive topic', { receiveTopics: [`/things/${THING}`] }, [LEADING_SLASH]],
    ['slashes elsewhere only', { publishTopics: [`things/${THING}/up/`], subscribeTopicFilters: [`things//${THING}/#`] }, []],
    // thingVariableWithoutAttachedThing: requireAttachedThing false and a thing variable anywhere.
    ['requireAttachedThing: false, thing variables in the defaults', { requireAttachedThing: false }, [THING_VARIABLE]],
    ['requireAttachedThing: false, a thing variable in the client id only', {
      requireAttachedThing: false, publishTopics: [], subscribeTopicFilters: [], receiveTopics: ['broadcast'],
    }, [THING_VARIABLE]],
    ['requireAttachedThing: false, a thing variable in a filter only', {
      requireAttachedThing: false, clientIdPattern: '${iot:ClientId}', publishTopics: [], subscribeTopicFilters: [`things/${THING}/#`],
    }, [THING_VARIABLE]],
    ['requireAttachedThing: false, no thing variable', {
      requireAttachedThing: false, clientIdPattern: '${iot:ClientId}', publishTopics: [], subscribeTopicFilters: ['clients/${iot:ClientId}/#'],
    }, []],
    ['requireAttachedThing: true (explicit), thing variables', { requireAttachedThing: true }, []],
    // networkConditionOnEveryAction: restrictEveryAction true, whatever the topics.
    ['restrictEveryAction: true', { restrictEveryAction: true }, [EVERY_ACTION]],
    ['restrictEveryAction: true, a publish topic without thing variable (no HTTPS warning)', { restrictEveryAction: true, publishTopics: ['fleet/up'] }, [EVERY_ACTION]],
    ['restrictEveryAction: false', { restrictEveryAction: false }, []],
    // networkConditionOnConnectOnly: conditions on Connect only and a literal publish topic without thing variable.
    ['a publish topic without thing variable', { publishTopics: [`things/${THING}/up`, 'fleet/up'] }, [CONNECT_ONLY]],
    ['restrictEveryAction: false, ${iot:ClientId} is no thing variable', { restrictEveryAction: false, publishTopics: ['clients/${iot:ClientId}/up'] }, [CONNECT_ONLY]],
    ['filters and receive topics without thing variables (HTTPS cannot subscribe)', {
      publishTopics: [], subscribeTopicFilters: ['fleet/#'], receiveTopics: ['fleet/news'],
    }, []],
    ['every publish topic with a thing variable', { publishTopics: [`things/${THING}/up`, 'attr/${iot:Connection.Thing.Attributes[site]}/up'] }, []],
    ['several at once', { requireAttachedThing: false, publishTopics: ['/fleet/up'] }, [CONNECT_ONLY, THING_VARIABLE, LEADING_SLASH].sort()],
  ])('%s', (_name, props, expected) => {
    expect(idsFor(props)).toEqual(expected);
  });

  test('tokens are not looked into: no leading-slash or HTTPS warning for a topic parameter', () => {
    const stack = newStack({ env: ENV });
    const topic = new CfnParameter(stack, 'Topic').valueAsString;
    new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A], publishTopics: [topic], subscribeTopicFilters: [topic] });
    expect(warningIds(stack)).toEqual([]);
  });
});

describe('limits and topic rules, both sides', () => {
  const construct = (props: Partial<VpceOnlyIotPolicyProps>) => () => new VpceOnlyIotPolicy(newStack({ env: ENV }), 'Policy', { vpcEndpointIds: [VPCE_A], ...props });
  const bytes = (value: string) => Buffer.byteLength(value, 'utf8');
  const E2 = 'é'; // 2 bytes in UTF-8
  const E3 = '€'; // 3 bytes in UTF-8

  test('the multi-byte fixtures are what the tests say', () => {
    expect([bytes(E2), bytes(E3)]).toEqual([2, 3]);
    expect([bytes(`${E3.repeat(42)}ab`), `${E3.repeat(42)}ab`.length]).toEqual([128, 44]);
    expect([bytes(E3.repeat(43)), E3.repeat(43).length]).toEqual([129, 43]);
    expect([bytes(`${E2.repeat(128)}t`), `${E2.repeat(128)}t`.length]).toEqual([257, 129]);
  });

  describe('client id: at most 128 bytes of UTF-8 (AWS IoT Core quota)', () => {
    test.each([
      ['128 ASCII characters', 'x'.repeat(128)],
      ['128 bytes in 44 characters', `${E3.repeat(42)}ab`],
      ['128 bytes in 64 two-byte characters', E2.repeat(64)],
    ])('%s: valid', (_name, clientIdPattern) => {
      expect(construct({ clientIdPattern })).not.toThrow();
    });

    test.each([
      ['129 ASCII characters', 'x'.repeat(129)],
      ['129 bytes in 43 characters', E3.repeat(43)],
      ['129 bytes in 65 characters', `${E2.repeat(64)}x`],
    ])('%s: invalid', (_name, clientIdPattern) => {
      expect(construct({ clientIdPattern })).toThrow(/clientIdPattern '.*' is longer than the 128 bytes AWS IoT Core allows for a client id; use a shorter pattern/);
    });
  });

  describe('topics and filters: at most 256 bytes of UTF-8, the Basic Ingest prefix $aws/rules/<rule>/ not counted', () => {
    test.each<[string, Partial<VpceOnlyIotPolicyProps>]>([
      ['a 256-byte topic', { publishTopics: ['t'.repeat(256)] }],
      ['a 256-byte topic of two-byte characters', { publishTopics: [E2.repeat(128)] }],
      ['a 256-byte filter', { subscribeTopicFilters: [`${'f'.repeat(254)}/#`] }],
      ['a 256-byte receive topic', { receiveTopics: ['r'.repeat(256)] }],
      ['a Basic Ingest topic: 256 bytes after the prefix', { allowReservedTopics: true, publishTopics: [`$aws/rules/my_rule/${'t'.repeat(256)}`] }],
    ])('%s: valid', (_name, props) => {
      expect(construct(props)).not.toThrow();
    });

    test.each<[string, Partial<VpceOnlyIotPolicyProps>, string]>([
      ['a 257-byte topic', { publishTopics: ['t'.repeat(257)] }, 'publishTopics'],
      ['257 bytes in 129 characters', { publishTopics: [`${E2.repeat(128)}t`] }, 'publishTopics'],
      ['a 257-byte filter', { subscribeTopicFilters: [`${'f'.repeat(255)}/#`] }, 'subscribeTopicFilters'],
      ['a 257-byte receive topic', { receiveTopics: ['r'.repeat(257)] }, 'receiveTopics'],
      ['a Basic Ingest topic: 257 bytes after the prefix', { allowReservedTopics: true, publishTopics: [`$aws/rules/my_rule/${'t'.repeat(257)}`] }, 'publishTopics'],
      ['another reserved topic: its $aws/ levels count', { allowReservedTopics: true, publishTopics: [`$aws/things/${'t'.repeat(245)}`] }, 'publishTopics'],
    ])('%s: invalid', (_name, props, prop) => {
      expect(construct(props)).toThrow(new RegExp(`${prop} contains '.*', longer than the 256 bytes AWS IoT Core allows; use a shorter topic`));
    });
  });

  describe('topics and filters: at most 7 forward slashes (8 levels), the Basic Ingest prefix $aws/rules/<rule>/ not counted', () => {
    test.each<[string, Partial<VpceOnlyIotPolicyProps>]>([
      ['7 slashes in a topic', { publishTopics: ['a/b/c/d/e/f/g/h'] }],
      ['7 slashes in a filter ending with #', { subscribeTopicFilters: ['a/b/c/d/e/f/g/#'] }],
      ['7 slashes, the first one leading', { publishTopics: ['/a/b/c/d/e/f/g'] }],
      ['7 slashes in a receive topic', { receiveTopics: ['a/b/c/d/e/f/g/*'] }],
      ['Basic Ingest: 3 prefix slashes + 7', { allowReservedTopics: true, publishTopics: ['$aws/rules/my_rule/a/b/c/d/e/f/g/h'] }],
      ['slashes inside a policy variable do not count', { publishTopics: ['a/b/c/d/e/f/g/${iot:Connection.Thing.Attributes[x/y]}'] }],
    ])('%s: valid', (_name, props) => {
      expect(construct(props)).not.toThrow();
    });

    test.each<[string, Partial<VpceOnlyIotPolicyProps>, string]>([
      ['8 slashes in a topic', { publishTopics: ['a/b/c/d/e/f/g/h/i'] }, 'publishTopics'],
      ['8 slashes in a filter', { subscribeTopicFilters: ['a/b/c/d/e/f/g/h/#'] }, 'subscribeTopicFilters'],
      ['8 slashes, the first one leading', { publishTopics: ['/a/b/c/d/e/f/g/h'] }, 'publishTopics'],
      ['8 slashes in a receive topic', { receiveTopics: ['a/b/c/d/e/f/g/h/*'] }, 'receiveTopics'],
      // The exemption covers the prefix only: AWS IoT Core counts the rest of a Basic Ingest topic.
      ['Basic Ingest: 3 prefix slashes + 8', { allowReservedTopics: true, publishTopics: ['$aws/rules/my_rule/a/b/c/d/e/f/g/h/i'] }, 'publishTopics'],
      ['another reserved topic: its $aws/ levels count', { allowReservedTopics: true, publishTopics: ['$aws/things/x/shadow/name/a/b/c/d'] }, 'publishTopics'],
      ['$aws/rulesx/ is no Basic Ingest prefix', { allowReservedTopics: true, publishTopics: ['$aws/rulesx/a/b/c/d/e/f/g'] }, 'publishTopics'],
    ])('%s: invalid', (_name, props, prop) => {
      expect(construct(props)).toThrow(new RegExp(`${prop} contains '.*', which has more than the 7 forward slashes AWS IoT Core allows.*; use a flatter topic hierarchy`));
    });
  });

  describe('the null character (MQTT forbids U+0000 in topics)', () => {
    test.each<[string, Partial<VpceOnlyIotPolicyProps>]>([
      ['publishTopics', { publishTopics: ['a\u0000b'] }],
      ['subscribeTopicFilters', { subscribeTopicFilters: ['a/\u0000/#'] }],
      ['receiveTopics', { receiveTopics: ['\u0000'] }],
    ])('in %s: invalid', (prop, props) => {
      expect(construct(props)).toThrow(new RegExp(`${prop} contains a topic( filter)? with the null character; remove it`));
    });

    test('the characters next to it (U+0001, and the digit 0) are not refused', () => {
      expect(construct({ publishTopics: ['a\u0001b', 'a0b', 'a\\0b'] })).not.toThrow();
    });
  });

  describe('wildcards', () => {
    test.each<[string, Partial<VpceOnlyIotPolicyProps>]>([
      ['# as the whole last level of a filter', { subscribeTopicFilters: ['a/b/#'] }],
      ['+ as whole levels of a filter', { subscribeTopicFilters: ['+/status', 'a/+/+/c'] }],
      ['the policy wildcard * inside topic names', { publishTopics: ['a/*', 'a/b*c'], receiveTopics: ['x/*/y'] }],
      ['* in a filter', { subscribeTopicFilters: ['a/*'] }],
      ['wildcards with some literal text are not "every topic"', { publishTopics: ['a*'], subscribeTopicFilters: ['+/a/#'] }],
      ['only wildcards with allowAllTopics', { allowAllTopics: true, publishTopics: ['*', '*/*'], subscribeTopicFilters: ['#', '+/#', '/+'], receiveTopics: ['/*'] }],
      ['a topic starting with a policy variable is not reserved', { publishTopics: ['${iot:Connection.Thing.ThingName}/up'] }],
      ['* in the client id with allowAnyClientId', { clientIdPattern: 'dev-*', allowAnyClientId: true }],
    ])('%s: valid', (_name, props) => {
      expect(construct(props)).not.toThrow();
    });

    test.each<[string, Partial<VpceOnlyIotPolicyProps>, RegExp]>([
      ['# in a topic name', { publishTopics: ['a/#'] }, /publishTopics contains 'a\/#': MQTT wildcards '#' and '\+' cannot occur in topic names; use the policy wildcard \*/],
      ['+ in a receive topic', { receiveTopics: ['a/+/b'] }, /receiveTopics contains 'a\/\+\/b': MQTT wildcards/],
      ['# not the last level', { subscribeTopicFilters: ['a/#/b'] }, /subscribeTopicFilters contains 'a\/#\/b': the MQTT wildcard '#' must be a whole level and the last one/],
      ['# inside a level', { subscribeTopicFilters: ['a/b#'] }, /subscribeTopicFilters contains 'a\/b#': the MQTT wildcard '#' must be a whole level/],
      ['+ inside a level', { subscribeTopicFilters: ['a+/b'] }, /subscribeTopicFilters contains 'a\+\/b': the MQTT wildcard '\+' must be a whole level/],
      ['only wildcards: */*', { publishTopics: ['*/*'] }, /publishTopics contains '\*\/\*', which matches every topic; .*allowAllTopics: true/],
      ['only wildcards: +/#', { subscribeTopicFilters: ['+/#'] }, /subscribeTopicFilters contains '\+\/#', which matches every topic/],
      ['only wildcards: / and *', { receiveTopics: ['/*'] }, /receiveTopics contains '\/\*', which matches every topic/],
      ['+ in the client id', { clientIdPattern: 'dev-+' }, /clientIdPattern 'dev-\+' contains the MQTT wildcard/],
      ['* in the client id without allowAnyClientId', { clientIdPattern: 'dev-*', allowAnyClientId: false }, /clientIdPattern 'dev-\*' contains the policy wildcard '\*'/],
      ['a reserved topic in a filter', { subscribeTopicFilters: ['$aws/events/#'] }, /subscribeTopicFilters contains '\$aws\/events\/#', a reserved topic/],
    ])('%s: invalid', (_name, props, message) => {
      expect(construct(props)).toThrow(message);
    });
  });
});

describe('policy document size: at most 2,048 characters, white space excluded', () => {
  const LIMIT = 2048;
  /** How the error qualifies the size (a regular expression source). */
  const ESTIMATE = '\\(an estimate, white space excluded, that counts each token at the length it deploys as: 22 characters for the id of a VPC '
    + 'endpoint the app creates, 21 for a VPC, the shortest value it can take for other tokens\\)';
  const US_EAST_1 = { env: { account: '111111111111', region: 'us-east-1' } };

  /**
   * The size AWS IoT Core counts (CreatePolicy: "maximum length of 2048, excluding whitespace"): the document as
   * JSON, without any white space, inside strings too. (Whether AWS also leaves out the white space inside topic
   * names is not documented; the library assumes it does.)
   */
  function awsSize(document: unknown): number {
    return JSON.stringify(document).replace(/\s/g, '').length;
  }

  /** The document a policy of `props` renders to, without synthesis (so without the size check). */
  function rendered(props: VpceOnlyIotPolicyProps, stackProps: StackProps): any {
    const stack = newStack(stackProps);
    const policy = new VpceOnlyIotPolicy(stack, 'Policy', props);
    return stack.resolve(policy.document);
  }

  type PadProp = 'publishTopics' | 'receiveTopics';
  const PAD_MAX = 200;

  /**
   * `shape` with `pad<i>/xxx…` topics appended to `prop`, so that the document `shape` renders to in `stackProps` is
   * exactly `target` characters (measured, never computed from the library's estimate).
   */
  function ofSize(shape: VpceOnlyIotPolicyProps, prop: PadProp, target: number, stackProps: StackProps = { env: ENV }): VpceOnlyIotPolicyProps {
    const base = shape[prop] ?? (prop === 'publishTopics' ? [`things/${THING}/*`] : []);
    const padded = (lengths: number[]) => ({ ...shape, [prop]: [...base, ...lengths.map((n, i) => `pad${i}/${'x'.repeat(n)}`)] });
    for (let count = 0; count < 20; count++) {
      const lengths: number[] = new Array(count).fill(1);
      let missing = target - awsSize(rendered(padded(lengths), stackProps));
      if (missing < 0) {
        throw new Error(`shape too large for ${target} characters`);
      }
      if (missing <= count * (PAD_MAX - 1) && (count > 0 || missing === 0)) {
        for (let i = 0; i < count; i++) {
          const add = Math.min(missing, PAD_MAX - 1);
          lengths[i] += add;
          missing -= add;
        }
        const props = padded(lengths);
        expect(awsSize(rendered(props, stackProps))).toBe(target);
        return props;
      }
    }
    throw new Error('no padding found');
  }

  /** Synthesizes a policy of `props`; returns the synthesized document, or the error. */
  function synth(props: VpceOnlyIotPolicyProps, stackProps: StackProps = { env: ENV }): { document?: any; error?: any } {
    const stack = newStack(stackProps);
    new VpceOnlyIotPolicy(stack, 'Policy', props);
    try {
      return { document: Object.values(Template.fromStack(stack).findResources('AWS::IoT::Policy'))[0].Properties.PolicyDocument };
    } catch (error) {
      return { error };
    }
  }

  function expectAccepted(props: VpceOnlyIotPolicyProps, size: number, stackProps: StackProps = { env: ENV }): void {
    const { document, error } = synth(props, stackProps);
    expect(error).toBeUndefined();
    if (stackProps.env) {
      expect(awsSize(document)).toBe(size); // the template holds the measured document
    }
  }

  /** Synthesis fails with the message of our error, returned by the policy's validation; returns that message. */
  function expectRejected(props: VpceOnlyIotPolicyProps, size: number, stackProps: StackProps = { env: ENV }): string {
    const message = policyValidationMessage(synth(props, stackProps).error);
    expect(message).toMatch(/^CdkPrivateIotError: VpceOnlyIotPolicy 'Stack\/Policy': /);
    expect(message).toMatch(new RegExp(`\\(\\d+ entries\\) make the policy document at least ${size} characters once deployed ${ESTIMATE}, `
      + 'more than the 2048 AWS IoT Core accepts; use fewer or wildcard topics, or split the permissions into several policies$'));
    return message;
  }

  const IMPORTED = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'Imported', IMPORTED_VPC);
  const shapes: Array<[string, VpceOnlyIotPolicyProps, PadProp]> = [
    ['defaults', { vpcEndpointIds: [VPCE_A] }, 'publishTopics'],
    ['no topics but the padding', { vpcEndpointIds: [VPCE_A], publishTopics: [], subscribeTopicFilters: [] }, 'publishTopics'],
    ['receive topics only', { vpcEndpointIds: [VPCE_A], publishTopics: [], subscribeTopicFilters: [], receiveTopics: ['broadcast'] }, 'receiveTopics'],
    ['topics of many lengths, receive derived from filters', {
      vpcEndpointIds: [VPCE_A],
      publishTopics: ['a', `things/${THING}/telemetry`, `fleet/site-42/line-7/${'m'.repeat(90)}`, 'b/*', 'c'.repeat(30)],
      subscribeTopicFilters: ['fleet/+/cmd/#', `things/${THING}/jobs/#`, 'x'],
    }, 'publishTopics'],
    ['duplicate topics (deduplicated)', { vpcEndpointIds: [VPCE_A, VPCE_A], publishTopics: ['up', 'up', 'up'] }, 'publishTopics'],
    ['sourceIpCidrs (IPv4 and IPv6)', { vpcEndpointIds: [VPCE_A], sourceIpCidrs: ['10.20.0.0/16', '192.168.0.0/24', '2001:db8::/56'] }, 'publishTopics'],
    ['sourceVpcIds and several endpoints', { vpcEndpointIds: [VPCE_A, VPCE_B], sourceVpcIds: ['vpc-0a1b2c3d4e5f67890', 'vpc-11112222'] }, 'publishTopics'],
    ['requireAttachedThing: false', { vpcEndpointIds: [VPCE_A], requireAttachedThing: false }, 'publishTopics'],
    ['requireAttachedThing: false, endpoint condition only', {
      vpcEndpointIds: [VPCE_A], requireAttachedThing: false, publishTopics: [], subscribeTopicFilters: [], receiveTopics: ['r'],
    }, 'receiveTopics'],
    ['restrictEveryAction with every network condition', {
      vpcEndpointIds: [VPCE_A], sourceVpcIds: ['vpc-11112222'], sourceIpCidrs: ['10.0.0.0/8'], restrictEveryAction: true,
    }, 'publishTopics'],
    ['restrictEveryAction, receive topics only', {
      vpcEndpointIds: [VPCE_A], restrictEveryAction: true, publishTopics: [], subscribeTopicFilters: [], receiveTopics: ['r/1', 'r/2'],
    }, 'receiveTopics'],
    ['retain publish, custom client id, reserved topics', {
      vpcEndpointIds: [VPCE_A],
      allowRetainPublish: true,
      clientIdPattern: 'sensor-*',
      allowAnyClientId: true,
      allowReservedTopics: true,
      publishTopics: [`$aws/things/${THING}/shadow/update`],
      subscribeTopicFilters: [`$aws/things/${THING}/shadow/update/accepted`],
    }, 'publishTopics'],
    ['topics with spaces (white space is not counted)', { vpcEndpointIds: [VPCE_A], publishTopics: ['site 1/line 2/up', 'a  b'] }, 'publishTopics'],
    ['topics with quotes and backslashes (their JSON escapes count)', { vpcEndpointIds: [VPCE_A], publishTopics: ['say"hi"/x', 'a\\b'] }, 'publishTopics'],
  ];

  test.each(shapes)('concrete stack, %s: exactly 2048 characters synthesize, 2049 fail naming 2049', (_name, shape, prop) => {
    expectAccepted(ofSize(shape, prop, LIMIT), LIMIT);
    expectRejected(ofSize(shape, prop, LIMIT + 1), LIMIT + 1);
  });

  test('concrete stack with sourceVpcs (an imported VPC of literal id): 2048 synthesize, 2049 fail', () => {
    // The VPC comes from props built per stack: measure and synthesize in the same kind of stack.
    const build = (topics: string[]) => {
      const stack = newStack({ env: ENV });
      new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A], sourceVpcs: [IMPORTED(stack)], publishTopics: topics });
      return stack;
    };
    // Same document as sourceVpcIds with the imported VPC's id.
    const twin = { vpcEndpointIds: [VPCE_A], sourceVpcIds: [IMPORTED_VPC.vpcId] };
    for (const [size, ok] of [[LIMIT, true], [LIMIT + 1, false]] as const) {
      const topics = ofSize(twin, 'publishTopics', size).publishTopics!;
      const stack = build(topics);
      if (ok) {
        expect(awsSize(Object.values(Template.fromStack(stack).findResources('AWS::IoT::Policy'))[0].Properties.PolicyDocument)).toBe(size);
      } else {
        expect(() => Template.fromStack(stack)).toThrow(new RegExp(`at least ${size} characters`));
      }
    }
  });

  test('China partition (longer ARNs): exactly 2048 synthesize, 2049 fail', () => {
    const china = { env: { account: '111111111111', region: 'cn-north-1' } };
    const shape = { vpcEndpointIds: [VPCE_A] };
    expectAccepted(ofSize(shape, 'publishTopics', LIMIT, china), LIMIT, china);
    expectRejected(ofSize(shape, 'publishTopics', LIMIT + 1, china), LIMIT + 1, china);
  });

  test.each(shapes)(
    'env-agnostic stack, %s: counted as in the shortest region (us-east-1, partition aws): 2048 there synthesize, 2049 fail',
    (_name, shape, prop) => {
      // The measured size in us-east-1 is the smallest the document can have in any region.
      expectAccepted(ofSize(shape, prop, LIMIT, US_EAST_1), LIMIT, {});
      expectRejected(ofSize(shape, prop, LIMIT + 1, US_EAST_1), LIMIT + 1, {});
    });

  test('a concrete stack counts its own region: the policy of 2048 characters in us-east-1 is longer in ap-southeast-1 and fails', () => {
    const props = ofSize({ vpcEndpointIds: [VPCE_A] }, 'publishTopics', LIMIT, US_EAST_1);
    const apSoutheast = { env: { account: '111111111111', region: 'ap-southeast-1' } };
    const size = awsSize(rendered(props, apSoutheast));
    expect(size).toBeGreaterThan(LIMIT);
    expectRejected(props, size, apSoutheast);
  });

  test('intrinsics count as their shortest value: an id parameter or import as the shortest id, other parameters and parts of a join as nothing', () => {
    // Literal twin in us-east-1: VPCE_A (22 characters) where the other policy has an endpoint id parameter (at least
    // 'vpce-' and 8 digits: 13), VPC_ID (21) where it imports a VPC id (at least 'vpc-' and 8 digits: 12), 'x' and 'c'
    // where it has other parameters (any length, even empty).
    const VPC_ID = 'vpc-0a1b2c3d4e5f67890';
    const missing = (VPCE_A.length - 13) + (VPC_ID.length - 12) + 'x'.length + 'c'.length;
    const twin = (size: number) => ofSize({
      vpcEndpointIds: [VPCE_A], sourceVpcIds: [VPC_ID], clientIdPattern: 'c', publishTopics: ['fleet/x'],
    }, 'publishTopics', size + missing, US_EAST_1);
    const withIntrinsics = (size: number) => {
      const stack = newStack();
      const topics = twin(size).publishTopics!;
      new VpceOnlyIotPolicy(stack, 'Policy', {
        vpcEndpointIds: [new CfnParameter(stack, 'EndpointId').valueAsString],
        sourceVpcIds: [Fn.importValue('DeviceVpcId')],
        clientIdPattern: new CfnParameter(stack, 'ClientId').valueAsString,
        publishTopics: [Fn.join('/', ['fleet', new CfnParameter(stack, 'Site').valueAsString]), ...topics.slice(1)],
      });
      return stack;
    };
    const document = Template.fromStack(withIntrinsics(LIMIT)).toJSON().Resources;
    expect(JSON.stringify(document)).toContain('{"Fn::Join":["/",["fleet",{"Ref":"Site"}]]}');
    expect(JSON.stringify(document)).toContain('{"Fn::ImportValue":"DeviceVpcId"}');
    expect(() => Template.fromStack(withIntrinsics(LIMIT + 1))).toThrow(new RegExp(`at least 2049 characters once deployed ${ESTIMATE}`));
  });

  /**
   * Builds policies whose document, once deployed, is `size` characters: `twin` is a literal policy of that size, `build`
   * the policy under test given the twin's publish topics (the padding).
   */
  function expectBoundary(twin: (size: number) => VpceOnlyIotPolicyProps, build: (topics: string[]) => Stack): void {
    expect(() => Template.fromStack(build(twin(LIMIT).publishTopics!))).not.toThrow();
    expect(() => Template.fromStack(build(twin(LIMIT + 1).publishTopics!))).toThrow(/at least 2049 characters once deployed/);
  }

  test('a Ref to an endpoint the app creates counts as the 22 characters of its id (vpce- and 17 digits): 2048 synthesize, 2049 fail', () => {
    expectBoundary((size) => ofSize({ vpcEndpointIds: [VPCE_A] }, 'publishTopics', size), (topics) => {
      const stack = newStack({ env: ENV });
      const endpoint = new FakeIotDataEndpoint(stack, 'Iot', ec2.Vpc.fromVpcAttributes(stack, 'Imported', IMPORTED_VPC), 1);
      new VpceOnlyIotPolicy(stack, 'Policy', { endpoints: [endpoint], publishTopics: topics });
      expect(stack.resolve(endpoint.dataEndpoints[0].vpcEndpointId)).toEqual({ Ref: expect.stringMatching(/^IotData0/) });
      return stack;
    });
  });

  test('with restrictEveryAction, each of the 4 copies of a created endpoint\'s id counts 22 characters: 2048 synthesize, 2049 fail', () => {
    const shape = { vpcEndpointIds: [VPCE_A, VPCE_A.replace('0', '1')], restrictEveryAction: true };
    expectBoundary((size) => ofSize(shape, 'publishTopics', size), (topics) => {
      const stack = newStack({ env: ENV });
      const endpoint = new FakeIotDataEndpoint(stack, 'Iot', ec2.Vpc.fromVpcAttributes(stack, 'Imported', IMPORTED_VPC), 2);
      new VpceOnlyIotPolicy(stack, 'Policy', { endpoints: [endpoint], restrictEveryAction: true, publishTopics: topics });
      return stack;
    });
  });

  test('a Ref to a VPC the app creates counts as the 21 characters of its id (vpc- and 17 digits): 2048 synthesize, 2049 fail', () => {
    expectBoundary((size) => ofSize({ vpcEndpointIds: [VPCE_A], sourceVpcIds: [IMPORTED_VPC.vpcId] }, 'publishTopics', size), (topics) => {
      const stack = newStack({ env: ENV });
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [] });
      new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [VPCE_A], sourceVpcs: [vpc], publishTopics: topics });
      return stack;
    });
  });

  test('an endpoint of another stack (an export of its Ref) counts as 22 characters too: 2048 synthesize, 2049 fail', () => {
    expectBoundary((size) => ofSize({ vpcEndpointIds: [VPCE_A] }, 'publishTopics', size), (topics) => {
      const app = new App({ context: PARTITION_LITERALS });
      const network = new Stack(app, 'Network', { env: ENV });
      const endpoint = new FakeIotDataEndpoint(network, 'Iot', ec2.Vpc.fromVpcAttributes(network, 'Imported', IMPORTED_VPC), 1);
      const stack = new Stack(app, 'Stack', { env: ENV });
      new VpceOnlyIotPolicy(stack, 'Policy', { endpoints: [endpoint], publishTopics: topics });
      return stack;
    });
    // the reference is an import in the policy's template
    const app = new App({ context: PARTITION_LITERALS });
    const network = new Stack(app, 'Network', { env: ENV });
    const endpoint = new FakeIotDataEndpoint(network, 'Iot', ec2.Vpc.fromVpcAttributes(network, 'Imported', IMPORTED_VPC), 1);
    const stack = new Stack(app, 'Stack', { env: ENV });
    new VpceOnlyIotPolicy(stack, 'Policy', { endpoints: [endpoint], publishTopics: [] });
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain('Fn::ImportValue');
  });

  test('a Ref to an endpoint counts 22 characters wherever it is (in a topic too); another attribute of it counts as nothing', () => {
    // Twin: the endpoint's id in the condition and in the topic (VPCE_A, 22 characters twice).
    const twin = (size: number) => ofSize({ vpcEndpointIds: [VPCE_A], publishTopics: [`ids/${VPCE_A}`] }, 'publishTopics', size);
    expectBoundary(twin, (topics) => {
      const stack = newStack({ env: ENV });
      const endpoint = new FakeIotDataEndpoint(stack, 'Iot', ec2.Vpc.fromVpcAttributes(stack, 'Imported', IMPORTED_VPC), 1);
      const id = endpoint.dataEndpoints[0].vpcEndpointId;
      new VpceOnlyIotPolicy(stack, 'Policy', { endpoints: [endpoint], publishTopics: [`ids/${id}`, ...topics.slice(1)] });
      return stack;
    });
    // Twin: 'ids/' and nothing for the creation time (a GetAtt of the endpoint, not its id).
    const timeTwin = (size: number) => ofSize({ vpcEndpointIds: [VPCE_A], publishTopics: ['ids/'] }, 'publishTopics', size);
    expectBoundary(timeTwin, (topics) => {
      const stack = newStack({ env: ENV });
      const endpoint = new FakeIotDataEndpoint(stack, 'Iot', ec2.Vpc.fromVpcAttributes(stack, 'Imported', IMPORTED_VPC), 1);
      const created = (endpoint.dataEndpoints[0].node.defaultChild as ec2.CfnVPCEndpoint).attrCreationTimestamp;
      new VpceOnlyIotPolicy(stack, 'Policy', { endpoints: [endpoint], publishTopics: [`ids/${created}`, ...topics.slice(1)] });
      return stack;
    });
  });

  test('an endpoint id made of vpce- and a parameter counts as the shortest endpoint id (13 characters), not only its literal part', () => {
    const twin = (size: number) => ofSize({ vpcEndpointIds: ['vpce-1a2b3c4d'] }, 'publishTopics', size);
    expectBoundary(twin, (topics) => {
      const stack = newStack({ env: ENV });
      const policy = new VpceOnlyIotPolicy(stack, 'Policy', {
        vpcEndpointIds: [`vpce-${new CfnParameter(stack, 'EndpointSuffix').valueAsString}`], publishTopics: topics,
      });
      expect(stack.resolve(policy.vpcEndpointIds)).toEqual([{ 'Fn::Join': ['', ['vpce-', { Ref: 'EndpointSuffix' }]] }]);
      return stack;
    });
  });

  test('a parameter used as an endpoint id and in a topic counts as the shortest endpoint id (13 characters) in both places', () => {
    const shortId = 'vpce-1a2b3c4d';
    const twin = (size: number) => ofSize({ vpcEndpointIds: [shortId], publishTopics: [shortId] }, 'publishTopics', size);
    expectBoundary(twin, (topics) => {
      const stack = newStack({ env: ENV });
      const id = new CfnParameter(stack, 'EndpointId').valueAsString;
      new VpceOnlyIotPolicy(stack, 'Policy', { vpcEndpointIds: [id], publishTopics: [id, ...topics.slice(1)] });
      return stack;
    });
  });

  describe('the error names the topic prop that takes the most room, with its own number of entries', () => {
    const long = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}/${i}/${'y'.repeat(150)}`);

    test('publishTopics', () => {
      const props = { vpcEndpointIds: [VPCE_A], publishTopics: long('p', 12), subscribeTopicFilters: long('s', 2) };
      const message = expectRejected(props, awsSize(rendered(props, { env: ENV })));
      expect(message).toMatch(/'Stack\/Policy': publishTopics \(12 entries\) make the policy document/);
    });

    test('subscribeTopicFilters, counting the receive topics derived from them (never receiveTopics, which the user did not set)', () => {
      // Each 'a/…/#' filter also yields two receive topics: receive takes more room than the filters themselves.
      const props = { vpcEndpointIds: [VPCE_A], publishTopics: long('p', 5), subscribeTopicFilters: long('s', 4).map((f) => `${f}/#`) };
      const message = expectRejected(props, awsSize(rendered(props, { env: ENV })));
      expect(message).toMatch(/'Stack\/Policy': subscribeTopicFilters \(4 entries\) make the policy document/);
    });

    test('receiveTopics when given', () => {
      const props = { vpcEndpointIds: [VPCE_A], publishTopics: long('p', 3), receiveTopics: long('r', 9) };
      const message = expectRejected(props, awsSize(rendered(props, { env: ENV })));
      expect(message).toMatch(/'Stack\/Policy': receiveTopics \(9 entries\) make the policy document/);
    });

    test('on a tie, the first of publishTopics, subscribeTopicFilters, receiveTopics', () => {
      const props = { vpcEndpointIds: [VPCE_A], publishTopics: long('t', 6), subscribeTopicFilters: long('t', 6), receiveTopics: long('t', 6) };
      expect(expectRejected(props, awsSize(rendered(props, { env: ENV })))).toMatch(/'Stack\/Policy': publishTopics \(6 entries\) make/);
    });
  });

  describe('when the network conditions take the most room, the error names restrictEveryAction or the endpoint prop', () => {
    /** `count` distinct literal endpoint ids, `vpce-` and 17 digits. */
    const ids = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `vpce-${String(from + i).padStart(17, '0')}`);
    const topics = (count: number) => Array.from({ length: count }, (_, i) => `p/${i}/${'y'.repeat(95)}`);
    const SPLIT_FIX = 'name only the VPC endpoints devices connect through, or split the devices over several policies';
    /** The message of our error that synthesis fails with. */
    const rejected = (props: VpceOnlyIotPolicyProps, stack = newStack({ env: ENV })): string => {
      new VpceOnlyIotPolicy(stack, 'Policy', props);
      return policyValidationMessage(thrown(() => Template.fromStack(stack)));
    };

    test('restrictEveryAction: its copies of the conditions (4 statements here) outweigh 5 long publish topics', () => {
      // conditions of 10 ids: about 290 characters, 1,160 in 4 statements; the topics: 5 x 100
      const props = { vpcEndpointIds: ids(10), restrictEveryAction: true, publishTopics: topics(5) };
      expect(rejected(props)).toBe('CdkPrivateIotError: VpceOnlyIotPolicy \'Stack/Policy\': restrictEveryAction is true: the network conditions '
        + `(10 VPC endpoint ids) repeated in 4 statements make the policy document at least ${awsSize(rendered(props, { env: ENV }))} characters once `
        + `deployed ${ESTIMATE.replace(/\\/g, '')}, more than the 2048 AWS IoT Core accepts; set restrictEveryAction: false (the conditions on `
        + 'iot:Connect only), name fewer VPC endpoints, or split the permissions into several policies');
    });

    test('restrictEveryAction counts the statements there are: 2 here (connect and receive)', () => {
      const props = { vpcEndpointIds: ids(45), restrictEveryAction: true, publishTopics: [], subscribeTopicFilters: [], receiveTopics: ['r'] };
      expect(rejected(props)).toMatch(/restrictEveryAction is true: the network conditions \(45 VPC endpoint ids\) repeated in 2 statements make/);
    });

    test('without restrictEveryAction, the conditions count once: 16 long publish topics outweigh 60 endpoint ids', () => {
      // conditions of 60 ids: about 1,540 characters (6,160 if they were counted in each of the 4 statements); the topics: 1,600
      expect(rejected({ vpcEndpointIds: ids(60), publishTopics: topics(16) })).toMatch(/'Stack\/Policy': publishTopics \(16 entries\) make the policy document at least \d+ characters/);
    });

    test('without restrictEveryAction, 90 endpoint ids outweigh the default topics: vpcEndpointIds is named with the number of ids', () => {
      const props = { vpcEndpointIds: ids(90) };
      expect(rejected(props)).toBe('CdkPrivateIotError: VpceOnlyIotPolicy \'Stack/Policy\': vpcEndpointIds (90 VPC endpoint ids in all, in the '
        + `aws:SourceVpce condition) make the policy document at least ${awsSize(rendered(props, { env: ENV }))} characters once deployed `
        + `${ESTIMATE.replace(/\\/g, '')}, more than the 2048 AWS IoT Core accepts; ${SPLIT_FIX}`);
    });

    test('the endpoint prop with the most ids: endpoints (80 data endpoints, 22 characters each) over 10 vpcEndpoints and vpcEndpointIds', () => {
      const stack = newStack({ env: ENV });
      const endpoint = new FakeIotDataEndpoint(stack, 'Iot', ec2.Vpc.fromVpcAttributes(stack, 'Imported', IMPORTED_VPC), 80);
      const vpcEndpoints = ids(10, 100).map((vpcEndpointId, i) => ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, `Ep${i}`, {
        vpcEndpointId, port: 443,
      }));
      expect(rejected({ endpoints: [endpoint], vpcEndpoints, vpcEndpointIds: ids(10, 200) }, stack)).toMatch(/'Stack\/Policy': endpoints \(100 VPC endpoint ids in all, in the aws:SourceVpce condition\) make the policy document at least \d+ /);
    });

    test.each<[string, number, number, string]>([
      ['vpcEndpoints has more', 60, 30, 'vpcEndpoints'],
      ['vpcEndpointIds has more', 30, 60, 'vpcEndpointIds'],
      ['a tie: the first, vpcEndpoints', 45, 45, 'vpcEndpoints'],
      ['vpcEndpoints only (vpcEndpointIds unset)', 90, 0, 'vpcEndpoints'],
    ])('%s: it is named', (_name, endpoints, endpointIds, prop) => {
      const stack = newStack({ env: ENV });
      const vpcEndpoints = ids(endpoints, 100).map((vpcEndpointId, i) => ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, `Ep${i}`, {
        vpcEndpointId, port: 443,
      }));
      const message = rejected({ vpcEndpoints, vpcEndpointIds: endpointIds > 0 ? ids(endpointIds, 200) : undefined }, stack);
      expect(message).toContain(`'Stack/Policy': ${prop} (90 VPC endpoint ids in all`);
    });

    test('duplicate ids count once in the message', () => {
      expect(rejected({ vpcEndpointIds: [...ids(90), ...ids(90)] })).toContain('vpcEndpointIds (90 VPC endpoint ids in all');
    });
  });
});

describe('sourceIpCidrs behind a load balancer (AWS IoT Core sees the load balancer\'s private address)', () => {
  const DEVICES = '192.168.0.0/16';
  /**
   * A 3-zone VPC 10.0.0.0/16: public subnets 10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24, isolated ones 10.0.3.0/24,
   * 10.0.4.0/24, 10.0.5.0/24; the test fixture offers iot.data in zones a and c only, so load balancers use the
   * subnets of those two zones.
   */
  function setup() {
    const stack = testStack();
    const vpc = testVpc(stack, 'Vpc', {
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
      vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, dataEndpointAddress: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
    });
    return { stack, vpc, endpoint };
  }
  const frontDoor = (ctx: ReturnType<typeof setup>) => new StaticIpIotFrontDoor(ctx.stack, 'FrontDoor', { endpoint: ctx.endpoint, deletionProtection: false });
  const policy = (ctx: ReturnType<typeof setup>, props: Partial<VpceOnlyIotPolicyProps>) =>
    new VpceOnlyIotPolicy(ctx.stack, 'Policy', { endpoints: [ctx.endpoint], publishTopics: [], ...props });
  const UNCOVERED_FRONT_DOOR = new RegExp('VpceOnlyIotPolicy \'TestStack/Policy\': sourceIpCidrs \\[192\\.168\\.0\\.0/16\\] do not cover '
    + '10\\.0\\.0\\.0/24, 10\\.0\\.2\\.0/24, load balancer subnets of StaticIpIotFrontDoor \'TestStack/FrontDoor\' \\(subnets 10\\.0\\.0\\.0/24, 10\\.0\\.2\\.0/24\\).*'
    + 'aws:VpcSourceIp.*; add 10\\.0\\.0\\.0/24, 10\\.0\\.2\\.0/24 to sourceIpCidrs.*or drop sourceIpCidrs');

  test('front door created after the policy, sourceIpCidrs without its subnets: synthesis fails naming the policy, the CIDRs, the subnets and the fix', () => {
    const ctx = setup();
    policy(ctx, { sourceIpCidrs: [DEVICES] });
    frontDoor(ctx);
    expect(() => templateOf(ctx.stack)).toThrow(UNCOVERED_FRONT_DOOR);
  });

  test('front door created before the policy: the same error', () => {
    const ctx = setup();
    frontDoor(ctx);
    policy(ctx, { sourceIpCidrs: [DEVICES] });
    expect(() => templateOf(ctx.stack)).toThrow(UNCOVERED_FRONT_DOOR);
  });

  test('the endpoint named through vpcEndpoints: the same error', () => {
    const ctx = setup();
    frontDoor(ctx);
    policy(ctx, { endpoints: undefined, vpcEndpoints: [ctx.endpoint.dataEndpoints[0]], sourceIpCidrs: [DEVICES] });
    expect(() => templateOf(ctx.stack)).toThrow(UNCOVERED_FRONT_DOOR);
  });

  test('one subnet covered, the other not: the error names only the uncovered one', () => {
    const ctx = setup();
    frontDoor(ctx);
    policy(ctx, { sourceIpCidrs: [DEVICES, '10.0.0.0/24'] });
    expect(() => templateOf(ctx.stack)).toThrow(/do not cover 10\.0\.2\.0\/24, load balancer subnets.*; add 10\.0\.2\.0\/24 to sourceIpCidrs/);
  });

  test.each([
    ['the subnet CIDRs', [DEVICES, '10.0.0.0/24', '10.0.2.0/24']],
    ['the VPC CIDR', [DEVICES, '10.0.0.0/16']],
    ['halves that cover a subnet together', [DEVICES, '10.0.0.0/25', '10.0.0.128/25', '10.0.2.0/24']],
  ])('sourceIpCidrs with %s: synthesizes', (_name, sourceIpCidrs) => {
    const ctx = setup();
    frontDoor(ctx);
    policy(ctx, { sourceIpCidrs });
    expect(() => templateOf(ctx.stack)).not.toThrow();
  });

  test('CIDRs that cover a subnet but its last address: not covered; with the last address: covered', () => {
    const allButLast = ['10.0.0.0/25', '10.0.0.128/26', '10.0.0.192/27', '10.0.0.224/28', '10.0.0.240/29', '10.0.0.248/30', '10.0.0.252/31', '10.0.0.254/32'];
    const uncovered = setup();
    frontDoor(uncovered);
    policy(uncovered, { sourceIpCidrs: [DEVICES, '10.0.2.0/24', ...allButLast] });
    expect(() => templateOf(uncovered.stack)).toThrow(/do not cover 10\.0\.0\.0\/24, load balancer subnets.*; add 10\.0\.0\.0\/24 to sourceIpCidrs/);
    const covered = setup();
    frontDoor(covered);
    policy(covered, { sourceIpCidrs: [DEVICES, '10.0.2.0/24', ...allButLast, '10.0.0.255/32'] });
    expect(() => templateOf(covered.stack)).not.toThrow();
  });

  test('IPv6 CIDRs next to the load balancer subnets are left out of the check (the load balancer has IPv4 addresses)', () => {
    const ctx = setup();
    frontDoor(ctx);
    policy(ctx, { sourceIpCidrs: ['2001:db8::/56', DEVICES, '10.0.0.0/16'] });
    expect(() => templateOf(ctx.stack)).not.toThrow();
  });

  test('no sourceIpCidrs, or a policy over an endpoint no load balancer fronts: synthesizes', () => {
    const ctx = setup();
    frontDoor(ctx);
    policy(ctx, {});
    const other = new PrivateIotDataEndpoint(ctx.stack, 'OtherEndpoint', {
      vpc: ctx.vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, dataEndpointAddress: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
    });
    new VpceOnlyIotPolicy(ctx.stack, 'OtherPolicy', { endpoints: [other], publishTopics: [], sourceIpCidrs: [DEVICES] });
    expect(() => templateOf(ctx.stack)).not.toThrow();
  });

  test('CrossAccountIotEndpointService (internal load balancer in the isolated subnets): the error names the service', () => {
    const ctx = setup();
    policy(ctx, { sourceIpCidrs: [DEVICES, '10.0.0.0/22'] });
    new CrossAccountIotEndpointService(ctx.stack, 'IotService', { endpoint: ctx.endpoint, allowedAccounts: ['222222222222'], deletionProtection: false });
    expect(() => templateOf(ctx.stack)).toThrow(new RegExp('sourceIpCidrs \\[192\\.168\\.0\\.0/16, 10\\.0\\.0\\.0/22\\] do not cover 10\\.0\\.5\\.0/24, '
      + 'load balancer subnets of CrossAccountIotEndpointService \'TestStack/IotService\' \\(subnets 10\\.0\\.3\\.0/24, 10\\.0\\.5\\.0/24\\)'));
  });

  test('CrossAccountIotEndpointService with its subnets in sourceIpCidrs: synthesizes', () => {
    const ctx = setup();
    new CrossAccountIotEndpointService(ctx.stack, 'IotService', { endpoint: ctx.endpoint, allowedAccounts: ['222222222222'], deletionProtection: false });
    policy(ctx, { sourceIpCidrs: [DEVICES, '10.0.3.0/24', '10.0.5.0/24'] });
    expect(() => templateOf(ctx.stack)).not.toThrow();
  });

  test('load balancer subnets imported without a CIDR: no error, a warning that the check was skipped', () => {
    const ctx = setup();
    const subnets = ['a', 'c'].map((az, i) => ec2.Subnet.fromSubnetAttributes(ctx.stack, `Imported${az}`, {
      subnetId: `subnet-0${i}23456789abcdef0`, availabilityZone: `eu-west-1${az}`,
    }));
    new StaticIpIotFrontDoor(ctx.stack, 'FrontDoor', { endpoint: ctx.endpoint, internetFacing: false, subnets: { subnets }, deletionProtection: false });
    policy(ctx, { sourceIpCidrs: [DEVICES] });
    expect(() => templateOf(ctx.stack)).not.toThrow();
    Annotations.fromStack(ctx.stack).hasWarning('/TestStack/Policy',
      Match.stringLikeRegexp("sourceIpCidrs could not be checked against the load balancer subnets of StaticIpIotFrontDoor 'TestStack/FrontDoor'.*frontDoorSourceIpUnchecked"));
  });
});
