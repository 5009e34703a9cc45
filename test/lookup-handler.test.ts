/**
 * The stack-wide deployment-time lookup function (issue 17): its handler (src/private/lookup-handler.ts) run in process
 * against a local HTTP server that plays CloudFormation (it receives the response PUT), with the AWS SDK v3 clients
 * replaced by jest virtual modules (the handler `require`s @aws-sdk/client-ec2, -iot and -route53resolver, which the
 * Lambda runtime ships and this repository does not install); and what `IotLookups` synthesizes around it.
 */
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { concreteApp, templateOf, testStack, testVpc } from './fixtures';
import { loadedCdkModules } from './loaded-modules';
import { IotPrivateHostedZone, PrivateIotDataEndpoint } from '../src';
import {
  flatten, handler, LookupContext, LookupEvent, MAX_RESPONSE_BYTES, PUT_RETRY_DELAYS_MS, RESPONSE_MARGIN_MS,
} from '../src/private/lookup-handler';
import { LOOKUP_RESOURCE_TYPE, LOOKUP_RUNTIME, lookupHandlerSource } from '../src/private/lookups';

// --- the AWS SDK, faked: every client's send() lands in mockSend(service, command name, input, options) -----------
const mockSend = jest.fn();
function mockSdk(service: string, client: string, commands: string[]): Record<string, unknown> {
  const module: Record<string, unknown> = {
    [client]: class {
      public readonly config: unknown;
      constructor(config: unknown) {
        this.config = config;
      }
      send(command: { constructor: { name: string }; input: unknown }, options: unknown) {
        return mockSend(service, command.constructor.name, command.input, options);
      }
    },
  };
  for (const name of commands) {
    // a named class per command, as the SDK exports them
    module[name] = { [name]: class { constructor(public readonly input: unknown) {} } }[name];
  }
  return module;
}
jest.mock('@aws-sdk/client-ec2', () => mockSdk('EC2', 'EC2Client',
  ['DescribeNetworkInterfacesCommand', 'DescribeVpcEndpointsCommand', 'DescribeAddressesCommand']), { virtual: true });
jest.mock('@aws-sdk/client-iot', () => mockSdk('Iot', 'IoTClient', ['DescribeEndpointCommand']), { virtual: true });
jest.mock('@aws-sdk/client-route53resolver', () => mockSdk('Route53Resolver', 'Route53ResolverClient',
  ['ListResolverEndpointIpAddressesCommand']), { virtual: true });

// --- CloudFormation, played by a local HTTP server -----------------------------------------------------------------
interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly raw: string;
  readonly body: any;
}

/** How the server answers the n-th PUT: an HTTP status, or 'drop' (destroys the connection: a network error). */
type Answer = number | 'drop';

class CloudFormation {
  public readonly received: Received[] = [];
  private readonly server: http.Server;
  private answers: Answer[] = [];

  constructor() {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => { raw += chunk; });
      req.on('end', () => {
        const answer = this.answers.shift() ?? 200;
        this.received.push({ method: req.method!, url: req.url!, headers: req.headers, raw, body: raw ? JSON.parse(raw) : undefined });
        if (answer === 'drop') {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer);
        res.end();
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The presigned-looking URL the handler must PUT to. */
  get responseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/cfn-response/abc?X-Amz-Signature=0123`;
  }

  /** The next PUTs answer these, then 200. */
  answer(...answers: Answer[]): void {
    this.answers = answers;
  }

  /** The one response received. */
  get response(): any {
    expect(this.received).toHaveLength(1);
    return this.received[0].body;
  }
}

const cfn = new CloudFormation();
beforeAll(() => cfn.start());
afterAll(() => cfn.stop());
beforeEach(() => {
  cfn.received.length = 0;
  cfn.answer();
  mockSend.mockReset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const LOG_STREAM = '2025/01/01/[$LATEST]0123456789abcdef';
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Test/0a1b2c3d-0000-1111-2222-333344445555';

function context(remainingMs = 120_000): LookupContext {
  return { logStreamName: LOG_STREAM, getRemainingTimeInMillis: () => remainingMs };
}

function event(requestType: LookupEvent['RequestType'], call: unknown, physicalResourceId?: string): LookupEvent {
  return {
    RequestType: requestType,
    ResponseURL: cfn.responseUrl,
    StackId: STACK_ID,
    RequestId: 'req-0001',
    LogicalResourceId: 'EndpointDataEndpoint1AddressesLookup35D1F501',
    ResourceType: LOOKUP_RESOURCE_TYPE,
    ...(physicalResourceId !== undefined ? { PhysicalResourceId: physicalResourceId } : {}),
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:Lookups', Call: JSON.stringify(call) },
  };
}

const ENI_CALL = {
  service: 'EC2',
  action: 'describeNetworkInterfaces',
  parameters: { NetworkInterfaceIds: ['eni-0aaa', 'eni-0bbb'] },
  physicalResourceId: { id: 'vpce-0123456789abcdef0' },
  outputPaths: ['NetworkInterfaces.0.PrivateIpAddress', 'NetworkInterfaces.1.PrivateIpAddress'],
};

const ENI_RESPONSE = {
  $metadata: { httpStatusCode: 200, requestId: 'ec2-req' },
  NetworkInterfaces: [
    { NetworkInterfaceId: 'eni-0aaa', PrivateIpAddress: '10.0.1.10', Groups: [{ GroupId: 'sg-1' }], RequesterManaged: true },
    { NetworkInterfaceId: 'eni-0bbb', PrivateIpAddress: '10.0.2.20', Groups: [{ GroupId: 'sg-1' }], RequesterManaged: true },
  ],
};

const ENDPOINT_CALL = {
  service: 'Iot',
  action: 'describeEndpoint',
  parameters: { endpointType: 'iot:Data-ATS' },
  physicalResourceId: { responsePath: 'endpointAddress' },
  outputPaths: ['endpointAddress'],
};

describe('the lookup handler answers CloudFormation', () => {
  test('Create: runs the call once, returns only the output paths, the fixed physical id, and copies the request ids', async () => {
    mockSend.mockResolvedValueOnce(ENI_RESPONSE);
    await handler(event('Create', ENI_CALL), context());

    expect(mockSend).toHaveBeenCalledTimes(1);
    const [service, command, input, options] = mockSend.mock.calls[0];
    expect([service, command, input]).toEqual(['EC2', 'DescribeNetworkInterfacesCommand', { NetworkInterfaceIds: ['eni-0aaa', 'eni-0bbb'] }]);
    expect(options.abortSignal).toBeInstanceOf(AbortSignal);
    expect(cfn.response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'vpce-0123456789abcdef0',
      StackId: STACK_ID,
      RequestId: 'req-0001',
      LogicalResourceId: 'EndpointDataEndpoint1AddressesLookup35D1F501',
      Data: { 'NetworkInterfaces.0.PrivateIpAddress': '10.0.1.10', 'NetworkInterfaces.1.PrivateIpAddress': '10.0.2.20' },
    });
  });

  test('the response is one PUT to the ResponseURL\'s path and query, with an empty Content-Type and the body\'s Content-Length', async () => {
    mockSend.mockResolvedValueOnce(ENI_RESPONSE);
    await handler(event('Create', ENI_CALL), context());

    const [put] = cfn.received;
    expect(cfn.received).toHaveLength(1);
    expect(put.method).toBe('PUT');
    expect(put.url).toBe('/cfn-response/abc?X-Amz-Signature=0123');
    expect(put.headers['content-type']).toBe('');
    expect(put.headers['content-length']).toBe(String(Buffer.byteLength(put.raw)));
    expect(put.headers['transfer-encoding']).toBeUndefined();
  });

  test('Update: the physical id from the response path (a new one tells CloudFormation to delete the old lookup)', async () => {
    mockSend.mockResolvedValueOnce({ $metadata: {}, endpointAddress: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com' });
    await handler(event('Update', ENDPOINT_CALL, 'old-ats.iot.eu-west-1.amazonaws.com'), context());

    expect(mockSend.mock.calls[0].slice(0, 3)).toEqual(['Iot', 'DescribeEndpointCommand', { endpointType: 'iot:Data-ATS' }]);
    expect(cfn.response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com',
      Data: { endpointAddress: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com' },
    });
  });

  test('Route 53 Resolver lookups go to its client (numbers in the call stay numbers)', async () => {
    mockSend.mockResolvedValueOnce({ IpAddresses: [{ Ip: '10.0.0.53' }, { Ip: '10.0.1.53' }] });
    const call = {
      service: 'Route53Resolver',
      action: 'listResolverEndpointIpAddresses',
      parameters: { ResolverEndpointId: 'rslvr-in-0123456789abcdef0', MaxResults: 100 },
      physicalResourceId: { id: 'rslvr-in-0123456789abcdef0' },
      outputPaths: ['IpAddresses.0.Ip', 'IpAddresses.1.Ip'],
    };
    await handler(event('Create', call), context());

    expect(mockSend.mock.calls[0].slice(0, 3)).toEqual(['Route53Resolver', 'ListResolverEndpointIpAddressesCommand',
      { ResolverEndpointId: 'rslvr-in-0123456789abcdef0', MaxResults: 100 }]);
    expect(cfn.response.Data).toEqual({ 'IpAddresses.0.Ip': '10.0.0.53', 'IpAddresses.1.Ip': '10.0.1.53' });
  });

  test('Delete: no AWS call, SUCCESS with the event\'s physical id and no data', async () => {
    await handler(event('Delete', ENI_CALL, 'vpce-0123456789abcdef0'), context());

    expect(mockSend).not.toHaveBeenCalled();
    expect(cfn.response).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'vpce-0123456789abcdef0',
      StackId: STACK_ID,
      RequestId: 'req-0001',
      LogicalResourceId: 'EndpointDataEndpoint1AddressesLookup35D1F501',
    });
  });

  test('Delete answers SUCCESS even when the call is one the handler would refuse (nothing runs on Delete)', async () => {
    await handler(event('Delete', { ...ENI_CALL, action: 'deleteNetworkInterface' }, 'vpce-0123456789abcdef0'), context());
    expect(cfn.response.Status).toBe('SUCCESS');
  });
});

describe('failures reach CloudFormation with the reason', () => {
  test('a missing output path: FAILED, naming the path and the log stream; a failed Create still has a physical id', async () => {
    mockSend.mockResolvedValueOnce(ENI_RESPONSE);
    const call = { ...ENI_CALL, outputPaths: [...ENI_CALL.outputPaths, 'NetworkInterfaces.2.PrivateIpAddress'] };
    await handler(event('Create', call), context());

    const response = cfn.response;
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('The response of EC2 describeNetworkInterfaces has no NetworkInterfaces.2.PrivateIpAddress');
    expect(response.Reason).toContain(`See the details in CloudWatch Log Stream: ${LOG_STREAM}`);
    expect(response.PhysicalResourceId).toBe(LOG_STREAM);
    expect(response.Data).toBeUndefined();
  });

  test('a failed Update keeps the event\'s physical id', async () => {
    mockSend.mockResolvedValueOnce({ NetworkInterfaces: [] });
    await handler(event('Update', ENI_CALL, 'vpce-0123456789abcdef0'), context());
    expect(cfn.response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'vpce-0123456789abcdef0' });
    expect(cfn.response.Reason).toContain('has no NetworkInterfaces.0.PrivateIpAddress (it has no values)');
  });

  test('a response path for the physical id that is missing fails the Create', async () => {
    mockSend.mockResolvedValueOnce({ $metadata: {} });
    await handler(event('Create', { ...ENDPOINT_CALL, outputPaths: [] }), context());
    expect(cfn.response.Status).toBe('FAILED');
    expect(cfn.response.Reason).toContain('has no endpointAddress for the physical id');
  });

  test('an SDK error: FAILED with its message and the log stream', async () => {
    mockSend.mockRejectedValueOnce(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }));
    await handler(event('Create', ENI_CALL), context());
    expect(cfn.response.Status).toBe('FAILED');
    expect(cfn.response.Reason).toBe(`You are not authorized to perform this operation. See the details in CloudWatch Log Stream: ${LOG_STREAM}`);
  });

  test('a call that hangs: FAILED when the time left falls to the margin, long before the Lambda timeout; the call is aborted', async () => {
    let aborted = false;
    mockSend.mockImplementationOnce((_s, _c, _i, options: { abortSignal: AbortSignal }) => new Promise((_, reject) => {
      options.abortSignal.addEventListener('abort', () => {
        aborted = true;
        reject(new Error('Request aborted'));
      });
    }));
    const started = Date.now();
    // 300 ms before the handler's margin: it must give up then, and keep the margin to report
    await handler(event('Create', ENI_CALL), context(RESPONSE_MARGIN_MS + 300));
    const elapsed = Date.now() - started;

    expect(aborted).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(RESPONSE_MARGIN_MS);
    expect(cfn.response.Status).toBe('FAILED');
    expect(cfn.response.Reason).toContain('EC2 describeNetworkInterfaces did not answer within 300 ms');
  });

  test(`Data over ${MAX_RESPONSE_BYTES} bytes: FAILED naming the size, and the FAILED response itself fits`, async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `eni-0${String(i).padStart(16, '0')}`);
    mockSend.mockResolvedValueOnce({ VpcEndpoints: [{ VpcEndpointId: 'vpce-1', NetworkInterfaceIds: ids }] });
    const call = {
      service: 'EC2',
      action: 'describeVpcEndpoints',
      parameters: { VpcEndpointIds: ['vpce-1'] },
      physicalResourceId: { id: 'vpce-1' },
      outputPaths: ids.map((_, i) => `VpcEndpoints.0.NetworkInterfaceIds.${i}`),
    };
    await handler(event('Create', call), context());

    const dataBytes = Buffer.byteLength(JSON.stringify(Object.fromEntries(ids.map((id, i) => [`VpcEndpoints.0.NetworkInterfaceIds.${i}`, id]))));
    expect(dataBytes).toBeGreaterThan(MAX_RESPONSE_BYTES);
    expect(cfn.response.Status).toBe('FAILED');
    expect(cfn.response.Reason).toMatch(new RegExp(`^The response would be \\d+ bytes \\(Data ${dataBytes} bytes\\), over the 4096 bytes CloudFormation accepts`));
    expect(Buffer.byteLength(cfn.received[0].raw)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });

  test('a Data that fits (40 network interface ids) is answered SUCCESS', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `eni-0${String(i).padStart(16, '0')}`);
    mockSend.mockResolvedValueOnce({ VpcEndpoints: [{ NetworkInterfaceIds: ids }] });
    const call = { ...ENI_CALL, action: 'describeVpcEndpoints', outputPaths: ids.map((_, i) => `VpcEndpoints.0.NetworkInterfaceIds.${i}`) };
    await handler(event('Create', call), context());
    expect(cfn.response.Status).toBe('SUCCESS');
    expect(Object.keys(cfn.response.Data)).toHaveLength(40);
    expect(Buffer.byteLength(cfn.received[0].raw)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });

  test('a very long error message is cut so that the FAILED response stays within the limit', async () => {
    mockSend.mockRejectedValueOnce(new Error(`Throttling: ${'x'.repeat(10_000)}`));
    await handler(event('Create', ENI_CALL), context());
    expect(cfn.response.Status).toBe('FAILED');
    expect(cfn.response.Reason).toMatch(/^Throttling: x+\.\.\. See the details in CloudWatch Log Stream: /);
    expect(Buffer.byteLength(cfn.received[0].raw)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });

  test.each([
    ['a changing action', { ...ENI_CALL, action: 'deleteNetworkInterface' }, 'EC2 deleteNetworkInterface is not a read-only action'],
    ['another service', { ...ENI_CALL, service: 'S3', action: 'listBuckets' }, 'Unsupported service S3 (supported: EC2, Iot, Route53Resolver)'],
    ['an action the client does not have', { ...ENI_CALL, action: 'describeNothing' }, 'EC2 has no action describeNothing'],
  ])('%s is refused before any AWS call', async (_name, call, reason) => {
    await handler(event('Create', call), context());
    expect(mockSend).not.toHaveBeenCalled();
    expect(cfn.response.Status).toBe('FAILED');
    expect(cfn.response.Reason).toContain(reason);
  });

  test('a resource without a Call property fails with that reason', async () => {
    const e = { ...event('Create', ENI_CALL), ResourceProperties: { ServiceToken: 'x' } };
    await handler(e, context());
    expect(cfn.response.Reason).toContain('The resource has no Call property');
  });
});

describe('the response PUT is retried on network errors and 5xx, not on 4xx', () => {
  test('a dropped connection, then success: two PUTs of the same body', async () => {
    cfn.answer('drop');
    mockSend.mockResolvedValueOnce(ENI_RESPONSE);
    await handler(event('Create', ENI_CALL), context());
    expect(cfn.received).toHaveLength(2);
    expect(cfn.received[1].raw).toBe(cfn.received[0].raw);
    expect(cfn.received[1].body.Status).toBe('SUCCESS');
  });

  test('503, then success', async () => {
    cfn.answer(503);
    await handler(event('Delete', ENI_CALL, 'vpce-1'), context());
    expect(cfn.received.map((r) => r.method)).toEqual(['PUT', 'PUT']);
  });

  test(`gives up after ${PUT_RETRY_DELAYS_MS.length + 1} attempts, and the invocation fails`, async () => {
    cfn.answer(...Array(PUT_RETRY_DELAYS_MS.length + 1).fill(500));
    await expect(handler(event('Delete', ENI_CALL, 'vpce-1'), context())).rejects.toThrow('The ResponseURL answered HTTP 500');
    expect(cfn.received).toHaveLength(PUT_RETRY_DELAYS_MS.length + 1);
  });

  test('403 (an expired URL) is not retried', async () => {
    cfn.answer(403);
    await expect(handler(event('Delete', ENI_CALL, 'vpce-1'), context())).rejects.toThrow('HTTP 403');
    expect(cfn.received).toHaveLength(1);
  });

  test('plain http only to a loopback address', async () => {
    const e = { ...event('Delete', ENI_CALL, 'vpce-1'), ResponseURL: 'http://cloudformation-custom-resource-response.example.com/x' };
    await expect(handler(e, context())).rejects.toThrow('Refusing to send the response to http: cloudformation-custom-resource-response.example.com');
  });
});

test('flatten: nested objects and lists as dotted paths, dates as ISO strings, no $metadata', () => {
  expect(flatten({
    $metadata: { requestId: 'x' },
    A: [{ B: 'b0', N: 5, T: true }, { B: 'b1', Empty: null }],
    When: new Date('2025-01-02T03:04:05Z'),
    Nested: { Deep: { Deeper: 'd' } },
  })).toEqual({ 'A.0.B': 'b0', 'A.0.N': '5', 'A.0.T': 'true', 'A.1.B': 'b1', 'When': '2025-01-02T03:04:05.000Z', 'Nested.Deep.Deeper': 'd' });
});

test('the inlined bundle (assets/private/lookup-handler/index.js) is this handler: a Create through it answers the same', async () => {
  const bundle = path.join(__dirname, '..', 'assets', 'private', 'lookup-handler', 'index.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundled = require(bundle) as { handler: typeof handler };
  mockSend.mockResolvedValueOnce(ENI_RESPONSE);
  await bundled.handler(event('Create', ENI_CALL), context());
  expect(cfn.response).toMatchObject({ Status: 'SUCCESS', Data: { 'NetworkInterfaces.1.PrivateIpAddress': '10.0.2.20' } });
});

// --- what IotLookups synthesizes ------------------------------------------------------------------------------------
describe('one lookup function per stack, inline, with an explicit runtime', () => {
  function oneEndpointStack() {
    const app = concreteApp();
    const stack = testStack(app, 'Lookups');
    const endpoint = new PrivateIotDataEndpoint(stack, 'Endpoint', { vpc: testVpc(stack) });
    new IotPrivateHostedZone(stack, 'Zone', { endpoint });
    return { app, stack };
  }

  test('the function: explicit runtime, the bundle inline as Code.ZipFile, 2 minutes, the one-year log group, after its role and policy', () => {
    const { stack } = oneEndpointStack();
    const template = templateOf(stack);
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(1);
    const [[id, fn]] = functions;
    expect(id).toMatch(/^CdkPrivateIotLookupsFunction/);
    expect(LOOKUP_RUNTIME).toBe('nodejs24.x');
    expect(fn.Properties).toMatchObject({ Runtime: LOOKUP_RUNTIME, Handler: 'index.handler', Timeout: 120 });
    expect(fn.Properties.Code).toEqual({ ZipFile: lookupHandlerSource() });
    expect(lookupHandlerSource()).toBe(fs.readFileSync(path.join(__dirname, '..', 'assets', 'private', 'lookup-handler', 'index.js'), 'utf-8').trim());
    const [logGroupId] = Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 } }))
      .filter((k) => k.startsWith('CdkPrivateIotLookupsLogGroup'));
    expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    const [roleId] = Object.keys(template.findResources('AWS::IAM::Role')).filter((k) => k.startsWith('CdkPrivateIotLookupsFunctionRole'));
    expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    const [policyId] = Object.keys(template.findResources('AWS::IAM::Policy'));
    expect(fn.DependsOn).toEqual(expect.arrayContaining([roleId, policyId]));
  });

  test('every lookup is a Custom::CdkPrivateIotLookup of that function with its call as JSON; no Custom::AWS, no AwsCustomResource function', () => {
    const { stack } = oneEndpointStack();
    const template = templateOf(stack);
    const [fnId] = Object.keys(template.findResources('AWS::Lambda::Function'));
    const lookups = template.findResources(LOOKUP_RESOURCE_TYPE);
    // the data endpoint hostname, the addresses of the data endpoint's network interfaces
    expect(Object.keys(lookups).sort()).toEqual([
      expect.stringMatching(/^CdkPrivateIotLookupsDataATSEndpointLookup/),
      expect.stringMatching(/^EndpointDataEndpoint1AddressesLookup/),
    ]);
    for (const lookup of Object.values(lookups)) {
      expect(lookup.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
      expect(Object.keys(lookup.Properties).sort()).toEqual(['Call', 'ServiceToken']);
    }
    template.resourceCountIs('Custom::AWS', 0);
  });

  test('no asset is staged for the lookups: the assembly\'s asset manifest lists the template only', () => {
    const { app, stack } = oneEndpointStack();
    const assembly = app.synth({ force: true });
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf-8'));
    expect(Object.values(manifest.files).map((f: any) => f.source.path)).toEqual([artifact.templateFile]);
    expect(fs.readdirSync(assembly.directory).filter((f) => f.startsWith('asset.'))).toEqual([]);
  });
});

describe('what a synthesis loads', () => {
  /** The aws-cdk-lib modules a fresh process loads to synthesize a stack with an endpoint, its zone and `body`. */
  function loadedModules(body: string): string[] {
    return loadedCdkModules([
      'const app = new App({ outdir });',
      'const stack = new Stack(app, \'One\', { env: { account: \'111111111111\', region: \'eu-west-1\' } });',
      'const vpc = new ec2.Vpc(stack, \'Vpc\', { natGateways: 0, availabilityZones: [\'eu-west-1a\', \'eu-west-1c\'],',
      '  subnetConfiguration: [{ name: \'I\', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });',
      'const endpoint = new lib.PrivateIotDataEndpoint(stack, \'Endpoint\', { vpc });',
      'const zone = new lib.IotPrivateHostedZone(stack, \'Zone\', { endpoint });',
      body,
      'app.synth();',
    ]);
  }

  test('a stack with lookups only loads neither AwsCustomResource nor the region-info facts; one with a change loads them', () => {
    const lookupsOnly = loadedModules('');
    const implementation = (m: string) => /^(custom-resources|region-info)\/lib\//.test(m);
    expect(lookupsOnly.filter(implementation)).toEqual([]);
    // the function itself is the L1 CfnFunction (so cdk-nag's Lambda rules see it), not aws-cdk-lib's Function
    expect(lookupsOnly).toContain('aws-lambda/lib/lambda.generated.js');
    expect(lookupsOnly.filter((m) => /^aws-lambda\/lib\/(singleton-lambda|runtime)\.js$/.test(m))).toEqual([]);

    // the control: a cross-account zone association is an AwsCustomResource, which loads both
    const withChange = loadedModules('new lib.IotZoneVpcAuthorization(stack, \'Share\', { zones: [zone.dataZone], vpcId: \'vpc-0123456789abcdef0\', vpcAccount: \'222222222222\' });');
    expect(withChange).toEqual(expect.arrayContaining([expect.stringMatching(/^custom-resources\/lib\/aws-custom-resource/), expect.stringMatching(/^region-info\/lib\//)]));
  }, 120_000);
});
