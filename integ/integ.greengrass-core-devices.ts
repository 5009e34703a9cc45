/**
 * Deploys what Greengrass v2 core devices on premises need in AWS (scenario 2 of the AWS IoT article on private
 * networks): the iot.data and iot.credentials endpoints with their zones, the greengrass, S3 and CloudWatch Logs
 * endpoints, a Route 53 Resolver inbound endpoint for the factory DNS, and the core devices' IoT policy, token exchange
 * role and role alias; then asserts on the deployed resources. (The VPN to the factory is not deployed: it needs a
 * real router.)
 *
 * Offline (CI): `npx projen integ` compares the synthesized templates with the committed snapshot.
 * Against a sandbox account: `npx integ-runner --directory integ --language typescript --force` (see README,
 * "Integration tests").
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { integApp, integEnv } from './integ-helpers';
import {
  GreengrassCoreEndpoints, GreengrassCoreFeature, GreengrassCoreIotPolicy, IotConnectivityCanary, IotPrivateHostedZone, IotResolverInboundEndpoint,
  IotVpcEndpointAwsService, PrivateIotDataEndpoint,
} from '../src';

const FACTORY_CIDR = '192.168.0.0/16';
const app: App = integApp();
const env = integEnv(app, [IotVpcEndpointAwsService.DATA, IotVpcEndpointAwsService.CREDENTIALS, IotVpcEndpointAwsService.GREENGRASS,
  { shortName: 's3' }, { shortName: 'logs' }]);
const stack = new Stack(app, 'CdkPrivateIotGreengrassCores', { env });
const assertionStack = new Stack(app, 'CdkPrivateIotGreengrassCoresAssertions', { env });

const vpc = new ec2.Vpc(stack, 'Vpc', {
  ipAddresses: ec2.IpAddresses.cidr('10.91.0.0/16'),
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
});
const peers = [ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Peer.ipv4(FACTORY_CIDR)];
const endpoint = new PrivateIotDataEndpoint(stack, 'IotEndpoint', { vpc, peers, services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }] });
new IotPrivateHostedZone(stack, 'IotZone', { endpoint });
const services = new GreengrassCoreEndpoints(stack, 'GreengrassEndpoints', {
  vpc,
  peers,
  features: [GreengrassCoreFeature.S3_ARTIFACTS, GreengrassCoreFeature.CLOUDWATCH_LOGS],
});
const resolver = new IotResolverInboundEndpoint(stack, 'FactoryDns', { vpc, allowedCidrs: [FACTORY_CIDR] });
resolver.forwardIotEndpoint(endpoint);
services.forwardTo(resolver);
const core = new GreengrassCoreIotPolicy(stack, 'CorePolicy', { thingNames: ['IntegCore'], endpoints: [endpoint] });

// From inside the VPC: the greengrass name resolves privately (the endpoint's private DNS) and 443 answers.
const canary = new IotConnectivityCanary(stack, 'GreengrassCanary', {
  vpc,
  host: `greengrass.${stack.region}.amazonaws.com`,
  ports: [443],
  expectCidrs: [vpc.vpcCidrBlock],
});

const integ = new IntegTest(app, 'GreengrassCoreDevices', {
  testCases: [stack],
  assertionStack,
  enableLookups: true,
  diffAssets: false,
  stackUpdateWorkflow: false,
});

// The S3 interface endpoint answers only queries from inbound Resolver endpoints (the gateway endpoint serves the VPC).
integ.assertions.awsApiCall('EC2', 'describeVpcEndpoints', { VpcEndpointIds: [services.s3Endpoint!.vpcEndpointId] })
  .expect(ExpectedResult.objectLike({
    VpcEndpoints: [Match.objectLike({ State: 'available', PrivateDnsEnabled: true, DnsOptions: Match.objectLike({ PrivateDnsOnlyForInboundResolverEndpoint: true }) })],
  }));

// The Resolver inbound endpoint has one address in each of the two zones.
integ.assertions.awsApiCall('Route53Resolver', 'listResolverEndpointIpAddresses', { ResolverEndpointId: resolver.resolverEndpointId })
  .expect(ExpectedResult.objectLike({ IpAddresses: [Match.objectLike({ Status: 'ATTACHED' }), Match.objectLike({ Status: 'ATTACHED' })] }));

// The role alias points at the token exchange role.
integ.assertions.awsApiCall('Iot', 'describeRoleAlias', { roleAlias: core.roleAliasName })
  .expect(ExpectedResult.objectLike({ roleAliasDescription: Match.objectLike({ roleAlias: core.roleAliasName }) }));

integ.assertions.invokeFunction({ functionName: canary.function.functionName })
  .expect(ExpectedResult.objectLike({
    Payload: Match.serializedJson(Match.objectLike({
      checks: Match.arrayWith([Match.objectLike({ step: 'dns', ok: true }), Match.objectLike({ step: 'tcp', port: 443, ok: true })]),
    })),
  }));

app.synth();
