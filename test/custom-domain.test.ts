import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { concreteApp, templateOf, testStack, thrown } from './fixtures';
import { IotCustomDomain, IotCustomDomainOptions } from '../src';
import * as frontDoorModule from '../src/front-door';

const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const CERT_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/12345678-1234-1234-1234-123456789012';
const VALIDATION_CERT_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/87654321-4321-4321-4321-210987654321';
/** `createOnlyProperties` of the `AWS::IoT::DomainConfiguration` resource schema (cfn-lint 1.51 copy, us-east-1). */
const CREATE_ONLY = ['DomainConfigurationName', 'DomainName', 'ServiceType', 'ValidationCertificateArn', 'ServerCertificateArns'];

/** The public zone of `zoneName` in `stack` (one construct per stack and name, however often it is asked for). */
function zone(stack: Stack, zoneName = 'example.com'): route53.IHostedZone {
  const id = `Zone-${zoneName}`;
  return (stack.node.tryFindChild(id) as route53.IHostedZone | undefined)
    ?? route53.PublicHostedZone.fromHostedZoneAttributes(stack, id, { hostedZoneId: ZONE_ID, zoneName });
}

function certificate(stack: Stack, arn = CERT_ARN, id = 'Cert'): acm.ICertificate {
  return acm.Certificate.fromCertificateArn(stack, id, arn);
}

function domainConfiguration(template: Template): [string, any] {
  const found = Object.entries(template.findResources('AWS::IoT::DomainConfiguration'));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('API', () => {
  test('the front-door module exports only classes (jsii drops exported constants and functions)', () => {
    const exported = Object.entries(frontDoorModule as Record<string, unknown>).filter(([name]) => name !== '__esModule');
    expect(exported.map(([name]) => name).sort()).toEqual(['IotCustomDomain', 'StaticIpIotFrontDoor']);
    for (const [, value] of exported) {
      expect(Function.prototype.toString.call(value)).toMatch(/^class\b/);
    }
  });
});

describe('IotCustomDomain used directly', () => {
  test('defaults: a DNS-validated ACM certificate and a DATA domain configuration with a generated name, no record', () => {
    const stack = testStack();
    const domain = new IotCustomDomain(stack, 'Domain', { domainName: 'mqtt.example.com', hostedZone: zone(stack) });
    const template = templateOf(stack);
    const certs = Object.entries(template.findResources('AWS::CertificateManager::Certificate'));
    expect(certs).toHaveLength(1);
    expect(certs[0][1].Properties).toMatchObject({
      DomainName: 'mqtt.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'mqtt.example.com', HostedZoneId: ZONE_ID }],
    });
    const [, config] = domainConfiguration(template);
    expect(config.Properties).toEqual({
      DomainName: 'mqtt.example.com',
      ServiceType: 'DATA',
      ServerCertificateArns: [{ Ref: certs[0][0] }],
      DomainConfigurationStatus: 'ENABLED',
      TlsConfig: { SecurityPolicy: 'IoTSecurityPolicy_TLS13_1_2_2022_10' },
    });
    expect(IotCustomDomain.DEFAULT_TLS_SECURITY_POLICY).toBe('IoTSecurityPolicy_TLS13_1_2_2022_10');
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(domain.domainName).toBe('mqtt.example.com');
    expect(domain.domainConfiguration.serviceType).toBe('DATA');
  });

  test('serverCertificate: no new certificate, its ARN on the configuration', () => {
    const stack = testStack();
    const cert = certificate(stack);
    const domain = new IotCustomDomain(stack, 'Domain', { domainName: 'mqtt.example.com', hostedZone: zone(stack), serverCertificate: cert });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    const [, config] = domainConfiguration(template);
    expect(config.Properties.ServerCertificateArns).toEqual([CERT_ARN]);
    expect(config.Properties.ValidationCertificateArn).toBeUndefined();
    expect(domain.certificate).toBe(cert);
  });

  test('validationCertificateArn (private-CA server certificate) is written to the configuration', () => {
    const stack = testStack();
    new IotCustomDomain(stack, 'Domain', {
      domainName: 'mqtt.example.com', hostedZone: zone(stack), serverCertificate: certificate(stack), validationCertificateArn: VALIDATION_CERT_ARN,
    });
    const [, config] = domainConfiguration(templateOf(stack));
    expect(config.Properties).toMatchObject({ ServerCertificateArns: [CERT_ARN], ValidationCertificateArn: VALIDATION_CERT_ARN, ServiceType: 'DATA' });
  });

  test('validationCertificateArn may be a token (a certificate created in the same stack)', () => {
    const stack = testStack();
    const validation = new acm.Certificate(stack, 'Validation', { domainName: 'mqtt.example.com', validation: acm.CertificateValidation.fromDns(zone(stack)) });
    new IotCustomDomain(stack, 'Domain', {
      domainName: 'mqtt.example.com', hostedZone: zone(stack), serverCertificate: certificate(stack), validationCertificateArn: validation.certificateArn,
    });
    const template = templateOf(stack);
    const [validationId] = Object.keys(template.findResources('AWS::CertificateManager::Certificate'));
    expect(domainConfiguration(template)[1].Properties.ValidationCertificateArn).toEqual({ Ref: validationId });
  });

  test('serviceType is not a prop (TypeScript rejects it; only DATA is ever synthesized)', () => {
    const stack = testStack();
    const options: IotCustomDomainOptions = {
      domainName: 'mqtt.example.com',
      hostedZone: zone(stack),
      // @ts-expect-error serviceType was removed: a custom domain in front of iot.data endpoints serves DATA only
      serviceType: 'JOBS',
    };
    expect(() => new IotCustomDomain(stack, 'Domain', options)).toThrow(/serviceType was removed/);
  });
});

describe('IotCustomDomain validates its own options: the error names the prop and the fix, and nothing is added', () => {
  type Case = [string, RegExp, string, (stack: Stack) => IotCustomDomainOptions];
  const base = (stack: Stack) => ({ domainName: 'mqtt.example.com', hostedZone: zone(stack) });
  const cases: Case[] = [
    ['serviceType JOBS (from JavaScript)', /serviceType was removed: .*only the DATA service type.*Jobs is not reachable.*; drop serviceType/, 'serviceType',
      (stack) => ({ ...base(stack), serviceType: 'JOBS' } as any)],
    ['serviceType CREDENTIAL_PROVIDER (from JavaScript)', /serviceType was removed: .*no custom domain for the credential provider/, 'serviceType',
      (stack) => ({ ...base(stack), serviceType: 'CREDENTIAL_PROVIDER' } as any)],
    ['serverCertificates array (from JavaScript)', /serverCertificates was replaced by serverCertificate.*pass the one certificate as serverCertificate/, 'serverCertificates',
      (stack) => ({ ...base(stack), serverCertificates: [certificate(stack)] } as any)],
    ['upper-case domain', /domainName 'MQTT\.Example\.com' is not a fully qualified lower-case domain name; use a name like mqtt\.example\.com/, 'domainName',
      (stack) => ({ ...base(stack), domainName: 'MQTT.Example.com' })],
    ['trailing dot', /domainName 'mqtt\.example\.com\.' is not a fully qualified lower-case domain name/, 'domainName',
      (stack) => ({ ...base(stack), domainName: 'mqtt.example.com.' })],
    ['an AWS name', /domainName 'x\.iot\.eu-west-1\.amazonaws\.com' is an AWS name; use a domain of your own/, 'domainName',
      (stack) => ({ domainName: 'x.iot.eu-west-1.amazonaws.com', hostedZone: zone(stack, 'eu-west-1.amazonaws.com') })],
    ['domain outside the zone', /domainName 'mqtt\.example\.org' is not in the hosted zone 'example\.com'; use a name under example\.com/, 'domainName',
      (stack) => ({ ...base(stack), domainName: 'mqtt.example.org' })],
    ['TLS policy not-a-policy', /tlsSecurityPolicy 'not-a-policy' is not an AWS IoT TLS security policy; use a name like IoTSecurityPolicy_TLS13_1_2_2022_10/, 'tlsSecurityPolicy',
      (stack) => ({ ...base(stack), tlsSecurityPolicy: 'not-a-policy' })],
    ['bad authorizer name', /authorizer\.authorizerName 'my authorizer!' is not an AWS IoT authorizer name/, 'authorizer.authorizerName',
      (stack) => ({ ...base(stack), authorizer: { authorizerName: 'my authorizer!' } })],
    ['validationCertificateArn without serverCertificate', /validationCertificateArn is given but the server certificate is a new public ACM certificate.*; drop validationCertificateArn/,
      'validationCertificateArn', (stack) => ({ ...base(stack), validationCertificateArn: VALIDATION_CERT_ARN })],
    ['validationCertificateArn = the server certificate', /validationCertificateArn is the server certificate itself; drop it if the server certificate is public/,
      'validationCertificateArn', (stack) => ({ ...base(stack), serverCertificate: certificate(stack), validationCertificateArn: CERT_ARN })],
    ['validationCertificateArn not an ACM ARN', /validationCertificateArn 'eipalloc-0123' is not an ACM certificate ARN; use an ARN like/,
      'validationCertificateArn', (stack) => ({ ...base(stack), serverCertificate: certificate(stack), validationCertificateArn: 'eipalloc-0123' })],
    ['validationCertificateArn of another region', /validationCertificateArn '[^']+' is in us-east-1, but the domain configuration is in eu-west-1/,
      'validationCertificateArn',
      (stack) => ({ ...base(stack), serverCertificate: certificate(stack), validationCertificateArn: VALIDATION_CERT_ARN.replace('eu-west-1', 'us-east-1') })],
    ['serverCertificate of another region', /serverCertificate '[^']+' is in us-east-1, but the domain configuration is in eu-west-1; use an ACM certificate of eu-west-1/,
      'serverCertificate', (stack) => ({ ...base(stack), serverCertificate: certificate(stack, CERT_ARN.replace('eu-west-1', 'us-east-1')) })],
  ];

  test.each(cases.map(([name, message, prop, options]) => ({ name, message, prop, options })))('$name', ({ message, prop, options }) => {
    const stack = testStack();
    const given = options(stack);
    const error = thrown(() => new IotCustomDomain(stack, 'Domain', given));
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^CdkPrivateIotError: IotCustomDomain 'TestStack\/Domain': /);
    expect(error.prop).toBe(prop);
    expect(stack.node.tryFindChild('Domain')).toBeUndefined();
    const template = templateOf(stack);
    template.resourceCountIs('AWS::IoT::DomainConfiguration', 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
  });
});

describe('replacement safety', () => {
  test('the configuration name is generated (no DomainConfigurationName), so a replacement never collides on the name', () => {
    const stack = testStack();
    new IotCustomDomain(stack, 'Domain', { domainName: 'mqtt.example.com', hostedZone: zone(stack) });
    expect(domainConfiguration(templateOf(stack))[1].Properties.DomainConfigurationName).toBeUndefined();
  });

  test('tlsSecurityPolicy and authorizer (documented as updated in place) change no create-only property and keep the logical id', () => {
    const synth = (extra: Partial<IotCustomDomainOptions>) => {
      const stack = testStack();
      new IotCustomDomain(stack, 'Domain', { domainName: 'mqtt.example.com', hostedZone: zone(stack), serverCertificate: certificate(stack), ...extra });
      return domainConfiguration(templateOf(stack));
    };
    const [idBefore, before] = synth({});
    const [idAfter, after] = synth({ tlsSecurityPolicy: 'IoTSecurityPolicy_TLS13_1_3_2022_10', authorizer: { authorizerName: 'Fleet' } });
    expect(idAfter).toBe(idBefore);
    for (const property of CREATE_ONLY) {
      expect(after.Properties[property]).toEqual(before.Properties[property]);
    }
    expect(after.Properties.TlsConfig).not.toEqual(before.Properties.TlsConfig);
  });

  test('a second custom domain with the same name in the same stack is a synth error (one configuration per domain name)', () => {
    const stack = testStack();
    const first = new IotCustomDomain(stack, 'First', { domainName: 'mqtt.example.com', hostedZone: zone(stack) });
    const error = thrown(() => new IotCustomDomain(stack, 'Second', { domainName: 'mqtt.example.com', hostedZone: zone(stack) }));
    expect(error.message).toMatch(/^CdkPrivateIotError: IotCustomDomain 'TestStack\/Second': domainName 'mqtt\.example\.com' already has a domain configuration in the same account and region \(TestStack\/First\).*give each custom domain its own name/);
    expect(stack.node.tryFindChild('Second')).toBeUndefined();
    expect(first.node.children.length).toBeGreaterThan(0);
    new IotCustomDomain(stack, 'Other', { domainName: 'mqtt2.example.com', hostedZone: zone(stack) });
  });

  test('the same name in another stack of the same account and region is an error; another region or an env-agnostic stack is not', () => {
    const app = concreteApp([{}, { region: 'eu-central-1' }]);
    const a = testStack(app, 'A');
    new IotCustomDomain(a, 'Domain', { domainName: 'mqtt.example.com', hostedZone: zone(a) });
    const b = testStack(app, 'B');
    expect(() => new IotCustomDomain(b, 'Domain', { domainName: 'mqtt.example.com', hostedZone: zone(b) })).toThrow(/already has a domain configuration .*\(A\/Domain\)/);
    const c = testStack(app, 'C', { env: { region: 'eu-central-1' } });
    new IotCustomDomain(c, 'Domain', { domainName: 'mqtt.example.com', hostedZone: zone(c) });

    const agnosticApp = new App();
    for (const id of ['X', 'Y']) {
      const stack = new Stack(agnosticApp, id);
      new IotCustomDomain(stack, 'Domain', { domainName: 'mqtt.example.com', hostedZone: zone(stack) });
    }
    expect(() => templateOf(agnosticApp.node.findChild('Y') as Stack)).not.toThrow();
  });
});
