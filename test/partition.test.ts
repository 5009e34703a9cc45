import { RegionInfo } from 'aws-cdk-lib/region-info';
import { loadedCdkModules } from './loaded-modules';
import { regionFacts } from '../src/private/partition';

describe('regionFacts', () => {
  test('agrees with aws-cdk-lib\'s region-info on every region it knows', () => {
    const regions = RegionInfo.regions;
    expect(regions.length).toBeGreaterThan(40);
    for (const region of regions) {
      expect({ region: region.name, ...regionFacts(region.name) })
        .toEqual({ region: region.name, partition: region.partition, vpcEndpointServiceNamePrefix: region.vpcEndpointServiceNamePrefix });
    }
  });

  test.each([
    ['eu-central-3', 'aws', 'com.amazonaws.vpce'],
    ['mx-central-1', 'aws', 'com.amazonaws.vpce'],
    ['ap-southeast-7', 'aws', 'com.amazonaws.vpce'],
    ['us-gov-west-1', 'aws-us-gov', 'com.amazonaws.vpce'],
    ['cn-northwest-1', 'aws-cn', 'cn.com.amazonaws.vpce'],
  ])('a region named like the commercial, GovCloud or China ones (%s) is in their partition, new or not', (region, partition, prefix) => {
    expect(regionFacts(region)).toEqual({ partition, vpcEndpointServiceNamePrefix: prefix });
  });

  test.each([
    ['us-iso-east-1', 'aws-iso', 'gov.ic.c2s.vpce'],
    ['eusc-de-east-1', 'aws-eusc', 'eu.amazonaws.vpce'],
  ])('other partitions\' regions (%s) come from region-info', (region, partition, prefix) => {
    expect(regionFacts(region)).toEqual({ partition, vpcEndpointServiceNamePrefix: prefix });
  });

  test('a region nobody knows has no facts (callers skip their checks)', () => {
    expect(regionFacts('xx-unknown-west-9')).toEqual({ partition: undefined, vpcEndpointServiceNamePrefix: undefined });
    expect(regionFacts('eu-isoe-nowhere-1')).toEqual({ partition: undefined, vpcEndpointServiceNamePrefix: undefined });
  });
});

describe('what a synthesis loads', () => {
  const regionInfoLoaded = (modules: string[]) => modules.filter((m) => m.startsWith('region-info/lib/'));

  test('an endpoint service, and a consumer endpoint of another account\'s service, do not load region-info in a commercial region', () => {
    const loaded = loadedCdkModules([
      'const app = new App({ outdir });',
      'const env = { account: \'111111111111\', region: \'eu-west-1\' };',
      'const provider = new Stack(app, \'Provider\', { env });',
      'const endpoint = new lib.PrivateIotDataEndpoint(provider, \'Endpoint\', { vpc: new ec2.Vpc(provider, \'Vpc\', { natGateways: 0,',
      '  availabilityZones: [\'eu-west-1a\', \'eu-west-1b\'], subnetConfiguration: [{ name: \'I\', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),',
      '  dataEndpointAddress: \'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com\' });',
      'new lib.CrossAccountIotEndpointService(provider, \'Service\', { endpoint, allowedAccounts: [\'222222222222\'] });',
      'const consumer = new Stack(app, \'Consumer\', { env: { account: \'222222222222\', region: \'eu-west-1\' } });',
      'new lib.PrivateIotDataEndpoint(consumer, \'Endpoint\', { vpc: new ec2.Vpc(consumer, \'Vpc\', { natGateways: 0,',
      '  availabilityZones: [\'eu-west-1a\', \'eu-west-1b\'], subnetConfiguration: [{ name: \'I\', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),',
      '  dataServiceName: \'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0\',',
      '  dataEndpointAddress: \'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com\' });',
      'app.synth();',
    ]);
    expect(loaded).toContain('aws-ec2/lib/ec2.generated.js'); // the control: the program ran and was observed
    expect(regionInfoLoaded(loaded)).toEqual([]);
  }, 120_000);

  test('the control: a region of another partition loads region-info', () => {
    const loaded = loadedCdkModules([
      `const facts = require(${JSON.stringify(require.resolve('../src/private/partition'))}).regionFacts('us-iso-east-1');`,
      'if (facts.partition !== \'aws-iso\') throw new Error(JSON.stringify(facts));',
    ]);
    expect(regionInfoLoaded(loaded)).toContain('region-info/lib/built-ins.generated.js');
  }, 120_000);
});
