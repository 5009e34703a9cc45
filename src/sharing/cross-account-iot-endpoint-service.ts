import { Annotations, Lazy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { IPrivateIotDataEndpoint } from '../endpoint/types';
import { StaticIpIotFrontDoor } from '../front-door/static-ip-iot-front-door';
import { invalidProp } from '../private/errors';
import { setFrontDoorOwner } from '../private/front-doors';
import { namedOutput } from '../private/outputs';
import { chinaAware, regionFacts } from '../private/partition';
import { ACCOUNT_ID, checkRegionName, isOwnAccount, ROLE_ARN } from '../private/validation';

/**
 * Properties of a `CrossAccountIotEndpointService`.
 */
export interface CrossAccountIotEndpointServiceProps {
  /**
   * The provider's ("gatekeeper") AWS IoT Core endpoints. Every network interface of every `iot.data` endpoint
   * becomes a target of the internal load balancer behind the service.
   */
  readonly endpoint: IPrivateIotDataEndpoint;

  /**
   * AWS account ids (12 digits) of the consumers allowed to connect an interface endpoint to the service.
   * @default - none (give `allowedRoleArns`, or call `allowAccount` later)
   */
  readonly allowedAccounts?: string[];

  /**
   * IAM role ARNs of the consumers allowed to connect (narrower than whole accounts).
   * @default - none
   */
  readonly allowedRoleArns?: string[];

  /**
   * Let every AWS principal request a connection (each still needs your acceptance while `acceptanceRequired`).
   * Endpoint service permissions take principals only (no organization conditions): use this with acceptance
   * required to serve a whole organization.
   * @default false
   */
  readonly allowAnyPrincipal?: boolean;

  /**
   * Whether each new consumer connection waits for your acceptance.
   * @default true
   */
  readonly acceptanceRequired?: boolean;

  /**
   * Regions from which consumers may connect (cross-region PrivateLink).
   * @default - the provider's region only
   */
  readonly supportedRegions?: string[];

  /**
   * The subnets of the internal load balancer, one per availability zone.
   * @default - private subnets, one per availability zone of the endpoint
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * The TCP ports consumers reach AWS IoT Core on.
   * @default [443, 8443, 8883]
   */
  readonly ports?: number[];

  /**
   * Protect the internal load balancer from deletion.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Your account's quota "Targets per Availability Zone per Network Load Balancer" (see `StaticIpIotFrontDoor`).
   * @default 500
   */
  readonly targetsPerZoneQuota?: number;

  /**
   * Your account's quota "Targets per Target Group per Region" (see `StaticIpIotFrontDoor`).
   * @default 1000
   */
  readonly targetsPerTargetGroupQuota?: number;
}

/**
 * A PrivateLink endpoint service in front of the provider's AWS IoT Core endpoints, shared with consumer accounts.
 *
 * In the AWS IoT blog's multi-account pattern the IoT account keeps the `iot.data` endpoints in a "gatekeeper" VPC;
 * legacy applications and third parties in other accounts connect an interface endpoint to this service
 * (`IotEndpointServiceConsumer`) and reach AWS IoT Core with the provider's normal ATS hostname.
 *
 * Traffic from consumers enters AWS IoT Core through the gatekeeper's endpoints: a VPC-only IoT policy must name
 * those (`VpceOnlyIotPolicy` with `endpoints: [gatekeeperEndpoint]`), not the consumers' endpoint ids.
 * AWS IoT Core sees the internal load balancer's private address as the source: a policy with `sourceIpCidrs` must
 * include the CIDRs of the load balancer's subnets (synthesis fails otherwise).
 *
 * @example
 * declare const gatekeeperEndpoint: PrivateIotDataEndpoint;
 * const service = new CrossAccountIotEndpointService(this, 'IotService', {
 *   endpoint: gatekeeperEndpoint,
 *   allowedAccounts: ['222222222222'],
 * });
 * // the stack outputs the name as `ServiceName` (pass it to the consumers); service.serviceName holds it too
 * new CfnOutput(this, 'ConsumerServiceName', { value: service.serviceName });
 * // the internal front door's load balancer
 * new CfnOutput(this, 'ServiceLoadBalancerArn', { value: service.frontDoor.loadBalancer.loadBalancerArn });
 */
export class CrossAccountIotEndpointService extends Construct {
  /**
   * The internal front door behind the service: its Network Load Balancer (`frontDoor.loadBalancer`) passes TCP
   * through onto the endpoint interfaces.
   */
  public readonly frontDoor: StaticIpIotFrontDoor;
  /**
   * The endpoint service: its `AWS::EC2::VPCEndpointService` (an `ec2.CfnVPCEndpointService`) is
   * `endpointService.node.defaultChild`. The permissions are this construct's own (`allowAccount`, `allowRole`).
   * Not aws-cdk-lib's `ec2.VpcEndpointService`, which creates the same resource but loads aws-cdk-lib's facts of every
   * region for the name's prefix (150-300 ms of a synthesis).
   */
  public readonly endpointService: ec2.IVpcEndpointService;
  /**
   * The service name consumers connect to, e.g. `com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0`
   * (`cn.com.amazonaws.vpce` in the China regions; in a stack without a region, chosen by a condition on the partition).
   * The same as `endpointService.vpcEndpointServiceName`.
   * @attribute
   */
  public readonly serviceName: string;
  /**
   * The service id, e.g. `vpce-svc-0123456789abcdef0`.
   * @attribute
   */
  public readonly serviceId: string;

  private readonly principals: string[] = [];

  constructor(scope: Construct, id: string, props: CrossAccountIotEndpointServiceProps) {
    super(scope, id);

    // --- validation first: bad input changes nothing -------------------------------------------------
    const accounts = props.allowedAccounts ?? [];
    const roleArns = props.allowedRoleArns ?? [];
    accounts.forEach((account) => this.checkAccount('allowedAccounts', account));
    roleArns.forEach((arn) => this.checkRoleArn('allowedRoleArns', arn));
    if (accounts.length === 0 && roleArns.length === 0 && !props.allowAnyPrincipal) {
      invalidProp(this, 'allowedAccounts', 'is empty and so is allowedRoleArns, so no consumer could connect to the endpoint service',
        'name the consumer accounts (or roles), or set allowAnyPrincipal: true with acceptanceRequired');
    }
    const acceptanceRequired = props.acceptanceRequired ?? true;
    if (props.allowAnyPrincipal && !acceptanceRequired) {
      invalidProp(this, 'acceptanceRequired', 'is false while allowAnyPrincipal is true, so any AWS account could connect to AWS IoT Core through your endpoints unreviewed',
        'keep acceptanceRequired: true, or name the consumers in allowedAccounts');
    }
    for (const region of props.supportedRegions ?? []) {
      checkRegionName(this, 'supportedRegions', region);
    }

    // --- load balancer and service ---------------------------------------------------------------------
    // The construct id stays 'LoadBalancer' (the member's name before 0.x renamed it frontDoor): it is part of the logical
    // ids of every resource of the load balancer.
    this.frontDoor = new StaticIpIotFrontDoor(this, 'LoadBalancer', {
      endpoint: props.endpoint,
      internetFacing: false,
      subnets: props.subnets,
      ports: props.ports,
      deletionProtection: props.deletionProtection,
      targetsPerZoneQuota: props.targetsPerZoneQuota,
      targetsPerTargetGroupQuota: props.targetsPerTargetGroupQuota,
    });
    // AWS IoT Core sees this load balancer's private address too: VpceOnlyIotPolicy's aws:VpcSourceIp check names the service.
    setFrontDoorOwner(this.frontDoor, this);
    // PrivateLink traffic arrives from the load balancer's own addresses, not the consumers': the security group's
    // inbound rules (VPC CIDR) would drop it, so they apply to traffic from inside the VPC only.
    const cfnLoadBalancer = this.frontDoor.loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer;
    cfnLoadBalancer.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic = 'off';

    // The service's name: aws-cdk-lib's ec2.VpcEndpointService reads it from region-info, which loads the facts of every
    // region (1.3 MB; about 150 ms of every synthesis, scripts/bench.ts); regionFacts knows the common regions' names.
    const stack = Stack.of(this);
    const prefix = Token.isUnresolved(stack.region)
      ? chinaAware(stack, 'cn.com.amazonaws.vpce', 'com.amazonaws.vpce')
      : regionFacts(stack.region).vpcEndpointServiceNamePrefix ?? (stack.region.startsWith('cn-') ? 'cn.com.amazonaws.vpce' : 'com.amazonaws.vpce');
    const service = new EndpointService(this, {
      networkLoadBalancerArns: [this.frontDoor.loadBalancer.loadBalancerArn],
      acceptanceRequired,
      supportedRegions: props.supportedRegions,
    }, prefix);
    this.endpointService = service;
    this.serviceId = service.vpcEndpointServiceId;
    this.serviceName = service.vpcEndpointServiceName;
    new ec2.CfnVPCEndpointServicePermissions(this, 'Permissions', {
      serviceId: this.serviceId,
      allowedPrincipals: Lazy.list({ produce: () => this.principals }),
    });
    accounts.forEach((account) => this.allowAccount(account));
    roleArns.forEach((arn) => this.allowRole(arn));
    if (props.allowAnyPrincipal) {
      this.principals.push('*');
      Annotations.of(this).addWarningV2('cdk-private-iot:endpointServiceOpenToAnyPrincipal',
        'allowAnyPrincipal is true: any AWS account can request a connection to AWS IoT Core through this service; '
        + 'review every request (acceptanceRequired), or name the consumers in allowedAccounts.');
    }

    namedOutput(this, 'ServiceName', {
      description: 'PrivateLink service name consumers connect their IoT interface endpoint to',
      value: this.serviceName,
    });
  }

  /** Lets another account connect an interface endpoint to the service. */
  public allowAccount(accountId: string): void {
    this.checkAccount('accountId', accountId);
    this.addPrincipal(`arn:${Stack.of(this).partition}:iam::${accountId}:root`);
  }

  /** Lets one IAM role of another account connect an interface endpoint to the service. */
  public allowRole(roleArn: string): void {
    this.checkRoleArn('roleArn', roleArn);
    this.addPrincipal(roleArn);
  }

  private addPrincipal(principal: string): void {
    const resolved = JSON.stringify(Stack.of(this).resolve(principal));
    if (!this.principals.some((p) => JSON.stringify(Stack.of(this).resolve(p)) === resolved)) {
      this.principals.push(principal);
    }
  }

  private checkAccount(prop: string, account: string): void {
    if (Token.isUnresolved(account)) {
      return;
    }
    if (!ACCOUNT_ID.test(account)) {
      invalidProp(this, prop, `contains '${account}', which is not an AWS account id`, 'use the 12-digit account id, e.g. 222222222222');
    }
    if (isOwnAccount(this, account)) {
      invalidProp(this, prop, `contains ${account}, the provider's own account, which needs no endpoint service`,
        'connect VPCs of this account to the endpoints directly (routing + IotPrivateHostedZone), and list only other accounts');
    }
  }

  private checkRoleArn(prop: string, arn: string): void {
    if (Token.isUnresolved(arn)) {
      return;
    }
    const match = ROLE_ARN.exec(arn);
    if (!match) {
      invalidProp(this, prop, `contains '${arn}', which is not an IAM role ARN`, 'use an ARN like arn:aws:iam::222222222222:role/IotConsumer');
    }
    this.checkAccount(prop, match![1]);
  }
}

/**
 * The `AWS::EC2::VPCEndpointService` as an `ec2.IVpcEndpointService`, with the service name of the stack's region
 * (aws-cdk-lib's `ec2.VpcEndpointService` creates the same resource, but loads region-info for the name).
 *
 * The L1 keeps the logical id it had as the construct's child 'Resource' (under aws-cdk-lib's L2, and before it): logical
 * ids leave out path components named 'Default', so '<service>/Resource/Default' gets the id of '<service>/Resource'. A
 * new logical id would replace the service, and a replacement has a new name, which breaks every consumer's endpoint.
 */
class EndpointService extends Resource implements ec2.IVpcEndpointService {
  public readonly vpcEndpointServiceId: string;
  public readonly vpcEndpointServiceName: string;

  constructor(scope: Construct, props: ec2.CfnVPCEndpointServiceProps, namePrefix: string) {
    super(scope, 'Resource');
    this.vpcEndpointServiceId = new ec2.CfnVPCEndpointService(this, 'Default', props).ref;
    this.vpcEndpointServiceName = `${namePrefix}.${this.stack.region}.${this.vpcEndpointServiceId}`;
  }

  /**
   * The reference newer aws-cdk-lib APIs take (`IVPCEndpointServiceRef`). Typed by its shape: the supported floor,
   * aws-cdk-lib 2.211.0, has neither that interface nor the L1's `vpcEndpointServiceRef`.
   */
  public get vpcEndpointServiceRef(): { readonly serviceId: string } {
    return { serviceId: this.vpcEndpointServiceId };
  }
}
