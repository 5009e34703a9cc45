import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalidProp } from './errors';
import { ACCOUNT_ID, REGION, TRANSIT_GATEWAY_ID, ipv4CidrsOverlap, isIpv4CidrBlock } from './formats';
import { IOT_ENDPOINT_PORTS } from './limits';

// The patterns, CIDR and DNS server checks are dependency-free (the probe CLI and the canary Lambda use them too):
// they live in ./formats; CDK-side callers may keep importing them from here.
export { ACCOUNT_ID, ATS_DATA_HOST, CREDENTIALS_HOST, ENDPOINT_SERVICE_NAME, ROLE_ARN, dnsServerAddress, isCidrBlock, isIpv4CidrBlock } from './formats';

/**
 * The AWS IoT Core ports a construct should open or listen on: the given ones (validated, deduplicated, sorted) or
 * all three. Throws for an empty list or a port AWS IoT Core does not listen on.
 */
export function validateIotPorts(scope: IConstruct, ports: number[] | undefined): number[] {
  if (ports === undefined) {
    return [...IOT_ENDPOINT_PORTS];
  }
  if (ports.length === 0) {
    invalidProp(scope, 'ports', 'is empty', `choose from ${IOT_ENDPOINT_PORTS.join(', ')}, or omit ports for all three`);
  }
  const bad = ports.filter((p) => !IOT_ENDPOINT_PORTS.includes(p));
  if (bad.length > 0) {
    invalidProp(scope, 'ports', `contains ${bad.join(', ')}, which AWS IoT Core does not listen on`,
      `use only ${IOT_ENDPOINT_PORTS.join(', ')} (443 MQTT/HTTPS with ALPN, 8443 HTTPS, 8883 MQTT)`);
  }
  return [...new Set(ports)].sort((a, b) => a - b);
}

/**
 * An adjustable AWS quota the user may have had raised: the given value (a positive whole number) or the default.
 */
export function validateQuota(scope: IConstruct, prop: string, value: number | undefined, defaultValue: number): number {
  const quota = value ?? defaultValue;
  if (!Number.isInteger(quota) || quota < 1) {
    invalidProp(scope, prop, `${quota} is not a positive whole number`, `give your account's quota, or omit ${prop} for the default ${defaultValue}`);
  }
  return quota;
}

/**
 * Checks IPv4 CIDR props that end up in VPCs, routes, network ACLs and security group rules (aws-cdk-lib accepts
 * `999.0.0.0/8` there, which fails only at deployment). Tokens pass unchecked.
 */
export function checkIpv4Cidrs(scope: IConstruct, prop: string, cidrs: string[], example = '10.20.0.0/16'): void {
  for (const cidr of cidrs) {
    if (!Token.isUnresolved(cidr) && !isIpv4CidrBlock(cidr)) {
      invalidProp(scope, prop, `${cidrs.length === 1 ? 'is' : 'contains'} '${cidr}', which is not an IPv4 CIDR block`, `use an address and a prefix length, e.g. ${example}`);
    }
  }
}

/** Checks a 12-digit AWS account id prop. Tokens pass unchecked. */
export function checkAccountId(scope: IConstruct, prop: string, account: string): void {
  if (!Token.isUnresolved(account) && !ACCOUNT_ID.test(account)) {
    invalidProp(scope, prop, `'${account}' is not an AWS account id`, 'use the 12-digit id, e.g. 111111111111');
  }
}

/** Checks a Transit Gateway id prop (`tgw-` and 8 or 17 hex digits). Tokens pass unchecked. */
export function checkTransitGatewayId(scope: IConstruct, prop: string, id: string): void {
  if (!Token.isUnresolved(id) && !TRANSIT_GATEWAY_ID.test(id)) {
    invalidProp(scope, prop, `'${id}' is not a Transit Gateway id`, 'use the TransitGatewayId output of the network account, e.g. tgw-0123456789abcdef0');
  }
}

/**
 * Checks the region of the stack that contains `scope` (aws-cdk-lib accepts `eu-west1`, which fails only at
 * deployment, or builds endpoint service names no region offers). Env-agnostic stacks pass unchecked.
 */
export function checkStackRegion(scope: IConstruct): void {
  const region = Stack.of(scope).region;
  // 'test-region' is the placeholder integ-runner synthesizes snapshots with (no deployment happens with it).
  if (!Token.isUnresolved(region) && !REGION.test(region) && region !== 'test-region') {
    invalidProp(Stack.of(scope), 'env.region', `'${region}' is not an AWS region name`, 'use a region such as eu-west-1 or us-east-1');
  }
}

/**
 * Checks that no CIDR of `a` overlaps a CIDR of `b` (e.g. a device network inside the gatekeeper VPC, which routes
 * could never tell apart). Tokens pass unchecked.
 */
export function checkCidrsDisjoint(scope: IConstruct, propA: string, a: string[], propB: string, b: string[]): void {
  for (const x of a.filter((c) => !Token.isUnresolved(c) && isIpv4CidrBlock(c))) {
    for (const y of b.filter((c) => !Token.isUnresolved(c) && isIpv4CidrBlock(c))) {
      if (ipv4CidrsOverlap(x, y)) {
        invalidProp(scope, propA, `${x} overlaps ${propB} ${y}, so routes and network ACLs could not tell the two networks apart`,
          `give ${propA} and ${propB} address ranges that do not overlap`);
      }
    }
  }
}

/** Whether `account` is the account of the stack that contains `scope` (both known at synthesis and equal). */
export function isOwnAccount(scope: IConstruct, account: string): boolean {
  const own = Stack.of(scope).account;
  return !Token.isUnresolved(account) && !Token.isUnresolved(own) && account === own;
}

/**
 * Checks a region name prop (`eu-west-1`; aws-cdk-lib accepts `eu-west1`, which fails only at deployment).
 * Tokens pass unchecked.
 */
export function checkRegionName(scope: IConstruct, prop: string, region: string): void {
  if (!Token.isUnresolved(region) && !REGION.test(region)) {
    invalidProp(scope, prop, `contains '${region}', which is not a region name`, 'use names like eu-west-1');
  }
}

/**
 * Whether two VPCs are the same VPC: the same object, or VPC ids that resolve to the same value in the stack of
 * `scope` (two imports of one VPC id, or one token).
 */
export function sameVpc(scope: IConstruct, a: { readonly vpcId: string }, b: { readonly vpcId: string }): boolean {
  const stack = Stack.of(scope);
  return a === b || JSON.stringify(stack.resolve(a.vpcId)) === JSON.stringify(stack.resolve(b.vpcId));
}
