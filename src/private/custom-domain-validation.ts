import { Stack, Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { IConstruct } from 'constructs';
import { invalidProp } from './errors';
import type { IotCustomDomainOptions } from '../front-door/custom-domain';

/**
 * Default TLS policy of new domain configurations: TLS 1.2 and 1.3 with current ciphers. Public as
 * `IotCustomDomain.DEFAULT_TLS_SECURITY_POLICY`.
 */
export const DEFAULT_TLS_SECURITY_POLICY = 'IoTSecurityPolicy_TLS13_1_2_2022_10';

/** The domain name of every `IotCustomDomain` that passed its checks, keyed by the construct. */
const customDomains = new WeakMap<IConstruct, string>();

/** Records a constructed `IotCustomDomain` (after its checks), so later domains of the same name are rejected. */
export function registerCustomDomain(domain: IConstruct, domainName: string): void {
  customDomains.set(domain, domainName);
}

/** An ACM certificate ARN: `arn:<partition>:acm:<region>:<account>:certificate/<id>`. */
const ACM_CERTIFICATE_ARN = /^arn:aws(-[a-z]+)*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;

/** Props of the first versions, which JavaScript callers may still pass (TypeScript rejects them). */
const REMOVED_PROPS: Record<string, string> = {
  serverCertificates: 'was replaced by serverCertificate (AWS IoT takes exactly one certificate)',
  serviceType: 'was removed: a custom domain in front of iot.data endpoints serves only the DATA service type '
    + '(AWS IoT offers no custom domain for the credential provider, and Jobs is not reachable through iot.data endpoints)',
};

/**
 * Checks custom domain options before anything is created. `scope` names the construct in error messages and `prefix`
 * the path of the options in its props (`'customDomain.'` for a front door). Throws `CdkPrivateIotError`.
 *
 * Not part of the package's API (a JavaScript-only function that jsii would drop): `IotCustomDomain` and
 * `StaticIpIotFrontDoor` call it.
 */
export function validateCustomDomain(scope: IConstruct, options: IotCustomDomainOptions, prefix = ''): void {
  for (const [removed, why] of Object.entries(REMOVED_PROPS)) {
    if ((options as unknown as Record<string, unknown>)[removed] !== undefined) {
      invalidProp(scope, `${prefix}${removed}`, why, removed === 'serviceType' ? `drop ${prefix}serviceType`
        : `pass the one certificate as ${prefix}serverCertificate, or omit it for a new DNS-validated one`);
    }
  }
  const domain = options.domainName;
  if (!Token.isUnresolved(domain)) {
    if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain)) {
      invalidProp(scope, `${prefix}domainName`, `'${domain}' is not a fully qualified lower-case domain name`, 'use a name like mqtt.example.com');
    }
    if (/\.amazonaws\.com(\.cn)?$/.test(domain)) {
      invalidProp(scope, `${prefix}domainName`, `'${domain}' is an AWS name`, 'use a domain of your own; the ATS endpoint needs no domain configuration');
    }
    const zoneName = zoneNameOf(options.hostedZone);
    if (zoneName !== undefined && !Token.isUnresolved(zoneName)) {
      const zone = zoneName.replace(/\.$/, '');
      if (domain !== zone && !domain.endsWith(`.${zone}`)) {
        invalidProp(scope, `${prefix}domainName`, `'${domain}' is not in the hosted zone '${zone}'`,
          `use a name under ${zone}, or pass the hosted zone that holds the domain`);
      }
    }
    const other = sameDomainElsewhere(scope, domain);
    if (other) {
      invalidProp(scope, `${prefix}domainName`, `'${domain}' already has a domain configuration in the same account and region (${other.node.path}); `
        + '"Each FQDN requires its own domain configuration" (AWS IoT Developer Guide)',
      'give each custom domain its own name, or share one front door or IotCustomDomain');
    }
  }
  const serverArn = options.serverCertificate?.certificateArn;
  checkCertificateArn(scope, `${prefix}serverCertificate`, serverArn);
  const validationArn = options.validationCertificateArn;
  if (validationArn !== undefined) {
    if (options.serverCertificate === undefined) {
      invalidProp(scope, `${prefix}validationCertificateArn`, 'is given but the server certificate is a new public ACM certificate, which proves '
        + 'ownership of the domain itself', `drop ${prefix}validationCertificateArn, or pass your private-CA certificate as ${prefix}serverCertificate`);
    }
    checkCertificateArn(scope, `${prefix}validationCertificateArn`, validationArn);
    if (serverArn !== undefined && !Token.isUnresolved(validationArn) && validationArn === serverArn) {
      invalidProp(scope, `${prefix}validationCertificateArn`, 'is the server certificate itself',
        `drop it if the server certificate is public; for a private-CA server certificate, request a public ACM certificate for ${domain}`);
    }
  }
  const policy = options.tlsSecurityPolicy;
  if (policy !== undefined && !Token.isUnresolved(policy) && !/^IoTSecurityPolicy_TLS1[23]_[0-9_]+$/.test(policy)) {
    invalidProp(scope, `${prefix}tlsSecurityPolicy`, `'${policy}' is not an AWS IoT TLS security policy`,
      `use a name like ${DEFAULT_TLS_SECURITY_POLICY} (see "Security policies" in the AWS IoT Developer Guide)`);
  }
  const authorizer = options.authorizer;
  if (authorizer && !Token.isUnresolved(authorizer.authorizerName) && !/^[\w=,@-]{1,128}$/.test(authorizer.authorizerName)) {
    invalidProp(scope, `${prefix}authorizer.authorizerName`, `'${authorizer.authorizerName}' is not an AWS IoT authorizer name`,
      'use the name of an existing custom authorizer (1-128 letters, digits and _=,@-)');
  }
}


/** A literal certificate ARN must be an ACM certificate of the stack's region (AWS IoT reads it from ACM there). */
function checkCertificateArn(scope: IConstruct, prop: string, arn: string | undefined): void {
  if (arn === undefined || Token.isUnresolved(arn)) {
    return;
  }
  const match = ACM_CERTIFICATE_ARN.exec(arn);
  if (!match) {
    invalidProp(scope, prop, `'${arn}' is not an ACM certificate ARN`, 'use an ARN like arn:aws:acm:<region>:<account>:certificate/<id>');
  }
  const region = Stack.of(scope).region;
  if (!Token.isUnresolved(region) && match[2] !== region) {
    invalidProp(scope, prop, `'${arn}' is in ${match[2]}, but the domain configuration is in ${region}`,
      `use an ACM certificate of ${region} (import or request it there)`);
  }
}

/**
 * Another (registered) `IotCustomDomain` of the app with the same domain name in the same stack, or in a stack of the
 * same concrete account and region (stacks without a concrete environment may deploy anywhere, so they are not
 * compared). A domain being checked is not registered yet, so it never finds itself.
 */
function sameDomainElsewhere(scope: IConstruct, domain: string): IConstruct | undefined {
  const stack = Stack.of(scope);
  const concrete = (s: Stack) => !Token.isUnresolved(s.account) && !Token.isUnresolved(s.region);
  return scope.node.root.node.findAll().find((c) => {
    if (customDomains.get(c) !== domain) {
      return false;
    }
    const other = Stack.of(c);
    return other === stack || (concrete(stack) && concrete(other) && other.account === stack.account && other.region === stack.region);
  });
}

/** The zone name of a hosted zone, or undefined when the zone was imported by id only. */
function zoneNameOf(zone: route53.IHostedZone): string | undefined {
  try {
    return zone.zoneName;
  } catch {
    return undefined;
  }
}
