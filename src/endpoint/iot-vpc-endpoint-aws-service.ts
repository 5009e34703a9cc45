import { Aws, Fn, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { chinaAware } from '../private/partition';

/**
 * An AWS IoT service that can be reached through an interface VPC endpoint.
 *
 * An enum-like class: use the static members. `iot.fleethub.api` is deliberately absent (Fleet Hub was
 * discontinued on 2025-10-18), and so is the `iot.api` control plane, which needs none of our handling.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * new PrivateIotDataEndpoint(this, 'Iot', {
 *   vpc,
 *   supportedAvailabilityZones: ['us-east-1a', 'us-east-1c'],
 *   services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
 * });
 */
export class IotVpcEndpointAwsService {
  /**
   * AWS IoT Core data plane (`iot.data`): MQTT on 8883, MQTT or HTTPS on 443 (ALPN), HTTPS on 8443.
   * Private DNS and endpoint policies are not supported: name resolution comes from `IotPrivateHostedZone`.
   */
  public static readonly DATA = new IotVpcEndpointAwsService('iot.data', 'Data', false, false, 'iot:Data-ATS');

  /**
   * AWS IoT Core credential provider (`iot.credentials`): HTTPS on 443. Private DNS and endpoint policies are not
   * supported. Not offered in the China and AWS GovCloud (US) partitions.
   */
  public static readonly CREDENTIALS = new IotVpcEndpointAwsService('iot.credentials', 'Credentials', false, false, 'iot:CredentialProvider');

  /**
   * AWS IoT Greengrass V2 control plane (`greengrass`): private DNS on by default, endpoint policy supported.
   */
  public static readonly GREENGRASS = new IotVpcEndpointAwsService('greengrass', 'Greengrass', true, true);

  /**
   * @param shortName the service name without the `com.amazonaws.<region>.` prefix, e.g. `iot.data`
   * @param id the PascalCase name used in construct ids, e.g. `Data`
   * @param supportsPrivateDns whether AWS offers private DNS names for this endpoint service
   * @param supportsEndpointPolicy whether AWS accepts an endpoint policy for this endpoint service
   * @param describeEndpointType the `endpointType` for `iot:DescribeEndpoint`, when the service has an account-specific host
   */
  private constructor(
    public readonly shortName: string,
    public readonly id: string,
    public readonly supportsPrivateDns: boolean,
    public readonly supportsEndpointPolicy: boolean,
    public readonly describeEndpointType?: string,
  ) {}

  /**
   * The endpoint service name in the stack's region, e.g. `com.amazonaws.eu-west-1.iot.data` or, in the China
   * regions, `cn.com.amazonaws.cn-north-1.iot.data`. Works for environment-agnostic stacks (the prefix is then
   * chosen by a CloudFormation condition on the partition).
   */
  public serviceName(scope: IConstruct): string {
    const stack = Stack.of(scope);
    const region = stack.region;
    if (!Token.isUnresolved(region)) {
      return `${region.startsWith('cn-') ? 'cn.' : ''}com.amazonaws.${region}.${this.shortName}`;
    }
    return Fn.join('', [chinaAware(stack, 'cn.', ''), 'com.amazonaws.', Aws.REGION, '.', this.shortName]);
  }

  /** Whether AWS offers this service in the given region (unknown regions are assumed to offer it). */
  public isOfferedIn(region: string): boolean {
    if (Token.isUnresolved(region) || this !== IotVpcEndpointAwsService.CREDENTIALS) {
      return true;
    }
    return !region.startsWith('cn-') && !region.startsWith('us-gov-');
  }
}
