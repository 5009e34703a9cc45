/**
 * Draws the architecture of a synthesized topology as a Graphviz DOT graph, from the templates alone (read with the
 * reachability verifier's model, src/verify): one cluster per stack (account), a nested cluster per VPC holding what
 * lives in it (endpoints, private zones, Resolver endpoints, load balancers, Transit Gateway attachments, Profile
 * associations, the connectivity canary), the account-wide resources (Transit Gateway, VPN, Direct Connect, endpoint
 * services, Route 53 Profiles, IoT policies) next to the VPCs, and the paths between them: device traffic, DNS, and the
 * shares and associations that tie the accounts together (the string values one stack passes to another are linked
 * the way the verifier links them). Fixed nodes stand for what no template holds: devices, on-premises DNS, AWS IoT Core.
 *
 * Laid out top to bottom for the README (readable at 900 px wide: see test/architecture.test.ts).
 *
 * Usage: npx projen docs:architecture  (writes docs/architecture.dot and, with Graphviz' `dot`, docs/architecture.svg)
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readAssembly, referencedIds, ResourceKey, Resolver, StackInfo } from '../src/verify/model';
import { NetworkModel, normalizeName } from '../src/verify/network';

/** Font sizes (points of the drawing); the test checks that the smallest one stays legible at 900 px wide. */
const FONT_SIZES = { cluster: 15, node: 14, edge: 13 };

/** Edge styles by meaning; the legend explains them. */
const EDGE_STYLES = {
  traffic: { attrs: 'color="#1565c0", penwidth=2.2', legend: 'device traffic (MQTT, HTTPS)' },
  dns: { attrs: 'color="#2e7d32", style=dashed, penwidth=1.6', legend: 'DNS resolution' },
  link: { attrs: 'color="#757575", style=dotted, penwidth=1.6', legend: 'share, association, policy' },
};
type EdgeKind = keyof typeof EDGE_STYLES;

/** Fixed nodes: what lives outside the templates. */
const EXTERNAL = 'shape=box, style="rounded,filled", fillcolor="#e0e0e0", color="#9e9e9e"';
const IOT_CORE = 'aws_iot_core';
const ON_PREMISES_DEVICES = 'on_premises_devices';
const ON_PREMISES_DNS = 'on_premises_dns';
const RESOURCE = 'shape=box, style="rounded,filled", fillcolor="#ffffff", color="#546e7a"';
const ENDPOINTS_HEADER = '#bbdefb';
const ZONES_HEADER = '#c8e6c9';

/** Interface endpoints whose traffic goes on to AWS IoT Core. */
const IOT_SERVICE = /\.(iot\.[a-z-]+|greengrass)$/;

interface Edge { readonly from: string; readonly to: string; readonly kind: EdgeKind; readonly label?: string }
interface Cluster { readonly id: string; readonly attrs: string[]; readonly nodes: string[]; readonly clusters: Cluster[] }

export function architectureDot(assemblyDir: string): string {
  const stacks = readAssembly(assemblyDir);
  const model = new NetworkModel(stacks);
  const edges: Edge[] = [];
  const place = new Map<ResourceKey, string>(); // resource -> node (or `table:row`) that draws it
  const accountOfNode = new Map<string, StackInfo>(); // node -> the stack it is drawn in
  const edge = (from: string | undefined, to: string | undefined, kind: EdgeKind, label?: string) => {
    if (from && to) edges.push({ from, to, kind, label });
  };

  // accounts and their VPCs
  const accounts = new Map<StackInfo, Cluster>();
  const vpcClusters = new Map<ResourceKey, Cluster>();
  for (const stack of stacks) {
    const account = cluster(`cluster_${id(stack.name)}`, `${stack.name} (account ${stack.account ?? 'unknown'})`,
      'style=rounded', 'color="#455a64"', 'penwidth=1.5', 'labeljust=r');
    accounts.set(stack, account);
    for (const vpc of [...model.vpcs.values()].filter((v) => v.stack === stack)) {
      const name = words(logicalIdOf(vpc.key)).replace(/\bvpc\b/g, '').trim();
      const inner = cluster(`cluster_${id(vpc.key)}`, `${name ? `${name} ` : ''}VPC${vpc.cidr ? ` ${vpc.cidr}` : ''}`,
        'style="filled,rounded"', 'fillcolor="#f5f9fc"', 'color="#90a4ae"');
      account.clusters.push(inner);
      vpcClusters.set(vpc.key, inner);
    }
  }
  /** Draws a node in its VPC's cluster, or in its account's cluster when it lives in no VPC. */
  const addNode = (key: ResourceKey, vpc: ResourceKey | undefined, label: string) => {
    const stack = model.stackOf(key)!;
    (vpcClusters.get(vpc ?? '') ?? accounts.get(stack)!).nodes.push(`${id(key)} [label="${escape(label)}", ${RESOURCE}];`);
    place.set(key, id(key));
    accountOfNode.set(id(key), stack);
    return id(key);
  };
  /** Draws resources as the rows of one table node. */
  type Row = { key: ResourceKey; label: string };
  const addTable = (nodeId: string, into: Cluster, stack: StackInfo, header: string[], color: string, rows: Row[]) => {
    const sorted = [...rows].sort((a, b) => compare(a.label, b.label));
    sorted.forEach((r, i) => place.set(r.key, `${nodeId}:r${i}`));
    into.nodes.push(`${nodeId} [shape=plain, label=<${tableHtml(header, color, sorted.map((r, i) => ({ port: `r${i}`, label: r.label })))}>];`);
    accountOfNode.set(nodeId, stack);
  };
  const vpcOfSubnets = (subnets: ResourceKey[]) => subnets.map((s) => model.subnets.get(s)?.vpc).find((v) => v);
  const vpcsOfZone = (zone: ResourceKey) => [...model.zones.get(zone)!.vpcs,
    ...model.zoneAssociations.filter((a) => a.zone === zone && a.vpc).map((a) => a.vpc!)];
  /** The VPC of a stack's resource when that VPC is drawn in the same stack (else the resource goes in the account). */
  const drawnVpc = (stack: StackInfo, vpc: ResourceKey | undefined) =>
    (vpc && vpcClusters.has(vpc) && model.stackOf(vpc) === stack ? vpc : undefined);
  const external: string[] = [];
  const onPremises: string[] = [];

  // endpoints and private zones: a table per VPC (for a zone, the first VPC it is associated with), a row each
  for (const stack of stacks) {
    const endpoints = [
      ...[...model.interfaceEndpoints.values()].map((e) => ({ key: e.key, vpc: e.vpc, label: endpointLabel(model, e.key) })),
      ...model.gatewayEndpoints.map((e) => ({ key: e.key, vpc: e.vpc, label: `${shortService(e.serviceName)} (gateway)` })),
    ].filter((e) => model.stackOf(e.key) === stack).map((e) => ({ ...e, vpc: drawnVpc(stack, e.vpc) }));
    for (const vpc of new Set(endpoints.map((e) => e.vpc))) {
      addTable(`endpoints_${id(vpc ?? stack.name)}`, vpcClusters.get(vpc ?? '') ?? accounts.get(stack)!, stack, ['VPC endpoints'], ENDPOINTS_HEADER,
        endpoints.filter((e) => e.vpc === vpc));
    }
    const suffix = `.${stack.region ?? 'unknown-region'}.amazonaws.com${stack.region?.startsWith('cn-') ? '.cn' : ''}`;
    const zones = [...model.zones.values()].filter((z) => model.stackOf(z.key) === stack)
      .map((z) => ({ key: z.key, name: z.name, vpc: drawnVpc(stack, vpcsOfZone(z.key)[0]), private: vpcsOfZone(z.key).length > 0 }));
    for (const vpc of new Set(zones.map((z) => z.vpc))) {
      const inVpc = zones.filter((z) => z.vpc === vpc);
      // names under the region's service domain are shortened, the domain said once in the header
      const shortened = inVpc.some((z) => z.name.endsWith(suffix));
      const rows = inVpc.map((z) => ({ key: z.key, label: !shortened ? z.name : z.name.endsWith(suffix) ? z.name.slice(0, -suffix.length) : `${z.name}.` }));
      const title = inVpc.every((z) => z.private) ? 'private hosted zones' : 'hosted zones';
      addTable(`zones_${id(vpc ?? stack.name)}`, vpcClusters.get(vpc ?? '') ?? accounts.get(stack)!, stack,
        shortened ? [title, `(+ ${suffix})`] : [title], ZONES_HEADER, rows);
    }
  }

  // device traffic: on premises -> VPN or Direct Connect -> Transit Gateway -> attachment -> endpoints
  for (const tgw of model.transitGateways.values()) {
    addNode(tgw.key, undefined, `Transit Gateway${tgw.sharedWith.length > 0 ? `\nshared with ${accountsIn(tgw.sharedWith)}` : ''}`);
  }
  for (const attachment of model.attachments) {
    const node = addNode(attachment.key, attachment.vpc, 'TGW attachment');
    // traffic flows from a VPC without endpoints (devices) into the Transit Gateway, and from it into a VPC with endpoints
    const endpoints = `endpoints_${id(attachment.vpc ?? '')}`;
    if (accountOfNode.has(endpoints)) {
      edge(place.get(attachment.tgw ?? ''), node, 'traffic');
      edge(node, endpoints, 'traffic');
    } else {
      edge(node, place.get(attachment.tgw ?? ''), 'traffic');
    }
  }
  for (const link of model.onPremisesLinks) {
    const vpn = link.kind === 'vpn';
    const node = addNode(link.key, undefined, vpn ? 'Site-to-Site VPN' : 'Direct Connect\ngateway association');
    edge(ON_PREMISES_DEVICES, node, 'traffic', vpn ? 'IPsec' : undefined);
    edge(node, place.get(link.tgw ?? ''), 'traffic');
  }
  if (model.onPremisesLinks.length > 0) onPremises.push(`${ON_PREMISES_DEVICES} [label="devices", ${EXTERNAL}];`);

  // load balancers (front doors, and behind endpoint services), accelerators, endpoint services
  for (const lb of model.loadBalancers.values()) {
    const listeners = model.listeners.filter((l) => l.loadBalancer === lb.key);
    const ports = [...new Set(listeners.map((l) => l.port))].sort((a, b) => a - b);
    const mappings = model.stackOf(lb.key)!.template.Resources[logicalIdOf(lb.key)].Properties?.SubnetMappings;
    const staticIps = (Array.isArray(mappings) ? mappings : []).filter((m: any) => m.AllocationId !== undefined).length;
    const title = !lb.internetFacing ? 'NLB (internal)' : staticIps > 0 ? `front door NLB\n${staticIps} static IPs` : 'NLB (internet-facing)';
    const node = addNode(lb.key, lb.vpc, `${title}${ports.length > 0 ? `\nTCP ${ports.join(', ')}` : ''}`);
    listeners.flatMap((l) => l.targetGroups.flatMap((g) => model.targetGroups.get(g)?.targets ?? []))
      .forEach((t) => edge(node, t.kind === 'endpoint' ? place.get(t.endpoint) : undefined, 'traffic'));
    if (lb.internetFacing) {
      const allowed = [...new Set(model.sgRules.filter((r) => lb.groups.includes(r.group) && r.cidr).map((r) => r.cidr!))];
      const label = allowed.length === 0 ? 'internet devices'
        : `internet devices\nallow-listed:\n${allowed.slice(0, 2).join(', ')}${allowed.length > 2 ? ` +${allowed.length - 2}` : ''}`;
      external.push(`internet_${node} [label="${escape(label)}", ${EXTERNAL}];`);
      edge(`internet_${node}`, node, 'traffic');
    }
  }
  for (const accelerator of model.accelerators.values()) {
    const node = addNode(accelerator.key, undefined, 'Global Accelerator\n2 static anycast IPs');
    accelerator.groups.flatMap((g) => g.endpoints).forEach((e) => edge(node, place.get(e.target ?? ''), 'traffic'));
    external.push(`internet_${node} [label="internet devices", ${EXTERNAL}];`);
    edge(`internet_${node}`, node, 'traffic');
  }
  for (const service of model.endpointServices.values()) {
    const allowed = service.allowedPrincipals.length > 0 ? `\nallows ${accountsIn(service.allowedPrincipals)}` : '';
    const node = addNode(service.key, undefined, `endpoint service${allowed}`);
    service.loadBalancers.forEach((lb) => edge(node, place.get(lb), 'traffic'));
  }
  const iotServices = new Set<string>();
  for (const endpoint of model.interfaceEndpoints.values()) {
    if (endpoint.service) edge(place.get(endpoint.key), place.get(endpoint.service), 'traffic', 'PrivateLink');
    const service = IOT_SERVICE.exec(endpoint.serviceName)?.[1];
    if (service) {
      edge(place.get(endpoint.key), IOT_CORE, 'traffic');
      iotServices.add(service);
    }
  }
  const iotCore = iotServices.size > 0;

  // DNS: devices -> on-premises DNS -> Resolver inbound endpoint -> what its VPC resolves (zones, Profiles) -> private zones
  for (const profile of model.profiles.values()) {
    const zones = profile.resources.filter((r) => model.zones.has(r)).length;
    const node = addNode(profile.key, undefined, `Route 53 Profile\n${zones} ${zones === 1 ? 'zone' : 'zones'}`);
    // to the whole table when the Profile holds every zone of it, else to the rows
    for (const t of new Set(profile.resources.map((r) => place.get(r)?.split(':')[0]))) {
      const rows = [...place.entries()].filter(([, p]) => p.startsWith(`${t}:`));
      const held = rows.filter(([k]) => profile.resources.includes(k));
      if (held.length === rows.length) edge(node, t, 'dns', 'holds');
      else held.forEach(([, p]) => edge(node, p, 'dns', 'holds'));
    }
  }
  for (const association of model.profileAssociations) {
    const node = addNode(association.key, association.vpc, 'Profile association');
    edge(node, place.get(association.profile ?? ''), 'dns', 'RAM share');
  }
  const resolvers = [...model.resolverEndpoints.values()].filter((r) => r.inbound);
  for (const resolver of resolvers) {
    const vpc = vpcOfSubnets(resolver.subnets);
    const node = addNode(resolver.key, vpc, 'Resolver\ninbound endpoint');
    edge(ON_PREMISES_DNS, node, 'dns', 'forwards');
    model.profileAssociations.filter((a) => vpc && a.vpc === vpc).forEach((a) => edge(node, place.get(a.key), 'dns'));
    [...model.zones.keys()].filter((z) => vpc && vpcsOfZone(z).includes(vpc)).forEach((z) => edge(node, place.get(z), 'dns'));
  }
  if (resolvers.length > 0) {
    onPremises.push(`${ON_PREMISES_DNS} [label="DNS servers", ${EXTERNAL}];`);
    if (model.onPremisesLinks.length > 0) edge(ON_PREMISES_DEVICES, ON_PREMISES_DNS, 'dns', 'query');
  }

  // IoT policies that allow connections only through given endpoints (aws:SourceVpce)
  for (const stack of stacks) {
    const endpoints = Object.values<any>(stack.template.Resources ?? {}).filter((r) => r.Type === 'AWS::IoT::Policy')
      .map((r) => referencedIds(r.Properties?.PolicyDocument).map((x) => `${stack.name}/${x.logicalId}`).filter((k) => model.interfaceEndpoints.has(k)))
      .filter((e) => e.length > 0);
    if (endpoints.length === 0) continue;
    const node = addNode(`${stack.name}/IotPolicies`, undefined, `${endpoints.length} IoT ${endpoints.length === 1 ? 'policy' : 'policies'}\n(aws:SourceVpce)`);
    new Set(endpoints.flat()).forEach((e) => edge(node, place.get(e), 'link'));
  }

  // the connectivity canary: a Lambda function in a VPC with the probe's options (host, ports)
  for (const stack of stacks) {
    const resolve = new Resolver(stack, model.links);
    for (const [logicalId, r] of Object.entries<any>(stack.template.Resources ?? {})) {
      const options = r.Type === 'AWS::Lambda::Function' ? r.Properties?.Environment?.Variables?.PROBE_OPTIONS : undefined;
      if (options === undefined) continue;
      const probe = parseJson(resolve.literal(options));
      const vpc = vpcOfSubnets((r.Properties.VpcConfig?.SubnetIds ?? []).map((s: any) => resolve.resource(s)).filter((s: any) => s));
      const ports = Array.isArray(probe?.ports) ? `\nTCP ${[...probe.ports].sort((a, b) => a - b).join(', ')}` : '';
      const node = addNode(`${stack.name}/${logicalId}`, vpc, `connectivity canary\n(Lambda)${ports}`);
      // it resolves its host in the private zones of its VPC and connects to what they answer
      const host = typeof probe?.host === 'string' ? normalizeName(probe.host) : undefined;
      const zones = [...model.zones.values()].filter((z) => vpc && host && vpcsOfZone(z.key).includes(vpc) && `.${host}`.endsWith(`.${z.name}`));
      zones.forEach((z) => edge(node, place.get(z.key), 'dns'));
      const answers = zones.flatMap((z) => z.records.filter((record) => record.name === host).flatMap((record) => record.targets));
      const targets = answers.length > 0 ? answers.map((t) => (t.kind === 'endpoint' ? t.endpoint : ''))
        : [...model.interfaceEndpoints.values()].filter((e) => e.vpc === vpc).map((e) => e.key);
      new Set(targets).forEach((t) => edge(node, place.get(t), 'traffic'));
    }
  }

  // output
  const lines = [
    'digraph architecture {',
    '  rankdir=TB;',
    '  newrank=true;',
    '  nodesep=0.25;',
    '  ranksep=0.4;',
    `  graph [fontname="Helvetica", fontsize=${FONT_SIZES.cluster}, labeljust=l];`,
    `  node [fontname="Helvetica", fontsize=${FONT_SIZES.node}, margin="0.1,0.04"];`,
    `  edge [fontname="Helvetica", fontsize=${FONT_SIZES.edge}, arrowsize=0.8];`,
  ];
  if (onPremises.length > 0) {
    lines.push('  subgraph cluster_on_premises {', '    label="on premises";', '    style="rounded,dashed";', '    color="#9e9e9e";',
      ...onPremises.map((n) => `    ${n}`));
    if (onPremises.length > 1) lines.push(`    { rank=same; ${ON_PREMISES_DEVICES}; ${ON_PREMISES_DNS}; }`);
    lines.push('  }');
  }
  lines.push(...external.sort().map((n) => `  ${n}`));
  if (iotCore) {
    const label = `AWS IoT Core${iotServices.has('greengrass') ? '\\nand Greengrass' : ''}`;
    lines.push(`  ${IOT_CORE} [label="${label}", shape=cylinder, style=filled, fillcolor="#ffe0b2", color="#ef6c00"];`);
  }
  const emit = (c: Cluster, indent: string) => {
    lines.push(`${indent}subgraph ${c.id} {`, ...c.attrs.map((a) => `${indent}  ${a};`));
    c.clusters.forEach((inner) => emit(inner, `${indent}  `));
    lines.push(...[...c.nodes].sort().map((n) => `${indent}  ${n}`), `${indent}}`);
  };
  stacks.forEach((stack) => emit(accounts.get(stack)!, '  '));
  lines.push(...legend(iotCore ? IOT_CORE : undefined));
  const seen = new Set<string>();
  for (const e of edges.sort((a, b) => compare(`${a.from} ${a.to}`, `${b.from} ${b.to}`))) {
    if (seen.has(`${e.from}->${e.to}`)) continue;
    seen.add(`${e.from}->${e.to}`);
    // an edge between two accounts spans two ranks and does not pull the accounts together, so that each account
    // gets a band of its own; rows of a table take edges in on the left and send them out on the right
    const [fromAccount, toAccount] = [e.from, e.to].map((n) => accountOfNode.get(n.split(':')[0]));
    const across = fromAccount && toAccount && fromAccount !== toAccount ? ', minlen=2, weight=0' : '';
    const from = e.from.includes(':') ? `${e.from}:e` : e.from;
    const to = e.to.includes(':') ? `${e.to}:w` : e.to;
    lines.push(`  ${from} -> ${to} [${EDGE_STYLES[e.kind].attrs}${e.label ? `, label="${escape(e.label)}"` : ''}${across}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function cluster(clusterId: string, label: string, ...attrs: string[]): Cluster {
  return { id: clusterId, attrs: [`label="${escape(label)}"`, ...attrs], nodes: [], clusters: [] };
}

/** The legend: a row of sample edges (one per style) over a row of sample nodes; centred under `below` if given. */
function legend(below?: string): string[] {
  const kinds = Object.keys(EDGE_STYLES) as EdgeKind[];
  const samples = ['legend_external', 'legend_resource', 'legend_rows'];
  return [
    '  subgraph cluster_legend {',
    '    label="legend";',
    '    style=rounded;',
    '    color="#bdbdbd";',
    ...kinds.flatMap((kind) => [
      `    legend_${kind}_from [label="", shape=point, width=0.08];`,
      `    legend_${kind} [label="${EDGE_STYLES[kind].legend}", shape=plaintext];`,
      `    legend_${kind}_from -> legend_${kind} [${EDGE_STYLES[kind].attrs}];`,
    ]),
    `    legend_external [label="outside the templates", ${EXTERNAL}];`,
    `    legend_resource [label="resource of a template", ${RESOURCE}];`,
    `    legend_rows [shape=plain, label=<${tableHtml(['endpoints or zones'], ENDPOINTS_HEADER, [{ port: 'r', label: 'one row each' }])}>];`,
    `    { rank=same; ${kinds.flatMap((k) => [`legend_${k}_from`, `legend_${k}`]).join('; ')}; }`,
    `    { rank=same; ${samples.join('; ')}; }`,
    // invisible: the sample nodes under the sample edges, both rows in this order from left to right
    ...kinds.map((k, i) => `    legend_${k} -> ${samples[i]} [style=invis];`),
    ...kinds.slice(1).map((k, i) => `    legend_${kinds[i]} -> legend_${k}_from [style=invis];`),
    `    ${samples.join(' -> ')} [style=invis];`,
    '  }',
    ...(below ? [`  ${below} -> legend_${kinds[Math.floor(kinds.length / 2)]} [style=invis];`] : []),
  ];
}

function tableHtml(header: string[], color: string, rows: Array<{ port: string; label: string }>): string {
  return '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" COLOR="#546e7a" STYLE="rounded">'
    + `<TR><TD BGCOLOR="${color}">${header.map(html).join('<BR/>')}</TD></TR>`
    + rows.map((r) => `<TR><TD PORT="${r.port}" SIDES="T">${html(r.label)}</TD></TR>`).join('')
    + '</TABLE>';
}

/** An endpoint's row: the service it reaches (through PrivateLink: the services behind the endpoint service). */
function endpointLabel(model: NetworkModel, key: ResourceKey): string {
  const endpoint = model.interfaceEndpoints.get(key)!;
  if (!endpoint.service) return shortService(endpoint.serviceName);
  const behind = (model.endpointServices.get(endpoint.service)?.loadBalancers ?? [])
    .flatMap((lb) => model.listeners.filter((l) => l.loadBalancer === lb))
    .flatMap((l) => l.targetGroups.flatMap((g) => model.targetGroups.get(g)?.targets ?? []))
    .map((t) => (t.kind === 'endpoint' ? model.interfaceEndpoints.get(t.endpoint)?.serviceName : undefined))
    .filter((s): s is string => !!s);
  return [...new Set(behind.map(shortService))].join(', ') || 'endpoint service';
}

function accountsIn(principals: string[]): string {
  const ids = [...new Set(principals.map((p) => /(\d{12})/.exec(p)?.[1] ?? p))];
  return ids.length > 2 ? `${ids.length} accounts` : ids.join(', ');
}

function shortService(serviceName: string): string {
  return serviceName.replace(/^(cn\.)?com\.amazonaws\.(vpce\.)?([a-z0-9-]+|<token>)\./, '');
}

function logicalIdOf(key: ResourceKey): string {
  return key.slice(key.indexOf('/') + 1);
}

/** A logical id in words, without the hash CDK appends: `DeviceVpc60F81B2C` -> `device vpc`. */
function words(logicalId: string): string {
  return logicalId.replace(/[0-9A-F]{8}$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

function id(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, '_');
}

function escape(label: string): string {
  return label.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Code unit order: the same on every machine (localeCompare follows the locale). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseJson(text: string | undefined): any {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  const root = path.join(__dirname, '..');
  const assemblyDir = path.resolve(process.argv[2] ?? path.join(root, 'cdk.out.reference'));
  const docs = path.join(root, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  const dot = architectureDot(assemblyDir);
  fs.writeFileSync(path.join(docs, 'architecture.dot'), dot);
  try {
    execFileSync('dot', ['-Tsvg', '-o', path.join(docs, 'architecture.svg'), path.join(docs, 'architecture.dot')]);
    process.stdout.write('wrote docs/architecture.dot and docs/architecture.svg\n');
  } catch {
    process.stdout.write('wrote docs/architecture.dot (install Graphviz for the SVG: apt-get install graphviz)\n');
  }
}
