/**
 * The acknowledged-rules metadata key is written as a string (so the library runs on aws-cdk-lib releases older than
 * the one that exports the constant); it must stay the key aws-cdk-lib and cdk-nag 3 read.
 */
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { ACKNOWLEDGED_RULES_METADATA_KEY, acknowledge, acknowledgeGuard } from '../src/private/nag';

test('the key is aws-cdk-lib\'s Validations.ACKNOWLEDGED_RULES_METADATA_KEY', () => {
  expect(ACKNOWLEDGED_RULES_METADATA_KEY).toBe(Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
});

test('acknowledge() merges into one entry of that type, with granular findings as Rule[finding]', () => {
  const stack = new Stack();
  acknowledge(stack, [{ id: 'AwsSolutions-IAM4', reason: 'first' }]);
  acknowledge(stack, [{ id: 'AwsSolutions-IAM5', reason: 'second', appliesTo: ['Resource::*'] }]);

  const entries = stack.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
  expect(entries[entries.length - 1].data).toEqual({
    'annotation::AwsSolutions-IAM4': 'first',
    'annotation::AwsSolutions-IAM5[Resource::*]': 'second',
  });
});

test('acknowledgeGuard() writes the rule and its reason on the CloudFormation resource, merging with earlier ones', () => {
  const stack = new Stack();
  const logGroup = new CfnResource(stack, 'Thing', { type: 'AWS::Logs::LogGroup' });
  acknowledgeGuard(logGroup, 'cloudwatch_log_group_encrypted_check', 'first reason');
  acknowledgeGuard(logGroup, 'another_check', 'second reason');
  acknowledgeGuard(logGroup, 'cloudwatch_log_group_encrypted_check', 'replaced reason');

  expect(logGroup.getMetadata('guard')).toEqual({
    SuppressedRules: ['cloudwatch_log_group_encrypted_check', 'another_check'],
    Reasons: { cloudwatch_log_group_encrypted_check: 'replaced reason', another_check: 'second reason' },
  });
});
