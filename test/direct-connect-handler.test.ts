/**
 * Runs aws-cdk-lib's REAL AwsCustomResource Lambda handler (the code the stack's shared lookup function runs) against the
 * Custom::AWS properties `DirectConnectGatewayAssociation` synthesizes, with Direct Connect mocked by aws-sdk-client-mock
 * and the CloudFormation response captured from `https.request` (the approach of zone-association-handler.test.ts).
 * Nothing leaves the process: the client's `send` is stubbed, the response "upload" is a fake request, and any other
 * socket connection, `https.request` or `npm install` fails the test.
 *
 * Not covered (no AWS account): how long Direct Connect takes from `associating` to `associated`, and what it answers to
 * an update that re-adds prefixes the association already allows.
 */
import childProcess from 'child_process';
import https from 'https';
import net from 'net';
import * as path from 'path';
import {
  CreateDirectConnectGatewayAssociationCommand, DeleteDirectConnectGatewayAssociationCommand, DirectConnectClient,
  DirectConnectClientException, UpdateDirectConnectGatewayAssociationCommand,
} from '@aws-sdk/client-direct-connect';
import { Stack } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { concreteApp, templateOf, TEST_ACCOUNT, TEST_REGION } from './fixtures';
import { DirectConnectGatewayAssociation } from '../src';

const HANDLER = path.join(path.dirname(require.resolve('aws-cdk-lib')),
  'custom-resource-handlers/dist/custom-resources/aws-custom-resource-handler/index.js');
const { handler } = jest.requireActual(HANDLER) as { handler: (event: any, context: any) => Promise<void> };

const DX_GATEWAY = '5f294f92-bafb-4011-916d-9b0b12345678';
const TGW = 'tgw-0123456789abcdef0';
const ASSOCIATION_ID = '820a6e4f-5374-4004-8317-3f64b0123456';
const PREFIXES = ['10.20.0.0/16', '10.10.0.0/16'];
const RESPONSE_HOST = 'cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com';
const RESPONSE_URL = `https://${RESPONSE_HOST}/arn%3Aaws%3Acloudformation/resp?X-Amz-Signature=abc`;
const CONTEXT = { logStreamName: '2025/01/01/[$LATEST]0123456789abcdef', awsRequestId: 'req-1' };

const dxMock = mockClient(DirectConnectClient);

/** What Direct Connect answers to create/update/delete: the association, in a transitional state. */
function association(state: 'associating' | 'updating' | 'disassociating', prefixes = PREFIXES) {
  return {
    directConnectGatewayAssociation: {
      associationId: ASSOCIATION_ID,
      associationState: state,
      directConnectGatewayId: DX_GATEWAY,
      directConnectGatewayOwnerAccount: TEST_ACCOUNT,
      associatedGateway: { id: TGW, type: 'transitGateway' as const, ownerAccount: TEST_ACCOUNT, region: TEST_REGION },
      allowedPrefixesToDirectConnectGateway: prefixes.map((cidr) => ({ cidr })),
    },
  };
}

/** A Direct Connect error as the SDK throws it: every client error is a `DirectConnectClientException`. */
function clientError(message: string): DirectConnectClientException {
  return new DirectConnectClientException({ message, $metadata: { httpStatusCode: 400 } });
}

/** A template value as CloudFormation hands it to the function: scalars as strings, the few intrinsics we expect resolved. */
function literal(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  const intrinsic = value as Record<string, any>;
  if (intrinsic['Fn::GetAtt']) return `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${intrinsic['Fn::GetAtt'][0]}`;
  throw new Error(`unexpected unresolved value ${JSON.stringify(value)}`);
}

interface SynthesizedResource {
  readonly logicalId: string;
  readonly properties: Record<string, string>;
}

/** The Custom::AWS resource of an association with the given prefixes, with its properties as CloudFormation sends them. */
function associationResource(allowedPrefixes = PREFIXES): SynthesizedResource {
  const stack = new Stack(concreteApp(), 'Network', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
  new DirectConnectGatewayAssociation(stack, 'DirectConnect', { directConnectGatewayId: DX_GATEWAY, transitGatewayId: TGW, allowedPrefixes });
  const resources = Object.entries(templateOf(stack).findResources('Custom::AWS'));
  expect(resources).toHaveLength(1);
  const [logicalId, resource] = resources[0];
  const properties = Object.fromEntries(Object.entries(resource.Properties as Record<string, unknown>).map(([k, v]) => [k, literal(v)]));
  return { logicalId, properties };
}

type RequestType = 'Create' | 'Update' | 'Delete';

/** A CloudFormation custom resource event (fresh objects: the handler parses the call properties in place). */
function event(requestType: RequestType, resource: SynthesizedResource, extra: { physicalId?: string; old?: SynthesizedResource } = {}) {
  return {
    RequestType: requestType,
    ServiceToken: resource.properties.ServiceToken,
    ResponseURL: RESPONSE_URL,
    StackId: `arn:aws:cloudformation:${TEST_REGION}:${TEST_ACCOUNT}:stack/Network/guid`,
    RequestId: `request-${requestType}`,
    LogicalResourceId: resource.logicalId,
    ResourceType: 'Custom::AWS',
    ResourceProperties: { ...resource.properties },
    ...(extra.old ? { OldResourceProperties: { ...extra.old.properties } } : {}),
    ...(extra.physicalId ? { PhysicalResourceId: extra.physicalId } : {}),
  };
}

interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly LogicalResourceId: string;
  readonly Data: Record<string, unknown>;
}

let responses: CfnResponse[];
let execSync: jest.SpyInstance;
let socketConnect: jest.SpyInstance;

/** Runs the real handler on one event and returns the one response it sent to the ResponseURL. */
async function run(evt: ReturnType<typeof event>): Promise<CfnResponse> {
  responses = [];
  await handler(evt, CONTEXT);
  expect(responses).toHaveLength(1);
  expect(responses[0]).toMatchObject({ LogicalResourceId: evt.LogicalResourceId, RequestId: evt.RequestId });
  return responses[0];
}

const savedRegion = process.env.AWS_REGION;

beforeAll(() => {
  process.env.AWS_REGION = TEST_REGION; // as in Lambda
});

afterAll(() => {
  dxMock.restore();
  if (savedRegion === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = savedRegion;
});

beforeEach(() => {
  dxMock.reset();
  responses = [];
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

const CREATE_INPUT = {
  directConnectGatewayId: DX_GATEWAY,
  gatewayId: TGW,
  addAllowedPrefixesToDirectConnectGateway: [{ cidr: '10.20.0.0/16' }, { cidr: '10.10.0.0/16' }],
};

describe('DirectConnectGatewayAssociation through the real AwsCustomResource handler', () => {
  test('the synthesized resource is what the handler gets: no SDK install, DirectConnect calls', () => {
    const { properties } = associationResource();
    expect(properties.InstallLatestAwsSdk).toBe('false');
    expect(JSON.parse(properties.Create)).toMatchObject({ service: 'DirectConnect', action: 'createDirectConnectGatewayAssociation', parameters: CREATE_INPUT });
  });

  test('create: one CreateDirectConnectGatewayAssociation; SUCCESS with the association id as physical id and attribute', async () => {
    dxMock.on(CreateDirectConnectGatewayAssociationCommand).resolves(association('associating'));
    const response = await run(event('Create', associationResource()));
    expect(dxMock.calls()).toHaveLength(1);
    expect(dxMock.commandCalls(CreateDirectConnectGatewayAssociationCommand)[0].args[0].input).toEqual(CREATE_INPUT);
    // the handler does not wait for `associated`: the first answer (associating) completes the resource
    expect(response).toMatchObject({ Status: 'SUCCESS', Reason: 'OK', PhysicalResourceId: ASSOCIATION_ID });
    expect(response.Data).toEqual({ 'directConnectGatewayAssociation.associationId': ASSOCIATION_ID });
  });

  // The messages are illustrative (not copied from Direct Connect): what is tested is that the reason reaches CloudFormation.
  test.each([
    ['the gateway is already associated with the Transit Gateway',
      `The Direct Connect gateway ${DX_GATEWAY} is already associated with the gateway ${TGW}.`],
    ['an allowed prefix overlaps another association of the gateway',
      'The allowed prefix 10.20.0.0/16 overlaps with an allowed prefix of another association of the Direct Connect gateway.'],
    ['no such gateway', `Direct Connect gateway ${DX_GATEWAY} does not exist.`],
  ])('create fails (%s): FAILED with Direct Connect\'s message as the reason', async (_name, message) => {
    dxMock.on(CreateDirectConnectGatewayAssociationCommand).rejects(clientError(message));
    const response = await run(event('Create', associationResource()));
    expect(dxMock.commandCalls(CreateDirectConnectGatewayAssociationCommand)[0].args[0].input).toEqual(CREATE_INPUT);
    // on failure the handler answers with the log stream as physical id (ignored by CloudFormation for a failed create)
    expect(response).toMatchObject({ Status: 'FAILED', Reason: message, PhysicalResourceId: CONTEXT.logStreamName });
  });

  test('update with a new prefix: UpdateDirectConnectGatewayAssociation adds the whole list to the same association, removes none', async () => {
    const newPrefixes = [...PREFIXES, '10.30.0.0/16'];
    dxMock.on(UpdateDirectConnectGatewayAssociationCommand).resolves(association('updating', newPrefixes));
    const oldResource = associationResource();
    const newResource = associationResource(newPrefixes);
    expect(newResource.logicalId).toBe(oldResource.logicalId); // an update, not a replacement by CloudFormation itself
    const response = await run(event('Update', newResource, { physicalId: ASSOCIATION_ID, old: oldResource }));
    expect(dxMock.calls()).toHaveLength(1);
    expect(dxMock.commandCalls(UpdateDirectConnectGatewayAssociationCommand)[0].args[0].input).toEqual({
      associationId: ASSOCIATION_ID,
      addAllowedPrefixesToDirectConnectGateway: newPrefixes.map((cidr) => ({ cidr })),
    });
    // the same physical id: CloudFormation sends no Delete for the "old" association afterwards
    expect(response).toMatchObject({ Status: 'SUCCESS', Reason: 'OK', PhysicalResourceId: ASSOCIATION_ID });
  });

  test('update fails (e.g. the association is still associating): FAILED with the reason', async () => {
    const message = `The association ${ASSOCIATION_ID} is in state associating and cannot be updated.`;
    dxMock.on(UpdateDirectConnectGatewayAssociationCommand).rejects(clientError(message));
    const response = await run(event('Update', associationResource(['10.0.0.0/8']), { physicalId: ASSOCIATION_ID, old: associationResource() }));
    expect(dxMock.commandCalls(UpdateDirectConnectGatewayAssociationCommand)[0].args[0].input.associationId).toBe(ASSOCIATION_ID);
    expect(response).toMatchObject({ Status: 'FAILED', Reason: message });
  });

  test('delete: DeleteDirectConnectGatewayAssociation of exactly the association the create made', async () => {
    const resource = associationResource();
    dxMock.on(CreateDirectConnectGatewayAssociationCommand).resolves(association('associating'));
    dxMock.on(DeleteDirectConnectGatewayAssociationCommand).resolves(association('disassociating'));
    const created = await run(event('Create', resource));
    const response = await run(event('Delete', resource, { physicalId: created.PhysicalResourceId }));
    expect(dxMock.commandCalls(DeleteDirectConnectGatewayAssociationCommand)).toHaveLength(1);
    expect(dxMock.commandCalls(DeleteDirectConnectGatewayAssociationCommand)[0].args[0].input).toEqual({ associationId: ASSOCIATION_ID });
    expect(response).toMatchObject({ Status: 'SUCCESS', Reason: 'OK', PhysicalResourceId: ASSOCIATION_ID });
  });

  test('delete fails (e.g. the association is already gone): FAILED with the reason, not ignored', async () => {
    const message = `The association ${ASSOCIATION_ID} does not exist.`;
    dxMock.on(DeleteDirectConnectGatewayAssociationCommand).rejects(clientError(message));
    const response = await run(event('Delete', associationResource(), { physicalId: ASSOCIATION_ID }));
    expect(dxMock.commandCalls(DeleteDirectConnectGatewayAssociationCommand)[0].args[0].input).toEqual({ associationId: ASSOCIATION_ID });
    expect(response).toMatchObject({ Status: 'FAILED', Reason: message });
  });
});
