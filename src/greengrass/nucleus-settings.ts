/**
 * Internal: the nucleus settings behind `GreengrassCoreIotPolicy.nucleusConfiguration()` (not exported from the package).
 */
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { NucleusConfigurationOptions } from './nucleus-configuration';
import { invalidProp } from '../private/errors';

/** The `configuration` of the `aws.greengrass.Nucleus` component, in the order the AWS examples use. */
export interface NucleusSettings {
  readonly awsRegion: string;
  readonly iotRoleAlias: string;
  readonly iotDataEndpoint: string;
  readonly iotCredEndpoint: string;
  readonly greengrassDataPlaneEndpoint: 'iotdata';
  readonly greengrassDataPlanePort?: number;
  readonly mqtt?: { readonly port: number };
  readonly s3EndpointType?: 'REGIONAL';
}

/** A host name: labels of letters, digits and hyphens separated by dots (no scheme, port or path). */
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

/**
 * The nucleus settings of a core device in a VPC, checked: `greengrassDataPlaneEndpoint: iotdata` (required in a VPC:
 * the Greengrass data plane then goes through the `iot.data` endpoint), the data and credentials endpoints, the role
 * alias, the region and, in us-east-1, `s3EndpointType: REGIONAL` (AWS IoT Greengrass V2 Developer Guide, "Use
 * interface VPC endpoints", section "Operate an AWS IoT Greengrass core device in VPC",
 * https://docs.aws.amazon.com/greengrass/v2/developerguide/vpc-interface-endpoints.html).
 *
 * In an environment-agnostic stack the region is unknown at synthesis: `s3EndpointType: REGIONAL` is then always set,
 * since the nucleus ignores it outside us-east-1 ("Greengrass nucleus", `s3EndpointType`).
 */
export function nucleusSettings(scope: IConstruct, values: {
  readonly roleAliasName: string;
  readonly dataEndpointAddress: string;
  readonly credentialsEndpointAddress: string;
}, options: NucleusConfigurationOptions): NucleusSettings {
  if (options.iotDataEndpoint !== undefined && !Token.isUnresolved(options.iotDataEndpoint) && !HOST_NAME.test(options.iotDataEndpoint)) {
    invalidProp(scope, 'iotDataEndpoint', `'${options.iotDataEndpoint}' is not a host name`,
      'give the custom domain name alone, e.g. iot.example.com (no scheme, port or path)');
  }
  checkPort(scope, 'greengrassDataPlanePort', options.greengrassDataPlanePort, [443, 8443]);
  checkPort(scope, 'mqttPort', options.mqttPort, [443, 8883]);

  const region = Stack.of(scope).region;
  const inUsEast1 = Token.isUnresolved(region) || region === 'us-east-1';
  return {
    awsRegion: region,
    iotRoleAlias: values.roleAliasName,
    iotDataEndpoint: options.iotDataEndpoint ?? values.dataEndpointAddress,
    iotCredEndpoint: values.credentialsEndpointAddress,
    greengrassDataPlaneEndpoint: 'iotdata',
    ...(options.greengrassDataPlanePort !== undefined ? { greengrassDataPlanePort: options.greengrassDataPlanePort } : {}),
    ...(options.mqttPort !== undefined ? { mqtt: { port: options.mqttPort } } : {}),
    ...(inUsEast1 ? { s3EndpointType: 'REGIONAL' as const } : {}),
  };
}

function checkPort(scope: IConstruct, prop: string, port: number | undefined, allowed: number[]): void {
  if (port !== undefined && !allowed.includes(port)) {
    invalidProp(scope, prop, `${port} is not a port the Greengrass nucleus accepts here`, `use ${allowed.join(' or ')}, or omit it for the default`);
  }
}

/**
 * The settings as the YAML of an `--init-config` file (`services` / `aws.greengrass.Nucleus` / `configuration`).
 * Strings are double-quoted (JSON string syntax is valid YAML); tokens stay in place and resolve at deployment
 * (their values, host names, role alias names and regions, need no escaping).
 */
export function nucleusSettingsYaml(settings: NucleusSettings): string {
  const lines = ['---', 'services:', '  aws.greengrass.Nucleus:', '    configuration:'];
  const scalar = (value: string | number) => (typeof value === 'number' ? String(value) : quote(value));
  for (const [key, value] of Object.entries(settings)) {
    if (value !== null && typeof value === 'object') {
      lines.push(`      ${key}:`);
      for (const [innerKey, innerValue] of Object.entries(value as Record<string, string | number>)) {
        lines.push(`        ${innerKey}: ${scalar(innerValue)}`);
      }
    } else {
      lines.push(`      ${key}: ${scalar(value as string | number)}`);
    }
  }
  return lines.join('\n') + '\n';
}

function quote(value: string): string {
  return Token.isUnresolved(value) ? `"${value}"` : JSON.stringify(value);
}
