import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { invalidProp } from '../private/errors';
import { acknowledgeIntrinsicPeers } from '../private/nag';
import { chinaAware } from '../private/partition';
import { checkStackRegion } from '../private/validation';
import type { IotResolverInboundEndpoint } from '../resolver/iot-resolver-inbound-endpoint';

/**
 * What the components of a Greengrass v2 core device use, each needing its own interface endpoints ("Use interface
 * VPC endpoints", AWS IoT Greengrass V2 Developer Guide).
 */
export enum GreengrassCoreFeature {
  /** Component artifacts downloaded from Amazon S3: an S3 interface endpoint (and a gateway endpoint). */
  S3_ARTIFACTS = 'S3_ARTIFACTS',
  /** `aws.greengrass.LogManager` uploading logs to CloudWatch Logs: `logs`. */
  CLOUDWATCH_LOGS = 'CLOUDWATCH_LOGS',
  /** Docker images from Amazon ECR (`aws.greengrass.DockerApplicationManager`): `ecr.api` and `ecr.dkr` (layers come from S3). */
  ECR_IMAGES = 'ECR_IMAGES',
  /** `aws.greengrass.SecretManager`: `secretsmanager`. */
  SECRETS_MANAGER = 'SECRETS_MANAGER',
  /** Components that call AWS STS (e.g. to assume roles): `sts`. */
  STS = 'STS',
}

/** The interface endpoint services of each feature, as aws-cdk-lib names them, with the construct id of each. */
const ENDPOINTS: Record<GreengrassCoreFeature, Array<{ id: string; service: ec2.InterfaceVpcEndpointAwsService; host: string }>> = {
  [GreengrassCoreFeature.S3_ARTIFACTS]: [{ id: 'S3', service: ec2.InterfaceVpcEndpointAwsService.S3, host: 's3' }],
  [GreengrassCoreFeature.CLOUDWATCH_LOGS]: [{ id: 'Logs', service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS, host: 'logs' }],
  [GreengrassCoreFeature.ECR_IMAGES]: [
    { id: 'EcrApi', service: ec2.InterfaceVpcEndpointAwsService.ECR, host: 'api.ecr' },
    { id: 'EcrDocker', service: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER, host: 'dkr.ecr' },
  ],
  [GreengrassCoreFeature.SECRETS_MANAGER]: [{ id: 'SecretsManager', service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, host: 'secretsmanager' }],
  [GreengrassCoreFeature.STS]: [{ id: 'Sts', service: ec2.InterfaceVpcEndpointAwsService.STS, host: 'sts' }],
};

/**
 * Properties of `GreengrassCoreEndpoints`.
 */
export interface GreengrassCoreEndpointsProps {
  /** The VPC of the endpoints: the core devices' VPC, or the VPC on-premises cores reach over Direct Connect or VPN. */
  readonly vpc: ec2.IVpc;

  /**
   * What the core devices' components use; each feature adds its endpoints.
   * @default [GreengrassCoreFeature.S3_ARTIFACTS] (every core downloads component artifacts)
   */
  readonly features?: GreengrassCoreFeature[];

  /**
   * The networks of the core devices: the shared security group admits HTTPS (443) from them only.
   * @default - the VPC's IPv4 CIDR
   */
  readonly peers?: ec2.IPeer[];

  /**
   * The subnets of the endpoints' network interfaces (one per availability zone; in a stack with a concrete account
   * and region, each endpoint keeps only the zones that offer its service, looked up like aws-cdk-lib's
   * `lookupSupportedAzs`).
   * @default - the VPC's private subnets, else its isolated subnets
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Create an S3 gateway endpoint too (free) for cores inside this VPC; the S3 interface endpoint's private DNS then
   * answers only queries that arrive through a Route 53 Resolver inbound endpoint (on-premises cores), so traffic
   * from the VPC takes the gateway. Set it to false when the VPC has an S3 gateway endpoint already and say so with
   * `vpcHasS3GatewayEndpoint`.
   * @default true (when S3 is needed)
   */
  readonly s3GatewayEndpoint?: boolean;

  /**
   * The VPC already has an S3 gateway endpoint (created outside this construct): the S3 interface endpoint then gets
   * private DNS only for inbound Resolver endpoints, as with `s3GatewayEndpoint`.
   * @default false
   */
  readonly vpcHasS3GatewayEndpoint?: boolean;

  /**
   * Whether core devices outside the VPC (on-premises, over Direct Connect or Site-to-Site VPN) use the endpoints.
   * They cannot use an S3 gateway endpoint (AWS routes gateway endpoints only for traffic that starts in the VPC), so
   * the S3 interface endpoint is required for them.
   * @default true
   */
  readonly onPremisesCores?: boolean;

  /**
   * Create the S3 interface endpoint.
   * @default true (when S3 is needed); false is allowed only with `onPremisesCores: false` and a gateway endpoint
   */
  readonly s3InterfaceEndpoint?: boolean;

  /**
   * Create the `greengrass` interface endpoint (the Greengrass control plane) with an endpoint policy admitting
   * principals of this account only. Set it to false when a `PrivateIotDataEndpoint` in this VPC has one
   * (`IotVpcEndpointAwsService.GREENGRASS`).
   * @default true
   */
  readonly greengrassEndpoint?: boolean;

  /**
   * The security group of every endpoint of this construct.
   * @default - a new security group admitting HTTPS from `peers`, with no outbound rule
   */
  readonly securityGroup?: ec2.ISecurityGroup;
}

/**
 * The interface endpoints AWS IoT Greengrass v2 core devices need besides AWS IoT Core's own (`iot.data` and
 * `iot.credentials`, which `PrivateIotDataEndpoint` creates): `greengrass`, S3 for component artifacts and what the
 * named components use (CloudWatch Logs, ECR, Secrets Manager, STS), with one security group on 443 for all of them.
 *
 * Private DNS is on for every endpoint, so cores in the VPC resolve the services' regional names to the endpoints.
 * On-premises cores resolve them only through a Route 53 Resolver inbound endpoint in this VPC: `onPremisesDomains`
 * lists the names their DNS must forward (`forwardTo(resolver)` adds them to an `IotResolverInboundEndpoint`). An S3
 * gateway endpoint serves only traffic from inside the VPC, so on-premises cores need the S3 interface endpoint; with a
 * gateway endpoint in the VPC, the interface endpoint's private DNS answers only queries from inbound Resolver
 * endpoints (`PrivateDnsOnlyForInboundResolverEndpoint`).
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * declare const resolver: IotResolverInboundEndpoint;
 * const endpoints = new GreengrassCoreEndpoints(this, 'GreengrassEndpoints', {
 *   vpc,
 *   peers: [ec2.Peer.ipv4('192.168.0.0/16')],
 *   features: [GreengrassCoreFeature.S3_ARTIFACTS, GreengrassCoreFeature.CLOUDWATCH_LOGS],
 * });
 * endpoints.forwardTo(resolver);
 */
export class GreengrassCoreEndpoints extends Construct implements ec2.IConnectable {
  /** The security group of every interface endpoint of this construct. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The endpoints' network connections (their security group). */
  public readonly connections: ec2.Connections;
  /** The features the endpoints serve (S3 added where ECR needs it). */
  public readonly features: GreengrassCoreFeature[];
  /**
   * The `greengrass` interface endpoint.
   * @default - none (`greengrassEndpoint: false`)
   */
  public readonly greengrassEndpoint?: ec2.IInterfaceVpcEndpoint;
  /**
   * The S3 interface endpoint (for on-premises cores).
   * @default - none (S3 not needed, or `s3InterfaceEndpoint: false`)
   */
  public readonly s3Endpoint?: ec2.IInterfaceVpcEndpoint;
  /**
   * The S3 gateway endpoint (for cores in the VPC).
   * @default - none (S3 not needed, or `s3GatewayEndpoint: false`)
   */
  public readonly s3GatewayEndpoint?: ec2.IGatewayVpcEndpoint;
  /**
   * The interface endpoints of the other features (`logs`, `ecr.api`, `ecr.dkr`, `secretsmanager`, `sts`), in that
   * order, as far as requested.
   */
  public readonly serviceEndpoints: ec2.IInterfaceVpcEndpoint[];

  private readonly hosts: string[] = [];

  constructor(scope: Construct, id: string, props: GreengrassCoreEndpointsProps) {
    super(scope, id);

    // --- validation first: bad input changes nothing -------------------------------------------------
    checkStackRegion(this);
    const features = this.validateFeatures(props.features ?? [GreengrassCoreFeature.S3_ARTIFACTS]);
    const needsS3 = features.includes(GreengrassCoreFeature.S3_ARTIFACTS);
    const onPremises = props.onPremisesCores ?? true;
    const gateway = needsS3 && (props.s3GatewayEndpoint ?? true);
    const interfaceS3 = needsS3 && (props.s3InterfaceEndpoint ?? true);
    if (needsS3 && !interfaceS3 && onPremises) {
      invalidProp(this, 's3InterfaceEndpoint', 'is false while onPremisesCores is true, but on-premises cores cannot reach an S3 gateway endpoint '
        + '(it routes only traffic that starts in the VPC), so they could not download component artifacts',
      'keep s3InterfaceEndpoint (the default), or set onPremisesCores: false if every core runs in this VPC');
    }
    if (needsS3 && !interfaceS3 && !gateway && !props.vpcHasS3GatewayEndpoint) {
      invalidProp(this, 's3InterfaceEndpoint', 'is false and so is s3GatewayEndpoint, so nothing would serve S3 for the cores',
        'keep one of them, or set vpcHasS3GatewayEndpoint: true if the VPC has a gateway endpoint already');
    }
    if (gateway && props.vpcHasS3GatewayEndpoint) {
      invalidProp(this, 's3GatewayEndpoint', 'is true while vpcHasS3GatewayEndpoint says the VPC has one already, and a VPC takes one S3 gateway endpoint per route table',
        'set s3GatewayEndpoint: false to use the existing one');
    }
    const peers = props.peers ?? [ec2.Peer.ipv4(props.vpc.vpcCidrBlock)];
    if (peers.length === 0) {
      invalidProp(this, 'peers', 'is empty, so no core device could reach the endpoints', 'name the core devices\' networks, or omit peers to admit the VPC CIDR');
    }
    this.features = features;

    // --- security group --------------------------------------------------------------------------------
    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'AWS IoT Greengrass core device endpoints: HTTPS from the core networks only',
      allowAllOutbound: false,
    });
    for (const peer of peers) {
      this.securityGroup.addIngressRule(peer, ec2.Port.tcp(443), Token.isUnresolved(peer.uniqueId) ? 'Greengrass core devices' : `Greengrass core devices in ${peer.uniqueId}`);
    }
    if (!props.securityGroup && peers.some((p) => Token.isUnresolved(p.uniqueId))) {
      acknowledgeIntrinsicPeers(this.securityGroup, [443], 'the Greengrass endpoint security group');
    }
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(443) });

    // --- endpoints -------------------------------------------------------------------------------------
    const concrete = !Token.isUnresolved(Stack.of(this).account) && !Token.isUnresolved(Stack.of(this).region);
    const common = {
      vpc: props.vpc,
      subnets: { ...(props.subnets ?? {}), onePerAz: true },
      securityGroups: [this.securityGroup],
      open: false,
      lookupSupportedAzs: concrete,
    };
    if (props.greengrassEndpoint ?? true) {
      const endpoint = new ec2.InterfaceVpcEndpoint(this, 'Greengrass', {
        ...common,
        service: new ec2.InterfaceVpcEndpointAwsService('greengrass'),
        privateDnsEnabled: true,
      });
      // Cores call the Greengrass control plane with the token exchange role's credentials (a principal of this account).
      endpoint.addToPolicy(new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['greengrass:*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:PrincipalAccount': Stack.of(this).account } },
      }));
      this.greengrassEndpoint = endpoint;
      this.addHost('greengrass');
    }
    if (gateway) {
      this.s3GatewayEndpoint = new ec2.GatewayVpcEndpoint(this, 'S3Gateway', { vpc: props.vpc, service: ec2.GatewayVpcEndpointAwsService.S3 });
    }
    if (interfaceS3) {
      const endpoint = new ec2.InterfaceVpcEndpoint(this, 'S3', {
        ...common,
        service: ec2.InterfaceVpcEndpointAwsService.S3,
        privateDnsEnabled: true,
        ...(gateway || props.vpcHasS3GatewayEndpoint
          ? { privateDnsOnlyForInboundResolverEndpoint: ec2.VpcEndpointPrivateDnsOnlyForInboundResolverEndpoint.ONLY_INBOUND_RESOLVER } : {}),
      });
      if (this.s3GatewayEndpoint) {
        // AWS accepts inbound-only private DNS only while the VPC has the gateway endpoint.
        endpoint.node.addDependency(this.s3GatewayEndpoint);
      }
      this.s3Endpoint = endpoint;
      this.addHost('s3');
    }
    this.serviceEndpoints = [];
    for (const feature of features.filter((f) => f !== GreengrassCoreFeature.S3_ARTIFACTS)) {
      for (const spec of ENDPOINTS[feature]) {
        this.serviceEndpoints.push(new ec2.InterfaceVpcEndpoint(this, spec.id, { ...common, service: spec.service, privateDnsEnabled: true }));
        this.addHost(spec.host);
      }
    }
  }

  /**
   * The hostnames on-premises DNS must forward to a Route 53 Resolver inbound endpoint in this VPC so that on-premises
   * cores reach these endpoints (`<service>.<region>.amazonaws.com`), besides the AWS IoT hostnames.
   */
  public get onPremisesDomains(): string[] {
    return [...this.hosts];
  }

  /** Adds `onPremisesDomains` to the names an `IotResolverInboundEndpoint` of this VPC forwards. */
  public forwardTo(resolver: IotResolverInboundEndpoint): void {
    this.hosts.forEach((host) => resolver.forwardDomain(host));
  }

  /** One line per endpoint and the names on-premises DNS must forward, for a stack output or the console. */
  public summary(): string {
    const lines = [`Greengrass core endpoints (${this.features.join(', ')}):`];
    lines.push(`  interface endpoints: ${[this.greengrassEndpoint && 'greengrass', this.s3Endpoint && 's3', ...this.serviceEndpoints.map((e) => e.node.id)]
      .filter((x) => x).join(', ')}${this.s3GatewayEndpoint ? '; S3 gateway endpoint for cores in the VPC' : ''}`);
    lines.push(`  on-premises DNS forwards: ${this.hosts.length > 0 ? this.hosts.join(', ') : '(nothing)'}`);
    return lines.join('\n');
  }

  private validateFeatures(features: GreengrassCoreFeature[]): GreengrassCoreFeature[] {
    const unique = [...new Set(features)];
    if (unique.includes(GreengrassCoreFeature.ECR_IMAGES) && !unique.includes(GreengrassCoreFeature.S3_ARTIFACTS)) {
      invalidProp(this, 'features', 'includes ECR_IMAGES but not S3_ARTIFACTS, and Amazon ECR serves image layers from Amazon S3',
        'add GreengrassCoreFeature.S3_ARTIFACTS');
    }
    // Every endpoint in the order of the enum, so adding a feature later never reorders ids.
    return Object.values(GreengrassCoreFeature).filter((f) => unique.includes(f));
  }

  private addHost(host: string): void {
    const stack = Stack.of(this);
    this.hosts.push(`${host}.${stack.region}.${chinaAware(stack, 'amazonaws.com.cn', 'amazonaws.com')}`);
  }
}
