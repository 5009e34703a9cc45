import * as net from 'net';
import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalidProp } from './errors';
import { IOT_ENDPOINT_PORTS } from './limits';

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

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;

/** An IAM role ARN; group 1 is the account id. */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

/** A PrivateLink endpoint service name, e.g. `com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0`. */
export const ENDPOINT_SERVICE_NAME = /^(cn\.)?com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[0-9a-f]{17}$/;

/** The account's ATS data endpoint, e.g. `a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com`. */
export const ATS_DATA_HOST = /^[a-z0-9]+-ats\.iot\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** The account's credential provider endpoint, e.g. `c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com`. */
export const CREDENTIALS_HOST = /^[a-z0-9]+\.credentials\.iot\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** An IPv4 or IPv6 CIDR block: a valid address and a prefix length the address family allows (10.0.0.0/16, 2001:db8::/56). */
export function isCidrBlock(cidr: string): boolean {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  const family = match ? net.isIP(match[1]) : 0;
  return family !== 0 && Number(match![2]) <= (family === 4 ? 32 : 128);
}

/**
 * The address of a DNS server written as `ip`, `ip:port` or `[ipv6]:port` (the probe's format), or undefined when
 * the text is none of these or the port is outside 1-65535.
 */
export function dnsServerAddress(server: string): { ip: string; family: 4 | 6 } | undefined {
  const m = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(server) ?? /^([0-9.]+)(?::(\d+))?$/.exec(server) ?? /^([0-9a-fA-F:]+)()$/.exec(server);
  const family = m ? net.isIP(m[1]) : 0;
  const port = m?.[2] ? Number(m[2]) : 53;
  return m && family !== 0 && port >= 1 && port <= 65535 ? { ip: m[1], family: family as 4 | 6 } : undefined;
}

/**
 * Checks IPv4 CIDR props that end up in VPCs, routes, network ACLs and security group rules (aws-cdk-lib accepts
 * `999.0.0.0/8` there, which fails only at deployment). Tokens pass unchecked.
 */
export function checkIpv4Cidrs(scope: IConstruct, prop: string, cidrs: string[], example = '10.20.0.0/16'): void {
  for (const cidr of cidrs) {
    if (!Token.isUnresolved(cidr) && !(isCidrBlock(cidr) && net.isIPv4(cidr.split('/')[0]))) {
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
