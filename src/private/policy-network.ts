import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CdkPrivateIotError, invalidProp } from './errors';
import { ipv4Range, isCidrBlock, isIpv4CidrBlock } from './formats';
import { describeOwner, FrontDoorRecord, frontDoorsOf } from './front-doors';
import type { IotPolicyNetworkOptions } from '../policy/iot-policy-network';

/** IAM-style condition block: operator -> key -> values. */
export type PolicyConditions = { [operator: string]: { [key: string]: string[] } };

/** The network restrictions of an AWS IoT policy: validated, deduplicated values, and the conditions they make. */
export interface PolicyNetwork {
  readonly endpointIds: string[];
  readonly vpcIds: string[];
  readonly cidrs: string[];
  readonly conditions: PolicyConditions;
}

/**
 * Validates `IotPolicyNetworkOptions` (shared by `VpceOnlyIotPolicy` and `GreengrassCoreIotPolicy`) and builds the
 * conditions of `iot:Connect`: `aws:SourceVpce` (required), `aws:SourceVpc` and `aws:VpcSourceIp` (when given).
 * `subject` names who connects, in the error messages.
 */
export function policyNetworkOf(scope: IConstruct, options: IotPolicyNetworkOptions, subject: string): PolicyNetwork {
  const endpointIds = unique(endpointIdsOf(scope, options));
  if (endpointIds.length === 0) {
    invalidProp(scope, 'endpoints',
      `is empty and so are vpcEndpoints and vpcEndpointIds: the policy would let ${subject} connect through no VPC endpoint`,
      'pass at least one iot.data endpoint in endpoints, vpcEndpoints or vpcEndpointIds');
  }
  const vpcIds = unique([
    ...(options.sourceVpcs ?? []).map((vpc) => checkId(scope, 'sourceVpcs', vpc.vpcId, 'vpc')),
    ...(options.sourceVpcIds ?? []).map((vpcId) => checkId(scope, 'sourceVpcIds', vpcId, 'vpc')),
  ]);
  const cidrs = unique((options.sourceIpCidrs ?? []).map((cidr) => checkCidr(scope, cidr)));
  const conditions: PolicyConditions = {
    StringEquals: {
      'aws:SourceVpce': endpointIds,
      ...(vpcIds.length > 0 ? { 'aws:SourceVpc': vpcIds } : {}),
    },
    ...(cidrs.length > 0 ? { IpAddress: { 'aws:VpcSourceIp': cidrs } } : {}),
  };
  return { endpointIds, vpcIds, cidrs, conditions };
}

/**
 * Adds the synthesis-time checks of the network options to `scope`: every endpoint of `endpoints` is in one of the
 * source VPCs, and `sourceIpCidrs` cover the subnets of the load balancers that front the policy's endpoints.
 */
export function addPolicyNetworkChecks(scope: IConstruct, options: IotPolicyNetworkOptions, network: PolicyNetwork): void {
  scope.node.addValidation({ validate: () => checkEndpointVpcs(scope, options, network.vpcIds) });
  const covered: IConstruct[] = [...(options.endpoints ?? []).flatMap((e) => e.dataEndpoints), ...(options.vpcEndpoints ?? [])];
  scope.node.addValidation({ validate: () => checkFrontDoorSources(scope, covered, network.cidrs) });
}

/** The values without repeats, in their first order. */
export function unique(values: string[]): string[] {
  return Array.from(new Set(values));
}

/** The VPC endpoint ids of `endpoints`, `vpcEndpoints` and `vpcEndpointIds`, in that order, validated. */
function endpointIdsOf(scope: IConstruct, options: IotPolicyNetworkOptions): string[] {
  const endpointIds: string[] = [];
  for (const endpoint of options.endpoints ?? []) {
    if (endpoint.dataServiceName !== undefined) {
      invalidProp(scope, 'endpoints', `includes '${endpoint.node.path}', a consumer endpoint of a provider's endpoint service, whose id AWS IoT Core never `
        + 'sees (consumer traffic enters AWS IoT Core through the provider\'s gatekeeper endpoints)',
      'name the gatekeeper PrivateIotDataEndpoint of the IoT account (the one behind CrossAccountIotEndpointService) instead');
    }
    for (const dataEndpoint of endpoint.dataEndpoints) {
      endpointIds.push(checkId(scope, 'endpoints', dataEndpoint.vpcEndpointId, 'vpce'));
    }
  }
  for (const endpoint of options.vpcEndpoints ?? []) {
    endpointIds.push(checkId(scope, 'vpcEndpoints', endpoint.vpcEndpointId, 'vpce'));
  }
  for (const endpointId of options.vpcEndpointIds ?? []) {
    endpointIds.push(checkId(scope, 'vpcEndpointIds', endpointId, 'vpce'));
  }
  return endpointIds;
}

/** Throws unless a literal id is `<prefix>-` followed by 8 or 17 lowercase hex digits; returns the id. */
function checkId(scope: IConstruct, prop: string, id: string, prefix: 'vpce' | 'vpc'): string {
  if (Token.isUnresolved(id)) {
    return id;
  }
  if (!new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`).test(id)) {
    const what = prefix === 'vpce' ? 'a VPC endpoint id' : 'a VPC id';
    const example = prefix === 'vpce' ? 'vpce-0123456789abcdef0' : 'vpc-0123456789abcdef0';
    invalidProp(scope, prop, `contains '${id}', which is not ${what} (${prefix}- followed by 8 or 17 lowercase hex digits)`,
      `use the id exactly as EC2 reports it, e.g. ${example}`);
  }
  return id;
}

function checkCidr(scope: IConstruct, cidr: string): string {
  if (Token.isUnresolved(cidr)) {
    return cidr;
  }
  if (!isCidrBlock(cidr)) {
    invalidProp(scope, 'sourceIpCidrs', `contains '${cidr}', which is not an IPv4 or IPv6 CIDR block`,
      'use an address and a prefix length, e.g. 10.0.0.0/16 or 2001:db8::/56');
  }
  return cidr;
}

/** Errors for endpoints of `endpoints` whose (literal) VPC is not among the (all literal) `aws:SourceVpc` values. */
function checkEndpointVpcs(scope: IConstruct, options: IotPolicyNetworkOptions, vpcIds: string[]): string[] {
  if (vpcIds.length === 0 || vpcIds.some((id) => Token.isUnresolved(id))) {
    return [];
  }
  return (options.endpoints ?? [])
    .filter((endpoint) => !Token.isUnresolved(endpoint.vpc.vpcId) && !vpcIds.includes(endpoint.vpc.vpcId))
    .map((outside) => new CdkPrivateIotError(scope, 'endpoints', `endpoints contains ${outside.node.path}, whose VPC ${outside.vpc.vpcId} is not in `
      + `sourceVpcs/sourceVpcIds (${vpcIds.join(', ')}), so no device could use it; add ${outside.vpc.vpcId} to sourceVpcIds or drop the aws:SourceVpc `
      + 'condition').message);
}

/**
 * Messages for load balancers in front of `endpoints` whose subnets `sourceIpCidrs` do not cover: AWS IoT Core sees
 * the load balancer's private address as `aws:VpcSourceIp` (client IP preservation is off towards interface endpoint
 * ENIs). Unknown subnet CIDRs get a warning; tokens in `cidrs` skip the check (with the same warning).
 */
function checkFrontDoorSources(policy: IConstruct, endpoints: IConstruct[], cidrs: string[]): string[] {
  if (cidrs.length === 0) {
    return [];
  }
  const records = [...new Set(endpoints.flatMap((e) => frontDoorsOf(e)))].filter((r) => !r.pendingLookup);
  const messages: string[] = [];
  const unchecked: string[] = [];
  for (const record of records) {
    const subnetCidrs = subnetCidrsOf(record);
    if (subnetCidrs === undefined || cidrs.some((c) => Token.isUnresolved(c))) {
      unchecked.push(describeOwner(record));
      continue;
    }
    const ipv4 = cidrs.filter(isIpv4CidrBlock);
    const uncovered = subnetCidrs.filter((subnet) => !coveredBy(subnet, ipv4));
    if (uncovered.length > 0) {
      const problem = `[${cidrs.join(', ')}] do not cover ${uncovered.join(', ')}, load balancer subnets of ${describeOwner(record)} `
        + `(subnets ${subnetCidrs.join(', ')}), which fronts endpoints of this policy: behind the load balancer AWS IoT Core sees its private `
        + 'address as aws:VpcSourceIp, not the device\'s, so every device that connects through it would be denied';
      const fix = `add ${uncovered.join(', ')} to sourceIpCidrs (next to the CIDRs of devices that reach the endpoints directly), or drop sourceIpCidrs`;
      messages.push(new CdkPrivateIotError(policy, 'sourceIpCidrs', `sourceIpCidrs ${problem}; ${fix}`).message);
    }
  }
  if (unchecked.length > 0) {
    Annotations.of(policy).addWarningV2('cdk-private-iot:frontDoorSourceIpUnchecked',
      `sourceIpCidrs could not be checked against the load balancer subnets of ${unchecked.join(', ')} (a subnet CIDR or a sourceIpCidrs entry is `
      + 'unknown at synthesis): AWS IoT Core sees the load balancer\'s private address as aws:VpcSourceIp, so sourceIpCidrs must include the CIDRs '
      + 'of its subnets, or devices connecting through it are denied.');
  }
  return messages;
}

/** The IPv4 CIDRs of a load balancer's subnets, or undefined when one is unknown at synthesis. */
function subnetCidrsOf(record: FrontDoorRecord): string[] | undefined {
  const cidrs: string[] = [];
  for (const subnet of record.subnets) {
    let cidr: string;
    try {
      cidr = subnet.ipv4CidrBlock;
    } catch {
      return undefined; // an imported subnet without a CIDR: aws-cdk-lib throws on reading it
    }
    if (cidr === undefined || Token.isUnresolved(cidr) || !isIpv4CidrBlock(cidr)) {
      return undefined;
    }
    cidrs.push(cidr);
  }
  return cidrs;
}

/** Whether the IPv4 CIDRs of `cidrs`, together, contain every address of `subnet`. */
function coveredBy(subnet: string, cidrs: string[]): boolean {
  const target = ipv4Range(subnet);
  let next = target.first;
  for (const range of cidrs.map(ipv4Range).sort((a, b) => a.first - b.first)) {
    if (range.first > next) {
      break;
    }
    next = Math.max(next, range.last + 1);
    if (next > target.last) {
      return true;
    }
  }
  return next > target.last;
}
