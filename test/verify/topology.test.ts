/**
 * The reference topology passes its own declared flows in every variant, its negative flows stay blocked, and each
 * defect found in review (issue 13) makes the verifier fail the flow it breaks, naming the resource.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { buildReferenceTopology, MAIN_JOB_OPTIONS, PLACEHOLDERS, ReferenceTopologyOptions } from '../../examples/reference-topology';
import { FlowSpec } from '../../src/verify/evaluate';
import { readAssembly } from '../../src/verify/model';
import { formatVerification } from '../../src/verify/report';
import { verifyAssemblyDirectory, verifyStacks } from '../../src/verify/verify';

const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.context.json'), 'utf-8'));

function synth(options: ReferenceTopologyOptions) {
  const topology = buildReferenceTopology({ context, ...options });
  return { topology, dir: topology.app.synth().directory };
}

const VARIANTS: Array<[string, ReferenceTopologyOptions]> = [
  ['1 consumer, 2 AZs', { consumers: 1, maxAzs: 2 }],
  ['3 consumers, 3 AZs, internet-facing front door, VPN', { consumers: 3, maxAzs: 3, frontDoor: { internetFacing: true, clientCidrs: ['203.0.113.0/24'] }, vpn: { customerGatewayIp: '198.51.100.10' } }],
  ['1 consumer, 3 AZs, internal front door', { consumers: 1, maxAzs: 3, frontDoor: {} }],
  ['internet-facing front door with a Global Accelerator', { frontDoor: { internetFacing: true, clientCidrs: ['203.0.113.0/24'], globalAccelerator: true } }],
  ['Direct Connect', { directConnect: { directConnectGatewayId: '5f294f92-bafb-4011-916d-9b0b12345678' } }],
];

describe.each(VARIANTS)('reference topology: %s', (_name, options) => {
  const { dir } = synth(options);
  const result = verifyAssemblyDirectory(dir);

  const attached = options.vpn !== undefined || options.directConnect !== undefined;

  test('every declared flow is as declared: reachable ones reach, blocked ones are blocked; on-premises flows skipped only without a link', () => {
    const wrong = result.verdicts.filter((v) => !v.ok || (v.skipped && (attached || !v.skipped.includes('on-premises is not attached'))))
      .map((v) => `${v.flow} :${v.port} ${v.reason ?? v.skipped ?? 'reachable'}`);
    expect(wrong).toEqual([]);
    const skipped = result.verdicts.filter((v) => v.skipped);
    expect(skipped.length > 0).toBe(!attached);
  });

  test('the flows cover devices, on-premises, Greengrass, consumers and the negative cases', () => {
    const names = new Set(result.verdicts.map((v) => v.flow));
    for (const expected of ['devices 10.20.0.0/16 -> data', 'on-premises 192.168.0.0/16 -> credentials', 'on-premises 192.168.0.0/16 -> s3',
      'devices 10.20.0.0/16 -> greengrass', 'consumer VPC 10.30.0.0/16 -> data', 'devices 10.20.0.0/16 -> data, other ports']) {
      expect(names).toContain(expected);
    }
    const blocked = result.verdicts.filter((v) => v.expect === 'blocked' && !v.skipped);
    expect(blocked.length).toBeGreaterThanOrEqual(3); // other ports (2 flows x ports), plus the undeclared range when on-premises is attached
    expect(blocked.every((v) => !v.reachable && v.blockedBy)).toBe(true);
    if (options.frontDoor?.internetFacing) {
      expect(names).toContain('internet 203.0.113.0/24 -> front door');
      expect(result.verdicts.find((v) => v.flow === 'internet 192.0.2.0/24 -> front door')?.blockedBy).toMatch(/^Iot\/FrontDoorSecurityGroup/);
    }
    if (options.frontDoor?.globalAccelerator) {
      expect(result.verdicts.filter((v) => v.flow === 'internet 203.0.113.0/24 -> accelerator').every((v) => v.reachable)).toBe(true);
    }
  });

  test('the cross-account values are linked by declaration, not guessed', () => {
    expect(result.notes.filter((n) => n.startsWith('linked'))).toEqual([]);
  });
});

describe('the verifier catches each defect found in review', () => {
  const { dir } = synth({ frontDoor: { internetFacing: true, clientCidrs: ['203.0.113.0/24'], globalAccelerator: true }, vpn: { customerGatewayIp: '198.51.100.10' } });
  const stacks = readAssembly(dir);
  const resources = (name: string) => stacks.find((s) => s.name === name)!.template.Resources as Record<string, any>;
  const rerun = (flow: string) => verifyStacks(stacks).verdicts.filter((v) => v.flow === flow);

  test('on-premises DNS gets no reply without the return routes in the device subnets', () => {
    const network = resources('Network');
    const saved = Object.entries(network).filter(([, r]) => r.Type === 'AWS::EC2::Route' && r.Properties.DestinationCidrBlock === '192.168.0.0/16');
    expect(saved.length).toBeGreaterThan(0);
    saved.forEach(([id]) => delete network[id]);
    const [v] = rerun('on-premises 192.168.0.0/16 -> data');
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toMatch(/^Network\/DeviceVpcdevicesSubnet1RouteTable/);
    expect(v.reason).toContain('Resolver inbound endpoint');
    saved.forEach(([id, r]) => { network[id] = r; });
  });

  test('Greengrass from the device VPC fails with only the S3 gateway endpoint', () => {
    const iot = resources('Iot');
    const [id] = Object.entries(iot).find(([, r]) => r.Type === 'AWS::Route53::HostedZone' && r.Properties.Name.startsWith('s3.'))!;
    const zoneResource = iot[id];
    delete iot[id];
    const [v] = rerun('devices 10.20.0.0/16 -> s3');
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toMatch(/^Iot\/GatekeeperVpcS3/);
    expect(v.reason).toContain('serves only its own VPC');
    iot[id] = zoneResource;
  });

  test('consumer traffic is dropped when the endpoint subnets\' ACL does not admit the consumer range', () => {
    const iot = resources('Iot');
    const saved = Object.entries(iot).filter(([, r]) => r.Type === 'AWS::EC2::NetworkAclEntry' && r.Properties.CidrBlock === '10.30.0.0/16');
    expect(saved.length).toBeGreaterThan(0);
    saved.forEach(([id]) => delete iot[id]);
    const [v] = rerun('consumer VPC 10.30.0.0/16 -> data');
    expect(v.reachable).toBe(false);
    expect(v.blockedBy).toMatch(/^Iot\/EndpointAcl/);
    saved.forEach(([id, r]) => { iot[id] = r; });
  });

  test('the accelerator without client address preservation blocks the allow-listed clients', () => {
    const iot = resources('Iot');
    const group = Object.values(iot).find((r) => r.Type === 'AWS::GlobalAccelerator::EndpointGroup')!;
    group.Properties.EndpointConfigurations[0].ClientIPPreservationEnabled = false;
    const verdicts = rerun('internet 203.0.113.0/24 -> accelerator');
    expect(verdicts.every((v) => !v.reachable && /^Iot\/FrontDoorAcceleratorListener/.test(v.blockedBy ?? ''))).toBe(true);
    group.Properties.EndpointConfigurations[0].ClientIPPreservationEnabled = true;
    expect(rerun('internet 203.0.113.0/24 -> accelerator').every((v) => v.reachable)).toBe(true);
  });
});

test('one account synthesized alone: flows from networks of other accounts are skipped, not failed', () => {
  const { topology } = synth({});
  const dir = topology.app.synth().directory;
  const iotOnly = readAssembly(dir).filter((s) => s.name === 'Iot');
  const result = verifyStacks(iotOnly);
  const devices = result.verdicts.filter((v) => v.flow.startsWith('devices '));
  expect(devices.length).toBeGreaterThan(0);
  expect(devices.filter((v) => v.expect === 'reachable').every((v) => v.skipped?.includes('no subnet of the assembly lies in 10.20.0.0/16'))).toBe(true);
  expect(result.verdicts.filter((v) => v.flow.startsWith('gatekeeper VPC')).every((v) => v.reachable && !v.skipped)).toBe(true);
});

test('a user flow: from the consumer VPC to the credentials host, which the endpoint service does not carry', () => {
  const { dir } = synth({});
  const flow: FlowSpec = { name: 'consumer -> credentials', source: { kind: 'vpc', vpc: readAssembly(dir).find((s) => s.name === 'Consumer1')!.name + '/' + vpcId(dir) }, host: PLACEHOLDERS.credentialsEndpointAddress, ports: [443] };
  const [v] = verifyAssemblyDirectory(dir, { flows: [flow], declared: false }).verdicts;
  expect(v.reachable).toBe(false);
  expect(v.reason).toContain('resolves to public addresses');
});

function vpcId(dir: string): string {
  const template = readAssembly(dir).find((s) => s.name === 'Consumer1')!.template;
  return Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'AWS::EC2::VPC')![0];
}

describe('random reference topologies', () => {
  const cidrArb = fc.record({
    gatekeeper: fc.integer({ min: 33, max: 127 }), // not the consumer VPCs' 10.30-10.32
    device: fc.integer({ min: 128, max: 255 }),
    onPremises: fc.constantFrom('192.168.0.0/16', '172.20.0.0/16', '192.168.10.0/24'),
  });
  const optionsArb = fc.record({
    consumers: fc.integer({ min: 1, max: 3 }),
    maxAzs: fc.integer({ min: 2, max: 3 }),
    frontDoor: fc.constantFrom<ReferenceTopologyOptions['frontDoor']>(undefined, {},
      { internetFacing: true, clientCidrs: ['203.0.113.0/24'] }, { internetFacing: true, clientCidrs: ['203.0.113.0/24'], globalAccelerator: true }),
    link: fc.constantFrom('none', 'vpn', 'direct-connect', 'both'),
    cidrs: cidrArb,
  });

  test('every declared flow is as declared; on-premises flows are skipped only when nothing attaches on-premises', () => {
    fc.assert(fc.property(optionsArb, (o) => {
      const options: ReferenceTopologyOptions = {
        consumers: o.consumers,
        maxAzs: o.maxAzs,
        frontDoor: o.frontDoor,
        vpn: o.link === 'vpn' || o.link === 'both' ? { customerGatewayIp: '198.51.100.10' } : undefined,
        directConnect: o.link === 'direct-connect' || o.link === 'both' ? { directConnectGatewayId: '5f294f92-bafb-4011-916d-9b0b12345678' } : undefined,
        gatekeeperCidr: `10.${o.cidrs.gatekeeper}.0.0/16`,
        deviceCidr: `10.${o.cidrs.device}.0.0/16`,
        onPremisesCidr: o.cidrs.onPremises,
      };
      const result = verifyAssemblyDirectory(synth(options).dir);
      const wrong = result.verdicts.filter((v) => !v.ok || (v.skipped && o.link !== 'none'));
      expect(wrong.map((v) => `${v.flow} :${v.port} ${v.reason ?? v.skipped ?? 'reachable'}`)).toEqual([]);
      expect(result.verdicts.filter((v) => v.expect === 'reachable' && !v.skipped).length).toBeGreaterThan(10);
      expect(result.verdicts.some((v) => v.expect === 'blocked' && !v.reachable && !v.skipped)).toBe(true);
    }), { numRuns: 8 });
  });
});

test('the README shows the verifier table of the reference topology', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
  const shown = /`npx cdk-private-iot verify cdk\.out\.reference`, this output from the committed code\):\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
  const { dir } = synth(MAIN_JOB_OPTIONS);
  expect(shown).toBe(`${formatVerification(verifyAssemblyDirectory(dir))}\n`);
});
