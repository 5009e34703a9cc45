import { Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import type { IPrivateIotDataEndpoint } from '../endpoint/types';
import { invalidProp } from '../private/errors';
import { isIpv4CidrBlock, ipv4CidrContains } from '../private/formats';
import { IotLookups } from '../private/lookups';
import { namedOutput } from '../private/outputs';
import { chinaAware } from '../private/partition';
import { checkIpv4Cidrs, checkStackRegion } from '../private/validation';

/** Route 53 Resolver quota "IP addresses per endpoint" (adjustable; default). */
const MAX_ADDRESSES_PER_ENDPOINT = 6;

/** The configuration syntax of an on-premises DNS server, for `IotResolverInboundEndpoint.forwarderConfiguration`. */
export enum DnsForwarderSyntax {
  /** BIND 9 `named.conf`: one `zone "<name>" { type forward; forward only; forwarders { ... }; };` per name. */
  BIND = 'BIND',
  /** Unbound `unbound.conf`: one `forward-zone:` block per name. */
  UNBOUND = 'UNBOUND',
  /** Windows Server DNS: one `Add-DnsServerConditionalForwarderZone` PowerShell command per name. */
  WINDOWS = 'WINDOWS',
}

/**
 * Properties of an `IotResolverInboundEndpoint`.
 */
export interface IotResolverInboundEndpointProps {
  /** The VPC whose DNS view the on-premises resolvers get: the one the IoT private hosted zones are associated with. */
  readonly vpc: ec2.IVpc;

  /**
   * The networks whose DNS servers forward to the endpoint (the on-premises resolvers' CIDRs, other VPCs): the security
   * group admits DNS (UDP and TCP 53) from them and nothing else.
   */
  readonly allowedCidrs: string[];

  /**
   * The subnets of the endpoint's addresses: one address per subnet, at least two subnets in two availability zones
   * (Route 53 Resolver requires two addresses; two zones keep DNS up when one zone is not).
   * @default - one private (else isolated) subnet per availability zone of the VPC, at most 6
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Fixed IPv4 addresses, one per subnet in the order of `subnets`, each inside its subnet's CIDR, so the on-premises
   * forwarders can be configured before deployment and never change.
   * @default - Route 53 Resolver picks the addresses; `ipAddresses` are then looked up at deployment
   */
  readonly ipAddresses?: string[];

  /**
   * The security group of the endpoint.
   * @default - a new security group admitting DNS from `allowedCidrs` only, with no outbound rule
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * Domain names the on-premises DNS servers forward to this endpoint (add more with `forwardDomain`,
   * `forwardIotEndpoint` and `forwardAwsService`).
   * @default - none
   */
  readonly forwardedDomains?: string[];

  /**
   * A name for the endpoint (shown in the Route 53 Resolver console).
   * @default - none
   */
  readonly endpointName?: string;
}

/**
 * A Route 53 Resolver inbound endpoint for on-premises DNS: the corporate DNS servers forward the AWS IoT hostnames
 * (and the AWS service names Greengrass core devices use) to its addresses over Direct Connect or Site-to-Site VPN, and
 * get the answers of the VPC's DNS view: the IoT private hosted zones and the private DNS of interface endpoints in
 * the VPC ("Forwarding inbound DNS queries to your VPCs", Route 53 Developer Guide).
 *
 * The endpoint has one address per subnet (at least two, in two availability zones); the security group admits DNS
 * over UDP and TCP from `allowedCidrs` only. `forwarderConfiguration()` prints the conditional forwarders the
 * on-premises DNS needs, and the stack output `ResolverForwarders` lists the domain names and addresses.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * declare const endpoint: PrivateIotDataEndpoint;
 * const resolver = new IotResolverInboundEndpoint(this, 'OnPremisesDns', {
 *   vpc,
 *   allowedCidrs: ['192.168.0.0/16'],
 * });
 * resolver.forwardIotEndpoint(endpoint);
 * resolver.forwardAwsService('s3');
 * new CfnOutput(this, 'BindForwarders', { value: resolver.forwarderConfiguration(DnsForwarderSyntax.BIND) });
 */
export class IotResolverInboundEndpoint extends Construct implements ec2.IConnectable {
  /** The Resolver endpoint (an L1: aws-cdk-lib has no Route 53 Resolver endpoint L2). */
  public readonly resource: route53resolver.CfnResolverEndpoint;
  /**
   * The endpoint's id, e.g. `rslvr-in-0123456789abcdef0`.
   * @attribute
   */
  public readonly resolverEndpointId: string;
  /**
   * The endpoint's ARN.
   * @attribute
   */
  public readonly resolverEndpointArn: string;
  /** The security group of the endpoint. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The endpoint's network connections (its security group). */
  public readonly connections: ec2.Connections;
  /** The subnets of the endpoint's addresses (one address each). */
  public readonly subnets: ec2.ISubnet[];
  /**
   * The endpoint's IPv4 addresses, one per subnet: the fixed `ipAddresses`, or tokens looked up at deployment (in no
   * particular order).
   * @attribute
   */
  public readonly ipAddresses: string[];

  private readonly domains: string[] = [];

  constructor(scope: Construct, id: string, props: IotResolverInboundEndpointProps) {
    super(scope, id);

    // --- validation first: bad input changes nothing -------------------------------------------------
    checkStackRegion(this);
    if (props.allowedCidrs.length === 0) {
      invalidProp(this, 'allowedCidrs', 'is empty, so no DNS server could query the endpoint',
        'list the CIDRs of the on-premises DNS servers (or networks) that forward to it');
    }
    checkIpv4Cidrs(this, 'allowedCidrs', props.allowedCidrs, '192.168.0.0/16');
    this.subnets = this.selectSubnets(props);
    const fixed = props.ipAddresses;
    if (fixed) {
      this.checkFixedAddresses(fixed);
    }
    (props.forwardedDomains ?? []).forEach((domain) => this.checkDomain('forwardedDomains', domain));

    // --- security group and endpoint -------------------------------------------------------------------
    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Route 53 Resolver inbound endpoint: DNS from the named networks only',
      allowAllOutbound: false,
    });
    for (const cidr of props.allowedCidrs) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.udp(53), 'DNS');
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(53), 'DNS over TCP');
    }
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.udp(53) });

    this.resource = new route53resolver.CfnResolverEndpoint(this, 'Resource', {
      direction: 'INBOUND',
      securityGroupIds: [this.securityGroup.securityGroupId],
      ipAddresses: this.subnets.map((subnet, i) => ({ subnetId: subnet.subnetId, ...(fixed ? { ip: fixed[i] } : {}) })),
      ...(props.endpointName ? { name: props.endpointName } : {}),
    });
    this.resolverEndpointId = this.resource.attrResolverEndpointId;
    this.resolverEndpointArn = this.resource.attrArn;
    this.ipAddresses = fixed ? [...fixed]
      : IotLookups.of(this).resolverEndpointAddresses(this, 'Addresses', this.resolverEndpointId, this.resolverEndpointArn, this.subnets.length);
    (props.forwardedDomains ?? []).forEach((domain) => this.forwardDomain(domain));

    namedOutput(this, 'ResolverForwarders', {
      description: 'Forward these domain names from on-premises DNS to these addresses (conditional forwarders)',
      value: join('', [
        // Lazily: names added after construction (forwardIotEndpoint, forwardAwsService) are listed too.
        Lazy.string({ produce: () => join(' ', this.domains) || '(no domain names forwarded yet)' }),
        ' -> ',
        join(' ', this.ipAddresses),
      ]),
    });
  }

  /** The domain names on-premises DNS forwards to this endpoint, in the order they were added. */
  public get forwardedDomains(): string[] {
    return [...this.domains];
  }

  /** Adds a domain name the on-premises DNS servers forward to this endpoint (each name once). */
  public forwardDomain(domain: string): void {
    this.checkDomain('domain', domain);
    const name = Token.isUnresolved(domain) ? domain : domain.toLowerCase().replace(/\.$/, '');
    if (!this.domains.includes(name)) {
      this.domains.push(name);
    }
  }

  /**
   * Adds the AWS IoT hostnames of an endpoint construct: the ATS data host, the credentials host (when it has an
   * `iot.credentials` endpoint) and `greengrass.<region>.amazonaws.com` (when it has a `greengrass` endpoint).
   * Their private hosted zones (or private DNS) must answer in this endpoint's VPC.
   */
  public forwardIotEndpoint(endpoint: IPrivateIotDataEndpoint): void {
    this.forwardDomain(endpoint.dataEndpointAddress());
    const credentials = endpoint.credentialsEndpoint ? endpoint.credentialsEndpointAddress() : undefined;
    if (credentials) {
      this.forwardDomain(credentials);
    }
    if (endpoint.greengrassEndpoint) {
      this.forwardAwsService('greengrass');
    }
  }

  /**
   * Adds the hostname of an AWS service reached through an interface endpoint in this VPC: `<service>.<region>.amazonaws.com`
   * (`.amazonaws.com.cn` in China), e.g. `s3`, `logs`, `secretsmanager`, `sts`, `greengrass`; `ecr.api` and
   * `ecr.dkr` become `api.ecr.<region>.amazonaws.com` and `dkr.ecr.<region>.amazonaws.com`.
   */
  public forwardAwsService(service: string): void {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)?$/.test(service)) {
      invalidProp(this, 'service', `'${service}' is not an AWS service endpoint name`, 'use the short name of the interface endpoint service, e.g. s3, logs or ecr.api');
    }
    const stack = Stack.of(this);
    const host = service === 'ecr.api' ? 'api.ecr' : service === 'ecr.dkr' ? 'dkr.ecr' : service;
    this.forwardDomain(`${host}.${stack.region}.${chinaAware(stack, 'amazonaws.com.cn', 'amazonaws.com')}`);
  }

  /**
   * The conditional forwarders the on-premises DNS servers need, in the syntax of one DNS server: every forwarded
   * domain to every address of the endpoint. A token string when the addresses or names are only known at deployment
   * (put it in a `CfnOutput`).
   */
  public forwarderConfiguration(syntax: DnsForwarderSyntax): string {
    const lines = this.domains.map((domain) => {
      switch (syntax) {
        case DnsForwarderSyntax.BIND:
          return join('', ['zone "', domain, '" { type forward; forward only; forwarders { ', join('; ', this.ipAddresses), '; }; };']);
        case DnsForwarderSyntax.UNBOUND:
          return join('\n', ['forward-zone:', join('', ['  name: "', domain, '"']), ...this.ipAddresses.map((ip) => join('', ['  forward-addr: ', ip]))]);
        default:
          return join('', ['Add-DnsServerConditionalForwarderZone -Name "', domain, '" -MasterServers ', join(',', this.ipAddresses)]);
      }
    });
    return join('\n', lines);
  }

  private selectSubnets(props: IotResolverInboundEndpointProps): ec2.ISubnet[] {
    const selection = props.subnets ?? (props.vpc.privateSubnets.length > 0
      ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } : { subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
    const subnets = props.vpc.selectSubnets({ ...selection, ...(props.subnets ? {} : { onePerAz: true }) }).subnets
      .slice(0, props.subnets ? undefined : MAX_ADDRESSES_PER_ENDPOINT);
    if (subnets.length < 2) {
      invalidProp(this, 'subnets', `selects ${subnets.length} subnet${subnets.length === 1 ? '' : 's'}, but a Resolver endpoint needs two addresses (one per subnet)`,
        'select subnets in two or more availability zones');
    }
    if (subnets.length > MAX_ADDRESSES_PER_ENDPOINT) {
      invalidProp(this, 'subnets', `selects ${subnets.length} subnets, more than the ${MAX_ADDRESSES_PER_ENDPOINT} addresses a Resolver endpoint takes (Route 53 Resolver quota)`,
        `select at most ${MAX_ADDRESSES_PER_ENDPOINT} subnets, one per availability zone`);
    }
    const zones = subnets.map((s) => s.availabilityZone).filter((az) => !Token.isUnresolved(az));
    if (zones.length === subnets.length && new Set(zones).size < 2) {
      invalidProp(this, 'subnets', `are all in ${zones[0]}, so DNS from on-premises stops when that zone does`, 'select subnets in two or more availability zones');
    }
    return subnets;
  }

  private checkFixedAddresses(addresses: string[]): void {
    if (addresses.length !== this.subnets.length) {
      invalidProp(this, 'ipAddresses', `has ${addresses.length} address${addresses.length === 1 ? '' : 'es'} for ${this.subnets.length} subnets`,
        'give one address per subnet, in the order of the subnets');
    }
    addresses.forEach((ip, i) => {
      if (Token.isUnresolved(ip)) {
        return;
      }
      if (!isIpv4CidrBlock(`${ip}/32`)) {
        invalidProp(this, 'ipAddresses', `contains '${ip}', which is not an IPv4 address`, 'use addresses like 10.20.1.10');
      }
      const cidr = cidrOf(this.subnets[i]);
      if (cidr && !ipv4CidrContains(cidr, `${ip}/32`)) {
        invalidProp(this, 'ipAddresses', `${ip} lies outside subnet ${this.subnets[i].node.path} (${cidr})`, 'give each subnet an address inside its CIDR, in the order of the subnets');
      }
    });
    if (new Set(addresses).size !== addresses.length) {
      invalidProp(this, 'ipAddresses', `lists an address twice (${addresses.join(', ')})`, 'give each subnet its own address');
    }
  }

  private checkDomain(prop: string, domain: string): void {
    if (!Token.isUnresolved(domain) && !/^(?=.{1,253}\.?$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i.test(domain)) {
      invalidProp(this, prop, `'${domain}' is not a domain name`, 'use a name like a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com');
    }
  }
}

/** The IPv4 CIDR of a subnet when it is known at synthesis (imported subnets may have none). */
function cidrOf(subnet: ec2.ISubnet): string | undefined {
  try {
    const cidr = subnet.ipv4CidrBlock;
    return Token.isUnresolved(cidr) ? undefined : cidr;
  } catch {
    return undefined; // an imported subnet without ipv4CidrBlock: aws-cdk-lib throws on reading it
  }
}

/** `parts` joined by `delimiter`: a plain string when every part is known at synthesis, else `Fn::Join`. */
function join(delimiter: string, parts: string[]): string {
  return parts.some((p) => Token.isUnresolved(p)) ? Fn.join(delimiter, parts) : parts.join(delimiter);
}
