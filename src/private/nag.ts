import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** One acknowledged cdk-nag finding. */
export interface Acknowledgement {
  /** The rule id, e.g. `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the finding does not apply: specific to the resource, never generic. */
  readonly reason: string;
  /** The findings of a granular rule the acknowledgement covers. */
  readonly appliesTo?: string[];
}

/**
 * Records acknowledgements of cdk-nag findings on a resource (or the default child of a construct), in the
 * `cdk_nag` metadata format cdk-nag reads, without a runtime dependency on cdk-nag. Merges with what is there.
 */
export function acknowledge(scope: IConstruct, acks: Acknowledgement[]): void {
  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) {
    return;
  }
  const existing = resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined;
  const rules = [...(existing?.rules_to_suppress ?? [])] as Array<{ id: string }>;
  for (const ack of acks) {
    if (rules.some((r) => r.id === ack.id)) {
      continue;
    }
    rules.push({ id: ack.id, reason: ack.reason, ...(ack.appliesTo ? { applies_to: ack.appliesTo } : {}) } as { id: string });
  }
  resource.addMetadata('cdk_nag', { ...(existing ?? {}), rules_to_suppress: rules });
}
