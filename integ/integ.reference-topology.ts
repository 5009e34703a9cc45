/**
 * Deploys the reference topology in one sandbox account (the network, IoT and consumer roles collapse): device VPC +
 * Transit Gateway + Resolver inbound endpoint, gatekeeper VPC with the IoT endpoints, zones (associated with the device
 * VPC directly: one account needs no Route 53 Profile), policy and endpoint service, and a consumer VPC with its
 * endpoint and zone. Canaries in the device VPC (through the Transit Gateway) and in the consumer VPC (through
 * PrivateLink) probe the IoT hostname.
 *
 * Assertions: the data endpoint is available, the data zone holds weighted records, the consumer's connection to the
 * endpoint service is available (the test accepts it), and both canaries report the hostname resolving privately and
 * TCP + TLS on 8883, 443 and 8443. TLS without a device certificate passes when AWS IoT Core negotiates TLS 1.3 (its
 * default security policy offers it); the MQTT round trip needs a device certificate and is not part of this test.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Duration, Stack } from 'aws-cdk-lib';
import { integApp, integEnv } from './integ-helpers';
import { ConsumerAccountStack, IotAccountStack, IotConnectivityCanary, IotVpcEndpointAwsService, NetworkAccountStack } from '../src';
import { acknowledgeGuard } from '../src/private/nag';

const app = integApp();
const env = integEnv(app, [IotVpcEndpointAwsService.DATA, IotVpcEndpointAwsService.CREDENTIALS, IotVpcEndpointAwsService.GREENGRASS]);
const GATEKEEPER_CIDR = '10.94.0.0/16';
const DEVICE_CIDR = '10.95.0.0/16';

const network = new NetworkAccountStack(app, 'CdkPrivateIotRefNetwork', {
  env,
  deviceCidr: DEVICE_CIDR,
  gatekeeperCidr: GATEKEEPER_CIDR,
  iotAccount: env.account!,
});
const iot = new IotAccountStack(app, 'CdkPrivateIotRefIot', {
  env,
  gatekeeperCidr: GATEKEEPER_CIDR,
  deviceCidrs: [DEVICE_CIDR],
  transitGatewayId: network.transitGateway.ref,
  associatedVpcs: [network.deviceVpc],
  allowAnyConsumer: true,
  consumerCidrs: ['10.96.0.0/16'], // the consumer VPC below (the gatekeeper ACL admits it on the IoT ports)
});
iot.endpointService!.frontDoor.loadBalancer.setAttribute('deletion_protection.enabled', 'false');
acknowledgeGuard(iot.endpointService!.frontDoor.loadBalancer, 'elbv2_deletion_protection_enabled_check',
  'Integ test: deletion protection is turned off so that integ-runner can destroy the stack after the assertions.');
const consumer = new ConsumerAccountStack(app, 'CdkPrivateIotRefConsumer', {
  env,
  vpcCidr: '10.96.0.0/16',
  serviceName: iot.endpointService!.serviceName,
  dataEndpointAddress: iot.endpoint.dataEndpointAddress(),
  supportedAvailabilityZones: iot.endpoint.availabilityZones,
});
// The device VPC's canary probes the IoT stack's hostname: its own stack keeps the references one-way.
const deviceCanaryStack = new Stack(app, 'CdkPrivateIotRefDeviceCanary', { env });
const deviceCanary = new IotConnectivityCanary(deviceCanaryStack, 'Canary', {
  vpc: network.deviceVpc,
  host: iot.endpoint.dataEndpointAddress(),
  expectCidrs: [GATEKEEPER_CIDR],
});

const assertionStack = new Stack(app, 'CdkPrivateIotRefAssertions', { env });
const integ = new IntegTest(app, 'ReferenceTopology', {
  testCases: [network, iot, consumer, deviceCanaryStack],
  assertionStack,
  enableLookups: true,
  diffAssets: false,
  stackUpdateWorkflow: false,
});

integ.assertions.awsApiCall('EC2', 'describeVpcEndpoints', { VpcEndpointIds: [iot.endpoint.dataEndpoints[0].vpcEndpointId] })
  .expect(ExpectedResult.objectLike({ VpcEndpoints: [Match.objectLike({ State: 'available', PrivateDnsEnabled: false })] }));

integ.assertions.awsApiCall('Route53', 'listResourceRecordSets', { HostedZoneId: iot.zone.dataZone.hostedZoneId })
  .expect(ExpectedResult.objectLike({
    ResourceRecordSets: Match.arrayWith([Match.objectLike({ Type: 'A', Weight: 1, SetIdentifier: Match.stringLikeRegexp('^DataEndpoint1-ip-') })]),
  }));

const serviceId = iot.endpointService!.serviceId;
const consumerEndpointId = consumer.consumer.endpoint.dataEndpoints[0].vpcEndpointId;
const connection = integ.assertions.awsApiCall('EC2', 'acceptVpcEndpointConnections', { ServiceId: serviceId, VpcEndpointIds: [consumerEndpointId] })
  .next(integ.assertions.awsApiCall('EC2', 'describeVpcEndpointConnections', { Filters: [{ Name: 'service-id', Values: [serviceId] }] })
    .expect(ExpectedResult.objectLike({
      VpcEndpointConnections: Match.arrayWith([Match.objectLike({ VpcEndpointId: consumerEndpointId, VpcEndpointState: 'available' })]),
    }))
    .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) }));

const privatePathOk = Match.serializedJson(Match.objectLike({
  checks: Match.arrayWith([
    Match.objectLike({ step: 'dns', ok: true }),
    Match.objectLike({ step: 'tcp', port: 8883, ok: true }),
    Match.objectLike({ step: 'tls', port: 8883, ok: true }),
    Match.objectLike({ step: 'tcp', port: 8443, ok: true }),
    Match.objectLike({ step: 'tls', port: 8443, ok: true }),
    Match.objectLike({ step: 'tcp', port: 443, ok: true }),
    Match.objectLike({ step: 'tls', port: 443, ok: true }),
  ]),
}));
integ.assertions.invokeFunction({ functionName: deviceCanary.function.functionName })
  .expect(ExpectedResult.objectLike({ Payload: privatePathOk }));
connection.next(integ.assertions.invokeFunction({ functionName: consumer.canary.function.functionName })
  .expect(ExpectedResult.objectLike({ Payload: privatePathOk })));

app.synth();
