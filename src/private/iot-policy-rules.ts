import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalidProp } from './errors';

/**
 * The rules AWS IoT Core sets for the client ids and topics of AWS IoT policy actions (`iot:Connect` on `client/<id>`,
 * `iot:Publish`/`iot:Receive` on `topic/<name>`, `iot:Subscribe` on `topicfilter/<filter>`), shared by
 * `VpceOnlyIotPolicy` (an IoT policy) and the grant methods of `PrivateIotDataEndpoint` (IAM policies): one check per
 * rule, whoever writes the statement.
 */

/** The thing policy variable that holds the name of the thing attached to the connecting principal. */
export const THING_NAME = '${iot:Connection.Thing.ThingName}';
/** Least-privilege default for topics and topic filters: everything below the thing's own name. */
export const DEFAULT_TOPIC = `things/${THING_NAME}/*`;
/** AWS IoT Core quota: topic names and filters are at most 256 bytes (UTF-8), the Basic Ingest prefix not counted. */
const MAX_TOPIC_BYTES = 256;
/** AWS IoT Core quota: at most 7 forward slashes in a topic name or filter, the Basic Ingest prefix not counted. */
const MAX_TOPIC_SLASHES = 7;
/**
 * The Basic Ingest prefix `$aws/rules/<rule name>/`, whose three levels AWS IoT Core leaves out of the topic size and
 * slash quotas (only the prefix: the rest of the topic counts, as in AWS's own client, aws-c-mqtt
 * `aws_mqtt_is_valid_topic_for_iot_core`).
 */
const BASIC_INGEST_PREFIX = /^\$aws\/rules\/[^/]+\//;
/** AWS IoT Core quota: client ids are at most 128 bytes (UTF-8). */
const MAX_CLIENT_ID_BYTES = 128;

/** What a caller accepts beyond AWS IoT Core's own rules, and how its users get past the rest. */
export interface TopicRules {
  /** Accept reserved topics (`$aws/...`). */
  readonly allowReserved: boolean;
  /** Accept topics made only of wildcards. */
  readonly allowAll: boolean;
  /**
   * The fixes of the errors that name the caller's own API.
   * @default - `VpceOnlyIotPolicy`'s props
   */
  readonly fixes?: {
    /** For an empty topic or filter. */
    readonly empty?: string;
    /** For a topic or filter made only of wildcards (without `allowAll`). */
    readonly allTopics?: string;
    /** For an MQTT wildcard in a topic name. */
    readonly mqttWildcardInTopic?: string;
  };
}

/** What a caller accepts in a client id, and how its users get past the rest. */
export interface ClientIdRules {
  /** Accept the policy wildcard `*`. */
  readonly allowAny: boolean;
  /**
   * The prop or argument that holds the client id, for messages.
   * @default 'clientIdPattern'
   */
  readonly prop?: string;
  /**
   * The fixes of the errors that name the caller's own API.
   * @default - `VpceOnlyIotPolicy`'s props
   */
  readonly fixes?: {
    /** For an empty client id. */
    readonly empty?: string;
    /** For an MQTT wildcard (`#`, `+`) in a client id. */
    readonly mqttWildcard?: string;
  };
}

/** The literal part of a value: policy variables (`${...}`) removed. */
export function withoutVariables(value: string): string {
  return value.replace(/\$\{[^}]*\}/g, '');
}

/** Throws unless `pattern` is a client id (pattern) AWS IoT Core accepts and `rules` allow. Tokens pass unchecked. */
export function validateClientIdPattern(scope: IConstruct, pattern: string, rules: ClientIdRules): void {
  if (Token.isUnresolved(pattern)) {
    return;
  }
  const prop = rules.prop ?? 'clientIdPattern';
  if (pattern.length === 0) {
    invalidProp(scope, prop, 'is empty', rules.fixes?.empty ?? `use a client id pattern such as ${THING_NAME}, or leave clientIdPattern unset`);
  }
  checkVariables(scope, prop, pattern);
  if (/[#+]/.test(pattern)) {
    invalidProp(scope, prop, `'${pattern}' contains the MQTT wildcard '#' or '+', which client ids cannot use`,
      rules.fixes?.mqttWildcard ?? 'use the policy wildcard * (with allowAnyClientId: true) or a policy variable such as ${iot:Connection.Thing.ThingName}');
  }
  if (pattern.includes('*') && !rules.allowAny) {
    invalidProp(scope, prop, `'${pattern}' contains the policy wildcard '*', which lets one certificate connect with many client ids`,
      `set allowAnyClientId: true to accept that, or use ${THING_NAME}`);
  }
  if (Buffer.byteLength(withoutVariables(pattern), 'utf8') > MAX_CLIENT_ID_BYTES) {
    invalidProp(scope, prop, `'${pattern}' is longer than the ${MAX_CLIENT_ID_BYTES} bytes AWS IoT Core allows for a client id`,
      'use a shorter pattern');
  }
}

/** Throws if a `${` has no closing `}`. */
function checkVariables(scope: IConstruct, prop: string, value: string): void {
  if (withoutVariables(value).includes('${')) {
    invalidProp(scope, prop, `'${value}' has an unclosed policy variable`,
      'close it with }, e.g. ${iot:Connection.Thing.ThingName}');
  }
}

/**
 * Throws unless `topic` is a topic name (or, with `isFilter`, a topic filter) AWS IoT Core accepts and `rules` allow.
 * Tokens pass unchecked.
 */
export function validateTopic(scope: IConstruct, prop: string, topic: string, isFilter: boolean, rules: TopicRules): void {
  if (Token.isUnresolved(topic)) {
    return;
  }
  const what = isFilter ? 'topic filter' : 'topic';
  if (topic.length === 0) {
    invalidProp(scope, prop, `contains an empty ${what}`, rules.fixes?.empty ?? `use a ${what} such as ${DEFAULT_TOPIC}, or pass an empty array to grant nothing`);
  }
  checkVariables(scope, prop, topic);
  const literal = withoutVariables(topic);
  if (literal.includes('\u0000')) {
    invalidProp(scope, prop, `contains a ${what} with the null character`, 'remove it (MQTT forbids U+0000 in topics)');
  }
  // The quotas count the topic without its Basic Ingest prefix (an exemption for the prefix, not for the whole topic).
  const counted = withoutVariables(topic.replace(BASIC_INGEST_PREFIX, ''));
  if (Buffer.byteLength(counted, 'utf8') > MAX_TOPIC_BYTES) {
    invalidProp(scope, prop, `contains '${topic}', longer than the ${MAX_TOPIC_BYTES} bytes AWS IoT Core allows`,
      'use a shorter topic, or a * wildcard for the varying part');
  }
  const isReserved = topic.startsWith('$') && !topic.startsWith('${');
  if ((counted.match(/\//g) ?? []).length > MAX_TOPIC_SLASHES) {
    invalidProp(scope, prop, `contains '${topic}', which has more than the ${MAX_TOPIC_SLASHES} forward slashes AWS IoT Core allows`
      + ' (a Basic Ingest prefix $aws/rules/<rule>/ not counted)', 'use a flatter topic hierarchy (at most 8 levels)');
  }
  if (isReserved && !rules.allowReserved) {
    invalidProp(scope, prop, `contains '${topic}', a reserved topic (topics that begin with $, such as $aws/, belong to AWS IoT services)`,
      'set allowReservedTopics: true if devices really need it, e.g. for device shadows or jobs');
  }
  if (/^[*#+/]+$/.test(topic) && !rules.allowAll) {
    invalidProp(scope, prop, `contains '${topic}', which matches every topic`,
      rules.fixes?.allTopics ?? `use a narrower ${what} such as ${DEFAULT_TOPIC}, or set allowAllTopics: true`);
  }
  if (!isFilter && /[#+]/.test(literal)) {
    invalidProp(scope, prop, `contains '${topic}': MQTT wildcards '#' and '+' cannot occur in topic names`,
      rules.fixes?.mqttWildcardInTopic ?? 'use the policy wildcard * instead (or put the filter in subscribeTopicFilters)');
  }
  if (isFilter) {
    const levels = topic.split('/');
    levels.forEach((level, index) => {
      if (level.includes('#') && (level !== '#' || index !== levels.length - 1)) {
        invalidProp(scope, prop, `contains '${topic}': the MQTT wildcard '#' must be a whole level and the last one`,
          'use it only as the final level, e.g. things/${iot:Connection.Thing.ThingName}/#');
      }
      if (level.includes('+') && level !== '+') {
        invalidProp(scope, prop, `contains '${topic}': the MQTT wildcard '+' must be a whole level`,
          'use it between slashes, e.g. things/+/status, or use the policy wildcard *');
      }
    });
  }
}
