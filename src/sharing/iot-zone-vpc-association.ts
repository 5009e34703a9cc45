import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { invalidProp } from '../private/errors';
import { REGION } from '../private/formats';
import { IotLookups } from '../private/lookups';
import { ACCOUNT_ID, isOwnAccount, ROLE_ARN } from '../private/validation';

const HOSTED_ZONE_ID = /^Z[0-9A-Z]{1,32}$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * Properties of an `IotZoneVpcAuthorization`.
 */
export interface IotZoneVpcAuthorizationProps {
  /**
   * The private hosted zones (of this account) to authorize the VPC for, e.g. `dataZone` and `credentialsZone` of an
   * `IotPrivateHostedZone` or of one imported with `IotPrivateHostedZone.fromIotPrivateHostedZoneAttributes`.
   */
  readonly zones: route53.IHostedZone[];

  /** The id of the other account's VPC (`vpc-...`). */
  readonly vpcId: string;

  /** The account that owns the VPC (checked: it must not be this account). */
  readonly vpcAccount: string;

  /**
   * The region of the VPC.
   * @default - the stack's region
   */
  readonly vpcRegion?: string;
}

/**
 * Zone-owner side of associating the IoT private hosted zones with a VPC of another account, for accounts that do not
 * use Route 53 Profiles: `route53:CreateVPCAssociationAuthorization` for each zone (CloudFormation has no resource for
 * it), deleted again when this construct is removed. The VPC owner then associates its VPC (`IotZoneVpcAssociation`).
 *
 * The calls run through the stack's shared lookup function (one Lambda function per stack). Deleting is idempotent:
 * an authorization or zone that is already gone is not an error.
 *
 * @example
 * declare const zone: IotPrivateHostedZone;
 * new IotZoneVpcAuthorization(this, 'DeviceVpc', {
 *   zones: [zone.dataZone],
 *   vpcId: 'vpc-0123456789abcdef0',
 *   vpcAccount: '333333333333',
 * });
 */
export class IotZoneVpcAuthorization extends Construct {
  /** One authorization per zone. */
  public readonly authorizations: cr.AwsCustomResource[];

  constructor(scope: Construct, id: string, props: IotZoneVpcAuthorizationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.zones.length === 0) {
      invalidProp(this, 'zones', 'is empty', 'pass the IoT private hosted zones (e.g. zone.dataZone)');
    }
    checkFormat(this, 'vpcId', props.vpcId, VPC_ID, 'use the id of the other account\'s VPC, e.g. vpc-0123456789abcdef0');
    checkFormat(this, 'vpcAccount', props.vpcAccount, ACCOUNT_ID, 'use the 12-digit id of the account that owns the VPC');
    if (isOwnAccount(this, props.vpcAccount)) {
      invalidProp(this, 'vpcAccount', `${props.vpcAccount} is this account, which needs no authorization`,
        'associate VPCs of this account directly (IotPrivateHostedZone vpcs or addVpc)');
    }
    const vpcRegion = props.vpcRegion ?? stack.region;
    if (props.vpcRegion !== undefined) {
      checkFormat(this, 'vpcRegion', props.vpcRegion, REGION, 'use a region name like eu-west-1');
    }

    const lookups = IotLookups.of(this);
    this.authorizations = props.zones.map((zone, i) => {
      const params = { HostedZoneId: zone.hostedZoneId, VPC: { VPCId: props.vpcId, VPCRegion: vpcRegion } };
      const physicalResourceId = cr.PhysicalResourceId.of(`${zone.hostedZoneId}:${props.vpcId}`);
      return lookups.sdkChange(this, `Zone${i + 1}`, {
        create: { service: 'Route53', action: 'createVPCAssociationAuthorization', parameters: params, physicalResourceId },
        delete: {
          service: 'Route53',
          action: 'deleteVPCAssociationAuthorization',
          parameters: params,
          physicalResourceId,
          // already gone (or the zone itself was deleted first): nothing to undo
          ignoreErrorCodesMatching: 'NoSuchHostedZone|VPCAssociationAuthorizationNotFound',
        },
        statements: [new iam.PolicyStatement({
          actions: ['route53:CreateVPCAssociationAuthorization', 'route53:DeleteVPCAssociationAuthorization'],
          resources: [zone.hostedZoneArn],
        })],
        why: 'route53:*VPCAssociationAuthorization are scoped to the zone ARN; the statement has no wildcard.',
      });
    });
  }
}

/**
 * Properties of an `IotZoneVpcAssociation`.
 */
export interface IotZoneVpcAssociationProps {
  /** Ids of the IoT account's private hosted zones (strings from that account's outputs). */
  readonly hostedZoneIds: string[];

  /** The VPC of this account to associate. */
  readonly vpc: ec2.IVpc;

  /**
   * A role to assume for the calls (e.g. a role of the network account that may associate its VPCs).
   * @default - the stack's lookup function role
   */
  readonly assumedRoleArn?: string;
}

/**
 * VPC-owner side of associating the IoT account's private hosted zones with a VPC of this account, after the zone
 * owner authorized it (`IotZoneVpcAuthorization`): `route53:AssociateVPCWithHostedZone` for each zone, and
 * `DisassociateVPCFromHostedZone` when removed (a zone or association that is already gone is not an error).
 * A missing authorization fails the deployment with Route 53's `NotAuthorizedException`.
 *
 * @example
 * declare const deviceVpc: ec2.IVpc;
 * new IotZoneVpcAssociation(this, 'IotZones', {
 *   hostedZoneIds: ['Z0123456789ABCDEFGHIJ'],
 *   vpc: deviceVpc,
 * });
 */
export class IotZoneVpcAssociation extends Construct {
  /** One association per zone. */
  public readonly associations: cr.AwsCustomResource[];

  constructor(scope: Construct, id: string, props: IotZoneVpcAssociationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.hostedZoneIds.length === 0) {
      invalidProp(this, 'hostedZoneIds', 'is empty', 'pass the ids of the IoT account\'s private hosted zones');
    }
    props.hostedZoneIds.forEach((zoneId) => checkFormat(this, 'hostedZoneIds', zoneId, HOSTED_ZONE_ID,
      'use hosted zone ids like Z0123456789ABCDEFGHIJ (without /hostedzone/)'));
    if (new Set(props.hostedZoneIds).size !== props.hostedZoneIds.length) {
      invalidProp(this, 'hostedZoneIds', 'lists a zone twice', 'list each zone once');
    }
    if (props.assumedRoleArn !== undefined) {
      checkFormat(this, 'assumedRoleArn', props.assumedRoleArn, ROLE_ARN, 'use an IAM role ARN like arn:aws:iam::333333333333:role/ZoneAssociation');
    }

    const lookups = IotLookups.of(this);
    this.associations = props.hostedZoneIds.map((zoneId, i) => {
      const params = { HostedZoneId: zoneId, VPC: { VPCId: props.vpc.vpcId, VPCRegion: stack.region } };
      const physicalResourceId = cr.PhysicalResourceId.of(`${zoneId}:${props.vpc.vpcId}`);
      const zoneArn = stack.formatArn({ service: 'route53', region: '', account: '', resource: 'hostedzone', resourceName: zoneId });
      const associate: cr.AwsSdkCall = {
        service: 'Route53', action: 'associateVPCWithHostedZone', parameters: params, physicalResourceId, assumedRoleArn: props.assumedRoleArn,
      };
      return lookups.sdkChange(this, `Zone${i + 1}`, {
        create: associate,
        // An update that keeps the zone and VPC (e.g. a new assumedRoleArn) re-associates the same pair, which Route 53
        // answers with ConflictingDomainExists: harmless then. On create that code stays an error, because it also
        // means another zone of the same name is already on the VPC.
        update: { ...associate, ignoreErrorCodesMatching: 'ConflictingDomainExists' },
        delete: {
          service: 'Route53',
          action: 'disassociateVPCFromHostedZone',
          parameters: params,
          physicalResourceId,
          assumedRoleArn: props.assumedRoleArn,
          // the zone owner deleted the zone (or the association) first: nothing to undo
          ignoreErrorCodesMatching: 'NoSuchHostedZone|VPCAssociationNotFound',
        },
        statements: props.assumedRoleArn
          ? [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [props.assumedRoleArn] })]
          : [
            new iam.PolicyStatement({
              actions: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'],
              resources: [zoneArn],
            }),
            new iam.PolicyStatement({
              actions: ['ec2:DescribeVpcs'],
              resources: ['*'],
            }),
          ],
        why: 'ec2:DescribeVpcs, which Route 53 requires for associating a VPC, does not support resource-level permissions.',
      });
    });
  }
}

function checkFormat(scope: IConstruct, prop: string, value: string, pattern: RegExp, fix: string): void {
  if (!Token.isUnresolved(value) && !pattern.test(value)) {
    invalidProp(scope, prop, `contains '${value}', which is not valid`, fix);
  }
}
