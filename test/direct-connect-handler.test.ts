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
import {
  CreateDirectConnectGatewayAssociationCommand, DeleteDirectConnectGatewayAssociationCommand, DirectConnectClient,
  DirectConnectClientException, UpdateDirectConnectGatewayAssociationCommand,
} from '@aws-sdk/client-direct-connect';
import { Stack } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { CONTEXT, customAwsResource, event, SynthesizedResource, useHandlerHarness } from './aws-custom-resource-harness';
import { concreteApp, TEST_ACCOUNT, TEST_REGION } from './fixtures';
import { DirectConnectGatewayAssociation } from '../src';

const DX_GATEWAY = '5f294f92-bafb-4011-916d-9b0b12345678';
const TGW = 'tgw-0123456789abcdef0';
const ASSOCIATION_ID = '820a6e4f-5374-4004-8317-3f64b0123456';
const PREFIXES = ['10.20.0.0/16', '10.10.0.0/16'];

const dxMock = mockClient(DirectConnectClient);
const { run } = useHandlerHarness(dxMock);

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

/** The Custom::AWS resource of an association with the given prefixes, with its properties as CloudFormation sends them. */
function associationResource(allowedPrefixes = PREFIXES): SynthesizedResource {
  const stack = new Stack(concreteApp(), 'Network', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
  new DirectConnectGatewayAssociation(stack, 'DirectConnect', { directConnectGatewayId: DX_GATEWAY, transitGatewayId: TGW, allowedPrefixes });
  return customAwsResource(stack);
}

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
