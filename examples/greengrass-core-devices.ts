/**
 * Scenario 2 of the AWS IoT blog article "Common architecture patterns to securely connect IoT devices to AWS using
 * private networks": AWS IoT Greengrass v2 core devices on premises reach AWS IoT Core and the AWS services their
 * components use over Site-to-Site VPN (or Direct Connect), without the internet, in one account.
 *
 * - a VPC with isolated subnets only: the `iot.data` and `iot.credentials` interface endpoints with their private
 *   hosted zones, the `greengrass`, S3 (interface, plus a gateway endpoint for the VPC itself) and CloudWatch Logs
 *   endpoints, and a Route 53 Resolver inbound endpoint that answers the factory DNS for all of those names;
 * - the factory network connected like scenario 1 (`factoryConnectedVpc`);
 * - the core devices' IoT policy, token exchange role and role alias, and the nucleus configuration as outputs
 *   (JSON for a deployment, YAML for the installer's `--init-config`);
 * - the flows the reachability verifier proves before deployment.
 *
 * What stays by hand outside AWS: the router's VPN configuration, the conditional forwarders on the factory DNS
 * (output `BindForwarders`), and installing the Greengrass Core software on each device with the printed configuration
 * and the device's certificate. Account, region, hostnames, bucket and router address are placeholders.
 */
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EXAMPLE_HOSTS, factoryConnectedVpc, FACTORY_CIDR, ON_PREMISES_EXAMPLE_ENV } from './on-premises-devices';
import {
  DnsForwarderSyntax, GreengrassCoreEndpoints, GreengrassCoreFeature, GreengrassCoreIotPolicy, IotFlowSource, IotPrivateHostedZone,
  IotReachability, IotResolverInboundEndpoint, IotVpcEndpointAwsService, PrivateIotDataEndpoint,
} from '../src';

/** The bucket that holds the factory's component artifacts (placeholder). */
export const ARTIFACT_BUCKET = 'factory-component-artifacts';

export interface GreengrassCoreDevicesStackProps extends StackProps {
  /** The public address of the on-premises VPN router. */
  readonly routerIp: string;
}

export class GreengrassCoreDevicesStack extends Stack {
  public readonly endpoint: PrivateIotDataEndpoint;
  public readonly services: GreengrassCoreEndpoints;
  public readonly resolver: IotResolverInboundEndpoint;
  public readonly core: GreengrassCoreIotPolicy;

  constructor(scope: Construct, id: string, props: GreengrassCoreDevicesStackProps) {
    super(scope, id, props);

    const vpc = factoryConnectedVpc(this, props.routerIp);

    const factory = [ec2.Peer.ipv4(FACTORY_CIDR)];
    this.endpoint = new PrivateIotDataEndpoint(this, 'IotEndpoint', {
      vpc,
      peers: factory,
      dataEndpointAddress: EXAMPLE_HOSTS.data,
      credentialsEndpointAddress: EXAMPLE_HOSTS.credentials,
      services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
    });
    new IotPrivateHostedZone(this, 'IotZone', { endpoint: this.endpoint });
    this.services = new GreengrassCoreEndpoints(this, 'GreengrassEndpoints', {
      vpc,
      peers: factory,
      features: [GreengrassCoreFeature.S3_ARTIFACTS, GreengrassCoreFeature.CLOUDWATCH_LOGS],
    });
    this.resolver = new IotResolverInboundEndpoint(this, 'FactoryDns', { vpc, allowedCidrs: [FACTORY_CIDR] });
    this.resolver.forwardIotEndpoint(this.endpoint);
    this.services.forwardTo(this.resolver);

    this.core = new GreengrassCoreIotPolicy(this, 'CorePolicy', {
      thingNames: ['FactoryCore'],
      endpoints: [this.endpoint],
      artifactBuckets: [s3.Bucket.fromBucketName(this, 'Artifacts', ARTIFACT_BUCKET)],
    });

    // What the verifier proves from the template: the cores reach AWS IoT Core and every service they use.
    const source = IotFlowSource.onPremises(FACTORY_CIDR);
    const region = this.region;
    for (const [label, host, ports] of [
      ['data', EXAMPLE_HOSTS.data, [8883, 443, 8443]],
      ['credentials', EXAMPLE_HOSTS.credentials, [443]],
      ['greengrass', `greengrass.${region}.amazonaws.com`, [443]],
      ['s3', `${ARTIFACT_BUCKET}.s3.${region}.amazonaws.com`, [443]],
      ['logs', `logs.${region}.amazonaws.com`, [443]],
    ] as Array<[string, string, number[]]>) {
      IotReachability.declareFlow(this, { name: `factory cores -> ${label}`, source, host, ports });
    }
    IotReachability.declareFlow(this, { name: 'factory cores -> logs, other ports', source, host: `logs.${region}.amazonaws.com`, ports: [80], expectBlocked: true });

    new CfnOutput(this, 'BindForwarders', { value: this.resolver.forwarderConfiguration(DnsForwarderSyntax.BIND), description: 'Conditional forwarders for the factory DNS (BIND)' });
    new CfnOutput(this, 'NucleusConfiguration', { value: this.core.nucleusConfiguration(this.endpoint), description: 'aws.greengrass.Nucleus configuration (merge)' });
    new CfnOutput(this, 'NucleusConfigYaml', { value: this.core.nucleusConfigYaml(this.endpoint), description: 'config.yaml for the installer (--init-config)' });
  }
}

/** Builds the example app (offline: pass the committed cdk.context.json as `context`). */
export function buildGreengrassCoreDevicesApp(options: { outdir?: string; context?: Record<string, unknown> } = {}): App {
  const app = new App({ outdir: options.outdir, context: options.context });
  new GreengrassCoreDevicesStack(app, 'GreengrassCoreDevices', { env: ON_PREMISES_EXAMPLE_ENV, routerIp: '203.0.113.10' });
  return app;
}
