/**
 * Single-stack configurations of the scale sweep, the limit search and the per-endpoint check, with the library's
 * constructs (the compiled copy: scripts/bench.ts maps `../../src` to it).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { NETWORK_ACCOUNT, PLACEHOLDERS, REFERENCE_REGION } from '../../examples/reference-topology';
import { IotPrivateHostedZone, IotRecordStyle, PrivateIotDataEndpoint, StaticIpIotFrontDoor } from '../../src';

/** One single-stack configuration of the sweep and of the limit search. */
export interface Scenario {
  readonly azs: number;
  /** Weighted IP records ('WEIGHTED_IPS'), alias records ('ALIAS'), or no zone. */
  readonly recordStyle?: 'WEIGHTED_IPS' | 'ALIAS';
  /** An internal front door on 443, 8443 and 8883. */
  readonly frontDoor: boolean;
  readonly interfaceEndpointQuota?: number;
  /** A region whose zones come from PLACEHOLDER_ZONES (for zone counts eu-west-1 does not have). */
  readonly placeholderRegion?: boolean;
}

/** The configuration of the scale sweep: weighted IP records and a front door. */
export const SWEEP_SCENARIO: Omit<Scenario, 'azs'> = { recordStyle: 'WEIGHTED_IPS', frontDoor: true };

/** A made-up zone layout for 4-zone scenarios: only the zone count matters to synthesis. */
export const PLACEHOLDER_REGION = 'us-east-1';
export const PLACEHOLDER_ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'];

type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** What a row of the sweep reports besides the harness's figures. */
export interface ScenarioFacts {
  readonly endpoints: number;
  readonly enis: number;
  readonly weightedRecords: number;
  readonly targetsPerGroup: string;
}

function newApp(outdir: string, context: Record<string, unknown>): App {
  return new App({
    outdir,
    context: { ...context, [`availability-zones:account=${NETWORK_ACCOUNT}:region=${PLACEHOLDER_REGION}`]: PLACEHOLDER_ZONES },
  });
}

function isolatedVpc(stack: Stack, azs: number): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: azs,
    natGateways: 0,
    subnetConfiguration: [{ name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
}

/**
 * One stack (account 111111111111): an isolated VPC, a `PrivateIotDataEndpoint` for `devices`, optionally an
 * `IotPrivateHostedZone` and an internal `StaticIpIotFrontDoor`.
 */
export function scenarioApp(devices: number, scenario: Scenario, outdir: string, context: Record<string, unknown>) {
  const region = scenario.placeholderRegion ? PLACEHOLDER_REGION : REFERENCE_REGION;
  const app = newApp(outdir, context);
  const stack = new Stack(app, 'Bench', { env: { account: NETWORK_ACCOUNT, region } });
  const vpc = isolatedVpc(stack, scenario.azs);
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
    vpc,
    expectedDevices: devices,
    supportedAvailabilityZones: vpc.availabilityZones,
    dataEndpointAddress: PLACEHOLDERS.dataEndpointAddress.replace(REFERENCE_REGION, region),
    interfaceEndpointQuota: scenario.interfaceEndpointQuota,
  });
  if (scenario.recordStyle) {
    new IotPrivateHostedZone(stack, 'Zone', { endpoint, recordStyle: IotRecordStyle[scenario.recordStyle] });
  }
  if (scenario.frontDoor) {
    new StaticIpIotFrontDoor(stack, 'FrontDoor', { endpoint, internetFacing: false });
  }
  const info = (assembly: CloudAssembly): ScenarioFacts => {
    const resources = Object.values((assembly.getStackByName(stack.stackName).template as Template).Resources ?? {});
    const ofType = (type: string) => resources.filter((r) => r.Type === type);
    const targets = [...new Set(ofType('AWS::ElasticLoadBalancingV2::TargetGroup').map((r) => (r.Properties?.Targets as unknown[] | undefined)?.length ?? 0))];
    return {
      endpoints: ofType('AWS::EC2::VPCEndpoint').length,
      enis: endpoint.dataEndpoints.length * endpoint.networkInterfacesPerEndpoint,
      weightedRecords: ofType('AWS::Route53::RecordSet').filter((r) => r.Properties?.Weight !== undefined).length,
      targetsPerGroup: targets.join('/'),
    };
  };
  return { app, info };
}

/**
 * The per-endpoint check: one stack (2 zones) with `count` separate `PrivateIotDataEndpoint`s, each of one data
 * endpoint and with an internal `StaticIpIotFrontDoor`, so every one of them needs deployment-time address lookups.
 */
export function endpointsApp(count: number, outdir: string, context: Record<string, unknown>) {
  const app = newApp(outdir, context);
  const stack = new Stack(app, 'Bench', { env: { account: NETWORK_ACCOUNT, region: REFERENCE_REGION } });
  const vpc = isolatedVpc(stack, 2);
  for (let i = 1; i <= count; i++) {
    const endpoint = new PrivateIotDataEndpoint(stack, `Endpoint${i}`, {
      vpc,
      supportedAvailabilityZones: vpc.availabilityZones,
      dataEndpointAddress: PLACEHOLDERS.dataEndpointAddress,
    });
    new StaticIpIotFrontDoor(stack, `FrontDoor${i}`, { endpoint, internetFacing: false });
  }
  return { app };
}
