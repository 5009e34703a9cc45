/**
 * The handler of the stack-wide deployment-time lookup function (`IotLookups`): a CloudFormation custom resource
 * (`Custom::CdkPrivateIotLookup`) that runs one READ-ONLY AWS API call on Create and Update and answers with the values
 * at the call's output paths; Delete does nothing (a lookup has nothing to undo).
 *
 * Bundled by esbuild (minified, `@aws-sdk/*` left to the Lambda Node.js runtime, which ships AWS SDK for JavaScript
 * v3) into assets/private/lookup-handler/index.js, which `IotLookups` inlines into the template as the function's
 * `Code.ZipFile`: no asset to stage. Nothing here is part of the library's API.
 *
 * The resource's one property `Call` is the JSON of `{ service, action, parameters, outputPaths, physicalResourceId }`
 * (JSON, because CloudFormation turns every number and boolean of a custom resource's properties into a string).
 */
import * as http from 'http';
import * as https from 'https';

/** The call a lookup resource makes (the JSON of its `Call` property). */
export interface LookupCall {
  /** `EC2`, `Iot` or `Route53Resolver` (see `SERVICES`). */
  readonly service: string;
  /** The API action in lower camel case, read-only only: `describe...`, `list...` or `get...`. */
  readonly action: string;
  readonly parameters?: Record<string, unknown>;
  /** The flattened response paths to return as the resource's attributes (e.g. `NetworkInterfaces.0.PrivateIpAddress`). */
  readonly outputPaths?: string[];
  /** The physical id: a fixed `id`, or the value at `responsePath` of the flattened response. */
  readonly physicalResourceId?: { readonly id?: string; readonly responsePath?: string };
}

/** What CloudFormation sends (the fields this handler reads). */
export interface LookupEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceType?: string;
  readonly ResourceProperties: { readonly Call?: string; readonly [key: string]: unknown };
}

/** The parts of the Lambda context this handler uses. */
export interface LookupContext {
  readonly logStreamName?: string;
  getRemainingTimeInMillis(): number;
}

/** The response document PUT to the ResponseURL. */
export interface LookupResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** CloudFormation rejects a response body over 4,096 bytes. */
export const MAX_RESPONSE_BYTES = 4096;
/** Time kept back from the Lambda timeout to answer FAILED (with retries) when the API call hangs. */
export const RESPONSE_MARGIN_MS = 15_000;
/** Waits between the attempts of the response PUT (network errors and 5xx only). */
export const PUT_RETRY_DELAYS_MS = [500, 1_500];
/** Timeout of one attempt of the response PUT. */
export const PUT_ATTEMPT_TIMEOUT_MS = 4_000;

/** The SDK v3 clients the lookups use, by the `service` of the call; the modules ship with the Lambda runtime. */
const SERVICES: Record<string, { readonly load: () => any; readonly client: string }> = {
  /* eslint-disable @typescript-eslint/no-require-imports, import/no-extraneous-dependencies */
  EC2: { load: () => require('@aws-sdk/client-ec2'), client: 'EC2Client' },
  Iot: { load: () => require('@aws-sdk/client-iot'), client: 'IoTClient' },
  Route53Resolver: { load: () => require('@aws-sdk/client-route53resolver'), client: 'Route53ResolverClient' },
  /* eslint-enable @typescript-eslint/no-require-imports, import/no-extraneous-dependencies */
};

/** Only calls that read: a lookup must never change anything (changes go through AwsCustomResource, see IotLookups.sdkChange). */
const READ_ONLY_ACTION = /^(describe|list|get)[A-Z][A-Za-z0-9]*$/;

/** One client per service and container. */
const clients = new Map<string, any>();

export async function handler(event: LookupEvent, context: LookupContext): Promise<void> {
  console.log(JSON.stringify({
    RequestType: event.RequestType,
    LogicalResourceId: event.LogicalResourceId,
    PhysicalResourceId: event.PhysicalResourceId,
    Call: event.ResourceProperties?.Call,
  }));
  let response: LookupResponse;
  try {
    response = await respond(event, context);
  } catch (error) {
    console.error(error);
    response = failed(event, context, error instanceof Error ? error.message : String(error));
  }
  const { Status, Reason, PhysicalResourceId, Data } = response;
  console.log(JSON.stringify({ Status, Reason, PhysicalResourceId, Data }));
  await put(event.ResponseURL, JSON.stringify(response));
}

async function respond(event: LookupEvent, context: LookupContext): Promise<LookupResponse> {
  const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
  if (event.RequestType === 'Delete') {
    return { Status: 'SUCCESS', PhysicalResourceId: event.PhysicalResourceId ?? event.RequestId, ...base };
  }
  if (event.RequestType !== 'Create' && event.RequestType !== 'Update') {
    throw new Error(`Unknown request type ${String(event.RequestType)}`);
  }
  const call = parseCall(event.ResourceProperties?.Call);
  const budget = context.getRemainingTimeInMillis() - RESPONSE_MARGIN_MS;
  const result = await withDeadline((signal) => send(call, signal), budget, `${call.service} ${call.action}`);
  const flat = flatten(result);
  const data: Record<string, string> = {};
  for (const path of call.outputPaths ?? []) {
    if (flat[path] === undefined) {
      throw new Error(`The response of ${call.service} ${call.action} has no ${path} (it has ${describeKeys(flat)})`);
    }
    data[path] = flat[path];
  }
  const response: LookupResponse = { Status: 'SUCCESS', PhysicalResourceId: physicalId(call, flat, event), ...base, Data: data };
  const bytes = Buffer.byteLength(JSON.stringify(response));
  if (bytes > MAX_RESPONSE_BYTES) {
    throw new Error(`The response would be ${bytes} bytes (Data ${Buffer.byteLength(JSON.stringify(data))} bytes), `
      + `over the ${MAX_RESPONSE_BYTES} bytes CloudFormation accepts: name fewer outputPaths`);
  }
  return response;
}

function parseCall(text: unknown): LookupCall {
  if (typeof text !== 'string') {
    throw new Error('The resource has no Call property');
  }
  const call = JSON.parse(text) as LookupCall;
  if (!SERVICES[call.service]) {
    throw new Error(`Unsupported service ${call.service} (supported: ${Object.keys(SERVICES).join(', ')})`);
  }
  if (!READ_ONLY_ACTION.test(call.action)) {
    throw new Error(`${call.service} ${call.action} is not a read-only action (describe..., list... or get...)`);
  }
  return call;
}

async function send(call: LookupCall, abortSignal: AbortSignal): Promise<unknown> {
  const service = SERVICES[call.service];
  const sdk = service.load();
  let client = clients.get(call.service);
  if (!client) {
    client = new sdk[service.client]({});
    clients.set(call.service, client);
  }
  const commandName = `${call.action[0].toUpperCase()}${call.action.slice(1)}Command`;
  const Command = sdk[commandName];
  if (typeof Command !== 'function') {
    throw new Error(`${call.service} has no action ${call.action}`);
  }
  return client.send(new Command(call.parameters ?? {}), { abortSignal });
}

/** Runs `fn`, or fails (and aborts it) once `budgetMs` have passed, so CloudFormation hears back before the Lambda timeout. */
async function withDeadline<T>(fn: (signal: AbortSignal) => Promise<T>, budgetMs: number, what: string): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`${what} did not answer within ${Math.max(budgetMs, 0)} ms (the function keeps ${RESPONSE_MARGIN_MS} ms of its timeout to report)`));
    }, Math.max(budgetMs, 0));
  });
  try {
    return await Promise.race([fn(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The response as `a.b.0.c` paths to strings (the SDK's `$metadata` left out). */
export function flatten(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (v: unknown, path: string) => {
    if (v === undefined || v === null) {
      return;
    }
    if (v instanceof Date) {
      out[path] = v.toISOString();
    } else if (v instanceof Uint8Array) {
      out[path] = Buffer.from(v).toString('utf8');
    } else if (typeof v === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        if (!(path === '' && k === '$metadata')) {
          walk(child, path === '' ? k : `${path}.${k}`);
        }
      }
    } else {
      out[path] = String(v);
    }
  };
  walk(value, '');
  return out;
}

function physicalId(call: LookupCall, flat: Record<string, string>, event: LookupEvent): string {
  const spec = call.physicalResourceId;
  if (spec?.responsePath !== undefined) {
    const id = flat[spec.responsePath];
    if (!id) {
      throw new Error(`The response of ${call.service} ${call.action} has no ${spec.responsePath} for the physical id`);
    }
    return id;
  }
  return spec?.id || event.PhysicalResourceId || event.RequestId;
}

function failed(event: LookupEvent, context: LookupContext, message: string): LookupResponse {
  const response = {
    Status: 'FAILED' as const,
    // a failed Create has no physical id yet; CloudFormation needs a non-empty one (its Delete of it is a no-op)
    PhysicalResourceId: event.PhysicalResourceId || context.logStreamName || event.RequestId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  };
  const suffix = ` See the details in CloudWatch Log Stream: ${context.logStreamName ?? '(unknown)'}`;
  const room = MAX_RESPONSE_BYTES - Buffer.byteLength(JSON.stringify({ ...response, Reason: suffix })) - 16;
  const reason = Buffer.byteLength(message) > room ? `${Buffer.from(message).subarray(0, Math.max(room, 0)).toString('utf8')}...` : message;
  return { ...response, Reason: `${reason}${/[.!?]$/.test(reason) ? '' : '.'}${suffix}` };
}

function describeKeys(flat: Record<string, string>): string {
  const keys = Object.keys(flat);
  return keys.length === 0 ? 'no values' : keys.length > 10 ? `${keys.slice(0, 10).join(', ')} and ${keys.length - 10} more` : keys.join(', ');
}

/** PUTs the response to the presigned ResponseURL, retrying network errors and 5xx answers. */
async function put(url: string, body: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await putOnce(url, body);
      return;
    } catch (error) {
      const retryable = (error as { retryable?: boolean }).retryable !== false;
      if (!retryable || attempt >= PUT_RETRY_DELAYS_MS.length) {
        console.error('Could not send the response to CloudFormation', error);
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, PUT_RETRY_DELAYS_MS[attempt]));
    }
  }
}

function putOnce(url: string, body: string): Promise<void> {
  const target = new URL(url);
  // CloudFormation's ResponseURLs are https; plain http only to a loopback address (a local test server).
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
  if (target.protocol !== 'https:' && !(target.protocol === 'http:' && loopback)) {
    return Promise.reject(Object.assign(new Error(`Refusing to send the response to ${target.protocol} ${target.hostname}`), { retryable: false }));
  }
  const request = target.protocol === 'https:' ? https.request : http.request;
  return new Promise<void>((resolve, reject) => {
    const req = request(target, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
      timeout: PUT_ATTEMPT_TIMEOUT_MS,
    }, (res) => {
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve();
        } else {
          reject(Object.assign(new Error(`The ResponseURL answered HTTP ${status}`), { retryable: status >= 500 }));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`No answer from the ResponseURL within ${PUT_ATTEMPT_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
