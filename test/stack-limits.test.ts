import * as fs from 'fs';
import * as path from 'path';
import { App, CfnOutput, CfnWaitConditionHandle, NestedStack, Stack, StackSynthesizer } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { concreteApp, LINT_SKIP_CONTEXT, templateOf, testStack, testVpc, thrown, validationMessage } from './fixtures';
import { IotAccountStack, IotVpcEndpointAwsService, IotPrivateHostedZone, IotZoneVpcAssociation, PrivateIotDataEndpoint, StaticIpIotFrontDoor } from '../src';
import { LOOKUP_RESOURCE_TYPE, LOOKUP_RUNTIME } from '../src/private/lookups';
import { stackFigures } from '../src/private/stack-limits';

const DATA_ADDRESS = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';

/**
 * A stack with 50 iot.data endpoints in 2 zones (the fixture offers iot.data in zones a and c), a greengrass endpoint,
 * and their zone.
 */
function fleetStack(app: App, id = 'Fleet', props: { suppressTemplateIndentation?: boolean } = {}) {
  const stack = testStack(app, id, props);
  const vpc = testVpc(stack);
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
    vpc,
    expectedDevices: 5_000_000,
    dataEndpointAddress: DATA_ADDRESS,
    services: [{ service: IotVpcEndpointAwsService.GREENGRASS }],
    interfaceEndpointQuota: 60,
  });
  const zone = new IotPrivateHostedZone(stack, 'Zone', { endpoint });
  return { stack, vpc, endpoint, zone };
}

/** The number of resources in a synthesized template. */
function resourceCount(template: Template): number {
  return Object.keys(template.toJSON().Resources).length;
}

/** The number of describeNetworkInterfaces lookups (Custom::CdkPrivateIotLookup) in a template. */
function eniLookupCount(template: Template): number {
  return Object.values(template.findResources(LOOKUP_RESOURCE_TYPE)).filter((r) => JSON.stringify(r.Properties.Call).includes('describeNetworkInterfaces')).length;
}

/** The template file aws-cdk-lib writes for `stack`, parsed, and its size in bytes. */
function writtenTemplate(app: App, stack: Stack): { template: any; bytes: number } {
  const assembly = app.synth({ force: true });
  const file = path.join(assembly.directory, assembly.getStackArtifact(stack.artifactId).templateFile);
  return { template: JSON.parse(fs.readFileSync(file, 'utf-8')), bytes: fs.statSync(file).size };
}

/** `n` resources of the user's own (1 resource each). */
function userResources(stack: Stack, n: number, metadataBytes = 0) {
  for (let i = 0; i < n; i++) {
    const handle = new CfnWaitConditionHandle(stack, `Mine${i}`);
    if (metadataBytes > 0) {
      handle.addMetadata('Padding', 'x'.repeat(metadataBytes));
    }
  }
}

describe('CloudFormation limits are checked when the app is synthesized', () => {
  test('over 500 resources: our error names the construct that adds the most, its prop, every share and the way out', () => {
    const probe = concreteApp();
    const template = templateOf(fleetStack(probe).stack);
    const base = resourceCount(template);
    // the endpoint's own resources: 50 iot.data endpoints and the greengrass one, their security group, and one address
    // lookup per iot.data endpoint (51 + 1 + 50 = 102), all lookups sharing one IAM policy; the zone's: 1 + 100 records
    const count = (type: string) => Object.keys(template.findResources(type)).length;
    expect(['AWS::EC2::VPCEndpoint', 'AWS::EC2::SecurityGroup', 'AWS::IAM::Policy', 'AWS::Route53::HostedZone', 'AWS::Route53::RecordSet'].map(count))
      .toEqual([51, 1, 1, 1, 100]);
    expect(eniLookupCount(template)).toBe(50);
    const app = concreteApp();
    const { stack } = fleetStack(app);
    userResources(stack, 310);
    // the stack's validation returns the message; it names the endpoint and its prop
    const message = validationMessage(thrown(() => app.synth()), 'Fleet');
    expect(message).toMatch(/^CdkPrivateIotError: PrivateIotDataEndpoint 'Fleet\/Endpoint': expectedDevices brings stack 'Fleet' to /);
    expect(message).toContain(`to ${base + 310} resources, more than the 500 CloudFormation accepts in one stack`);
    expect(message).toContain("PrivateIotDataEndpoint 'Fleet/Endpoint' 102 (expectedDevices 5000000: 50 iot.data endpoints x 2 zones)");
    expect(message).toContain("IotPrivateHostedZone 'Fleet/Zone' 101 (endpoint with 50 iot.data endpoints, recordStyle WEIGHTED_IPS: 100 records)");
    // everything else: the VPC, the shared lookup function, its role and policy, the user's 310
    expect(message).toContain(`other constructs ${base + 310 - 102 - 101}`);
    expect(message).toMatch(/lower expectedDevices here and give the rest of the fleet a PrivateIotDataEndpoint in another stack, or move constructs into a stack of their own/);
  });

  test('one lookup function, one role and one policy, the same for 1 and for 50 address lookups (IAM: 10,240 characters of inline policies per role)', () => {
    const policies = (expectedDevices: number) => {
      const stack = testStack(concreteApp(), 'Lookups');
      const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc: testVpc(stack), expectedDevices, interfaceEndpointQuota: 60 });
      endpoint.dataEndpointIps();
      endpoint.dataEndpointAddress();
      const template = templateOf(stack);
      expect(eniLookupCount(template)).toBe(Math.ceil(expectedDevices / 100_000));
      const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
      expect(functions).toHaveLength(1);
      const [[functionId, fn]] = functions;
      expect(fn.Properties.Runtime).toBe(LOOKUP_RUNTIME);
      // every lookup goes to that function, and the function runs with the one role
      const tokens = Object.values(template.findResources(LOOKUP_RESOURCE_TYPE)).map((r) => JSON.stringify(r.Properties.ServiceToken));
      expect(new Set(tokens)).toEqual(new Set([JSON.stringify({ 'Fn::GetAtt': [functionId, 'Arn'] })]));
      const roles = Object.keys(template.findResources('AWS::IAM::Role'));
      expect(roles).toHaveLength(1);
      expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [roles[0], 'Arn'] });
      return Object.values(template.findResources('AWS::IAM::Policy')).map((p: any) => JSON.stringify(p.Properties.PolicyDocument));
    };
    const one = policies(100_000);
    const fifty = policies(5_000_000);
    expect(one).toHaveLength(1);
    expect(fifty).toEqual(one);
    // the role's inline policies in all, with the data endpoint lookup (iot:DescribeEndpoint) and the address lookups
    expect(fifty[0]).toContain('"iot:DescribeEndpoint"');
    expect(fifty[0]).toContain('"ec2:DescribeNetworkInterfaces"');
    expect(fifty[0].length).toBeLessThan(1_000);
  });

  test('the shares in the message add up to the stack total', () => {
    const app = concreteApp();
    const { stack } = fleetStack(app);
    userResources(stack, 300);
    const message = validationMessage(thrown(() => app.synth()), 'Fleet');
    const total = Number(/to (\d+) resources/.exec(message)?.[1]);
    const shares = [...message.matchAll(/' (\d+) \(|other constructs (\d+)/g)].map((m) => Number(m[1] ?? m[2]));
    expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
  });

  test('500 resources synthesize, 501 do not', () => {
    const base = resourceCount(templateOf(fleetStack(concreteApp(), 'Probe').stack));
    const at = concreteApp();
    const { stack } = fleetStack(at);
    userResources(stack, 500 - base);
    expect(() => at.synth()).not.toThrow();
    expect(resourceCount(templateOf(stack))).toBe(500);

    const over = concreteApp();
    userResources(fleetStack(over).stack, 501 - base);
    expect(thrown(() => over.synth()).message).toContain('to 501 resources, more than the 500 CloudFormation accepts in one stack');
  });

  test('200 outputs synthesize, 201 do not', () => {
    const outputs = (n: number) => {
      const app = concreteApp();
      const { stack } = fleetStack(app);
      for (let i = 0; i < n; i++) {
        new CfnOutput(stack, `Out${i}`, { value: `${i}` });
      }
      return { app, stack };
    };
    const at = outputs(200);
    expect(() => at.app.synth()).not.toThrow();
    expect(Object.keys(templateOf(at.stack).findOutputs('*'))).toHaveLength(200);
    expect(thrown(() => outputs(201).app.synth()).message).toContain('has 201 outputs, more than the 200 CloudFormation accepts in one stack');
  });

  test('the @aws-cdk/core:stackResourceLimit context moves the limit, and 0 turns the check off as in aws-cdk-lib', () => {
    const lower = concreteApp({}, { context: { '@aws-cdk/core:stackResourceLimit': 300 } });
    userResources(fleetStack(lower).stack, 100);
    expect(thrown(() => lower.synth()).message).toMatch(/more than the 300 CloudFormation accepts/);

    const off = concreteApp({}, { context: { '@aws-cdk/core:stackResourceLimit': 0, [LINT_SKIP_CONTEXT]: 'past 500 resources on purpose (check turned off)' } });
    const { stack } = fleetStack(off);
    userResources(stack, 300);
    expect(() => off.synth()).not.toThrow();
  });

  test('over 200 outputs: the error is ours and says none of them come from this library', () => {
    const app = concreteApp();
    const { stack } = fleetStack(app);
    for (let i = 0; i < 201; i++) {
      new CfnOutput(stack, `Out${i}`, { value: `${i}` });
    }
    expect(validationMessage(thrown(() => app.synth()), 'Fleet')).toBe("CdkPrivateIotError: Stack 'Fleet': has 201 outputs, more than the 200 CloudFormation accepts in one stack, none of them from this "
      + "library's constructs; remove outputs nobody reads, or move constructs into a stack of their own");
  });

  test('over 1,000,000 template bytes: the error gives the size and suggests suppressTemplateIndentation', () => {
    // the size of the template file, computed here: the written template of the same stack without the padding,
    // plus the padded resources, serialized as aws-cdk-lib writes templates (indentation 1)
    const probe = concreteApp();
    const { stack: probeStack } = fleetStack(probe, 'Fleet');
    const written = writtenTemplate(probe, probeStack);
    expect(Buffer.byteLength(JSON.stringify(written.template, undefined, 1))).toBe(written.bytes);
    const padded = { ...written.template, Resources: { ...written.template.Resources } };
    for (let i = 0; i < 100; i++) {
      padded.Resources[`Mine${i}`] = { Type: 'AWS::CloudFormation::WaitConditionHandle', Metadata: { Padding: 'x'.repeat(9_000) } };
    }
    const expected = Buffer.byteLength(JSON.stringify(padded, undefined, 1));
    expect(expected).toBeGreaterThan(1_000_000);

    const app = concreteApp();
    const { stack } = fleetStack(app);
    userResources(stack, 100, 9_000);
    const message = validationMessage(thrown(() => app.synth()), 'Fleet');
    expect(message).toMatch(/^CdkPrivateIotError: PrivateIotDataEndpoint 'Fleet\/Endpoint': expectedDevices brings stack 'Fleet' to a template of /);
    expect(message).toContain(`a template of ${expected.toLocaleString('en-US')} bytes, more than the 1,000,000 CloudFormation accepts`);
    expect(message).toMatch(/set suppressTemplateIndentation: true on the stack/);
  });

  test('a template of exactly 1,000,000 bytes synthesizes, one byte more does not', () => {
    const probe = concreteApp();
    const base = writtenTemplate(probe, fleetStack(probe, 'Fleet').stack).bytes;
    // one padded resource adds its padding plus a fixed overhead; measure the overhead with a padding of 1 byte
    const one = concreteApp();
    const { stack: oneStack } = fleetStack(one, 'Fleet');
    userResources(oneStack, 1, 1);
    const overhead = writtenTemplate(one, oneStack).bytes - base - 1;
    const padding = (total: number) => total - base - overhead;

    const at = concreteApp();
    const { stack } = fleetStack(at);
    userResources(stack, 1, padding(1_000_000));
    expect(writtenTemplate(at, stack).bytes).toBe(1_000_000);

    const over = concreteApp();
    userResources(fleetStack(over).stack, 1, padding(1_000_001));
    expect(thrown(() => over.synth()).message).toContain('a template of 1,000,001 bytes, more than the 1,000,000 CloudFormation accepts');
  });

  test.each([false, true])('the measured template size is the size of the template file written (suppressTemplateIndentation %s)', (suppress) => {
    const app = concreteApp();
    const { stack } = fleetStack(app, 'Fleet', { suppressTemplateIndentation: suppress });
    userResources(stack, 10, 100);
    const assembly = app.synth();
    const file = path.join(assembly.directory, assembly.getStackArtifact(stack.artifactId).templateFile);
    expect(stackFigures(stack).templateBytes).toBe(fs.statSync(file).size);
  });

  test('only the stacks that hold a construct of ours are checked: a plain stack of the same app is left to aws-cdk-lib', () => {
    const app = concreteApp({}, { context: { [LINT_SKIP_CONTEXT]: 'past 200 outputs on purpose (a stack without constructs of ours)' } });
    fleetStack(app);
    const plain = new Stack(app, 'Plain');
    for (let i = 0; i < 201; i++) {
      new CfnOutput(plain, `Out${i}`, { value: `${i}` });
    }
    // our check would reject the plain stack (it does reject 201 outputs in a stack of ours, above); aws-cdk-lib does not
    expect(() => app.synth()).not.toThrow();
    userResources(plain, 501);
    const error = thrown(() => app.synth({ force: true }));
    expect(error.message).not.toContain('CdkPrivateIotError');
    expect(error.message).toMatch(/Number of resources in stack 'Plain': 501 is greater than allowed maximum of 500/);
  });

  test('a zone in a stack of its own is named when it adds the most', () => {
    const app = concreteApp();
    const { endpoint } = fleetStack(app, 'Endpoints');
    const dns = testStack(app, 'Dns');
    // its own VPC: the endpoint's VPC already has the endpoint stack's zone of this name (one per name and VPC)
    new IotPrivateHostedZone(dns, 'Zone', { endpoint, vpcs: [testVpc(dns, 'DeviceVpc')] });
    userResources(dns, 420);
    const error = thrown(() => app.synth());
    expect(error.message).not.toContain('[Endpoints]');
    expect(validationMessage(error, 'Dns')).toMatch(/^CdkPrivateIotError: IotPrivateHostedZone 'Dns\/Zone': endpoint brings stack 'Dns' to \d+ resources.*; move the zone into a stack of its own/);
  });

  test('each stack is checked on its own', () => {
    const app = concreteApp();
    fleetStack(app, 'Small');
    const { stack } = fleetStack(app, 'Big');
    userResources(stack, 300);
    const error = thrown(() => app.synth());
    expect(error.message).not.toContain('[Small]');
    expect(validationMessage(error, 'Big')).toMatch(/^CdkPrivateIotError: PrivateIotDataEndpoint 'Big\/Endpoint': expectedDevices brings stack 'Big'/);
  });

  describe('the template is rendered for the size check only near a limit', () => {
    /** The templates rendered while `app` synthesizes: aws-cdk-lib's one per stack, and the size check's. */
    function renders(app: App): number {
      const spy = jest.spyOn(StackSynthesizer.prototype as any, 'synthesizeTemplate');
      try {
        app.synth();
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    }

    test('far from every limit (an endpoint for 1,000,000 devices and its zone: 10 endpoints, 20 records): only aws-cdk-lib renders it', () => {
      const app = concreteApp();
      const stack = testStack(app, 'Small');
      const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc: testVpc(stack), expectedDevices: 1_000_000, dataEndpointAddress: DATA_ADDRESS });
      new IotPrivateHostedZone(stack, 'Zone', { endpoint });
      expect(renders(app)).toBe(1);
    });

    test('the fleet stack (217 resources, 50 address lookups, about 195,000 bytes) is rendered: its rough size is over a quarter of the limit', () => {
      const app = concreteApp();
      fleetStack(app);
      expect(renders(app)).toBe(2);
    });

    test('at 90% of the resource limit: rendered and measured', () => {
      const base = resourceCount(templateOf(fleetStack(concreteApp(), 'Probe').stack));
      const app = concreteApp();
      userResources(fleetStack(app).stack, 450 - base);
      expect(renders(app)).toBe(2);
    });

    test('a quarter of the byte limit in one resource\'s metadata: rendered and measured', () => {
      const app = concreteApp();
      userResources(fleetStack(app).stack, 1, 250_000);
      expect(renders(app)).toBe(2);
    });
  });
});

describe('interface endpoints per VPC (AWS PrivateLink quota, 50 unless raised)', () => {
  test.each([
    [5_000_001, 'iot.data only', 51, []],
    [5_000_000, 'iot.credentials', 51, [{ service: IotVpcEndpointAwsService.CREDENTIALS }]],
    [4_900_000, 'iot.credentials and greengrass', 51, [{ service: IotVpcEndpointAwsService.CREDENTIALS }, { service: IotVpcEndpointAwsService.GREENGRASS }]],
  ])('%d devices with %s need %d endpoints: rejected before anything is created', (devices, _what, needed, services) => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const error = thrown(() => new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, expectedDevices: devices, services }));
    expect(error.message).toMatch(/^CdkPrivateIotError: /);
    expect(error.prop).toBe('expectedDevices');
    expect(error.message).toContain(`expectedDevices ${devices} needs ${needed} interface endpoints in one VPC, more than the 50 of the quota `
      + '"Interface and Gateway Load Balancer endpoints per VPC"; split the fleet across VPCs');
    expect(stack.node.tryFindChild('Endpoint')?.node.children ?? []).toEqual([]);
  });

  test('other interface endpoints in the same VPC count too (checked at synth)', () => {
    const app = concreteApp();
    const stack = testStack(app, 'Iot');
    const vpc = testVpc(stack);
    new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, expectedDevices: 4_900_000, services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }] });
    vpc.addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS });
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 }); // gateway endpoints have their own quota
    // the endpoint's validation returns the message, with the prop and the fix
    const message = validationMessage(thrown(() => app.synth()), 'Iot/Endpoint');
    expect(message).toBe("CdkPrivateIotError: PrivateIotDataEndpoint 'Iot/Endpoint': expectedDevices 4900000 needs 50 interface endpoints, and the VPC "
      + 'holds 1 more (Iot/Vpc/Logs): 51, more than the 50 of the quota "Interface and Gateway Load Balancer endpoints per VPC"; split the fleet '
      + 'across VPCs (a PrivateIotDataEndpoint each), or have AWS raise the quota and set interfaceEndpointQuota to the new value');
  });

  /** 49 endpoints of ours (4,800,000 devices and iot.credentials) in the stack's VPC. */
  function fortyNine(app = concreteApp()) {
    const stack = testStack(app, 'Iot');
    const vpc = testVpc(stack);
    new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, expectedDevices: 4_800_000, services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }] });
    return { app, stack, vpc };
  }

  test('49 of ours and 1 other interface endpoint in the VPC make 50: at the quota, accepted', () => {
    const { app, vpc } = fortyNine();
    vpc.addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS });
    expect(() => app.synth()).not.toThrow();
  });

  test('interface endpoints in another VPC of the stack do not count', () => {
    const { app, stack, vpc } = fortyNine();
    vpc.addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS });
    const other = testVpc(stack, 'OtherVpc', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16') });
    other.addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS });
    other.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS });
    expect(() => app.synth()).not.toThrow();
    // the same two in the endpoints' VPC: 52
    vpc.addInterfaceEndpoint('Sts', { service: ec2.InterfaceVpcEndpointAwsService.STS });
    vpc.addInterfaceEndpoint('Ssm', { service: ec2.InterfaceVpcEndpointAwsService.SSM });
    expect(thrown(() => app.synth({ force: true })).message).toContain('needs 49 interface endpoints, and the VPC holds 3 more (Iot/Vpc/Logs, Iot/Vpc/Sts, Iot/Vpc/Ssm): 52');
  });

  test('interface endpoints of another stack do not count, even when its VPC has the same logical id', () => {
    const { app, stack, vpc } = fortyNine();
    vpc.addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS });
    // a nested stack is part of the stack's construct tree; its VPC 'Vpc' has the logical id of the stack's VPC
    const nested = new NestedStack(stack, 'Nested');
    const nestedVpc = testVpc(nested, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16') });
    expect(nested.resolve(nestedVpc.vpcId)).toEqual(stack.resolve(vpc.vpcId));
    nestedVpc.addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS });
    // a sibling stack
    const sibling = testStack(app, 'Sibling');
    testVpc(sibling).addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS });
    expect(() => app.synth()).not.toThrow();
  });

  test('the IoT account stack leaves room for its CloudWatch Logs and S3 interface endpoints', () => {
    const app = concreteApp({ serviceZoneSuffixes: { 'iot.data': ['a', 'b', 'c'] } });
    new IotAccountStack(app, 'Iot', {
      env: { account: '111111111111', region: 'eu-west-1' }, gatekeeperCidr: '10.10.0.0/16', deviceCidrs: ['10.20.0.0/16'], expectedDevices: 4_800_000,
    });
    expect(validationMessage(thrown(() => app.synth()), 'Iot/IotEndpoints')).toMatch(/^CdkPrivateIotError: PrivateIotDataEndpoint 'Iot\/IotEndpoints': expectedDevices 4800000 needs 50 interface endpoints, and the VPC holds 2 more \(Iot\/GatekeeperVpc\/Logs, Iot\/GatekeeperVpc\/S3Interface\): 52, more than the 50/);
  });

  test('a raised quota lets more endpoints through', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, expectedDevices: 5_500_000, interfaceEndpointQuota: 60 });
    expect(endpoint.dataEndpoints).toHaveLength(55);
  });

  test.each([0, -1, 1.5])('interfaceEndpointQuota %d is rejected', (quota) => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const error = thrown(() => new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, interfaceEndpointQuota: quota }));
    expect(error.prop).toBe('interfaceEndpointQuota');
    expect(error.message).toContain(`interfaceEndpointQuota ${quota} is not a positive whole number`);
  });
});

describe('Network Load Balancer targets (Elastic Load Balancing quotas)', () => {
  /** 4 zones that all offer iot.data: with 3 ports, 42 endpoints make 3 x 168 = 504 targets. */
  function fourZoneEndpoint(devices: number, quota?: number) {
    const app = concreteApp({ zoneSuffixes: ['a', 'b', 'c', 'd'], serviceZoneSuffixes: { 'iot.data': ['a', 'b', 'c', 'd'] } });
    const stack = testStack(app);
    const vpc = testVpc(stack, 'Vpc', { maxAzs: 4 });
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, expectedDevices: devices, interfaceEndpointQuota: quota });
    return { stack, vpc, endpoint };
  }

  test('3 ports x 168 interfaces with cross-zone on exceed the 500 targets of one load balancer', () => {
    const { stack, endpoint } = fourZoneEndpoint(4_200_000);
    const error = thrown(() => new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: false }));
    expect(error.message).toMatch(/^CdkPrivateIotError: /);
    expect(error.prop).toBe('ports');
    expect(error.message).toContain('ports [443, 8443, 8883] x 168 endpoint interfaces (42 endpoints x 4 zones) = 504 targets (cross-zone, so counted '
      + 'for the whole load balancer), more than the 500 of the quota "Targets per Availability Zone per Network Load Balancer"; listen on fewer ports, '
      + 'give part of the fleet its own PrivateIotDataEndpoint and front door, set crossZoneEnabled: false');
    expect(stack.node.tryFindChild('FrontDoor')?.node.children ?? []).toEqual([]);
  });

  test.each([
    ['one port fewer', { ports: [443, 8883] }],
    ['cross-zone off (42 x 3 = 126 targets per zone)', { crossZoneEnabled: false }],
    ['a raised quota', { targetsPerZoneQuota: 600 }],
  ])('the same fleet fits with %s: one target group per port, each with all 168 interfaces', (_what, props) => {
    const { stack, endpoint } = fourZoneEndpoint(4_200_000);
    const frontDoor = new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: false, ...props });
    const ports = 'ports' in props ? props.ports : [443, 8443, 8883];
    const groups = Object.values(templateOf(stack).findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups.map((g) => g.Properties.Port).sort((a, b) => a - b)).toEqual(ports);
    for (const group of groups) {
      expect(group.Properties.Targets).toHaveLength(42 * 4);
    }
    expect(frontDoor.targetGroups).toHaveLength(ports.length);
  });

  test('4,100,000 devices (3 x 164 = 492 targets) fit under the default quota', () => {
    const { stack, endpoint } = fourZoneEndpoint(4_100_000);
    const frontDoor = new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: false });
    expect(frontDoor.targetGroups).toHaveLength(3);
    const groups = Object.values(templateOf(stack).findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups.map((g) => g.Properties.Targets.length)).toEqual([164, 164, 164]);
  });

  test('500 targets fit, 501 do not (one port, one zone: one target per endpoint)', () => {
    const oneZone = (devices: number) => {
      const stack = testStack();
      const vpc = testVpc(stack);
      const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
        vpc, expectedDevices: devices, interfaceEndpointQuota: 600, supportedAvailabilityZones: ['eu-west-1a'], allowSingleAvailabilityZone: true,
      });
      return () => new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: false, ports: [8883] });
    };
    expect(oneZone(50_000_000)().targetGroups).toHaveLength(1);
    expect(thrown(oneZone(50_000_001)).message).toContain('ports [8883] x 501 endpoint interfaces (501 endpoints x 1 zones) = 501 targets');
  });

  test('cross-zone off counts each zone alone', () => {
    const { stack, endpoint } = fourZoneEndpoint(17_000_000, 200);
    const error = thrown(() => new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: false, crossZoneEnabled: false, targetsPerTargetGroupQuota: 2000 }));
    expect(error.message).toContain('ports [443, 8443, 8883] x 170 endpoint interfaces per zone = 510 targets per zone, more than the 500');
    expect(error.message).not.toContain('set crossZoneEnabled: false');
  });

  test('more interfaces than a target group holds (1,000 by default) name the endpoint', () => {
    const { stack, endpoint } = fourZoneEndpoint(25_100_000, 300);
    const error = thrown(() => new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: false, targetsPerZoneQuota: 10_000 }));
    expect(error.prop).toBe('endpoint');
    expect(error.message).toContain('endpoint has 1004 endpoint interfaces (251 endpoints x 4 zones), and each target group would hold all of them, '
      + 'more than the 1000 of the quota "Targets per Target Group per Region"');
  });

  test.each(['targetsPerZoneQuota', 'targetsPerTargetGroupQuota'])('%s must be a positive whole number', (prop) => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc });
    const error = thrown(() => new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: false, [prop]: 0 }));
    expect(error.prop).toBe(prop);
  });
});

test('an imported VPC counts like a new one (no lookups needed for the checks)', () => {
  const stack = testStack();
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1c'],
    isolatedSubnetIds: ['subnet-0a', 'subnet-0c'],
    vpcCidrBlock: '10.0.0.0/16',
  });
  const error = thrown(() => new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, expectedDevices: 5_100_000 }));
  expect(error.prop).toBe('expectedDevices');
});

describe('IAM: the inline policies of the lookup role', () => {
  /** A network stack associating `zones` hosted zones of its own with a VPC: one zone-scoped policy per zone. */
  function associations(zones: number): App {
    const app = concreteApp();
    const stack = new Stack(app, 'Net', { env: { account: '333333333333', region: 'eu-west-1' } });
    const vpc = testVpc(stack, 'Vpc');
    const other = testVpc(stack, 'Other');
    const ids = Array.from({ length: zones }, (_, i) => new route53.PrivateHostedZone(stack, `Zone${i}`, { zoneName: `z${i}.example.com`, vpc: other }).hostedZoneId);
    new IotZoneVpcAssociation(stack, 'IotZones', { hostedZoneIds: ids, vpc });
    return app;
  }

  /** The inline policies (AWS::IAM::Policy) of the template, white space excluded. */
  function inlineSizes(app: App): number[] {
    const template = app.synth().getStackByName('Net').template;
    return Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy')
      .map((r) => JSON.stringify(r.Properties.PolicyDocument).replace(/\s/g, '').length);
  }

  test('30 zone-scoped policies fit: the stack synthesizes, its inline policies well under 10,240 characters', () => {
    const sizes = inlineSizes(associations(30));
    expect(sizes).toHaveLength(31);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(10_240);
  });

  test('60 do not: the helper\'s validation names the figure, the stack and the way out', () => {
    const app = associations(60);
    const message = validationMessage(thrown(() => app.synth()), 'Net/CdkPrivateIotLookups');
    expect(message).toMatch(/^CdkPrivateIotError: IotLookups 'Net\/CdkPrivateIotLookups': the deployment-time lookups and changes of stack 'Net' need inline policies of at least (\d+) characters on their role \(60 of them scoped to a zone or Resolver endpoint of the app, for Net\/IotZones\), more than the 10240 IAM accepts for one role; move some of the zone associations or Resolver endpoints into another stack$/);
    // a lower bound: tokens count as nothing, so the figure is below what the template holds
    const bound = Number(/at least (\d+) characters/.exec(message)![1]);
    expect(bound).toBeGreaterThan(10_240);
  });
});
