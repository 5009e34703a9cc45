/**
 * The prices the cost estimate uses: one entry per billed dimension, in US dollars, with the page each figure comes
 * from and the date it was recorded. `usd` is the US East (N. Virginia) price and the fallback for every region
 * `usdByRegion` does not list (the estimate says when it falls back). Figures marked `note: UNCONFIRMED` were not
 * read from a stored copy of the pricing page when recorded: check them against the source before relying on them.
 *
 * DEPENDENCY-FREE (plain data): the `cdk-private-iot cost` CLI reads it where aws-cdk-lib is not installed.
 * Users override entries with `CostEstimateOptions.prices` or `cdk-private-iot cost --prices <file.json>`.
 */
import type { Price } from './types';

const RECORDED = '2026-11-30';
const PRIVATELINK = 'https://aws.amazon.com/privatelink/pricing/';
const ELB = 'https://aws.amazon.com/elasticloadbalancing/pricing/';
const VPC = 'https://aws.amazon.com/vpc/pricing/';
const ROUTE53 = 'https://aws.amazon.com/route53/pricing/';
const TGW = 'https://aws.amazon.com/transit-gateway/pricing/';
const VPN = 'https://aws.amazon.com/vpn/site-to-site-vpn-pricing/';
const ACCELERATOR = 'https://aws.amazon.com/global-accelerator/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const IOT_CORE = 'https://aws.amazon.com/iot-core/pricing/';

/** Price keys (stable: users override by key). */
export const PRICE_KEYS = [
  'interfaceEndpointAzHour', 'interfaceEndpointGb', 'nlbHour', 'nlcuHour', 'publicIpv4Hour', 'acceleratorHour',
  'resolverEniHour', 'resolverQueriesMillion', 'dnsQueriesMillion', 'transitGatewayAttachmentHour', 'transitGatewayGb', 'vpnConnectionHour',
  'hostedZoneMonth', 'hostedZoneMonthAfter25', 'profileHour', 'profileExtraAssociationHour', 'alarmMonth',
  'iotMessagesMillion', 'iotConnectivityMillionMinutes', 'flowLogsGb',
] as const;
export type PriceKey = typeof PRICE_KEYS[number];

export const DEFAULT_PRICES: Record<PriceKey, Price> = {
  interfaceEndpointAzHour: {
    usd: 0.01,
    usdByRegion: { 'eu-west-1': 0.011, 'ap-northeast-1': 0.014 },
    unit: 'endpoint-AZ-hour',
    description: 'interface VPC endpoint, per availability zone',
    source: PRIVATELINK,
    recorded: RECORDED,
    note: 'the per-region hourly figures are UNCONFIRMED (the stored page copy shows the rule, billed per AZ-hour, not the table)',
  },
  interfaceEndpointGb: {
    usd: 0.01, unit: 'GB', description: 'data processed by interface endpoints (first PB a month in the region)', source: PRIVATELINK, recorded: RECORDED,
  },
  nlbHour: {
    usd: 0.0225,
    usdByRegion: { 'eu-west-1': 0.0252, 'ap-northeast-1': 0.0243 },
    unit: 'load-balancer-hour',
    description: 'Network Load Balancer',
    source: ELB,
    recorded: RECORDED,
    note: 'eu-west-1 and ap-northeast-1 figures UNCONFIRMED',
  },
  nlcuHour: {
    usd: 0.006,
    usdByRegion: { 'eu-west-1': 0.006, 'ap-northeast-1': 0.006 },
    unit: 'NLCU-hour',
    description: 'Network Load Balancer capacity unit',
    source: ELB,
    recorded: RECORDED,
    note: 'eu-west-1 and ap-northeast-1 figures UNCONFIRMED',
  },
  publicIpv4Hour: {
    usd: 0.005, unit: 'address-hour', description: 'public IPv4 address (every public IPv4 address since 1 February 2024)', source: VPC, recorded: RECORDED,
  },
  acceleratorHour: {
    usd: 0.025,
    unit: 'accelerator-hour',
    description: 'Global Accelerator fixed fee (plus a data transfer premium per GB that depends on the regions)',
    source: ACCELERATOR,
    recorded: RECORDED,
    note: 'UNCONFIRMED',
  },
  resolverEniHour: {
    usd: 0.125, unit: 'ENI-hour', description: 'Route 53 Resolver endpoint, per IP address (network interface)', source: ROUTE53, recorded: RECORDED,
  },
  resolverQueriesMillion: {
    usd: 0.4, unit: 'million queries', description: 'queries through Resolver endpoints (first billion a month)', source: ROUTE53, recorded: RECORDED,
  },
  dnsQueriesMillion: {
    usd: 0.4,
    unit: 'million queries',
    description: 'standard DNS queries (alias queries to AWS resources such as VPC endpoints are free)',
    source: ROUTE53,
    recorded: RECORDED,
    note: 'whether queries to private hosted zones from VPCs are billed is UNCONFIRMED',
  },
  transitGatewayAttachmentHour: {
    usd: 0.05,
    usdByRegion: { 'eu-west-1': 0.05, 'ap-northeast-1': 0.07 },
    unit: 'attachment-hour',
    description: 'Transit Gateway attachment (VPC or VPN), billed to the attachment owner',
    source: TGW,
    recorded: RECORDED,
    note: 'the ap-northeast-1 figure is UNCONFIRMED',
  },
  transitGatewayGb: { usd: 0.02, unit: 'GB', description: 'data processed by a Transit Gateway', source: TGW, recorded: RECORDED },
  vpnConnectionHour: {
    usd: 0.05,
    usdByRegion: { 'eu-west-1': 0.05, 'ap-northeast-1': 0.048 },
    unit: 'connection-hour',
    description: 'Site-to-Site VPN connection',
    source: VPN,
    recorded: RECORDED,
    note: 'the ap-northeast-1 figure is UNCONFIRMED',
  },
  hostedZoneMonth: { usd: 0.5, unit: 'zone-month', description: 'hosted zone (first 25 of an account)', source: ROUTE53, recorded: RECORDED },
  hostedZoneMonthAfter25: { usd: 0.1, unit: 'zone-month', description: 'hosted zone (beyond the 25th of an account)', source: ROUTE53, recorded: RECORDED },
  profileHour: {
    usd: 0.75,
    unit: 'profile-hour',
    description: 'Route 53 Profile, up to 100 VPC associations, billed to the profile owner',
    source: ROUTE53,
    recorded: RECORDED,
  },
  profileExtraAssociationHour: {
    usd: 0.0014,
    unit: 'association-hour',
    description: 'Route 53 Profile VPC association beyond the 100th',
    source: ROUTE53,
    recorded: RECORDED,
    note: 'UNCONFIRMED',
  },
  alarmMonth: { usd: 0.1, unit: 'alarm-month', description: 'CloudWatch standard-resolution metric alarm', source: CLOUDWATCH, recorded: RECORDED },
  iotMessagesMillion: {
    usd: 1.0,
    usdByRegion: {},
    unit: 'million messages',
    description: 'AWS IoT Core messaging (first billion a month)',
    source: IOT_CORE,
    recorded: RECORDED,
    note: 'us-east-1 figure; other regions fall back to it',
  },
  iotConnectivityMillionMinutes: {
    usd: 0.08,
    usdByRegion: {},
    unit: 'million connection-minutes',
    description: 'AWS IoT Core connectivity',
    source: IOT_CORE,
    recorded: RECORDED,
    note: 'us-east-1 figure; other regions fall back to it',
  },
  flowLogsGb: {
    usd: 0.5,
    usdByRegion: {},
    unit: 'GB',
    description: 'VPC flow logs delivered to CloudWatch Logs (vended logs, first 10 TB)',
    source: CLOUDWATCH,
    recorded: RECORDED,
    note: 'us-east-1 figure; other regions fall back to it',
  },
};
