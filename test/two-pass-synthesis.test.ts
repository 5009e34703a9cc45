/**
 * The CDK CLI's two-pass synthesis: on the first pass the context is empty, aws-cdk-lib's lookups answer with
 * placeholders (`dummy1a` zones, a dummy VPC, the dummy value of `ContextProvider.getValue`) and record what is
 * missing in the cloud assembly; the CLI looks the values up and synthesizes again. Every construct must survive the
 * first pass (no throw, the missing context reported) and check the real values on the next one.
 *
 * `synthLikeTheCli` plays the CLI: it synthesizes with an empty context, answers every missing entry from a fake
 * account (as the CLI's context providers would), and synthesizes again until nothing is missing.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { CrossAccountIotEndpointService, IotEndpointServiceConsumer, PrivateIotDataEndpoint, PrivateIotDataEndpointProps, StaticIpIotFrontDoor } from '../src';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const DATA_SERVICE = `com.amazonaws.${REGION}.iot.data`;
const PROVIDER_SERVICE = `com.amazonaws.vpce.${REGION}.vpce-svc-0123456789abcdef0`;
const PROVIDER_ATS_HOST = `a1b2c3d4e5f6g7-ats.iot.${REGION}.amazonaws.com`;
const VPC_ID = 'vpc-0123456789abcdef0';
/** A looked-up VPC whose endpoint subnets are a named group the dummy VPC of the first pass does not have. */
const NAMED_GROUPS_VPC_ID = 'vpc-0fedcba9876543210';
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';

/** What the fake account answers to the CLI's lookups. */
interface FakeAccount {
  /** The region's availability zones (`availability-zones` provider). */
  readonly zones: string[];
  /** The zones each endpoint service is offered in (`endpoint-service-availability-zones`). */
  readonly services: Record<string, string[]>;
  /** VPCs by id (`vpc-provider`). */
  readonly vpcs?: Record<string, cxapi.VpcContextResponse>;
  /** Public hosted zones by domain name (`hosted-zone`). */
  readonly hostedZones?: Record<string, { Id: string; Name: string }>;
}

/** us-east-1 as the AWS IoT docs describe it: iot.data only in 1a, 1c and 1d. */
const US_EAST_1: FakeAccount = {
  zones: ['a', 'b', 'c', 'd', 'e', 'f'].map((s) => `${REGION}${s}`),
  services: {
    [DATA_SERVICE]: [`${REGION}a`, `${REGION}c`, `${REGION}d`],
    [PROVIDER_SERVICE]: [`${REGION}b`, `${REGION}c`],
  },
  vpcs: {
    [VPC_ID]: lookedUpVpc(),
    [NAMED_GROUPS_VPC_ID]: lookedUpVpc(NAMED_GROUPS_VPC_ID, 'IotEndpoints', cxapi.VpcSubnetGroupType.ISOLATED),
  },
  hostedZones: {
    'example.com': { Id: `/hostedzone/${ZONE_ID}`, Name: 'example.com.' },
  },
};

/** A VpcContextResponse (what the CLI's vpc-provider writes into the context) with public and private subnets in 1a-1c. */
function lookedUpVpc(vpcId = VPC_ID, privateGroup = 'Private', privateType = cxapi.VpcSubnetGroupType.PRIVATE): cxapi.VpcContextResponse {
  const subnet = (kind: string, suffix: string, i: number) => ({
    // ids in AWS's format (17 hex digits), so the templates pass cfn-lint: 0e0 = public, 0f0 = private
    subnetId: `subnet-${kind === 'pub' ? '0e0' : '0f0'}${suffix}0123456789abc`,
    availabilityZone: `${REGION}${suffix}`,
    routeTableId: `rtb-${kind === 'pub' ? '0e0' : '0f0'}${suffix}0123456789abc`,
    cidr: `10.0.${kind === 'pub' ? i : 10 + i}.0/24`,
  });
  return {
    vpcId,
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: [],
    subnetGroups: [
      { name: 'Public', type: cxapi.VpcSubnetGroupType.PUBLIC, subnets: ['a', 'b', 'c'].map((s, i) => subnet('pub', s, i)) },
      { name: privateGroup, type: privateType, subnets: ['a', 'b', 'c'].map((s, i) => subnet('prv', s, i)) },
    ],
  };
}

/** The CLI's answer to one missing context entry (throws on a lookup the test did not expect). */
function answer(missing: cxschema.MissingContext, fake: FakeAccount): unknown {
  const props = missing.props as any;
  expect(props.account).toBe(ACCOUNT);
  expect(props.region).toBe(REGION);
  switch (missing.provider) {
    case cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER:
      return fake.zones;
    case cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER:
      return fake.services[props.serviceName] ?? [];
    case cxschema.ContextProvider.VPC_PROVIDER: {
      const vpc = fake.vpcs?.[props.filter['vpc-id']];
      if (!vpc) throw new Error(`no VPC matches ${JSON.stringify(props.filter)}`);
      return vpc;
    }
    case cxschema.ContextProvider.HOSTED_ZONE_PROVIDER: {
      const zone = fake.hostedZones?.[props.domainName];
      if (!zone) throw new Error(`no hosted zone ${props.domainName}`);
      return zone;
    }
    default:
      throw new Error(`unexpected lookup ${missing.provider}`);
  }
}

interface Pass {
  readonly app: App;
  readonly stack: Stack;
  readonly missing: cxschema.MissingContext[];
}

/** One synthesis of `build` in a fresh App with `context`. */
function synthOnce(build: (stack: Stack) => void, context: Record<string, unknown>): Pass {
  const app = new App({ context });
  const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region: REGION } });
  build(stack);
  const missing = app.synth().manifest.missing ?? [];
  return { app, stack, missing };
}

interface CliSynthesis {
  /** The first pass (empty context). */
  readonly first: Pass;
  /** The pass that had nothing missing. */
  readonly last: Pass;
  readonly template: Template;
  /** The context the CLI filled in. */
  readonly context: Record<string, unknown>;
}

/**
 * Synthesizes like the CDK CLI: an empty context first, then the missing entries answered from `fake`, again until
 * nothing is missing (at most 3 rounds, and each round must ask for something new).
 */
function synthLikeTheCli(build: (stack: Stack) => void, fake: FakeAccount = US_EAST_1): CliSynthesis {
  const context: Record<string, unknown> = {};
  const first = synthOnce(build, context);
  let last = first;
  for (let round = 0; last.missing.length > 0; round++) {
    if (round === 3) throw new Error(`still missing after 3 rounds: ${last.missing.map((m) => m.key).join(', ')}`);
    const fresh = last.missing.filter((m) => !(m.key in context));
    expect(fresh).not.toHaveLength(0);
    for (const m of fresh) {
      context[m.key] = answer(m, fake);
    }
    last = synthOnce(build, context);
  }
  return { first, last, template: Template.fromStack(last.stack), context };
}

function providers(pass: Pass): string[] {
  return [...new Set(pass.missing.map((m) => m.provider))].sort();
}

/** The zones of the subnets of every VPC endpoint (Ref to an AWS::EC2::Subnet, or a looked-up subnet id). */
function endpointZones(template: Template): string[][] {
  const subnets = template.findResources('AWS::EC2::Subnet');
  const looked = Object.fromEntries(lookedUpVpc().subnetGroups!.flatMap((g) => g.subnets).map((s) => [s.subnetId, s.availabilityZone]));
  return Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((r) => (r.Properties.SubnetIds as any[])
    .map((id) => (typeof id === 'string' ? looked[id] : subnets[id.Ref].Properties.AvailabilityZone))
    .sort());
}

/** Warnings of this library (`cdk-private-iot:` ids) on the stack. */
function ourWarnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-private-iot:')).map((w) => String(w.entry.data));
}

function isolatedVpc(stack: Stack, props: ec2.VpcProps): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
    ...props,
  });
}

function endpointIn(stack: Stack, vpc: ec2.IVpc, props: Partial<PrivateIotDataEndpointProps> = {}): PrivateIotDataEndpoint {
  return new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc, ...props });
}

describe('PrivateIotDataEndpoint', () => {
  test('pinned zones: the first pass reports the endpoint-service lookup, the second keeps the zones that offer iot.data', () => {
    const { first, template, context } = synthLikeTheCli((stack) => {
      const vpc = isolatedVpc(stack, { availabilityZones: [`${REGION}a`, `${REGION}b`, `${REGION}c`] });
      endpointIn(stack, vpc, { subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    });

    expect(providers(first)).toContain(cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER);
    const serviceLookup = first.missing.find((m) => m.provider === cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER)!;
    expect((serviceLookup.props as any).serviceName).toBe(DATA_SERVICE);
    expect(ourWarnings(first.stack)).toEqual([]);
    expect(context[serviceLookup.key]).toEqual([`${REGION}a`, `${REGION}c`, `${REGION}d`]);
    // 1b does not offer iot.data
    expect(endpointZones(template)).toEqual([[`${REGION}a`, `${REGION}c`]]);
  });

  test('maxAzs: the first pass (dummy zones) reports both lookups, the second places the endpoint in 1a and 1c', () => {
    const { first, last, template } = synthLikeTheCli((stack) => {
      endpointIn(stack, isolatedVpc(stack, { maxAzs: 3 }), { subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    });

    expect(providers(first)).toEqual([
      cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER,
      cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER,
    ].sort());
    expect(ourWarnings(first.stack)).toEqual([]);
    expect(last.missing).toEqual([]);
    expect(endpointZones(template)).toEqual([[`${REGION}a`, `${REGION}c`]]);
    template.resourceCountIs('AWS::EC2::Subnet', 6);
  });

  test('maxAzs + supportedAvailabilityZones: no check against the dummy zones; the real zones are filtered on the second pass', () => {
    const { first, template } = synthLikeTheCli((stack) => {
      endpointIn(stack, isolatedVpc(stack, { maxAzs: 3 }), {
        subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        supportedAvailabilityZones: [`${REGION}b`, `${REGION}c`],
      });
    });

    // supportedAvailabilityZones replaces the endpoint-service lookup: only the zones of the region are missing
    expect(providers(first)).toEqual([cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER]);
    expect(ourWarnings(first.stack)).toEqual([]);
    expect(endpointZones(template)).toEqual([[`${REGION}b`, `${REGION}c`]]);
  });

  test('Vpc.fromLookup: the dummy VPC of the first pass is not checked; the looked-up subnets are filtered on the second', () => {
    const { first, template } = synthLikeTheCli((stack) => {
      endpointIn(stack, ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: VPC_ID }), { expectedDevices: 150_000 });
    });

    expect(providers(first)).toEqual([
      cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER,
      cxschema.ContextProvider.VPC_PROVIDER,
    ].sort());
    expect(ourWarnings(first.stack)).toEqual([]);
    expect(endpointZones(template)).toEqual([[`${REGION}a`, `${REGION}c`], [`${REGION}a`, `${REGION}c`]]);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcId: VPC_ID, SubnetIds: ['subnet-0f0a0123456789abc', 'subnet-0f0c0123456789abc'] });
  });
});

describe('named subnet groups of a looked-up VPC', () => {
  test('a group the dummy VPC lacks, and more load balancer subnets than the dummy has: both wait for the looked-up VPC', () => {
    const allocationIds = ['eipalloc-0123456789abcdef0', 'eipalloc-0123456789abcdef1', 'eipalloc-0123456789abcdef2'];
    const { first, template } = synthLikeTheCli((stack) => {
      const vpc = ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: NAMED_GROUPS_VPC_ID });
      const endpoint = endpointIn(stack, vpc, { subnets: { subnetGroupName: 'IotEndpoints' } });
      new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, subnets: { subnetGroupName: 'Public' }, elasticIpAllocationIds: allocationIds });
    });

    expect(providers(first)).toContain(cxschema.ContextProvider.VPC_PROVIDER);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcId: NAMED_GROUPS_VPC_ID, SubnetIds: ['subnet-0f0a0123456789abc', 'subnet-0f0c0123456789abc'] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      SubnetMappings: ['a', 'b', 'c'].map((suffix, i) => ({ SubnetId: `subnet-0e0${suffix}0123456789abc`, AllocationId: allocationIds[i] })),
    });
  });

  test('with the looked-up VPC, a wrong number of allocation ids still fails', () => {
    expect(() => synthLikeTheCli((stack) => {
      const vpc = ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: NAMED_GROUPS_VPC_ID });
      const endpoint = endpointIn(stack, vpc, { subnets: { subnetGroupName: 'IotEndpoints' } });
      new StaticIpIotFrontDoor(stack, 'FrontDoor', {
        endpoint,
        subnets: { subnetGroupName: 'Public' },
        elasticIpAllocationIds: ['eipalloc-0123456789abcdef0', 'eipalloc-0123456789abcdef1'],
      });
    })).toThrow(/elasticIpAllocationIds has 2 ids for 3 load balancer subnets/);
  });
});

describe('errors with real context are unchanged', () => {
  test('pinned zones none of which offers the service: the second pass throws', () => {
    const fake: FakeAccount = { ...US_EAST_1, services: { [DATA_SERVICE]: [`${REGION}d`] } };
    expect(() => synthLikeTheCli((stack) => {
      endpointIn(stack, isolatedVpc(stack, { availabilityZones: [`${REGION}a`, `${REGION}b`] }), { subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    }, fake)).toThrow(/subnets are in \[us-east-1a, us-east-1b\], but the services are offered only in \[us-east-1d\]; add subnets in the offered zones/);
  });

  test('maxAzs + a supportedAvailabilityZones list of no VPC zone: the second pass throws', () => {
    expect(() => synthLikeTheCli((stack) => {
      endpointIn(stack, isolatedVpc(stack, { maxAzs: 3 }), {
        subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        supportedAvailabilityZones: [`${REGION}f`],
      });
    })).toThrow(/supportedAvailabilityZones \[us-east-1f\] shares no zone with the selected subnets \[us-east-1a, us-east-1b, us-east-1c\]/);
  });

  test('Vpc.fromLookup with a single zone that offers the service: the second pass throws', () => {
    const fake: FakeAccount = { ...US_EAST_1, services: { [DATA_SERVICE]: [`${REGION}b`] } };
    expect(() => synthLikeTheCli((stack) => {
      endpointIn(stack, ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: VPC_ID }));
    }, fake)).toThrow(/subnets leave a single usable availability zone \(us-east-1b\)/);
  });

  test('genuinely bad input that needs no lookup still fails on the first pass', () => {
    expect(() => synthOnce((stack) => {
      endpointIn(stack, isolatedVpc(stack, { maxAzs: 3 }), { supportedAvailabilityZones: [] });
    }, {})).toThrow(/supportedAvailabilityZones is empty/);
  });
});

describe('IotEndpointServiceConsumer', () => {
  test('the provider service lookup: first pass reports it, second places the endpoint in the zones the service offers', () => {
    const { first, template } = synthLikeTheCli((stack) => {
      new IotEndpointServiceConsumer(stack, 'Consumer', {
        vpc: isolatedVpc(stack, { maxAzs: 3 }),
        subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        serviceName: PROVIDER_SERVICE,
        dataEndpointAddress: PROVIDER_ATS_HOST,
      });
    });

    const serviceLookups = first.missing.filter((m) => m.provider === cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER);
    expect(serviceLookups.map((m) => (m.props as any).serviceName)).toEqual([PROVIDER_SERVICE]);
    expect(providers(first)).toContain(cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER);
    expect(endpointZones(template)).toEqual([[`${REGION}b`, `${REGION}c`]]);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: PROVIDER_SERVICE });
    template.hasResourceProperties('AWS::Route53::HostedZone', { Name: `${PROVIDER_ATS_HOST}.` });
  });

  test('the consumer over a looked-up VPC', () => {
    const { first, template } = synthLikeTheCli((stack) => {
      new IotEndpointServiceConsumer(stack, 'Consumer', {
        vpc: ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: VPC_ID }),
        serviceName: PROVIDER_SERVICE,
        dataEndpointAddress: PROVIDER_ATS_HOST,
      });
    });
    expect(providers(first)).toEqual([
      cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER,
      cxschema.ContextProvider.VPC_PROVIDER,
    ].sort());
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcId: VPC_ID, SubnetIds: ['subnet-0f0b0123456789abc', 'subnet-0f0c0123456789abc'] });
  });
});

describe('CrossAccountIotEndpointService', () => {
  test('the provider side over a looked-up VPC: the internal load balancer lands in the looked-up subnets of the endpoint zones', () => {
    const { first, template } = synthLikeTheCli((stack) => {
      const endpoint = endpointIn(stack, ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: VPC_ID }));
      new CrossAccountIotEndpointService(stack, 'Service', { endpoint, allowedAccounts: ['222222222222'] });
    });
    expect(providers(first)).toEqual([
      cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER,
      cxschema.ContextProvider.VPC_PROVIDER,
    ].sort());
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      SubnetMappings: [{ SubnetId: 'subnet-0f0a0123456789abc' }, { SubnetId: 'subnet-0f0c0123456789abc' }],
    });
    template.resourceCountIs('AWS::EC2::VPCEndpointService', 1);
  });
});

describe('StaticIpIotFrontDoor', () => {
  test('custom domain in a zone imported by id: synthesizes, the record is named after domainName', () => {
    const { template } = synthLikeTheCli((stack) => {
      const vpc = isolatedVpc(stack, { maxAzs: 3 });
      const endpoint = endpointIn(stack, vpc, { subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
      new StaticIpIotFrontDoor(stack, 'FrontDoor', {
        endpoint,
        customDomain: { domainName: 'mqtt.example.com', hostedZone: route53.HostedZone.fromHostedZoneId(stack, 'Zone', ZONE_ID) },
      });
    });

    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'mqtt.example.com.', Type: 'A', HostedZoneId: ZONE_ID });
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'mqtt.example.com',
      DomainValidationOptions: [{ DomainName: 'mqtt.example.com', HostedZoneId: ZONE_ID }],
    });
    template.hasResourceProperties('AWS::IoT::DomainConfiguration', { DomainName: 'mqtt.example.com' });
    // the load balancer sits in the endpoint's zones only
    template.resourceCountIs('AWS::EC2::EIP', 2);
  });

  test('custom domain in a zone from HostedZone.fromLookup: the hosted-zone lookup is reported, then the record lands in it', () => {
    const { first, template } = synthLikeTheCli((stack) => {
      const endpoint = endpointIn(stack, isolatedVpc(stack, { maxAzs: 3 }), { subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
      new StaticIpIotFrontDoor(stack, 'FrontDoor', {
        endpoint,
        customDomain: { domainName: 'mqtt.example.com', hostedZone: route53.HostedZone.fromLookup(stack, 'Zone', { domainName: 'example.com' }) },
      });
    });
    expect(providers(first)).toContain(cxschema.ContextProvider.HOSTED_ZONE_PROVIDER);
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'mqtt.example.com.', HostedZoneId: ZONE_ID });
  });

  test('internal front door with fixed addresses over a looked-up VPC: the dummy subnets (count, CIDRs) are not checked', () => {
    const fake: FakeAccount = { ...US_EAST_1, services: { [DATA_SERVICE]: [`${REGION}a`, `${REGION}b`, `${REGION}c`] } };
    const { first, template } = synthLikeTheCli((stack) => {
      const vpc = ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: VPC_ID });
      const endpoint = endpointIn(stack, vpc);
      new StaticIpIotFrontDoor(stack, 'FrontDoor', {
        endpoint,
        internetFacing: false,
        privateIpAddresses: ['10.0.10.10', '10.0.11.10', '10.0.12.10'],
      });
    }, fake);

    expect(providers(first)).toContain(cxschema.ContextProvider.VPC_PROVIDER);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      SubnetMappings: [
        { SubnetId: 'subnet-0f0a0123456789abc', PrivateIPv4Address: '10.0.10.10' },
        { SubnetId: 'subnet-0f0b0123456789abc', PrivateIPv4Address: '10.0.11.10' },
        { SubnetId: 'subnet-0f0c0123456789abc', PrivateIPv4Address: '10.0.12.10' },
      ],
    });
  });

  test('with the real VPC, an address outside its subnet still fails', () => {
    const fake: FakeAccount = { ...US_EAST_1, services: { [DATA_SERVICE]: [`${REGION}a`, `${REGION}b`, `${REGION}c`] } };
    expect(() => synthLikeTheCli((stack) => {
      const endpoint = endpointIn(stack, ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: VPC_ID }));
      new StaticIpIotFrontDoor(stack, 'FrontDoor', {
        endpoint,
        internetFacing: false,
        privateIpAddresses: ['10.0.10.10', '10.0.99.10', '10.0.12.10'],
      });
    }, fake)).toThrow(/privateIpAddresses contains '10\.0\.99\.10', which is outside subnet 2 \(10\.0\.11\.0\/24\)/);
  });
});
