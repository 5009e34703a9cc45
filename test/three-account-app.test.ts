/**
 * The blog's multi-account topology as one CDK App with three concrete environments: the IoT ("provider") account
 * shares its endpoints through PrivateLink and its zones through a Route 53 Profile; a consumer account connects an
 * interface endpoint; the network account associates the profile with its device VPC. Values cross accounts as plain
 * strings a user copies from the provider's outputs: no stack may reference another.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { concreteApp, lambdaCount, testVpc } from './fixtures';
import {
  CrossAccountIotEndpointService, IotVpcEndpointAwsService, IotEndpointServiceConsumer, IotEndpointServiceConsumerProps, IotPrivateHostedZone,
  IotZoneProfile, IotZoneProfileAssociation, PrivateIotDataEndpoint,
} from '../src';

const PROVIDER_ACCOUNT = '111111111111';
const CONSUMER_ACCOUNT = '222222222222';
const NETWORK_ACCOUNT = '333333333333';
const REGION = 'eu-west-1';
/** What a user copies from the provider stack's outputs into the consumer's and network's code. */
const SERVICE_NAME = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';
const DATA_ENDPOINT_ADDRESS = 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com';
const PROFILE_ID = 'rp-0123456789abcdef';

interface ThreeAccountApp {
  readonly app: App;
  readonly provider: Stack;
  readonly consumer: Stack;
  readonly network: Stack;
  readonly endpoint: PrivateIotDataEndpoint;
  readonly service: CrossAccountIotEndpointService;
}

/**
 * An App whose context answers every lookup of the three accounts, including the consumer account's zone lookup of the
 * provider's endpoint service (offered there in eu-west-1a and 1c).
 */
function threeAccountContextApp(): App {
  const serviceLookup = `${cxschema.ContextProvider.ENDPOINT_SERVICE_AVAILABILITY_ZONE_PROVIDER}:account=${CONSUMER_ACCOUNT}:region=${REGION}`
    + `:serviceName=${SERVICE_NAME}`;
  return concreteApp([{ account: PROVIDER_ACCOUNT }, { account: CONSUMER_ACCOUNT }, { account: NETWORK_ACCOUNT }], {
    context: { [serviceLookup]: [`${REGION}a`, `${REGION}c`] },
  });
}

/**
 * Provider and network stacks; the consumer stack is empty unless `wireConsumer` adds to it (default: the plain
 * strings a user would copy).
 */
function threeAccountApp(
  wireConsumer: (t: Omit<ThreeAccountApp, 'app'>, consumerVpc: ec2.Vpc) => void = (_t, vpc) => plainConsumer(_t.consumer, vpc),
): ThreeAccountApp {
  const app = threeAccountContextApp();
  const env = (account: string) => ({ env: { account, region: REGION } });

  const provider = new Stack(app, 'IotProvider', env(PROVIDER_ACCOUNT));
  const gatekeeperVpc = testVpc(provider, 'GatekeeperVpc');
  const endpoint = new PrivateIotDataEndpoint(provider, 'IotEndpoint', {
    vpc: gatekeeperVpc,
    services: [{ service: IotVpcEndpointAwsService.CREDENTIALS }],
    dataEndpointAddress: DATA_ENDPOINT_ADDRESS,
  });
  const zone = new IotPrivateHostedZone(provider, 'IotZone', { endpoint });
  const service = new CrossAccountIotEndpointService(provider, 'IotService', { endpoint, allowedAccounts: [CONSUMER_ACCOUNT] });
  new IotZoneProfile(provider, 'IotZones', { zones: [zone.dataZone, zone.credentialsZone!], shareWithAccounts: [NETWORK_ACCOUNT] });

  const consumer = new Stack(app, 'LegacyConsumer', env(CONSUMER_ACCOUNT));
  const network = new Stack(app, 'DeviceNetwork', env(NETWORK_ACCOUNT));
  new IotZoneProfileAssociation(network, 'IotZones', { profileId: PROFILE_ID, vpc: testVpc(network, 'DeviceVpc') });

  wireConsumer({ provider, consumer, network, endpoint, service }, testVpc(consumer, 'AppVpc'));
  return { app, provider, consumer, network, endpoint, service };
}

function plainConsumer(stack: Stack, vpc: ec2.Vpc, props: Partial<IotEndpointServiceConsumerProps> = {}): IotEndpointServiceConsumer {
  return new IotEndpointServiceConsumer(stack, 'ProviderIot', {
    vpc, serviceName: SERVICE_NAME, dataEndpointAddress: DATA_ENDPOINT_ADDRESS, ...props,
  });
}

function templates(t: ThreeAccountApp): Record<string, any> {
  const assembly = t.app.synth();
  return Object.fromEntries([t.provider, t.consumer, t.network].map((s) => [s.stackName, assembly.getStackByName(s.stackName).template]));
}

describe('three accounts, one App', () => {
  test('synthesizes with every lookup answered (no missing context)', () => {
    const t = threeAccountApp();
    const assembly = t.app.synth();
    expect(assembly.manifest.missing ?? []).toEqual([]);
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['DeviceNetwork', 'IotProvider', 'LegacyConsumer']);
    expect(assembly.stacks.map((s) => `${s.stackName}@${s.environment.account}`).sort())
      .toEqual(['DeviceNetwork@333333333333', 'IotProvider@111111111111', 'LegacyConsumer@222222222222']);
  });

  test('no template imports, exports or reads another stack\'s outputs', () => {
    const t = threeAccountApp();
    for (const [name, template] of Object.entries(templates(t))) {
      const text = JSON.stringify(template);
      expect({ name, importValue: text.includes('Fn::ImportValue') }).toEqual({ name, importValue: false });
      expect({ name, getStackOutput: text.includes('Fn::GetStackOutput') }).toEqual({ name, getStackOutput: false });
      const exported = Object.entries(template.Outputs ?? {}).filter(([, o]) => (o as any).Export !== undefined).map(([id]) => id);
      expect({ name, exported }).toEqual({ name, exported: [] });
    }
    // aws-cdk-lib publishes referenced values under a `Publish` construct of the producer: there must be none.
    expect(t.provider.node.tryFindChild('Publish')).toBeUndefined();
  });

  test('no stack depends on another', () => {
    const t = threeAccountApp();
    t.app.synth();
    for (const stack of [t.provider, t.consumer, t.network]) {
      expect({ stack: stack.stackName, dependencies: stack.dependencies.map((d) => d.stackName) })
        .toEqual({ stack: stack.stackName, dependencies: [] });
    }
    const assembly = t.app.synth();
    for (const artifact of assembly.stacks) {
      const stackDeps = artifact.dependencies.filter((d) => d instanceof cxapi.CloudFormationStackArtifact);
      expect({ stack: artifact.stackName, stackDeps: stackDeps.map((d) => d.id) }).toEqual({ stack: artifact.stackName, stackDeps: [] });
    }
  });

  test('the consumer\'s zone is named after the provider\'s data endpoint, and its endpoint connects to the provider\'s service', () => {
    const t = threeAccountApp();
    const consumer = Template.fromJSON(templates(t).LegacyConsumer);
    const zones = Object.values(consumer.findResources('AWS::Route53::HostedZone'));
    expect(zones).toHaveLength(1);
    expect(zones[0].Properties.Name).toBe(`${t.endpoint.dataEndpointAddress()}.`);
    expect(zones[0].Properties.Name).toBe(`${DATA_ENDPOINT_ADDRESS}.`);
    const endpoints = Object.values(consumer.findResources('AWS::EC2::VPCEndpoint'));
    expect(endpoints.map((e) => e.Properties.ServiceName)).toEqual([SERVICE_NAME]);

    // The provider's own zone has the same name: both sides agree on the hostname devices use.
    const provider = Template.fromJSON(templates(t).IotProvider);
    expect(Object.values(provider.findResources('AWS::Route53::HostedZone')).map((z) => z.Properties.Name)).toContain(`${DATA_ENDPOINT_ADDRESS}.`);
  });

  test('the network account associates the shared profile (plain id) with its device VPC', () => {
    const t = threeAccountApp();
    const network = Template.fromJSON(templates(t).DeviceNetwork);
    const vpcId = Object.keys(network.findResources('AWS::EC2::VPC'))[0];
    network.hasResourceProperties('AWS::Route53Profiles::ProfileAssociation', { ProfileId: PROFILE_ID, ResourceId: { Ref: vpcId } });
    const provider = Template.fromJSON(templates(t).IotProvider);
    provider.hasResourceProperties('AWS::RAM::ResourceShare', { Principals: [NETWORK_ACCOUNT] });
    provider.hasResourceProperties('AWS::EC2::VPCEndpointServicePermissions', {
      AllowedPrincipals: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${CONSUMER_ACCOUNT}:root`]] }],
    });
  });

  test('each stack has at most one Lambda function', () => {
    const t = threeAccountApp();
    const counts = Object.fromEntries(Object.entries(templates(t)).map(([name, template]) => [name, lambdaCount(Template.fromJSON(template))]));
    expect(Object.keys(counts).sort()).toEqual(['DeviceNetwork', 'IotProvider', 'LegacyConsumer']);
    expect(Object.entries(counts).filter(([, n]) => n > 1)).toEqual([]);
  });

  describe('wiring the consumer with the provider construct\'s token instead of a string', () => {
    test.each([
      ['looked-up zones', undefined],
      ['given zones', [`${REGION}a`, `${REGION}c`]],
    ])('%s: no error; aws-cdk-lib makes a weak cross-account reference (Fn::GetStackOutput) with a role in the provider', (_, zones) => {
      let consumerEndpoint: PrivateIotDataEndpoint | undefined;
      const t = threeAccountApp((w, vpc) => {
        consumerEndpoint = plainConsumer(w.consumer, vpc, { serviceName: w.service.serviceName, supportedAvailabilityZones: zones }).endpoint;
      });
      const all = templates(t);
      const endpoint = Object.values(Template.fromJSON(all.LegacyConsumer).findResources('AWS::EC2::VPCEndpoint'))[0];
      const [prefix, reference] = endpoint.Properties.ServiceName['Fn::Join'][1];
      expect(prefix).toBe('com.amazonaws.vpce.eu-west-1.');
      expect(reference['Fn::GetStackOutput']).toMatchObject({ StackName: 'IotProvider', Region: REGION });
      expect(JSON.stringify(reference['Fn::GetStackOutput'].RoleArn)).toContain(`:iam::${PROVIDER_ACCOUNT}:role/`);
      expect(JSON.stringify(all.LegacyConsumer)).not.toContain('Fn::ImportValue');
      // The provider stack gains a published output and an IAM role (with a physical name) the consumer's deployment role assumes.
      expect(t.provider.node.tryFindChild('Publish')).toBeDefined();
      const roles = Object.values(Template.fromJSON(all.IotProvider).findResources('AWS::IAM::Role'));
      expect(roles.filter((r) => typeof r.Properties.RoleName === 'string')).toHaveLength(1);
      Annotations.fromStack(t.consumer).hasWarning('/LegacyConsumer', Match.stringLikeRegexp('cross-account references can only be weak'));
      // No deployment order is recorded between the two accounts' stacks.
      expect(t.consumer.dependencies).toEqual([]);
      if (zones === undefined) {
        // The token service name cannot be looked up: every zone of the VPC is used, unverified, with a warning.
        expect(consumerEndpoint!.availabilityZones).toEqual([`${REGION}a`, `${REGION}b`, `${REGION}c`]);
        Annotations.fromStack(t.consumer).hasWarning('/LegacyConsumer/ProviderIot/Endpoint',
          Match.stringLikeRegexp('cdk-private-iot:unverifiedAvailabilityZones'));
      } else {
        expect(consumerEndpoint!.availabilityZones).toEqual(zones);
      }
    });
  });
});

