/**
 * Text forms of a verification: a table of flows and verdicts, and the reasons of the failures.
 *
 * DEPENDENCY-FREE (node builtins only).
 */
import type { Verdict } from './evaluate';
import type { VerifyResult } from './verify';

/** One line per flow (ports folded), then one paragraph per unexpected verdict. */
export function formatVerification(result: VerifyResult, options: { width?: number; verbose?: boolean } = {}): string {
  const width = options.width ?? 118;
  const rows = foldPorts(result.verdicts);
  const lines: string[] = [];
  const head = ['verdict', 'flow', 'ports', 'blocked at'];
  const table = rows.map((r) => [
    r.skipped ? 'SKIP' : r.ok ? (r.reachable ? 'PASS' : 'BLOCKED') : (r.reachable ? 'FAIL (open)' : 'FAIL'),
    shorten(r.flow, 60),
    r.ports.join(','),
    // the logical id without its hash suffix (the failure paragraph and --verbose give it whole, with the construct path)
    r.blockedBy ? shorten(r.blockedBy.replace(/ \(.*\)$/, '').replace(/[0-9A-F]{8}$/, ''), 56) : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const fit = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd().slice(0, width);
  lines.push(fit(head));
  table.forEach((row) => lines.push(fit(row)));
  const failed = rows.filter((r) => !r.ok);
  const skipped = rows.filter((r) => r.skipped);
  const passed = rows.length - failed.length - skipped.length;
  lines.push(`${passed} of ${rows.length} flows as declared${failed.length ? `; ${failed.length} not` : ''}`
    + `${skipped.length ? `; ${skipped.length} skipped (source not in the assembly)` : ''} (${result.verdicts.length} flow-port checks)`);
  for (const r of failed) {
    lines.push('');
    lines.push(wrap(`FAIL ${r.flow}: ${r.host} on ${r.ports.join(',')}, expected ${r.expect}, ${r.reachable ? 'reachable' : 'blocked'}`, width));
    if (!r.reachable) {
      lines.push(wrap(`  blocked by: ${r.blockedBy ?? '(nothing in the assembly)'}`, width));
      lines.push(wrap(`  why: ${r.reason}`, width));
      lines.push(wrap(`  fix: ${r.fix}`, width));
    } else {
      lines.push(wrap(`  resolved by ${r.resolvedBy}; answered by ${r.answeredBy}`, width));
    }
  }
  if (options.verbose) {
    for (const v of result.verdicts) {
      lines.push('', `${v.flow} :${v.port}`);
      v.steps.forEach((s) => lines.push(wrap(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.check}: ${s.detail}${s.rule ? ` [${s.rule}]` : ''}`, width)));
    }
  }
  for (const note of result.notes) lines.push(wrap(`note: ${note}`, width));
  return lines.join('\n');
}

interface Row extends Omit<Verdict, 'port' | 'steps'> { readonly ports: number[] }

/** Verdicts of the same flow with the same outcome and reason, on one row. */
export function foldPorts(verdicts: Verdict[]): Row[] {
  const rows: Row[] = [];
  for (const v of verdicts) {
    const same = rows.find((r) => r.flow === v.flow && r.ok === v.ok && r.reachable === v.reachable && r.blockedBy === v.blockedBy);
    if (same) {
      same.ports.push(v.port);
    } else {
      const { port, steps, ...rest } = v;
      rows.push({ ...rest, ports: [port] });
    }
  }
  return rows;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

function wrap(text: string, width: number): string {
  if (text.length <= width) return text;
  const lead = /^\s*/.exec(text)![0];
  const out: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(' ')) {
    if (line.trim() && (line + ' ' + word).length > width) {
      out.push(line);
      line = `${lead}    ${word}`;
    } else {
      line = line.trim() ? `${line} ${word}` : `${line}${word}`;
    }
  }
  out.push(line);
  return out.join('\n');
}

/**
 * The verification in a few lines: the tally, then one line per source and outcome with its hostnames and ports
 * (`data 8883,443,8443; credentials, logs 443`) and what blocks it, then the paragraphs of the flows that are not as
 * declared (as in `formatVerification`).
 */
export function formatVerificationCompact(result: VerifyResult, options: { width?: number } = {}): string[] {
  const width = options.width ?? 118;
  const rows = foldPorts(result.verdicts);
  const groups: Array<{ verdict: string; source: string; blockedBy: string; targets: Array<{ target: string; ports: string }> }> = [];
  for (const r of rows) {
    const verdict = r.skipped ? 'SKIP' : r.ok ? (r.reachable ? 'PASS' : 'BLOCKED') : (r.reachable ? 'FAIL (open)' : 'FAIL');
    const arrow = r.flow.indexOf(' -> ');
    const source = arrow < 0 ? r.flow : r.flow.slice(0, arrow);
    const target = arrow < 0 ? r.host : r.flow.slice(arrow + 4);
    const blockedBy = r.blockedBy ? r.blockedBy.replace(/ \(.*\)$/, '').replace(/[0-9A-F]{8}$/, '') : '';
    let group = groups.find((g) => g.verdict === verdict && g.source === source && g.blockedBy === blockedBy);
    if (!group) {
      group = { verdict, source, blockedBy, targets: [] };
      groups.push(group);
    }
    group.targets.push({ target, ports: r.ports.join(',') });
  }
  const failed = rows.filter((r) => !r.ok);
  const skipped = rows.filter((r) => r.skipped);
  const lines = [`Reachability: ${rows.length - failed.length - skipped.length} of ${rows.length} flows as declared`
    + `${failed.length ? `; ${failed.length} NOT` : ''}${skipped.length ? `; ${skipped.length} skipped` : ''} (${result.verdicts.length} flow-port checks)`];
  const verdictWidth = Math.max(...groups.map((g) => g.verdict.length), 0);
  const sourceWidth = Math.max(...groups.map((g) => g.source.length), 0);
  for (const g of groups) {
    // targets with the same ports share them: "credentials, greengrass, logs, s3 443"
    const byPorts: Array<{ ports: string; targets: string[] }> = [];
    for (const t of g.targets) {
      const same = byPorts.find((b) => b.ports === t.ports);
      if (same) {
        same.targets.push(t.target);
      } else {
        byPorts.push({ ports: t.ports, targets: [t.target] });
      }
    }
    const what = byPorts.map((b) => `${b.targets.join(', ')} ${b.ports}`).join('; ');
    lines.push(shorten(`  ${g.verdict.padEnd(verdictWidth)}  ${g.source.padEnd(sourceWidth)}  ${what}${g.blockedBy ? ` (at ${g.blockedBy})` : ''}`, width));
  }
  for (const r of failed) {
    lines.push(wrap(`  FAIL ${r.flow}: ${r.host} on ${r.ports.join(',')}, expected ${r.expect}, ${r.reachable ? 'reachable' : 'blocked'}`, width));
    if (!r.reachable) {
      lines.push(wrap(`    blocked by: ${r.blockedBy ?? '(nothing in the assembly)'}; fix: ${r.fix}`, width));
    }
  }
  return lines;
}
