import type { ProbeCheck, ProbeReport } from './probe';

/**
 * What `cdk-private-iot probe --json` prints on stdout, one JSON document per run, whatever the outcome
 * (`kind` tells which). `schemaVersion` is raised on incompatible changes.
 *
 * - `report` (exit code 0 when `ok`, else 1): the probe report, see ProbeReport / ProbeCheck.
 * - `error` (exit code 2): bad arguments or unusable files; nothing was sent on the network.
 * - `version` (exit code 0): `--version`.
 */
export type ProbeJsonOutput = ProbeJsonReport | ProbeJsonError | ProbeJsonVersion;

export interface ProbeJsonReport extends ProbeReport {
  kind: 'report';
}

export interface ProbeJsonError {
  schemaVersion: 1;
  kind: 'error';
  ok: false;
  exitCode: 2;
  error: {
    /** usage: arguments; config: values the probe rejects; file: a file that cannot be read or is not PEM. */
    type: 'usage' | 'config' | 'file';
    message: string;
    /** The CLI flag at fault, e.g. `--ca`, when known. */
    flag?: string;
  };
}

export interface ProbeJsonVersion {
  schemaVersion: 1;
  kind: 'version';
  name: string;
  version: string;
}

const COLUMNS = [
  { title: 'STEP', width: 5 },
  { title: 'PORT', width: 5 },
  { title: 'VERDICT', width: 8 },
  { title: 'MS', width: 7 },
];

/** Verdict of one check: PASS, FAIL or SKIP. */
export function verdict(check: ProbeCheck): 'PASS' | 'FAIL' | 'SKIP' {
  if (check.skipped) return 'SKIP';
  return check.ok ? 'PASS' : 'FAIL';
}

/**
 * A readable fixed-width table, one row per check (step, port, verdict, ms, detail; with several addresses the detail
 * starts with the address), then the diagnoses of the failed checks and the warnings. For machines use `--json`.
 */
export function formatReport(report: ProbeReport): string {
  const row = (cells: string[], detail: string) =>
    cells.map((c, i) => c.padEnd(COLUMNS[i].width)).join(' ') + ' ' + detail;
  const several = (report.addresses?.length ?? 0) > 1;
  const at = (c: ProbeCheck) => several && c.address !== undefined && c.step !== 'dns' ? `[${c.address}] ` : '';
  const lines = [
    `AWS IoT connectivity probe: ${report.host} - ${report.ok ? 'OK' : 'FAILED'} (started ${report.startedAt})`,
    '',
    row(COLUMNS.map((c) => c.title), 'DETAIL'),
    row(COLUMNS.map((c) => '-'.repeat(c.width)), '-'.repeat(6)),
  ];
  for (const c of report.checks) {
    lines.push(row([c.step, c.port === undefined ? '-' : String(c.port), verdict(c), c.skipped ? '-' : String(c.ms)], at(c) + oneLine(c.detail)));
  }
  const diagnosed = report.checks.filter((c) => c.diagnosis);
  if (diagnosed.length > 0) {
    lines.push('', 'Diagnoses:');
    for (const c of diagnosed) {
      const where = `${c.port === undefined ? '' : ` ${c.port}`}${several && c.address !== undefined ? ` ${c.address}` : ''}`;
      lines.push(`  - ${c.step}${where}: ${oneLine(c.diagnosis ?? '')}`);
    }
  }
  if ((report.warnings?.length ?? 0) > 0) {
    lines.push('', 'Warnings:', ...report.warnings.map((w) => `  - ${oneLine(w)}`));
  }
  return lines.join('\n');
}

/** The diagnoses of a report, one line each: `<step>[ <port>][ <address>]: <diagnosis>`. */
export function diagnosesOf(report: ProbeReport): string[] {
  return report.checks.filter((c) => c.diagnosis).map((c) =>
    `${c.step}${c.port === undefined ? '' : ` ${c.port}`}${c.address === undefined ? '' : ` ${c.address}`}: ${oneLine(c.diagnosis ?? '')}`);
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
