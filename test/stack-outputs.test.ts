/**
 * Stack outputs carry the plain names the README and the deploy steps use (`ServiceName`, `ElasticIpAllocationIds`,
 * `StaticIpAddresses`, `ZoneProfileId`, ...) whenever the name is free in the stack, and CDK's unique ids otherwise.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { concreteApp, templateOf, testStack, testVpc, TestVpcProps } from './fixtures';
import { buildReferenceTopology, MAIN_JOB_OPTIONS } from '../examples/reference-topology';
import { CrossAccountIotEndpointService, PrivateIotDataEndpoint, StaticIpIotFrontDoor } from '../src';

const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.context.json'), 'utf-8'));

const PUBLIC_AND_ISOLATED: TestVpcProps = {
  subnetConfiguration: [
    { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
    { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
  ],
};

function fleet(): { stack: Stack; endpoint: PrivateIotDataEndpoint } {
  const stack = testStack(concreteApp());
  const vpc = testVpc(stack, 'Vpc', PUBLIC_AND_ISOLATED);
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  return { stack, endpoint };
}

function outputNames(stack: Stack): string[] {
  return Object.keys(templateOf(stack).toJSON().Outputs ?? {}).sort();
}

test('one front door and one endpoint service: the outputs have their plain names', () => {
  const { stack, endpoint } = fleet();
  new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint });
  new CrossAccountIotEndpointService(stack, 'IotService', { endpoint, allowedAccounts: ['222222222222'] });

  expect(outputNames(stack)).toEqual(['ElasticIpAllocationIds', 'ServiceName', 'StaticIpAddresses']);
});

test('two front doors in one stack: neither takes the plain name, both keep unique ids', () => {
  const { stack, endpoint } = fleet();
  new StaticIpIotFrontDoor(stack, 'FrontDoorA', { endpoint });
  new StaticIpIotFrontDoor(stack, 'FrontDoorB', { endpoint });

  const names = outputNames(stack);
  expect(names).toHaveLength(4);
  expect(names).not.toContain('StaticIpAddresses');
  expect(names.filter((n) => n.startsWith('FrontDoorAStaticIpAddresses'))).toHaveLength(1);
  expect(names.filter((n) => n.startsWith('FrontDoorBStaticIpAddresses'))).toHaveLength(1);
});

test('a user output that already has the name keeps it; ours keeps its unique id', () => {
  const { stack, endpoint } = fleet();
  new CrossAccountIotEndpointService(stack, 'IotService', { endpoint, allowedAccounts: ['222222222222'] });
  new CfnOutput(stack, 'ServiceName', { value: 'mine' });

  const outputs = templateOf(stack).toJSON().Outputs;
  expect(outputs.ServiceName.Value).toBe('mine');
  const ours = Object.keys(outputs).filter((n) => n !== 'ServiceName');
  expect(ours).toHaveLength(1);
  expect(ours[0]).toMatch(/^IotServiceServiceName[0-9A-F]{8}$/);
});

test('the reference topology has the output names the README\'s deploy steps use', () => {
  const { network, iot } = buildReferenceTopology({ ...MAIN_JOB_OPTIONS, consumers: 1, context });

  expect(outputNames(network)).toEqual(expect.arrayContaining(['TransitGatewayId']));
  expect(outputNames(iot)).toEqual(expect.arrayContaining([
    'ElasticIpAllocationIds', 'IotDataEndpoint', 'ServiceName', 'StaticIpAddresses', 'ZoneProfileId',
  ]));
});
