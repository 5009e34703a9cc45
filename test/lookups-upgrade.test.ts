/**
 * Upgrading stacks deployed before the lookup function (issue 17, part 1): with the context key
 * `cdk-private-iot:awsCustomResourceLookups` the lookups stay the `AwsCustomResource`s they were, with the same
 * logical ids, so zones named by a looked-up hostname and exports of looked-up values stay as deployed. The expected
 * ids are those the release before the lookup function synthesized for this stack (commit 584b47c: the templates
 * were identical apart from metadata).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IotPrivateHostedZone, PrivateIotDataEndpoint, StaticIpIotFrontDoor } from '../src';
import { AWS_CUSTOM_RESOURCE_LOOKUPS_CONTEXT, LOOKUP_RESOURCE_TYPE } from '../src/private/lookups';

function template(context: Record<string, unknown>): Record<string, any> {
  const app = new App({ context });
  const stack = new Stack(app, 'Upgrade', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, { name: 'pub', subnetType: ec2.SubnetType.PUBLIC }],
  });
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  new IotPrivateHostedZone(stack, 'Zone', { endpoint });
  new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, clientPeers: [ec2.Peer.ipv4('10.9.0.0/16')] });
  return app.synth().getStackByName('Upgrade').template;
}

function typed(t: Record<string, any>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries<any>(t.Resources).filter(([, r]) => r.Type.startsWith(prefix)).map(([id, r]) => [id, r.Type]));
}

function zoneName(t: Record<string, any>): unknown {
  return Object.values<any>(t.Resources).find((r) => r.Type === 'AWS::Route53::HostedZone').Properties.Name;
}

test.each([true, 'true'])('with %p, the lookups keep the AwsCustomResource ids an earlier release deployed', (flag) => {
  const t = template({ [AWS_CUSTOM_RESOURCE_LOOKUPS_CONTEXT]: flag });
  expect(typed(t, 'Custom::')).toEqual({
    CdkPrivateIotLookupsDataATSEndpoint1C962402: 'Custom::AWS',
    EndpointDataEndpoint1Addresses1FC7BD76: 'Custom::AWS',
  });
  expect(typed(t, 'AWS::Lambda::')).toEqual({ AWS679f53fac002430cb0da5b7982bd22872D164C4C: 'AWS::Lambda::Function' });
  // the zone is named by the same lookup as before: nothing for CloudFormation to replace
  expect(zoneName(t)).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['CdkPrivateIotLookupsDataATSEndpoint1C962402', 'endpointAddress'] }, '.']] });
  expect(Object.keys(typed(t, 'AWS::IAM::Policy'))).toEqual(['CdkPrivateIotLookupsFunctionRoleDefaultPolicy17B41A47']);
});

test('by default (or with false), the lookups are served by the lookup function under new logical ids', () => {
  for (const context of [{}, { [AWS_CUSTOM_RESOURCE_LOOKUPS_CONTEXT]: false }]) {
    const t = template(context);
    const lookups = typed(t, 'Custom::');
    expect(Object.values(lookups)).toEqual([LOOKUP_RESOURCE_TYPE, LOOKUP_RESOURCE_TYPE]);
    // new ids: CloudFormation refuses a change of a custom resource's type or ServiceToken under the same logical id
    expect(Object.keys(lookups)).not.toContain('CdkPrivateIotLookupsDataATSEndpoint1C962402');
    expect(Object.keys(lookups)).not.toContain('EndpointDataEndpoint1Addresses1FC7BD76');
    const [functionId] = Object.keys(typed(t, 'AWS::Lambda::Function'));
    expect(functionId).toMatch(/^CdkPrivateIotLookupsFunction/);
    const ataLookup = Object.keys(lookups).find((id) => id.startsWith('CdkPrivateIotLookupsDataATSEndpoint'));
    expect(zoneName(t)).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ataLookup, 'endpointAddress'] }, '.']] });
  }
});
