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
