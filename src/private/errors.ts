import { IConstruct } from 'constructs';

/**
 * The prefix of the message of every error this library throws for input it cannot accept. The error crosses into
 * Python, Java, .NET and Go as the language's jsii runtime exception with this message, so the prefix (not a class)
 * is how users of every language recognise our validation errors.
 */
export const ERROR_PREFIX = 'CdkPrivateIotError: ';

/**
 * The error every construct of this library throws for input it cannot accept. Its message reads
 * `CdkPrivateIotError: <construct class> '<construct path>': <prop> <problem>; <fix>`.
 *
 * Not exported from the package (jsii cannot expose a subclass of `Error`); in JavaScript the object also carries
 * `prop` and `constructPath`.
 */
export class CdkPrivateIotError extends Error {
  /** The construct path the error is about. */
  public readonly constructPath: string;
  /** The prop (or method argument) that holds the bad value. */
  public readonly prop: string;

  constructor(scope: IConstruct, prop: string, message: string) {
    super(`${ERROR_PREFIX}${kindOf(scope)} '${scope.node.path}': ${message}`);
    this.constructPath = scope.node.path;
    this.prop = prop;
    Object.setPrototypeOf(this, CdkPrivateIotError.prototype);
  }
}

/** Whether `error` is one of this library's validation errors (in any language: by the message prefix). */
export function isCdkPrivateIotError(error: unknown): error is CdkPrivateIotError {
  return error instanceof Error && error.message.startsWith(ERROR_PREFIX);
}

/**
 * Throws a `CdkPrivateIotError` whose message names the construct, the prop, the bad value and the fix:
 * `CdkPrivateIotError: PrivateIotDataEndpoint 'Stack/Endpoint': mqttKeepAlive 300 s exceeds the 230 s cap of ...; use <= 230 s`.
 *
 * @param problem what is wrong, starting with the value (the prop name is prepended)
 * @param fix what the user should do instead
 */
export function invalidProp(scope: IConstruct, prop: string, problem: string, fix: string): never {
  throw new CdkPrivateIotError(scope, prop, `${prop} ${problem}; ${fix}`);
}

/** The class name of a construct, for messages: `PrivateIotDataEndpoint`. */
export function kindOf(scope: IConstruct): string {
  const name = scope.constructor?.name;
  return name && name !== 'Object' ? name : 'Construct';
}
