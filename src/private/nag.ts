import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The metadata type of aws-cdk-lib's acknowledged rules (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, exported from
 * aws-cdk-lib 2.252.0 on). Written as a string so the library works on older aws-cdk-lib releases too (the peer floor);
 * a test compares it with the constant of the dev copy.
 */
export const ACKNOWLEDGED_RULES_METADATA_KEY = 'aws:cdk:acknowledged-rules';

/** One acknowledged cdk-nag finding. */
export interface Acknowledgement {
  /** The rule id, e.g. `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the finding does not apply: specific to the resource, never generic. */
  readonly reason: string;
  /** The findings of a granular rule the acknowledgement covers (e.g. `Resource::*`). */
  readonly appliesTo?: string[];
}

/**
 * Acknowledges cdk-nag findings on a construct, without a runtime dependency on cdk-nag, in both forms cdk-nag reads:
 * - aws-cdk-lib's acknowledged-rules metadata (`ACKNOWLEDGED_RULES_METADATA_KEY`, read by cdk-nag 3;
 *   granular findings as `Rule[finding]`);
 * - `cdk_nag` metadata with `rules_to_suppress` on the CloudFormation resource (cdk-nag 2), merged with what is there.
 */
export function acknowledge(scope: IConstruct, acks: Acknowledgement[]): void {
  // Written like Validations.of(scope).acknowledge(...) records them; that method rejects granular ids such as
  // `AwsSolutions-IAM5[Resource::*]` because of their '::', which cdk-nag 3 still matches.
  const entries = scope.node.metadata.filter((m) => m.type === ACKNOWLEDGED_RULES_METADATA_KEY);
  const acknowledged: Record<string, string> = { ...(entries.length > 0 ? entries[entries.length - 1].data : {}) };
  for (const ack of acks) {
    for (const finding of ack.appliesTo ?? [undefined]) {
      acknowledged[`annotation::${finding ? `${ack.id}[${finding}]` : ack.id}`] = ack.reason;
    }
  }
  scope.node.addMetadata(ACKNOWLEDGED_RULES_METADATA_KEY, acknowledged);

  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) {
    return;
  }
  const existing = resource.getMetadata('cdk_nag') as { rules_to_suppress?: Array<{ id: string }> } | undefined;
  const rules = [...(existing?.rules_to_suppress ?? [])];
  for (const ack of acks) {
    if (!rules.some((r) => r.id === ack.id)) {
      rules.push({ id: ack.id, reason: ack.reason, ...(ack.appliesTo ? { applies_to: ack.appliesTo } : {}) } as { id: string });
    }
  }
  resource.addMetadata('cdk_nag', { ...(existing ?? {}), rules_to_suppress: rules });
}

/**
 * Acknowledges, on a security group this library created, the cdk-nag rules that cannot evaluate a peer CIDR that is
 * an intrinsic (e.g. the VPC's CIDR block) and so report it as a finding. Call it only when no peer is open to any
 * address, so the acknowledgement can never hide a real 0.0.0.0/0 rule.
 */
export function acknowledgeIntrinsicPeers(securityGroup: IConstruct, ports: number[], what: string): void {
  const reason = 'The peer CIDR is an intrinsic (e.g. the VPC CIDR block) that the rule cannot evaluate; '
    + `${what} admits only TCP ${ports.join('/')} (AWS IoT Core) from the named peers, none of them 0.0.0.0/0 or ::/0.`;
  acknowledge(securityGroup, [
    { id: 'AwsSolutions-EC23', reason },
    ...['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].flatMap((pack) => [
      { id: `${pack}-EC2RestrictedCommonPorts`, reason },
      { id: `${pack}-EC2RestrictedSSH`, reason },
    ]),
  ]);
}

/**
 * Acknowledges a finding of AWS Control Tower's proactive controls (Guard rules, as run by
 * `@cdklabs/cdk-validator-cfnguard`) on the CloudFormation resource of `scope`: the rule name goes into
 * `Metadata.guard.SuppressedRules` (cfn-guard's convention) and the reason into `Metadata.guard.Reasons`, which
 * scripts/lint-templates.ts requires for every suppressed finding.
 *
 * @param rule the Guard rule name, e.g. `cloudwatch_log_group_encrypted_check`
 * @param reason why the control does not apply to this resource: specific, never generic
 */
export function acknowledgeGuard(scope: IConstruct, rule: string, reason: string): void {
  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) {
    return;
  }
  const existing = resource.getMetadata('guard') as { SuppressedRules?: string[]; Reasons?: Record<string, string> } | undefined;
  resource.addMetadata('guard', {
    SuppressedRules: [...new Set([...(existing?.SuppressedRules ?? []), rule])],
    Reasons: { ...(existing?.Reasons ?? {}), [rule]: reason },
  });
}
