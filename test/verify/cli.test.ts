/**
 * `cdk-private-iot verify`: reads a cloud assembly directory, checks the declared flows and the --flow ones, prints a
 * table (or JSON) and exits 0 / 1 / 2.
 */
import { ATS_HOST, baseWorld, ON_PREMISES_CIDR, stack, writeAssembly } from './world';
import { main } from '../../src/probe/cli';
import { FLOWS_METADATA_KEY } from '../../src/verify/model';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['verify', ...args], (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

const declared = {
  [FLOWS_METADATA_KEY]: [
    { name: 'devices -> data', source: { kind: 'vpc', vpc: { Ref: 'Dev' }, subnets: [] }, host: ATS_HOST, ports: [8883, 443], expect: 'reachable' },
    { name: 'devices -> ssh', source: { kind: 'vpc', vpc: 'World/Dev' }, host: ATS_HOST, ports: [22], expect: 'blocked' },
  ],
};

describe('cdk-private-iot verify', () => {
  test('prints a table of the declared flows and exits 0 when all are as declared', async () => {
    const dir = writeAssembly([stack(baseWorld(), 'World', '111111111111', declared)]);
    const { code, out, err } = await run([dir]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^verdict\s+flow\s+ports\s+blocked at$/),
      expect.stringMatching(/^PASS\s+devices -> data\s+8883,443$/),
      expect.stringMatching(/^BLOCKED\s+devices -> ssh\s+22\s+World\/EndpointAcl$/),
    ]);
    expect(out).toContain('2 of 2 flows as declared (3 flow-port checks)');
  });

  test('exits 1 and explains a blocked flow: the resource, why, and the fix', async () => {
    const world = baseWorld();
    delete world.GkSubnet1Route1;
    const dir = writeAssembly([stack(world, 'World', '111111111111', declared)]);
    const { code, out } = await run([dir]);
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL\s+devices -> data\s+8883,443\s+World\/GkSubnet1Rt$/m);
    expect(out).toContain('  blocked by: World/GkSubnet1Rt');
    expect(out).toMatch(/ {2}why: TCP 8883 to World\/Data: replies from World\/GkSubnet1 to 10\.20\.0\.0\/24 have no route back/);
    expect(out).toContain('  fix: route 10.20.0.0/24 through the Transit Gateway');
  });

  test('--flow adds a flow; --only-flows drops the declared ones; --verbose prints every check with its rule', async () => {
    const dir = writeAssembly([stack(baseWorld(), 'World', '111111111111', declared)]);
    const { code, out } = await run([dir, '--only-flows', '--verbose', '--flow', `on-premises:${ON_PREMISES_CIDR},${ATS_HOST},8883`]);
    expect(code).toBe(0);
    // the flow is named after its source and host (shortened in the table)
    expect(out).toMatch(/^PASS\s+on-premises 192\.168\.0\.0\/16 -> a1b2c3d4e5f6g7-ats\.iot\.eu-w\.\.\.\s+8883$/m);
    expect(out).toContain(`on-premises ${ON_PREMISES_CIDR} -> ${ATS_HOST} :8883`);
    expect(out).not.toContain('devices -> data');
    expect(out).toContain('ok   dns: on-premises DNS reaches the Resolver inbound endpoint World/Resolver on UDP and TCP 53');
    expect(out).toContain('[resolver-inbound]');
  });

  test('--json prints one document with the flows, verdicts and their checks', async () => {
    const dir = writeAssembly([stack(baseWorld(), 'World', '111111111111', declared)]);
    const { code, out } = await run([dir, '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc).toMatchObject({ schemaVersion: 1, kind: 'verify', ok: true, stacks: ['World'] });
    expect(doc.flows.map((f: any) => f.source.vpc)).toEqual(['World/Dev', 'World/Dev']);
    expect(doc.verdicts).toHaveLength(3);
    expect(doc.verdicts[2]).toMatchObject({ flow: 'devices -> ssh', port: 22, expect: 'blocked', reachable: false, ok: true });
    expect(doc.verdicts[0].steps.length).toBeGreaterThan(3);
  });

  test('bad arguments exit 2 with the usage; no flows is said plainly', async () => {
    const dir = writeAssembly([stack(baseWorld())]);
    const badFlow = await run([dir, '--flow', 'devices,host']);
    expect(badFlow.code).toBe(2);
    expect(badFlow.err).toContain("--flow 'devices,host' is not <source>,<host>,<port>");
    const missing = await run(['/nonexistent-cdk-out']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('/nonexistent-cdk-out is not a cloud assembly (no manifest.json)');
    const unknownOption = await run([dir, '--frobnicate']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.err).toContain('Usage: cdk-private-iot verify');
    const none = await run([dir]);
    expect(none.code).toBe(0);
    expect(none.out).toContain('No flows: the stacks of');
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--flow <source>,<host>,<port>');
  });
});
