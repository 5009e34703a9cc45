/**
 * `cdk-private-iot cost [cdk.out]`: the monthly fixed cost of what a synthesized cloud assembly creates, with the
 * usage rates and the source of every price.
 *
 * DEPENDENCY-FREE (node builtins only): runs where only this package is installed.
 */
import { readFileSync } from 'node:fs';
import { estimateAssemblyDirectory, pricesWith } from './estimate';
import { formatCostFull } from './format';
import { PRICE_KEYS } from './price-data';
import type { CostEstimate } from './types';
import { parseAssemblyArgs } from '../verify/subcommand';

export const COST_USAGE = `Usage: cdk-private-iot cost [cdk.out] [options]

Estimates from the synthesized templates the monthly fixed cost of what the stacks create (interface endpoints per AZ,
load balancers, public IPv4 addresses, accelerators, Resolver endpoint ENIs, Transit Gateway attachments, VPN
connections, hosted zones, Route 53 Profiles, alarms), per stack and account, and lists the usage rates (per GB, per
million messages) of the components it has. Prices are the library's (source and date of each figure listed), per
region where they differ; a region without a figure gets the us-east-1 price, marked with *.
Exit code 0; 2 for bad arguments, an unreadable assembly or prices file.

Options:
  --gb-per-month <n>     device traffic a month: multiplies the per-GB rates of the path's components
  --prices <file.json>   prices that replace the library's, by key: {"nlbHour": {"usd": 0.0225, "usdByRegion": {...}}}
                         (keys: ${PRICE_KEYS.join(', ')})
  --hours-per-month <n>  hours in a month (default 730)
  --json                 print one JSON document (lines, rates, accounts, totals, guidance, notes, sources)
  -h, --help             this text
`;

/** Runs `cost` with `args` (after the subcommand) and returns the exit code. */
export function costMain(args: string[], out: (s: string) => void, err: (s: string) => void): number {
  const parsed = parseAssemblyArgs('cost', args, {
    'gb-per-month': { type: 'string' },
    'prices': { type: 'string' },
    'hours-per-month': { type: 'string' },
    'json': { type: 'boolean' },
  } as const, COST_USAGE, out, err);
  if ('exitCode' in parsed) {
    return parsed.exitCode;
  }
  const v = parsed.values;
  const number = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) {
      return undefined;
    }
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new Error(`--${flag} '${text}' is not a non-negative number`);
    }
    return n;
  };
  let estimate: CostEstimate;
  let prices;
  try {
    const overrides = v.prices === undefined ? undefined : JSON.parse(readFileSync(v.prices, 'utf8'));
    if (overrides !== undefined && (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides))) {
      throw new Error(`--prices ${v.prices}: expected a JSON object of price keys`);
    }
    prices = pricesWith(overrides);
    estimate = estimateAssemblyDirectory(parsed.directory, {
      prices: overrides, gbPerMonth: number('gb-per-month', v['gb-per-month']), hoursPerMonth: number('hours-per-month', v['hours-per-month']),
    });
  } catch (e) {
    err(`${(e as Error).message}\n`);
    return 2;
  }
  const used = [...new Set([...estimate.lines.map((l) => l.priceKey), ...estimate.rates.map((r) => r.priceKey)])];
  const sources = used.map((key) => {
    const { source, recorded, note } = prices[key as keyof typeof prices];
    return { key, source, recorded, note };
  });
  if (v.json) {
    out(`${JSON.stringify({ schemaVersion: 1, kind: 'cost', ...estimate, sources }, undefined, 2)}\n`);
  } else {
    out(`${formatCostFull(estimate, sources)}\n`);
  }
  return 0;
}
