/**
 * Deploys the private data path (VPC + iot.data and iot.credentials endpoints + private hosted zones + VPC-only
 * IoT policy) and asserts on the deployed resources.
 *
 * Offline (CI): `npx projen integ` compares the synthesized templates with the committed snapshot.
 * Against a sandbox account: `npx integ-runner --directory integ --language typescript --force` with credentials
 * of that account (see README, "Integration tests"). The stack's env comes from CDK_INTEG_ACCOUNT/REGION, so the
 * availability zones that offer iot.data are looked up in the account that deploys.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { integApp, integEnv } from './integ-helpers';
import { IotConnectivityCanary, IotVpcEndpointAwsService, IotPrivateHostedZone, PrivateIotDataEndpoint, VpceOnlyIotPolicy } from '../src';

const app: App = integApp();
const env = integEnv(app, [IotVpcEndpointAwsService.DATA, IotVpcEndpointAwsService.CREDENTIALS]);
const stack = new Stack(app, 'CdkPrivateIotDataPath', { env });
// The assertions reference the test stack, so they live in the same environment.
const assertionStack = new Stack(app, 'CdkPrivateIotDataPathAssertions', { env });

const vpc = new ec2.Vpc(stack, 'Vpc', {
  ipAddresses: ec2.IpAddresses.cidr('10.90.0.0/16'),
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
});
const endpoint = new PrivateIotDataEndpoint(stack, 'IotEndpoint', {
  vpc,
  services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
});
const zone = new IotPrivateHostedZone(stack, 'IotZone', { endpoint });
const policy = new VpceOnlyIotPolicy(stack, 'DevicePolicy', {
  endpoints: [endpoint],
  publishTopics: ['integ/${iot:Connection.Thing.ThingName}'],
});

// The connectivity canary in the same VPC: proof from inside that the hostname resolves privately and the ports answer.
const canary = new IotConnectivityCanary(stack, 'Canary', {
  vpc,
  host: endpoint.dataEndpointAddress(),
  expectCidrs: [vpc.vpcCidrBlock],
});

const integ = new IntegTest(app, 'PrivateDataPath', {
  testCases: [stack],
  assertionStack,
  enableLookups: true,
  diffAssets: false,
  stackUpdateWorkflow: false,
});

// The endpoints are available and have no private DNS (AWS offers none for iot.data / iot.credentials).
integ.assertions.awsApiCall('EC2', 'describeVpcEndpoints', {
  VpcEndpointIds: [endpoint.dataEndpoints[0].vpcEndpointId, endpoint.credentialsEndpoint!.vpcEndpointId],
}).expect(ExpectedResult.objectLike({
  VpcEndpoints: [
    Match.objectLike({ State: 'available', PrivateDnsEnabled: false, VpcEndpointType: 'Interface' }),
    Match.objectLike({ State: 'available', PrivateDnsEnabled: false, VpcEndpointType: 'Interface' }),
  ],
}));

// The data zone holds weighted A records for the endpoint's network interfaces (the order Route 53 lists them in
// is not part of its contract, so the match does not depend on it).
integ.assertions.awsApiCall('Route53', 'listResourceRecordSets', {
  HostedZoneId: zone.dataZone.hostedZoneId,
}).expect(ExpectedResult.objectLike({
  ResourceRecordSets: Match.arrayWith([
    Match.objectLike({ Type: 'A', Weight: 1, SetIdentifier: Match.stringLikeRegexp('^DataEndpoint1-ip-[0-9]+$') }),
  ]),
}));

// The IoT policy only admits connections through the endpoint.
integ.assertions.awsApiCall('Iot', 'getPolicy', { policyName: policy.policyName })
  .expect(ExpectedResult.objectLike({ policyDocument: ExpectedResult.stringLikeRegexp('aws:SourceVpce') }));

// From inside the VPC: the ATS hostname resolves to the endpoint's private addresses and 8883/443/8443 accept TCP.
// (TLS without a device certificate depends on the TLS version AWS IoT Core negotiates, so it is not asserted here.)
integ.assertions.invokeFunction({ functionName: canary.function.functionName })
  .expect(ExpectedResult.objectLike({
    Payload: Match.serializedJson(Match.objectLike({
      host: endpoint.dataEndpointAddress(),
      checks: Match.arrayWith([
        Match.objectLike({ step: 'dns', ok: true }),
        Match.objectLike({ step: 'tcp', port: 8883, ok: true }),
      ]),
    })),
  }));

app.synth();
