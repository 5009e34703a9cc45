/**
 * Draws the architecture of a synthesized topology as a Graphviz DOT graph, from the templates alone: one cluster per
 * stack (account), a node per VPC, interface endpoint, hosted zone, Transit Gateway, Resolver endpoint, VPN, load
 * balancer, endpoint service, Route 53 Profile and canary, and the edges that connect them (references inside a
 * stack; across accounts, the string values one stack passes to another).
 *
 * Usage: npx projen docs:architecture  (writes docs/architecture.dot and, with Graphviz' `dot`, docs/architecture.svg)
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

type Json = any;

interface Node { readonly id: string; readonly label: string; readonly shape: string }
interface Edge { readonly from: string; readonly to: string; readonly label?: string }

const IOT_CORE = 'aws_iot_core';
const ON_PREMISES = 'on_premises';

/** Node styles by resource type; resources of other types are not drawn. */
const DRAWN: Record<string, { shape: string; label: (r: Json, id: string) => string }> = {
  'AWS::EC2::VPC': { shape: 'box3d', label: (r) => `VPC\n${literal(r.Properties.CidrBlock)}` },
  'AWS::EC2::VPCEndpoint': { shape: 'component', label: (r) => `endpoint\n${shortService(literal(r.Properties.ServiceName))}` },
  'AWS::Route53::HostedZone': { shape: 'note', label: (r) => `private zone\n${literal(r.Properties.Name).replace(/\.$/, '')}` },
  'AWS::EC2::TransitGateway': { shape: 'doublecircle', label: () => 'Transit\nGateway' },
  'AWS::Route53Resolver::ResolverEndpoint': { shape: 'hexagon', label: () => 'Resolver\ninbound endpoint' },
  'AWS::EC2::VPNConnection': { shape: 'cds', label: () => 'Site-to-Site VPN' },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { shape: 'trapezium', label: (r) => `NLB (${r.Properties.Scheme})` },
  'AWS::EC2::VPCEndpointService': { shape: 'invtrapezium', label: () => 'endpoint service\n(PrivateLink)' },
  'AWS::Route53Profiles::Profile': { shape: 'folder', label: () => 'Route 53 Profile' },
  'AWS::Route53Profiles::ProfileAssociation': { shape: 'folder', label: () => 'Profile association' },
  'AWS::IoT::Policy': { shape: 'octagon', label: () => 'IoT policy\n(aws:SourceVpce)' },
};

export function architectureDot(assemblyDir: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf-8'));
  const stacks = Object.entries<Json>(manifest.artifacts)
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([name, a]) => ({
      name,
      account: String(a.environment).replace(/^aws:\/\//, '').split('/')[0],
      template: JSON.parse(fs.readFileSync(path.join(assemblyDir, a.properties.templateFile), 'utf-8')),
    }));

  const lines = ['digraph architecture {', '  rankdir=LR;', '  compound=true;', '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];', `  ${IOT_CORE} [label="AWS IoT Core", shape=cylinder, style=filled, fillcolor="#ffe0b2"];`];
  const edges: Edge[] = [];
  const strings = new Map<string, string>(); // literal value (cross-account string) -> node that owns it
  const pending: Array<{ from: string; value: string; label: string }> = [];
  const onPremises: Edge[] = [];

  for (const stack of stacks) {
    const nodes: Node[] = [];
    const resources: Record<string, Json> = stack.template.Resources ?? {};
    const nodeId = (logicalId: string) => `${stack.name}_${logicalId}`.replace(/[^A-Za-z0-9_]/g, '_');
    for (const [logicalId, r] of Object.entries<Json>(resources)) {
      if (r.Type === 'AWS::EC2::TransitGatewayAttachment' && typeof r.Properties.TransitGatewayId === 'string') {
        const vpc = referencedIds(r.Properties.VpcId)[0];
        if (vpc) pending.push({ from: nodeId(vpc), value: r.Properties.TransitGatewayId, label: 'TGW attachment' });
      }
      if (r.Type === 'AWS::EC2::TransitGatewayAttachment' && typeof r.Properties.TransitGatewayId !== 'string') {
        const vpc = referencedIds(r.Properties.VpcId)[0];
        const tgw = referencedIds(r.Properties.TransitGatewayId)[0];
        if (vpc && tgw) edges.push({ from: nodeId(vpc), to: nodeId(tgw), label: 'TGW attachment' });
      }
      if (r.Type === 'AWS::Route53Profiles::ProfileResourceAssociation') {
        const [profile, ...zones] = [...referencedIds(r.Properties.ProfileId), ...referencedIds(r.Properties.ResourceArn)];
        zones.forEach((zone) => edges.push({ from: nodeId(profile), to: nodeId(zone), label: 'holds' }));
      }
      const style = DRAWN[r.Type];
      const isCanary = r.Type === 'AWS::Lambda::Function' && /Canary/.test(logicalId);
      if (!style && !isCanary) {
        continue;
      }
      const id = nodeId(logicalId);
      nodes.push(isCanary ? { id, label: 'connectivity\ncanary', shape: 'ellipse' } : { id, label: style.label(r, logicalId), shape: style.shape });
      const refs = r.Type === 'AWS::Route53Profiles::ProfileAssociation' ? [] // drawn below, with its meaning
        : referencedIds(r.Properties).filter((ref) => ref !== logicalId && resources[ref] && (DRAWN[resources[ref].Type]));
      for (const ref of refs) {
        edges.push({ from: id, to: nodeId(ref) });
      }
      if (r.Type === 'AWS::EC2::VPCEndpoint') {
        const service = literal(r.Properties.ServiceName);
        if (/\.iot\.(data|credentials)$|\.greengrass$/.test(service)) {
          edges.push({ from: id, to: IOT_CORE, label: shortService(service) });
        } else if (/vpce-svc-/.test(service)) {
          pending.push({ from: id, value: service, label: 'PrivateLink' });
        }
      }
      if (r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') {
        // its targets are the iot.data endpoint interfaces (addresses looked up at deployment)
        Object.entries<Json>(resources).filter(([, e]) => e.Type === 'AWS::EC2::VPCEndpoint' && /\.iot\.data$/.test(literal(e.Properties.ServiceName)))
          .forEach(([endpointId]) => edges.push({ from: id, to: nodeId(endpointId), label: 'TCP 443/8443/8883' }));
      }
      if (r.Type === 'AWS::Route53Resolver::ResolverEndpoint' || r.Type === 'AWS::EC2::VPNConnection') {
        onPremises.push({ from: ON_PREMISES, to: id, label: r.Type === 'AWS::EC2::VPNConnection' ? 'IPsec' : 'forwards IoT names' });
      }
      if (r.Type === 'AWS::EC2::VPCEndpointService') {
        strings.set('vpce-svc', id);
      }
      if (r.Type === 'AWS::EC2::TransitGateway') {
        strings.set('tgw', id);
      }
      if (r.Type === 'AWS::Route53Profiles::Profile') {
        strings.set('rp', id);
      }
      if (r.Type === 'AWS::Route53Profiles::ProfileAssociation') {
        pending.push({ from: id, value: literal(r.Properties.ProfileId), label: 'RAM share' });
        const vpc = referencedIds(r.Properties.ResourceId)[0];
        if (vpc) edges.push({ from: nodeId(vpc), to: id, label: 'resolves IoT names' });
      }
    }
    lines.push(`  subgraph cluster_${stack.name.replace(/[^A-Za-z0-9_]/g, '_')} {`,
      `    label="${stack.name} (account ${stack.account})";`, '    style=rounded;');
    for (const n of nodes.sort((a, b) => a.id.localeCompare(b.id))) {
      lines.push(`    ${n.id} [label="${n.label.replace(/"/g, '\\"').replace(/\n/g, '\\n')}", shape=${n.shape}];`);
    }
    lines.push('  }');
  }
  if (onPremises.length > 0) {
    lines.push(`  ${ON_PREMISES} [label="on-premises\\n(devices, DNS)", shape=house];`);
    edges.push(...onPremises);
  }
  for (const p of pending) {
    const prefix = p.value.startsWith('tgw-') ? 'tgw' : p.value.startsWith('rp-') ? 'rp' : 'vpce-svc';
    const target = strings.get(prefix);
    if (target) edges.push({ from: p.from, to: target, label: p.label });
  }
  const seen = new Set<string>();
  for (const e of edges.sort((a, b) => `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`))) {
    const key = `${e.from}->${e.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(`  ${e.from} -> ${e.to}${e.label ? ` [label="${e.label}"]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Logical ids referenced by Ref / Fn::GetAtt anywhere in a value. */
function referencedIds(value: Json): string[] {
  const found: string[] = [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      if (typeof v.Ref === 'string' && !v.Ref.startsWith('AWS::')) found.push(v.Ref);
      if (Array.isArray(v['Fn::GetAtt'])) found.push(v['Fn::GetAtt'][0]);
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return [...new Set(found)];
}

/** A value as text: literals as they are, intrinsics as `<...>` (joins are concatenated). */
function literal(value: Json): string {
  if (typeof value === 'string') return value;
  if (value && Array.isArray(value['Fn::Join'])) return value['Fn::Join'][1].map(literal).join(value['Fn::Join'][0]);
  return '<token>';
}

function shortService(serviceName: string): string {
  return serviceName.replace(/^(cn\.)?com\.amazonaws\.(vpce\.)?([a-z0-9-]+|<token>)\./, '');
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
