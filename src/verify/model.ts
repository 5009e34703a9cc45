/**
 * The network model of a cloud assembly: what the reachability verifier knows about the VPCs, subnets, routes,
 * Transit Gateways, network ACLs, security groups, endpoints, load balancers, accelerators, zones, profiles and
 * resolvers that the synthesized templates declare, with the values that cross between stacks linked.
 *
 * DEPENDENCY-FREE (node builtins only): the `cdk-private-iot verify` CLI runs where aws-cdk-lib is not installed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Template metadata key under which a stack records the flows it exists for (see intent.ts). */
export const FLOWS_METADATA_KEY = 'cdk-private-iot:flows';
/** Template metadata key under which a stack records which literal values stand for resources of other stacks. */
export const LINKS_METADATA_KEY = 'cdk-private-iot:links';

/** A resource in the assembly: `<stack>/<logicalId>`. */
export type ResourceKey = string;

/** A value of a template, resolved as far as the templates allow. */
export type Value =
  | { kind: 'literal'; value: string }
  | { kind: 'ref'; key: ResourceKey }
  | { kind: 'att'; key: ResourceKey; attribute: string; index?: number }
  | { kind: 'unknown'; text: string };

/** One synthesized stack. */
export interface StackInfo {
  readonly name: string;
  readonly account?: string;
  readonly region?: string;
  readonly template: any;
}

/** A cross-stack link: a literal value in a stack that stands for a resource of another stack. */
export interface LinkRecord {
  readonly value: string;
  readonly stack: string;
  readonly logicalId: string;
}

/** Reads the stacks of a cloud assembly directory (nested assemblies of stages included). */
export function readAssembly(dir: string): StackInfo[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`${dir} is not a cloud assembly (no manifest.json); run cdk synth first or name the cdk.out directory`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const stacks: StackInfo[] = [];
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
      const account = env && /^\d{12}$/.test(env[1]) ? env[1] : undefined;
      const region = env && env[2] !== 'unknown-region' ? env[2] : undefined;
      const template = JSON.parse(fs.readFileSync(path.join(dir, artifact.properties.templateFile), 'utf8'));
      stacks.push({ name: artifact.properties.stackName ?? id, account, region, template });
    } else if (artifact.type === 'cdk:cloud-assembly') {
      stacks.push(...readAssembly(path.join(dir, artifact.properties.directoryName)));
    }
  }
  return stacks;
}

/** Resolves intrinsic functions of one stack's template to `Value`s. */
export class Resolver {
  constructor(private readonly stack: StackInfo, private readonly links: Map<string, ResourceKey>) {}

  public get stackName(): string {
    return this.stack.name;
  }

  /** A value: literals (with pseudo parameters and joins filled in where they are known), refs and attributes. */
  public value(v: any): Value {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      const text = String(v);
      const linked = this.links.get(text);
      return linked ? { kind: 'ref', key: linked } : { kind: 'literal', value: text };
    }
    if (v && typeof v === 'object') {
      if ('Ref' in v) {
        const pseudo = this.pseudo(v.Ref);
        if (pseudo !== undefined) return { kind: 'literal', value: pseudo };
        if (this.stack.template.Resources?.[v.Ref]) return { kind: 'ref', key: `${this.stack.name}/${v.Ref}` };
        return { kind: 'unknown', text: `Ref ${v.Ref}` };
      }
      if ('Fn::GetAtt' in v) {
        const [logicalId, attribute] = Array.isArray(v['Fn::GetAtt']) ? v['Fn::GetAtt'] : String(v['Fn::GetAtt']).split('.');
        return { kind: 'att', key: `${this.stack.name}/${logicalId}`, attribute };
      }
      if ('Fn::Join' in v) {
        const [sep, parts] = v['Fn::Join'];
        const values = (parts as any[]).map((p) => this.value(p));
        if (values.every((p) => p.kind === 'literal')) {
          return this.value(values.map((p) => (p as { value: string }).value).join(sep));
        }
        return { kind: 'unknown', text: values.map((p) => this.text(p)).join(sep) };
      }
      if ('Fn::Select' in v) {
        const [index, list] = v['Fn::Select'];
        const inner = Array.isArray(list) ? this.value(list[Number(index)]) : this.value(list);
        if (inner.kind === 'att') return { ...inner, index: Number(index) };
        return inner;
      }
      if ('Fn::Split' in v) {
        const [, source] = v['Fn::Split'];
        return this.value(source);
      }
      if ('Fn::Sub' in v) {
        const text = Array.isArray(v['Fn::Sub']) ? v['Fn::Sub'][0] : v['Fn::Sub'];
        const filled = String(text).replace(/\$\{([^!}][^}]*)\}/g, (m, name) => this.pseudo(name) ?? m);
        return filled.includes('${') ? { kind: 'unknown', text: filled } : this.value(filled);
      }
      if ('Fn::ImportValue' in v) {
        return { kind: 'unknown', text: `ImportValue ${JSON.stringify(v['Fn::ImportValue'])}` };
      }
    }
    return { kind: 'unknown', text: JSON.stringify(v) };
  }

  /** The literal string of a value, or undefined. */
  public literal(v: any): string | undefined {
    const value = this.value(v);
    return value.kind === 'literal' ? value.value : undefined;
  }

  /** The resource a value refers to (Ref, GetAtt, or a linked literal), or undefined. */
  public resource(v: any): ResourceKey | undefined {
    const value = this.value(v);
    return value.kind === 'ref' || value.kind === 'att' ? value.key : undefined;
  }

  /** A readable form of a value. */
  public text(value: Value): string {
    switch (value.kind) {
      case 'literal': return value.value;
      case 'ref': return `{${value.key}}`;
      case 'att': return `{${value.key}.${value.attribute}${value.index !== undefined ? `[${value.index}]` : ''}}`;
      default: return value.text;
    }
  }

  private pseudo(name: string): string | undefined {
    switch (name) {
      case 'AWS::Region': return this.stack.region;
      case 'AWS::AccountId': return this.stack.account;
      case 'AWS::Partition': return partitionOf(this.stack.region);
      case 'AWS::URLSuffix': return this.stack.region?.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::StackName': return this.stack.name;
      default: return undefined;
    }
  }
}

/** The partition of a region name. */
export function partitionOf(region: string | undefined): string | undefined {
  if (!region) return undefined;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Finds every `{ "Fn::GetAtt": [id, attr] }` / `{ "Ref": id }` inside a value (for lookup custom resources). */
export function referencedIds(v: any, out: Array<{ logicalId: string; attribute?: string }> = []): Array<{ logicalId: string; attribute?: string }> {
  if (Array.isArray(v)) {
    v.forEach((x) => referencedIds(x, out));
  } else if (v && typeof v === 'object') {
    if (typeof v.Ref === 'string' && !v.Ref.startsWith('AWS::')) out.push({ logicalId: v.Ref });
    if (v['Fn::GetAtt']) {
      const [logicalId, attribute] = Array.isArray(v['Fn::GetAtt']) ? v['Fn::GetAtt'] : String(v['Fn::GetAtt']).split('.');
      out.push({ logicalId, attribute });
    }
    Object.values(v).forEach((x) => referencedIds(x, out));
  }
  return out;
}
