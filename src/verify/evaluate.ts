/**
 * Evaluates flows (source network, hostname, port) against the network model of a cloud assembly: name resolution,
 * routes there and back, network ACLs both ways, security groups, load balancers, endpoint services and accelerators,
 * and what answers at the end. Each check quotes the rule of ./rules it applies.
 *
 * Not modelled (the verdict may be optimistic there): network ACLs of Transit Gateway attachment subnets other than
 * the destination subnet, Transit Gateway route tables other than the default one, VPC peering, NAT, IPv6, and
 * values only known after deployment that no link names (they are reported as unknown).
 *
 * DEPENDENCY-FREE (node builtins only).
 */
import type { ResourceKey } from './model';
import type { NetworkModel, Subnet, Target, Zone } from './network';
import { aclAllows, dnsNameMatches, EPHEMERAL, ModelRule, privateDnsNames, routeFor, RULES, serviceServesHost, servicePorts, sgAdmits, TCP, UDP, zoneCovers } from './rules';
import { ipv4CidrContains } from '../private/formats';

/** Where a flow starts. */
export interface FlowSourceSpec {
  /**
   * `vpc`, `network` (the subnets of the assembly inside `cidr`, wherever they are), `on-premises` or `internet`.
   */
  readonly kind: string;
  /** `vpc`: the VPC as `<stack>/<logicalId>`. */
  readonly vpc?: string;
  /** `vpc`: the subnets the flow starts in (`<stack>/<logicalId>`); default every subnet of the VPC. */
  readonly subnets?: string[];
  /** `network`, `on-premises`, `internet`: the address range. */
  readonly cidr?: string;
  /** `on-premises`: the Resolver inbound endpoint its DNS forwards to (`<stack>/<logicalId>`); default the only one. */
  readonly resolverEndpoint?: string;
  /** A readable name for reports. */
  readonly label?: string;
}

/** A flow: from a source network to a hostname on ports. */
export interface FlowSpec {
  readonly name: string;
  readonly source: FlowSourceSpec;
  readonly host: string;
  readonly ports: number[];
  /** `reachable` (default) or `blocked`. */
  readonly expect?: string;
  /** Connect to this load balancer or accelerator (`<stack>/<logicalId>`) instead of resolving the host (SNI stays the host). */
  readonly connectTo?: string;
  /** The stack that declared the flow (set by the reader). */
  readonly declaredIn?: string;
}

/** One check along a flow. */
export interface Step {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly resource?: string;
  readonly rule?: string;
}

/** The outcome of one flow on one port. */
export interface Verdict {
  readonly flow: string;
  readonly source: string;
  readonly host: string;
  readonly port: number;
  readonly expect: 'reachable' | 'blocked';
  readonly reachable: boolean;
  /** Whether the outcome is what the flow expects (a skipped flow is ok). */
  readonly ok: boolean;
  /** Why the flow could not be checked: its source is not in the assembly (e.g. one account synthesized alone). */
  readonly skipped?: string;
  /** For a blocked flow: the resource that blocks it (`<stack>/<logicalId>` and construct path) and the fix. */
  readonly blockedBy?: string;
  readonly reason?: string;
  readonly fix?: string;
  /** Resolved to (zone or endpoint name) and what answers at the end. */
  readonly resolvedBy?: string;
  readonly answeredBy?: string;
  readonly steps: Step[];
}

class Skipped extends Error {}

class Blocked extends Error {
  constructor(public readonly step: Step, public readonly fix: string) {
    super(step.detail);
  }
}

type Location = { kind: 'subnet'; subnet: Subnet } | { kind: 'on-premises'; cidr: string } | { kind: 'internet'; cidr: string };

/** Evaluates flows against one model. */
export class FlowEvaluator {
  private steps: Step[] = [];
  private resolvedBy?: string;
  private answeredBy?: string;

  constructor(private readonly model: NetworkModel) {}

  /** The verdict of a flow on each of its ports. */
  public evaluate(flow: FlowSpec): Verdict[] {
    return flow.ports.map((port) => this.evaluatePort(flow, port));
  }

  private evaluatePort(flow: FlowSpec, port: number): Verdict {
    const expect = flow.expect === 'blocked' ? 'blocked' : 'reachable';
    const base = { flow: flow.name, source: sourceLabel(flow.source), host: flow.host.toLowerCase().replace(/\.$/, ''), port, expect } as const;
    this.steps = [];
    this.resolvedBy = undefined;
    this.answeredBy = undefined;
    try {
      for (const location of this.locations(flow.source)) {
        this.flowFrom(location, flow, base.host, port);
      }
      return { ...base, reachable: true, ok: expect === 'reachable', resolvedBy: this.resolvedBy, answeredBy: this.answeredBy, steps: this.steps };
    } catch (e) {
      if (e instanceof Skipped) return { ...base, reachable: false, ok: true, skipped: e.message, steps: this.steps };
      if (!(e instanceof Blocked)) throw e;
      return {
        ...base,
        reachable: false,
        ok: expect === 'blocked',
        blockedBy: e.step.resource,
        reason: e.step.detail,
        fix: e.fix,
        resolvedBy: this.resolvedBy,
        steps: this.steps,
      };
    }
  }

  private locations(source: FlowSourceSpec): Location[] {
    if (source.kind === 'vpc') {
      const vpc = this.model.vpcs.get(source.vpc ?? '');
      if (!vpc) throw this.block('source', `VPC ${source.vpc} is not in the assembly`, source.vpc, undefined, 'name a VPC as <stack>/<logicalId>');
      const subnets = source.subnets?.length ? vpc.subnets.filter((s) => source.subnets!.includes(s.key)) : vpc.subnets;
      if (subnets.length === 0) throw this.block('source', `no subnets of ${vpc.key} match ${source.subnets?.join(', ')}`, vpc.key, undefined, 'name subnets of that VPC');
      return subnets.map((subnet) => ({ kind: 'subnet', subnet }));
    }
    if (!source.cidr) throw this.block('source', `a ${source.kind} source needs a cidr`, undefined, undefined, 'give the address range');
    if (source.kind === 'on-premises' && this.model.onPremisesLinks.length === 0) {
      throw new Skipped(`no Site-to-Site VPN or Direct Connect gateway association in the assembly connects ${source.cidr} (on-premises is not attached yet)`);
    }
    if (source.kind === 'network') {
      const subnets = [...this.model.subnets.values()].filter((s) => s.cidr && ipv4CidrContains(source.cidr!, s.cidr));
      if (subnets.length === 0) throw new Skipped(`no subnet of the assembly lies in ${source.cidr}: synthesize the stack that holds that network`);
      return subnets.map((subnet) => ({ kind: 'subnet', subnet }));
    }
    return [{ kind: source.kind === 'internet' ? 'internet' : 'on-premises', cidr: source.cidr }];
  }

  private flowFrom(location: Location, flow: FlowSpec, host: string, port: number): void {
    if (flow.connectTo) {
      const type = this.model.stackOf(flow.connectTo)?.template.Resources?.[flow.connectTo.split('/').slice(1).join('/')]?.Type;
      const target: Target | undefined = type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' ? { kind: 'load-balancer', loadBalancer: flow.connectTo }
        : type === 'AWS::GlobalAccelerator::Accelerator' ? { kind: 'accelerator', accelerator: flow.connectTo } : undefined;
      if (!target) throw new Skipped(`${flow.connectTo} is not a load balancer or accelerator of the assembly`);
      this.pass('dns', `connects to ${flow.connectTo} directly (its fixed addresses), SNI ${host}`, flow.connectTo);
      return this.deliver(location, target, host, port);
    }
    const targets = this.resolve(location, flow.source, host);
    for (const target of targets) this.deliver(location, target, host, port);
  }

  // --- DNS ---------------------------------------------------------------------------------------

  private resolve(location: Location, source: FlowSourceSpec, host: string): Target[] {
    if (location.kind === 'internet') return this.resolvePublic(host, 'the internet');
    let vpcKey: ResourceKey;
    let viaInbound = false;
    if (location.kind === 'on-premises') {
      const inbound = [...this.model.resolverEndpoints.values()].filter((r) => r.inbound);
      const resolver = source.resolverEndpoint ? this.model.resolverEndpoints.get(source.resolverEndpoint)
        : inbound.length === 1 ? inbound[0] : undefined;
      if (!resolver) {
        throw this.block('dns', inbound.length === 0 ? 'no Route 53 Resolver inbound endpoint in the assembly: on-premises DNS has nowhere to forward the IoT names'
          : `${inbound.length} Resolver inbound endpoints: the flow must name the one on-premises DNS forwards to`,
        undefined, RULES.INBOUND_RESOLVER, 'create a Resolver inbound endpoint in a VPC that resolves the IoT zones (NetworkAccountStack has one)');
      }
      for (const subnetKey of resolver.subnets) {
        const subnet = this.subnet(subnetKey);
        for (const protocol of [UDP, TCP]) {
          this.connect(location, subnet, resolver.groups, protocol, 53, `DNS ${protocol === UDP ? 'UDP' : 'TCP'} 53 to the Resolver inbound endpoint ${resolver.key}`);
        }
      }
      this.pass('dns', `on-premises DNS reaches the Resolver inbound endpoint ${resolver.key} on UDP and TCP 53, and its answers route back`, resolver.key, RULES.INBOUND_RESOLVER);
      vpcKey = this.subnet(resolver.subnets[0]).vpc;
      viaInbound = true;
    } else {
      vpcKey = location.subnet.vpc;
    }
    return this.resolveInVpc(vpcKey, viaInbound, host);
  }

  private resolveInVpc(vpcKey: ResourceKey, viaInbound: boolean, host: string): Target[] {
    const vpc = this.model.vpcs.get(vpcKey)!;
    const region = vpc.stack.region ?? '';
    type Candidate = { name: string; via: string; direct: boolean; zone?: Zone; endpoint?: ResourceKey };
    const candidates: Candidate[] = [];
    for (const zone of this.model.zones.values()) {
      if (!zone.isPrivate) continue;
      const association = zone.vpcs.includes(vpcKey) ? `${zone.key} (associated with ${vpcKey})`
        : this.model.zoneAssociations.find((a) => a.zone === zone.key && a.vpc === vpcKey)?.key;
      if (association) candidates.push({ name: zone.name, via: association, direct: true, zone });
    }
    for (const association of this.model.profileAssociations.filter((a) => a.vpc === vpcKey)) {
      const profile = association.profile ? this.model.profiles.get(association.profile) : undefined;
      if (!profile) {
        this.note('dns', `profile ${association.profileText} associated with ${vpcKey} is not in the assembly (declare the link); its zones are not known`, association.key);
        continue;
      }
      const vpcAccount = vpc.stack.account;
      if (vpcAccount && profile.stack.account && vpcAccount !== profile.stack.account && !profile.sharedWith.includes(vpcAccount)) {
        throw this.block('dns', `Route 53 Profile ${profile.key} is not shared with account ${vpcAccount} (AWS RAM), so ${association.key} cannot associate it`,
          profile.key, RULES.PROFILE, `share the profile with ${vpcAccount} (IotZoneProfile shareWithAccounts / IotAccountStack networkAccount)`);
      }
      for (const resource of profile.resources) {
        const zone = this.model.zones.get(resource);
        if (zone) candidates.push({ name: zone.name, via: `${profile.key} (profile, associated by ${association.key})`, direct: false, zone });
        const endpoint = this.model.interfaceEndpoints.get(resource);
        if (endpoint?.privateDns) {
          for (const name of privateDnsNames(endpoint.serviceName, region)) candidates.push({ name, via: `${endpoint.key} private DNS (profile ${profile.key})`, direct: false, endpoint: endpoint.key });
        }
      }
    }
    for (const endpoint of this.model.interfaceEndpoints.values()) {
      if (endpoint.vpc !== vpcKey || !endpoint.privateDns || (endpoint.onlyForInboundResolver && !viaInbound)) continue;
      for (const name of privateDnsNames(endpoint.serviceName, region)) candidates.push({ name, via: `${endpoint.key} private DNS`, direct: true, endpoint: endpoint.key });
    }
    const covering = candidates.filter((c) => (c.endpoint ? dnsNameMatches(c.name, host) || zoneCovers(c.name.replace(/^\*\./, ''), host) : zoneCovers(c.name, host)));
    if (covering.length === 0) {
      if (this.gatewayOnly(vpcKey, host)) {
        throw this.block('dns', `${host} resolves to public addresses from ${viaInbound ? 'on-premises (through ' + vpcKey + ')' : vpcKey}: the S3 gateway endpoint `
          + `${this.gatewayOnly(vpcKey, host)} serves only its own VPC's route tables`, this.gatewayOnly(vpcKey, host), RULES.GATEWAY_ENDPOINT,
        'add an S3 interface endpoint and make its names resolvable there (zones or a Route 53 Profile that carries them)');
      }
      throw this.block('dns', `${host} resolves to public addresses from ${viaInbound ? 'on-premises (queries through the inbound endpoint in ' + vpcKey + ')' : vpcKey}: `
        + 'no private hosted zone, profile or endpoint private DNS there answers for it', vpcKey, RULES.ZONE_MATCH,
      'associate the zone for this name with the VPC (IotPrivateHostedZone vpcs, IotZoneVpcAssociation) or associate the Route 53 Profile that carries it');
    }
    const length = (c: Candidate) => c.name.replace(/^\*\./, '').length;
    covering.sort((a, b) => length(b) - length(a) || Number(b.direct) - Number(a.direct));
    const chosen = covering[0];
    this.resolvedBy = chosen.via;
    if (chosen.endpoint) {
      this.pass('dns', `${host} resolves through ${chosen.via} to the endpoint's addresses`, chosen.endpoint, RULES.PRIVATE_DNS);
      return [{ kind: 'endpoint', endpoint: chosen.endpoint }];
    }
    const records = chosen.zone!.records.filter((r) => ['A', 'AAAA'].includes(r.type) && dnsNameMatches(r.name, host));
    if (records.length === 0) {
      throw this.block('dns', `zone ${chosen.zone!.name} (${chosen.via}) covers ${host} but has no A record for it: the answer is NXDOMAIN`,
        chosen.zone!.key, RULES.ZONE_MATCH, `name the zone exactly after the host (${host}) or add its records`);
    }
    this.pass('dns', `${host} resolves in zone ${chosen.zone!.name} via ${chosen.via} (${records.length} record${records.length > 1 ? 's' : ''})`, chosen.zone!.key, RULES.ZONE_MATCH);
    return dedupeTargets(records.flatMap((r) => r.targets));
  }

  private gatewayOnly(vpcKey: ResourceKey, host: string): ResourceKey | undefined {
    if (!/(^|\.)s3[.-]/.test(host)) return undefined;
    const gateway = this.model.gatewayEndpoints.find((g) => /\.s3$/.test(g.serviceName));
    return gateway && gateway.vpc !== vpcKey ? gateway.key : undefined;
  }

  private resolvePublic(host: string, from: string): Target[] {
    const zones = [...this.model.zones.values()].filter((z) => !z.isPrivate && zoneCovers(z.name, host))
      .sort((a, b) => b.name.length - a.name.length);
    const records = zones[0]?.records.filter((r) => ['A', 'AAAA'].includes(r.type) && dnsNameMatches(r.name, host)) ?? [];
    if (records.length === 0) {
      throw this.block('dns', `from ${from}, ${host} is answered by public DNS outside this assembly (no public zone here has a record for it)`, undefined,
        RULES.ZONE_MATCH, 'name a host this assembly serves publicly (the front door\'s custom domain)');
    }
    this.resolvedBy = zones[0].key;
    this.pass('dns', `${host} resolves publicly in zone ${zones[0].name}`, zones[0].key, RULES.ZONE_MATCH);
    return dedupeTargets(records.flatMap((r) => r.targets));
  }

  // --- delivery ----------------------------------------------------------------------------------

  private deliver(location: Location, target: Target, host: string, port: number): void {
    switch (target.kind) {
      case 'endpoint': return this.toEndpoint(location, target.endpoint, host, port, undefined, []);
      case 'load-balancer': return this.toLoadBalancer(location, target.loadBalancer, host, port, 'direct');
      case 'accelerator': return this.toAccelerator(location, target.accelerator, host, port);
      case 'ip': {
        const lb = [...this.model.loadBalancers.values()].find((l) => l.privateAddresses.includes(target.ip));
        if (lb) return this.toLoadBalancer(location, lb.key, host, port, 'direct');
        throw this.block('target', `the answer ${target.ip} is no address of a load balancer or endpoint in the assembly`, undefined, undefined, 'point the record at a resource of the assembly');
      }
      default:
        throw this.block('target', `the answer ${target.text} is not a resource the assembly declares (a value known only after deployment?)`, undefined, undefined,
          'declare the link (IotReachability.linkValue) or point the record at a resource of the assembly');
    }
  }

  private toEndpoint(location: Location, key: ResourceKey, host: string, port: number, seen: string | undefined, peerGroups: string[]): void {
    const endpoint = this.model.interfaceEndpoints.get(key)!;
    if (location.kind === 'internet') {
      throw this.block('route', `interface endpoint ${key} has only private addresses: the internet cannot reach it`, key, RULES.INTERNET, 'use a front door (StaticIpIotFrontDoor)');
    }
    for (const subnetKey of endpoint.subnets) {
      this.connect(location, this.subnet(subnetKey), endpoint.groups, TCP, port, `TCP ${port} to ${key}`, seen, peerGroups);
    }
    const isService = /vpce-svc-/.test(endpoint.serviceName) || endpoint.service !== undefined;
    if (isService) {
      const service = endpoint.service ? this.model.endpointServices.get(endpoint.service) : undefined;
      if (!service) {
        throw this.block('privatelink', `endpoint ${key} connects to ${endpoint.serviceName}, which is not in the assembly (declare the link)`, key, RULES.PRIVATELINK,
          'link the service name to the endpoint service (IotReachability.linkValue)');
      }
      const account = this.model.stackOf(key)?.account;
      const allowed = service.allowedPrincipals.some((p) => p === '*' || (account !== undefined && p.includes(`:${account}:`)))
        || this.model.stackOf(service.key)?.account === account;
      if (!allowed) {
        throw this.block('privatelink', `endpoint service ${service.key} does not allow account ${account}`, service.key, RULES.PRIVATELINK,
          `add ${account} to the allowed accounts (CrossAccountIotEndpointService allowedAccounts / IotAccountStack consumerAccounts)`);
      }
      this.pass('privatelink', `${key} connects to ${service.key}, which allows account ${account}`, service.key, RULES.PRIVATELINK);
      const consumer = location.kind === 'subnet' ? location.subnet.cidr! : location.cidr;
      for (const lb of service.loadBalancers) this.toLoadBalancer({ kind: 'on-premises', cidr: consumer }, lb, host, port, 'privatelink');
      return;
    }
    if (!serviceServesHost(endpoint.serviceName, host)) {
      throw this.block('answer', `${key} is an endpoint of ${endpoint.serviceName}, which does not answer for ${host}`, key, RULES.IOT_HOST, 'point the name at the endpoint of its own service');
    }
    if (!servicePorts(endpoint.serviceName).includes(port)) {
      throw this.block('answer', `${endpoint.serviceName} does not listen on ${port} (only ${servicePorts(endpoint.serviceName).join(', ')})`, key, RULES.IOT_PORTS,
        `use port ${servicePorts(endpoint.serviceName).join(' or ')}`);
    }
    this.answeredBy = `${endpoint.serviceName} (${key})`;
    this.pass('answer', `${endpoint.serviceName} answers on ${port}`, key, RULES.IOT_PORTS);
  }

  private toLoadBalancer(location: Location, key: ResourceKey, host: string, port: number, mode: 'direct' | 'privatelink' | 'accelerator', clientAddress?: string): void {
    const privateLink = mode !== 'direct';
    const lb = this.model.loadBalancers.get(key);
    if (!lb) throw this.block('load balancer', `${key} is not a network load balancer of the assembly`, key, undefined, 'check the record target');
    const listener = this.model.listeners.find((l) => l.loadBalancer === key && l.port === port);
    if (!listener) {
      throw this.block('listener', `load balancer ${key} has no listener on ${port}`, key, RULES.NLB_LISTENER, 'add the port to the front door (ports) or connect on a listened port');
    }
    const client = clientAddress ?? (location.kind === 'subnet' ? location.subnet.cidr! : location.cidr);
    const groups = mode === 'privatelink' && !lb.enforceOnPrivateLink ? [] : lb.groups;
    const label = mode === 'accelerator' && client === '0.0.0.0/0' ? 'the accelerator\'s addresses' : client;
    for (const subnetKey of lb.subnets) {
      const subnet = this.subnet(subnetKey);
      if (location.kind === 'internet') {
        this.fromInternet(lb.key, subnet, location.cidr);
        this.aclIn(subnet, location.cidr, TCP, port, `TCP ${port} from ${location.cidr} to ${key}`);
        this.securityGroups(groups, client, [], TCP, port, key, label);
      } else if (privateLink) {
        this.aclIn(subnet, client, TCP, port, `${mode === 'accelerator' ? 'Accelerator' : 'PrivateLink'} TCP ${port} from ${label} to ${key}`);
        this.securityGroups(groups, client, [], TCP, port, key, label);
      } else {
        this.connect(location, subnet, groups, TCP, port, `TCP ${port} to ${key}`, client);
      }
    }
    this.pass('listener', `${key} listens on ${port}${mode === 'privatelink' && groups.length === 0 && lb.groups.length > 0 ? ' (its security groups skip PrivateLink traffic)' : ''}`, listener.key, RULES.NLB_LISTENER);
    const targets = listener.targetGroups.flatMap((tg) => this.model.targetGroups.get(tg)?.targets ?? []);
    if (targets.length === 0) throw this.block('targets', `listener ${listener.key} forwards to no registered target`, listener.key, RULES.NLB_LISTENER, 'register the endpoint addresses');
    for (const target of dedupeTargets(targets)) {
      if (target.kind !== 'endpoint') {
        throw this.block('targets', `target ${target.kind === 'ip' ? target.ip : target.kind} of ${listener.key} is not an interface endpoint of the assembly`, listener.key, RULES.NLB_LISTENER, 'target the endpoint addresses');
      }
      for (const subnetKey of lb.subnets) {
        const node = this.subnet(subnetKey);
        this.toEndpoint({ kind: 'subnet', subnet: node }, target.endpoint, host, port, node.cidr, lb.groups);
      }
    }
    this.pass('source', `behind ${key} the endpoint sees the load balancer's private addresses (${lb.subnets.map((s) => this.subnet(s).cidr).join(', ')})`, key, RULES.NLB_SOURCE);
  }

  private toAccelerator(location: Location, key: ResourceKey, host: string, port: number): void {
    const accelerator = this.model.accelerators.get(key)!;
    const listener = accelerator.listeners.find((l) => l.ports.some(([from, to]) => from <= port && port <= to));
    if (!listener) throw this.block('listener', `accelerator ${key} has no listener for ${port}`, key, RULES.GA_CLIENT_IP, 'add the port to the accelerator listener');
    const groups = accelerator.groups.filter((g) => g.listener === listener.key);
    const endpoints = groups.flatMap((g) => g.endpoints.map((e) => ({ ...e, group: g.key })));
    if (endpoints.length === 0) throw this.block('listener', `accelerator listener ${listener.key} has no endpoint`, listener.key, RULES.GA_CLIENT_IP, 'add the load balancer as endpoint');
    const client = location.kind === 'subnet' ? location.subnet.cidr! : location.cidr;
    for (const endpoint of endpoints) {
      if (!endpoint.target || !this.model.loadBalancers.has(endpoint.target)) {
        throw this.block('accelerator', `endpoint of ${endpoint.group} is not a load balancer of the assembly`, endpoint.group, RULES.GA_CLIENT_IP, 'point the endpoint group at the front door');
      }
      this.pass('accelerator', `${key} forwards ${port} to ${endpoint.target}${endpoint.preserveClientIp ? ' with the client address' : ' from its own addresses (no client IP preservation)'}`,
        endpoint.group, RULES.GA_CLIENT_IP);
      const lb = this.model.loadBalancers.get(endpoint.target)!;
      const subnet = this.subnet(lb.subnets[0]);
      try {
        this.toLoadBalancerFromAccelerator(lb.key, subnet, host, port, endpoint.preserveClientIp ? client : null);
      } catch (e) {
        if (e instanceof Blocked && !endpoint.preserveClientIp && e.step.check === 'security group') {
          throw new Blocked({ ...e.step, resource: endpoint.group, detail: `${e.step.detail}; the accelerator endpoint does not preserve the client address` },
            'turn on client IP preservation for the accelerator endpoint (StaticIpIotFrontDoor does with globalAccelerator)');
        }
        throw e;
      }
    }
  }

  private toLoadBalancerFromAccelerator(key: ResourceKey, _subnet: Subnet, host: string, port: number, client: string | null): void {
    // Global Accelerator reaches the load balancer over the AWS network: no internet route applies. Without client IP
    // preservation the source is one of the accelerator's own addresses: only a rule open to any address admits it.
    this.toLoadBalancer({ kind: 'on-premises', cidr: client ?? '0.0.0.0/0' }, key, host, port, 'accelerator', client ?? '0.0.0.0/0');
  }

  private fromInternet(key: ResourceKey, subnet: Subnet, client: string): void {
    const lb = this.model.loadBalancers.get(key)!;
    if (!lb.internetFacing) throw this.block('route', `load balancer ${key} is internal: the internet cannot reach it`, key, RULES.INTERNET, 'use an internet-facing front door');
    const vpc = this.model.vpcs.get(subnet.vpc)!;
    const route = routeFor(this.routesOf(subnet), vpc.cidr, client);
    if (!vpc.internetGateway || route === undefined || route === 'local' || route.target.kind !== 'igw') {
      throw this.block('route', `subnet ${subnet.key} of ${key} has no route to an internet gateway for ${client}`, subnet.routeTable ?? subnet.key, RULES.INTERNET,
        'put internet-facing front doors in public subnets');
    }
  }

  // --- one hop: route there and back, ACLs both ways, security groups ------------------------------

  private connect(from: Location, to: Subnet, groups: string[], protocol: number, port: number, what: string, seen?: string,
    peerGroups: string[] = []): void {
    const toVpc = this.model.vpcs.get(to.vpc)!;
    const toCidr = to.cidr!;
    const client = from.kind === 'subnet' ? from.subnet.cidr! : from.cidr;
    if (from.kind === 'subnet') {
      const fromVpc = this.model.vpcs.get(from.subnet.vpc)!;
      if (from.subnet.vpc !== to.vpc) {
        const route = routeFor(this.routesOf(from.subnet), fromVpc.cidr, toCidr);
        if (!route || route === 'local' || route.target.kind !== 'tgw') {
          throw this.block('route', `${what}: subnet ${from.subnet.key} has no route to ${toCidr}${route && route !== 'local' ? ` (its route goes to ${route.target.kind})` : ''}`,
            from.subnet.routeTable ?? from.subnet.key, RULES.ROUTE_LPM, 'route the destination through the Transit Gateway from this subnet');
        }
        this.viaTransitGateway(route.target.tgw, route.target.text, { vpc: from.subnet.vpc, az: from.subnet.az }, to, what);
      }
      if (from.subnet.key !== to.key) this.aclOut(from.subnet, toCidr, protocol, port, what);
    } else if (from.kind === 'on-premises') {
      const links = this.model.onPremisesLinks;
      if (links.length === 0) {
        throw this.block('route', `${what}: no Site-to-Site VPN or Direct Connect gateway association connects ${client} to a Transit Gateway`, undefined, RULES.TGW_ROUTES,
          'add a VPN (NetworkAccountStack vpn) or Direct Connect (directConnect)');
      }
      const usable = links.filter((l) => l.kind === 'vpn' || (l.allowedPrefixes ?? []).some((p) => ipv4CidrContains(p, toCidr)));
      if (usable.length === 0) {
        throw this.block('route', `${what}: the Direct Connect association ${links[0].key} does not advertise ${toCidr} (allowed prefixes ${links[0].allowedPrefixes?.join(', ')})`,
          links[0].key, RULES.DX_PREFIXES, 'add the destination VPC CIDR to the allowed prefixes (directConnect.allowedPrefixes)');
      }
      this.viaTransitGateway(usable[0].tgw, usable[0].key, undefined, to, what);
    } else {
      throw this.block('route', `${what}: ${to.key} is private; the internet cannot reach it`, to.key, RULES.INTERNET, 'use an internet-facing front door');
    }
    // ... and back
    if (from.kind !== 'subnet' || from.subnet.vpc !== to.vpc) {
      const back = routeFor(this.routesOf(to), toVpc.cidr, client);
      if (!back || back === 'local' || back.target.kind !== 'tgw') {
        throw this.block('return route', `${what}: replies from ${to.key} to ${client} have no route back${back && back !== 'local' ? ` (its route goes to ${back.target.kind})` : ''}`,
          to.routeTable ?? to.key, RULES.ROUTE_LPM, `route ${client} through the Transit Gateway from ${to.key} (onPremisesCidrs / deviceCidrs of the topology stacks)`);
      }
      const tgw = back.target.tgw;
      if (from.kind === 'subnet') {
        this.transitGatewayDelivers(tgw, back.target.text, from.subnet, `${what} (return)`);
      } else if (!this.model.onPremisesLinks.some((l) => l.tgw === tgw)) {
        throw this.block('return route', `${what}: the Transit Gateway ${back.target.text} that ${to.key} routes ${client} to has no VPN or Direct Connect to on-premises`,
          to.routeTable ?? to.key, RULES.TGW_ROUTES, 'attach the on-premises link to the same Transit Gateway');
      }
    }
    if (from.kind !== 'subnet' || from.subnet.key !== to.key) { // ACLs filter only what enters or leaves a subnet
      this.aclIn(to, seen ?? client, protocol, port, what);
      this.aclReply(to, client, protocol, what);
      if (from.kind === 'subnet') this.aclReplyIn(from.subnet, toCidr, protocol, what);
    }
    this.securityGroups(groups, seen ?? client, peerGroups, protocol, port, to.key, seen ?? client);
    this.pass('path', `${what}: routed there and back, network ACLs and security groups admit it`, to.key);
  }

  private viaTransitGateway(tgwKey: ResourceKey | undefined, text: string, from: { vpc: ResourceKey; az: string } | undefined, to: Subnet,
    what: string): void {
    const tgw = tgwKey ? this.model.transitGateways.get(tgwKey) : undefined;
    if (!tgw) {
      throw this.block('transit gateway', `${what}: Transit Gateway ${text} is not in the assembly`, undefined, RULES.TGW_ROUTES,
        'synthesize the network account in the same app, or declare the link (IotReachability.linkValue)');
    }
    if (from) this.attachmentInAz(tgw.key, from.vpc, from.az, what);
    this.transitGatewayDelivers(tgw.key, text, to, what);
  }

  private transitGatewayDelivers(tgwKey: ResourceKey | undefined, text: string, to: Subnet, what: string): void {
    const tgw = tgwKey ? this.model.transitGateways.get(tgwKey) : undefined;
    if (!tgw) throw this.block('transit gateway', `${what}: Transit Gateway ${text} is not in the assembly`, undefined, RULES.TGW_ROUTES, 'declare the link (IotReachability.linkValue)');
    const attachment = this.attachmentInAz(tgw.key, to.vpc, to.az, what);
    const staticRoute = this.model.tgwRoutes.find((r) => r.tgw === tgw.key && to.cidr && ipv4CidrContains(r.destination, to.cidr));
    if (staticRoute?.blackhole) throw this.block('transit gateway', `${what}: ${staticRoute.key} blackholes ${to.cidr}`, staticRoute.key, RULES.TGW_ROUTES, 'remove the blackhole route');
    if (!tgw.propagation && !staticRoute) {
      throw this.block('transit gateway', `${what}: ${tgw.key} does not propagate attachments to its default route table and has no static route to ${to.cidr}`,
        tgw.key, RULES.TGW_ROUTES, 'enable default route table propagation');
    }
    const owner = tgw.stack.account;
    const account = attachment.stack.account;
    if (owner && account && owner !== account && !tgw.sharedWith.includes(account)) {
      throw this.block('transit gateway', `${what}: ${attachment.key} (account ${account}) attaches to ${tgw.key}, which is not shared with ${account}`,
        tgw.key, RULES.TGW_SHARE, `share the Transit Gateway with ${account} (NetworkAccountStack iotAccount)`);
    }
  }

  private attachmentInAz(tgwKey: ResourceKey, vpcKey: ResourceKey, az: string, what: string) {
    const attachments = this.model.attachments.filter((a) => a.tgw === tgwKey && a.vpc === vpcKey);
    if (attachments.length === 0) {
      throw this.block('transit gateway', `${what}: ${vpcKey} has no attachment to ${tgwKey}`, vpcKey, RULES.TGW_ROUTES,
        'attach the VPC to the Transit Gateway (IotAccountStack transitGatewayId)');
    }
    const inAz = attachments.find((a) => a.subnets.some((s) => this.model.subnets.get(s)?.az === az));
    if (!inAz) {
      throw this.block('transit gateway', `${what}: attachment ${attachments[0].key} has no subnet in ${az}, so resources there cannot use ${tgwKey}`,
        attachments[0].key, RULES.TGW_AZ, 'attach one subnet of every Availability Zone');
    }
    return inAz;
  }

  private aclIn(subnet: Subnet, peer: string, protocol: number, port: number, what: string): void {
    this.acl(subnet, false, peer, protocol, [port, port], `${what}: inbound`);
  }

  private aclOut(subnet: Subnet, peer: string, protocol: number, port: number, what: string): void {
    this.acl(subnet, true, peer, protocol, [port, port], `${what}: outbound`);
  }

  private aclReply(subnet: Subnet, peer: string, protocol: number, what: string): void {
    this.acl(subnet, true, peer, protocol, EPHEMERAL, `${what}: replies out`);
  }

  private aclReplyIn(subnet: Subnet, peer: string, protocol: number, what: string): void {
    this.acl(subnet, false, peer, protocol, EPHEMERAL, `${what}: replies in`);
  }

  private acl(subnet: Subnet, egress: boolean, peer: string, protocol: number, ports: [number, number], what: string): void {
    if (!subnet.acl) return; // the VPC's default ACL allows everything
    const entries = this.model.aclEntries.filter((e) => e.acl === subnet.acl && e.egress === egress);
    const verdict = aclAllows(entries, peer, protocol, ports);
    if (!verdict.allowed) {
      const range = ports[0] === ports[1] ? `${ports[0]}` : `${ports[0]}-${ports[1]}`;
      throw this.block('network ACL', `${what}: network ACL ${subnet.acl} of ${subnet.key} ${verdict.entry ? `denies (${verdict.entry.key})` : 'has no rule admitting'} `
        + `${egress ? 'to' : 'from'} ${peer} on ${range}`, verdict.entry?.key ?? subnet.acl, ports === EPHEMERAL ? RULES.ACL_EPHEMERAL : RULES.ACL_ORDER,
      `admit ${peer} ${egress ? 'outbound' : 'inbound'} on ${range} (IotAccountStack deviceCidrs / onPremisesCidrs / consumerCidrs)`);
    }
  }

  private securityGroups(groups: string[], peer: string | undefined, peerGroups: string[], protocol: number, port: number, where: string,
    peerText: string): void {
    if (groups.length === 0) return;
    if (!sgAdmits(this.model.sgRules, groups, peer, peerGroups, protocol, port)) {
      throw this.block('security group', `security group ${groups.join(', ')} of ${where} does not admit ${peerText} on ${protocol === UDP ? 'UDP' : 'TCP'} ${port}`,
        groups[0], RULES.SG_ALLOW, `admit ${peerText} on ${port} (peers / clientPeers / onPremisesCidrs of the construct that owns it)`);
    }
  }

  private routesOf(subnet: Subnet) {
    return this.model.routes.filter((r) => r.routeTable === subnet.routeTable);
  }

  private subnet(key: ResourceKey): Subnet {
    const subnet = this.model.subnets.get(key);
    if (!subnet?.cidr) throw this.block('model', `subnet ${key} is not in the assembly or has no literal CIDR`, key, undefined, 'synthesize the stack that owns it');
    return subnet;
  }

  private pass(check: string, detail: string, resource?: string, rule?: ModelRule): void {
    this.steps.push({ check, ok: true, detail, resource: this.describe(resource), rule: rule?.id });
  }

  private note(check: string, detail: string, resource?: string): void {
    this.steps.push({ check, ok: true, detail: `note: ${detail}`, resource: this.describe(resource) });
  }

  private block(check: string, detail: string, resource: string | undefined, rule: ModelRule | undefined, fix: string): Blocked {
    const step = { check, ok: false, detail, resource: this.describe(resource), rule: rule?.id };
    this.steps.push(step);
    return new Blocked(step, fix);
  }

  /** `<stack>/<logicalId>` with the construct path, when the template records it. */
  private describe(key: string | undefined): string | undefined {
    if (!key) return undefined;
    const stack = this.model.stackOf(key);
    const path = stack?.template.Resources?.[key.slice(stack.name.length + 1)]?.Metadata?.['aws:cdk:path'];
    return path ? `${key} (${path})` : key;
  }
}

function dedupeTargets(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const id = JSON.stringify(t);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A readable label of a source. */
export function sourceLabel(source: FlowSourceSpec): string {
  if (source.label) return source.label;
  if (source.kind === 'vpc') return `${source.vpc}${source.subnets?.length ? ` (${source.subnets.length} subnets)` : ''}`;
  return `${source.kind} ${source.cidr}`;
}
