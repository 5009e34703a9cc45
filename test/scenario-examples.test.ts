/**
 * The two scenarios of the AWS IoT "common architecture patterns" article as example apps (issue 15): they synthesize
 * offline from the committed cdk.context.json, the reachability verifier proves every declared flow from the
 * templates, and what our constructs create passes the four cdk-nag packs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { formatNagFindings, nagFindings } from './fixtures';
import { buildGreengrassCoreDevicesApp, GreengrassCoreDevicesStack } from '../examples/greengrass-core-devices';
import { buildOnPremisesDevicesApp, EXAMPLE_HOSTS, FACTORY_CIDR, OnPremisesDevicesStack } from '../examples/on-premises-devices';
import { IotReachability } from '../src';

const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.context.json'), 'utf-8'));

describe('scenario 1: devices on premises (examples/on-premises-devices.ts)', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'scenario1-'));
  const app = buildOnPremisesDevicesApp({ outdir, context });
  const assembly = app.synth();
  const stack = app.node.findChild('OnPremisesDevices') as OnPremisesDevicesStack;
  const template = Template.fromStack(stack);
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('synthesizes offline: every lookup is answered by cdk.context.json', () => {
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  test('the verifier proves the declared flows: factory devices reach both hosts through the Resolver and the VPN, other ports are blocked', () => {
    const report = IotReachability.verifyAssembly(outdir);
    const failing = report.verdicts.filter((v) => !v.ok).map((v) => `${v.flow} ${v.port}: ${v.reason} (${v.blockedBy})`);
    expect(failing).toEqual([]);
    expect(report.verdicts.map((v) => `${v.flow} ${v.port} ${v.reachable ? 'reachable' : 'blocked'}`).sort()).toEqual([
      'factory -> credentials 443 reachable',
      'factory -> data 443 reachable', 'factory -> data 8443 reachable', 'factory -> data 8883 reachable',
      'factory -> data, other ports 22 blocked', 'factory -> data, other ports 80 blocked',
    ]);
    const data = report.verdicts.find((v) => v.flow === 'factory -> data' && v.port === 8883)!;
    expect(data.resolvedBy).toMatch(/IotZone/);
  });

  test('the Resolver admits DNS from the factory and the forwarders name both hosts', () => {
    template.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', { Direction: 'INBOUND' });
    expect(stack.resolver.forwardedDomains).toEqual([EXAMPLE_HOSTS.data, EXAMPLE_HOSTS.credentials]);
    const bind = JSON.stringify(template.findOutputs('BindForwarders'));
    expect(bind).toContain(`zone \\"${EXAMPLE_HOSTS.data}\\"`);
    expect(bind).toContain(`zone \\"${EXAMPLE_HOSTS.credentials}\\"`);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [
        { CidrIp: FACTORY_CIDR, IpProtocol: 'udp', FromPort: 53, ToPort: 53, Description: 'DNS' },
        { CidrIp: FACTORY_CIDR, IpProtocol: 'tcp', FromPort: 53, ToPort: 53, Description: 'DNS over TCP' },
      ],
    });
  });

  test('cdk-nag: no unacknowledged finding on our constructs', () => {
    const ours = /^OnPremisesDevices\/(IotEndpoint|IotZone|FactoryDns|DevicePolicy|CdkPrivateIotLookups)\//;
    expect(formatNagFindings(nagFindings(stack).filter((f) => ours.test(f.path)))).toEqual([]);
  });
});

describe('scenario 2: Greengrass core devices on premises (examples/greengrass-core-devices.ts)', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'scenario2-'));
  const app = buildGreengrassCoreDevicesApp({ outdir, context });
  const assembly = app.synth();
  const stack = app.node.findChild('GreengrassCoreDevices') as GreengrassCoreDevicesStack;
  const template = Template.fromStack(stack);
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('synthesizes offline: every lookup is answered by cdk.context.json', () => {
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  test('the verifier proves the declared flows: the cores reach the IoT hosts, greengrass, S3 and logs from the factory', () => {
    const report = IotReachability.verifyAssembly(outdir);
    const failing = report.verdicts.filter((v) => !v.ok).map((v) => `${v.flow} ${v.port}: ${v.reason} (${v.blockedBy})`);
    expect(failing).toEqual([]);
    expect([...new Set(report.verdicts.map((v) => `${v.flow} ${v.reachable ? 'reachable' : 'blocked'}`))].sort()).toEqual([
      'factory cores -> credentials reachable', 'factory cores -> data reachable', 'factory cores -> greengrass reachable',
      'factory cores -> logs reachable', 'factory cores -> logs, other ports blocked', 'factory cores -> s3 reachable',
    ]);
  });

  test('on-premises DNS forwards the IoT hosts and the greengrass, s3 and logs names', () => {
    expect(stack.resolver.forwardedDomains).toEqual([EXAMPLE_HOSTS.data, EXAMPLE_HOSTS.credentials,
      'greengrass.eu-west-1.amazonaws.com', 's3.eu-west-1.amazonaws.com', 'logs.eu-west-1.amazonaws.com']);
  });

  test('the nucleus configuration points the cores at the private endpoints and the role alias', () => {
    const value = template.findOutputs('NucleusConfiguration').NucleusConfiguration.Value;
    const text = JSON.stringify(value);
    for (const expected of ['greengrassDataPlaneEndpoint', 'iotdata', EXAMPLE_HOSTS.data, EXAMPLE_HOSTS.credentials, 'iotRoleAlias']) {
      expect(text).toContain(expected);
    }
    template.resourceCountIs('AWS::IoT::RoleAlias', 1);
  });

  test('cdk-nag: no unacknowledged finding on our constructs', () => {
    const ours = /^GreengrassCoreDevices\/(IotEndpoint|IotZone|GreengrassEndpoints|FactoryDns|CorePolicy|CdkPrivateIotLookups)\//;
    expect(formatNagFindings(nagFindings(stack).filter((f) => ours.test(f.path)))).toEqual([]);
  });
});
