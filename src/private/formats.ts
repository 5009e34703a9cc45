/**
 * Formats shared by the constructs and the connectivity probe: patterns of AWS identifiers and hostnames, CIDR blocks
 * and DNS server addresses.
 *
 * DEPENDENCY-FREE: this module may import only `node:` builtins. The probe (src/probe/probe.ts), its CLI (the package's
 * `bin`, which must run where only this package is installed, without aws-cdk-lib) and the canary Lambda (bundled by
 * esbuild into assets/) import it; one import of aws-cdk-lib or constructs here would pull all of aws-cdk-lib into the
 * canary bundle and break the CLI on a jump host. test/package-size.test.ts checks this. CDK-side checks that need
 * tokens or scopes live in ./validation (which re-exports everything here).
 */
import * as net from 'node:net';

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

/** An IPv4 CIDR block (10.0.0.0/16). */
export function isIpv4CidrBlock(cidr: string): boolean {
  return isCidrBlock(cidr) && net.isIPv4(cidr.split('/')[0]);
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
 * Like `dnsServerAddress`, with the port: the one given (`ip:port`, `[ipv6]:port`) or 53.
 */
export function dnsServerEndpoint(server: string): { ip: string; family: 4 | 6; port: number } | undefined {
  const address = dnsServerAddress(server);
  if (!address) {
    return undefined;
  }
  const port = /^(?:\[[^\]]+\]|[0-9.]+):(\d+)$/.exec(server)?.[1];
  return { ...address, port: port ? Number(port) : 53 };
}

/**
 * An address written as `ip`, `ip:port` or `[ipv6]:port` (the probe CLI's `--connect`), or undefined when the text is
 * none of these or the port is outside 1-65535. `port` is undefined when none is given.
 */
export function ipAndPort(text: string): { ip: string; port?: number } | undefined {
  const m = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(text) ?? /^([0-9.]+)(?::(\d+))?$/.exec(text) ?? /^([0-9a-fA-F:.]+)()$/.exec(text);
  if (!m || net.isIP(m[1]) === 0) return undefined;
  if (!m[2]) return { ip: m[1] };
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { ip: m[1], port } : undefined;
}

/** An AWS region name, e.g. `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`. */
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

/** A Transit Gateway id, e.g. `tgw-0123456789abcdef0`. */
export const TRANSIT_GATEWAY_ID = /^tgw-[0-9a-f]{8}([0-9a-f]{9})?$/;

/**
 * A Direct Connect gateway id (a lower-case UUID), e.g. `5f294f92-bafb-4011-916d-9b0b12345678`. (The AWS docs' placeholder
 * `5f294f92-bafb-4011-916d-9b0bexample` is not one: its last group has 11 characters, not 12 hex digits.)
 */
export const DIRECT_CONNECT_GATEWAY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The IPv4 address as a 32-bit unsigned number. */
export function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** The first and last address of an IPv4 CIDR block, as numbers. */
export function ipv4Range(cidr: string): { first: number; last: number } {
  const [ip, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(ipv4ToNumber(ip) / size) * size;
  return { first, last: first + size - 1 };
}

/** Whether IPv4 CIDR `outer` contains all of IPv4 CIDR (or address) `inner`. */
export function ipv4CidrContains(outer: string, inner: string): boolean {
  const o = ipv4Range(outer);
  const i = ipv4Range(inner.includes('/') ? inner : `${inner}/32`);
  return o.first <= i.first && i.last <= o.last;
}

/** Whether two IPv4 CIDR blocks share at least one address. */
export function ipv4CidrsOverlap(a: string, b: string): boolean {
  const x = ipv4Range(a);
  const y = ipv4Range(b);
  return x.first <= y.last && y.first <= x.last;
}
