import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { ipv4CidrContains, ipv4CidrsOverlap } from '../private/formats';
import { IotFlowSource, IotReachability } from '../verify/reachability';

/** What the IoT account of the reference topology exists for. */
export interface IotAccountFlowsProps {
  readonly dataHost: string;
  readonly credentialsHost?: string;
  readonly gatekeeperVpc: ec2.IVpc;
  readonly gatekeeperCidr: string;
  readonly deviceCidrs: string[];
  readonly onPremisesCidrs: string[];
  readonly consumerCidrs: string[];
  /** The front door's load balancer and accelerator, ports and allow-listed client CIDRs. */
  readonly frontDoor?: { loadBalancer: IConstruct; accelerator?: IConstruct; ports: number[]; clientCidrs: string[]; internetFacing: boolean };
}

/**
 * Declares the flows of the IoT account (`cdk-private-iot verify` checks them): devices in the device networks and
 * on premises reach the data host on every port, the credentials host, and what Greengrass core devices need
 * (greengrass, logs, S3); allow-listed clients reach the front door; and the negative flows: an undeclared private
 * range, other ports and other internet clients reach nothing. Flows whose hostnames are only known at deployment
 * (looked-up endpoints) are not declared: the verifier needs names.
 */
export function declareIotAccountFlows(scope: Construct, props: IotAccountFlowsProps): void {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(props.dataHost)) return;
  const hosts: Array<{ label: string; host: string; ports: number[] }> = [
    { label: 'data', host: props.dataHost, ports: [8883, 443, 8443] },
    ...(props.credentialsHost && !Token.isUnresolved(props.credentialsHost) ? [{ label: 'credentials', host: props.credentialsHost, ports: [443] }] : []),
    ...(Token.isUnresolved(region) ? [] : [
      { label: 'greengrass', host: `greengrass.${region}.${suffix(region)}`, ports: [443] },
      { label: 'logs', host: `logs.${region}.${suffix(region)}`, ports: [443] },
      { label: 's3', host: `component-artifacts.s3.${region}.${suffix(region)}`, ports: [443] },
    ]),
  ];
  const sources: Array<{ label: string; source: IotFlowSource }> = [
    { label: `gatekeeper VPC ${props.gatekeeperCidr}`, source: IotFlowSource.fromVpc(props.gatekeeperVpc) },
    ...props.deviceCidrs.map((cidr) => ({ label: `devices ${cidr}`, source: IotFlowSource.fromCidr(cidr) })),
    ...props.onPremisesCidrs.map((cidr) => ({ label: `on-premises ${cidr}`, source: IotFlowSource.onPremises(cidr) })),
  ];
  for (const { label, source } of sources) {
    for (const target of hosts) {
      IotReachability.declareFlow(scope, { name: `${label} -> ${target.label}`, source, sourceLabel: label, host: target.host, ports: target.ports });
    }
  }
  // negative flows: nothing answers on other ports; an undeclared private range reaches nothing
  const devices = sources[1] ?? sources[0];
  IotReachability.declareFlow(scope, {
    name: `${devices.label} -> data, other ports`, source: devices.source, sourceLabel: devices.label, host: props.dataHost, ports: [22, 80], expectBlocked: true,
  });
  const declared = [props.gatekeeperCidr, ...props.deviceCidrs, ...props.onPremisesCidrs, ...props.consumerCidrs];
  const undeclared = ['172.16.0.0/12', '100.64.0.0/10', '198.18.0.0/15'].find((cidr) => !declared.some((d) => !Token.isUnresolved(d) && ipv4CidrsOverlap(d, cidr)));
  if (undeclared) {
    IotReachability.declareFlow(scope, {
      name: `undeclared ${undeclared} -> data`,
      source: IotFlowSource.onPremises(undeclared),
      sourceLabel: `undeclared ${undeclared}`,
      host: props.dataHost,
      expectBlocked: true,
    });
  }
  const door = props.frontDoor;
  if (door) {
    for (const cidr of door.clientCidrs.filter((c) => !Token.isUnresolved(c))) {
      const onPremises = props.onPremisesCidrs.some((o) => !Token.isUnresolved(o) && ipv4CidrContains(o, cidr));
      const source = door.internetFacing ? IotFlowSource.internet(cidr) : onPremises ? IotFlowSource.onPremises(cidr) : IotFlowSource.fromCidr(cidr);
      const label = `${door.internetFacing ? 'internet' : 'clients'} ${cidr}`;
      IotReachability.declareFlow(scope, { name: `${label} -> front door`, source, sourceLabel: label, host: props.dataHost, ports: door.ports, connectTo: door.loadBalancer });
      if (door.accelerator) {
        IotReachability.declareFlow(scope, { name: `${label} -> accelerator`, source, sourceLabel: label, host: props.dataHost, ports: door.ports, connectTo: door.accelerator });
      }
    }
    // another internet client (TEST-NET-1, unless it is allow-listed)
    if (door.internetFacing && !door.clientCidrs.some((c) => !Token.isUnresolved(c) && ipv4CidrsOverlap(c, '192.0.2.0/24'))) {
      const source = IotFlowSource.internet('192.0.2.0/24');
      IotReachability.declareFlow(scope, {
        name: 'internet 192.0.2.0/24 -> front door',
        source,
        sourceLabel: 'internet 192.0.2.0/24 (not allow-listed)',
        host: props.dataHost,
        ports: door.ports,
        connectTo: door.loadBalancer,
        expectBlocked: true,
      });
      if (door.accelerator) {
        IotReachability.declareFlow(scope, {
          name: 'internet 192.0.2.0/24 -> accelerator',
          source,
          sourceLabel: 'internet 192.0.2.0/24 (not allow-listed)',
          host: props.dataHost,
          ports: door.ports,
          connectTo: door.accelerator,
          expectBlocked: true,
        });
      }
    }
  }
}

/** Declares the flows of a consumer account: its VPC reaches the data host on every port, and nothing on others. */
export function declareConsumerFlows(scope: Construct, vpc: ec2.IVpc, vpcCidr: string, dataHost: string): void {
  if (Token.isUnresolved(dataHost)) return;
  const label = `consumer VPC ${vpcCidr}`;
  const source = IotFlowSource.fromVpc(vpc);
  IotReachability.declareFlow(scope, { name: `${label} -> data`, source, sourceLabel: label, host: dataHost, ports: [8883, 443, 8443] });
  IotReachability.declareFlow(scope, { name: `${label} -> data, other ports`, source, sourceLabel: label, host: dataHost, ports: [22], expectBlocked: true });
}

function suffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}
