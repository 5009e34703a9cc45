import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { invalidProp } from './errors';
import { TopicRules, validateClientIdPattern, validateTopic } from './iot-policy-rules';
import { policyNetworkOf, unique } from './policy-network';
import type { IPrivateIotDataEndpoint } from '../endpoint/types';

/**
 * The grant methods of `PrivateIotDataEndpoint` (created and imported): AWS IoT data-plane permissions for IAM
 * principals (SigV4 over MQTT/WebSocket, or HTTPS), in the principal's policy, the aws-cdk-lib way
 * (`iam.Grant.addToPrincipal`).
 *
 * Only `iot:Connect` carries the network condition (`aws:SourceVpce` = the endpoint's `iot.data` endpoint ids): AWS
 * documents the VPC condition keys for AWS IoT Core on `iot:Connect` only, and an `Allow` whose condition key is absent
 * from the request does not apply, so a condition on the other actions could deny every message. Only an MQTT session
 * needs `iot:Connect`; `iot:Publish` over HTTPS does not.
 */

/** The data-plane grant methods, for error messages. */
export type IotGrantMethod = 'grantConnect' | 'grantPublish' | 'grantSubscribe' | 'grantReceive';

/**
 * What the topic grants accept: reserved topics (`$aws/...`: shadows, jobs, Basic Ingest are what a backend principal
 * often needs, and the caller names each one), but not a topic of wildcards alone (every topic: that is a statement the
 * user writes deliberately, not a grant).
 */
function topicRules(method: IotGrantMethod, what: string): TopicRules {
  return {
    allowReserved: true,
    allowAll: false,
    fixes: {
      empty: `an empty string is not a ${what}: name the ${what}, e.g. factory/line1/telemetry`,
      allTopics: `name the ${what}s (the policy wildcard * may stand for a part, e.g. factory/*/telemetry); for every topic, `
        + 'add an iam.PolicyStatement to the principal yourself',
      mqttWildcardInTopic: method === 'grantPublish'
        ? 'use the policy wildcard * instead'
        : 'use the policy wildcard * instead (or grant the filter with grantSubscribe)',
    },
  };
}

/**
 * `iot:Connect` on `client/<id>` for each of `clientIds`, only through the data endpoints of `endpoint`
 * (`aws:SourceVpce`).
 */
export function grantIotConnect(endpoint: IPrivateIotDataEndpoint, grantee: iam.IGrantable, clientIds: string[]): iam.Grant {
  const method: IotGrantMethod = 'grantConnect';
  const prop = `clientIds of ${method}`;
  checkNotEmpty(endpoint, method, clientIds, 'client ids', '\'telemetry-backend\'');
  for (const clientId of clientIds) {
    validateClientIdPattern(endpoint, clientId, {
      allowAny: true,
      prop,
      fixes: {
        empty: 'an empty string is not a client id: name the client id the principal connects with, e.g. telemetry-backend',
        mqttWildcard: 'name the client id, or end it with the policy wildcard * for ids that vary, e.g. backend-*',
      },
    });
    if (!Token.isUnresolved(clientId) && /^\*+$/.test(clientId)) {
      invalidProp(endpoint, prop, `contains '${clientId}', which lets the principal connect with any client id, and so take over the session of any `
        + 'device', 'name the client ids, or a prefix of the principal\'s own, e.g. backend-*');
    }
  }
  if (endpoint.dataServiceName !== undefined) {
    invalidProp(endpoint, method, `cannot condition iot:Connect on these endpoints: they connect to the provider's endpoint service ${endpoint.dataServiceName}, `
      + 'so AWS IoT Core sees the provider\'s gatekeeper endpoint ids as aws:SourceVpce, never these',
    'call grantConnect on the gatekeeper PrivateIotDataEndpoint of the IoT account (the one behind CrossAccountIotEndpointService)');
  }
  const network = policyNetworkOf(endpoint, { endpoints: [endpoint] }, 'the principal');
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['iot:Connect'],
    resourceArns: unique(clientIds).map((clientId) => iotArn(endpoint, 'client', clientId)),
    conditions: { StringEquals: { 'aws:SourceVpce': network.endpointIds } },
    scope: endpoint,
  });
}

/**
 * `iot:Publish` or `iot:Receive` on `topic/<name>`, or `iot:Subscribe` on `topicfilter/<filter>`, for each of `topics`;
 * no network condition (see the module comment).
 */
export function grantIotTopics(endpoint: IPrivateIotDataEndpoint, method: Exclude<IotGrantMethod, 'grantConnect'>, grantee: iam.IGrantable,
  topics: string[]): iam.Grant {
  const isFilter = method === 'grantSubscribe';
  const what = isFilter ? 'topic filter' : 'topic';
  const argument = isFilter ? 'topicFilters' : 'topics';
  checkNotEmpty(endpoint, method, topics, `${what}s`, isFilter ? '\'factory/+/alerts\'' : '\'factory/line1/telemetry\'');
  const rules = topicRules(method, what);
  topics.forEach((topic) => validateTopic(endpoint, `${argument} of ${method}`, topic, isFilter, rules));
  const action = { grantPublish: 'iot:Publish', grantSubscribe: 'iot:Subscribe', grantReceive: 'iot:Receive' }[method];
  return iam.Grant.addToPrincipal({
    grantee,
    actions: [action],
    resourceArns: unique(topics).map((topic) => iotArn(endpoint, isFilter ? 'topicfilter' : 'topic', topic)),
    scope: endpoint,
  });
}

function checkNotEmpty(endpoint: IPrivateIotDataEndpoint, method: IotGrantMethod, values: string[], what: string, example: string): void {
  if (values.length === 0) {
    invalidProp(endpoint, method, `was given no ${what}, so it would grant nothing`, `name at least one after the grantee, e.g. endpoint.${method}(fn, ${example})`);
  }
}

/** `arn:<partition>:iot:<region>:<account>:<resource>/<name>` in the endpoint's stack. */
function iotArn(endpoint: IPrivateIotDataEndpoint, resource: string, name: string): string {
  return Stack.of(endpoint).formatArn({ service: 'iot', resource, resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}
