/**
 * Summarizes a synthesized CDK cloud assembly (e.g. `cdk.out`) as a compact plain-text report.
 *
 * Usage: npx ts-node --transpile-only --project test/tsconfig.json scripts/summarize-assembly.ts <assembly-dir>
 *
 * Reads manifest.json and the stack templates directly (no AWS access, no CDK version check),
 * following nested assemblies (stages).
 */
import * as fs from 'fs';
import * as path from 'path';

export interface TypeCount {
  readonly type: string;
  readonly count: number;
}

export interface InterfaceEndpointSummary {
  readonly logicalId: string;
  /** ServiceName with intrinsics rendered, e.g. `com.amazonaws.<AWS::Region>.iot.data`. */
  readonly serviceName: string;
  /** `undefined` when not set; a rendered string when it is an intrinsic. */
  readonly privateDnsEnabled: boolean | string | undefined;
  /** `undefined` when SubnetIds is not a literal list (e.g. an imported token list). */
  readonly subnetCount: number | undefined;
}

export interface RecordSetCount {
  readonly type: string;
  readonly weighted: boolean;
  readonly alias: boolean;
  readonly count: number;
}

export interface HostedZoneSummary {
  readonly logicalId: string;
  readonly zoneName: string;
  readonly vpcCount: number;
  readonly recordSets: RecordSetCount[];
}

export interface IngressRuleSummary {
  /** Logical id (or rendered value) of the security group the rule belongs to. */
  readonly securityGroup: string;
  /** `SecurityGroup` for inline rules, `SecurityGroupIngress` for standalone resources. */
  readonly definedIn: 'SecurityGroup' | 'SecurityGroupIngress';
  /** `tcp`, `udp`, `icmp`, `all` (for -1), ... */
  readonly protocol: string;
  /** `443`, `1024-65535`, or `all`. */
  readonly ports: string;
  readonly sourceKind: 'cidr' | 'cidr6' | 'security-group' | 'prefix-list' | 'unknown';
  /** CIDR, source security group logical id, or prefix list id (rendered). */
  readonly source: string;
}

export interface IotPolicySummary {
  readonly logicalId: string;
  /** Unique actions, in order of appearance. */
  readonly actions: string[];
  /** Unique condition keys (e.g. `aws:SourceVpce`), in order of appearance. */
  readonly conditionKeys: string[];
}

export interface StackSummary {
  readonly artifactId: string;
  /** Construct path of the stack, e.g. `Stage/Stack` (falls back to the artifact id). */
  readonly displayName: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly resourceCount: number;
  /** Sorted by count descending, then type ascending. */
  readonly resourceTypes: TypeCount[];
  readonly lambdaFunctions: number;
  readonly interfaceEndpoints: InterfaceEndpointSummary[];
  readonly privateHostedZones: HostedZoneSummary[];
  /** Record sets whose HostedZoneId is not one of this stack's private hosted zones, keyed by rendered zone reference. */
  readonly otherRecordSets: Record<string, RecordSetCount[]>;
  readonly ingressRules: IngressRuleSummary[];
  readonly iotPolicies: IotPolicySummary[];
  /** Output name -> rendered Value. */
  readonly outputs: Record<string, string>;
}

export interface AssemblySummary {
  readonly outdir: string;
  readonly stacks: StackSummary[];
  readonly totalResources: number;
  readonly totalLambdaFunctions: number;
}

type Json = any;

const STACK_ARTIFACT = 'aws:cloudformation:stack';
const NESTED_ASSEMBLY_ARTIFACT = 'cdk:cloud-assembly';

/**
 * Renders a CloudFormation value, resolving intrinsic functions into readable placeholders:
 * `{Ref: X}` -> `<X>`, `Fn::GetAtt` -> `<Id.Attr>`, `Fn::Join` joins the rendered parts,
 * `Fn::Select` -> `<select i of LIST>`, `Fn::If` -> its second (false) branch, `Fn::Sub` -> the template
 * with `${X}` rendered as `<X>` (or the rendered variable value), `Fn::ImportValue` -> `<import NAME>`.
 * Any other object is `<intrinsic>`.
 */
export function renderIntrinsic(value: Json): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(renderIntrinsic).join(', ')}]`;

  const keys = Object.keys(value);
  if (keys.length !== 1) return '<intrinsic>';
  const arg = value[keys[0]];
  switch (keys[0]) {
    case 'Ref':
      return `<${renderIntrinsic(arg)}>`;
    case 'Fn::GetAtt':
      return `<${Array.isArray(arg) ? arg.map(renderIntrinsic).join('.') : renderIntrinsic(arg)}>`;
    case 'Fn::Join':
      if (!Array.isArray(arg) || arg.length !== 2) return '<intrinsic>';
      return Array.isArray(arg[1]) ? arg[1].map(renderIntrinsic).join(String(arg[0])) : renderIntrinsic(arg[1]);
    case 'Fn::Select':
      if (!Array.isArray(arg) || arg.length !== 2) return '<intrinsic>';
      return `<select ${renderIntrinsic(arg[0])} of ${renderIntrinsic(arg[1])}>`;
    case 'Fn::If':
      return Array.isArray(arg) && arg.length === 3 ? renderIntrinsic(arg[2]) : '<intrinsic>';
    case 'Fn::Sub': {
      const [template, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, {}];
      if (typeof template !== 'string' || typeof vars !== 'object' || vars === null) return '<intrinsic>';
      return template.replace(/\$\{(!?)([^}]*)\}/g, (_m: string, bang: string, name: string) =>
        bang ? `\${${name}}` : name in vars ? renderIntrinsic(vars[name]) : `<${name}>`);
    }
    case 'Fn::ImportValue':
      return `<import ${renderIntrinsic(arg)}>`;
    default:
      return '<intrinsic>';
  }
}

/** Reads an assembly directory (following nested assemblies) and summarizes each stack. */
export function summarizeAssembly(outdir: string): AssemblySummary {
  const stacks: StackSummary[] = [];
  collectStacks(outdir, stacks);
  return {
    outdir,
    stacks,
    totalResources: stacks.reduce((n, s) => n + s.resourceCount, 0),
    totalLambdaFunctions: stacks.reduce((n, s) => n + s.lambdaFunctions, 0),
  };
}

function readJson(file: string): Json {
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

function collectStacks(dir: string, into: StackSummary[]): void {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`Not a cloud assembly: ${manifestFile} does not exist`);
  }
  const artifacts: Record<string, Json> = readJson(manifestFile).artifacts ?? {};
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === NESTED_ASSEMBLY_ARTIFACT && artifact.properties?.directoryName) {
      collectStacks(path.join(dir, artifact.properties.directoryName), into);
    } else if (artifact.type === STACK_ARTIFACT) {
      const template = readJson(path.join(dir, artifact.properties.templateFile));
      into.push(summarizeStack(id, artifact, template));
    }
  }
}

function parseEnvironment(env: string | undefined): { account: string; region: string } {
  const m = /^aws:\/\/([^/]*)\/(.*)$/.exec(env ?? '');
  return { account: m?.[1] || 'unknown-account', region: m?.[2] || 'unknown-region' };
}

function asArray(value: Json): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Logical id for `{Ref: X}` / `{Fn::GetAtt: [X, ...]}`, otherwise the rendered value. */
function referencedId(value: Json): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (typeof value.Ref === 'string') return value.Ref;
    const att = value['Fn::GetAtt'];
    if (Array.isArray(att)) return String(att[0]);
    if (typeof att === 'string') return att.split('.')[0];
  }
  return renderIntrinsic(value);
}

function summarizeStack(artifactId: string, artifact: Json, template: Json): StackSummary {
  const resources: Record<string, Json> = template.Resources ?? {};
  const entries = Object.entries(resources);
  const ofType = (type: string) => entries.filter(([, r]) => r.Type === type);

  const typeCounts = new Map<string, number>();
  for (const [, r] of entries) typeCounts.set(r.Type, (typeCounts.get(r.Type) ?? 0) + 1);
  const resourceTypes = [...typeCounts.entries()]
    .map(([type, count]) => ({ type, count }))
    .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));

  const interfaceEndpoints = ofType('AWS::EC2::VPCEndpoint')
    .filter(([, r]) => r.Properties?.VpcEndpointType === 'Interface')
    .map(([logicalId, r]) => {
      const dns = r.Properties.PrivateDnsEnabled;
      const subnets = r.Properties.SubnetIds;
      return {
        logicalId,
        serviceName: renderIntrinsic(r.Properties.ServiceName),
        privateDnsEnabled: dns === undefined || typeof dns === 'boolean' ? dns : renderIntrinsic(dns),
        subnetCount: Array.isArray(subnets) ? subnets.length : undefined,
      };
    });

  // Record sets, grouped by the zone they belong to (logical id when it is a Ref/GetAtt).
  const recordsByZone = new Map<string, Json[]>();
  const addRecord = (zone: string, record: Json) => recordsByZone.set(zone, [...(recordsByZone.get(zone) ?? []), record]);
  for (const [, r] of ofType('AWS::Route53::RecordSet')) {
    addRecord(referencedId(r.Properties?.HostedZoneId ?? r.Properties?.HostedZoneName), r.Properties ?? {});
  }
  for (const [, r] of ofType('AWS::Route53::RecordSetGroup')) {
    const zone = referencedId(r.Properties?.HostedZoneId ?? r.Properties?.HostedZoneName);
    for (const rs of asArray(r.Properties?.RecordSets)) addRecord(zone, rs);
  }

  const privateHostedZones = ofType('AWS::Route53::HostedZone')
    .filter(([, r]) => asArray(r.Properties?.VPCs).length > 0)
    .map(([logicalId, r]) => {
      const recordSets = countRecordSets(recordsByZone.get(logicalId) ?? []);
      recordsByZone.delete(logicalId);
      return { logicalId, zoneName: renderIntrinsic(r.Properties.Name), vpcCount: asArray(r.Properties.VPCs).length, recordSets };
    });
  const otherRecordSets: Record<string, RecordSetCount[]> = {};
  for (const [zone, records] of recordsByZone) otherRecordSets[zone] = countRecordSets(records);

  const ingressRules: IngressRuleSummary[] = [];
  for (const [logicalId, r] of ofType('AWS::EC2::SecurityGroup')) {
    for (const rule of asArray(r.Properties?.SecurityGroupIngress)) {
      ingressRules.push(summarizeIngress(logicalId, 'SecurityGroup', rule));
    }
  }
  for (const [, r] of ofType('AWS::EC2::SecurityGroupIngress')) {
    const p = r.Properties ?? {};
    ingressRules.push(summarizeIngress(referencedId(p.GroupId ?? p.GroupName), 'SecurityGroupIngress', p));
  }

  const iotPolicies = ofType('AWS::IoT::Policy').map(([logicalId, r]) => {
    const statements = asArray(r.Properties?.PolicyDocument?.Statement);
    return {
      logicalId,
      actions: unique(statements.flatMap(s => asArray(s.Action ?? s.NotAction).map(renderIntrinsic))),
      conditionKeys: unique(statements.flatMap(s =>
        Object.values(s.Condition ?? {}).flatMap(byKey => Object.keys(byKey ?? {})))),
    };
  });

  const outputs: Record<string, string> = {};
  for (const [name, o] of Object.entries<Json>(template.Outputs ?? {})) outputs[name] = renderIntrinsic(o.Value);

  return {
    artifactId,
    displayName: artifact.displayName ?? artifactId,
    stackName: artifact.properties?.stackName ?? artifactId,
    ...parseEnvironment(artifact.environment),
    resourceCount: entries.length,
    resourceTypes,
    lambdaFunctions: typeCounts.get('AWS::Lambda::Function') ?? 0,
    interfaceEndpoints,
    privateHostedZones,
    otherRecordSets,
    ingressRules,
    iotPolicies,
    outputs,
  };
}

function countRecordSets(records: Json[]): RecordSetCount[] {
  const counts = new Map<string, RecordSetCount>();
  for (const r of records) {
    const key = { type: renderIntrinsic(r.Type), weighted: r.Weight !== undefined, alias: r.AliasTarget !== undefined };
    const k = JSON.stringify(key);
    counts.set(k, { ...key, count: (counts.get(k)?.count ?? 0) + 1 });
  }
  return [...counts.values()].sort((a, b) => a.type.localeCompare(b.type) || Number(a.alias) - Number(b.alias));
}

function summarizeIngress(securityGroup: string, definedIn: IngressRuleSummary['definedIn'], rule: Json): IngressRuleSummary {
  const proto = renderIntrinsic(rule.IpProtocol);
  const from = rule.FromPort;
  const to = rule.ToPort ?? from;
  let ports: string;
  if (proto === '-1' || from === undefined || from === -1) ports = 'all';
  else if (renderIntrinsic(from) === renderIntrinsic(to)) ports = renderIntrinsic(from);
  else ports = `${renderIntrinsic(from)}-${renderIntrinsic(to)}`;

  let sourceKind: IngressRuleSummary['sourceKind'] = 'unknown';
  let source = '';
  if (rule.CidrIp !== undefined) {
    sourceKind = 'cidr';
    source = renderIntrinsic(rule.CidrIp);
  } else if (rule.CidrIpv6 !== undefined) {
    sourceKind = 'cidr6';
    source = renderIntrinsic(rule.CidrIpv6);
  } else if (rule.SourceSecurityGroupId !== undefined || rule.SourceSecurityGroupName !== undefined) {
    sourceKind = 'security-group';
    source = referencedId(rule.SourceSecurityGroupId ?? rule.SourceSecurityGroupName);
  } else if (rule.SourcePrefixListId !== undefined) {
    sourceKind = 'prefix-list';
    source = renderIntrinsic(rule.SourcePrefixListId);
  }
  return { securityGroup, definedIn, protocol: proto === '-1' ? 'all' : proto, ports, sourceKind, source };
}

/** Formats rows as fixed-width columns (every column but the last padded to its widest cell). */
function table(rows: string[][], indent: string): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => (r[i] ?? '').length)));
  return rows.map(r => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
}

function section(lines: string[], title: string, header: string[], rows: string[][]): void {
  if (rows.length === 0) return;
  lines.push(`  ${title} (${rows.length}):`);
  lines.push(...table([header, ...rows], '    '));
}

function formatRecordSets(records: RecordSetCount[]): string {
  if (records.length === 0) return 'none';
  return records
    .map(r => `${r.type}${r.weighted ? ' weighted' : ''}${r.alias ? ' alias' : ''} x${r.count}`)
    .join(', ');
}

/** Formats a summary as a plain-text report, ending with a one-line total. */
export function formatSummary(s: AssemblySummary): string {
  const lines: string[] = [`Cloud assembly: ${s.outdir}`];
  for (const st of s.stacks) {
    lines.push('');
    const id = st.displayName === st.stackName ? '' : `  [${st.displayName}]`;
    lines.push(`Stack ${st.stackName}  (${st.account}/${st.region})${id}`);
    lines.push(`  Resources: ${st.resourceCount}  Lambda functions: ${st.lambdaFunctions}`);
    lines.push(...table(st.resourceTypes.map(t => [String(t.count).padStart(5), t.type]), '  '));

    section(lines, 'Interface VPC endpoints', ['LOGICAL ID', 'PRIVATE DNS', 'SUBNETS', 'SERVICE'],
      st.interfaceEndpoints.map(e => [
        e.logicalId,
        e.privateDnsEnabled === undefined ? 'unset' : String(e.privateDnsEnabled),
        e.subnetCount === undefined ? '?' : String(e.subnetCount),
        e.serviceName,
      ]));

    section(lines, 'Private hosted zones', ['LOGICAL ID', 'VPCS', 'NAME', 'RECORD SETS'],
      st.privateHostedZones.map(z => [z.logicalId, String(z.vpcCount), z.zoneName, formatRecordSets(z.recordSets)]));

    section(lines, 'Record sets in other zones', ['ZONE', 'RECORD SETS'],
      Object.entries(st.otherRecordSets).map(([zone, records]) => [zone, formatRecordSets(records)]));

    section(lines, 'Ingress rules', ['SECURITY GROUP', 'PROTO', 'PORTS', 'SOURCE'],
      st.ingressRules.map(r => [r.securityGroup, r.protocol, r.ports, `${r.sourceKind} ${r.source}`.trim()]));

    section(lines, 'IoT policies', ['LOGICAL ID', 'ACTIONS', 'CONDITION KEYS'],
      st.iotPolicies.map(p => [p.logicalId, p.actions.join(','), p.conditionKeys.join(',') || '-']));

    section(lines, 'Outputs', ['NAME', 'VALUE'], Object.entries(st.outputs));
  }
  lines.push('');
  lines.push(`${s.stacks.length} stacks, ${s.totalResources} resources, ${s.totalLambdaFunctions} Lambda functions`);
  return lines.join('\n');
}

// Run as a command (not when bundled into the main job, where every inlined module shares the bundle's `module`).
if (require.main === module && /summarize-assembly\.[jt]s$/.test(process.argv[1] ?? '')) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('Usage: ts-node --transpile-only --project test/tsconfig.json scripts/summarize-assembly.ts <cloud-assembly-dir>\n');
    process.exit(2);
  }
  try {
    process.stdout.write(formatSummary(summarizeAssembly(path.resolve(dir))) + '\n');
  } catch (e) {
    process.stderr.write(`summarize-assembly: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
