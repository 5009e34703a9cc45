import type { ProbeCheck, ProbeReport } from './probe';

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
 * A readable fixed-width table, one row per check (step, port, verdict, ms, detail), then the diagnoses of the
 * failed checks. For machines use `JSON.stringify(report)`.
 */
export function formatReport(report: ProbeReport): string {
  const row = (cells: string[], detail: string) =>
    cells.map((c, i) => c.padEnd(COLUMNS[i].width)).join(' ') + ' ' + detail;
  const lines = [
    `AWS IoT connectivity probe: ${report.host} - ${report.ok ? 'OK' : 'FAILED'} (started ${report.startedAt})`,
    '',
    row(COLUMNS.map((c) => c.title), 'DETAIL'),
    row(COLUMNS.map((c) => '-'.repeat(c.width)), '-'.repeat(6)),
  ];
  for (const c of report.checks) {
    lines.push(row([c.step, c.port === undefined ? '-' : String(c.port), verdict(c), c.skipped ? '-' : String(c.ms)], oneLine(c.detail)));
  }
  const diagnosed = report.checks.filter((c) => c.diagnosis);
  if (diagnosed.length > 0) {
    lines.push('', 'Diagnoses:');
    for (const c of diagnosed) {
      lines.push(`  - ${c.step}${c.port === undefined ? '' : ` ${c.port}`}: ${oneLine(c.diagnosis ?? '')}`);
    }
  }
  return lines.join('\n');
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
