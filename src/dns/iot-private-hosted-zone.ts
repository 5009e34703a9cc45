import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct, IConstruct } from 'constructs';
import { IotEndpointDnsName, IPrivateIotDataEndpoint } from '../endpoint/types';
import { invalidProp } from '../private/errors';
import { MAX_WEIGHTED_RECORDS_PER_NAME } from '../private/limits';
import { checkStackLimits } from '../private/stack-limits';
import { ATS_DATA_HOST, CREDENTIALS_HOST, sameVpc } from '../private/validation';

/**
 * How the IoT hostnames resolve to the interface endpoints.
 */
export enum IotRecordStyle {
  /**
   * One weighted A record (and AAAA for dual-stack) per network interface address of every endpoint, all of equal
   * weight: each answer is one address, spread evenly over every endpoint and zone (the AWS IoT blog pattern).
   */
  WEIGHTED_IPS = 'WEIGHTED_IPS',

  /**
   * Weighted alias A records (and AAAA for dual-stack) to every DNS name of every endpoint (the regional name and the
   * zonal ones), of equal weight. Needs no address lookup at deployment.
   */
  ALIAS = 'ALIAS',
}

/** One private zone of an `IotPrivateHostedZone` associated with one VPC. */
interface ZoneAssociation {
  readonly zone: IotPrivateHostedZone;
  readonly zoneName: string;
  readonly vpc: ec2.IVpc;
}

/**
 * Every association of every `IotPrivateHostedZone` of an app (keyed by the construct tree's root): Route 53 refuses
 * a second private hosted zone of the same name on a VPC (`ConflictingDomainExists`), which otherwise fails only at
 * deployment.
 */
const associationsByApp = new WeakMap<IConstruct, ZoneAssociation[]>();

/**
 * The private hosted zones that make the account's AWS IoT hostnames resolve to interface VPC endpoints: an
 * `IotPrivateHostedZone`, or one imported with `IotPrivateHostedZone.fromIotPrivateHostedZoneAttributes`.
 */
export interface IIotPrivateHostedZone extends IConstruct {
  /** The zone named after the ATS data endpoint. */
  readonly dataZone: route53.IPrivateHostedZone;

  /**
   * The zone named after the credential provider endpoint.
   * @default - none
   */
  readonly credentialsZone?: route53.IPrivateHostedZone;
}

/**
 * Attributes of IoT private hosted zones created elsewhere (another stack or app, or by hand), for
 * `IotPrivateHostedZone.fromIotPrivateHostedZoneAttributes`.
 */
export interface IotPrivateHostedZoneAttributes {
  /**
   * The zone named after the ATS data endpoint, e.g. from `route53.PrivateHostedZone.fromPrivateHostedZoneId`.
   */
  readonly dataZone: route53.IPrivateHostedZone;

  /**
   * The zone named after the credential provider endpoint.
   * @default - none
   */
  readonly credentialsZone?: route53.IPrivateHostedZone;
}

/**
 * Properties of an `IotPrivateHostedZone`.
 */
export interface IotPrivateHostedZoneProps {
  /** The endpoints the IoT hostnames should resolve to. */
  readonly endpoint: IPrivateIotDataEndpoint;

  /**
   * How the hostnames resolve to the endpoints.
   * @default IotRecordStyle.WEIGHTED_IPS
   */
  readonly recordStyle?: IotRecordStyle;

  /**
   * The VPCs (of this account) that resolve the IoT hostnames to the endpoints.
   * @default - the endpoint's VPC
   */
  readonly vpcs?: ec2.IVpc[];

  /**
   * Time to live of the weighted address records (alias records have none of their own).
   * @default Duration.minutes(1)
   */
  readonly ttl?: Duration;

  /**
   * A comment on the hosted zones.
   * @default - a comment that names this library and the endpoint type
   */
  readonly comment?: string;
}

/**
 * Private hosted zones that make the account's AWS IoT hostnames resolve to interface VPC endpoints.
 *
 * AWS offers no private DNS for `iot.data` and `iot.credentials` endpoints, so this creates a private hosted zone
 * named exactly after the ATS data endpoint (`xxxx-ats.iot.<region>.amazonaws.com`; never the whole
 * `iot.<region>.amazonaws.com`, which would shadow every other AWS IoT host), and one after the credential provider
 * endpoint when the endpoint construct has one, with records pointing at every endpoint.
 *
 * A VPC can be associated with only one private hosted zone of a name: two `IotPrivateHostedZone`s of the app with
 * the same hostname on the same VPC fail at synthesis (pass several endpoints to one zone, or associate the VPC
 * with one of them only).
 *
 * @example
 * declare const endpoint: PrivateIotDataEndpoint;
 * declare const deviceVpc: ec2.IVpc;
 * new IotPrivateHostedZone(this, 'IotZone', {
 *   endpoint,
 *   vpcs: [endpoint.vpc, deviceVpc],
 * });
 */
export class IotPrivateHostedZone extends Construct implements IIotPrivateHostedZone {
  /**
   * Imports IoT private hosted zones created elsewhere (another stack or app, or by hand), e.g. to share them
   * (`IotZoneProfile`, `IotZoneVpcAuthorization`) from a stack that did not create them.
   */
  public static fromIotPrivateHostedZoneAttributes(scope: Construct, id: string, attrs: IotPrivateHostedZoneAttributes): IIotPrivateHostedZone {
    return new ImportedIotPrivateHostedZone(scope, id, attrs);
  }

  /**
   * The zone named after the ATS data endpoint. Associate further VPCs with `addVpc` (which checks them), not
   * through the zone.
   */
  public readonly dataZone: route53.IPrivateHostedZone;

  /**
   * The zone named after the credential provider endpoint.
   * @default - none (the endpoint construct has no credentials endpoint)
   */
  public readonly credentialsZone?: route53.IPrivateHostedZone;

  /** The record style in use. */
  public readonly recordStyle: IotRecordStyle;

  /** The records of the data zone. */
  public readonly dataRecords: route53.IRecordSet[];

  /** The records of the credentials zone (empty when there is none). */
  public readonly credentialsRecords: route53.IRecordSet[];

  private readonly endpoint: IPrivateIotDataEndpoint;
  /** The zones this construct creates (the data zone, and the credentials zone if any). */
  private readonly zones: route53.PrivateHostedZone[] = [];
  private readonly associated: ec2.IVpc[] = [];
  /** The names of the zones this construct creates (the data host, and the credentials host if any). */
  private readonly zoneNames: string[];

  constructor(scope: Construct, id: string, props: IotPrivateHostedZoneProps) {
    super(scope, id);
    this.endpoint = props.endpoint;
    this.recordStyle = props.recordStyle ?? IotRecordStyle.WEIGHTED_IPS;
    const ttl = props.ttl ?? Duration.minutes(1);
    const vpcs = props.vpcs ?? [props.endpoint.vpc];

    // --- validation first: bad input changes nothing -----------------------------------------------------
    if (vpcs.length === 0) {
      invalidProp(this, 'vpcs', 'is empty, so no VPC would resolve the IoT hostnames privately', 'list at least one VPC, or omit vpcs for the endpoint\'s VPC');
    }
    vpcs.forEach((vpc) => this.checkSameAccount('vpcs', vpc));
    vpcs.forEach((vpc, i) => {
      if (vpcs.slice(0, i).some((other) => sameVpc(this, other, vpc))) {
        invalidProp(this, 'vpcs', `lists '${vpc.node.path}' twice (the same VPC id)`, 'list each VPC once');
      }
    });
    const dataHost = props.endpoint.dataEndpointAddress();
    const credentialsHost = props.endpoint.credentialsEndpoint ? props.endpoint.credentialsEndpointAddress() : undefined;
    const zoneNames = [dataHost, ...(credentialsHost ? [credentialsHost] : [])];
    vpcs.forEach((vpc) => this.checkNoZoneOfSameName('vpcs', vpc, zoneNames));
    this.checkZoneName('dataEndpointAddress', dataHost, ATS_DATA_HOST);
    this.checkZoneName('credentialsEndpointAddress', credentialsHost, CREDENTIALS_HOST);
    if (!Token.isUnresolved(ttl.toSeconds()) && (ttl.toSeconds() < 1 || ttl.toSeconds() > 172800)) {
      invalidProp(this, 'ttl', `${ttl.toSeconds()} s is outside what Route 53 accepts`, 'use 1 s to 2 days; 60 s spreads devices over the endpoints quickly');
    }
    const dataEndpoints = props.endpoint.dataEndpoints;
    if (this.recordStyle === IotRecordStyle.ALIAS) {
      // An imported endpoint cannot name its DNS entries: it says so here, before anything is created.
      dataEndpoints.forEach((e) => props.endpoint.dnsNames(e));
    }
    const perName = this.recordsPerName(dataEndpoints.length);
    if (perName > MAX_WEIGHTED_RECORDS_PER_NAME) {
      invalidProp(this, 'endpoint', `needs ${perName} weighted records for one name (${dataEndpoints.length} endpoints x ${this.namesPerEndpoint()} per endpoint), `
        + `over the Route 53 limit of ${MAX_WEIGHTED_RECORDS_PER_NAME}`, 'use fewer availability zones or endpoints (each endpoint takes 100,000 devices; lower expectedDevices), or split the fleet across VPCs');
    }

    // --- zones and records ---------------------------------------------------------------------------------
    const comment = props.comment ?? 'AWS IoT Core private path (cdk-private-iot)';
    const dataZone = new route53.PrivateHostedZone(this, 'DataZone', {
      zoneName: dataHost,
      vpc: vpcs[0],
      comment: `${comment}: ATS data endpoint`,
    });
    this.dataZone = dataZone;
    this.zones.push(dataZone);
    this.dataRecords = dataEndpoints.flatMap((e, i) => this.addRecords(dataZone, `DataEndpoint${i + 1}`, e, ttl));

    const credentials = props.endpoint.credentialsEndpoint;
    if (credentials && credentialsHost) {
      const credentialsZone = new route53.PrivateHostedZone(this, 'CredentialsZone', {
        zoneName: credentialsHost,
        vpc: vpcs[0],
        comment: `${comment}: credential provider endpoint`,
      });
      this.credentialsZone = credentialsZone;
      this.zones.push(credentialsZone);
      this.credentialsRecords = this.addRecords(credentialsZone, 'CredentialsEndpoint', credentials, ttl);
    } else {
      this.credentialsRecords = [];
    }
    this.zoneNames = zoneNames;
    this.associated.push(vpcs[0]);
    this.registerAssociation(vpcs[0]);
    vpcs.slice(1).forEach((vpc) => this.addVpc(vpc));
    checkStackLimits(this, {
      prop: 'endpoint',
      detail: `endpoint with ${dataEndpoints.length} iot.data endpoints, recordStyle ${this.recordStyle}: ${this.dataRecords.length + this.credentialsRecords.length} records`,
      fix: 'move the zone into a stack of its own (pass it the endpoint)',
    });
  }

  /** The VPCs the zones are associated with. */
  public get vpcs(): ec2.IVpc[] {
    return [...this.associated];
  }

  /**
   * Lets another VPC of this account resolve the IoT hostnames to the endpoints (the VPC needs a route to the
   * endpoint subnets, e.g. through a Transit Gateway or peering).
   */
  public addVpc(vpc: ec2.IVpc): void {
    this.checkSameAccount('vpc', vpc);
    if (this.associated.some((other) => sameVpc(this, other, vpc))) {
      invalidProp(this, 'vpc', `'${vpc.node.path}' is associated already`, 'associate each VPC once');
    }
    this.checkNoZoneOfSameName('vpc', vpc, this.zoneNames);
    this.zones.forEach((zone) => zone.addVpc(vpc));
    this.associated.push(vpc);
    this.registerAssociation(vpc);
  }

  private registerAssociation(vpc: ec2.IVpc): void {
    const root = this.node.root;
    const associations = associationsByApp.get(root) ?? [];
    associations.push(...this.zoneNames.map((zoneName) => ({ zone: this, zoneName, vpc })));
    associationsByApp.set(root, associations);
  }

  /**
   * Throws when another `IotPrivateHostedZone` of the app has a zone of one of `names` on `vpc`. Names and VPC ids
   * are compared as literals, or resolved when both sides are in one stack (the same lookup token is the same name);
   * across stacks, VPCs given as tokens match only when they are the same `IVpc` object.
   */
  private checkNoZoneOfSameName(prop: string, vpc: ec2.IVpc, names: string[]): void {
    for (const other of associationsByApp.get(this.node.root) ?? []) {
      if (other.zone === this) {
        continue;
      }
      const name = names.find((n) => sameValue(this, n, other.zone, other.zoneName, normalizeZoneName));
      if (name !== undefined && (vpc === other.vpc || sameValue(this, vpc.vpcId, other.zone, other.vpc.vpcId))) {
        const shown = Token.isUnresolved(name) ? 'the account\'s endpoint hostname (looked up at deployment)' : `'${name}'`;
        invalidProp(this, prop, `associates a private zone named ${shown} with VPC '${vpc.node.path}'${Token.isUnresolved(vpc.vpcId) ? '' : ` (${vpc.vpcId})`}, `
          + `which IotPrivateHostedZone '${other.zone.node.path}' associates a zone of the same name with already: Route 53 rejects a second private `
          + 'hosted zone of one name on a VPC (ConflictingDomainExists)',
        `associate the VPC with only one of the two zones (drop it from the vpcs or addVpc calls of '${this.node.path}' or of '${other.zone.node.path}')`);
      }
    }
  }

  /**
   * The zone must be named exactly after the account's endpoint: a wider name (`iot.<region>.amazonaws.com`) would
   * shadow every other AWS IoT host of the region in the associated VPCs.
   */
  private checkZoneName(attribute: string, name: string | undefined, pattern: RegExp): void {
    if (name === undefined || Token.isUnresolved(name) || pattern.test(name)) {
      return;
    }
    invalidProp(this, 'endpoint', `has ${attribute} '${name}', which is not the account's own AWS IoT endpoint hostname, so a zone of that name `
      + 'would shadow other AWS IoT hosts (or answer for nothing)', 'use the address from `aws iot describe-endpoint` (the `-ats` data host or the credentials host)');
  }

  private namesPerEndpoint(): number {
    const perEndpoint = this.recordStyle === IotRecordStyle.ALIAS
      ? this.endpoint.networkInterfacesPerEndpoint + 1
      : this.endpoint.networkInterfacesPerEndpoint;
    return perEndpoint;
  }

  private recordsPerName(endpoints: number): number {
    return endpoints * this.namesPerEndpoint();
  }

  private addRecords(zone: route53.IHostedZone, prefix: string, endpoint: ec2.IInterfaceVpcEndpoint, ttl: Duration): route53.RecordSet[] {
    const records: route53.RecordSet[] = [];
    const weighted = { zone, weight: 1 };
    if (this.recordStyle === IotRecordStyle.ALIAS) {
      this.endpoint.dnsNames(endpoint).forEach((name, i) => {
        const target = route53.RecordTarget.fromAlias(new EndpointDnsAlias(name));
        const setIdentifier = `${prefix}-name-${i + 1}`;
        records.push(new route53.ARecord(this, `${prefix}Alias${i + 1}`, { ...weighted, target, setIdentifier }));
        if (this.endpoint.dualStack) {
          records.push(new route53.AaaaRecord(this, `${prefix}AliasIpv6${i + 1}`, { ...weighted, target, setIdentifier }));
        }
      });
      return records;
    }
    this.endpoint.privateIpAddresses(endpoint).forEach((ip, i) => {
      records.push(new route53.ARecord(this, `${prefix}Ip${i + 1}`, {
        ...weighted, ttl, target: route53.RecordTarget.fromIpAddresses(ip), setIdentifier: `${prefix}-ip-${i + 1}`,
      }));
    });
    if (this.endpoint.dualStack) {
      this.endpoint.ipv6Addresses(endpoint).forEach((ip, i) => {
        records.push(new route53.AaaaRecord(this, `${prefix}Ipv6${i + 1}`, {
          ...weighted, ttl, target: route53.RecordTarget.fromIpAddresses(ip), setIdentifier: `${prefix}-ipv6-${i + 1}`,
        }));
      });
    }
    return records;
  }

  private checkSameAccount(prop: string, vpc: ec2.IVpc): void {
    const mine = Stack.of(this).account;
    const theirs = vpc.env.account;
    if (!Token.isUnresolved(mine) && !Token.isUnresolved(theirs) && mine !== theirs) {
      invalidProp(this, prop, `'${vpc.node.path}' belongs to account ${theirs}, not ${mine}, and a zone can be associated directly only with VPCs of its own account`,
        'associate that VPC from its own account (VPC association authorization or a Route 53 Profile)');
    }
  }
}

/**
 * Whether two values (of constructs `a` and `b`) are the same: equal literals, or equal resolved values when both
 * constructs are in one stack. Different tokens of different stacks are never the same.
 */
function sameValue(a: IConstruct, x: string, b: IConstruct, y: string, normalize: (v: string) => string = (v) => v): boolean {
  if (!Token.isUnresolved(x) && !Token.isUnresolved(y)) {
    return normalize(x) === normalize(y);
  }
  const stack = Stack.of(a);
  return stack === Stack.of(b) && JSON.stringify(stack.resolve(x)) === JSON.stringify(stack.resolve(y));
}

/** DNS names compare case-insensitively, with or without the trailing dot. */
function normalizeZoneName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** An alias target that is one DNS name of an interface VPC endpoint. */
class EndpointDnsAlias implements route53.IAliasRecordTarget {
  constructor(private readonly name: IotEndpointDnsName) {}

  public bind(): route53.AliasRecordTargetConfig {
    return { dnsName: this.name.dnsName, hostedZoneId: this.name.hostedZoneId };
  }
}

/** IoT private hosted zones created elsewhere (`IotPrivateHostedZone.fromIotPrivateHostedZoneAttributes`). */
class ImportedIotPrivateHostedZone extends Construct implements IIotPrivateHostedZone {
  public readonly dataZone: route53.IPrivateHostedZone;
  public readonly credentialsZone?: route53.IPrivateHostedZone;

  constructor(scope: Construct, id: string, attrs: IotPrivateHostedZoneAttributes) {
    super(scope, id);
    if (attrs.credentialsZone !== undefined && sameValue(this, attrs.dataZone.hostedZoneId, this, attrs.credentialsZone.hostedZoneId)) {
      invalidProp(this, 'credentialsZone', 'is the same hosted zone as dataZone',
        'pass the zone named after the credential provider endpoint, or omit credentialsZone');
    }
    this.dataZone = attrs.dataZone;
    this.credentialsZone = attrs.credentialsZone;
  }
}
