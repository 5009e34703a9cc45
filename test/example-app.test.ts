/**
 * The example app (the README's main job): it synthesizes offline from the committed cdk.context.json, has one
 * Lambda function, and passes the four cdk-nag packs without unacknowledged findings.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { formatNagFindings, lambdaCount, nagFindings } from './fixtures';
import { buildExampleApp, PrivateDataPathStack } from '../examples/private-data-path';
import { formatSummary, summarizeAssembly } from '../scripts/summarize-assembly';

const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.context.json'), 'utf-8'));

function synthExample() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  const app = buildExampleApp({ outdir, context });
  const assembly = app.synth();
  const stack = app.node.findChild('PrivateIotDataPath') as PrivateDataPathStack;
  return { app, assembly, stack, outdir };
}

describe('example app', () => {
  const { assembly, stack, outdir } = synthExample();
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('synthesizes offline: every lookup is answered by cdk.context.json', () => {
    expect(assembly.manifest.missing ?? []).toEqual([]);
    expect(stack.endpoint.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  test('150,000 devices -> 2 data endpoints, plus credentials and greengrass, one Lambda function', () => {
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.iot.data' }, 2);
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.iot.credentials' }, 1);
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.greengrass', PrivateDnsEnabled: true }, 1);
    expect(lambdaCount(template)).toBe(1);
    // 2 endpoints x 3 zones in the data zone, 3 in the credentials zone
    template.resourceCountIs('AWS::Route53::RecordSet', 9);
  });

  test('the summary printed by the main job names endpoints, zones, ports and the Lambda count', () => {
    const text = formatSummary(summarizeAssembly(outdir));
    expect(text).toMatch(/com\.amazonaws\.eu-west-1\.iot\.data/);
    expect(text).toMatch(/A weighted x6/);
    expect(text).toMatch(/tcp\s+8883\s+cidr 192\.168\.0\.0\/16/);
    expect(text).toMatch(/1 stacks, \d+ resources, 1 Lambda functions/);
  });
});

describe('cdk-nag on the example stack', () => {
  // The example's own VPCs (flow-log groups, default security groups) are the user's to harden; what our
  // constructs create, including the stack-wide lookup function, must be clean or acknowledged with a reason.
  const ours = /^PrivateIotDataPath\/(IotEndpoint|IotZone|DevicePolicy|CdkPrivateIotLookups)\//;

  test('AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1: no unacknowledged finding on our constructs', () => {
    const { stack, outdir } = synthExample();
    try {
      const findings = nagFindings(stack);
      expect(formatNagFindings(findings.filter((f) => ours.test(f.path)))).toEqual([]);
      // the filter is not vacuous: the packs did run over the stack and report the example's own VPC resources
      expect(findings.some((f) => f.path.startsWith('PrivateIotDataPath/GatekeeperVpc/'))).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
