/**
 * The S1 job, shared by both S1 apps of the benchmark (no import of the library here: the plain apps use it too).
 *
 * One account and region whose lookups are in cdk.context.json; a VPC of two zones with public subnets (the load
 * balancer and its Elastic IPs) and isolated subnets (the `iot.data` interface endpoint); a private hosted zone named
 * after the account's ATS hostname; an internet-facing Network Load Balancer with one Elastic IP per zone whose
 * listeners on 443, 8443 and 8883 forward to the endpoint's network interfaces; a custom domain (an AWS IoT domain
 * configuration with an existing ACM certificate) and its alias record in a public zone.
 */
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

export const S1_ENV = { account: '111111111111', region: 'eu-west-1' };
export const S1_STACK = 'S1';
export const S1_VPC_CIDR = '10.10.0.0/16';
export const S1_AZS = 2;
/** The ATS data endpoint of the account (the placeholder of examples/reference-topology.ts). */
export const S1_ATS_HOSTNAME = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
export const S1_DOMAIN = 'mqtt.example.com';
export const S1_PUBLIC_ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' };
export const S1_CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000';
/** The sites' public addresses (documentation range TEST-NET-3). */
export const S1_CLIENT_CIDR = '203.0.113.0/24';
export const S1_PORTS = [443, 8443, 8883];
export const S1_SUBNETS = { public: { name: 'front-door', cidrMask: 26 }, isolated: { name: 'endpoints', cidrMask: 24 } };

/** The S1 VPC, the same in both codings: two zones, a public subnet (the NLB) and an isolated one (the endpoint) each. */
export function s1Vpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(S1_VPC_CIDR),
    maxAzs: S1_AZS,
    natGateways: 0,
    subnetConfiguration: [
      { ...S1_SUBNETS.public, subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
      { ...S1_SUBNETS.isolated, subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}
