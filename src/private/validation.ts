import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalidProp } from './errors';
import { ACCOUNT_ID, isIpv4CidrBlock } from './formats';
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
