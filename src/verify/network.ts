/**
 * Builds the network model (./model) from the templates of a cloud assembly.
 *
 * DEPENDENCY-FREE (node builtins only), like ./model.
 */
import { LINKS_METADATA_KEY, LinkRecord, referencedIds, ResourceKey, Resolver, StackInfo } from './model';

export interface Subnet {
  readonly key: ResourceKey;
  readonly vpc: ResourceKey;
  readonly cidr?: string;
  readonly az: string;
  routeTable?: ResourceKey;
  acl?: ResourceKey;
}
export interface Vpc {
  readonly key: ResourceKey;
  readonly stack: StackInfo;
  readonly cidr?: string;
  readonly subnets: Subnet[];
  internetGateway: boolean;
}
export type RouteTarget =
  | { kind: 'tgw'; tgw?: ResourceKey; text: string }
  | { kind: 'igw' }
  | { kind: 'gateway-endpoint'; endpoint: ResourceKey }
  | { kind: 'other'; text: string };
export interface Route { readonly key: ResourceKey; readonly routeTable: ResourceKey; readonly destination: string; readonly target: RouteTarget }
export interface AclEntry {
  readonly key: ResourceKey;
  readonly acl: ResourceKey;
  readonly egress: boolean;
  readonly rule: number;
  readonly allow: boolean;
  readonly protocol: number;
  readonly cidr: string;
  readonly from: number;
  readonly to: number;
}
export interface SgRule {
  readonly key: ResourceKey;
  readonly group: ResourceKey;
  readonly cidr?: string;
  readonly sourceGroup?: ResourceKey;
  readonly protocol: number;
  readonly from: number;
  readonly to: number;
}
export interface TransitGateway {
  readonly key: ResourceKey;
  readonly stack: StackInfo;
  readonly propagation: boolean;
  readonly association: boolean;
  readonly autoAccept: boolean;
  readonly sharedWith: string[];
}
export interface TgwAttachment {
  readonly key: ResourceKey;
  readonly tgw?: ResourceKey;
  readonly tgwText: string;
  readonly vpc?: ResourceKey;
  readonly subnets: ResourceKey[];
  readonly stack: StackInfo;
}
export interface TgwStaticRoute {
  readonly key: ResourceKey;
  readonly tgw?: ResourceKey;
  readonly destination: string;
  readonly attachment?: ResourceKey;
  readonly blackhole: boolean;
}
export interface OnPremisesLink {
  readonly key: ResourceKey;
  readonly kind: 'vpn' | 'direct-connect';
  readonly tgw?: ResourceKey;
  readonly allowedPrefixes?: string[];
}
export interface InterfaceEndpoint {
  readonly key: ResourceKey;
  readonly vpc?: ResourceKey;
  readonly subnets: ResourceKey[];
  readonly groups: ResourceKey[];
  readonly serviceName: string;
  readonly service?: ResourceKey;
  readonly privateDns: boolean;
  readonly onlyForInboundResolver: boolean;
}
export interface GatewayEndpoint {
  readonly key: ResourceKey;
  readonly vpc?: ResourceKey;
  readonly routeTables: ResourceKey[];
  readonly serviceName: string;
}
export interface LoadBalancer {
  readonly key: ResourceKey;
  readonly vpc?: ResourceKey;
  readonly subnets: ResourceKey[];
  readonly internetFacing: boolean;
  readonly groups: ResourceKey[];
  readonly enforceOnPrivateLink: boolean;
  readonly privateAddresses: string[];
}
export interface Listener {
  readonly key: ResourceKey;
  readonly loadBalancer: ResourceKey;
  readonly port: number;
  readonly protocol: string;
  readonly targetGroups: ResourceKey[];
}
export interface TargetGroup { readonly key: ResourceKey; readonly port: number; readonly targets: Target[] }
export interface EndpointService {
  readonly key: ResourceKey;
  readonly loadBalancers: ResourceKey[];
  readonly acceptanceRequired: boolean;
  allowedPrincipals: string[];
}
export interface AcceleratorListener {
  readonly key: ResourceKey;
  readonly ports: Array<[number, number]>;
  readonly protocol: string;
}
export interface AcceleratorEndpointGroup {
  readonly key: ResourceKey;
  readonly listener?: ResourceKey;
  readonly endpoints: Array<{ target?: ResourceKey; preserveClientIp: boolean }>;
}
export interface Accelerator {
  readonly key: ResourceKey;
  readonly listeners: AcceleratorListener[];
  readonly groups: AcceleratorEndpointGroup[];
}
export interface Zone {
  readonly key: ResourceKey;
  readonly name: string;
  readonly isPrivate: boolean;
  readonly vpcs: ResourceKey[];
  readonly records: DnsRecord[];
}
export interface DnsRecord { readonly key: ResourceKey; readonly name: string; readonly type: string; readonly targets: Target[] }
export interface Profile { readonly key: ResourceKey; readonly stack: StackInfo; readonly resources: ResourceKey[]; readonly sharedWith: string[] }
export interface ProfileAssociation {
  readonly key: ResourceKey;
  readonly profile?: ResourceKey;
  readonly profileText: string;
  readonly vpc?: ResourceKey;
}
export interface ResolverEndpoint {
  readonly key: ResourceKey;
  readonly inbound: boolean;
  readonly subnets: ResourceKey[];
  readonly groups: ResourceKey[];
}
export interface ZoneVpcAssociation { readonly key: ResourceKey; readonly zone?: ResourceKey; readonly vpc?: ResourceKey }

/** Where a DNS answer or a load balancer target points. */
export type Target =
  | { kind: 'endpoint'; endpoint: ResourceKey }
  | { kind: 'load-balancer'; loadBalancer: ResourceKey }
  | { kind: 'accelerator'; accelerator: ResourceKey }
  | { kind: 'ip'; ip: string }
  | { kind: 'unknown'; text: string };

/** The whole model. */
export class NetworkModel {
  public readonly stacks: StackInfo[];
  public readonly vpcs = new Map<ResourceKey, Vpc>();
  public readonly subnets = new Map<ResourceKey, Subnet>();
  public readonly routes: Route[] = [];
  public readonly aclEntries: AclEntry[] = [];
  public readonly sgRules: SgRule[] = [];
  public readonly sgEgress: SgRule[] = [];
  public readonly securityGroups = new Set<ResourceKey>();
  public readonly transitGateways = new Map<ResourceKey, TransitGateway>();
  public readonly attachments: TgwAttachment[] = [];
  public readonly tgwRoutes: TgwStaticRoute[] = [];
  public readonly onPremisesLinks: OnPremisesLink[] = [];
  public readonly interfaceEndpoints = new Map<ResourceKey, InterfaceEndpoint>();
  public readonly gatewayEndpoints: GatewayEndpoint[] = [];
  public readonly loadBalancers = new Map<ResourceKey, LoadBalancer>();
  public readonly listeners: Listener[] = [];
  public readonly targetGroups = new Map<ResourceKey, TargetGroup>();
  public readonly endpointServices = new Map<ResourceKey, EndpointService>();
  public readonly accelerators = new Map<ResourceKey, Accelerator>();
  public readonly zones = new Map<ResourceKey, Zone>();
  public readonly profiles = new Map<ResourceKey, Profile>();
  public readonly profileAssociations: ProfileAssociation[] = [];
  public readonly resolverEndpoints = new Map<ResourceKey, ResolverEndpoint>();
  public readonly zoneAssociations: ZoneVpcAssociation[] = [];
  /** Literal values in one stack that stand for a resource in another (declared links and unambiguous guesses). */
  public readonly links = new Map<string, ResourceKey>();
  public readonly notes: string[] = [];

  // relations collected while reading, joined in finish()
  private readonly vpcGatewayAttachments: ResourceKey[] = [];
  private readonly routeTableAssociations: Array<[ResourceKey, ResourceKey]> = [];
  private readonly aclAssociations: Array<[ResourceKey, ResourceKey]> = [];
  private readonly shares: Array<[ResourceKey, string[]]> = [];
  private readonly servicePermissions: Array<[ResourceKey, string[]]> = [];
  private readonly acceleratorListeners: Array<[ResourceKey, AcceleratorListener]> = [];
  private readonly acceleratorGroups: AcceleratorEndpointGroup[] = [];
  private readonly recordSets: Array<[string, DnsRecord]> = [];
  private readonly profileResources: Array<[ResourceKey, ResourceKey]> = [];

  constructor(stacks: StackInfo[]) {
    this.stacks = stacks;
    for (const stack of stacks) {
      for (const link of (stack.template.Metadata?.[LINKS_METADATA_KEY] ?? []) as LinkRecord[]) {
        this.links.set(link.value, `${link.stack}/${link.logicalId}`);
      }
    }
    this.guessLinks();
    for (const stack of stacks) this.readStack(stack);
    this.finish();
  }

  /** The stack of a resource key. */
  public stackOf(key: ResourceKey): StackInfo | undefined {
    return this.stacks.find((s) => key.startsWith(`${s.name}/`));
  }

  /** The subnet that holds an address, if the model knows it. */
  public subnetOfIp(ip: string, contains: (cidr: string, ip: string) => boolean): Subnet | undefined {
    return [...this.subnets.values()].find((s) => s.cidr && contains(s.cidr, ip));
  }

  /**
   * Literal ids that no declared link covers but that name exactly one resource of their kind elsewhere in the
   * assembly (a Transit Gateway id, a Route 53 Profile id, an endpoint service name): linked, with a note.
   */
  private guessLinks(): void {
    const kinds: Array<{ pattern: RegExp; type: string; property: string[] }> = [
      { pattern: /^tgw-[0-9a-f]+$/, type: 'AWS::EC2::TransitGateway', property: ['AWS::EC2::TransitGatewayAttachment#TransitGatewayId', 'AWS::EC2::Route#TransitGatewayId', 'AWS::EC2::VPNConnection#TransitGatewayId'] },
      { pattern: /^rp-[0-9a-f]+$/, type: 'AWS::Route53Profiles::Profile', property: ['AWS::Route53Profiles::ProfileAssociation#ProfileId'] },
      { pattern: /vpce-svc-[0-9a-f]+$/, type: 'AWS::EC2::VPCEndpointService', property: ['AWS::EC2::VPCEndpoint#ServiceName'] },
    ];
    for (const kind of kinds) {
      const candidates = this.stacks.flatMap((s) => Object.entries<any>(s.template.Resources ?? {})
        .filter(([, r]) => r.Type === kind.type).map(([id]) => `${s.name}/${id}`));
      for (const stack of this.stacks) {
        for (const resource of Object.values<any>(stack.template.Resources ?? {})) {
          for (const [type, prop] of kind.property.map((p) => p.split('#'))) {
            const value = resource.Type === type ? resource.Properties?.[prop] : undefined;
            if (typeof value === 'string' && kind.pattern.test(value) && !this.links.has(value)) {
              const elsewhere = candidates.filter((c) => !c.startsWith(`${stack.name}/`));
              if (elsewhere.length === 1) {
                this.links.set(value, elsewhere[0]);
                this.notes.push(`linked ${value} (stack ${stack.name}) to ${elsewhere[0]}, the only ${kind.type} of the other stacks; `
                  + 'declare the link (IotReachability.linkValue) to make it explicit');
              }
            }
          }
        }
      }
    }
  }

  private readStack(stack: StackInfo): void {
    const r = new Resolver(stack, this.links);
    const key = (id: string) => `${stack.name}/${id}`;
    const list = (v: any): any[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
    const keys = (v: any): ResourceKey[] => list(v).map((x) => r.resource(x)).filter((x): x is string => x !== undefined);
    const resources = Object.entries<any>(stack.template.Resources ?? {});
    for (const [id, res] of resources) {
      const p = res.Properties ?? {};
      switch (res.Type) {
        case 'AWS::EC2::VPC':
          this.vpcs.set(key(id), { key: key(id), stack, cidr: r.literal(p.CidrBlock), subnets: [], internetGateway: false });
          break;
        case 'AWS::EC2::Subnet':
          this.subnets.set(key(id), { key: key(id), vpc: r.resource(p.VpcId) ?? '', cidr: r.literal(p.CidrBlock), az: r.literal(p.AvailabilityZone) ?? r.text(r.value(p.AvailabilityZone)) });
          break;
        case 'AWS::EC2::Route': {
          const target: RouteTarget = p.TransitGatewayId !== undefined
            ? { kind: 'tgw', tgw: r.resource(p.TransitGatewayId), text: r.text(r.value(p.TransitGatewayId)) }
            : p.GatewayId !== undefined && /igw|InternetGateway/i.test(JSON.stringify(p.GatewayId)) ? { kind: 'igw' }
              : { kind: 'other', text: JSON.stringify(p) };
          const destination = r.literal(p.DestinationCidrBlock);
          if (destination) this.routes.push({ key: key(id), routeTable: r.resource(p.RouteTableId) ?? '', destination, target });
          break;
        }
        case 'AWS::EC2::VPCGatewayAttachment':
          if (p.InternetGatewayId) this.vpcGatewayAttachments.push(r.resource(p.VpcId) ?? '');
          break;
        case 'AWS::EC2::SubnetRouteTableAssociation':
          this.routeTableAssociations.push([r.resource(p.SubnetId) ?? '', r.resource(p.RouteTableId) ?? '']);
          break;
        case 'AWS::EC2::SubnetNetworkAclAssociation':
          this.aclAssociations.push([r.resource(p.SubnetId) ?? '', r.resource(p.NetworkAclId) ?? '']);
          break;
        case 'AWS::EC2::NetworkAclEntry': {
          const cidr = r.literal(p.CidrBlock) ?? this.cidrValue(r, p.CidrBlock);
          if (!cidr) break;
          const protocol = Number(p.Protocol);
          this.aclEntries.push({
            key: key(id),
            acl: r.resource(p.NetworkAclId) ?? '',
            egress: p.Egress === true || p.Egress === 'true',
            rule: Number(p.RuleNumber),
            allow: String(p.RuleAction).toLowerCase() === 'allow',
            protocol,
            cidr,
            from: protocol === -1 ? 0 : Number(p.PortRange?.From ?? 0),
            to: protocol === -1 ? 65535 : Number(p.PortRange?.To ?? 65535),
          });
          break;
        }
        case 'AWS::EC2::SecurityGroup':
          this.securityGroups.add(key(id));
          for (const rule of list(p.SecurityGroupIngress)) this.addSgRule(r, key(id), `${key(id)}#in`, rule, this.sgRules);
          for (const rule of list(p.SecurityGroupEgress)) this.addSgRule(r, key(id), `${key(id)}#out`, rule, this.sgEgress);
          if (p.SecurityGroupEgress === undefined) { // no egress property: CloudFormation allows all outbound
            this.sgEgress.push({ key: `${key(id)}#out`, group: key(id), cidr: '0.0.0.0/0', protocol: -1, from: 0, to: 65535 });
          }
          break;
        case 'AWS::EC2::SecurityGroupIngress':
          this.addSgRule(r, r.resource(p.GroupId) ?? '', key(id), p, this.sgRules);
          break;
        case 'AWS::EC2::SecurityGroupEgress':
          this.addSgRule(r, r.resource(p.GroupId) ?? '', key(id), { ...p, CidrIp: p.CidrIp, SourceSecurityGroupId: p.DestinationSecurityGroupId }, this.sgEgress);
          break;
        case 'AWS::EC2::TransitGateway':
          this.transitGateways.set(key(id), {
            key: key(id),
            stack,
            propagation: p.DefaultRouteTablePropagation !== 'disable',
            association: p.DefaultRouteTableAssociation !== 'disable',
            autoAccept: p.AutoAcceptSharedAttachments === 'enable',
            sharedWith: [],
          });
          break;
        case 'AWS::EC2::TransitGatewayAttachment':
        case 'AWS::EC2::TransitGatewayVpcAttachment':
          this.attachments.push({
            key: key(id),
            tgw: r.resource(p.TransitGatewayId),
            tgwText: r.text(r.value(p.TransitGatewayId)),
            vpc: r.resource(p.VpcId),
            subnets: keys(p.SubnetIds),
            stack,
          });
          break;
        case 'AWS::EC2::TransitGatewayRoute': {
          const destination = r.literal(p.DestinationCidrBlock);
          if (destination) {
            this.tgwRoutes.push({
              key: key(id), tgw: undefined, destination, attachment: r.resource(p.TransitGatewayAttachmentId), blackhole: p.Blackhole === true,
            });
          }
          break;
        }
        case 'AWS::EC2::VPNConnection':
          if (p.TransitGatewayId) this.onPremisesLinks.push({ key: key(id), kind: 'vpn', tgw: r.resource(p.TransitGatewayId) });
          break;
        case 'AWS::RAM::ResourceShare': {
          const principals = list(p.Principals).map((x) => r.literal(x)).filter((x): x is string => !!x);
          for (const arn of list(p.ResourceArns)) {
            for (const ref of referencedIds(arn)) this.shares.push([key(ref.logicalId), principals]);
          }
          break;
        }
        case 'AWS::EC2::VPCEndpoint': {
          const serviceName = r.literal(p.ServiceName) ?? r.text(r.value(p.ServiceName));
          if (p.VpcEndpointType === 'Gateway') {
            this.gatewayEndpoints.push({ key: key(id), vpc: r.resource(p.VpcId), routeTables: keys(p.RouteTableIds), serviceName });
          } else {
            this.interfaceEndpoints.set(key(id), {
              key: key(id),
              vpc: r.resource(p.VpcId),
              subnets: keys(p.SubnetIds),
              groups: keys(p.SecurityGroupIds),
              serviceName,
              service: r.resource(p.ServiceName),
              privateDns: p.PrivateDnsEnabled === true || p.PrivateDnsEnabled === 'true',
              onlyForInboundResolver: p.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint === true
                || p.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint === 'true',
            });
          }
          break;
        }
        case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
          if (p.Type === 'network') {
            const mappings = list(p.SubnetMappings);
            this.loadBalancers.set(key(id), {
              key: key(id),
              vpc: undefined,
              subnets: [...keys(p.Subnets), ...mappings.map((m) => r.resource(m.SubnetId)).filter((x): x is string => !!x)],
              internetFacing: p.Scheme === 'internet-facing',
              groups: keys(p.SecurityGroups),
              enforceOnPrivateLink: p.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic !== 'off',
              privateAddresses: mappings.map((m) => r.literal(m.PrivateIPv4Address)).filter((x): x is string => !!x),
            });
          }
          break;
        case 'AWS::ElasticLoadBalancingV2::Listener':
          this.listeners.push({
            key: key(id),
            loadBalancer: r.resource(p.LoadBalancerArn) ?? '',
            port: Number(p.Port),
            protocol: String(p.Protocol),
            targetGroups: list(p.DefaultActions).flatMap((a) => [
              ...keys(a.TargetGroupArn),
              ...list(a.ForwardConfig?.TargetGroups).map((t) => r.resource(t.TargetGroupArn)).filter((x): x is string => !!x),
            ]),
          });
          break;
        case 'AWS::ElasticLoadBalancingV2::TargetGroup':
          this.targetGroups.set(key(id), {
            key: key(id),
            port: Number(p.Port),
            targets: list(p.Targets).map((t) => this.target(r, stack, t.Id)),
          });
          break;
        case 'AWS::EC2::VPCEndpointService':
          this.endpointServices.set(key(id), {
            key: key(id),
            loadBalancers: keys(p.NetworkLoadBalancerArns),
            acceptanceRequired: p.AcceptanceRequired !== false && p.AcceptanceRequired !== 'false',
            allowedPrincipals: [],
          });
          break;
        case 'AWS::EC2::VPCEndpointServicePermissions':
          this.servicePermissions.push([r.resource(p.ServiceId) ?? '', list(p.AllowedPrincipals).map((x) => r.literal(x) ?? r.text(r.value(x)))]);
          break;
        case 'AWS::GlobalAccelerator::Accelerator':
          this.accelerators.set(key(id), { key: key(id), listeners: [], groups: [] });
          break;
        case 'AWS::GlobalAccelerator::Listener':
          this.acceleratorListeners.push([r.resource(p.AcceleratorArn) ?? '', {
            key: key(id),
            protocol: String(p.Protocol),
            ports: list(p.PortRanges).map((x) => [Number(x.FromPort), Number(x.ToPort)] as [number, number]),
          }]);
          break;
        case 'AWS::GlobalAccelerator::EndpointGroup':
          this.acceleratorGroups.push({
            key: key(id),
            listener: r.resource(p.ListenerArn),
            endpoints: list(p.EndpointConfigurations)
              .map((e) => ({ target: r.resource(e.EndpointId), preserveClientIp: e.ClientIPPreservationEnabled === true })),
          });
          break;
        case 'AWS::Route53::HostedZone':
          this.zones.set(key(id), {
            key: key(id),
            name: normalizeName(r.literal(p.Name) ?? ''),
            isPrivate: list(p.VPCs).length > 0,
            vpcs: list(p.VPCs).map((v) => r.resource(v.VPCId)).filter((x): x is string => !!x),
            records: [],
          });
          break;
        case 'AWS::Route53::RecordSet':
          this.recordSets.push([r.resource(p.HostedZoneId) ?? r.literal(p.HostedZoneName) ?? '', {
            key: key(id),
            name: normalizeName(r.literal(p.Name) ?? ''),
            type: String(p.Type),
            targets: p.AliasTarget ? [this.target(r, stack, p.AliasTarget.DNSName)] : list(p.ResourceRecords).map((x) => this.target(r, stack, x)),
          }]);
          break;
        case 'AWS::Route53Profiles::Profile':
          this.profiles.set(key(id), { key: key(id), stack, resources: [], sharedWith: [] });
          break;
        case 'AWS::Route53Profiles::ProfileResourceAssociation': {
          const profile = r.resource(p.ProfileId);
          const resource = referencedIds(p.ResourceArn)[0];
          if (profile && resource) this.profileResources.push([profile, key(resource.logicalId)]);
          break;
        }
        case 'AWS::Route53Profiles::ProfileAssociation':
          this.profileAssociations.push({
            key: key(id), profile: r.resource(p.ProfileId), profileText: r.text(r.value(p.ProfileId)), vpc: r.resource(p.ResourceId),
          });
          break;
        case 'AWS::Route53Resolver::ResolverEndpoint':
          this.resolverEndpoints.set(key(id), {
            key: key(id),
            inbound: String(p.Direction).toUpperCase() === 'INBOUND',
            subnets: list(p.IpAddresses).map((a) => r.resource(a.SubnetId)).filter((x): x is string => !!x),
            groups: keys(p.SecurityGroupIds),
          });
          break;
        default:
          if (res.Type === 'Custom::AWS' || res.Type.startsWith('Custom::')) this.readCustom(r, stack, key(id), p);
      }
    }
  }

  /**
   * Custom resources the library creates: the changes, zone-VPC associations and Direct Connect gateway associations
   * (AwsCustomResource, `Custom::AWS`: the call in `Create`), and the lookups (`Custom::CdkPrivateIotLookup`: the call
   * in `Call`; assemblies of earlier releases have them as `Custom::AWS`), which only read: what they return is
   * followed where a value points at one (`target`).
   */
  private readCustom(r: Resolver, stack: StackInfo, key: ResourceKey, p: any): void {
    const call = p.Create ?? p.Call ?? '';
    const create = r.text(r.value(call));
    const refs = referencedIds(call);
    const id = (pattern: RegExp) => refs.map((x) => `${stack.name}/${x.logicalId}`).find((k) => pattern.test(this.typeOf(stack, k)));
    if (create.includes('associateVPCWithHostedZone')) {
      const zoneId = /"HostedZoneId":"([^"]+)"/.exec(create)?.[1];
      const vpcId = /"VPCId":"([^"]+)"/.exec(create)?.[1];
      this.zoneAssociations.push({
        key,
        zone: id(/HostedZone$/) ?? (zoneId ? this.links.get(zoneId) : undefined),
        vpc: id(/::VPC$/) ?? (vpcId ? this.links.get(vpcId) : undefined),
      });
    }
    if (create.includes('createDirectConnectGatewayAssociation')) {
      const prefixes = [...create.matchAll(/"cidr":"([^"]+)"/g)].map((m) => m[1]);
      const tgw = id(/TransitGateway$/) ?? this.links.get(/"gatewayId":"([^"]+)"/.exec(create)?.[1] ?? '');
      this.onPremisesLinks.push({ key, kind: 'direct-connect', tgw, allowedPrefixes: prefixes });
    }
  }

  private typeOf(stack: StackInfo, key: ResourceKey): string {
    return stack.template.Resources?.[key.slice(stack.name.length + 1)]?.Type ?? '';
  }

  /** What an address or DNS name value points at. */
  private target(r: Resolver, stack: StackInfo, v: any): Target {
    const value = r.value(v);
    if (value.kind === 'literal') {
      return /^\d+\.\d+\.\d+\.\d+$/.test(value.value) ? { kind: 'ip', ip: value.value } : { kind: 'unknown', text: value.value };
    }
    if (value.kind !== 'att' && value.kind !== 'ref') return { kind: 'unknown', text: r.text(value) };
    const type = this.typeOf(stack, value.key);
    if (type === 'AWS::EC2::VPCEndpoint') return { kind: 'endpoint', endpoint: value.key };
    if (type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') return { kind: 'load-balancer', loadBalancer: value.key };
    if (type === 'AWS::GlobalAccelerator::Accelerator') return { kind: 'accelerator', accelerator: value.key };
    if (type.startsWith('Custom::')) {
      // a deployment-time lookup: the addresses of the network interfaces of the endpoint it reads
      const props = stack.template.Resources[value.key.slice(stack.name.length + 1)].Properties;
      const endpoint = referencedIds(props).map((x) => `${stack.name}/${x.logicalId}`).find((k) => this.typeOf(stack, k) === 'AWS::EC2::VPCEndpoint');
      if (endpoint) return { kind: 'endpoint', endpoint };
    }
    return { kind: 'unknown', text: r.text(value) };
  }

  private cidrValue(r: Resolver, v: any): string | undefined {
    const value = r.value(v);
    if (value.kind === 'att' && value.attribute === 'CidrBlock') return this.pendingVpcCidr(value.key);
    return undefined;
  }

  private pendingVpcCidr(vpcKey: ResourceKey): string | undefined {
    const stack = this.stackOf(vpcKey);
    const cidr = stack?.template.Resources?.[vpcKey.slice(stack.name.length + 1)]?.Properties?.CidrBlock;
    return typeof cidr === 'string' ? cidr : undefined;
  }

  private addSgRule(r: Resolver, group: ResourceKey, key: ResourceKey, rule: any, into: SgRule[]): void {
    const protocol = rule.IpProtocol === 'tcp' ? 6 : rule.IpProtocol === 'udp' ? 17 : rule.IpProtocol === 'icmp' ? 1 : Number(rule.IpProtocol);
    const cidr = rule.CidrIp !== undefined ? (r.literal(rule.CidrIp) ?? this.cidrValue(r, rule.CidrIp)) : undefined;
    const sourceGroup = rule.SourceSecurityGroupId !== undefined ? r.resource(rule.SourceSecurityGroupId) : undefined;
    if (cidr === undefined && sourceGroup === undefined) return;
    into.push({
      key,
      group,
      cidr,
      sourceGroup,
      protocol: Number.isNaN(protocol) ? -1 : protocol,
      from: protocol === -1 || Number.isNaN(protocol) ? 0 : Number(rule.FromPort ?? 0),
      to: protocol === -1 || Number.isNaN(protocol) ? 65535 : Number(rule.ToPort ?? 65535),
    });
  }

  private finish(): void {
    for (const subnet of this.subnets.values()) this.vpcs.get(subnet.vpc)?.subnets.push(subnet);
    for (const vpc of this.vpcGatewayAttachments) {
      const v = this.vpcs.get(vpc);
      if (v) v.internetGateway = true;
    }
    for (const [subnet, table] of this.routeTableAssociations) {
      const s = this.subnets.get(subnet);
      if (s) s.routeTable = table;
    }
    for (const [subnet, acl] of this.aclAssociations) {
      const s = this.subnets.get(subnet);
      if (s) s.acl = acl;
    }
    for (const [resource, principals] of this.shares) {
      this.transitGateways.get(resource)?.sharedWith.push(...principals);
      this.profiles.get(resource)?.sharedWith.push(...principals);
    }
    for (const [service, principals] of this.servicePermissions) this.endpointServices.get(service)?.allowedPrincipals.push(...principals);
    for (const [accelerator, listener] of this.acceleratorListeners) this.accelerators.get(accelerator)?.listeners.push(listener);
    for (const group of this.acceleratorGroups) {
      const accelerator = [...this.accelerators.values()].find((a) => a.listeners.some((l) => l.key === group.listener));
      accelerator?.groups.push(group);
    }
    for (const [zoneRef, record] of this.recordSets) {
      const zone = this.zones.get(zoneRef) ?? [...this.zones.values()].find((z) => z.name === normalizeName(zoneRef));
      zone?.records.push(record);
    }
    for (const [profile, resource] of this.profileResources) this.profiles.get(profile)?.resources.push(resource);
    for (const lb of this.loadBalancers.values()) {
      const vpc = this.subnets.get(lb.subnets[0] ?? '')?.vpc;
      (lb as { vpc?: ResourceKey }).vpc = vpc;
    }
  }
}

/** A DNS name in lower case without the final dot. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
