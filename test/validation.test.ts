/**
 * The shared CDK-side checks of src/private/validation.ts: what passes on each side of every bound, and the whole
 * message of every error (construct path, prop, bad value, fix), written out by hand.
 */
import { App, Aws, Lazy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { thrown } from './fixtures';
import { IOT_ENDPOINT_PORTS } from '../src/private/limits';
import {
  checkAccountId, checkCidrsDisjoint, checkIpv4Cidrs, checkStackRegion, checkTransitGatewayId, validateIotPorts, validateQuota,
} from '../src/private/validation';

/** A plain construct at `TestStack/Scope` (messages start `Construct 'TestStack/Scope': `). */
function scope(): Construct {
  return new Construct(new Stack(new App(), 'TestStack'), 'Scope');
}

const AT = "CdkPrivateIotError: Construct 'TestStack/Scope': ";

/** The message of the `CdkPrivateIotError` that `fn` throws, with the prop the error names. */
function errorOf(fn: () => unknown): { message: string; prop: string; name: string } {
  const e = thrown(fn);
  // every error of ours is recognisable by its message prefix (what Python, Java, .NET and Go users see)
  return { message: e.message, prop: e.prop, name: String(e.message).startsWith('CdkPrivateIotError: ') ? 'CdkPrivateIotError' : e.name };
}

/** A string token (resolves to a literal, but unresolved at construction). */
function token(value: string): string {
  return Lazy.string({ produce: () => value });
}

describe('validateIotPorts', () => {
  test('undefined: all three ports, as a copy (changing it changes nothing shared)', () => {
    const ports = validateIotPorts(scope(), undefined);
    expect(ports).toEqual([443, 8443, 8883]);
    ports.push(22);
    expect(IOT_ENDPOINT_PORTS).toEqual([443, 8443, 8883]);
    expect(validateIotPorts(scope(), undefined)).toEqual([443, 8443, 8883]);
  });

  test.each([
    [[8883], [8883]],
    [[8883, 443], [443, 8883]],
    [[8883, 8443, 443, 8883, 443], [443, 8443, 8883]],
    [[443, 8443, 8883], [443, 8443, 8883]],
  ])('%j -> %j (deduplicated, ascending)', (given, expected) => {
    expect(validateIotPorts(scope(), given)).toEqual(expected);
  });

  test('[]: an error naming ports and the fix', () => {
    expect(errorOf(() => validateIotPorts(scope(), []))).toEqual({
      name: 'CdkPrivateIotError',
      prop: 'ports',
      message: `${AT}ports is empty; choose from 443, 8443, 8883, or omit ports for all three`,
    });
  });

  test('ports AWS IoT Core does not listen on: an error listing each of them (and not the good ones)', () => {
    expect(errorOf(() => validateIotPorts(scope(), [80, 443, 8884]))).toEqual({
      name: 'CdkPrivateIotError',
      prop: 'ports',
      message: `${AT}ports contains 80, 8884, which AWS IoT Core does not listen on; use only 443, 8443, 8883 (443 MQTT/HTTPS with ALPN, 8443 HTTPS, 8883 MQTT)`,
    });
  });

  test.each([0, 1883, 442, 444, 8882, 8884])('[%d] alone is rejected', (port) => {
    expect(() => validateIotPorts(scope(), [port])).toThrow(`ports contains ${port}, `);
  });
});

describe('validateQuota', () => {
  test.each([
    [undefined, 50],
    [1, 1],
    [2, 2],
    [50, 50],
    [1_000, 1_000],
  ])('%s -> %d (default 50)', (value, expected) => {
    expect(validateQuota(scope(), 'maxEndpointsPerVpc', value, 50)).toBe(expected);
  });

  test.each([0, -1, 0.5, 1.5, 50.5, NaN, Infinity])('%d: an error naming the prop, the value and the default', (value) => {
    expect(errorOf(() => validateQuota(scope(), 'maxEndpointsPerVpc', value, 50))).toEqual({
      name: 'CdkPrivateIotError',
      prop: 'maxEndpointsPerVpc',
      message: `${AT}maxEndpointsPerVpc ${value} is not a positive whole number; give your account's quota, or omit maxEndpointsPerVpc for the default 50`,
    });
  });

  test('a bad default is caught too (a programming error shows up in the first test that omits the prop)', () => {
    expect(() => validateQuota(scope(), 'quota', undefined, 0)).toThrow('quota 0 is not a positive whole number');
  });
});

describe('checkIpv4Cidrs', () => {
  test.each([
    [['10.0.0.0/16']],
    [['10.0.0.0/8', '192.168.1.0/24', '0.0.0.0/0', '172.16.0.1/32']],
    [[]],
    [[token('not-a-cidr')]],
    [[Aws.ACCOUNT_ID]],
  ])('%j passes', (cidrs) => {
    expect(() => checkIpv4Cidrs(scope(), 'onPremisesCidrs', cidrs)).not.toThrow();
  });

  test.each([
    ['10.0.0.0/8x'], ['10.0.0.0/33'], ['999.0.0.0/8'], ['10.0.0.0'], ['2001:db8::/56'], [''],
  ])('[%j]: "is", the value and the default example', (cidr) => {
    expect(errorOf(() => checkIpv4Cidrs(scope(), 'onPremisesCidrs', [cidr]))).toEqual({
      name: 'CdkPrivateIotError',
      prop: 'onPremisesCidrs',
      message: `${AT}onPremisesCidrs is '${cidr}', which is not an IPv4 CIDR block; use an address and a prefix length, e.g. 10.20.0.0/16`,
    });
  });

  test('several CIDRs: "contains" and the first bad one, with the caller\'s example', () => {
    expect(errorOf(() => checkIpv4Cidrs(scope(), 'allowedPrefixes', ['10.0.0.0/16', '10.1.0.0/33', 'x'], '192.168.0.0/24')).message)
      .toBe(`${AT}allowedPrefixes contains '10.1.0.0/33', which is not an IPv4 CIDR block; use an address and a prefix length, e.g. 192.168.0.0/24`);
  });

  test('a token next to a bad literal does not hide it', () => {
    expect(() => checkIpv4Cidrs(scope(), 'cidrs', [token('10.0.0.0/8'), '10.0.0.0/40'])).toThrow("cidrs contains '10.0.0.0/40'");
  });
});

describe('checkAccountId', () => {
  test.each(['111111111111', '000000000000', Aws.ACCOUNT_ID, token('x')])('%s passes', (account) => {
    expect(() => checkAccountId(scope(), 'iotAccount', account)).not.toThrow();
  });

  test.each(['11111111111', '1111111111111', '11111111111a', '', ' 111111111111'])('%j: an error naming the prop, the value and the fix', (account) => {
    expect(errorOf(() => checkAccountId(scope(), 'iotAccount', account))).toEqual({
      name: 'CdkPrivateIotError',
      prop: 'iotAccount',
      message: `${AT}iotAccount '${account}' is not an AWS account id; use the 12-digit id, e.g. 111111111111`,
    });
  });
});

describe('checkTransitGatewayId', () => {
  test.each(['tgw-01234567', 'tgw-0123456789abcdef0', token('tgw-x')])('%s passes', (id) => {
    expect(() => checkTransitGatewayId(scope(), 'transitGatewayId', id)).not.toThrow();
  });

  test.each(['tgw-0123456', 'tgw-012345678', 'tgw-0123456789abcdef', 'tgw-0123456789abcdef01', 'tgw-0123456789ABCDEF0', 'tgw-attach-01234567', ''])(
    '%j: an error naming the prop, the value and the fix', (id) => {
      expect(errorOf(() => checkTransitGatewayId(scope(), 'transitGatewayId', id))).toEqual({
        name: 'CdkPrivateIotError',
        prop: 'transitGatewayId',
        message: `${AT}transitGatewayId '${id}' is not a Transit Gateway id; use the TransitGatewayId output of the network account, e.g. tgw-0123456789abcdef0`,
      });
    });
});

describe('checkStackRegion', () => {
  function inRegion(region?: string): Construct {
    const stack = new Stack(new App(), 'RegionStack', region === undefined ? {} : { env: { account: '111111111111', region } });
    return new Construct(stack, 'Scope');
  }

  test.each(['eu-west-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-5', 'us-iso-east-1', 'test-region'])('%s passes', (region) => {
    expect(() => checkStackRegion(inRegion(region))).not.toThrow();
  });

  test('an env-agnostic stack (region is a token) passes', () => {
    expect(() => checkStackRegion(inRegion())).not.toThrow();
  });

  test.each(['eu-west1', 'eu-west-1a', 'EU-WEST-1', 'europe', 'test-region-1'])('%s: an error on the stack naming env.region, the value and the fix', (region) => {
    expect(errorOf(() => checkStackRegion(inRegion(region)))).toEqual({
      name: 'CdkPrivateIotError',
      prop: 'env.region',
      message: `CdkPrivateIotError: Stack 'RegionStack': env.region '${region}' is not an AWS region name; use a region such as eu-west-1 or us-east-1`,
    });
  });
});

describe('checkCidrsDisjoint', () => {
  test.each([
    // adjacent blocks share no address
    [['10.0.0.0/24'], ['10.0.1.0/24']],
    [['10.0.1.0/24'], ['10.0.0.0/24']],
    [['10.0.0.0/16', '192.168.0.0/16'], ['10.1.0.0/16', '172.16.0.0/12']],
    [[], ['10.0.0.0/8']],
    [['10.0.0.0/8'], []],
    // tokens and values that are not IPv4 CIDR blocks are left to the other checks
    [[token('10.0.0.0/8')], ['10.0.0.0/8']],
    [['10.0.0.0/8'], [token('10.0.0.0/8')]],
    [['10.0.0.0/8x'], ['10.0.0.0/8']],
    [['fd00::/8'], ['10.0.0.0/8']],
    // not CIDR blocks, though IPv4 arithmetic on them would find an overlap
    [[' 10.0.0.0/8'], ['10.0.0.0/8']],
    [['10.0.0.0/8'], ['10.0.0.1/33']],
  ])('%j and %j pass', (a, b) => {
    expect(() => checkCidrsDisjoint(scope(), 'deviceCidrs', a, 'vpcCidr', b)).not.toThrow();
  });

  test.each([
    [['10.0.0.0/16'], ['10.0.128.0/17'], '10.0.0.0/16', '10.0.128.0/17'],
    [['10.0.128.0/17'], ['10.0.0.0/16'], '10.0.128.0/17', '10.0.0.0/16'],
    [['10.0.0.0/24'], ['10.0.0.255/32'], '10.0.0.0/24', '10.0.0.255/32'],
    [['10.0.0.0/8'], ['10.0.0.0/8'], '10.0.0.0/8', '10.0.0.0/8'],
    // the first overlapping pair is named
    [['192.168.0.0/16', '10.0.0.0/16'], ['172.16.0.0/12', '10.0.5.0/24'], '10.0.0.0/16', '10.0.5.0/24'],
  ])('%j and %j: an error naming both props and both values', (a, b, x, y) => {
    expect(errorOf(() => checkCidrsDisjoint(scope(), 'deviceCidrs', a, 'vpcCidr', b))).toEqual({
      name: 'CdkPrivateIotError',
      prop: 'deviceCidrs',
      message: `${AT}deviceCidrs ${x} overlaps vpcCidr ${y}, so routes and network ACLs could not tell the two networks apart; `
        + 'give deviceCidrs and vpcCidr address ranges that do not overlap',
    });
  });
});
