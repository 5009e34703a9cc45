/**
 * The architecture picture in the README (docs/architecture.dot / .svg) is drawn from the synthesized reference
 * topology: this test fails when the committed drawing no longer matches the code (refresh: npx projen docs:architecture),
 * when the drawing loses its structure (accounts holding VPCs holding what lives in them, the data paths, the legend),
 * and when the picture is no longer legible at README width (rendered with rsvg-convert, Debian package librsvg2-bin).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildReferenceTopology, MAIN_JOB_OPTIONS } from '../examples/reference-topology';
import { architectureDot } from '../scripts/architecture';
import { readAssembly, StackInfo } from '../src/verify/model';

const root = path.join(__dirname, '..');
const docs = path.join(root, 'docs');
/** The width the README shows the picture at, and the smallest text height (px) readable there. */
const README_WIDTH = 900;
const MIN_TEXT_PX = 9;
const MAX_HEIGHT_PX = 1400;

let dot: string;
let stacks: StackInfo[];

beforeAll(() => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'reference-'));
  try {
    const context = JSON.parse(fs.readFileSync(path.join(root, 'cdk.context.json'), 'utf-8'));
    buildReferenceTopology({ ...MAIN_JOB_OPTIONS, outdir, context }).app.synth();
    dot = architectureDot(outdir);
    stacks = readAssembly(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test('docs/architecture.dot matches the synthesized reference topology', () => {
  expect(fs.readFileSync(path.join(docs, 'architecture.dot'), 'utf-8')).toBe(dot);
});

describe('the drawing', () => {
  const id = (text: string) => text.replace(/[^A-Za-z0-9_]/g, '_');
  const resources = (type: string) => stacks.flatMap((stack) => Object.entries<any>(stack.template.Resources)
    .filter(([, r]) => r.Type === type).map(([logicalId, r]) => ({ stack, logicalId, r, node: id(`${stack.name}_${logicalId}`) })));

  test('one cluster per account, in it one cluster per VPC', () => {
    const { parents } = parse(dot);
    expect(stacks.map((s) => s.name)).toEqual(['Network', 'Iot', 'Consumer1']);
    for (const stack of stacks) expect(parents.get(`cluster_${stack.name}`)).toBe('');
    const vpcs = resources('AWS::EC2::VPC');
    expect(vpcs).toHaveLength(3);
    for (const vpc of vpcs) expect(parents.get(`cluster_${vpc.node}`)).toBe(`cluster_${vpc.stack.name}`);
  });

  test('endpoints, zones, Resolver endpoint, load balancers, attachments and canary are inside their VPC', () => {
    const { clusterOf } = parse(dot);
    const vpcOf = (stack: StackInfo, ref: any) => `cluster_${id(`${stack.name}_${ref.Ref}`)}`;
    const endpoints = resources('AWS::EC2::VPCEndpoint');
    expect(endpoints.length).toBeGreaterThanOrEqual(7);
    for (const e of endpoints) {
      const table = `endpoints_${id(`${e.stack.name}_${e.r.Properties.VpcId.Ref}`)}`;
      expect(clusterOf.get(table)).toBe(vpcOf(e.stack, e.r.Properties.VpcId));
    }
    // one row per endpoint
    for (const table of new Set(endpoints.map((e) => `endpoints_${id(`${e.stack.name}_${e.r.Properties.VpcId.Ref}`)}`))) {
      const rows = (new RegExp(`^\\s*${table} \\[.*$`, 'm').exec(dot)?.[0].match(/PORT="r\d+"/g) ?? []).length;
      expect(rows).toBe(endpoints.filter((e) => table === `endpoints_${id(`${e.stack.name}_${e.r.Properties.VpcId.Ref}`)}`).length);
    }
    for (const zone of resources('AWS::Route53::HostedZone')) {
      expect(clusterOf.get(`zones_${id(`${zone.stack.name}_${zone.r.Properties.VPCs[0].VPCId.Ref}`)}`))
        .toBe(vpcOf(zone.stack, zone.r.Properties.VPCs[0].VPCId));
    }
    expect(clusterOf.get('Network_ResolverInbound')).toBe('cluster_Network_DeviceVpc60F81B2C');
    expect(clusterOf.get('Network_IotZonesDCFC6EF8')).toBe('cluster_Network_DeviceVpc60F81B2C'); // Profile association
    expect(clusterOf.get('Network_DeviceAttachment')).toBe('cluster_Network_DeviceVpc60F81B2C');
    for (const lb of resources('AWS::ElasticLoadBalancingV2::LoadBalancer')) expect(clusterOf.get(lb.node)).toBe('cluster_Iot_GatekeeperVpc16415A7D');
    expect(clusterOf.get('Consumer1_CanaryFunction7B473602')).toBe('cluster_Consumer1_Vpc8378EB38');
    // account-wide resources stay outside the VPCs
    expect(clusterOf.get('Network_TransitGateway')).toBe('cluster_Network');
    expect(clusterOf.get('Network_Vpn')).toBe('cluster_Network');
    expect(clusterOf.get('Iot_IotEndpointService08D6B821')).toBe('cluster_Iot');
    expect(clusterOf.get('Iot_IotZoneProfile4754C694')).toBe('cluster_Iot');
  });

  test('the data paths are edges: on premises, DNS, consumer, internet, canary', () => {
    const { edges } = parse(dot);
    const traffic = edges.filter((e) => e.attrs.includes('#1565c0'));
    const dns = edges.filter((e) => e.attrs.includes('style=dashed'));
    const path_ = (of: typeof edges, ...nodes: string[]) => nodes.slice(1).forEach((to, i) => {
      expect(of.filter((e) => e.from === nodes[i] && e.to === to).map((e) => `${e.from} -> ${e.to}`)).toEqual([`${nodes[i]} -> ${to}`]);
    });
    const gatekeeper = 'endpoints_Iot_GatekeeperVpc16415A7D';
    // devices on premises -> VPN -> Transit Gateway -> attachment in the gatekeeper VPC -> endpoints -> AWS IoT Core
    path_(traffic, 'on_premises_devices', 'Network_Vpn', 'Network_TransitGateway', 'Iot_TransitGateway', gatekeeper);
    expect(traffic.filter((e) => e.from === gatekeeper && e.to === 'aws_iot_core')).toHaveLength(3); // iot.data, iot.credentials, greengrass
    // devices -> on-premises DNS -> Resolver inbound endpoint -> Profile association -> Profile -> private zones
    path_(dns, 'on_premises_devices', 'on_premises_dns', 'Network_ResolverInbound', 'Network_IotZonesDCFC6EF8', 'Iot_IotZoneProfile4754C694',
      'zones_Iot_GatekeeperVpc16415A7D');
    // consumer: canary -> consumer endpoint -> endpoint service -> NLB -> iot.data endpoint; and the canary's DNS
    path_(traffic, 'Consumer1_CanaryFunction7B473602', 'endpoints_Consumer1_Vpc8378EB38', 'Iot_IotEndpointService08D6B821',
      'Iot_IotEndpointServiceLoadBalancer2A8382FD', gatekeeper);
    path_(dns, 'Consumer1_CanaryFunction7B473602', 'zones_Consumer1_Vpc8378EB38');
    // allow-listed internet devices -> static-IP front door -> iot.data endpoint
    path_(traffic, 'internet_Iot_FrontDoorLoadBalancer6A458C90', 'Iot_FrontDoorLoadBalancer6A458C90', gatekeeper);
    expect(dot).toMatch(/internet_Iot_FrontDoorLoadBalancer6A458C90 \[label="internet devices\\nallow-listed:\\n203\.0\.113\.0\/24"/);
    // the edges into the iot.data row carry the row's port
    expect(dot).toMatch(/Iot_FrontDoorLoadBalancer6A458C90 -> endpoints_Iot_GatekeeperVpc16415A7D:r2:w /);
    expect(dot).toMatch(/<TD PORT="r2" SIDES="T">iot\.data<\/TD>/);
    expect(dot).toMatch(/label="PrivateLink", minlen=2/);
    expect(dot).toMatch(/label="RAM share", minlen=2/);
  });

  test('a legend explains the edge styles and node kinds', () => {
    const { clusterOf, edges } = parse(dot);
    const legend = [...clusterOf.entries()].filter(([, c]) => c === 'cluster_legend').map(([n]) => n);
    expect(legend).toEqual(expect.arrayContaining(['legend_traffic', 'legend_dns', 'legend_link', 'legend_external', 'legend_resource', 'legend_rows']));
    for (const kind of ['traffic', 'dns', 'link']) {
      const sample = edges.find((e) => e.from === `legend_${kind}_from` && e.to === `legend_${kind}`)!;
      // the sample is drawn like the edges it explains
      expect(edges.some((e) => !e.from.startsWith('legend_') && e.attrs === sample.attrs)).toBe(true);
    }
  });
});

describe('docs/architecture.svg at README width', () => {
  const svg = () => fs.readFileSync(path.join(docs, 'architecture.svg'), 'utf-8');

  test('is drawn from docs/architecture.dot (every node and edge of it)', () => {
    const { nodes, edges } = parse(fs.readFileSync(path.join(docs, 'architecture.dot'), 'utf-8'));
    const titles = new Set([...svg().matchAll(/<title>([^<]*)<\/title>/g)]
      .map((m) => m[1].replace(/&#45;/g, '-').replace(/&gt;/g, '>').replace(/:\w+/g, '')));
    for (const node of nodes) expect(titles).toContain(node);
    for (const e of edges.filter((x) => !x.attrs.includes('invis'))) expect(titles).toContain(`${e.from}->${e.to}`);
  });

  test(`renders ${README_WIDTH} px wide with text at least ${MIN_TEXT_PX} px high (rsvg-convert)`, () => {
    const version = spawnSync('rsvg-convert', ['--version'], { encoding: 'utf-8' });
    if (version.error || version.status !== 0) {
      throw new Error('rsvg-convert is missing: install the Debian package librsvg2-bin (apt-get install librsvg2-bin) to render docs/architecture.svg');
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'architecture-'));
    try {
      const png = path.join(dir, 'architecture.png');
      const run = spawnSync('rsvg-convert', ['-w', String(README_WIDTH), path.join(docs, 'architecture.svg'), '-o', png], { encoding: 'utf-8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const bytes = fs.readFileSync(png);
      expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
      const [width, height] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]; // IHDR
      expect(width).toBe(README_WIDTH);
      expect(height).toBeGreaterThan(300);
      expect(height).toBeLessThanOrEqual(MAX_HEIGHT_PX);

      // the text height at that width: the smallest font size Graphviz wrote, in units of the viewBox, scaled to 900 px
      const text = svg();
      const [, , viewWidth, viewHeight] = /viewBox="([^"]+)"/.exec(text)![1].trim().split(/\s+/).map(Number);
      expect(Math.abs(height - (README_WIDTH * viewHeight) / viewWidth)).toBeLessThanOrEqual(2); // the size attributes are rounded
      const sizes = [...text.matchAll(/<text [^>]*font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
      expect(sizes.length).toBeGreaterThan(40);
      const smallest = (Math.min(...sizes) * README_WIDTH) / viewWidth;
      expect(smallest).toBeGreaterThanOrEqual(MIN_TEXT_PX);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface DotEdge { readonly from: string; readonly to: string; readonly attrs: string }

/** The clusters, nodes and edges of a DOT file as scripts/architecture.ts writes it (one statement per line). */
function parse(text: string) {
  const parents = new Map<string, string>(); // cluster -> enclosing cluster ('' at the top)
  const clusterOf = new Map<string, string>(); // node -> innermost cluster ('' at the top)
  const nodes: string[] = [];
  const edges: DotEdge[] = [];
  const open: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const subgraph = /^\s*subgraph (\w+) \{$/.exec(line);
    const edge = /^\s*(\S+) -> (\S+) \[(.*)\];$/.exec(line);
    const node = /^\s*(\w+) \[/.exec(line);
    if (subgraph) {
      parents.set(subgraph[1], open[open.length - 1] ?? '');
      open.push(subgraph[1]);
    } else if (line.trim() === '}') {
      open.pop();
    } else if (edge) {
      edges.push({ from: edge[1].split(':')[0], to: edge[2].split(':')[0], attrs: edge[3] }); // ports (table rows) left out
    } else if (node && !['graph', 'node', 'edge'].includes(node[1])) {
      nodes.push(node[1]);
      clusterOf.set(node[1], open[open.length - 1] ?? '');
    }
  }
  return { parents, clusterOf, nodes, edges };
}
