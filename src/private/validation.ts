import { IConstruct } from 'constructs';
import { invalidProp } from './errors';
import { IOT_ENDPOINT_PORTS } from './limits';

/**
 * The AWS IoT Core ports a construct should open or listen on: the given ones (validated, deduplicated, sorted) or
 * all three. Throws for an empty list or a port AWS IoT Core does not listen on.
 */
export function validateIotPorts(scope: IConstruct, ports: number[] | undefined): number[] {
  if (ports === undefined) {
    return [...IOT_ENDPOINT_PORTS];
  }
  if (ports.length === 0) {
    invalidProp(scope, 'ports', 'is empty', `choose from ${IOT_ENDPOINT_PORTS.join(', ')}, or omit ports for all three`);
  }
  const bad = ports.filter((p) => !IOT_ENDPOINT_PORTS.includes(p));
  if (bad.length > 0) {
    invalidProp(scope, 'ports', `contains ${bad.join(', ')}, which AWS IoT Core does not listen on`,
      `use only ${IOT_ENDPOINT_PORTS.join(', ')} (443 MQTT/HTTPS with ALPN, 8443 HTTPS, 8883 MQTT)`);
  }
  return [...new Set(ports)].sort((a, b) => a - b);
}

/**
 * An adjustable AWS quota the user may have had raised: the given value (a positive whole number) or the default.
 */
export function validateQuota(scope: IConstruct, prop: string, value: number | undefined, defaultValue: number): number {
  const quota = value ?? defaultValue;
  if (!Number.isInteger(quota) || quota < 1) {
    invalidProp(scope, prop, `${quota} is not a positive whole number`, `give your account's quota, or omit ${prop} for the default ${defaultValue}`);
  }
  return quota;
}

/** A PrivateLink endpoint service name, e.g. `com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0`. */
export const ENDPOINT_SERVICE_NAME = /^(cn\.)?com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[0-9a-f]{17}$/;

/** The account's ATS data endpoint, e.g. `a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com`. */
export const ATS_DATA_HOST = /^[a-z0-9]+-ats\.iot\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** The account's credential provider endpoint, e.g. `c1b2c3d4e5f6g7.credentials.iot.eu-west-1.amazonaws.com`. */
export const CREDENTIALS_HOST = /^[a-z0-9]+\.credentials\.iot\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
