/**
 * Cross-account zone association without Route 53 Profiles: the zone owner's authorization and the VPC owner's
 * association, both run through the stack's shared lookup function.
 */
import { Aws, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { concreteApp, formatNagFindings, lambdaCount, nagFindings, templateOf, TEST_ACCOUNT, TEST_REGION, testVpc } from './fixtures';
import { IotPrivateHostedZone, IotZoneProfile, IotZoneVpcAssociation, IotZoneVpcAuthorization, PrivateIotDataEndpoint } from '../src';

const NETWORK_ACCOUNT = '333333333333';
const OTHER_VPC = 'vpc-0123456789abcdef0';
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';

/** Renders a Custom::AWS call property (a JSON string, or an Fn::Join of one with tokens) with tokens as `<ref>`. */
function call(resource: any, key: 'Create' | 'Update' | 'Delete'): any {
  const value = resource.Properties[key];
  const text = typeof value === 'string' ? value
    : value['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : '<ref>')).join('');
  return JSON.parse(text);
}

function customResources(template: Template, prefix: string): any[] {
  return Object.entries(template.findResources('Custom::AWS')).filter(([id]) => id.startsWith(prefix)).map(([, r]) => r);
}

function providerStack() {
  const app = concreteApp([{ account: TEST_ACCOUNT }, { account: NETWORK_ACCOUNT }]);
  const stack = new Stack(app, 'Provider', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
  const vpc = testVpc(stack);
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc });
  const zone = new IotPrivateHostedZone(stack, 'Zone', { endpoint });
  return { app, stack, zone };
}

function networkStack() {
  const app = concreteApp([{ account: NETWORK_ACCOUNT }]);
  const stack = new Stack(app, 'Network', { env: { account: NETWORK_ACCOUNT, region: TEST_REGION } });
  return { stack, vpc: testVpc(stack) };
}

describe('IotZoneVpcAuthorization (zone owner)', () => {
  test('authorizes the other account\'s VPC for each zone, and deletes the authorization on delete', () => {
    const { stack, zone } = providerStack();
    new IotZoneVpcAuthorization(stack, 'DeviceVpc', { zones: [zone.dataZone], vpcId: OTHER_VPC, vpcAccount: NETWORK_ACCOUNT });
    const [resource] = customResources(templateOf(stack), 'DeviceVpc');
    const params = { HostedZoneId: '<ref>', VPC: { VPCId: OTHER_VPC, VPCRegion: TEST_REGION } };
    expect(call(resource, 'Create')).toMatchObject({ service: 'Route53', action: 'createVPCAssociationAuthorization', parameters: params });
    // an update with new parameters creates the new authorization; CloudFormation then deletes the old one
    expect(call(resource, 'Update')).toEqual(call(resource, 'Create'));
    expect(call(resource, 'Delete')).toMatchObject({
      action: 'deleteVPCAssociationAuthorization',
      parameters: params,
      ignoreErrorCodesMatching: 'NoSuchHostedZone|VPCAssociationAuthorizationNotFound',
    });
  });

  test('permissions are scoped to the zone; the change runs on the AwsCustomResource function, the address lookups on the lookup function, both with one role', () => {
    const { stack, zone } = providerStack();
    new IotZoneVpcAuthorization(stack, 'DeviceVpc', { zones: [zone.dataZone], vpcId: OTHER_VPC, vpcAccount: NETWORK_ACCOUNT, vpcRegion: 'eu-central-1' });
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: ['route53:CreateVPCAssociationAuthorization', 'route53:DeleteVPCAssociationAuthorization'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':route53:::hostedzone/', { Ref: stack.getLogicalId(zone.dataZone.node.defaultChild as any) }]] },
        }],
      },
    });
    expect(call(customResources(template, 'DeviceVpc')[0], 'Create').parameters.VPC.VPCRegion).toBe('eu-central-1');
    // a change stays on AwsCustomResource (moving it would delete deployed authorizations on update): two functions
    expect(lambdaCount(template)).toBe(2);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(new Set(functions.map((f) => JSON.stringify(f.Properties.Role))).size).toBe(1);
    expect(formatNagFindings(nagFindings(stack, { include: (p) => /DeviceVpc|AWS679f53|CdkPrivateIotLookups/.test(p) }))).toEqual([]);
  });

  test.each([
    ['zones []', { zones: [] }, /zones is empty; pass the IoT private hosted zones/],
    ['malformed vpcId', { vpcId: 'vpc-123' }, /vpcId contains 'vpc-123', which is not valid; use the id of the other account's VPC/],
    ['malformed vpcAccount', { vpcAccount: '3333' }, /vpcAccount contains '3333'.*use the 12-digit id/],
    ['own account', { vpcAccount: TEST_ACCOUNT }, /vpcAccount 111111111111 is this account, which needs no authorization; associate VPCs of this account directly/],
    ['bad vpcRegion', { vpcRegion: 'Ireland' }, /vpcRegion contains 'Ireland'.*use a region name like eu-west-1/],
  ])('rejects %s and adds nothing', (_name, override, message) => {
    const { stack, zone } = providerStack();
    const before = customResources(templateOf(stack), '').length;
    expect(() => new IotZoneVpcAuthorization(stack, 'DeviceVpc', {
      zones: [zone.dataZone], vpcId: OTHER_VPC, vpcAccount: NETWORK_ACCOUNT, ...override,
    })).toThrow(message);
    expect(customResources(templateOf(stack), '').length).toBe(before);
  });
});

describe('IotZoneVpcAssociation (VPC owner)', () => {
  test('associates the VPC with each zone, and disassociates it on delete (gone zones are no error)', () => {
    const { stack, vpc } = networkStack();
    new IotZoneVpcAssociation(stack, 'IotZones', { hostedZoneIds: [ZONE_ID, 'Z0ZZZZZZZZZZZZZZZZZZZ'], vpc });
    const template = templateOf(stack);
    const resources = customResources(template, 'IotZones');
    expect(resources).toHaveLength(2);
    expect(call(resources[0], 'Create')).toMatchObject({
      service: 'Route53', action: 'associateVPCWithHostedZone', parameters: { HostedZoneId: ZONE_ID, VPC: { VPCId: '<ref>', VPCRegion: TEST_REGION } },
    });
    expect(call(resources[0], 'Delete')).toMatchObject({
      action: 'disassociateVPCFromHostedZone', ignoreErrorCodesMatching: 'NoSuchHostedZone|VPCAssociationNotFound',
    });
    // a missing authorization is NOT ignored: the deployment fails with Route 53's NotAuthorizedException
    expect(call(resources[0], 'Create').ignoreErrorCodesMatching).toBeUndefined();
    // a zone named by its id is no resource of this app: its statement joins the lookup function's one shared policy
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^CdkPrivateIotLookupsFunctionRoleDefaultPolicy'),
      PolicyDocument: {
        Statement: [
          { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CdkPrivateIotLookupsLogGroup'), 'Arn'] } },
          {
            Action: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:route53:::hostedzone/${ZONE_ID}`]] },
          },
          { Action: 'ec2:DescribeVpcs', Effect: 'Allow', Resource: '*' },
          // the second zone's association; its ec2:DescribeVpcs is the same statement, granted once
          {
            Action: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':route53:::hostedzone/Z0ZZZZZZZZZZZZZZZZZZZ']] },
          },
        ],
      },
    });
    expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toHaveLength(1);
    expect(lambdaCount(template)).toBe(1);
    expect(formatNagFindings(nagFindings(stack, { include: (p) => /IotZones|AWS679f53|CdkPrivateIotLookups/.test(p) }))).toEqual([]);
  });

  test('assumedRoleArn: the calls assume the role, and the function may assume only that role', () => {
    const { stack, vpc } = networkStack();
    const role = `arn:aws:iam::${NETWORK_ACCOUNT}:role/ZoneAssociation`;
    new IotZoneVpcAssociation(stack, 'IotZones', { hostedZoneIds: [ZONE_ID], vpc, assumedRoleArn: role });
    const template = templateOf(stack);
    const [resource] = customResources(template, 'IotZones');
    expect(call(resource, 'Create').assumedRoleArn).toBe(role);
    expect(call(resource, 'Delete').assumedRoleArn).toBe(role);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }), { Action: 'sts:AssumeRole', Effect: 'Allow', Resource: role }] },
    });
  });

  test.each([
    ['hostedZoneIds []', { hostedZoneIds: [] }, /hostedZoneIds is empty; pass the ids/],
    ['a zone ARN instead of an id', { hostedZoneIds: [`/hostedzone/${ZONE_ID}`] }, /hostedZoneIds contains '\/hostedzone\/Z.*use hosted zone ids like/],
    ['a zone twice', { hostedZoneIds: [ZONE_ID, ZONE_ID] }, /hostedZoneIds lists a zone twice; list each zone once/],
    ['malformed assumedRoleArn', { assumedRoleArn: 'ZoneAssociation' }, /assumedRoleArn contains 'ZoneAssociation'.*use an IAM role ARN/],
  ])('rejects %s and adds nothing', (_name, override, message) => {
    const { stack, vpc } = networkStack();
    expect(() => new IotZoneVpcAssociation(stack, 'IotZones', { hostedZoneIds: [ZONE_ID], vpc, ...override })).toThrow(message);
    expect(customResources(templateOf(stack), '')).toHaveLength(0);
  });

  test('works with an imported VPC', () => {
    const { stack } = networkStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0aaaaaaaaaaaaaaaa', availabilityZones: ['eu-west-1a'] });
    new IotZoneVpcAssociation(stack, 'IotZones', { hostedZoneIds: [ZONE_ID], vpc });
    const [resource] = customResources(templateOf(stack), 'IotZones');
    expect(call(resource, 'Create').parameters.VPC.VPCId).toBe('vpc-0aaaaaaaaaaaaaaaa');
  });
});

describe('imported IoT zones and the shared checks', () => {
  test('IotZoneVpcAuthorization of an imported IoT zone: one authorization per zone, on the given zone ids', () => {
    const app = concreteApp([{ account: TEST_ACCOUNT }]);
    const stack = new Stack(app, 'Zones', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
    const zone = IotPrivateHostedZone.fromIotPrivateHostedZoneAttributes(stack, 'IotZone', {
      dataZone: route53.PrivateHostedZone.fromPrivateHostedZoneId(stack, 'Data', ZONE_ID),
      credentialsZone: route53.PrivateHostedZone.fromPrivateHostedZoneId(stack, 'Credentials', 'Z0ZZZZZZZZZZZZZZZZZZZ'),
    });
    new IotZoneVpcAuthorization(stack, 'DeviceVpc', { zones: [zone.dataZone, zone.credentialsZone!], vpcId: OTHER_VPC, vpcAccount: NETWORK_ACCOUNT });
    const resources = customResources(templateOf(stack), 'DeviceVpc');
    expect(resources.map((r) => call(r, 'Create').parameters)).toEqual([ZONE_ID, 'Z0ZZZZZZZZZZZZZZZZZZZ'].map((HostedZoneId) => ({
      HostedZoneId, VPC: { VPCId: OTHER_VPC, VPCRegion: TEST_REGION },
    })));
    expect(resources.map((r) => call(r, 'Create').physicalResourceId)).toEqual([{ id: `${ZONE_ID}:${OTHER_VPC}` }, { id: `Z0ZZZZZZZZZZZZZZZZZZZ:${OTHER_VPC}` }]);
  });

  test('IotZoneProfile of an imported IoT zone: one profile resource association per zone, on the zone ARNs', () => {
    const app = concreteApp([{ account: TEST_ACCOUNT }]);
    const stack = new Stack(app, 'Zones', { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
    const zone = IotPrivateHostedZone.fromIotPrivateHostedZoneAttributes(stack, 'IotZone', {
      dataZone: route53.PrivateHostedZone.fromPrivateHostedZoneId(stack, 'Data', ZONE_ID),
    });
    new IotZoneProfile(stack, 'Profile', { zones: [zone.dataZone], shareWithAccounts: [NETWORK_ACCOUNT] });
    const associations = Object.values(templateOf(stack).findResources('AWS::Route53Profiles::ProfileResourceAssociation'));
    expect(associations.map((a: any) => stack.resolve(a.Properties.ResourceArn))).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:route53:::hostedzone/${ZONE_ID}`]] },
    ]);
    expect(() => new IotZoneProfile(stack, 'Own', { zones: [zone.dataZone], shareWithAccounts: [TEST_ACCOUNT] })).toThrow(
      "CdkPrivateIotError: IotZoneProfile 'Zones/Own': shareWithAccounts contains 111111111111, the zones' own account; "
      + 'associate VPCs of this account with the zones directly (IotPrivateHostedZone vpcs), and share only with other accounts');
    new IotZoneProfile(stack, 'Token', { zones: [zone.dataZone], shareWithAccounts: [Aws.ACCOUNT_ID] });
  });

  test('vpcAccount: this account is refused with the whole message; another account, or a token, is accepted', () => {
    const { stack, zone } = providerStack();
    expect(() => new IotZoneVpcAuthorization(stack, 'Own', { zones: [zone.dataZone], vpcId: OTHER_VPC, vpcAccount: TEST_ACCOUNT })).toThrow(
      "CdkPrivateIotError: IotZoneVpcAuthorization 'Provider/Own': vpcAccount 111111111111 is this account, which needs no authorization; "
      + 'associate VPCs of this account directly (IotPrivateHostedZone vpcs or addVpc)');
    new IotZoneVpcAuthorization(stack, 'Other', { zones: [zone.dataZone], vpcId: OTHER_VPC, vpcAccount: NETWORK_ACCOUNT });
    new IotZoneVpcAuthorization(stack, 'Token', { zones: [zone.dataZone], vpcId: OTHER_VPC, vpcAccount: Aws.ACCOUNT_ID });
    expect(customResources(templateOf(stack), 'Other')).toHaveLength(1);
    expect(customResources(templateOf(stack), 'Token')).toHaveLength(1);
    expect(customResources(templateOf(stack), 'Own')).toHaveLength(0);
  });

  test.each(['eu-west1', 'Ireland', 'eu-west-1a'])('vpcRegion %p: the whole message, unchanged', (region) => {
    const { stack, zone } = providerStack();
    expect(() => new IotZoneVpcAuthorization(stack, 'DeviceVpc', { zones: [zone.dataZone], vpcId: OTHER_VPC, vpcAccount: NETWORK_ACCOUNT, vpcRegion: region }))
      .toThrow(`CdkPrivateIotError: IotZoneVpcAuthorization 'Provider/DeviceVpc': vpcRegion contains '${region}', which is not valid; use a region name like eu-west-1`);
  });

  test.each(['us-gov-west-1', 'ap-southeast-5', 'eu-central-2'])('vpcRegion %p is a region name', (region) => {
    const { stack, zone } = providerStack();
    new IotZoneVpcAuthorization(stack, 'DeviceVpc', { zones: [zone.dataZone], vpcId: OTHER_VPC, vpcAccount: NETWORK_ACCOUNT, vpcRegion: region });
    expect(call(customResources(templateOf(stack), 'DeviceVpc')[0], 'Create').parameters.VPC.VPCRegion).toBe(region);
  });
});
