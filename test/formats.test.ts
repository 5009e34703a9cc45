/**
 * Table tests of src/private/formats.ts: every pattern is tried with valid values and with the same values plus junk
 * before and after (an anchor deleted from a pattern makes one of those pass), and every numeric bound on both sides.
 * Expected values are literals written by hand, never computed by the code under test.
 */
import {
  ACCOUNT_ID, ATS_DATA_HOST, CREDENTIALS_HOST, DIRECT_CONNECT_GATEWAY_ID, ENDPOINT_SERVICE_NAME, REGION, ROLE_ARN, TRANSIT_GATEWAY_ID,
  dnsServerAddress, dnsServerEndpoint, ipAndPort, ipv4CidrContains, ipv4CidrsOverlap, ipv4Range, ipv4ToNumber, isCidrBlock, isIpv4CidrBlock,
} from '../src/private/formats';
import * as validation from '../src/private/validation';

/**
 * `valid` with junk before and after, made of characters no pattern allows there (`~`, space, newline, `:`), plus a
 * domain in front: each string passes a pattern whose `^` or `$` is deleted. (Junk such as `x` or `.evil.example` can
 * make another valid value: `xa1b2-ats.iot...` is a host, `role/Name.evil.example` a role name; hosts list their own
 * suffix cases among the invalid values.)
 */
function withJunk(valid: string): string[] {
  return [`~${valid}`, `${valid}~`, ` ${valid}`, `${valid} `, `\n${valid}`, `${valid}\n`, `:${valid}`, `${valid}:`, `evil.example.${valid}`];
}

describe.each([
  {
    name: 'ATS_DATA_HOST',
    pattern: ATS_DATA_HOST,
    valid: [
      'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
      'a1b2c3d4e5f6g7-ats.iot.us-gov-west-1.amazonaws.com',
      'a1b2c3d4e5f6g7-ats.iot.cn-north-1.amazonaws.com.cn',
      'a1b2c3d4e5f6g7-ats.iot.cn-northwest-1.amazonaws.com.cn',
    ],
    invalid: [
      // what `iot:DescribeEndpoint` returns without endpointType (the legacy, non-ATS host)
      'a1b2c3d4e5f6g7.iot.eu-west-1.amazonaws.com',
      // the whole region's IoT domain: a zone of that name shadows every other IoT host
      'iot.eu-west-1.amazonaws.com',
      '-ats.iot.eu-west-1.amazonaws.com',
      'a1b2c3d4e5f6g7-ats.iot..amazonaws.com',
      // a host of someone else's domain would become the zone's name
      'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com.evil.example',
      'x-ats.iot.eu-west-1.amazonaws.com.evil.example',
      'a1b2c3d4e5f6g7-ats.iot.cn-north-1.amazonaws.com.cn.evil.example',
      'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com.cnx',
      'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com.uk',
      'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com.',
      'a1b2c3d4e5f6g7-ats.credentials.iot.eu-west-1.amazonaws.com',
      'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonawsxcom',
      'A1B2C3D4E5F6G7-ATS.IOT.EU-WEST-1.AMAZONAWS.COM',
      'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com',
      '',
    ],
  },
  {
    name: 'CREDENTIALS_HOST',
    pattern: CREDENTIALS_HOST,
    valid: [
      'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com',
      'c1b2c3d4e5f6g7.credentials.iot.ap-southeast-5.amazonaws.com',
      'c1b2c3d4e5f6g7.credentials.iot.cn-north-1.amazonaws.com.cn',
    ],
    invalid: [
      'credentials.iot.eu-west-1.amazonaws.com',
      '.credentials.iot.eu-west-1.amazonaws.com',
      'iot.eu-west-1.amazonaws.com',
      'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com.evil.example',
      'c1b2c3d4e5f6g7.credentials.iot.cn-north-1.amazonaws.com.cn.evil.example',
      'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com.cnx',
      'c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com.',
      'c1b2c3d4e5f6g7xcredentials.iot.eu-west-1.amazonaws.com',
      'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
      'c1.b2.credentials.iot.eu-west-1.amazonaws.com',
      '',
    ],
  },
  {
    name: 'ENDPOINT_SERVICE_NAME',
    pattern: ENDPOINT_SERVICE_NAME,
    valid: [
      'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
      'cn.com.amazonaws.vpce.cn-north-1.vpce-svc-0123456789abcdef0',
      'com.amazonaws.vpce.us-gov-west-1.vpce-svc-0123456789abcdef0',
    ],
    invalid: [
      // 16 and 18 hex digits
      'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef',
      'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef01',
      'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789ABCDEF0',
      'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdefg',
      // an AWS service, not a PrivateLink endpoint service
      'com.amazonaws.eu-west-1.iot.data',
      'com.amazonaws.vpce..vpce-svc-0123456789abcdef0',
      'us.com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
      'vpce-svc-0123456789abcdef0',
      '',
    ],
  },
  {
    name: 'ROLE_ARN',
    pattern: ROLE_ARN,
    valid: [
      'arn:aws:iam::111111111111:role/DeviceRole',
      'arn:aws-cn:iam::111111111111:role/DeviceRole',
      'arn:aws-us-gov:iam::111111111111:role/DeviceRole',
      'arn:aws:iam::111111111111:role/service-role/my.role+name=x,y@z_1',
    ],
    invalid: [
      'arn:aws:iam::11111111111:role/DeviceRole',
      'arn:aws:iam::1111111111111:role/DeviceRole',
      'arn:aws:iam::111111111111:role/',
      'arn:aws:iam::111111111111:user/DeviceRole',
      'arn:aws:iam:eu-west-1:111111111111:role/DeviceRole',
      'arn:aws:sts::111111111111:role/DeviceRole',
      'arn:aws:iam::111111111111:role/Device Role',
      'arn:azure:iam::111111111111:role/DeviceRole',
      'arn:AWS:iam::111111111111:role/DeviceRole',
      '',
    ],
  },
  {
    name: 'ACCOUNT_ID',
    pattern: ACCOUNT_ID,
    valid: ['111111111111', '000000000000', '123456789012'],
    invalid: ['11111111111', '1111111111111', '11111111111a', '', '１１１１１１１１１１１１'],
  },
  {
    name: 'REGION',
    pattern: REGION,
    valid: ['eu-west-1', 'us-east-1', 'ap-southeast-5', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-central-10'],
    invalid: [
      'eu-west1', 'eu-west-', 'euwest-1', 'e-west-1', 'eur-west-1', 'EU-WEST-1', 'eu--1', 'eu-west-1a', 'us-gov-west1',
      'us-isoab-east-1', 'us-foo-west-1-1', 'test-region', '',
    ],
  },
  {
    name: 'TRANSIT_GATEWAY_ID',
    pattern: TRANSIT_GATEWAY_ID,
    valid: ['tgw-01234567', 'tgw-0123456789abcdef0'],
    invalid: [
      'tgw-0123456', 'tgw-012345678', 'tgw-0123456789abcdef', 'tgw-0123456789abcdef01', 'tgw-0123456789ABCDEF0', 'tgw-0123456789abcdefg',
      'tgw-', 'tgwa-01234567', 'vpc-0123456789abcdef0', 'tgw-attach-0123456789abcdef0', '',
    ],
  },
  {
    name: 'DIRECT_CONNECT_GATEWAY_ID',
    pattern: DIRECT_CONNECT_GATEWAY_ID,
    valid: ['5f294f92-bafb-4011-916d-9b0b12345678', '00000000-0000-0000-0000-000000000000', 'abcdef01-2345-6789-abcd-ef0123456789'],
    invalid: [
      // the AWS docs' placeholder: 11 characters in the last group
      '5f294f92-bafb-4011-916d-9b0bexample',
      '5f294f92-bafb-4011-916d-9b0bzzzzzzzz',
      '5f294f9-bafb-4011-916d-9b0b12345678', '5f294f921-bafb-4011-916d-9b0b12345678', '5f294f92-baf-4011-916d-9b0b12345678',
      '5f294f92-bafbb-4011-916d-9b0b12345678', '5f294f92-bafb-401-916d-9b0b12345678', '5f294f92-bafb-40111-916d-9b0b12345678',
      '5f294f92-bafb-4011-916-9b0b12345678', '5f294f92-bafb-4011-916dd-9b0b12345678', '5f294f92-bafb-4011-916d-9b0b1234567',
      '5f294f92-bafb-4011-916d-9b0b123456789', 'gf294f92-bafb-4011-916d-9b0b12345678', '5f294f92-bafb-4011-916d-9b0b1234567g',
      '5F294F92-BAFB-4011-916D-9B0B12345678', '5f294f92bafb4011916d9b0b12345678', '',
    ],
  },
])('$name', ({ pattern, valid, invalid }) => {
  test.each(valid)('accepts %j', (value) => {
    expect(pattern.test(value)).toBe(true);
  });

  test.each(invalid)('rejects %j', (value) => {
    expect(pattern.test(value)).toBe(false);
  });

  test.each(valid.flatMap(withJunk))('rejects %j (junk before or after a valid value)', (value) => {
    expect(pattern.test(value)).toBe(false);
  });

  test('is not global or sticky (test() keeps no state between calls)', () => {
    expect(pattern.global || pattern.sticky).toBe(false);
    expect([pattern.test(valid[0]), pattern.test(valid[0])]).toEqual([true, true]);
  });
});

describe('ROLE_ARN group 1', () => {
  test.each([
    ['arn:aws:iam::111111111111:role/DeviceRole', '111111111111'],
    ['arn:aws-cn:iam::222222222222:role/path/DeviceRole', '222222222222'],
    ['arn:aws-us-gov:iam::333333333333:role/DeviceRole', '333333333333'],
  ])('%s -> account %s', (arn, account) => {
    expect(ROLE_ARN.exec(arn)?.[1]).toBe(account);
  });
});

describe('isCidrBlock / isIpv4CidrBlock', () => {
  test.each([
    // [cidr, isCidrBlock, isIpv4CidrBlock]
    ['10.0.0.0/16', true, true],
    ['10.0.0.0/8', true, true],
    ['0.0.0.0/0', true, true],
    ['192.168.1.1/32', true, true],
    ['10.0.0.0/33', false, false],
    ['10.0.0.0/99', false, false],
    ['2001:db8::/56', true, false],
    ['::/0', true, false],
    ['2001:db8::1/128', true, false],
    ['2001:db8::1/129', false, false],
    ['::ffff:10.0.0.0/104', true, false],
    // junk after or before the prefix length, and missing parts
    ['10.0.0.0/8x', false, false],
    ['10.0.0.0/8 ', false, false],
    ['10.0.0.0/8\n', false, false],
    [' 10.0.0.0/8', false, false],
    ['x10.0.0.0/8', false, false],
    ['10.0.0.0/8/8', false, false],
    ['x/10.0.0.0/8', false, false],
    ['/10.0.0.0/8', false, false],
    ['10.0.0.0/', false, false],
    ['/8', false, false],
    ['10.0.0.0', false, false],
    ['10.0.0.0/-8', false, false],
    ['10.0.0.0/1e1', false, false],
    ['10.0.0.0/1234', false, false],
    ['2001:db8::/1280', false, false],
    // addresses that are not addresses
    ['999.0.0.0/8', false, false],
    ['10.0.0/8', false, false],
    ['10.0.0.0.0/8', false, false],
    ['2001:db8:::/56', false, false],
    ['fd00::g/64', false, false],
    ['host.example/8', false, false],
    ['', false, false],
  ])('%j: isCidrBlock %s, isIpv4CidrBlock %s', (cidr, any, ipv4) => {
    expect([isCidrBlock(cidr), isIpv4CidrBlock(cidr)]).toEqual([any, ipv4]);
  });
});

describe('dnsServerAddress / dnsServerEndpoint', () => {
  test.each([
    // [server, ip, family, port]
    ['10.0.0.2', '10.0.0.2', 4, 53],
    ['10.0.0.2:53', '10.0.0.2', 4, 53],
    ['10.0.0.2:5353', '10.0.0.2', 4, 5353],
    ['10.0.0.2:1', '10.0.0.2', 4, 1],
    ['10.0.0.2:65535', '10.0.0.2', 4, 65535],
    ['[fd00::2]:5353', 'fd00::2', 6, 5353],
    ['[fd00::2]:1', 'fd00::2', 6, 1],
    ['[fd00::2]:65535', 'fd00::2', 6, 65535],
    ['[fd00::2]', 'fd00::2', 6, 53],
    ['fd00::2', 'fd00::2', 6, 53],
    ['FD00::2', 'FD00::2', 6, 53],
    ['::1', '::1', 6, 53],
    // an IPv6 address whose last group looks like a port is an address, not ip:port
    ['fd00::2:5353', 'fd00::2:5353', 6, 53],
  ] as Array<[string, string, 4 | 6, number]>)('%j -> %s (IPv%d), port %d', (server, ip, family, port) => {
    expect(dnsServerAddress(server)).toStrictEqual({ ip, family });
    expect(dnsServerEndpoint(server)).toStrictEqual({ ip, family, port });
  });

  test.each([
    '10.0.0.2:0', '10.0.0.2:65536', '10.0.0.2:99999', '[fd00::2]:0', '[fd00::2]:65536',
    '10.0.0.2:', '10.0.0.2:53x', '10.0.0.2:-1', '[fd00::2]:', '[fd00::2]x', 'x[fd00::2]', '[fd00::2', 'fd00::2]',
    '10.0.0.256', '10.0.0', 'x10.0.0.2', '10.0.0.2x', ' 10.0.0.2', '10.0.0.2 ', 'fd00::2 ', 'fd00::g', 'fe80::1%eth0',
    'dns.example', 'dns.example:53', '', ':53',
  ])('%j: undefined', (server) => {
    expect(dnsServerAddress(server)).toBeUndefined();
    expect(dnsServerEndpoint(server)).toBeUndefined();
  });
});

describe('ipAndPort', () => {
  test.each([
    ['10.0.0.5', { ip: '10.0.0.5' }],
    ['10.0.0.5:8883', { ip: '10.0.0.5', port: 8883 }],
    ['10.0.0.5:1', { ip: '10.0.0.5', port: 1 }],
    ['10.0.0.5:65535', { ip: '10.0.0.5', port: 65535 }],
    ['[fd00::5]:443', { ip: 'fd00::5', port: 443 }],
    ['[fd00::5]:65535', { ip: 'fd00::5', port: 65535 }],
    ['[fd00::5]', { ip: 'fd00::5' }],
    ['fd00::5', { ip: 'fd00::5' }],
    ['fd00::5:8883', { ip: 'fd00::5:8883' }],
    ['::ffff:10.0.0.5', { ip: '::ffff:10.0.0.5' }],
  ])('%j -> %j', (text, expected) => {
    // toStrictEqual: no `port` key at all when none is given
    expect(ipAndPort(text)).toStrictEqual(expected);
  });

  test.each([
    '10.0.0.5:0', '10.0.0.5:65536', '[fd00::5]:0', '[fd00::5]:65536', '10.0.0.5:', '10.0.0.5:443x', '[fd00::5]:',
    '10.0.0.256', '10.0.0.256:443', 'x10.0.0.5', '10.0.0.5x', ' 10.0.0.5', 'fd00::5 ', 'iot.example:8883', 'iot.example', '', ':443',
  ])('%j: undefined', (text) => {
    expect(ipAndPort(text)).toBeUndefined();
  });
});

describe('IPv4 arithmetic', () => {
  test.each([
    ['0.0.0.0', 0],
    ['0.0.0.1', 1],
    ['0.0.1.0', 256],
    ['10.0.0.0', 167_772_160],
    ['192.168.1.0', 3_232_235_776],
    ['255.255.255.255', 4_294_967_295],
  ])('ipv4ToNumber(%s) = %d', (ip, n) => {
    expect(ipv4ToNumber(ip)).toBe(n);
  });

  test.each([
    ['10.0.0.0/8', 167_772_160, 184_549_375],
    // host bits set: the range of the network the address is in
    ['10.1.2.3/8', 167_772_160, 184_549_375],
    ['192.168.1.0/24', 3_232_235_776, 3_232_236_031],
    ['192.168.1.77/24', 3_232_235_776, 3_232_236_031],
    ['192.168.1.77/32', 3_232_235_853, 3_232_235_853],
    ['192.168.1.77/31', 3_232_235_852, 3_232_235_853],
    ['0.0.0.0/0', 0, 4_294_967_295],
    ['255.255.255.255/0', 0, 4_294_967_295],
    ['128.0.0.0/1', 2_147_483_648, 4_294_967_295],
  ])('ipv4Range(%s) = %d..%d', (cidr, first, last) => {
    expect(ipv4Range(cidr)).toStrictEqual({ first, last });
  });

  test.each([
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.0.0.0/8', '10.0.0.0', true],
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '10.255.255.255/32', true],
    ['10.0.0.0/8', '10.128.0.0/9', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['10.0.0.0/8', '9.255.255.255', false],
    ['10.0.0.0/8', '10.0.0.0/7', false],
    ['10.0.0.0/8', '9.0.0.0/7', false],
    ['10.0.0.0/24', '10.0.0.128/25', true],
    ['10.0.0.128/25', '10.0.0.0/24', false],
    ['10.0.0.128/25', '10.0.0.127', false],
    ['10.0.0.128/25', '10.0.0.128', true],
    ['0.0.0.0/0', '255.255.255.255', true],
  ])('ipv4CidrContains(%s, %s) = %s', (outer, inner, expected) => {
    expect(ipv4CidrContains(outer, inner)).toBe(expected);
  });

  test.each([
    // adjacent blocks share no address, in either order
    ['10.0.0.0/24', '10.0.1.0/24', false],
    ['10.0.1.0/24', '10.0.0.0/24', false],
    ['10.0.0.0/24', '10.0.0.255/32', true],
    ['10.0.0.255/32', '10.0.0.0/24', true],
    ['10.0.0.0/32', '10.0.0.0/24', true],
    ['10.0.0.0/24', '10.0.0.0/32', true],
    ['10.0.0.0/16', '10.0.128.0/17', true],
    ['10.0.128.0/17', '10.0.0.0/16', true],
    ['10.0.0.0/16', '10.1.0.0/16', false],
    ['10.1.0.0/16', '10.0.0.0/16', false],
    ['0.0.0.0/0', '192.168.0.0/16', true],
    ['10.0.0.0/8', '10.0.0.0/8', true],
  ])('ipv4CidrsOverlap(%s, %s) = %s', (a, b, expected) => {
    expect(ipv4CidrsOverlap(a, b)).toBe(expected);
  });
});

test('./validation re-exports the same patterns and checks (one definition for the constructs and the probe)', () => {
  expect(validation.ATS_DATA_HOST).toBe(ATS_DATA_HOST);
  expect(validation.CREDENTIALS_HOST).toBe(CREDENTIALS_HOST);
  expect(validation.ENDPOINT_SERVICE_NAME).toBe(ENDPOINT_SERVICE_NAME);
  expect(validation.ROLE_ARN).toBe(ROLE_ARN);
  expect(validation.ACCOUNT_ID).toBe(ACCOUNT_ID);
  expect(validation.isCidrBlock).toBe(isCidrBlock);
  expect(validation.isIpv4CidrBlock).toBe(isIpv4CidrBlock);
  expect(validation.dnsServerAddress).toBe(dnsServerAddress);
});
