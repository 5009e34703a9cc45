/**
 * Where the limits lie (untimed, one process): for each configuration, the largest fleet in 100,000-device steps (one
 * data endpoint each) that synthesizes, found by doubling then bisecting the endpoint count, and the message of the
 * check that rejects the next step. Prints `BENCH_RESULT {"rows": [...]}`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadedModules, rejection } from './harness';
import { Scenario, SWEEP_SCENARIO, scenarioApp } from './scenario';

interface LimitCase {
  readonly label: string;
  readonly scenario: Scenario;
}

const LIMIT_CASES: LimitCase[] = [
  { label: '2 AZs, weighted IP records, front door', scenario: { ...SWEEP_SCENARIO, azs: 2 } },
  { label: '3 AZs, weighted IP records, front door', scenario: { ...SWEEP_SCENARIO, azs: 3 } },
  { label: '3 AZs, alias records, front door', scenario: { azs: 3, recordStyle: 'ALIAS', frontDoor: true } },
  { label: '4 AZs, weighted IP records, front door', scenario: { ...SWEEP_SCENARIO, azs: 4, placeholderRegion: true } },
  { label: '4 AZs, front door, no zone, interfaceEndpointQuota 1000', scenario: { azs: 4, frontDoor: true, interfaceEndpointQuota: 1000, placeholderRegion: true } },
  { label: '2 AZs, endpoints only, interfaceEndpointQuota 1000', scenario: { azs: 2, frontDoor: false, interfaceEndpointQuota: 1000 } },
];

export interface Attempt {
  readonly devices: number;
  readonly rejected?: string;
  readonly endpoints?: number;
  readonly resources?: number;
  readonly templateBytes?: number;
  readonly targetsPerGroup?: string;
}

function attempt(devices: number, scenario: Scenario, context: Record<string, unknown>): Attempt {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-private-iot-bench-'));
  try {
    const { app, info } = scenarioApp(devices, scenario, outdir, context);
    const assembly = app.synth();
    const stack = assembly.stacks[0];
    const facts = info(assembly);
    return {
      devices,
      endpoints: facts.endpoints,
      resources: Object.keys((stack.template as { Resources?: object }).Resources ?? {}).length,
      templateBytes: fs.statSync(stack.templateFullPath).size,
      targetsPerGroup: facts.targetsPerGroup,
    };
  } catch (e) {
    const message = rejection(e);
    if (message === undefined) {
      throw e;
    }
    return { devices, rejected: message };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function findLimit(c: LimitCase, context: Record<string, unknown>): { label: string; largest?: Attempt; next: Attempt } {
  const at = (endpoints: number) => attempt(endpoints * 100_000, c.scenario, context);
  let lo = 0; // largest known to synthesize (0 = none)
  let hi = 1;
  let loRow: Attempt | undefined;
  let hiRow = at(hi);
  while (hiRow.rejected === undefined) {
    [lo, loRow] = [hi, hiRow];
    hi *= 2;
    hiRow = at(hi);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const row = at(mid);
    if (row.rejected === undefined) {
      [lo, loRow] = [mid, row];
    } else {
      [hi, hiRow] = [mid, row];
    }
  }
  process.stderr.write(`limit of '${c.label}': ${lo} endpoints\n`);
  return { label: c.label, largest: loRow, next: hiRow };
}

const context = JSON.parse(fs.readFileSync(process.env.BENCH_CONTEXT!, 'utf-8')) as Record<string, unknown>;
const rows = LIMIT_CASES.map((c) => findLimit(c, context));
process.stdout.write(`\nBENCH_RESULT ${JSON.stringify({ rows, ...loadedModules('ours') })}\n`);
