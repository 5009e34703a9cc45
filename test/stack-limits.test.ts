import * as fs from 'fs';
import * as path from 'path';
import { App, CfnOutput, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { concreteApp, LINT_SKIP_CONTEXT, testStack, testVpc, thrown } from './fixtures';
import { IotAccountStack, IotEndpointService, IotPrivateHostedZone, PrivateIotDataEndpoint, StaticIpIotFrontDoor } from '../src';
import { CFN_MAX_TEMPLATE_BYTES, stackFigures } from '../src/private/stack-limits';

const DATA_ADDRESS = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';

/** A stack with 50 iot.data endpoints in 2 zones (the fixture offers iot.data in zones a and c) and their zone. */
function fleetStack(app: App, id = 'Fleet', props: { suppressTemplateIndentation?: boolean } = {}) {
  const stack = testStack(app, id, props);
  const vpc = testVpc(stack);
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, expectedDevices: 5_000_000, dataEndpointAddress: DATA_ADDRESS });
  const zone = new IotPrivateHostedZone(stack, 'Zone', { endpoint });
  return { stack, vpc, endpoint, zone };
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
    const app = concreteApp();
    const { stack } = fleetStack(app);
    userResources(stack, 260);
    const error = thrown(() => app.synth());
    expect(error.name).toBe('CdkPrivateIotError');
    expect(error.prop).toBe('expectedDevices');
    expect(error.constructPath).toBe('Fleet/Endpoint');
    const total = Number(/to (\d+) resources, more than the 500 CloudFormation accepts in one stack/.exec(error.message)?.[1]);
    expect(total).toBe(stackFigures(stack).resources);
    expect(total).toBeGreaterThan(500);
    expect(error.message).toMatch(/PrivateIotDataEndpoint 'Fleet\/Endpoint' \d+ \(expectedDevices 5000000: 50 iot.data endpoints x 2 zones\)/);
    expect(error.message).toMatch(/IotPrivateHostedZone 'Fleet\/Zone' 101 \(endpoint with 50 iot.data endpoints, recordStyle WEIGHTED_IPS: 100 records\)/);
    expect(error.message).toMatch(/other constructs \d+/);
    expect(error.message).toMatch(/lower expectedDevices here and give the rest of the fleet a PrivateIotDataEndpoint in another stack, or move constructs into a stack of their own/);
  });

  test('the shares in the message add up to the stack total', () => {
    const app = concreteApp();
    const { stack } = fleetStack(app);
    userResources(stack, 300);
    const message: string = thrown(() => app.synth()).message;
    const total = Number(/to (\d+) resources/.exec(message)?.[1]);
    const shares = [...message.matchAll(/' (\d+) \(|other constructs (\d+)/g)].map((m) => Number(m[1] ?? m[2]));
    expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
  });

  test('at 500 resources or fewer the same stack synthesizes', () => {
    const app = concreteApp();
    const { stack } = fleetStack(app);
    const before = stackFigures(stack).resources;
    userResources(stack, 500 - before);
    expect(() => app.synth()).not.toThrow();
    expect(stackFigures(stack).resources).toBe(500);
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
    const error = thrown(() => app.synth());
    expect(error.name).toBe('CdkPrivateIotError');
    expect(error.prop).toBe('outputs');
    expect(error.constructPath).toBe('Fleet');
    expect(error.message).toBe("Stack 'Fleet': has 201 outputs, more than the 200 CloudFormation accepts in one stack, none of them from this "
      + "library's constructs; remove outputs nobody reads, or move constructs into a stack of their own");
  });

  test('over 1,000,000 template bytes: the error gives the size and suggests suppressTemplateIndentation', () => {
    const app = concreteApp();
    const { stack } = fleetStack(app);
    userResources(stack, 100, 8_000);
    const error = thrown(() => app.synth());
    expect(error.name).toBe('CdkPrivateIotError');
    expect(error.prop).toBe('expectedDevices');
    const bytes = Number(/a template of ([\d,]+) bytes/.exec(error.message)?.[1].replace(/,/g, ''));
    expect(bytes).toBe(stackFigures(stack).templateBytes);
    expect(bytes).toBeGreaterThan(CFN_MAX_TEMPLATE_BYTES);
    expect(error.message).toMatch(/more than the 1,000,000 CloudFormation accepts .*set suppressTemplateIndentation: true on the stack/);
  });

  test.each([false, true])('the measured template size is the size of the template file written (suppressTemplateIndentation %s)', (suppress) => {
    const app = concreteApp();
    const { stack } = fleetStack(app, 'Fleet', { suppressTemplateIndentation: suppress });
    userResources(stack, 10, 100);
    const assembly = app.synth();
    const file = path.join(assembly.directory, assembly.getStackArtifact(stack.artifactId).templateFile);
    expect(stackFigures(stack).templateBytes).toBe(fs.statSync(file).size);
  });

  test('a stack without constructs of ours is not checked by this library', () => {
    const app = new App({ context: { [LINT_SKIP_CONTEXT]: 'past 200 outputs on purpose (a stack without constructs of ours)' } });
    const stack = new Stack(app, 'Plain');
    for (let i = 0; i < 201; i++) {
      new CfnOutput(stack, `Out${i}`, { value: `${i}` });
    }
    expect(() => app.synth()).not.toThrow();
  });

  test('a zone in a stack of its own is named when it adds the most', () => {
    const app = concreteApp();
    const { endpoint } = fleetStack(app, 'Endpoints');
    const dns = testStack(app, 'Dns');
    // its own VPC: the endpoint's VPC already has the endpoint stack's zone of this name (one per name and VPC)
    new IotPrivateHostedZone(dns, 'Zone', { endpoint, vpcs: [testVpc(dns, 'DeviceVpc')] });
    userResources(dns, 420);
    const error = thrown(() => app.synth());
    expect([error.name, error.prop, error.constructPath]).toEqual(['CdkPrivateIotError', 'endpoint', 'Dns/Zone']);
    expect(error.message).toMatch(/^IotPrivateHostedZone 'Dns\/Zone': endpoint brings stack 'Dns' to \d+ resources.*; move the zone into a stack of its own/);
  });

  test('each stack is checked on its own', () => {
    const app = concreteApp();
    fleetStack(app, 'Small');
    const { stack } = fleetStack(app, 'Big');
    userResources(stack, 300);
    expect(thrown(() => app.synth()).message).toMatch(/^PrivateIotDataEndpoint 'Big\/Endpoint'/);
  });
});

describe('interface endpoints per VPC (AWS PrivateLink quota, 50 unless raised)', () => {
  test.each([
    [5_000_001, 'iot.data only', 51, []],
    [5_000_000, 'iot.credentials', 51, [{ service: IotEndpointService.CREDENTIALS }]],
    [4_900_000, 'iot.credentials and greengrass', 51, [{ service: IotEndpointService.CREDENTIALS }, { service: IotEndpointService.GREENGRASS }]],
  ])('%d devices with %s need %d endpoints: rejected before anything is created', (devices, _what, needed, services) => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const error = thrown(() => new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, expectedDevices: devices, services }));
    expect(error.name).toBe('CdkPrivateIotError');
    expect(error.prop).toBe('expectedDevices');
    expect(error.message).toContain(`expectedDevices ${devices} needs ${needed} interface endpoints in one VPC, more than the 50 of the quota `
      + '"Interface and Gateway Load Balancer endpoints per VPC"; split the fleet across VPCs');
    expect(stack.node.tryFindChild('Endpoint')?.node.children ?? []).toEqual([]);
  });

  test('other interface endpoints in the same VPC count too (checked at synth)', () => {
    const app = concreteApp();
    const stack = testStack(app, 'Iot');
    const vpc = testVpc(stack);
    new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, expectedDevices: 4_900_000, services: [{ service: IotEndpointService.CREDENTIALS }] });
    vpc.addInterfaceEndpoint('Logs', { service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS });
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 }); // gateway endpoints have their own quota
    const error = thrown(() => app.synth());
    expect([error.name, error.prop, error.constructPath]).toEqual(['CdkPrivateIotError', 'expectedDevices', 'Iot/Endpoint']);
    expect(error.message).toContain('expectedDevices 4900000 needs 50 interface endpoints, and the VPC holds 1 more (Iot/Vpc/Logs): 51, more than the 50');
  });

  test('the IoT account stack leaves room for its CloudWatch Logs and S3 interface endpoints', () => {
    const app = concreteApp({ serviceZoneSuffixes: { 'iot.data': ['a', 'b', 'c'] } });
    new IotAccountStack(app, 'Iot', {
      env: { account: '111111111111', region: 'eu-west-1' }, gatekeeperCidr: '10.10.0.0/16', deviceCidrs: ['10.20.0.0/16'], expectedDevices: 4_800_000,
    });
    const error = thrown(() => app.synth());
    expect(error.message).toMatch(/^PrivateIotDataEndpoint 'Iot\/IotEndpoints': expectedDevices 4800000 needs 50 interface endpoints, and the VPC holds 2 more \(Iot\/GatekeeperVpc\/Logs, Iot\/GatekeeperVpc\/S3Interface\): 52, more than the 50/);
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
    expect(error.name).toBe('CdkPrivateIotError');
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
  ])('the same fleet fits with %s', (_what, props) => {
    const { stack, endpoint } = fourZoneEndpoint(4_200_000);
    const frontDoor = new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: false, ...props });
    expect(frontDoor.targetGroups.length).toBeGreaterThan(0);
  });

  test('4,100,000 devices (3 x 164 = 492 targets) fit under the default quota', () => {
    const { stack, endpoint } = fourZoneEndpoint(4_100_000);
    const frontDoor = new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: false });
    expect(frontDoor.targetGroups).toHaveLength(3);
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
