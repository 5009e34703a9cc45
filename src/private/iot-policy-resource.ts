import { ArnComponents, ArnFormat } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import { Construct } from 'constructs';

/** The ARN of an AWS IoT policy, as components: `arn:<partition>:iot:<region>:<account>:policy/<name>`. */
export function iotPolicyArnComponents(policyName: string): ArnComponents {
  return { service: 'iot', resource: 'policy', resourceName: policyName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME };
}

/**
 * The `AWS::IoT::Policy` of an L2 IoT policy construct (`VpceOnlyIotPolicy`, `GreengrassCoreIotPolicy`): child
 * `Resource` of `policy`, named `physicalName` (the construct's, a generated name unless the user gave one). The
 * construct turns `ref` and `attrArn` into its `policyName` and `policyArn` with `Resource.getResourceNameAttribute`
 * and `getResourceArnAttribute` (protected, so they stay in the construct), giving `iotPolicyArnComponents`.
 */
export function newIotPolicyResource(policy: Construct, physicalName: string, document: iam.PolicyDocument): iot.CfnPolicy {
  return new iot.CfnPolicy(policy, 'Resource', { policyName: physicalName, policyDocument: document });
}
