/**
 * StagedDirectoryCode (the connectivity canary's Lambda code): staged and published exactly as aws-cdk-lib's
 * lambda.Code.fromAsset would, without loading aws-cdk-lib's S3 module or region-info.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { concreteApp, LINT_SKIP_CONTEXT, testStack, testVpc } from './fixtures';
import { loadedCdkModules } from './loaded-modules';
import { IotConnectivityCanary } from '../src';
import { StagedDirectoryCode } from '../src/private/staged-directory-code';

const CANARY_CODE = path.join(__dirname, '..', 'assets', 'probe', 'canary.lambda');
const HOST = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';

/** The function's Code and Metadata, and the stack's file assets (manifest), of a function built with `code`. */
function published(code: lambda.Code, context: Record<string, unknown> = {}) {
  // a bare function outside any VPC, to compare the staging: the canary's function is linted in its own tests
  const app = concreteApp({}, { context: { ...context, [LINT_SKIP_CONTEXT]: 'a bare Lambda function comparing code stagings (the canary is linted in its own tests)' } });
  const stack = testStack(app);
  new lambda.Function(stack, 'Function', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code });
  const assembly = app.synth({ force: true });
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const fn = Object.values(artifact.template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::Lambda::Function');
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf-8'));
  const files = Object.fromEntries(Object.entries(manifest.files as Record<string, any>).filter(([, f]) => f.source.packaging === 'zip'));
  return { code: fn.Properties.Code, metadata: fn.Metadata, files, directory: assembly.directory };
}

test('the canary bundle exists (npx projen bundle): the tests below compare its staging', () => {
  expect(fs.statSync(path.join(CANARY_CODE, 'index.js')).size).toBeGreaterThan(1000);
});

test('the same S3 location and asset manifest entry as lambda.Code.fromAsset', () => {
  const ours = published(new StagedDirectoryCode(CANARY_CODE));
  const theirs = published(lambda.Code.fromAsset(CANARY_CODE));
  expect(ours.code).toEqual(theirs.code);
  expect(ours.code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
  expect(ours.files).toEqual(theirs.files);
  expect(Object.keys(ours.files)).toHaveLength(1);
  // the staged copy is in the cloud assembly, as the manifest says
  const [entry] = Object.values(ours.files) as any[];
  expect(fs.existsSync(path.join(ours.directory, entry.source.path, 'index.js'))).toBe(true);
});

test('the asset metadata SAM CLI reads, when the CDK CLI asks for it, as lambda.Code.fromAsset writes it', () => {
  const context = { [cxapi.ASSET_RESOURCE_METADATA_ENABLED_CONTEXT]: true };
  const ours = published(new StagedDirectoryCode(CANARY_CODE), context);
  const theirs = published(lambda.Code.fromAsset(CANARY_CODE), context);
  expect(ours.metadata).toEqual(theirs.metadata);
  expect(ours.metadata[cxapi.ASSET_RESOURCE_METADATA_PATH_KEY]).toMatch(/^asset\.[0-9a-f]{64}/);
  expect(ours.metadata[cxapi.ASSET_RESOURCE_METADATA_PROPERTY_KEY]).toBe('Code');
  // and none without the context
  expect(published(new StagedDirectoryCode(CANARY_CODE)).metadata?.[cxapi.ASSET_RESOURCE_METADATA_PATH_KEY]).toBeUndefined();
});

test('one instance serves one stack (as aws-cdk-lib\'s AssetCode)', () => {
  const app = new App();
  const code = new StagedDirectoryCode(CANARY_CODE);
  const one = new Stack(app, 'One');
  const two = new Stack(app, 'Two');
  new lambda.Function(one, 'A', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code });
  new lambda.Function(one, 'B', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code });
  expect(() => new lambda.Function(two, 'C', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code }))
    .toThrow(/CdkPrivateIotError: .*already staged for stack One: create one StagedDirectoryCode per stack/);
});

test('the canary stages its code this way', () => {
  const stack = testStack();
  const canary = new IotConnectivityCanary(stack, 'Canary', { vpc: testVpc(stack), host: HOST });
  const theirs = published(lambda.Code.fromAsset(CANARY_CODE));
  const template = stack.resolve((canary.function.node.defaultChild as lambda.CfnFunction).code);
  expect(template).toEqual({ s3Bucket: theirs.code.S3Bucket, s3Key: theirs.code.S3Key });
});

test('a stack with the canary loads neither aws-cdk-lib\'s S3 module nor region-info', () => {
  const loaded = loadedCdkModules([
    'const app = new App({ outdir });',
    'const stack = new Stack(app, \'Consumer\', { env: { account: \'111111111111\', region: \'eu-west-1\' } });',
    'const vpc = new ec2.Vpc(stack, \'Vpc\', { natGateways: 0, availabilityZones: [\'eu-west-1a\', \'eu-west-1b\'],',
    '  subnetConfiguration: [{ name: \'I\', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });',
    `new lib.IotConnectivityCanary(stack, 'Canary', { vpc, host: '${HOST}' });`,
    'app.synth();',
  ]);
  expect(loaded).toContain('aws-lambda/lib/function.js'); // the control: the program ran and was observed
  expect(loaded.filter((m) => /^(aws-s3|aws-s3-assets|region-info)\/lib\//.test(m))).toEqual([]);
}, 120_000);
