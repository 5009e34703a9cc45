import { Aws, CfnCondition, Fn, Stack, Token } from 'aws-cdk-lib';

const CHINA_CONDITION_ID = 'CdkPrivateIotIsChinaPartition';

/**
 * A stack-wide condition that is true in the China partition, for names that differ there (`cn.` prefixes) when the
 * stack's region is unknown at synth time.
 */
export function chinaPartitionCondition(stack: Stack): CfnCondition {
  const existing = stack.node.tryFindChild(CHINA_CONDITION_ID) as CfnCondition | undefined;
  return existing ?? new CfnCondition(stack, CHINA_CONDITION_ID, {
    expression: Fn.conditionEquals(Aws.PARTITION, 'aws-cn'),
  });
}

/** `valueInChina` in the China partition, `value` elsewhere; resolved at synth time when the region is known. */
export function chinaAware(stack: Stack, valueInChina: string, value: string): string {
  if (Token.isUnresolved(stack.region)) {
    return Fn.conditionIf(chinaPartitionCondition(stack).logicalId, valueInChina, value).toString();
  }
  return stack.region.startsWith('cn-') ? valueInChina : value;
}

/** What this library needs to know of a region. */
export interface RegionFacts {
  /** The region's partition (`aws`, `aws-cn`, ...); undefined for a region nobody knows. */
  readonly partition?: string;
  /** How the region's endpoint services are named (`com.amazonaws.vpce`, `cn.com.amazonaws.vpce`, ...). */
  readonly vpcEndpointServiceNamePrefix?: string;
}

/**
 * The regions whose facts follow from their names: `cn-<area>-<n>` (China), `us-gov-<area>-<n>` (GovCloud) and
 * `<geography>-<area>-<n>` of the commercial geographies. test/partition.test.ts checks every region aws-cdk-lib's
 * region-info knows against this table.
 */
const NAMED_REGIONS: Array<{ pattern: RegExp; facts: RegionFacts }> = [
  { pattern: /^cn-[a-z]+-\d+$/, facts: { partition: 'aws-cn', vpcEndpointServiceNamePrefix: 'cn.com.amazonaws.vpce' } },
  { pattern: /^us-gov-[a-z]+-\d+$/, facts: { partition: 'aws-us-gov', vpcEndpointServiceNamePrefix: 'com.amazonaws.vpce' } },
  { pattern: /^(af|ap|ca|eu|il|me|mx|sa|us)-[a-z]+-\d+$/, facts: { partition: 'aws', vpcEndpointServiceNamePrefix: 'com.amazonaws.vpce' } },
];

/**
 * The partition and endpoint-service name prefix of a region (not a token). aws-cdk-lib's region-info loads the facts
 * of every region on first use (1.3 MB of JavaScript, 150-300 ms of a synthesis, scripts/bench.ts): it is loaded only for
 * the regions the names do not tell (ISO and sovereign partitions, unknown regions).
 */
export function regionFacts(region: string): RegionFacts {
  const named = NAMED_REGIONS.find((r) => r.pattern.test(region));
  if (named) {
    return named.facts;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RegionInfo } = require('aws-cdk-lib/region-info') as typeof import('aws-cdk-lib/region-info');
  const info = RegionInfo.get(region);
  return { partition: info.partition, vpcEndpointServiceNamePrefix: info.vpcEndpointServiceNamePrefix };
}
