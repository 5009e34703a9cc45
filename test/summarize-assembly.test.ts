import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aws, CfnOutput, Fn, Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { AssemblySummary, formatSummary, renderIntrinsic, StackSummary, summarizeAssembly } from '../scripts/summarize-assembly';

// Isolated subnets only: the stacks pass AWS's Control Tower checks (no public IP on launch) like every test template.
const ISOLATED = [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }];

describe('renderIntrinsic', () => {
  test('literals', () => {
    expect(renderIntrinsic('abc')).toBe('abc');
    expect(renderIntrinsic(443)).toBe('443');
    expect(renderIntrinsic(true)).toBe('true');
    expect(renderIntrinsic(undefined)).toBe('');
    expect(renderIntrinsic(['a', { Ref: 'B' }])).toBe('[a, <B>]');
  });

  test('Ref and Fn::GetAtt (array and string form)', () => {
    expect(renderIntrinsic({ Ref: 'AWS::Region' })).toBe('<AWS::Region>');
    expect(renderIntrinsic({ Ref: 'MyVpc1234' })).toBe('<MyVpc1234>');
    expect(renderIntrinsic({ 'Fn::GetAtt': ['IotDataAtsEndpoint1A2B', 'endpointAddress'] })).toBe('<IotDataAtsEndpoint1A2B.endpointAddress>');
    expect(renderIntrinsic({ 'Fn::GetAtt': 'Vpc.CidrBlock' })).toBe('<Vpc.CidrBlock>');
  });

  test('Fn::Join of literals and nested intrinsics', () => {
    expect(renderIntrinsic({ 'Fn::Join': ['.', ['com.amazonaws', { Ref: 'AWS::Region' }, 'iot.data']] }))
      .toBe('com.amazonaws.<AWS::Region>.iot.data');
    expect(renderIntrinsic({
      'Fn::Join': ['', [{ 'Fn::If': ['IsChina', 'cn.', ''] }, 'com.amazonaws.', { Ref: 'AWS::Region' }, '.iot.data']],
    })).toBe('com.amazonaws.<AWS::Region>.iot.data');
    expect(renderIntrinsic({ 'Fn::Join': [',', { Ref: 'SubnetList' }] })).toBe('<SubnetList>');
  });

  test('Fn::Select and Fn::If', () => {
    expect(renderIntrinsic({ 'Fn::Select': [0, { 'Fn::GetAtt': ['Ep', 'DnsEntries'] }] })).toBe('<select 0 of <Ep.DnsEntries>>');
    expect(renderIntrinsic({ 'Fn::Select': ['1', ['a', 'b']] })).toBe('<select 1 of [a, b]>');
    expect(renderIntrinsic({ 'Fn::If': ['Cond', 'first', { Ref: 'Second' }] })).toBe('<Second>');
  });

  test('Fn::Sub (string and with variables) and Fn::ImportValue', () => {
    expect(renderIntrinsic({ 'Fn::Sub': 'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:client/${!iot:ClientId}' }))
      .toBe('arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:client/${iot:ClientId}');
    expect(renderIntrinsic({ 'Fn::Sub': ['${Host}:8883', { Host: { 'Fn::GetAtt': ['Ats', 'endpointAddress'] } }] }))
      .toBe('<Ats.endpointAddress>:8883');
    expect(renderIntrinsic({ 'Fn::ImportValue': 'shared-vpc-id' })).toBe('<import shared-vpc-id>');
    expect(renderIntrinsic({ 'Fn::ImportValue': { 'Fn::Sub': '${AWS::StackName}-Vpc' } })).toBe('<import <AWS::StackName>-Vpc>');
  });

  test('anything else is <intrinsic>', () => {
    expect(renderIntrinsic({ 'Fn::FindInMap': ['M', 'a', 'b'] })).toBe('<intrinsic>');
    expect(renderIntrinsic({ 'Fn::Base64': 'x' })).toBe('<intrinsic>');
    expect(renderIntrinsic({ a: 1, b: 2 })).toBe('<intrinsic>');
    expect(renderIntrinsic({ 'Fn::Join': 'not-a-pair' })).toBe('<intrinsic>');
  });
});

describe('summarizeAssembly on a synthesized app', () => {
  let outdir: string;
  let summary: AssemblySummary;
  let iotTemplate: any;
  let iotStack: StackSummary;
  let agnosticStack: StackSummary;
  let stageStack: StackSummary;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'summarize-assembly-'));
    const app = new App({ outdir });

    const stack = new Stack(app, 'IotStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: ISOLATED });
    const endpoint = new ec2.InterfaceVpcEndpoint(stack, 'IotData', {
      vpc,
      service: new ec2.InterfaceVpcEndpointService('com.amazonaws.eu-west-1.iot.data', 443),
      privateDnsEnabled: false,
    });
    const clients = new ec2.SecurityGroup(stack, 'Clients', { vpc });
    endpoint.connections.allowFrom(clients, ec2.Port.tcp(8883));
    const zone = new route53.PrivateHostedZone(stack, 'Zone', { vpc, zoneName: 'iot.example.internal' });
    new route53.ARecord(stack, 'Primary', {
      zone,
      recordName: 'data',
      target: route53.RecordTarget.fromAlias(new targets.InterfaceVpcEndpointTarget(endpoint)),
      weight: 90,
      setIdentifier: 'primary',
    });
    new route53.ARecord(stack, 'Secondary', {
      zone,
      recordName: 'data',
      target: route53.RecordTarget.fromIpAddresses('10.0.0.10'),
      weight: 10,
      setIdentifier: 'secondary',
    });
    new iot.CfnPolicy(stack, 'DevicePolicy', {
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['iot:Connect', 'iot:Publish'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceVpce': endpoint.vpcEndpointId } },
          },
          {
            Effect: 'Allow',
            Action: 'iot:Subscribe',
            Resource: '*',
            Condition: { 'ForAnyValue:StringLike': { 'iot:Connection.Thing.ThingName': 'sensor-*' }, 'Bool': { 'iot:Connection.Thing.IsAttached': 'true' } },
          },
        ],
      },
    });
    new lambda.Function(stack, 'Handler', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    });
    new CfnOutput(stack, 'EndpointDns', { value: Fn.select(0, endpoint.vpcEndpointDnsEntries) });
    new CfnOutput(stack, 'BrokerUrl', { value: Fn.join('', ['mqtts://data.', zone.zoneName, ':8883/', Aws.REGION]) });

    // Environment-agnostic stack: the AWS service name becomes an Fn::Join with Ref AWS::Region.
    const agnostic = new Stack(app, 'Agnostic');
    new ec2.InterfaceVpcEndpoint(agnostic, 'Core', {
      vpc: new ec2.Vpc(agnostic, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: ISOLATED }),
      service: ec2.InterfaceVpcEndpointAwsService.IOT_CORE,
    });
    new CfnOutput(agnostic, 'Imported', { value: Fn.importValue('shared-zone-id') });

    // Stack inside a stage (nested cloud assembly), with hand-written security group rules.
    const edge = new Stack(new Stage(app, 'Edge', { env: { account: '210987654321', region: 'us-east-1' } }), 'Rules');
    const sg = new ec2.CfnSecurityGroup(edge, 'Sg', {
      groupDescription: 'rules',
      vpcId: 'vpc-0123456789abcdef0',
      securityGroupIngress: [{ ipProtocol: 'udp', fromPort: 1024, toPort: 65535, cidrIpv6: '2001:db8::/32' }],
    });
    new ec2.CfnSecurityGroupIngress(edge, 'FromPrefixList', { groupId: sg.ref, ipProtocol: 'tcp', fromPort: 443, toPort: 443, sourcePrefixListId: 'pl-0123abcd' });

    iotTemplate = app.synth().getStackByName('IotStack').template;
    summary = summarizeAssembly(outdir);
    const byName = (name: string) => summary.stacks.find(s => s.stackName === name)!;
    iotStack = byName('IotStack');
    agnosticStack = byName('Agnostic');
    stageStack = byName('Edge-Rules');
  });

  afterAll(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('finds every stack, including ones in nested assemblies, with their environments', () => {
    expect(summary.stacks.map(s => s.stackName).sort()).toEqual(['Agnostic', 'Edge-Rules', 'IotStack']);
    expect([iotStack.account, iotStack.region]).toEqual(['123456789012', 'eu-west-1']);
    expect([agnosticStack.account, agnosticStack.region]).toEqual(['unknown-account', 'unknown-region']);
    expect([stageStack.account, stageStack.region]).toEqual(['210987654321', 'us-east-1']);
    expect(stageStack.artifactId).toMatch(/^EdgeRules[0-9A-F]{8}$/);
    expect(stageStack.displayName).toBe('Edge/Rules');
  });

  test('counts resources, resource types (descending) and Lambda functions', () => {
    expect(iotStack.resourceCount).toBe(Object.keys(iotTemplate.Resources).length);
    const counts = Object.fromEntries(iotStack.resourceTypes.map(t => [t.type, t.count]));
    expect(counts).toMatchObject({
      'AWS::EC2::Subnet': 2,
      'AWS::EC2::VPCEndpoint': 1,
      'AWS::EC2::SecurityGroup': 2,
      'AWS::EC2::SecurityGroupIngress': 1,
      'AWS::Route53::HostedZone': 1,
      'AWS::Route53::RecordSet': 2,
      'AWS::IoT::Policy': 1,
      'AWS::Lambda::Function': 1,
    });
    const sorted = [...iotStack.resourceTypes].sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
    expect(iotStack.resourceTypes).toEqual(sorted);
    expect(iotStack.lambdaFunctions).toBe(1);
    expect(agnosticStack.lambdaFunctions).toBe(0);
    expect(stageStack.resourceCount).toBe(2);
    expect(summary.totalResources).toBe(iotStack.resourceCount + agnosticStack.resourceCount + 2);
    expect(summary.totalLambdaFunctions).toBe(1);
  });

  test('interface endpoints with readable service names', () => {
    expect(iotStack.interfaceEndpoints).toEqual([
      { logicalId: expect.stringMatching(/^IotData/), serviceName: 'com.amazonaws.eu-west-1.iot.data', privateDnsEnabled: false, subnetCount: 2 },
    ]);
    expect(agnosticStack.interfaceEndpoints).toEqual([
      { logicalId: expect.stringMatching(/^Core/), serviceName: 'com.amazonaws.<AWS::Region>.iot.data', privateDnsEnabled: true, subnetCount: 2 },
    ]);
    expect(stageStack.interfaceEndpoints).toEqual([]);
  });

  test('private hosted zones with their record sets', () => {
    expect(iotStack.privateHostedZones).toEqual([{
      logicalId: expect.stringMatching(/^Zone/),
      zoneName: 'iot.example.internal.',
      vpcCount: 1,
      recordSets: [
        { type: 'A', weighted: true, alias: false, count: 1 },
        { type: 'A', weighted: true, alias: true, count: 1 },
      ],
    }]);
    expect(iotStack.otherRecordSets).toEqual({});
  });

  test('ingress rules from security groups and standalone ingress resources', () => {
    const endpointSg = iotStack.ingressRules[0].securityGroup;
    expect(endpointSg).toMatch(/^IotDataSecurityGroup/);
    expect(iotStack.ingressRules).toEqual([
      { securityGroup: endpointSg, definedIn: 'SecurityGroup', protocol: 'tcp', ports: '443', sourceKind: 'cidr', source: expect.stringMatching(/^<Vpc[0-9A-F]{8}\.CidrBlock>$/) },
      { securityGroup: endpointSg, definedIn: 'SecurityGroupIngress', protocol: 'tcp', ports: '8883', sourceKind: 'security-group', source: expect.stringMatching(/^Clients[0-9A-F]{8}$/) },
    ]);
    expect(stageStack.ingressRules).toEqual([
      { securityGroup: 'Sg', definedIn: 'SecurityGroup', protocol: 'udp', ports: '1024-65535', sourceKind: 'cidr6', source: '2001:db8::/32' },
      { securityGroup: 'Sg', definedIn: 'SecurityGroupIngress', protocol: 'tcp', ports: '443', sourceKind: 'prefix-list', source: 'pl-0123abcd' },
    ]);
  });

  test('IoT policies: actions and condition keys', () => {
    expect(iotStack.iotPolicies).toEqual([{
      logicalId: 'DevicePolicy',
      actions: ['iot:Connect', 'iot:Publish', 'iot:Subscribe'],
      conditionKeys: ['aws:SourceVpce', 'iot:Connection.Thing.ThingName', 'iot:Connection.Thing.IsAttached'],
    }]);
  });

  test('outputs are rendered', () => {
    expect(iotStack.outputs).toEqual({
      EndpointDns: expect.stringMatching(/^<select 0 of <IotData[0-9A-F]{8}\.DnsEntries>>$/),
      BrokerUrl: 'mqtts://data.iot.example.internal:8883/<AWS::Region>',
    });
    expect(agnosticStack.outputs).toEqual({ Imported: '<import shared-zone-id>' });
  });

  test('formatSummary prints fixed-width sections and the total line', () => {
    const text = formatSummary(summary);
    const lines = text.split('\n');
    expect(lines).toContain('Stack IotStack  (123456789012/eu-west-1)');
    expect(lines).toContain('Stack Agnostic  (unknown-account/unknown-region)');
    expect(lines).toContain('Stack Edge-Rules  (210987654321/us-east-1)  [Edge/Rules]');
    expect(lines).toContain(`  Resources: ${iotStack.resourceCount}  Lambda functions: 1`);
    expect(lines).toContain('      2  AWS::EC2::Subnet');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ {4}IotData[0-9A-F]{8} {2}false {8}2 {8}com\.amazonaws\.eu-west-1\.iot\.data$/),
      expect.stringMatching(/^ {4}Core[0-9A-F]{8} +true +2 +com\.amazonaws\.<AWS::Region>\.iot\.data$/),
      expect.stringMatching(/^ {4}Zone[0-9A-F]{8} {2}1 {5}iot\.example\.internal\. {2}A weighted x1, A weighted alias x1$/),
      expect.stringMatching(/^ {4}IotDataSecurityGroup[0-9A-F]{8} {2}tcp {4}8883 {3}security-group Clients[0-9A-F]{8}$/),
      '    Sg              udp    1024-65535  cidr6 2001:db8::/32',
      '    Sg              tcp    443         prefix-list pl-0123abcd',
      '    DevicePolicy  iot:Connect,iot:Publish,iot:Subscribe  aws:SourceVpce,iot:Connection.Thing.ThingName,iot:Connection.Thing.IsAttached',
      '    BrokerUrl    mqtts://data.iot.example.internal:8883/<AWS::Region>',
    ]));
    expect(text).not.toMatch(/\x1b\[/);
    expect(lines.every(l => l === l.trimEnd())).toBe(true);
    expect(lines[lines.length - 1]).toBe(`3 stacks, ${summary.totalResources} resources, 1 Lambda functions`);
  });

  test('runs as a script', () => {
    const script = path.join(__dirname, '..', 'scripts', 'summarize-assembly.ts');
    const run = (...args: string[]) => spawnSync(
      process.execPath,
      [require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', path.join(__dirname, 'tsconfig.json'), script, ...args],
      { encoding: 'utf-8' },
    );
    const ok = run(outdir);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout.trimEnd().split('\n').pop()).toBe(`3 stacks, ${summary.totalResources} resources, 1 Lambda functions`);

    const usage = run();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^Usage: /);
  }, 60_000);
});

test('summarizeAssembly rejects a directory without manifest.json', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summarize-assembly-empty-'));
  try {
    expect(() => summarizeAssembly(dir)).toThrow(/Not a cloud assembly: .*manifest\.json does not exist/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
