import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { DEFAULT_TLS_SECURITY_POLICY, registerCustomDomain, validateCustomDomain } from '../private/custom-domain-validation';

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
 * A custom domain for the AWS IoT Core data endpoint (the only service type a custom domain in front of `iot.data`
 * endpoints can serve, so there is no service type to choose).
 *
 * Which changes deploy in place: `tlsSecurityPolicy` and `authorizer` are updated in place. `domainName`,
 * `serverCertificate` and `validationCertificateArn` are create-only properties of `AWS::IoT::DomainConfiguration`
 * (CloudFormation resource schema, `createOnlyProperties`): CloudFormation replaces the configuration, creating the
 * new one before it deletes the old one. AWS IoT Core cannot change the certificate of an existing configuration
 * either ("Currently you can't update the server certificate in your domain configuration. To change the certificate
 * of a domain configuration, you must delete and recreate it.", AWS IoT Developer Guide, "Managing domain
 * configurations", https://docs.aws.amazon.com/iot/latest/developerguide/iot-custom-endpoints-managing.html).
 * See `domainName` and `serverCertificate` for what that means and the procedure to follow.
 */
export interface IotCustomDomainOptions {
  /**
   * The domain devices connect to, e.g. `mqtt.example.com`: the whole name, lower case, without a trailing dot.
   * Devices must send it as SNI. The address record is named after it as is (never completed with the zone's name).
   *
   * Changing it replaces the domain configuration (and the certificate this construct created, and the record) in one
   * deployment. CloudFormation creates the configuration for the new name before it deletes the old one; the two names
   * differ, so they do not collide. Devices still using the old name stop connecting when the deployment ends: move
   * them first (for a migration without an outage, keep the old domain and add an `IotCustomDomain` for the new name
   * next to it, then remove the old one once no device uses it).
   */
  readonly domainName: string;

  /**
   * The public hosted zone that holds `domainName` (validation of the certificate this construct creates, and the
   * address records of the front door). A zone imported by id only (`HostedZone.fromHostedZoneId`) works;
   * `domainName` is checked to lie in the zone only when the zone's name is known. Changing the zone of a certificate
   * this construct created replaces the certificate, which counts as a certificate change (see `serverCertificate`).
   */
  readonly hostedZone: route53.IHostedZone;

  /**
   * The server certificate AWS IoT Core presents for `domainName`: an ACM certificate in the stack's region whose
   * common name or a subject alternative name covers `domainName` (a wildcard works). After a domain configuration is
   * created, "it might take up to 60 minutes until AWS IoT serves your custom server certificates" (AWS IoT Developer
   * Guide, "Creating and configuring custom domains",
   * https://docs.aws.amazon.com/iot/latest/developerguide/iot-custom-endpoints-configurable-custom.html): until then
   * TLS handshakes on the custom domain fail.
   *
   * Renewing a certificate needs no deployment as long as its ARN stays the same: AWS IoT Core picks up a certificate
   * that ACM renews, or that you re-import into the same ARN (`ImportCertificate` with `CertificateArn`), provided it
   * keeps the signing algorithm and the common name or subject alternative name (Developer Guide, "Rotating certificates
   * in custom domains"). This is the safe way to rotate.
   *
   * A certificate with another ARN (including switching between the construct's certificate and your own) replaces the
   * domain configuration, and CloudFormation creates the replacement for the same `domainName` while the old one still
   * holds it. The Developer Guide says "Each FQDN requires its own domain configuration" and does not document two
   * configurations of one domain name; this construct assumes (unverified) that AWS IoT Core rejects the second one.
   * The deployment then fails and rolls back, and the old configuration keeps serving (no outage). A synthesis cannot
   * see the deployed certificate, so it cannot stop this earlier. To change the ARN, either
   * (1) migrate devices to a new domain name (see `domainName`), or
   * (2) deploy twice, accepting an outage of the custom domain: first without this custom domain (the configuration is
   * deleted), then with the new certificate; expect up to 60 minutes until AWS IoT Core serves it.
   *
   * @default - a new ACM certificate for `domainName`, validated by DNS in `hostedZone` (renewed by ACM in place)
   */
  readonly serverCertificate?: acm.ICertificate;

  /**
   * The ARN of a public ACM certificate for `domainName` that proves you own the domain. Needed only when
   * `serverCertificate` is signed by a private CA or self-signed: "This argument isn't required if you use a publicly
   * signed or ACM-generated server certificate" (AWS IoT Developer Guide, "Creating and configuring custom domains";
   * AWS IoT counts a CA as public if it is in Mozilla's trusted CA bundle). Request it in ACM for the same name (e.g.
   * `new acm.Certificate(..., { domainName, validation: CertificateValidation.fromDns(zone) })`). Changing it replaces
   * the domain configuration, like a new server certificate (see `serverCertificate`).
   * @default - none (the server certificate is ACM-issued or signed by a public CA)
   */
  readonly validationCertificateArn?: string;

  /**
   * The TLS security policy of the domain (an `IoTSecurityPolicy_...` name). Updated in place.
   * @default IotCustomDomain.DEFAULT_TLS_SECURITY_POLICY ('IoTSecurityPolicy_TLS13_1_2_2022_10', TLS 1.2 and 1.3)
   */
  readonly tlsSecurityPolicy?: string;

  /**
   * A custom authorizer for devices that do not use X.509 client certificates. Updated in place.
   * @default - none (X.509 client certificates)
   */
  readonly authorizer?: IotDomainAuthorizerOptions;
}

/**
 * The ACM certificate and `AWS::IoT::DomainConfiguration` of a custom domain for the AWS IoT Core data endpoint
 * (service type `DATA`, the only one). Records are the caller's: they point at whatever carries the traffic (a
 * `StaticIpIotFrontDoor` creates its own). The configuration's name is generated by CloudFormation, so two copies of a
 * stack never collide on it. See `IotCustomDomainOptions` for which changes replace the configuration.
 *
 * @example
 * import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
 * import { IotCustomDomain } from 'cdk-private-iot';
 *
 * declare const zone: route53.IHostedZone;
 * declare const frontDoor: StaticIpIotFrontDoor;
 * // A second name next to the front door's own custom domain, e.g. to move devices to a new certificate without an outage.
 * const domain = new IotCustomDomain(this, 'NewDomain', { domainName: 'mqtt2.example.com', hostedZone: zone });
 * new route53.ARecord(this, 'NewDomainRecord', {
 *   zone,
 *   recordName: `${domain.domainName}.`,
 *   target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(frontDoor.loadBalancer)),
 * });
 */
export class IotCustomDomain extends Construct {
  /**
   * The TLS security policy of a domain configuration whose options name none (`tlsSecurityPolicy`): TLS 1.2 and 1.3
   * with current ciphers.
   */
  public static readonly DEFAULT_TLS_SECURITY_POLICY: string = DEFAULT_TLS_SECURITY_POLICY;

  /** The server certificate (given, or created by this construct). */
  public readonly certificate: acm.ICertificate;
  /**
   * The domain configuration. An L1 construct: aws-cdk-lib has no L2 for `AWS::IoT::DomainConfiguration`.
   */
  public readonly domainConfiguration: iot.CfnDomainConfiguration;
  /** The domain devices connect to. */
  public readonly domainName: string;

  constructor(scope: Construct, id: string, options: IotCustomDomainOptions) {
    super(scope, id);
    try {
      validateCustomDomain(this, options);
    } catch (e) {
      // Bad input adds nothing: not even this (empty) construct.
      scope.node.tryRemoveChild(id);
      throw e;
    }
    this.domainName = options.domainName;
    registerCustomDomain(this, options.domainName);
    this.certificate = options.serverCertificate ?? new acm.Certificate(this, 'Certificate', {
      domainName: options.domainName,
      validation: acm.CertificateValidation.fromDns(options.hostedZone),
    });
    // No DomainConfigurationName: CloudFormation generates one, so two copies of a stack never collide, and a
    // replacement gets a new name (the domain name, not the configuration name, is what a replacement may collide on).
    this.domainConfiguration = new iot.CfnDomainConfiguration(this, 'Resource', {
      domainName: options.domainName,
      serviceType: 'DATA',
      serverCertificateArns: [this.certificate.certificateArn],
      validationCertificateArn: options.validationCertificateArn,
      domainConfigurationStatus: 'ENABLED',
      tlsConfig: { securityPolicy: options.tlsSecurityPolicy ?? IotCustomDomain.DEFAULT_TLS_SECURITY_POLICY },
      ...(options.authorizer ? {
        authorizerConfig: {
          defaultAuthorizerName: options.authorizer.authorizerName,
          allowAuthorizerOverride: options.authorizer.allowAuthorizerOverride ?? false,
        },
      } : {}),
    });
  }
}
