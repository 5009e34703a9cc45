import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { IOT_ENDPOINT_PORTS } from '../private/limits';

/**
 * A network ACL for subnets that hold AWS IoT Core endpoints (and load balancers in front of them): inbound only the
 * IoT ports from `cidrs`, plus return traffic; outbound only return traffic, plus the IoT ports inside `localCidr`
 * (load balancer to endpoint interfaces).
 */
export function endpointSubnetAcl(scope: Construct, id: string, vpc: ec2.IVpc, subnets: ec2.SubnetSelection, cidrs: string[]): ec2.NetworkAcl {
  const acl = new ec2.NetworkAcl(scope, id, { vpc, subnetSelection: subnets });
  const localCidr = cidrs[0];
  let inbound = 100;
  let outbound = 100;
  const entry = (egress: boolean, cidr: string, from: number, to: number) => {
    const number = egress ? (outbound += 10) : (inbound += 10);
    acl.addEntry(`${egress ? 'Out' : 'In'}${number}`, {
      ruleNumber: number,
      cidr: ec2.AclCidr.ipv4(cidr),
      traffic: from === to ? ec2.AclTraffic.tcpPort(from) : ec2.AclTraffic.tcpPortRange(from, to),
      direction: egress ? ec2.TrafficDirection.EGRESS : ec2.TrafficDirection.INGRESS,
      ruleAction: ec2.Action.ALLOW,
    });
  };
  for (const cidr of cidrs) {
    IOT_ENDPOINT_PORTS.forEach((port) => entry(false, cidr, port, port));
    entry(true, cidr, 1024, 65535); // replies to the clients
  }
  entry(false, localCidr, 1024, 65535); // replies to load balancers in these subnets
  IOT_ENDPOINT_PORTS.forEach((port) => entry(true, localCidr, port, port)); // load balancer -> endpoint interfaces
  return acl;
}

/**
 * Attaches a VPC (one subnet per zone of `subnets`) to a Transit Gateway and routes `destinations` through it.
 */
export function attachToTransitGateway(scope: Construct, id: string, vpc: ec2.IVpc, subnets: ec2.SubnetSelection,
  transitGatewayId: string, destinations: string[]): ec2.CfnTransitGatewayAttachment {
  const selected = vpc.selectSubnets({ ...subnets, onePerAz: true }).subnets;
  const attachment = new ec2.CfnTransitGatewayAttachment(scope, id, {
    transitGatewayId,
    vpcId: vpc.vpcId,
    subnetIds: selected.map((s) => s.subnetId),
  });
  const routed = vpc.selectSubnets(subnets).subnets;
  routed.forEach((subnet, i) => destinations.forEach((destination, j) => {
    const route = new ec2.CfnRoute(scope, `${id}Route${i + 1}To${j + 1}`, {
      routeTableId: subnet.routeTable.routeTableId,
      destinationCidrBlock: destination,
      transitGatewayId,
    });
    route.addDependency(attachment);
  }));
  return attachment;
}
