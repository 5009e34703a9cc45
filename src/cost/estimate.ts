/**
 * Estimates the monthly fixed cost of a synthesized cloud assembly from its templates, and lists the usage-based rates
 * of what it creates (issue 16). No AWS access: prices come from `price-data.ts` (overridable).
 *
 * DEPENDENCY-FREE (node builtins only): the `cdk-private-iot cost` CLI uses it where aws-cdk-lib is not installed.
 */
import { DEFAULT_PRICES, PRICE_KEYS, PriceKey } from './price-data';
import type { CostEstimate, CostEstimateOptions, CostLine, CostRate, Price } from './types';
import { readAssembly, StackInfo } from '../verify/model';

/** Hours in a month (365 x 24 / 12). */
export const HOURS_PER_MONTH = 730;
/** Hosted zones per account at the first-tier price. */
const HOSTED_ZONES_FIRST_TIER = 25;
/** VPC associations a Route 53 Profile's hourly price covers. */
const PROFILE_INCLUDED_ASSOCIATIONS = 100;
/** Subnets assumed for an interface endpoint whose subnet list is not literal. */
const ASSUMED_ENDPOINT_AZS = 2;
const UNKNOWN_ACCOUNT = 'unknown-account';
const UNKNOWN_REGION = 'unknown-region';

/** The cost estimate of the cloud assembly in `dir`. */
export function estimateAssemblyDirectory(dir: string, options: CostEstimateOptions = {}): CostEstimate {
  return estimateStacks(readAssembly(dir), options);
}

/** The library's prices merged with `overrides`; throws on an unknown key or a malformed price. */
export function pricesWith(overrides: { [key: string]: Price } = {}): Record<PriceKey, Price> {
  const prices: Record<string, Price> = { ...DEFAULT_PRICES };
  for (const [key, price] of Object.entries(overrides)) {
    if (!(PRICE_KEYS as readonly string[]).includes(key)) {
      throw new Error(`prices: unknown price key '${key}'; the keys are ${PRICE_KEYS.join(', ')}`);
    }
    const merged = { ...DEFAULT_PRICES[key as PriceKey], ...price };
    const numbers = [merged.usd, ...Object.values(merged.usdByRegion ?? {})];
    if (numbers.some((n) => typeof n !== 'number' || !Number.isFinite(n) || n < 0)) {
      throw new Error(`prices: '${key}' has a price that is not a non-negative number; give usd (and usdByRegion values) in US dollars`);
    }
    prices[key] = merged;
  }
  return prices as Record<PriceKey, Price>;
}

/** The cost estimate of already-read stacks. */
export function estimateStacks(stacks: StackInfo[], options: CostEstimateOptions = {}): CostEstimate {
  const hours = options.hoursPerMonth ?? HOURS_PER_MONTH;
  if (!Number.isFinite(hours) || hours <= 0) {
    throw new Error(`hoursPerMonth ${hours} is not a positive number of hours`);
  }
  if (options.gbPerMonth !== undefined && (!Number.isFinite(options.gbPerMonth) || options.gbPerMonth < 0)) {
    throw new Error(`gbPerMonth ${options.gbPerMonth} is not a non-negative number of gigabytes`);
  }
  const prices = pricesWith(options.prices);
  const lines: CostLine[] = [];
  const notes: string[] = [];
  const present = new Map<string, Set<PriceKey>>(); // region -> rate keys of the components there
  const zonesPerAccount = new Map<string, number>();
  const profiles = collectProfiles(stacks);
  const weightedRecords: string[] = [];

  for (const stack of stacks) {
    const account = stack.account ?? UNKNOWN_ACCOUNT;
    const region = stack.region ?? UNKNOWN_REGION;
    const rates = present.get(region) ?? new Set<PriceKey>();
    present.set(region, rates);
    const charge = new Charges(stack.name, account, region, prices, hours);
    const resources = Object.entries<any>(stack.template?.Resources ?? {});
    for (const [id, resource] of resources) {
      const props = resource.Properties ?? {};
      switch (resource.Type) {
        case 'AWS::EC2::VPCEndpoint':
          if (props.VpcEndpointType === 'Interface') {
            const azs = Array.isArray(props.SubnetIds) ? props.SubnetIds.length : ASSUMED_ENDPOINT_AZS;
            if (!Array.isArray(props.SubnetIds)) {
              notes.push(`${stack.name}/${id}: its subnets are not a literal list; counted as ${ASSUMED_ENDPOINT_AZS} availability zones`);
            }
            charge.hourly('interfaceEndpointAzHour', id, azs, 'interface endpoint AZs');
            rates.add('interfaceEndpointGb');
          }
          break;
        case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
          if (props.Type === 'network') {
            charge.hourly('nlbHour', id, 1, 'Network Load Balancers');
            rates.add('nlcuHour');
            const capacity = Number(props.MinimumLoadBalancerCapacity?.CapacityUnits ?? 0);
            if (capacity > 0) {
              charge.hourly('nlcuHour', id, capacity, 'reserved load balancer capacity units');
            }
            if (props.Scheme === 'internet-facing') {
              const mappings: any[] = Array.isArray(props.SubnetMappings) ? props.SubnetMappings : [];
              const automatic = mappings.length > 0 ? mappings.filter((m) => m?.AllocationId === undefined).length
                : Array.isArray(props.Subnets) ? props.Subnets.length : ASSUMED_ENDPOINT_AZS;
              if (automatic > 0) {
                charge.hourly('publicIpv4Hour', id, automatic, 'public IPv4 addresses');
              }
            }
          }
          break;
        case 'AWS::EC2::EIP':
          charge.hourly('publicIpv4Hour', id, 1, 'public IPv4 addresses');
          break;
        case 'AWS::GlobalAccelerator::Accelerator':
          charge.hourly('acceleratorHour', id, 1, 'Global Accelerator accelerators');
          break;
        case 'AWS::Route53Resolver::ResolverEndpoint':
          charge.hourly('resolverEniHour', id, Array.isArray(props.IpAddresses) ? props.IpAddresses.length : 2, 'Resolver endpoint ENIs');
          rates.add('resolverQueriesMillion');
          break;
        case 'AWS::EC2::TransitGatewayAttachment':
        case 'AWS::EC2::TransitGatewayVpcAttachment':
          charge.hourly('transitGatewayAttachmentHour', id, 1, 'Transit Gateway attachments');
          rates.add('transitGatewayGb');
          break;
        case 'AWS::EC2::VPNConnection':
          charge.hourly('vpnConnectionHour', id, 1, 'Site-to-Site VPN connections');
          if (props.TransitGatewayId !== undefined) {
            charge.hourly('transitGatewayAttachmentHour', id, 1, 'Transit Gateway attachments');
            rates.add('transitGatewayGb');
          }
          break;
        case 'AWS::Route53::HostedZone': {
          const before = zonesPerAccount.get(account) ?? 0;
          zonesPerAccount.set(account, before + 1);
          charge.monthly(before < HOSTED_ZONES_FIRST_TIER ? 'hostedZoneMonth' : 'hostedZoneMonthAfter25', id, 1, 'hosted zones');
          break;
        }
        case 'AWS::Route53Profiles::Profile': {
          charge.hourly('profileHour', id, 1, 'Route 53 Profiles');
          const associations = profiles.associations.get(`${stack.name}/${id}`) ?? 0;
          const extra = Math.max(0, associations - PROFILE_INCLUDED_ASSOCIATIONS);
          if (extra > 0) {
            charge.hourly('profileExtraAssociationHour', id, extra, 'Route 53 Profile associations beyond 100');
          }
          break;
        }
        case 'AWS::Route53::RecordSet':
          if (props.Weight !== undefined && props.AliasTarget === undefined) {
            rates.add('dnsQueriesMillion');
            weightedRecords.push(`${stack.name}/${id}`);
          }
          break;
        case 'AWS::CloudWatch::Alarm':
          charge.monthly('alarmMonth', id, 1, 'CloudWatch alarms');
          break;
        case 'AWS::EC2::FlowLog':
          rates.add('flowLogsGb');
          break;
        case 'AWS::IoT::Policy':
          rates.add('iotMessagesMillion');
          rates.add('iotConnectivityMillionMinutes');
          break;
        default:
          break;
      }
    }
    lines.push(...charge.lines());
  }
  notes.push(...profiles.notes);

  const rates = rateLines(present, prices, options.gbPerMonth);
  const fallbacks = [...new Set([...lines.filter((l) => l.fallback).map((l) => `${l.priceKey} in ${l.region}`),
    ...rates.filter((r) => r.fallback).map((r) => `${r.priceKey} in ${r.region}`)])];
  if (fallbacks.length > 0) {
    notes.push(`us-east-1 prices used where no figure is recorded: ${fallbacks.join(', ')}`);
  }
  const accounts = accountTotals(stacks, lines);
  const monthlyUsd = round(lines.reduce((sum, l) => sum + l.monthlyUsd, 0));
  const traffic = rates.filter((r) => r.monthlyUsd !== undefined);
  return {
    lines,
    rates,
    accounts,
    monthlyUsd,
    trafficMonthlyUsd: options.gbPerMonth === undefined ? undefined : round(traffic.reduce((sum, r) => sum + (r.monthlyUsd ?? 0), 0)),
    guidance: [...guidanceFor(lines, hours), ...recordGuidance(weightedRecords, prices)],
    notes,
    hoursPerMonth: hours,
  };
}

/**
 * The price in `region`, and whether it is the us-east-1 fallback. A price with `usdByRegion` is regional: a region it
 * does not list gets `usd`, marked as a fallback. A price without `usdByRegion` is the same in every region.
 */
export function priceIn(price: Price, region: string): { usd: number; fallback: boolean } {
  const regional = price.usdByRegion?.[region];
  if (regional !== undefined) {
    return { usd: regional, fallback: false };
  }
  return { usd: price.usd, fallback: price.usdByRegion !== undefined && region !== 'us-east-1' };
}

/** Collects the charges of one stack, one line per price key and unit name. */
class Charges {
  private readonly byKey = new Map<string, { key: PriceKey; item: string; count: number; hourly: boolean; resources: string[] }>();

  constructor(
    private readonly stack: string,
    private readonly account: string,
    private readonly region: string,
    private readonly prices: Record<PriceKey, Price>,
    private readonly hours: number,
  ) {}

  public hourly(key: PriceKey, resource: string, count: number, item: string): void {
    this.add(key, resource, count, item, true);
  }

  public monthly(key: PriceKey, resource: string, count: number, item: string): void {
    this.add(key, resource, count, item, false);
  }

  public lines(): CostLine[] {
    return [...this.byKey.values()].map(({ key, item, count, hourly, resources }) => {
      const { usd: unitUsd, fallback } = priceIn(this.prices[key], this.region);
      const quantity = hourly ? count * this.hours : count;
      return {
        stack: this.stack,
        account: this.account,
        region: this.region,
        priceKey: key,
        item,
        count,
        quantity,
        unit: this.prices[key].unit,
        unitUsd,
        monthlyUsd: round(quantity * unitUsd),
        fallback,
        resources,
      };
    });
  }

  private add(key: PriceKey, resource: string, count: number, item: string, hourly: boolean): void {
    const line = this.byKey.get(`${key}/${item}`) ?? { key, item, count: 0, hourly, resources: [] };
    line.count += count;
    if (!line.resources.includes(resource)) {
      line.resources.push(resource);
    }
    this.byKey.set(`${key}/${item}`, line);
  }
}

/**
 * The VPC associations of each Route 53 Profile (`<stack>/<logicalId>`): associations in the profile's own stack that
 * reference it, and associations elsewhere (whose `ProfileId` is a literal or a parameter, as across accounts) counted
 * for the assembly's only profile. The profile owner pays for every association.
 */
function collectProfiles(stacks: StackInfo[]): { associations: Map<string, number>; notes: string[] } {
  const owners: string[] = [];
  for (const stack of stacks) {
    for (const [id, r] of Object.entries<any>(stack.template?.Resources ?? {})) {
      if (r.Type === 'AWS::Route53Profiles::Profile') {
        owners.push(`${stack.name}/${id}`);
      }
    }
  }
  const associations = new Map<string, number>(owners.map((o) => [o, 0]));
  let unassigned = 0;
  for (const stack of stacks) {
    for (const r of Object.values<any>(stack.template?.Resources ?? {})) {
      if (r.Type !== 'AWS::Route53Profiles::ProfileAssociation') {
        continue;
      }
      const ref = referencedLogicalId(r.Properties?.ProfileId);
      const local = ref && owners.includes(`${stack.name}/${ref}`) ? `${stack.name}/${ref}` : undefined;
      const owner = local ?? (owners.length === 1 ? owners[0] : undefined);
      if (owner) {
        associations.set(owner, (associations.get(owner) ?? 0) + 1);
      } else {
        unassigned++;
      }
    }
  }
  const notes = unassigned > 0
    ? [`${unassigned} Route 53 Profile association(s) name a profile the assembly does not create (or one of several): not counted`]
    : [];
  return { associations, notes };
}

function referencedLogicalId(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') {
      return value.Ref;
    }
    const att = value['Fn::GetAtt'];
    if (Array.isArray(att)) {
      return String(att[0]);
    }
  }
  return undefined;
}

/** GB rates that `gbPerMonth` multiplies (device traffic crosses each of these components once). */
const TRAFFIC_GB_KEYS: PriceKey[] = ['interfaceEndpointGb', 'transitGatewayGb', 'nlcuHour'];

function rateLines(present: Map<string, Set<PriceKey>>, prices: Record<PriceKey, Price>, gbPerMonth: number | undefined): CostRate[] {
  const rates: CostRate[] = [];
  for (const [region, keys] of present) {
    for (const key of PRICE_KEYS.filter((k) => keys.has(k))) {
      const price = prices[key];
      const { usd: rate, fallback } = priceIn(price, region);
      // One NLCU covers 1 GB processed in an hour for TCP: per GB of traffic (when bytes are the largest dimension).
      const perGb = TRAFFIC_GB_KEYS.includes(key);
      rates.push({
        region,
        priceKey: key,
        description: price.description,
        usd: rate,
        unit: key === 'nlcuHour' ? 'NLCU-hour (1 GB processed)' : price.unit,
        fallback,
        monthlyUsd: gbPerMonth !== undefined && perGb ? round(gbPerMonth * rate) : undefined,
      });
    }
  }
  return rates;
}

function accountTotals(stacks: StackInfo[], lines: CostLine[]) {
  const accounts: Array<{ account: string; stacks: string[]; monthlyUsd: number }> = [];
  for (const stack of stacks) {
    const account = stack.account ?? UNKNOWN_ACCOUNT;
    let entry = accounts.find((a) => a.account === account);
    if (!entry) {
      entry = { account, stacks: [], monthlyUsd: 0 };
      accounts.push(entry);
    }
    entry.stacks.push(stack.name);
  }
  for (const entry of accounts) {
    entry.monthlyUsd = round(lines.filter((l) => l.account === entry.account).reduce((sum, l) => sum + l.monthlyUsd, 0));
  }
  return accounts;
}

/** Where the same result has a cheaper construct, with the figure. */
function guidanceFor(lines: CostLine[], hours: number): string[] {
  const guidance: string[] = [];
  const sum = (ls: CostLine[]) => round(ls.reduce((s, l) => s + l.monthlyUsd, 0));
  const profiles = lines.filter((l) => l.priceKey === 'profileHour' || l.priceKey === 'profileExtraAssociationHour');
  if (profiles.length > 0) {
    guidance.push(`Route 53 Profile: ${usd(sum(profiles))}/month (its owner pays); zone associations (IotZoneVpcAuthorization): $0`);
  }
  const endpoints = lines.filter((l) => l.priceKey === 'interfaceEndpointAzHour');
  for (const line of endpoints) {
    const perEndpoint = line.count / line.resources.length;
    if (perEndpoint >= 3 && Number.isInteger(perEndpoint)) {
      const twoAzs = round(line.resources.length * 2 * hours * line.unitUsd);
      guidance.push(`${line.stack}: ${line.resources.length} interface endpoint${line.resources.length === 1 ? '' : 's'} in ${perEndpoint} AZs: `
        + `${usd(line.monthlyUsd)}/month; 2 AZs: ${usd(twoAzs)} (less resilience; enough for small fleets)`);
    }
  }
  const ips = lines.filter((l) => l.priceKey === 'publicIpv4Hour');
  if (ips.length > 0) {
    const count = ips.reduce((s, l) => s + l.count, 0);
    guidance.push(`${count} public IPv4 address${count === 1 ? '' : 'es'}: ${usd(sum(ips))}/month, only for allow-lists (internetFacing: false drops them)`);
  }
  return guidance;
}

/** Weighted A records (IotRecordStyle.WEIGHTED_IPS) are standard queries; alias records to the endpoints are not billed. */
function recordGuidance(weighted: string[], prices: Record<PriceKey, Price>): string[] {
  if (weighted.length === 0) {
    return [];
  }
  return [`${weighted.length} weighted A records (WEIGHTED_IPS): $${prices.dnsQueriesMillion.usd.toFixed(2)}/M queries at most; `
    + 'IotRecordStyle.ALIAS queries are free'];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** `$1,234.56`. */
export function usd(value: number): string {
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
