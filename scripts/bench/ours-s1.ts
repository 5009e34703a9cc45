/**
 * Benchmark app: the S1 job (see s1-constants.ts) with the library's constructs, as the README shows them:
 * `PrivateIotDataEndpoint`, `IotPrivateHostedZone` and an internet-facing `StaticIpIotFrontDoor` with a custom domain.
 * The library is the compiled copy (scripts/bench.ts maps `../../src` to it).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { runBench } from './harness';
import {
  S1_ATS_HOSTNAME, S1_CERTIFICATE_ARN, S1_CLIENT_CIDR, S1_DOMAIN, S1_ENV, S1_PUBLIC_ZONE, S1_STACK, s1Vpc,
} from './s1-constants';
import { IotPrivateHostedZone, PrivateIotDataEndpoint, StaticIpIotFrontDoor } from '../../src';

runBench('ours', ({ outdir, context }) => {
  const app = new App({ outdir, context });
  const stack = new Stack(app, S1_STACK, { env: S1_ENV });
  const vpc = s1Vpc(stack);
  const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    dataEndpointAddress: S1_ATS_HOSTNAME,
  });
  new IotPrivateHostedZone(stack, 'AtsZone', { endpoint });
  new StaticIpIotFrontDoor(stack, 'FrontDoor', {
    endpoint,
    clientPeers: [ec2.Peer.ipv4(S1_CLIENT_CIDR)],
    customDomain: {
      domainName: S1_DOMAIN,
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'PublicZone', S1_PUBLIC_ZONE),
      serverCertificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', S1_CERTIFICATE_ARN),
    },
  });
  return { app };
});
