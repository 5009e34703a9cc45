/**
 * Shared helpers of the integ tests (this file is not an integ test: integ-runner runs only integ.*.ts).
 */
import { App, Environment } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { IotEndpointService } from '../src';

/** Account and region integ-runner uses when it synthesizes offline for a snapshot comparison. */
const SNAPSHOT_ACCOUNT = '12345678';
const SNAPSHOT_REGION = 'test-region';
const SNAPSHOT_ZONES = ['test-region-1a', 'test-region-1b', 'test-region-1c'];

/** An App whose templates carry no machine-specific paths (no creation stack traces, no version reporting). */
export function integApp(): App {
  return new App({
    stackTraces: false,
    analyticsReporting: false,
    context: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true },
  });
}

/**
 * The environment of an integ stack: the account and region integ-runner passes (CDK_INTEG_*), else the
 * deploying credentials' defaults. Lookups then run against the account that deploys.
 *
 * integ-runner's offline snapshot synthesis uses the placeholder account 12345678 / test-region and supplies
 * dummy availability zones (not always) but no endpoint-service lookups: for that placeholder only, the zones are
 * set here (the services offered in the first two), so the snapshot never depends on a real account.
 */
export function integEnv(app: App, services: IotEndpointService[]): Environment {
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
