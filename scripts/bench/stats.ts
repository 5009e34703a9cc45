/** Small statistics for the synthesis benchmark (orchestrator side). */

/** The p-quantile (0..1) with linear interpolation between order statistics (R type 7). */
export function quantile(values: number[], p: number): number {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((x, y) => x - y);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)]) - sorted[lo]);
}

export const median = (values: number[]): number => quantile(values, 0.5);

export interface Spread {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function spread(values: number[]): Spread {
  return {
    median: median(values),
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  };
}

export interface LinearFit {
  readonly slope: number;
  readonly intercept: number;
  /** Coefficient of determination (1 when every point lies on the line). */
  readonly r2: number;
  /** The largest |observed - fitted|. */
  readonly maxResidual: number;
  /** The largest |observed - fitted| / fitted, in percent. */
  readonly maxResidualPct: number;
}

/** Least-squares line through (xs, ys). */
export function linearFit(xs: number[], ys: number[]): LinearFit {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = my - slope * mx;
  const fitted = xs.map((x) => intercept + slope * x);
  const residuals = ys.map((y, i) => y - fitted[i]);
  const ssRes = residuals.reduce((a, r) => a + r * r, 0);
  const ssTot = ys.reduce((a, y) => a + (y - my) ** 2, 0);
  return {
    slope,
    intercept,
    r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot,
    maxResidual: Math.max(...residuals.map(Math.abs)),
    maxResidualPct: Math.max(...residuals.map((r, i) => (fitted[i] === 0 ? 0 : Math.abs(r / fitted[i]) * 100))),
  };
}

/** A seeded pseudo-random generator (Park-Miller, exact in doubles), so the order of every round can be reproduced. */
export function seededRandom(seed: number): () => number {
  const modulus = 2147483647;
  let state = (Math.abs(Math.floor(seed)) % (modulus - 1)) + 1;
  return () => {
    state = (state * 48271) % modulus;
    return (state - 1) / (modulus - 1);
  };
}

/** Fisher-Yates shuffle with the given generator (a new array). */
export function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
