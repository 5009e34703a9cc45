/**
 * Plain-text forms of a cost estimate: a compact block for the main job's summary (one line per account, the rates on
 * one line) and the full table of `cdk-private-iot cost`. DEPENDENCY-FREE (node builtins only).
 */
import { usd } from './estimate';
import type { CostEstimate, CostLine, CostRate } from './types';

/** Short names of the billed items, for one-line summaries. */
const SHORT: Record<string, string> = {
  interfaceEndpointAzHour: 'endpoint AZs',
  nlbHour: 'NLB',
  nlcuHour: 'reserved NLCUs',
  publicIpv4Hour: 'public IPv4',
  acceleratorHour: 'accelerator',
  resolverEniHour: 'Resolver ENIs',
  transitGatewayAttachmentHour: 'TGW attachments',
  vpnConnectionHour: 'VPN',
  hostedZoneMonth: 'zones',
  hostedZoneMonthAfter25: 'zones >25',
  profileHour: 'Route 53 Profile',
  profileExtraAssociationHour: 'Profile associations >100',
  alarmMonth: 'alarms',
};

/** Short names of the rates. */
const RATE_SHORT: Record<string, string> = {
  interfaceEndpointGb: 'endpoints',
  transitGatewayGb: 'Transit Gateway',
  nlcuHour: 'load balancer',
  iotMessagesMillion: 'IoT messages',
  resolverQueriesMillion: 'Resolver queries',
};

/** Options of the text forms. */
export interface CostFormatOptions {
  /** Lines at most this wide (compact form). @default 118 */
  readonly width?: number;
}

/**
 * The compact form: a heading with the total, one line per account with its largest charges, the traffic rates on one
 * line (their estimate with gbPerMonth), and the guidance.
 */
export function formatCostCompact(estimate: CostEstimate, options: CostFormatOptions = {}): string[] {
  const width = options.width ?? 118;
  const regions = [...new Set(estimate.lines.map((l) => l.region))];
  const lines = [`Monthly cost estimate: ${usd(estimate.monthlyUsd)} fixed`
    + (estimate.trafficMonthlyUsd !== undefined ? ` + ${usd(estimate.trafficMonthlyUsd)} traffic` : ' + traffic')
    + ` (${regions.join(', ') || 'no'} prices; sources: cdk-private-iot cost)`];
  const accountWidth = Math.max(...estimate.accounts.map((a) => `${a.account} ${a.stacks.join('+')}`.length), 0);
  const moneyWidth = Math.max(...estimate.accounts.map((a) => usd(a.monthlyUsd).length), 0);
  for (const account of estimate.accounts) {
    const head = `  ${`${account.account} ${account.stacks.join('+')}`.padEnd(accountWidth)}  ${usd(account.monthlyUsd).padStart(moneyWidth)}  `;
    const items = estimate.lines.filter((l) => l.account === account.account).sort((a, b) => b.monthlyUsd - a.monthlyUsd);
    lines.push(head + fitItems(items, width - head.length));
  }
  const traffic = estimate.rates.filter((r) => RATE_SHORT[r.priceKey] !== undefined);
  if (traffic.length > 0) {
    lines.push(...wrap(`traffic: ${dedupeRates(traffic).join(', ')}`
      + (estimate.trafficMonthlyUsd === undefined ? ' (cdk-private-iot cost --gb-per-month N)' : ''), width, '  '));
  }
  for (const advice of estimate.guidance) {
    lines.push(...wrap(`cheaper: ${advice}`, width, '  '));
  }
  return lines;
}

/** The full form of `cdk-private-iot cost`: every charge with its unit price, the rates, the notes and the sources. */
export function formatCostFull(estimate: CostEstimate, sources: Array<{ key: string; source: string; recorded: string; note?: string }>): string {
  const rows = [['ACCOUNT', 'STACK', 'ITEM', 'COUNT', 'UNIT PRICE', 'MONTHLY']];
  for (const l of estimate.lines) {
    rows.push([l.account, l.stack, l.item, String(l.count), `${usd4(l.unitUsd)}/${l.unit}${l.fallback ? ' *' : ''}`, usd(l.monthlyUsd)]);
  }
  const out: string[] = [`Fixed monthly charges (${estimate.hoursPerMonth} hours a month)`, ...table(rows, [3, 5])];
  out.push('', 'Per account:');
  for (const a of estimate.accounts) {
    out.push(`  ${a.account}  ${a.stacks.join(', ')}: ${usd(a.monthlyUsd)}`);
  }
  out.push(`  total: ${usd(estimate.monthlyUsd)}`);
  if (estimate.rates.length > 0) {
    out.push('', 'Usage rates (traffic is yours to estimate; --gb-per-month multiplies the GB rates):');
    const rateRows = [['REGION', 'RATE', 'PRICE', 'MONTHLY']];
    for (const r of estimate.rates) {
      rateRows.push([r.region, r.description, `${usd4(r.usd)}/${r.unit}${r.fallback ? ' *' : ''}`, r.monthlyUsd === undefined ? '-' : usd(r.monthlyUsd)]);
    }
    out.push(...table(rateRows, [3]));
    if (estimate.trafficMonthlyUsd !== undefined) {
      out.push(`  traffic total: ${usd(estimate.trafficMonthlyUsd)}`);
    }
  }
  if (estimate.guidance.length > 0) {
    out.push('', 'Cheaper constructs for the same result:', ...estimate.guidance.map((g) => `  - ${g}`));
  }
  if (estimate.notes.length > 0) {
    out.push('', 'Notes:', ...estimate.notes.map((n) => `  - ${n}`));
  }
  out.push('', '* us-east-1 price: no figure recorded for the region (override with --prices).', 'Sources:');
  for (const s of sources) {
    out.push(`  ${s.key}: ${s.source} (recorded ${s.recorded})${s.note ? ` - ${s.note}` : ''}`);
  }
  return out.join('\n');
}

function fitItems(items: CostLine[], room: number): string {
  const parts = items.map((l) => `${SHORT[l.priceKey] ?? l.item} ${l.count} ${usd(l.monthlyUsd)}`);
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    const rest = items.slice(i).reduce((s, l) => s + l.monthlyUsd, 0);
    const tail = `+${parts.length - i} more ${usd(Math.round(rest * 100) / 100)}`;
    const next = text ? `${text}, ${parts[i]}` : parts[i];
    const fitsWithTail = i === parts.length - 1 ? next.length <= room : `${next}, ${tail}`.length <= room || next.length <= room - 20;
    if (!fitsWithTail) {
      return text ? `${text}, ${tail}` : tail;
    }
    text = next;
  }
  return text;
}

function dedupeRates(rates: CostRate[]): string[] {
  const seen = new Map<string, string>();
  for (const r of rates) {
    const unit = r.priceKey === 'nlcuHour' ? 'GB' : r.unit === 'million messages' ? 'M msgs' : r.unit === 'million queries' ? 'M queries' : r.unit;
    const text = `${RATE_SHORT[r.priceKey]} ${usd4(r.usd)}/${unit}${r.monthlyUsd !== undefined ? ` = ${usd(r.monthlyUsd)}` : ''}`;
    if (!seen.has(r.priceKey)) {
      seen.set(r.priceKey, text);
    }
  }
  return [...seen.values()];
}

/** A price with up to 4 decimals and no trailing zeros beyond cents: $0.011, $0.0252, $0.50. */
function usd4(value: number): string {
  const text = value.toFixed(4).replace(/0{1,2}$/, '');
  return `$${text}`;
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.trim().length > 0 && (line + ' ' + word).length > width) {
      lines.push(line);
      line = `${indent}  ${word}`;
    } else {
      line = line.trim().length === 0 ? `${line}${word}` : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

function table(rows: string[][], rightAligned: number[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]) : i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd());
}
