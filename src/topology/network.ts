import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { IOT_ENDPOINT_PORTS } from '../private/limits';
import { acknowledge, acknowledgeGuard } from '../private/nag';

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
  acknowledge(acl, [{
    id: 'AwsSolutions-VPC3',
    reason: 'The network ACL is a deliberate second layer on the AWS IoT endpoint subnets: stateless, it admits only 443/8443/8883 (and '
      + 'return traffic) from the named networks even if a security group is widened later.',
  }]);
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

/**
 * A VPC of the reference topology with flow logs to CloudWatch Logs, with the cdk-nag findings on what aws-cdk-lib
 * creates for it acknowledged (reasons specific to this topology).
 */
export function acknowledgeTopologyVpc(vpc: ec2.Vpc): void {
  const defaultSg = 'No resource of the reference topology uses the default security group (every endpoint, load balancer, '
    + 'resolver and function has its own); closing it would need one more custom resource function per stack.';
  acknowledge(vpc, ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({ id: `${pack}-VPCDefaultSecurityGroupClosed`, reason: defaultSg })));
  const flowLog = vpc.node.tryFindChild('all');
  if (!flowLog) {
    return;
  }
  const logGroup = flowLog.node.tryFindChild('LogGroup');
  if (logGroup) {
    acknowledgeGuard(logGroup, 'cloudwatch_log_group_encrypted_check',
      'VPC flow logs hold connection metadata (addresses, ports, bytes), no payload; CloudWatch Logs encrypts them with a service key.');
    acknowledge(logGroup, ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-CloudWatchLogGroupEncrypted`,
      reason: 'VPC flow logs hold connection metadata (addresses, ports, bytes), no payload; CloudWatch Logs encrypts them with a service key.',
    })));
  }
  const policy = flowLog.node.tryFindChild('IAMRole')?.node.tryFindChild('DefaultPolicy');
  if (policy) {
    acknowledge(policy, ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-IAMNoInlinePolicy`,
      reason: 'aws-cdk-lib\'s FlowLog grants its delivery role write access to its own log group only, as an inline policy of that role.',
    })));
  }
}

/** Acknowledges the findings on public subnets that hold only an internet-facing load balancer with Elastic IPs. */
export function acknowledgeLoadBalancerSubnets(vpc: ec2.Vpc, subnetGroupName: string): void {
  for (const subnet of vpc.selectSubnets({ subnetGroupName }).subnets) {
    acknowledge(subnet, ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-VPCNoUnrestrictedRouteToIGW`,
      reason: 'This public subnet holds only the internet-facing front door (a Network Load Balancer with Elastic IPs): the route to the '
        + 'internet gateway is what makes the fixed addresses reachable; its security group admits only the named client CIDRs.',
    })));
  }
}
