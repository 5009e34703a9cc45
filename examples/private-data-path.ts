/**
 * The example app the README's first command synthesizes: the private data path in one account.
 *
 * - a gatekeeper VPC with isolated subnets only (no internet gateway, no NAT) holding the AWS IoT Core
 *   interface endpoints (data x2 for 150,000 devices, credentials, greengrass with a narrow endpoint policy);
 * - a device VPC that resolves the IoT hostnames privately (routing between the VPCs, e.g. a Transit Gateway,
 *   comes with the reference topology);
 * - private hosted zones named after the account's ATS data and credential provider endpoints;
 * - an IoT policy that lets things connect only through the endpoints.
 *
 * The account and region are placeholders; availability-zone lookups come from the committed cdk.context.json,
 * so the app synthesizes offline.
 */
import { App, CfnOutput, CfnResource, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { IotVpcEndpointAwsService, IotPrivateHostedZone, PrivateIotDataEndpoint, VpceOnlyIotPolicy } from '../src';

/** Placeholder environment of the example (the lookups for it are in cdk.context.json). */
export const EXAMPLE_ENV = { account: '111111111111', region: 'eu-west-1' };

/** On-premises network of the example (reaches the gatekeeper VPC over Direct Connect or VPN). */
export const ON_PREMISES_CIDR = '192.168.0.0/16';

export class PrivateDataPathStack extends Stack {
  public readonly endpoint: PrivateIotDataEndpoint;
  public readonly zone: IotPrivateHostedZone;
  public readonly policy: VpceOnlyIotPolicy;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);

    const gatekeeperVpc = new ec2.Vpc(this, 'GatekeeperVpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.10.0.0/16'),
      maxAzs: 3,
      natGateways: 0,
      subnetConfiguration: [{ name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });
    const deviceVpc = new ec2.Vpc(this, 'DeviceVpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'devices', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });
    for (const vpc of [gatekeeperVpc, deviceVpc]) {
      acknowledgeControl(vpc.node.findChild('all').node.findChild('LogGroup'), 'cloudwatch_log_group_encrypted_check',
        'Flow logs hold connection metadata (addresses, ports, bytes), no payload; CloudWatch Logs encrypts them with a service key.');
    }

    this.endpoint = new PrivateIotDataEndpoint(this, 'IotEndpoint', {
      vpc: gatekeeperVpc,
      expectedDevices: 150_000,
      peers: [
        ec2.Peer.ipv4(gatekeeperVpc.vpcCidrBlock),
        ec2.Peer.ipv4(deviceVpc.vpcCidrBlock),
        ec2.Peer.ipv4(ON_PREMISES_CIDR),
      ],
      services: [
        { service: IotVpcEndpointAwsService.CREDENTIALS },
        {
          service: IotVpcEndpointAwsService.GREENGRASS,
          policyStatements: [new iam.PolicyStatement({
            principals: [new iam.AnyPrincipal()],
            actions: ['greengrass:ListEffectiveDeployments', 'greengrass:GetDeploymentConfiguration'],
            resources: ['*'],
          })],
        },
      ],
    });

    this.zone = new IotPrivateHostedZone(this, 'IotZone', {
      endpoint: this.endpoint,
      vpcs: [gatekeeperVpc, deviceVpc],
    });

    this.policy = new VpceOnlyIotPolicy(this, 'DevicePolicy', {
      endpoints: [this.endpoint],
      publishTopics: ['telemetry/${iot:Connection.Thing.ThingName}'],
      subscribeTopicFilters: ['commands/${iot:Connection.Thing.ThingName}'],
    });

    new CfnOutput(this, 'IotDataEndpoint', { value: this.endpoint.dataEndpointAddress(), description: 'ATS data endpoint (resolves privately in the gatekeeper and device VPCs)' });
    new CfnOutput(this, 'IotCredentialsEndpoint', { value: this.endpoint.credentialsEndpointAddress()!, description: 'Credential provider endpoint' });
    new CfnOutput(this, 'DevicePolicyName', { value: this.policy.policyName, description: 'IoT policy to attach to device certificates' });
  }
}

/** Builds the example app (offline: pass the committed cdk.context.json as `context`). */
export function buildExampleApp(options: { outdir?: string; context?: Record<string, unknown> } = {}): App {
  const app = new App({ outdir: options.outdir, context: options.context });
  new PrivateDataPathStack(app, 'PrivateIotDataPath', { env: EXAMPLE_ENV });
  return app;
}

/**
 * Acknowledges an AWS Control Tower proactive control (a Guard rule) on a resource of your own, with the reason, in
 * the metadata format the library's template checks read (`Metadata.guard.SuppressedRules` and `Reasons`).
 */
export function acknowledgeControl(scope: Construct, rule: string, reason: string): void {
  const resource = scope.node.defaultChild as CfnResource;
  const existing = resource.getMetadata('guard') as { SuppressedRules?: string[]; Reasons?: Record<string, string> } | undefined;
  resource.addMetadata('guard', {
    SuppressedRules: [...(existing?.SuppressedRules ?? []), rule],
    Reasons: { ...existing?.Reasons, [rule]: reason },
  });
}
