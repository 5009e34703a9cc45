/**
 * IotReachability: flows declared in a CDK app land in the template metadata of the source's stack, links record the
 * resource a literal stands for, and verifyAssembly checks them; bad declarations fail at synth with the prop named.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IotFlowSource, IotPrivateHostedZone, IotReachability, PrivateIotDataEndpoint } from '../../src';
import { FLOWS_METADATA_KEY, LINKS_METADATA_KEY } from '../../src/verify/model';
import { concreteApp, testStack, testVpc, thrown } from '../fixtures';

const HOST = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';

function app() {
  const a = concreteApp();
  const stack = testStack(a, 'Iot');
  const vpc = testVpc(stack);
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, dataEndpointAddress: HOST });
  new IotPrivateHostedZone(stack, 'Zone', { endpoint });
  return { app: a, stack, vpc, endpoint };
}

test('declared flows are verified: the VPC reaches the data host on the open ports and nothing on 22', () => {
  const { app: a, vpc } = app();
  IotReachability.declareFlow(vpc, { name: 'in-VPC devices', source: IotFlowSource.fromVpc(vpc, { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }), host: HOST, ports: [8883] });
  IotReachability.declareFlow(vpc, { name: 'ssh', source: IotFlowSource.fromVpc(vpc), host: HOST, ports: [22], expectBlocked: true });
  const dir = a.synth().directory;
  const report = IotReachability.verifyAssembly(dir);
  expect(report.stacks).toEqual(['Iot']);
  expect(report.verdicts.map((v) => [v.flow, v.port, v.reachable, v.ok])).toEqual([['in-VPC devices', 8883, true, true], ['ssh', 22, false, true]]);
  expect(report.ok).toBe(true);
  expect(report.verdicts[0].answeredBy).toMatch(/^com\.amazonaws\.eu-west-1\.iot\.data \(Iot\/EndpointDataEndpoint1/);

  const metadata = a.synth().getStackByName('Iot').template.Metadata[FLOWS_METADATA_KEY];
  expect(metadata[0].source.vpc).toMatch(/^Iot\/Vpc[0-9A-F]{8}$/);
  expect(metadata[0].source.subnets.every((s: string) => /^Iot\/Vpc.*Subnet[0-9A-F]{8}$/.test(s))).toBe(true);
  expect(metadata[1]).toMatchObject({ name: 'ssh', host: HOST, ports: [22], expect: 'blocked' });
});

test('verifyAssembly takes extra flows in the CLI form, and can leave the declared ones out', () => {
  const { app: a, vpc } = app();
  IotReachability.declareFlow(vpc, { name: 'declared', source: IotFlowSource.fromVpc(vpc), host: HOST });
  const dir = a.synth().directory;
  const vpcKey = a.synth().getStackByName('Iot').template.Metadata[FLOWS_METADATA_KEY][0].source.vpc;
  const report = IotReachability.verifyAssembly(dir, { flows: [`vpc:${vpcKey},${HOST},8883`], declaredFlows: false });
  expect(report.verdicts.map((v) => v.flow)).toEqual([`${vpcKey} -> ${HOST}`]);
  expect(report.verdicts[0].reachable).toBe(true);
});

test('linkValue records the resource a literal stands for, resolved at synthesis', () => {
  const a = new App();
  const network = new Stack(a, 'Network');
  const tgw = new ec2.CfnTransitGateway(network, 'Tgw', { autoAcceptSharedAttachments: 'disable' }); // compliant (Control Tower CT.EC2.PR.6)
  const iot = new Stack(a, 'Iot');
  IotReachability.linkValue(iot, 'tgw-0123456789abcdef0', tgw);
  expect(a.synth().getStackByName('Iot').template.Metadata[LINKS_METADATA_KEY]).toEqual([{ value: 'tgw-0123456789abcdef0', stack: 'Network', logicalId: 'Tgw' }]);
});

test('bad declarations fail at synth with the prop named', () => {
  const { stack, vpc } = app();
  const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] });
  expect(thrown(() => IotReachability.declareFlow(stack, { name: 'x', source: IotFlowSource.fromVpc(imported), host: HOST })).message)
    .toContain('source VPC Iot/Imported is imported, so its routes and ACLs are not in any template');
  expect(thrown(() => IotReachability.declareFlow(stack, { name: 'x', source: IotFlowSource.fromVpc(vpc), host: HOST, ports: [] })).prop).toBe('ports');
  expect(thrown(() => IotReachability.declareFlow(stack, { name: 'x', source: IotFlowSource.fromVpc(vpc), host: HOST, ports: [70000] })).message)
    .toContain('ports [70000] is not a list of TCP ports');
  expect(thrown(() => IotReachability.declareFlow(stack, { name: 'x', source: IotFlowSource.onPremises('192.168.0.0/33'), host: HOST })).message)
    .toContain("source cidr '192.168.0.0/33' is not an IPv4 CIDR block");
  expect(thrown(() => IotReachability.declareFlow(stack, { name: 'x', source: IotFlowSource.internet('0.0.0.0/0'), host: 'two words' })).prop).toBe('host');
  expect(thrown(() => IotReachability.linkValue(stack, vpc.vpcId, new ec2.CfnTransitGateway(stack, 'Tgw', {}))).prop).toBe('value');
});
