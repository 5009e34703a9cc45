/**
 * Option coverage of property-based tests: which options each generated configuration uses, how often each option
 * occurs over a run, and a table of it. A generator that never (or seldom) produces an option tests nothing about it,
 * whatever the number of runs; test/properties.test.ts checks that every option occurs in a tenth of its cases at least.
 *
 * Import from test files only.
 */

/** Named options of a configuration type, each with the test that tells whether a configuration uses it. */
export type OptionPredicates<T> = Readonly<Record<string, (config: T) => boolean>>;

/** How often one option occurs among the cases. */
export interface OptionCount {
  readonly option: string;
  /** Cases that use the option. */
  readonly cases: number;
  /** Share of all cases that use the option, 0-100. */
  readonly percent: number;
}

/** How often each option occurs among `cases`, in the order of `options`. */
export function optionCoverage<T>(cases: readonly T[], options: OptionPredicates<T>): OptionCount[] {
  return Object.entries(options).map(([option, uses]) => {
    const n = cases.filter((c) => uses(c)).length;
    return { option, cases: n, percent: cases.length === 0 ? 0 : (100 * n) / cases.length };
  });
}

/** The options that occur in fewer than `minPercent` % of the cases, as `option: n% (k of N)` lines. */
export function rareOptions(counts: readonly OptionCount[], total: number, minPercent: number): string[] {
  return counts.filter((c) => c.percent < minPercent).map((c) => `${c.option}: ${c.percent.toFixed(1)}% (${c.cases} of ${total})`);
}

/** A table of `counts`, one line per option with its percentage and count, under a title line. */
export function coverageTable(title: string, total: number, counts: readonly OptionCount[]): string {
  const width = Math.max(0, ...counts.map((c) => c.option.length));
  return [
    `${title}: ${total} cases`,
    ...counts.map((c) => `  ${c.option.padEnd(width)}  ${c.percent.toFixed(0).padStart(3)}%  (${c.cases})`),
  ].join('\n');
}
