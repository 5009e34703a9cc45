/**
 * Deploys the static-IP front door in two variants and asserts on the deployed resources:
 * - internet-facing: NLB with two Elastic IPs in front of the iot.data endpoint, plus a custom domain when a public
 *   hosted zone is given (context `frontDoorHostedZoneId` + `frontDoorHostedZoneName`, or the CDK_INTEG_HOSTED_ZONE_ID /
 *   CDK_INTEG_HOSTED_ZONE_NAME variables integ-runner knows);
 * - internal (Direct Connect / VPN): NLB in private subnets.
 *
 * Offline (CI): `npx projen integ` compares the synthesized templates with the committed snapshot.
 * Against a sandbox account: see README, "Integration tests". Elastic IPs are destroyed with the test stack here
 * (`elasticIpRemovalPolicy: DESTROY`); the construct's default retains them.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { integApp, integEnv } from './integ-helpers';
import { IotVpcEndpointAwsService, PrivateIotDataEndpoint, StaticIpIotFrontDoor } from '../src';

const app = integApp();
const env = integEnv(app, [IotVpcEndpointAwsService.DATA]);

function endpointIn(stack: Stack, subnetType: ec2.SubnetType): PrivateIotDataEndpoint {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.91.0.0/16'),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      // no public IPs on launch (Control Tower CT.EC2.PR.11): the load balancer's Elastic IPs are attached explicitly
      { name: 'front', subnetType, cidrMask: 24, mapPublicIpOnLaunch: subnetType === ec2.SubnetType.PUBLIC ? false : undefined },
      { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  return new PrivateIotDataEndpoint(stack, 'IotEndpoint', { vpc, subnets: { subnetGroupName: 'endpoints' } });
}

// --- internet-facing, with a custom domain when a public zone is given ------------------------------------------
const publicStack = new Stack(app, 'CdkPrivateIotFrontDoor', { env });
const zoneId = app.node.tryGetContext('frontDoorHostedZoneId') ?? process.env.CDK_INTEG_HOSTED_ZONE_ID;
const zoneName = app.node.tryGetContext('frontDoorHostedZoneName') ?? process.env.CDK_INTEG_HOSTED_ZONE_NAME;
const hostedZone = zoneId && zoneName
  ? route53.PublicHostedZone.fromHostedZoneAttributes(publicStack, 'Zone', { hostedZoneId: zoneId, zoneName })
  : undefined;
const frontDoor = new StaticIpIotFrontDoor(publicStack, 'FrontDoor', {
  endpoint: endpointIn(publicStack, ec2.SubnetType.PUBLIC),
  deletionProtection: false,
  elasticIpRemovalPolicy: RemovalPolicy.DESTROY,
  ...(hostedZone ? { customDomain: { domainName: `iot-front-door.${zoneName}`, hostedZone } } : {}),
});

// --- internal --------------------------------------------------------------------------------------------------
const internalStack = new Stack(app, 'CdkPrivateIotInternalFrontDoor', { env });
const internalFrontDoor = new StaticIpIotFrontDoor(internalStack, 'FrontDoor', {
  endpoint: endpointIn(internalStack, ec2.SubnetType.PRIVATE_ISOLATED),
  internetFacing: false,
  subnets: { subnetGroupName: 'front' },
  deletionProtection: false,
});

const assertionStack = new Stack(app, 'CdkPrivateIotFrontDoorAssertions', { env });
const integ = new IntegTest(app, 'StaticIpFrontDoor', {
  testCases: [publicStack, internalStack],
  assertionStack,
  enableLookups: true,
  diffAssets: false,
  stackUpdateWorkflow: false,
});

// ELBv2 calls name the SDK v3 client package. The SDK v2 name 'ElasticLoadBalancingV2' is wrong twice over: the
// assertion handler looks for a package '@aws-sdk/client-elasticloadbalancingv2' that does not exist, and aws-cdk-lib
// grants the IAM action 'elasticloadbalancingv2:Describe...', a prefix IAM does not know (cfn-lint W3037), so the
// calls and the target-health waits would fail. With the package name both resolve to 'elasticloadbalancing:'.
const ELBV2 = '@aws-sdk/client-elastic-load-balancing-v2';

// The load balancer answers on the Elastic IPs the construct created (one per zone).
frontDoor.elasticIps.forEach((eip, i) => {
  integ.assertions.awsApiCall(ELBV2, 'describeLoadBalancers', i === 0
    ? { LoadBalancerArns: [frontDoor.loadBalancer.loadBalancerArn] }
    : { Names: [frontDoor.loadBalancer.loadBalancerName] },
  ).expect(ExpectedResult.objectLike({
    LoadBalancers: [Match.objectLike({
      Scheme: 'internet-facing',
      AvailabilityZones: Match.arrayWith([Match.objectLike({
        LoadBalancerAddresses: [Match.objectLike({ AllocationId: eip.attrAllocationId, IpAddress: eip.attrPublicIp })],
      })]),
    })],
  }));
});

// The endpoint interfaces are healthy targets (TCP health checks on 8883 through the endpoint security group).
for (const fd of [frontDoor, internalFrontDoor]) {
  const mqtt = fd.targetGroups[fd.ports.indexOf(8883)];
  integ.assertions.awsApiCall(ELBV2, 'describeTargetHealth', { TargetGroupArn: mqtt.targetGroupArn })
    .expect(ExpectedResult.objectLike({
      TargetHealthDescriptions: Match.arrayWith([Match.objectLike({ TargetHealth: { State: 'healthy' } })]),
    }))
    .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });
}

// The custom domain is enabled for the data plane.
if (frontDoor.customDomain) {
  integ.assertions.awsApiCall('Iot', 'describeDomainConfiguration', {
    domainConfigurationName: frontDoor.customDomain.domainConfiguration.ref,
  }).expect(ExpectedResult.objectLike({ domainConfigurationStatus: 'ENABLED', serviceType: 'DATA' }));
}

app.synth();
