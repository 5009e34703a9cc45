import { Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct, IConstruct } from 'constructs';
import { invalidProp } from '../private/errors';

/**
 * The AWS IoT service a custom domain serves.
 */
export enum IotDomainServiceType {
  /** The AWS IoT Core data plane (MQTT, HTTPS): the only type a front door over `iot.data` endpoints can carry. */
  DATA = 'DATA',
  /** The credential provider: AWS IoT does not offer custom domains for it (an error here). */
  CREDENTIAL_PROVIDER = 'CREDENTIAL_PROVIDER',
  /** AWS IoT Jobs: not reachable through `iot.data` endpoints (an error here). */
  JOBS = 'JOBS',
}

/**
 * A custom authorizer for the custom domain.
 */
export interface IotDomainAuthorizerOptions {
  /** The name of an existing AWS IoT custom authorizer. */
  readonly authorizerName: string;

  /**
   * Whether devices may name another authorizer when they connect.
   * @default false
   */
  readonly allowAuthorizerOverride?: boolean;
}

/**
 * A custom domain for AWS IoT Core in front of the static addresses.
 */
export interface IotCustomDomainOptions {
  /**
   * The domain devices connect to, e.g. `mqtt.example.com`: the whole name, without a trailing dot. The address
   * record is named after it as is (never completed with the zone's name).
   */
  readonly domainName: string;

  /**
   * The public hosted zone that holds `domainName` (certificate validation and the address records). A zone imported
   * by id only (`HostedZone.fromHostedZoneId`) works; `domainName` is checked to lie in the zone only when the zone's
   * name is known.
   */
  readonly hostedZone: route53.IHostedZone;

  /**
   * The server certificate for `domainName` (AWS IoT accepts exactly one).
   * @default - a new ACM certificate validated by DNS in `hostedZone`
   */
  readonly serverCertificates?: acm.ICertificate[];

  /**
   * The AWS IoT service the domain serves.
   * @default IotDomainServiceType.DATA
   */
  readonly serviceType?: IotDomainServiceType;

  /**
   * The TLS security policy of the domain (an `IoTSecurityPolicy_...` name).
   * @default 'IoTSecurityPolicy_TLS13_1_2_2022_10' (TLS 1.2 and 1.3)
   */
  readonly tlsSecurityPolicy?: string;

  /**
   * A custom authorizer for devices that do not use X.509 client certificates.
   * @default - none (X.509 client certificates)
   */
  readonly authorizer?: IotDomainAuthorizerOptions;
}

/** Default TLS policy of new domain configurations: TLS 1.2 and 1.3 with current ciphers. */
export const DEFAULT_TLS_SECURITY_POLICY = 'IoTSecurityPolicy_TLS13_1_2_2022_10';

/**
 * Checks custom domain options before anything is created. `scope` names the construct in error messages.
 */
export function validateCustomDomain(scope: IConstruct, options: IotCustomDomainOptions): void {
  const serviceType = options.serviceType ?? IotDomainServiceType.DATA;
  if (serviceType !== IotDomainServiceType.DATA) {
    invalidProp(scope, 'customDomain.serviceType', `${serviceType} cannot be served through a front door over iot.data endpoints`
      + (serviceType === IotDomainServiceType.CREDENTIAL_PROVIDER ? ' (AWS IoT offers no custom domains for the credential provider)' : ''),
    'use IotDomainServiceType.DATA, and reach the credential provider through its own endpoint and private hosted zone');
  }
  const certificates = options.serverCertificates;
  if (certificates !== undefined && certificates.length !== 1) {
    invalidProp(scope, 'customDomain.serverCertificates', `has ${certificates.length} certificates, but AWS IoT domain configurations take exactly one`,
      'pass one certificate that covers the domain, or omit serverCertificates for a new DNS-validated one');
  }
  const domain = options.domainName;
  if (!Token.isUnresolved(domain)) {
    if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain)) {
      invalidProp(scope, 'customDomain.domainName', `'${domain}' is not a fully qualified lower-case domain name`, 'use a name like mqtt.example.com');
    }
    if (/\.amazonaws\.com(\.cn)?$/.test(domain)) {
      invalidProp(scope, 'customDomain.domainName', `'${domain}' is an AWS name`, 'use a domain of your own; the ATS endpoint needs no domain configuration');
    }
    const zoneName = zoneNameOf(options.hostedZone);
    if (zoneName !== undefined && !Token.isUnresolved(zoneName)) {
      const zone = zoneName.replace(/\.$/, '');
      if (domain !== zone && !domain.endsWith(`.${zone}`)) {
        invalidProp(scope, 'customDomain.domainName', `'${domain}' is not in the hosted zone '${zone}'`,
          `use a name under ${zone}, or pass the hosted zone that holds the domain`);
      }
    }
  }
  const policy = options.tlsSecurityPolicy;
  if (policy !== undefined && !Token.isUnresolved(policy) && !/^IoTSecurityPolicy_TLS1[23]_[0-9_]+$/.test(policy)) {
    invalidProp(scope, 'customDomain.tlsSecurityPolicy', `'${policy}' is not an AWS IoT TLS security policy`,
      `use a name like ${DEFAULT_TLS_SECURITY_POLICY} (see "Security policies" in the AWS IoT Developer Guide)`);
  }
  const authorizer = options.authorizer;
  if (authorizer && !Token.isUnresolved(authorizer.authorizerName) && !/^[\w=,@-]{1,128}$/.test(authorizer.authorizerName)) {
    invalidProp(scope, 'customDomain.authorizer.authorizerName', `'${authorizer.authorizerName}' is not an AWS IoT authorizer name`,
      'use the name of an existing custom authorizer (1-128 letters, digits and _=,@-)');
  }
}

/**
 * The certificate and `AWS::IoT::DomainConfiguration` of a custom domain. Records are the caller's (they point at
 * whatever carries the traffic).
 */
export class IotCustomDomain extends Construct {
  public readonly certificate: acm.ICertificate;
  public readonly domainConfiguration: iot.CfnDomainConfiguration;
  public readonly domainName: string;

  constructor(scope: Construct, id: string, options: IotCustomDomainOptions) {
    super(scope, id);
    this.domainName = options.domainName;
    this.certificate = options.serverCertificates?.[0] ?? new acm.Certificate(this, 'Certificate', {
      domainName: options.domainName,
      validation: acm.CertificateValidation.fromDns(options.hostedZone),
    });
    // No DomainConfigurationName: CloudFormation generates one, so two copies of a stack never collide.
    this.domainConfiguration = new iot.CfnDomainConfiguration(this, 'Resource', {
      domainName: options.domainName,
      serviceType: options.serviceType ?? IotDomainServiceType.DATA,
      serverCertificateArns: [this.certificate.certificateArn],
      domainConfigurationStatus: 'ENABLED',
      tlsConfig: { securityPolicy: options.tlsSecurityPolicy ?? DEFAULT_TLS_SECURITY_POLICY },
      ...(options.authorizer ? {
        authorizerConfig: {
          defaultAuthorizerName: options.authorizer.authorizerName,
          allowAuthorizerOverride: options.authorizer.allowAuthorizerOverride ?? false,
        },
      } : {}),
    });
  }
}

/** The zone name of a hosted zone, or undefined when the zone was imported by id only. */
function zoneNameOf(zone: route53.IHostedZone): string | undefined {
  try {
    return zone.zoneName;
  } catch {
    return undefined;
  }
}
