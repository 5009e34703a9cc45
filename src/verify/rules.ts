/**
 * The AWS behaviours the reachability verifier encodes, one rule per behaviour, each with the documentation page it
 * follows. A reader reviewing the verifier reviews this module: ./verifier only chains these rules along a flow.
 *
 * DEPENDENCY-FREE (node builtins only).
 */
import type { AclEntry, Route, SgRule } from './network';
import { ipv4CidrContains, ipv4CidrsOverlap } from '../private/formats';
import { IOT_ENDPOINT_PORTS } from '../private/limits';

/** A rule of the model: id (quoted in verdicts), what it says, and the page it follows. */
export interface ModelRule {
  readonly id: string;
  readonly says: string;
  readonly source: string;
}

const rule = (id: string, says: string, source: string): ModelRule => ({ id, says, source });

/** Every rule, by id. */
export const RULES = {
  ROUTE_LPM: rule('route-longest-prefix', 'A subnet routes by its route table; the local route covers the VPC CIDR; the most specific matching route wins; no match drops the packet.',
    'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html#route-tables-priority'),
  ACL_ORDER: rule('acl-first-match', 'Network ACLs filter traffic entering and leaving a subnet (not traffic inside it); rules are evaluated lowest number first, the first matching rule decides, and the final * rule denies. '
    + 'A subnet with no custom ACL uses the VPC default ACL, which allows everything.',
  'https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html'),
  ACL_EPHEMERAL: rule('acl-ephemeral-ports', 'Network ACLs are stateless: replies need rules for the client\'s ephemeral ports, 1024-65535 to cover every client (NLB, Linux, Windows, NAT).',
    'https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html'),
  SG_ALLOW: rule('security-group-allow', 'Security groups are stateful allow lists: an inbound rule admits a CIDR or the network interfaces of a source security group; replies are allowed.',
    'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html'),
  TGW_AZ: rule('tgw-attachment-az', 'Resources in an Availability Zone where the Transit Gateway attachment has no subnet cannot reach the Transit Gateway.',
    'https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html'),
  TGW_ROUTES: rule('tgw-route-table', 'A Transit Gateway forwards by its route table: attachments propagate their VPC CIDR (default route table with propagation); '
    + 'VPN (BGP) and Direct Connect gateway attachments propagate the on-premises prefixes; static routes may add or blackhole prefixes.',
  'https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html'),
  TGW_SHARE: rule('tgw-sharing', 'A VPC of another account can attach to a Transit Gateway only if the gateway is shared with that account through AWS RAM; '
    + 'without auto-accept the owner must accept the attachment.',
  'https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html#tgw-sharing'),
  DX_PREFIXES: rule('dx-allowed-prefixes', 'On-premises learns over Direct Connect only the allowed prefixes of the Direct Connect gateway association with the Transit Gateway.',
    'https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html'),
  GATEWAY_ENDPOINT: rule('gateway-endpoint-scope', 'Gateway endpoints serve only the route tables of their own VPC: not on-premises networks, not other VPCs through a Transit Gateway or peering.',
    'https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html'),
  PRIVATE_DNS: rule('endpoint-private-dns', 'The private DNS name of an interface endpoint answers in the endpoint\'s VPC and for queries arriving through a Resolver inbound endpoint of that VPC '
    + '(only those when PrivateDnsOnlyForInboundResolverEndpoint is set); other VPCs get the names only from zones or a Route 53 Profile that carries the endpoint.',
  'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#private-dns'),
  ZONE_MATCH: rule('private-zone-match', 'The Resolver answers from the private hosted zone with the most specific name matching the query among the zones associated with the VPC; '
    + 'a matching zone without the record answers NXDOMAIN (no fallback to public DNS); with no matching zone, public DNS answers.',
  'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html'),
  PROFILE: rule('route53-profile', 'A VPC associated with a Route 53 Profile resolves the profile\'s zones and interface endpoints; a zone associated directly with the VPC wins over a profile '
    + 'zone of the same name; another account must have the profile shared through AWS RAM.',
  'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profiles.html'),
  INBOUND_RESOLVER: rule('resolver-inbound', 'Queries sent to a Resolver inbound endpoint are answered as in the endpoint\'s VPC; the resolver must reach its addresses on UDP and TCP 53.',
    'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-inbound-queries.html'),
  NLB_LISTENER: rule('nlb-listener', 'A Network Load Balancer accepts only on its listeners\' ports and forwards to its target groups\' registered targets.',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html'),
  NLB_SG: rule('nlb-security-group', 'A Network Load Balancer with security groups admits only what they allow; PrivateLink traffic skips them when '
    + 'EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic is off; targets must admit the load balancer (its security group or its subnets\' addresses).',
  'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html'),
  NLB_SOURCE: rule('nlb-client-ip', 'IP targets behind a Network Load Balancer without client IP preservation see the load balancer\'s private address as source.',
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation'),
  PRIVATELINK: rule('privatelink-service', 'An interface endpoint to an endpoint service connects only if the service allows the consumer\'s account (or *); traffic reaches the '
    + 'service\'s load balancer with the consumer\'s private address as source, so the load balancer subnets\' network ACLs must admit it.',
  'https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html'),
  GA_CLIENT_IP: rule('accelerator-client-ip', 'Global Accelerator forwards to its endpoints on the listener ports; without client IP preservation the endpoint sees the accelerator\'s '
    + 'addresses, not the client\'s.',
  'https://docs.aws.amazon.com/global-accelerator/latest/dg/preserve-client-ip-address.html'),
  INTERNET: rule('internet-gateway', 'An internet-facing load balancer is reachable from the internet only through an internet gateway attached to its VPC and a route to it from its subnets.',
    'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html'),
  IOT_PORTS: rule('iot-ports', 'AWS IoT Core data endpoints answer on 8883 (MQTT), 443 (MQTT or HTTPS with ALPN) and 8443 (HTTPS); the credentials provider on 443; '
    + 'other AWS service endpoints on 443.',
  'https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html'),
  IOT_HOST: rule('iot-host', 'An interface endpoint answers only for its own service: the ATS data host needs iot.data, the credentials host iot.credentials.',
    'https://docs.aws.amazon.com/iot/latest/developerguide/IoTCore-VPC.html'),
} as const;

/** IP protocol numbers. */
export const TCP = 6;
export const UDP = 17;
/** The client ports replies go back to. */
export const EPHEMERAL: [number, number] = [1024, 65535];

/** ROUTE_LPM: the route a table takes to `destination` (a CIDR), or 'local', or undefined for no route. */
export function routeFor(routes: Route[], vpcCidr: string | undefined, destination: string): Route | 'local' | undefined {
  if (vpcCidr && ipv4CidrContains(vpcCidr, destination)) return 'local';
  const matching = routes.filter((r) => ipv4CidrContains(r.destination, destination));
  return matching.sort((a, b) => prefix(b.destination) - prefix(a.destination))[0];
}

/** Result of a network ACL evaluation. */
export interface AclVerdict { readonly allowed: boolean; readonly entry?: AclEntry; readonly partial?: boolean }

/**
 * ACL_ORDER: whether the entries of one ACL and direction allow traffic to or from every address of `peer` on every
 * port of `ports`. An entry that covers only part of the traffic cannot decide for all of it: a partial allow is
 * skipped, a partial deny denies.
 */
export function aclAllows(entries: AclEntry[], peer: string, protocol: number, ports: [number, number]): AclVerdict {
  for (const entry of [...entries].sort((a, b) => a.rule - b.rule)) {
    if (entry.protocol !== -1 && entry.protocol !== protocol) continue;
    if (!ipv4CidrsOverlap(entry.cidr, peer) || entry.to < ports[0] || entry.from > ports[1]) continue;
    const full = ipv4CidrContains(entry.cidr, peer) && entry.from <= ports[0] && entry.to >= ports[1];
    if (full) return { allowed: entry.allow, entry };
    if (!entry.allow) return { allowed: false, entry, partial: true };
  }
  return { allowed: false };
}

/**
 * SG_ALLOW: the rule of `groups` that admits `peer` (every address of the CIDR, or interfaces of `peerGroups`) on
 * `port`, or undefined.
 */
export function sgAdmits(rules: SgRule[], groups: string[], peer: string | undefined, peerGroups: string[], protocol: number,
  port: number): SgRule | undefined {
  return rules.find((r) => groups.includes(r.group)
    && (r.protocol === -1 || r.protocol === protocol) && r.from <= port && port <= r.to
    && ((peer !== undefined && r.cidr !== undefined && ipv4CidrContains(r.cidr, peer))
      || (r.sourceGroup !== undefined && peerGroups.includes(r.sourceGroup))));
}

/** IOT_PORTS: the ports the AWS service behind an endpoint answers on. */
export function servicePorts(serviceName: string): number[] {
  if (/\.iot\.data$/.test(serviceName)) return [...IOT_ENDPOINT_PORTS];
  return [443];
}

/** IOT_HOST: whether an endpoint of `serviceName` (an AWS service name) answers for `host`. */
export function serviceServesHost(serviceName: string, host: string): boolean {
  const service = /^(?:cn\.)?com\.amazonaws\.[a-z0-9-]+\.(.+)$/.exec(serviceName)?.[1];
  if (!service) return true; // an endpoint service (PrivateLink to a load balancer): decided at the load balancer
  if (service === 'iot.data') return /-ats\.iot\./.test(host) || !/amazonaws\.com(\.cn)?$/.test(host);
  if (service === 'iot.credentials') return /\.credentials\.iot\./.test(host);
  const region = /^(?:cn\.)?com\.amazonaws\.([a-z0-9-]+)\./.exec(serviceName)?.[1];
  return privateDnsNames(serviceName, region ?? '').some((name) => dnsNameMatches(name, host));
}

/** PRIVATE_DNS: the names the private DNS of an endpoint of `serviceName` answers for. */
export function privateDnsNames(serviceName: string, region: string): string[] {
  const service = /^(?:cn\.)?com\.amazonaws\.[a-z0-9-]+\.(.+)$/.exec(serviceName)?.[1];
  if (!service || service === 'iot.data' || service === 'iot.credentials') return []; // these two have no private DNS
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  if (service === 's3') return [`s3.${region}.${suffix}`, `*.s3.${region}.${suffix}`];
  if (service === 'ecr.dkr') return [`*.dkr.ecr.${region}.${suffix}`];
  if (service === 'ecr.api') return [`api.ecr.${region}.${suffix}`];
  return [`${service}.${region}.${suffix}`];
}

/** Whether a record or zone name (possibly `*.` wildcard) answers `host`. */
export function dnsNameMatches(name: string, host: string): boolean {
  if (name.startsWith('*.')) return host.endsWith(name.slice(1)) && host !== name.slice(2);
  return name === host;
}

/** ZONE_MATCH: whether a zone named `zone` is authoritative for `host`. */
export function zoneCovers(zone: string, host: string): boolean {
  return host === zone || host.endsWith(`.${zone}`);
}

function prefix(cidr: string): number {
  return Number(cidr.split('/')[1]);
}
