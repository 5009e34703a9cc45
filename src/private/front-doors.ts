import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { kindOf } from './errors';

/**
 * Which load balancers front which `iot.data` interface endpoints, across the app.
 *
 * Behind a Network Load Balancer with IP targets (client IP preservation off, as interface endpoint targets need),
 * AWS IoT Core sees the load balancer's private address in its subnets, not the device's. An IoT policy that
 * conditions `aws:VpcSourceIp` must therefore name those subnets' CIDRs, or every device that comes through the load
 * balancer is denied. `StaticIpIotFrontDoor` (and so `CrossAccountIotEndpointService`, which builds on it) records
 * itself here; `VpceOnlyIotPolicy` reads the records at synthesis, so the order of construction does not matter.
 */
export interface FrontDoorRecord {
  /** The construct users know the load balancer by: the front door, or the endpoint service that owns it. */
  owner: IConstruct;
  /** The load balancer's subnets. */
  readonly subnets: ec2.ISubnet[];
  /**
   * The subnets are aws-cdk-lib's placeholders (CLI's first synthesis pass over a `Vpc.fromLookup` VPC): nothing can
   * be checked until the next pass.
   */
  readonly pendingLookup: boolean;
}

/** Keyed by the `iot.data` interface endpoint construct the load balancer targets. */
const byEndpoint = new WeakMap<IConstruct, FrontDoorRecord[]>();
/** Keyed by the front door construct. */
const byFrontDoor = new WeakMap<IConstruct, FrontDoorRecord>();

/** Records that `frontDoor`'s load balancer (in `subnets`) targets the network interfaces of `endpoints`. */
export function registerFrontDoor(frontDoor: IConstruct, endpoints: IConstruct[], subnets: ec2.ISubnet[], pendingLookup: boolean): void {
  const record: FrontDoorRecord = { owner: frontDoor, subnets: [...subnets], pendingLookup };
  byFrontDoor.set(frontDoor, record);
  for (const endpoint of endpoints) {
    const records = byEndpoint.get(endpoint) ?? [];
    records.push(record);
    byEndpoint.set(endpoint, records);
  }
}

/** Names `owner` (e.g. a `CrossAccountIotEndpointService`) in messages about the load balancer of `frontDoor`. */
export function setFrontDoorOwner(frontDoor: IConstruct, owner: IConstruct): void {
  const record = byFrontDoor.get(frontDoor);
  if (record) {
    record.owner = owner;
  }
}

/** The load balancers that front `endpoint` (an `iot.data` interface endpoint construct), in order of creation. */
export function frontDoorsOf(endpoint: IConstruct): readonly FrontDoorRecord[] {
  return byEndpoint.get(endpoint) ?? [];
}

/** `StaticIpIotFrontDoor 'Stack/FrontDoor'`, for messages. */
export function describeOwner(record: FrontDoorRecord): string {
  return `${kindOf(record.owner)} '${record.owner.node.path}'`;
}

/**
 * The IPv4 CIDR block of a subnet, or undefined when it is unknown at synthesis: a subnet imported without it
 * (`Vpc.fromVpcAttributes` without `...SubnetIpv4CidrBlocks`, `Subnet.fromSubnetId`), whose `ipv4CidrBlock` aws-cdk-lib
 * throws on reading (CannotReferenceImportedSubnets). A token is returned as is.
 */
export function subnetCidrOf(subnet: ec2.ISubnet): string | undefined {
  try {
    return subnet.ipv4CidrBlock;
  } catch {
    return undefined;
  }
}
