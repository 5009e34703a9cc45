/**
 * The S1 job in plain aws-cdk-lib, the way the public sample aws-samples/aws-iot-endpoint-with-static-ips does it:
 * L2 VPC, interface endpoint, load balancer, target groups and records; L1 Elastic IPs (`subnetMappings` through an
 * override of the L2 load balancer) and L1 `AWS::IoT::DomainConfiguration`; the endpoint's private addresses read at
 * deployment by a custom resource (how, is up to the entry: see plain-s1.ts and plain-s1-acr.ts).
 *
 * No import of the library here.
 */
import { App, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2Targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import {
  S1_ATS_HOSTNAME, S1_AZS, S1_CERTIFICATE_ARN, S1_CLIENT_CIDR, S1_DOMAIN, S1_ENV, S1_PORTS, S1_PUBLIC_ZONE, S1_STACK, s1Vpc,
} from './s1-constants';

/** Returns one deploy-time token per network interface of the endpoint: its private IPv4 address. */
export type AddressLookup = (stack: Stack, endpoint: ec2.InterfaceVpcEndpoint, count: number) => string[];

export function buildPlainS1(options: { outdir: string; context: Record<string, unknown>; lookup: AddressLookup }): App {
  const app = new App({ outdir: options.outdir, context: options.context });
  const stack = new Stack(app, S1_STACK, { env: S1_ENV });

  const vpc = s1Vpc(stack);

  // The interface endpoint: reachable from the VPC (the load balancer forwards from its private addresses).
  const endpointSecurityGroup = new ec2.SecurityGroup(stack, 'EndpointSecurityGroup', {
    vpc, allowAllOutbound: false, description: 'AWS IoT data endpoint',
  });
  for (const port of S1_PORTS) {
    endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(port), `IoT data on ${port} from the VPC`);
  }
  const endpoint = new ec2.InterfaceVpcEndpoint(stack, 'IotData', {
    vpc,
    service: new ec2.InterfaceVpcEndpointAwsService('iot.data'),
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [endpointSecurityGroup],
    privateDnsEnabled: false, // AWS IoT offers no private DNS: the zone below stands in for it
  });

  // The ATS hostname resolves to the endpoint inside the VPC.
  const atsZone = new route53.PrivateHostedZone(stack, 'AtsZone', { zoneName: S1_ATS_HOSTNAME, vpc });
  new route53.ARecord(stack, 'AtsRecord', {
    zone: atsZone,
    target: route53.RecordTarget.fromAlias(new route53Targets.InterfaceVpcEndpointTarget(endpoint)),
  });

  // The static addresses: one Elastic IP per public subnet, the load balancer placed with subnet mappings.
  const publicSubnets = vpc.publicSubnets;
  const elasticIps = publicSubnets.map((_, i) => {
    const eip = new ec2.CfnEIP(stack, `ElasticIp${i + 1}`, { domain: 'vpc' });
    eip.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return eip;
  });
  const loadBalancerSecurityGroup = new ec2.SecurityGroup(stack, 'LoadBalancerSecurityGroup', {
    vpc, allowAllOutbound: false, description: 'Static-IP front door of AWS IoT Core',
  });
  const loadBalancer = new elbv2.NetworkLoadBalancer(stack, 'LoadBalancer', {
    vpc,
    internetFacing: true,
    vpcSubnets: { subnets: publicSubnets },
    securityGroups: [loadBalancerSecurityGroup],
  });
  const cfnLoadBalancer = loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer;
  cfnLoadBalancer.addPropertyDeletionOverride('Subnets');
  cfnLoadBalancer.subnetMappings = publicSubnets.map((subnet, i) => ({ subnetId: subnet.subnetId, allocationId: elasticIps[i].attrAllocationId }));

  // Listeners pass TCP through to the endpoint's network interfaces (TLS stays end to end).
  const addresses = options.lookup(stack, endpoint, S1_AZS);
  for (const port of S1_PORTS) {
    loadBalancerSecurityGroup.addIngressRule(ec2.Peer.ipv4(S1_CLIENT_CIDR), ec2.Port.tcp(port), `Devices on ${port}`);
    loadBalancerSecurityGroup.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(port), `To the endpoint on ${port}`);
    loadBalancer.addListener(`Listener${port}`, {
      port,
      protocol: elbv2.Protocol.TCP,
      defaultTargetGroups: [new elbv2.NetworkTargetGroup(stack, `Targets${port}`, {
        vpc,
        port,
        protocol: elbv2.Protocol.TCP,
        targetType: elbv2.TargetType.IP,
        targets: addresses.map((address) => new elbv2Targets.IpTarget(address)),
      })],
    });
  }

  // The custom domain: an AWS IoT domain configuration with an existing certificate, and its record.
  new iot.CfnDomainConfiguration(stack, 'DomainConfiguration', {
    domainName: S1_DOMAIN,
    serviceType: 'DATA',
    serverCertificateArns: [S1_CERTIFICATE_ARN],
    tlsConfig: { securityPolicy: 'IoTSecurityPolicy_TLS13_1_2_2022_10' },
  });
  const publicZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'PublicZone', S1_PUBLIC_ZONE);
  new route53.ARecord(stack, 'DomainRecord', {
    zone: publicZone,
    recordName: S1_DOMAIN,
    target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(loadBalancer)),
  });

  elasticIps.forEach((eip, i) => new CfnOutput(stack, `StaticIp${i + 1}`, { value: eip.ref, description: 'Address for the devices\' allow-list' }));
  return app;
}
