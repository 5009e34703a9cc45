/**
 * Benchmark app: the stacks, environments and VPCs of the reference topology (MAIN_JOB_OPTIONS) with no construct of
 * ours: what the reference topology costs beyond the VPCs any such app has. The VPCs are those the account stacks of
 * src/topology/ create; the benchmark checks that both apps synthesize the same subnets.
 *
 * Only constants come from examples/reference-topology.ts; the build of this bundle maps its import of the library to
 * a stub that fails on use, and the harness checks that no module of the library was loaded.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { runBench } from './harness';
import {
  CONSUMER_ACCOUNTS, DEVICE_CIDR, GATEKEEPER_CIDR, IOT_ACCOUNT, MAIN_JOB_OPTIONS, NETWORK_ACCOUNT, REFERENCE_REGION, consumerCidr,
} from '../../examples/reference-topology';

interface PlainVpc {
  readonly stackId: string;
  readonly account: string;
  readonly vpcId: string;
  readonly cidr: string;
  readonly subnets: ec2.SubnetConfiguration[];
}

/** The VPCs `buildReferenceTopology(MAIN_JOB_OPTIONS)` creates (see src/topology/*-account-stack.ts). */
function plainVpcs(): PlainVpc[] {
  const internetFacing = MAIN_JOB_OPTIONS.frontDoor?.internetFacing ?? false;
  const consumers = CONSUMER_ACCOUNTS.slice(0, MAIN_JOB_OPTIONS.consumers ?? 1);
  return [
    {
      stackId: 'Network',
      account: NETWORK_ACCOUNT,
      vpcId: 'DeviceVpc',
      cidr: DEVICE_CIDR,
      subnets: [{ name: 'devices', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
    },
    {
      stackId: 'Iot',
      account: IOT_ACCOUNT,
      vpcId: 'GatekeeperVpc',
      cidr: GATEKEEPER_CIDR,
      subnets: [
        { name: 'endpoints', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        ...(internetFacing ? [{ name: 'front-door', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26, mapPublicIpOnLaunch: false }] : []),
      ],
    },
    ...consumers.map((account, i) => ({
      stackId: `Consumer${i + 1}`,
      account,
      vpcId: 'Vpc',
      cidr: consumerCidr(i),
      subnets: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    })),
  ];
}

runBench('plain', ({ outdir, context }) => {
  const app = new App({ outdir, context });
  for (const v of plainVpcs()) {
    const stack = new Stack(app, v.stackId, { env: { account: v.account, region: REFERENCE_REGION } });
    new ec2.Vpc(stack, v.vpcId, {
      ipAddresses: ec2.IpAddresses.cidr(v.cidr),
      maxAzs: MAIN_JOB_OPTIONS.maxAzs ?? 2,
      natGateways: 0,
      subnetConfiguration: v.subnets,
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });
  }
  return { app };
});
