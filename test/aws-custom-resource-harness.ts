/**
 * Runs aws-cdk-lib's REAL AwsCustomResource Lambda handler (the code a stack's shared AwsCustomResource function runs for
 * our changes: zone and Direct Connect associations, `IotLookups.sdkChange`; the read-only lookups have their own handler,
 * tested in lookup-handler.test.ts) in the test
 * process, against the Custom::AWS properties our constructs synthesize, with the AWS SDK client mocked by
 * aws-sdk-client-mock and the CloudFormation response captured from `https.request`. Nothing leaves the process: any
 * other socket connection, `https.request` or `npm install` fails the test.
 */
import childProcess from 'child_process';
import https from 'https';
import net from 'net';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { templateOf, TEST_ACCOUNT, TEST_REGION } from './fixtures';

const HANDLER = path.join(path.dirname(require.resolve('aws-cdk-lib')),
  'custom-resource-handlers/dist/custom-resources/aws-custom-resource-handler/index.js');
const { handler } = jest.requireActual(HANDLER) as { handler: (event: any, context: any) => Promise<void> };

export const RESPONSE_HOST = 'cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com';
const RESPONSE_URL = `https://${RESPONSE_HOST}/arn%3Aaws%3Acloudformation/resp?X-Amz-Signature=abc`;
export const CONTEXT = { logStreamName: '2025/01/01/[$LATEST]0123456789abcdef', awsRequestId: 'req-1' };

/** A template value as CloudFormation hands it to the function: scalars as strings, the few intrinsics we expect resolved. */
export function literal(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  const intrinsic = value as Record<string, any>;
  if (intrinsic['Fn::Join']) return intrinsic['Fn::Join'][1].map(literal).join(intrinsic['Fn::Join'][0]);
  const refs: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': TEST_REGION, 'AWS::URLSuffix': 'amazonaws.com' };
  if (intrinsic.Ref && refs[intrinsic.Ref]) return refs[intrinsic.Ref];
  if (intrinsic['Fn::GetAtt']) return `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${intrinsic['Fn::GetAtt'][0]}`;
  throw new Error(`unexpected unresolved value ${JSON.stringify(value)}`);
}

export interface SynthesizedResource {
  readonly logicalId: string;
  readonly properties: Record<string, string>;
}

/** The single Custom::AWS resource of a stack, with its properties as CloudFormation sends them. */
export function customAwsResource(stack: Stack): SynthesizedResource {
  const resources = Object.entries(templateOf(stack).findResources('Custom::AWS'));
  expect(resources).toHaveLength(1);
  const [logicalId, resource] = resources[0];
  const properties = Object.fromEntries(Object.entries(resource.Properties as Record<string, unknown>).map(([k, v]) => [k, literal(v)]));
  return { logicalId, properties };
}

export type RequestType = 'Create' | 'Update' | 'Delete';

/** A CloudFormation custom resource event (fresh objects: the handler parses the call properties in place). */
export function event(requestType: RequestType, resource: SynthesizedResource,
  extra: { physicalId?: string; old?: SynthesizedResource; account?: string } = {}) {
  return {
    RequestType: requestType,
    ServiceToken: resource.properties.ServiceToken,
    ResponseURL: RESPONSE_URL,
    StackId: `arn:aws:cloudformation:${TEST_REGION}:${extra.account ?? TEST_ACCOUNT}:stack/Network/guid`,
    RequestId: `request-${requestType}`,
    LogicalResourceId: resource.logicalId,
    ResourceType: 'Custom::AWS',
    ResourceProperties: { ...resource.properties },
    ...(extra.old ? { OldResourceProperties: { ...extra.old.properties } } : {}),
    ...(extra.physicalId ? { PhysicalResourceId: extra.physicalId } : {}),
  };
}

export interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly LogicalResourceId: string;
  readonly Data: Record<string, unknown>;
}

/**
 * Registers the jest hooks (region as in Lambda, mock reset, no SDK install, no socket, captured response) and returns
 * `run`, which runs the handler on one event and returns the one response it sent to the ResponseURL.
 */
export function useHandlerHarness(mock: { reset(): unknown; restore(): unknown }): { run: (evt: ReturnType<typeof event>) => Promise<CfnResponse> } {
  let responses: CfnResponse[] = [];
  let requestOptions: https.RequestOptions[] = [];
  let execSync: jest.SpyInstance;
  let socketConnect: jest.SpyInstance;
  const savedRegion = process.env.AWS_REGION;

  beforeAll(() => {
    process.env.AWS_REGION = TEST_REGION; // as in Lambda
  });

  afterAll(() => {
    mock.restore();
    if (savedRegion === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = savedRegion;
  });

  beforeEach(() => {
    mock.reset();
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    execSync = jest.spyOn(childProcess, 'execSync').mockImplementation(() => {
      throw new Error('the handler tried to install an SDK');
    });
    socketConnect = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => {
      throw new Error('the handler tried to open a connection');
    });
    jest.spyOn(https, 'request').mockImplementation(((options: https.RequestOptions, callback: (res: unknown) => void) => {
      if (options.hostname !== RESPONSE_HOST) throw new Error(`unexpected request to ${options.hostname}`);
      const chunks: string[] = [];
      const request = {
        on: () => request,
        write: (chunk: string) => { chunks.push(chunk); return true; },
        end: () => {
          requestOptions.push(options);
          responses.push(JSON.parse(chunks.join('')));
          callback({ statusCode: 200 });
        },
      };
      return request;
    }) as unknown as typeof https.request);
  });

  afterEach(() => {
    // never an `npm install` (InstallLatestAwsSdk is 'false') and never a socket: the mocked client is all there is
    expect(execSync).not.toHaveBeenCalled();
    expect(socketConnect).not.toHaveBeenCalled();
    jest.restoreAllMocks();
  });

  return {
    run: async (evt) => {
      responses = [];
      requestOptions = [];
      await handler(evt, CONTEXT);
      expect(responses).toHaveLength(1);
      const url = new URL(RESPONSE_URL);
      expect(requestOptions[0]).toMatchObject({ hostname: RESPONSE_HOST, method: 'PUT', path: url.pathname + url.search });
      expect(responses[0]).toMatchObject({ LogicalResourceId: evt.LogicalResourceId, RequestId: evt.RequestId });
      return responses[0];
    },
  };
}
