import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { invalidProp } from '../private/errors';
import { ipv4CidrContains, isIpv4CidrBlock } from '../private/formats';
import { IOT_ENDPOINT_PORTS } from '../private/limits';
import { acknowledge, acknowledgeGuard } from '../private/nag';
import { validateQuota } from '../private/validation';

/** AWS quota "Inbound or outbound rules per network ACL": 20 each way by default. */
export const NETWORK_ACL_RULES_DEFAULT = 20;

/** The highest value AWS raises the network ACL rule quota to. */
export const NETWORK_ACL_RULES_MAX = 40;

/** The networks a network ACL of AWS IoT endpoint subnets admits on the AWS IoT ports. */
export interface EndpointAclNetworks {
  /**
   * The VPC's own CIDR: its clients reach the endpoints, and load balancers in the subnets reach the endpoint
   * interfaces (and get their replies) within it.
   */
  readonly localCidr: string;
  /** Networks routed to the VPC (device networks, on premises). */
  readonly routedCidrs: string[];
  /**
   * Networks that reach a load balancer in the subnets through AWS PrivateLink (consumer VPCs): the load balancer sees
   * the consumer endpoint's private address as the source. Numbered after every other rule, so adding them renumbers
   * nothing.
   * @default - none
   */
  readonly privateLinkCidrs?: string[];
}

/** One entry of an endpoint subnet ACL. */
export interface EndpointAclEntry {
  readonly egress: boolean;
  readonly ruleNumber: number;
  readonly cidr: string;
  readonly fromPort: number;
  readonly toPort: number;
}

/** The entries an endpoint subnet ACL needs, planned before anything is created (`planEndpointSubnetAcl`). */
export interface EndpointAclPlan {
  /** The client CIDRs that get rules of their own (the others are covered by a wider CIDR of the list). */
  readonly cidrs: string[];
  /** The client CIDRs left out because another CIDR of the list covers them on the same ports. */
  readonly covered: string[];
  readonly entries: EndpointAclEntry[];
  readonly inbound: number;
  readonly outbound: number;
}

/**
 * Plans the network ACL of subnets that hold AWS IoT Core endpoints (and load balancers in front of them): inbound
 * only the IoT ports from every client network, plus return traffic to the load balancers; outbound only return
 * traffic to the clients, plus the IoT ports inside `localCidr` (load balancer to endpoint interfaces).
 *
 * A client CIDR inside another one of the list (or listed twice) gets no rules: the wider CIDR admits it on the same
 * ports. Rule numbers follow the position in the list, with gaps where a CIDR is covered, so the entries of the other
 * CIDRs keep their numbers (entries are named `In<number>` / `Out<number>`; a new number replaces an entry):
 * inbound 110 + 30 i (+10, +20) for the i-th of `[localCidr, ...routedCidrs]`, then the return rule from `localCidr`,
 * then the `privateLinkCidrs` the same way; outbound 110 + 10 i for the replies to the same list, then the three IoT
 * ports to `localCidr`, then the replies to `privateLinkCidrs`.
 */
export function planEndpointSubnetAcl(networks: EndpointAclNetworks): EndpointAclPlan {
  const first = [networks.localCidr, ...networks.routedCidrs];
  const later = networks.privateLinkCidrs ?? [];
  const all = [...first, ...later];
  const literal = (cidr: string) => !Token.isUnresolved(cidr) && isIpv4CidrBlock(cidr);
  const isCovered = (cidr: string, index: number) => literal(cidr) && all.some((other, j) => j !== index && literal(other)
    && ipv4CidrContains(other, cidr) && (!ipv4CidrContains(cidr, other) || j < index));
  const kept = all.map((cidr, i) => !isCovered(cidr, i));

  const entries: EndpointAclEntry[] = [];
  const ports = IOT_ENDPOINT_PORTS;
  const add = (egress: boolean, ruleNumber: number, cidr: string, fromPort: number, toPort: number) => {
    entries.push({ egress, ruleNumber, cidr, fromPort, toPort });
  };
  const clients = (cidrs: string[], offset: number, inboundBase: number, outboundBase: number) => cidrs.forEach((cidr, i) => {
    if (!kept[offset + i]) {
      return;
    }
    ports.forEach((port, k) => add(false, inboundBase + 10 * (ports.length * i + k), cidr, port, port));
    add(true, outboundBase + 10 * i, cidr, 1024, 65535); // replies to the clients
  });
  clients(first, 0, 110, 110);
  const localInbound = 110 + 10 * ports.length * first.length;
  const localOutbound = 110 + 10 * first.length;
  add(false, localInbound, networks.localCidr, 1024, 65535); // replies to load balancers in these subnets
  ports.forEach((port, k) => add(true, localOutbound + 10 * k, networks.localCidr, port, port)); // load balancer -> endpoint interfaces
  clients(later, first.length, localInbound + 10, localOutbound + 10 * ports.length);

  return {
    cidrs: all.filter((_, i) => kept[i]),
    covered: all.filter((_, i) => !kept[i]),
    entries,
    inbound: entries.filter((e) => !e.egress).length,
    outbound: entries.filter((e) => e.egress).length,
  };
}

/**
 * Checks a planned endpoint subnet ACL against the account's network ACL rule quota (`quotaProp`, validated here:
 * a whole number from 1 to 40). Throws before anything is created.
 */
export function checkEndpointAclQuota(scope: IConstruct, plan: EndpointAclPlan, quotaProp: string, givenQuota: number | undefined,
  cidrProps: string): number {
  const quota = validateQuota(scope, quotaProp, givenQuota, NETWORK_ACL_RULES_DEFAULT);
  if (quota > NETWORK_ACL_RULES_MAX) {
    invalidProp(scope, quotaProp, `${quota} is above ${NETWORK_ACL_RULES_MAX}, the most rules each way AWS allows in a network ACL`,
      `use at most ${NETWORK_ACL_RULES_MAX} (the raised quota of your account)`);
  }
  const over = [
    ...(plan.inbound > quota ? [`${plan.inbound} inbound rules`] : []),
    ...(plan.outbound > quota ? [`${plan.outbound} outbound rules`] : []),
  ];
  if (over.length > 0) {
    const n = plan.cidrs.length;
    invalidProp(scope, quotaProp, `${quota}${givenQuota === undefined ? ' (the default)' : ''} is too low: the network ACL of the endpoint subnets needs `
      + `${over.join(' and ')} for ${n} CIDR${n === 1 ? '' : 's'}, above the quota of ${quota} (inbound: ${IOT_ENDPOINT_PORTS.length} AWS IoT ports `
      + `per CIDR + 1 for replies to the load balancers; outbound: 1 per CIDR + ${IOT_ENDPOINT_PORTS.length} to the endpoint interfaces)`,
    `list fewer or summarized CIDRs in ${cidrProps} (a CIDR inside another listed one costs no rule), or have AWS raise the `
      + `"Inbound or outbound rules per network ACL" quota (up to ${NETWORK_ACL_RULES_MAX}) and set ${quotaProp} to the new value`);
  }
  return quota;
}

/** Creates the network ACL planned by `planEndpointSubnetAcl` on the endpoint subnets. */
export function endpointSubnetAcl(scope: Construct, id: string, vpc: ec2.IVpc, subnets: ec2.SubnetSelection, plan: EndpointAclPlan): ec2.NetworkAcl {
  const acl = new ec2.NetworkAcl(scope, id, { vpc, subnetSelection: subnets });
  for (const entry of plan.entries) {
    acl.addEntry(`${entry.egress ? 'Out' : 'In'}${entry.ruleNumber}`, {
      ruleNumber: entry.ruleNumber,
      cidr: ec2.AclCidr.ipv4(entry.cidr),
      traffic: entry.fromPort === entry.toPort ? ec2.AclTraffic.tcpPort(entry.fromPort) : ec2.AclTraffic.tcpPortRange(entry.fromPort, entry.toPort),
      direction: entry.egress ? ec2.TrafficDirection.EGRESS : ec2.TrafficDirection.INGRESS,
      ruleAction: ec2.Action.ALLOW,
    });
  }
  acknowledge(acl, [{
    id: 'AwsSolutions-VPC3',
    reason: 'The network ACL is a deliberate second layer on the AWS IoT endpoint subnets: stateless, it admits only 443/8443/8883 (and '
      + 'return traffic) from the named networks and consumer VPCs even if a security group is widened later.',
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
export function acknowledgeTopologyVpc(vpc: ec2.IVpc): void {
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
export function acknowledgeLoadBalancerSubnets(vpc: ec2.IVpc, subnetGroupName: string): void {
  for (const subnet of vpc.selectSubnets({ subnetGroupName }).subnets) {
    acknowledge(subnet, ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-VPCNoUnrestrictedRouteToIGW`,
      reason: 'This public subnet holds only the internet-facing front door (a Network Load Balancer with Elastic IPs): the route to the '
        + 'internet gateway is what makes the fixed addresses reachable; its security group admits only the named client CIDRs.',
    })));
  }
}
