/**
 * The reference topology of the AWS IoT blog's multi-account private MQTT architecture, built from this library's
 * stacks: a network account (device VPC, Transit Gateway, Resolver inbound endpoint, optional VPN), the IoT account
 * (gatekeeper VPC with the IoT endpoints, zones, policy, endpoint service, optional front door) and consumer accounts.
 *
 * Values cross accounts as strings. The ones only a deployment produces (Transit Gateway id, profile id, service
 * name) are placeholders here, so the topology synthesizes offline; replace them with the outputs of the previous
 * deployment step (network -> IoT -> network again for the profile association -> consumers).
 */
import { App, CfnResource } from 'aws-cdk-lib';
import { ConsumerAccountStack, IotAccountStack, IotReachability, NetworkAccountStack, ReferenceDirectConnectOptions, ReferenceFrontDoorOptions, ReferenceVpnOptions } from '../src';

/** Placeholder accounts and region of the reference topology (their lookups are in cdk.context.json). */
export const REFERENCE_REGION = 'eu-west-1';
export const NETWORK_ACCOUNT = '111111111111';
export const IOT_ACCOUNT = '222222222222';
export const CONSUMER_ACCOUNTS = ['333333333333', '444444444444', '555555555555'];

/** Placeholders for values that exist only after a deployment (copy them from the stacks' outputs). */
export const PLACEHOLDERS = {
  transitGatewayId: 'tgw-0123456789abcdef0',
  zoneProfileId: 'rp-0123456789abcdef',
  serviceName: `com.amazonaws.vpce.${REFERENCE_REGION}.vpce-svc-0123456789abcdef0`,
  dataEndpointAddress: `a1b2c3d4e5f6g7-ats.iot.${REFERENCE_REGION}.amazonaws.com`,
  credentialsEndpointAddress: `c1b2c3d4e5f6g7.credentials.iot.${REFERENCE_REGION}.amazonaws.com`,
};

export const GATEKEEPER_CIDR = '10.10.0.0/16';
export const DEVICE_CIDR = '10.20.0.0/16';
export const ON_PREMISES_CIDR = '192.168.0.0/16';

/** What the main job (`npx projen synth:reference`) and the architecture picture show. */
export const MAIN_JOB_OPTIONS: ReferenceTopologyOptions = {
  consumers: 1,
  frontDoor: { internetFacing: true, clientCidrs: ['203.0.113.0/24'] }, // documentation addresses (TEST-NET-3)
  vpn: { customerGatewayIp: '198.51.100.10' }, // documentation address (TEST-NET-2)
};

export interface ReferenceTopologyOptions {
  readonly outdir?: string;
  readonly context?: Record<string, unknown>;
  /** @default 1 */
  readonly consumers?: number;
  /** @default 2 */
  readonly maxAzs?: number;
  /** @default - none */
  readonly frontDoor?: ReferenceFrontDoorOptions;
  /** @default - none */
  readonly vpn?: ReferenceVpnOptions;
  /** @default - none */
  readonly directConnect?: ReferenceDirectConnectOptions;
  /** @default GATEKEEPER_CIDR */
  readonly gatekeeperCidr?: string;
  /** @default DEVICE_CIDR */
  readonly deviceCidr?: string;
  /** @default ON_PREMISES_CIDR */
  readonly onPremisesCidr?: string;
}

export interface ReferenceTopology {
  readonly app: App;
  readonly network: NetworkAccountStack;
  readonly iot: IotAccountStack;
  readonly consumers: ConsumerAccountStack[];
}

export function buildReferenceTopology(options: ReferenceTopologyOptions = {}): ReferenceTopology {
  const app = new App({ outdir: options.outdir, context: options.context });
  const consumerAccounts = CONSUMER_ACCOUNTS.slice(0, options.consumers ?? 1);
  const network = new NetworkAccountStack(app, 'Network', {
    env: { account: NETWORK_ACCOUNT, region: REFERENCE_REGION },
    deviceCidr: options.deviceCidr ?? DEVICE_CIDR,
    gatekeeperCidr: options.gatekeeperCidr ?? GATEKEEPER_CIDR,
    iotAccount: IOT_ACCOUNT,
    onPremisesCidrs: [options.onPremisesCidr ?? ON_PREMISES_CIDR],
    maxAzs: options.maxAzs,
    zoneProfileId: PLACEHOLDERS.zoneProfileId,
    iotHostnames: [PLACEHOLDERS.dataEndpointAddress, PLACEHOLDERS.credentialsEndpointAddress],
    vpn: options.vpn,
    directConnect: options.directConnect,
  });
  const iot = new IotAccountStack(app, 'Iot', {
    env: { account: IOT_ACCOUNT, region: REFERENCE_REGION },
    gatekeeperCidr: options.gatekeeperCidr ?? GATEKEEPER_CIDR,
    deviceCidrs: [options.deviceCidr ?? DEVICE_CIDR],
    onPremisesCidrs: [options.onPremisesCidr ?? ON_PREMISES_CIDR],
    maxAzs: options.maxAzs,
    transitGatewayId: PLACEHOLDERS.transitGatewayId,
    networkAccount: NETWORK_ACCOUNT,
    consumerAccounts,
    consumerCidrs: consumerAccounts.map((_, i) => consumerCidr(i)),
    frontDoor: options.frontDoor,
    dataEndpointAddress: PLACEHOLDERS.dataEndpointAddress,
    credentialsEndpointAddress: PLACEHOLDERS.credentialsEndpointAddress,
    greengrassCoreThingNames: ['FactoryCore*'],
  });
  const consumers = consumerAccounts.map((account, i) => new ConsumerAccountStack(app, `Consumer${i + 1}`, {
    env: { account, region: REFERENCE_REGION },
    vpcCidr: consumerCidr(i),
    serviceName: PLACEHOLDERS.serviceName,
    dataEndpointAddress: PLACEHOLDERS.dataEndpointAddress,
    maxAzs: options.maxAzs,
  }));
  // The placeholders stand for resources of the other stacks: recorded for `cdk-private-iot verify`.
  IotReachability.linkValue(iot, PLACEHOLDERS.transitGatewayId, network.transitGateway);
  if (iot.zoneProfile) {
    IotReachability.linkValue(network, PLACEHOLDERS.zoneProfileId, iot.zoneProfile.profile);
  }
  if (iot.endpointService) {
    const endpointService = iot.endpointService.endpointService.node.defaultChild as CfnResource;
    consumers.forEach((consumer) => IotReachability.linkValue(consumer, PLACEHOLDERS.serviceName, endpointService));
  }
  return { app, network, iot, consumers };
}

/** The CIDR of the i-th consumer VPC (from 0). */
export function consumerCidr(i: number): string {
  return `10.${30 + i}.0.0/16`;
}
