/**
 * Deploys the cross-account sharing path with one sandbox account playing both roles:
 * - provider: gatekeeper VPC, iot.data endpoint, private zone, CrossAccountIotEndpointService;
 * - consumer: IotEndpointServiceConsumer in another VPC (interface endpoint to the service + private zone named after
 *   the provider's ATS hostname).
 * The service requires acceptance, so the test accepts the consumer's connection, then asserts that the service is
 * available, the connection is available, and the consumer zone holds the weighted records.
 *
 * In one account the stacks may reference each other; across accounts pass the service name and hostname as strings
 * (see README, "Sharing across accounts").
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { integApp, integEnv } from './integ-helpers';
import { CrossAccountIotEndpointService, IotVpcEndpointAwsService, IotEndpointServiceConsumer, IotPrivateHostedZone, PrivateIotDataEndpoint } from '../src';

const app = integApp();
const env = integEnv(app, [IotVpcEndpointAwsService.DATA]);

function isolatedVpc(stack: Stack, cidr: string): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(cidr),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
}

// --- provider --------------------------------------------------------------------------------------------------
const provider = new Stack(app, 'CdkPrivateIotSharingProvider', { env });
const gatekeeper = new PrivateIotDataEndpoint(provider, 'IotEndpoint', { vpc: isolatedVpc(provider, '10.92.0.0/16') });
new IotPrivateHostedZone(provider, 'IotZone', { endpoint: gatekeeper });
const service = new CrossAccountIotEndpointService(provider, 'IotService', {
  endpoint: gatekeeper,
  // One account plays both roles: its own consumer endpoint needs no permission, but the service needs a principal;
  // every request still waits for acceptance.
  allowAnyPrincipal: true,
  deletionProtection: false,
});

// --- consumer --------------------------------------------------------------------------------------------------
const consumerStack = new Stack(app, 'CdkPrivateIotSharingConsumer', { env });
const consumer = new IotEndpointServiceConsumer(consumerStack, 'ProviderIot', {
  vpc: isolatedVpc(consumerStack, '10.93.0.0/16'),
  serviceName: service.serviceName,
  dataEndpointAddress: gatekeeper.dataEndpointAddress(),
  // the zones the provider's service runs in (looked up for iot.data in the provider stack)
  supportedAvailabilityZones: gatekeeper.availabilityZones,
});
consumerStack.addDependency(provider);

const assertionStack = new Stack(app, 'CdkPrivateIotSharingAssertions', { env });
const integ = new IntegTest(app, 'CrossAccountSharing', {
  testCases: [provider, consumerStack],
  assertionStack,
  enableLookups: true,
  diffAssets: false,
  stackUpdateWorkflow: false,
});

integ.assertions.awsApiCall('EC2', 'describeVpcEndpointServiceConfigurations', { ServiceIds: [service.serviceId] })
  .expect(ExpectedResult.objectLike({
    ServiceConfigurations: [Match.objectLike({ ServiceState: 'Available', AcceptanceRequired: true, ServiceType: [{ ServiceType: 'Interface' }] })],
  }));

const consumerEndpointId = consumer.endpoint.dataEndpoints[0].vpcEndpointId;
integ.assertions.awsApiCall('EC2', 'acceptVpcEndpointConnections', { ServiceId: service.serviceId, VpcEndpointIds: [consumerEndpointId] })
  .next(integ.assertions.awsApiCall('EC2', 'describeVpcEndpointConnections', {
    Filters: [{ Name: 'service-id', Values: [service.serviceId] }],
  }).expect(ExpectedResult.objectLike({
    VpcEndpointConnections: Match.arrayWith([Match.objectLike({ VpcEndpointId: consumerEndpointId, VpcEndpointState: 'available' })]),
  })).waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) }));

integ.assertions.awsApiCall('Route53', 'listResourceRecordSets', { HostedZoneId: consumer.zone.dataZone.hostedZoneId })
  .expect(ExpectedResult.objectLike({
    ResourceRecordSets: Match.arrayWith([
      Match.objectLike({ Type: 'A', Weight: 1, SetIdentifier: Match.stringLikeRegexp('^DataEndpoint1-ip-[0-9]+$') }),
    ]),
  }));

app.synth();
