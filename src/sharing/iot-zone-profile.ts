import { Names, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ram from 'aws-cdk-lib/aws-ram';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53profiles from 'aws-cdk-lib/aws-route53profiles';
import { Construct } from 'constructs';
import { invalidProp } from '../private/errors';
import { ACCOUNT_ID, isOwnAccount } from '../private/validation';

/**
 * Properties of an `IotZoneProfile`.
 */
export interface IotZoneProfileProps {
  /**
   * The private hosted zones to share (e.g. `dataZone` and `credentialsZone` of an `IotPrivateHostedZone` or of one
   * imported with `IotPrivateHostedZone.fromIotPrivateHostedZoneAttributes`, and zones named
   * after AWS service hostnames such as `greengrass.<region>.amazonaws.com` that point at interface endpoints). Each
   * zone is one profile resource association (`Zone1`, `Zone2`, ... in this order: append new zones at the end, so the
   * associations of the others keep their ids).
   */
  readonly zones: route53.IHostedZone[];

  /**
   * Account ids (12 digits) to share the profile with.
   * @default - none
   */
  readonly shareWithAccounts?: string[];

  /**
   * AWS Organizations organization or organizational unit ARNs to share the profile with.
   * @default - none
   */
  readonly shareWithOrganizationArns?: string[];

  /**
   * Allow sharing with accounts outside your AWS organization (third parties).
   * @default false
   */
  readonly allowExternalPrincipals?: boolean;
}

/**
 * A Route 53 Profile holding the IoT private hosted zones, shared with other accounts through AWS RAM: the
 * CloudFormation-native way to let VPCs of other accounts (device network, consumers) resolve the IoT hostnames.
 * Each receiving account associates the profile with its VPCs (`IotZoneProfileAssociation`).
 *
 * @example
 * declare const zone: IotPrivateHostedZone;
 * const profile = new IotZoneProfile(this, 'IotZones', {
 *   zones: [zone.dataZone],
 *   shareWithAccounts: ['333333333333'],
 * });
 * new CfnOutput(this, 'ProfileId', { value: profile.profileId });
 */
export class IotZoneProfile extends Construct {
  /** The Route 53 Profile. */
  public readonly profile: route53profiles.CfnProfile;
  /** The RAM share of the profile. */
  public readonly share: ram.CfnResourceShare;
  /**
   * The profile id the receiving accounts associate with their VPCs.
   * @attribute
   */
  public readonly profileId: string;

  constructor(scope: Construct, id: string, props: IotZoneProfileProps) {
    super(scope, id);
    const accounts = props.shareWithAccounts ?? [];
    const organizations = props.shareWithOrganizationArns ?? [];
    if (props.zones.length === 0) {
      invalidProp(this, 'zones', 'is empty', 'pass the IoT private hosted zones (e.g. zone.dataZone)');
    }
    for (const account of accounts) {
      if (Token.isUnresolved(account)) {
        continue;
      }
      if (!ACCOUNT_ID.test(account)) {
        invalidProp(this, 'shareWithAccounts', `contains '${account}', which is not an AWS account id`, 'use 12-digit account ids');
      }
      if (isOwnAccount(this, account)) {
        invalidProp(this, 'shareWithAccounts', `contains ${account}, the zones' own account`,
          'associate VPCs of this account with the zones directly (IotPrivateHostedZone vpcs), and share only with other accounts');
      }
    }
    for (const arn of organizations) {
      if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:organizations::\d{12}:(organization\/o-[a-z0-9]{10,32}|ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})$/.test(arn)) {
        invalidProp(this, 'shareWithOrganizationArns', `contains '${arn}', which is not an organization or OU ARN`,
          'use arn:aws:organizations::<management account>:organization/o-... or .../ou/o-.../ou-...');
      }
    }
    if (accounts.length === 0 && organizations.length === 0) {
      invalidProp(this, 'shareWithAccounts', 'is empty and so is shareWithOrganizationArns, so the profile would be shared with nobody',
        'name the accounts or organizational units whose VPCs should resolve the IoT hostnames');
    }

    const name = Names.uniqueResourceName(this, { maxLength: 64 });
    this.profile = new route53profiles.CfnProfile(this, 'Resource', { name });
    this.profileId = this.profile.attrId;
    props.zones.forEach((zone, i) => {
      const suffix = `-zone${i + 1}`; // association names are at most 64 characters
      new route53profiles.CfnProfileResourceAssociation(this, `Zone${i + 1}`, {
        name: `${name.slice(0, 64 - suffix.length)}${suffix}`,
        profileId: this.profile.attrId,
        resourceArn: zone.hostedZoneArn,
      });
    });
    this.share = new ram.CfnResourceShare(this, 'Share', {
      name,
      resourceArns: [this.profile.attrArn],
      principals: [...accounts, ...organizations],
      allowExternalPrincipals: props.allowExternalPrincipals ?? false,
    });
  }
}

/**
 * Properties of an `IotZoneProfileAssociation`.
 */
export interface IotZoneProfileAssociationProps {
  /** The shared profile's id (`IotZoneProfile.profileId`, passed as a string from the zone owner's account). */
  readonly profileId: string;

  /** The VPC of this account that should resolve the IoT hostnames. */
  readonly vpc: ec2.IVpc;
}

/**
 * Associates a Route 53 Profile shared by the IoT account (`IotZoneProfile`) with a VPC of this account, so the VPC
 * resolves the IoT hostnames to the private endpoints.
 *
 * @example
 * declare const deviceVpc: ec2.IVpc;
 * new IotZoneProfileAssociation(this, 'IotZones', {
 *   profileId: 'rp-0123456789abcdef',
 *   vpc: deviceVpc,
 * });
 */
export class IotZoneProfileAssociation extends Construct {
  /** The association. */
  public readonly association: route53profiles.CfnProfileAssociation;

  constructor(scope: Construct, id: string, props: IotZoneProfileAssociationProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.profileId) && !/^rp-[0-9a-z]{8,32}$/.test(props.profileId)) {
      invalidProp(this, 'profileId', `'${props.profileId}' is not a Route 53 Profile id`, 'use the profileId output of the IoT account, e.g. rp-0123456789abcdef');
    }
    this.association = new route53profiles.CfnProfileAssociation(this, 'Resource', {
      name: Names.uniqueResourceName(this, { maxLength: 64 }),
      profileId: props.profileId,
      resourceId: props.vpc.vpcId,
    });
  }
}
