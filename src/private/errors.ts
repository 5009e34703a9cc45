import { IConstruct } from 'constructs';

/**
 * The error every construct of this library throws for input it cannot accept.
 *
 * Not exported from the package (jsii cannot expose a subclass of `Error`), but its `name` is
 * stable so users can tell our validation errors from anything else: `err.name === 'CdkPrivateIotError'`.
 */
export class CdkPrivateIotError extends Error {
  /** The construct path the error is about. */
  public readonly constructPath: string;
  /** The prop (or method argument) that holds the bad value. */
  public readonly prop: string;

  constructor(scope: IConstruct, prop: string, message: string) {
    super(`${kindOf(scope)} '${scope.node.path}': ${message}`);
    this.name = 'CdkPrivateIotError';
    this.constructPath = scope.node.path;
    this.prop = prop;
    Object.setPrototypeOf(this, CdkPrivateIotError.prototype);
  }
}

/**
 * Throws a `CdkPrivateIotError` whose message names the construct, the prop, the bad value and the fix:
 * `PrivateIotDataEndpoint 'Stack/Endpoint': mqttKeepAlive 300 s exceeds the 230 s cap of ...; use <= 230 s`.
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
