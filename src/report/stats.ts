// Statistics over repetitions of a run: mean with a 95 % confidence interval, Welch's t-test between
// two sets of repetitions, and the prediction-interval test of a newest value against a trailing
// window. Pure; every function returns "no value" (undefined) rather than inventing one.
import { percentile } from '../bench/results/percentile.js';
import { tQuantile, tTwoSidedP } from './student-t.js';

/** The 95 % level every interval and test in aibench uses. */
const CONFIDENCE = 0.95;

/** How a difference between two sides was (or could not be) judged. */
export interface Significance {
  /** welch-repetitions | bootstrap-quantile | welch-samples | prediction-interval | none */
  method: 'welch-repetitions' | 'bootstrap-quantile' | 'welch-samples' | 'prediction-interval' | 'none';
  /** The test as a person reads it, e.g. "Welch t over 5+5 repetitions". */
  test: string;
  /** Point estimate of next − base. */
  diff?: number;
  /** 95 % confidence interval of next − base. */
  low?: number;
  high?: number;
  pValue?: number;
  /** Undefined when significance cannot be assessed (see note). */
  significant?: boolean;
  note?: string;
}

/** Arithmetic mean; undefined without values. */
export function mean(values: ArrayLike<number>): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** Unbiased sample variance (n − 1); undefined below two values. */
export function sampleVariance(values: ArrayLike<number>): number | undefined {
  const m = mean(values);
  if (m === undefined || values.length < 2) return undefined;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += ((values[i] as number) - m) ** 2;
  return squares / (values.length - 1);
}

export interface MeanInterval {
  n: number;
  mean: number;
  /** Sample standard deviation; absent for one value. */
  std?: number;
  /** 95 % t interval of the mean; absent for one value. */
  low?: number;
  high?: number;
}

/** Mean and 95 % confidence interval (Student t, n − 1 df) of repeated measurements of one metric. */
export function meanCi95(values: readonly number[]): MeanInterval | undefined {
  const m = mean(values);
  if (m === undefined) return undefined;
  const variance = sampleVariance(values);
  if (variance === undefined) return { n: values.length, mean: m };
  const std = Math.sqrt(variance);
  const half = tQuantile(1 - (1 - CONFIDENCE) / 2, values.length - 1) * (std / Math.sqrt(values.length));
  return { n: values.length, mean: m, std, low: m - half, high: m + half };
}

/** Welch's unequal-variance t interval and test of mean(next) − mean(base) from means, variances and sizes. */
export function welchFromMoments(
  base: { mean: number; variance: number; n: number },
  next: { mean: number; variance: number; n: number },
): Pick<Significance, 'diff' | 'low' | 'high' | 'pValue' | 'significant'> & { df: number } {
  const diff = next.mean - base.mean;
  const vb = base.variance / base.n;
  const vn = next.variance / next.n;
  const se = Math.sqrt(vb + vn);
  if (se === 0) {
    // No spread on either side: any difference is certain, none is nothing.
    return { diff, low: diff, high: diff, pValue: diff === 0 ? 1 : 0, significant: diff !== 0, df: base.n + next.n - 2 };
  }
  const df = (vb + vn) ** 2 / ((vb * vb) / (base.n - 1) + (vn * vn) / (next.n - 1));
  const half = tQuantile(1 - (1 - CONFIDENCE) / 2, df) * se;
  const pValue = tTwoSidedP(diff / se, df);
  return { diff, low: diff - half, high: diff + half, pValue, significant: diff - half > 0 || diff + half < 0, df };
}

/** Welch's t-test over repetitions: each side needs at least two values. */
export function welchRepetitions(base: readonly number[], next: readonly number[]): Significance {
  const test = `Welch t over ${base.length}+${next.length} repetitions`;
  const [vb, vn] = [sampleVariance(base), sampleVariance(next)];
  if (vb === undefined || vn === undefined) {
    return { method: 'none', test, note: 'needs at least two repetitions on each side' };
  }
  const r = welchFromMoments({ mean: mean(base) as number, variance: vb, n: base.length }, { mean: mean(next) as number, variance: vn, n: next.length });
  return { method: 'welch-repetitions', test: `${test} (df ${r.df.toFixed(1)})`, diff: r.diff, low: r.low, high: r.high, pValue: r.pValue, significant: r.significant };
}

/**
 * Is the newest value outside the 95 % prediction interval of a trailing window? The newest run is
 * one draw from the window's distribution under "nothing changed": t = (x − mean) / (s·√(1 + 1/n)),
 * n − 1 df. Needs at least three window values: with two (1 df, t = 12.7) the interval is so wide
 * that "not significant" would be a verdict the data cannot give.
 */
export function predictionTest(window: readonly number[], value: number): Significance {
  const test = `95% prediction interval of ${window.length} trailing runs`;
  const m = mean(window);
  const variance = sampleVariance(window);
  if (m === undefined || variance === undefined || window.length < 3) {
    return { method: 'none', test, note: `needs at least 3 earlier runs in the window, got ${window.length}` };
  }
  const diff = value - m;
  const se = Math.sqrt(variance * (1 + 1 / window.length));
  if (se === 0) return { method: 'prediction-interval', test, diff, low: diff, high: diff, pValue: diff === 0 ? 1 : 0, significant: diff !== 0 };
  const half = tQuantile(1 - (1 - CONFIDENCE) / 2, window.length - 1) * se;
  const pValue = tTwoSidedP(diff / se, window.length - 1);
  return { method: 'prediction-interval', test, diff, low: diff - half, high: diff + half, pValue, significant: Math.abs(diff) > half };
}

/** Theil–Sen slope (median of pairwise slopes): a trend that one outlier night cannot bend; undefined below two points. */
export function theilSenSlope(xs: readonly number[], ys: readonly number[]): number | undefined {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = (xs[j] as number) - (xs[i] as number);
      if (dx !== 0) slopes.push(((ys[j] as number) - (ys[i] as number)) / dx);
    }
  }
  return percentile(slopes, 50);
}
