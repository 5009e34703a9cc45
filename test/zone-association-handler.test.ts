/**
 * Runs aws-cdk-lib's REAL AwsCustomResource Lambda handler (the code the stack's shared lookup function runs) against the
 * Custom::AWS properties our constructs synthesize, with Route 53 mocked by aws-sdk-client-mock and the CloudFormation
 * response captured from `https.request`. Nothing leaves the process: the Route 53 client's `send` is stubbed, the
 * response "upload" is a fake request, and any other socket connection, `https.request` or `npm install` fails the test.
 *
 * Not run here: `assumedRoleArn`. The handler turns it into credentials with `fromTemporaryCredentials` from
 * `@aws-sdk/credential-providers` (STS AssumeRole), a package the Lambda runtime has but this project does not
 * (neither is `@aws-sdk/client-sts`), so it is checked at the template level only (last test).
 */
import {
  AssociateVPCWithHostedZoneCommand, ConflictingDomainExists, CreateVPCAssociationAuthorizationCommand,
  DeleteVPCAssociationAuthorizationCommand, DisassociateVPCFromHostedZoneCommand, InvalidVPCId, LastVPCAssociation,
  NoSuchHostedZone, NotAuthorizedException, Route53Client, VPCAssociationAuthorizationNotFound, VPCAssociationNotFound,
} from '@aws-sdk/client-route-53';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { mockClient } from 'aws-sdk-client-mock';
import { CONTEXT, customAwsResource, event, SynthesizedResource, useHandlerHarness } from './aws-custom-resource-harness';
import { concreteApp, TEST_ACCOUNT, TEST_REGION } from './fixtures';
import { IotZoneVpcAssociation, IotZoneVpcAuthorization } from '../src';

const NETWORK_ACCOUNT = '333333333333';
const VPC_ID = 'vpc-0123456789abcdef0';
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const NEW_ZONE_ID = 'Z0ZZZZZZZZZZZZZZZZZZZ';
const CHANGE_INFO = { ChangeInfo: { Id: '/change/C0123', Status: 'PENDING', SubmittedAt: new Date(0) } } as const;

const route53Mock = mockClient(Route53Client);
const { run } = useHandlerHarness(route53Mock);

/** A Route 53 error as the SDK throws it (`name` is the error code the handler matches `ignoreErrorCodesMatching` against). */
function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

function associationResource(zoneIds = [ZONE_ID], assumedRoleArn?: string): SynthesizedResource {
  const app = concreteApp([{ account: NETWORK_ACCOUNT }]);
  const stack = new Stack(app, 'Network', { env: { account: NETWORK_ACCOUNT, region: TEST_REGION } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'V', { vpcId: VPC_ID, availabilityZones: [`${TEST_REGION}a`] });
  new IotZoneVpcAssociation(stack, 'IotZones', { hostedZoneIds: zoneIds, vpc, assumedRoleArn });
  return customAwsResource(stack);
}

function authorizationResource(): SynthesizedResource {
  const stack = new Stack(concreteApp(), 'Provider', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
  const zone = route53.PrivateHostedZone.fromHostedZoneId(stack, 'Zone', ZONE_ID);
  new IotZoneVpcAuthorization(stack, 'DeviceVpc', { zones: [zone], vpcId: VPC_ID, vpcAccount: NETWORK_ACCOUNT });
  return customAwsResource(stack);
}

function noSuchZone(): NoSuchHostedZone {
  return new NoSuchHostedZone({ message: `No hosted zone found with ID: ${ZONE_ID}`, $metadata: {} });
}

const PARAMS = { HostedZoneId: ZONE_ID, VPC: { VPCId: VPC_ID, VPCRegion: TEST_REGION } };
const PHYSICAL_ID = `${ZONE_ID}:${VPC_ID}`;
const AUTHORIZED = { HostedZoneId: ZONE_ID, VPC: { VPCId: VPC_ID, VPCRegion: 'eu-west-1' as const } };

describe('IotZoneVpcAssociation through the real AwsCustomResource handler', () => {
  test('the synthesized resource is what the handler gets: no SDK install, Route53 calls', () => {
    const { properties } = associationResource();
    expect(properties.InstallLatestAwsSdk).toBe('false');
    expect(JSON.parse(properties.Create)).toMatchObject({ service: 'Route53', action: 'associateVPCWithHostedZone', parameters: PARAMS });
  });

  test('create associates the VPC with the zone and answers SUCCESS with <zoneId>:<vpcId>', async () => {
    route53Mock.on(AssociateVPCWithHostedZoneCommand).resolves(CHANGE_INFO);
    const response = await run(event('Create', associationResource()));
    expect(route53Mock.calls()).toHaveLength(1);
    expect(route53Mock.commandCalls(AssociateVPCWithHostedZoneCommand)[0].args[0].input).toEqual(PARAMS);
    expect(response).toMatchObject({ Status: 'SUCCESS', Reason: 'OK', PhysicalResourceId: PHYSICAL_ID });
    expect(response.Data).toMatchObject({ 'ChangeInfo.Id': '/change/C0123', 'region': TEST_REGION });
  });

  test('authorization missing: NotAuthorizedException fails the deployment with the AWS message', async () => {
    const message = `The VPC: ${VPC_ID} in region: ${TEST_REGION} has not been authorized to associate with your hosted zone.`;
    route53Mock.on(AssociateVPCWithHostedZoneCommand).rejects(new NotAuthorizedException({ message, $metadata: {} }));
    const response = await run(event('Create', associationResource()));
    expect(route53Mock.commandCalls(AssociateVPCWithHostedZoneCommand)[0].args[0].input).toEqual(PARAMS);
    // on failure the handler answers with the log stream as physical id (ignored by CloudFormation for a failed create)
    expect(response).toMatchObject({ Status: 'FAILED', Reason: message, PhysicalResourceId: CONTEXT.logStreamName });
  });

  test('ConflictingDomainExists (another zone of the same name is on the VPC) is not ignored: FAILED', async () => {
    const message = `The VPC that you chose, ${VPC_ID} in region ${TEST_REGION}, is already associated with another private hosted zone `
      + 'that has an overlapping name space, iot.eu-west-1.amazonaws.com..';
    route53Mock.on(AssociateVPCWithHostedZoneCommand).rejects(new ConflictingDomainExists({ message, $metadata: {} }));
    const response = await run(event('Create', associationResource()));
    // the Reason is the AWS message only (the handler does not prefix the error code)
    expect(response).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('already associated with another private hosted zone') });
  });

  test('a wrong zone id on create is not ignored either (NoSuchHostedZone is ignored on delete only)', async () => {
    route53Mock.on(AssociateVPCWithHostedZoneCommand).rejects(noSuchZone());
    const response = await run(event('Create', associationResource()));
    expect(response).toMatchObject({ Status: 'FAILED', Reason: `No hosted zone found with ID: ${ZONE_ID}` });
  });

  // In Lambda the client's standard retry mode retries throttling (Route 53's `Throttling`, `PriorRequestNotComplete`)
  // with backoff before the handler sees the error; the mock replaces `send`, so the error arrives at once.
  test.each([
    ['Throttling', 'Rate exceeded'],
    ['ThrottlingException', 'Rate exceeded'],
    ['PriorRequestNotComplete', 'The request was rejected because Route 53 was still processing a prior request.'],
  ])('throttling (%s) that outlasts the retries fails with the reason', async (name, message) => {
    route53Mock.on(AssociateVPCWithHostedZoneCommand).rejects(awsError(name, message));
    const response = await run(event('Create', associationResource()));
    expect(route53Mock.commandCalls(AssociateVPCWithHostedZoneCommand)).toHaveLength(1);
    expect(response).toMatchObject({ Status: 'FAILED', Reason: message });
  });

  test('delete disassociates the VPC with the parameters of the create', async () => {
    route53Mock.on(DisassociateVPCFromHostedZoneCommand).resolves(CHANGE_INFO);
    const response = await run(event('Delete', associationResource(), { physicalId: PHYSICAL_ID }));
    expect(route53Mock.calls()).toHaveLength(1);
    expect(route53Mock.commandCalls(DisassociateVPCFromHostedZoneCommand)[0].args[0].input).toEqual(PARAMS);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  test.each([
    ['NoSuchHostedZone', noSuchZone()],
    ['VPCAssociationNotFound', new VPCAssociationNotFound({ message: `The specified VPC ${VPC_ID} is not associated`, $metadata: {} })],
  ])('delete after the zone or association is gone (%s): SUCCESS', async (_name, error) => {
    route53Mock.on(DisassociateVPCFromHostedZoneCommand).rejects(error);
    const response = await run(event('Delete', associationResource(), { physicalId: PHYSICAL_ID }));
    expect(route53Mock.commandCalls(DisassociateVPCFromHostedZoneCommand)[0].args[0].input).toEqual(PARAMS);
    expect(response).toMatchObject({ Status: 'SUCCESS', Reason: 'OK', PhysicalResourceId: PHYSICAL_ID });
  });

  test.each([
    ['InvalidVPCId', new InvalidVPCId({ message: `The VPC ID '${VPC_ID}' is not valid`, $metadata: {} })],
    ['LastVPCAssociation', new LastVPCAssociation({ message: 'A hosted zone must be associated with at least one VPC', $metadata: {} })],
  ])('delete with any other error (%s): FAILED with the reason', async (_name, error) => {
    route53Mock.on(DisassociateVPCFromHostedZoneCommand).rejects(error);
    const response = await run(event('Delete', associationResource(), { physicalId: PHYSICAL_ID }));
    expect(response).toMatchObject({ Status: 'FAILED', Reason: error.message });
  });

  test('update with a new zone id associates the new zone under a new physical id; the old one is deleted after', async () => {
    route53Mock.on(AssociateVPCWithHostedZoneCommand).resolves(CHANGE_INFO);
    route53Mock.on(DisassociateVPCFromHostedZoneCommand).resolves(CHANGE_INFO);
    const oldResource = associationResource([ZONE_ID]);
    const newResource = associationResource([NEW_ZONE_ID]);
    expect(newResource.logicalId).toBe(oldResource.logicalId); // an update, not a replacement by CloudFormation itself
    const update = await run(event('Update', newResource, { physicalId: PHYSICAL_ID, old: oldResource }));
    expect(route53Mock.calls()).toHaveLength(1);
    expect(route53Mock.commandCalls(AssociateVPCWithHostedZoneCommand)[0].args[0].input).toEqual({ ...PARAMS, HostedZoneId: NEW_ZONE_ID });
    expect(update).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${NEW_ZONE_ID}:${VPC_ID}` });

    // the changed physical id makes CloudFormation send a Delete with the OLD properties in the cleanup phase
    const cleanup = await run(event('Delete', oldResource, { physicalId: PHYSICAL_ID }));
    expect(route53Mock.commandCalls(DisassociateVPCFromHostedZoneCommand)[0].args[0].input).toEqual(PARAMS);
    expect(cleanup).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  test('an update that leaves zone and VPC unchanged: the repeated association\'s ConflictingDomainExists is ignored', async () => {
    // e.g. only assumedRoleArn or the ServiceToken changed: the pair is associated already, and Route 53 says so
    route53Mock.on(AssociateVPCWithHostedZoneCommand).rejects(awsError('ConflictingDomainExists', 'The VPC is already associated with the hosted zone.'));
    const resource = associationResource();
    const response = await run(event('Update', resource, { physicalId: PHYSICAL_ID, old: resource }));
    expect(route53Mock.commandCalls(AssociateVPCWithHostedZoneCommand)[0].args[0].input).toEqual(PARAMS);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  test('update errors other than ConflictingDomainExists still fail (e.g. the authorization is missing for a new zone)', async () => {
    route53Mock.on(AssociateVPCWithHostedZoneCommand).rejects(awsError('NotAuthorizedException', 'The VPC is not authorized for the zone.'));
    const response = await run(event('Update', associationResource([NEW_ZONE_ID]), { physicalId: PHYSICAL_ID, old: associationResource() }));
    expect(response).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('not authorized') });
  });

  test('assumedRoleArn reaches the handler in the Create and Delete calls (template level only, see the file comment)', () => {
    const role = `arn:aws:iam::${NETWORK_ACCOUNT}:role/ZoneAssociation`;
    const { properties } = associationResource([ZONE_ID], role);
    expect(JSON.parse(properties.Create)).toMatchObject({ action: 'associateVPCWithHostedZone', assumedRoleArn: role, parameters: PARAMS });
    expect(JSON.parse(properties.Update)).toEqual({ ...JSON.parse(properties.Create), ignoreErrorCodesMatching: 'ConflictingDomainExists' });
    expect(JSON.parse(properties.Delete)).toMatchObject({ action: 'disassociateVPCFromHostedZone', assumedRoleArn: role, parameters: PARAMS });
  });
});

describe('IotZoneVpcAuthorization through the real AwsCustomResource handler', () => {
  test('create authorizes the VPC for the zone: SUCCESS with <zoneId>:<vpcId>', async () => {
    route53Mock.on(CreateVPCAssociationAuthorizationCommand).resolves(AUTHORIZED);
    const response = await run(event('Create', authorizationResource()));
    expect(route53Mock.calls()).toHaveLength(1);
    expect(route53Mock.commandCalls(CreateVPCAssociationAuthorizationCommand)[0].args[0].input).toEqual(PARAMS);
    expect(response).toMatchObject({ Status: 'SUCCESS', Reason: 'OK', PhysicalResourceId: PHYSICAL_ID });
  });

  test('a missing zone on create fails the deployment', async () => {
    route53Mock.on(CreateVPCAssociationAuthorizationCommand).rejects(noSuchZone());
    const response = await run(event('Create', authorizationResource()));
    expect(response).toMatchObject({ Status: 'FAILED', Reason: `No hosted zone found with ID: ${ZONE_ID}` });
  });

  test('delete removes exactly the authorization the create made', async () => {
    const resource = authorizationResource();
    route53Mock.on(CreateVPCAssociationAuthorizationCommand).resolves(AUTHORIZED);
    route53Mock.on(DeleteVPCAssociationAuthorizationCommand).resolves({});
    await run(event('Create', resource));
    const response = await run(event('Delete', resource, { physicalId: PHYSICAL_ID }));
    const created = route53Mock.commandCalls(CreateVPCAssociationAuthorizationCommand)[0].args[0].input;
    expect(route53Mock.commandCalls(DeleteVPCAssociationAuthorizationCommand)[0].args[0].input).toEqual(created);
    expect(route53Mock.commandCalls(DeleteVPCAssociationAuthorizationCommand)[0].args[0].input).toEqual(PARAMS);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
  });

  test.each([
    ['NoSuchHostedZone', noSuchZone()],
    ['VPCAssociationAuthorizationNotFound',
      new VPCAssociationAuthorizationNotFound({ message: `The VPC ${VPC_ID} is not authorized to associate`, $metadata: {} })],
  ])('delete when the zone or authorization is already gone (%s): SUCCESS', async (_name, error) => {
    route53Mock.on(DeleteVPCAssociationAuthorizationCommand).rejects(error);
    const response = await run(event('Delete', authorizationResource(), { physicalId: PHYSICAL_ID }));
    expect(route53Mock.commandCalls(DeleteVPCAssociationAuthorizationCommand)[0].args[0].input).toEqual(PARAMS);
    expect(response).toMatchObject({ Status: 'SUCCESS', Reason: 'OK', PhysicalResourceId: PHYSICAL_ID });
  });

  test('delete with another error (ConcurrentModification) is not ignored: FAILED', async () => {
    route53Mock.on(DeleteVPCAssociationAuthorizationCommand).rejects(awsError('ConcurrentModification', 'Another request is in progress'));
    const response = await run(event('Delete', authorizationResource(), { physicalId: PHYSICAL_ID }));
    expect(response).toMatchObject({ Status: 'FAILED', Reason: 'Another request is in progress' });
  });
});
