/**
 * Shared helpers of the integ tests (this file is not an integ test: integ-runner runs only integ.*.ts).
 */
import { App, Aspects, CfnResource, Environment } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';
import { IotVpcEndpointAwsService } from '../src';
import { acknowledgeGuard } from '../src/private/nag';

/** Account and region integ-runner uses when it synthesizes offline for a snapshot comparison. */
const SNAPSHOT_ACCOUNT = '12345678';
const SNAPSHOT_REGION = 'test-region';
const SNAPSHOT_ZONES = ['test-region-1a', 'test-region-1b', 'test-region-1c'];

/**
 * An App whose templates carry no machine-specific paths (no creation stack traces, no version reporting), and whose
 * assertion providers grant only IAM actions that exist.
 */
export function integApp(): App {
  const app = new App({
    stackTraces: false,
    analyticsReporting: false,
    context: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true },
  });
  dropNonexistentIamActions(app);
  acknowledgeRestrictDefaultSgHandler(app);
  return app;
}

/**
 * The environment of an integ stack: the account and region integ-runner passes (CDK_INTEG_*), else the
 * deploying credentials' defaults. Lookups then run against the account that deploys.
 *
 * integ-runner's offline snapshot synthesis uses the placeholder account 12345678 / test-region and supplies
 * dummy availability zones (not always) but no endpoint-service lookups: for that placeholder only, the zones are
 * set here (the services offered in the first two), so the snapshot never depends on a real account.
 */
export function integEnv(app: App, services: Array<IotVpcEndpointAwsService | { readonly shortName: string }>): Environment {
  const account = process.env.CDK_INTEG_ACCOUNT ?? process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_INTEG_REGION ?? process.env.CDK_DEFAULT_REGION;
  if (account === SNAPSHOT_ACCOUNT && region === SNAPSHOT_REGION) {
    // The same zones for the VPC and the services, whether integ-runner supplies its dummy context or not.
    app.node.setContext(`availability-zones:account=${SNAPSHOT_ACCOUNT}:region=${SNAPSHOT_REGION}`, SNAPSHOT_ZONES);
    for (const service of services) {
      const serviceName = `com.amazonaws.${SNAPSHOT_REGION}.${service.shortName}`;
      app.node.setContext(`endpoint-service-availability-zones:account=${SNAPSHOT_ACCOUNT}:region=${SNAPSHOT_REGION}:serviceName=${serviceName}`,
        SNAPSHOT_ZONES.slice(0, 2));
    }
  }
  return { account, region };
}

/**
 * integ-tests-alpha (2.245) grants its assertion function `lambda:Invoke` for `invokeFunction()` besides the real
 * `lambda:InvokeFunction`, and `lambda:Invoke` is no IAM action (cfn-lint W3037). This removes that one statement from
 * the assertion providers in the app. It reads the provider's statement list (not public API; integ-tests-alpha
 * renders it lazily at synthesis), so a newer integ-tests-alpha without the list only leaves the statement in place.
 */
function dropNonexistentIamActions(app: App): void {
  const nonexistent = ['lambda:Invoke'];
  Aspects.of(app).add({
    visit(node: IConstruct) {
      const policies = (node as unknown as { policies?: unknown }).policies;
      if (!Array.isArray(policies)) {
        return;
      }
      for (let i = policies.length - 1; i >= 0; i--) {
        const action = (policies[i] as { Action?: string | string[] }).Action;
        const actions = Array.isArray(action) ? action : [action];
        if (actions.length > 0 && actions.every((a) => a !== undefined && nonexistent.includes(a))) {
          policies.splice(i, 1);
        }
      }
    },
  });
}

/**
 * aws-cdk-lib's custom resource that removes the rules of a VPC's default security group (feature flag
 * `@aws-cdk/aws-ec2:restrictDefaultSecurityGroup`, on in integ-runner's apps) runs its handler outside any VPC:
 * acknowledged for AWS Control Tower's CT.LAMBDA.PR.3 with the reason.
 */
function acknowledgeRestrictDefaultSgHandler(app: App): void {
  Aspects.of(app).add({
    visit(node: IConstruct) {
      if (CfnResource.isCfnResource(node) && node.cfnResourceType === 'AWS::Lambda::Function'
        && node.node.path.includes('Custom::VpcRestrictDefaultSGCustomResourceProvider')) {
        acknowledgeGuard(node, 'lambda_inside_vpc_check', 'aws-cdk-lib\'s handler that removes the default security group\'s rules '
          + 'runs only during deployment and calls the EC2 API only; in a VPC without internet access it would need an EC2 endpoint just for that.');
      }
    },
  });
}
