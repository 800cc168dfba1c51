// Significance from per-request samples (--save-detailed): a seeded percentile bootstrap of the
// difference of a quantile (median, p99, ...) and Welch's interval of the difference of means.
//
// The bootstrap uses an exact shortcut: a resample of m draws from n sorted values has its k-th
// smallest at sorted[floor(n·U(k))], where U(k), the k-th smallest of m uniforms, is Beta(k, m−k+1).
// So one resampled quantile costs two Beta draws instead of m draws and a sort, and 2000 resamples of
// a 100k-request run take milliseconds. The statistic is numpy's linear percentile, as in the tables.
import { createRng, sampleGamma } from '../bench/engine/arrivals.js';
import { percentile } from '../bench/results/percentile.js';
import { mean, sampleVariance, welchFromMoments, type Significance } from './stats.js';

/** Fixed so that the same files always give the same verdict. */
const BOOTSTRAP_SEED = 1;
const BOOTSTRAP_RESAMPLES = 2000;

/** Sorted samples and how many independent draws they stand for (fewer than values for ITL gaps). */
export interface SampleSet {
  sorted: Float64Array;
  /** Independent observations: the number of values, or of requests for pooled ITL gaps. */
  draws: number;
}

/** A SampleSet from values (a Float64Array is sorted in place, anything else copied); draws defaults to the number of values. */
export function sampleSet(values: ArrayLike<number>, draws = values.length): SampleSet {
  const sorted = (values instanceof Float64Array ? values : Float64Array.from(values)).sort();
  return { sorted, draws: Math.max(1, Math.min(draws, sorted.length)) };
}

// The one percentile function, on a sorted, non-empty typed array.
function sortedPercentile(sorted: Float64Array, p: number): number {
  return percentile(sorted as unknown as readonly number[], p) as number;
}

function sampleBeta(a: number, b: number, random: () => number): number {
  const x = sampleGamma(a, random);
  const y = sampleGamma(b, random);
  return x / (x + y);
}

// One bootstrap replicate of numpy's linear p-percentile of `set` (m = set.draws draws).
function resampledPercentile(set: SampleSet, p: number, random: () => number): number {
  const { sorted, draws: m } = set;
  const n = sorted.length;
  const h = ((m - 1) * p) / 100;
  const k = Math.floor(h) + 1; // 1-based order statistic
  const frac = h - (k - 1);
  const uk = sampleBeta(k, m - k + 1, random);
  const low = sorted[Math.min(n - 1, Math.floor(uk * n))] as number;
  if (frac === 0 || k >= m) return low;
  // The next order statistic: the smallest of the m − k uniforms above U(k), i.e. U(k) + (1 − U(k))·Beta(1, m − k).
  const uk1 = uk + (1 - uk) * (1 - Math.pow(1 - random(), 1 / (m - k)));
  const high = sorted[Math.min(n - 1, Math.floor(uk1 * n))] as number;
  return low + frac * (high - low);
}

/** Percentile bootstrap (95 %) of percentile_p(next) − percentile_p(base), seeded; p-value two-sided. */
export function bootstrapPercentileDiff(
  base: SampleSet, next: SampleSet, p: number, opts: { resamples?: number; seed?: number } = {},
): Significance {
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const seed = opts.seed ?? BOOTSTRAP_SEED;
  const test = `bootstrap of the difference of p${p} (${resamples} resamples, seed ${seed})`;
  if (base.sorted.length === 0 || next.sorted.length === 0) return { method: 'none', test, note: 'no samples on one side' };
  const random = createRng(seed);
  const diffs = new Float64Array(resamples);
  let below = 0;
  let above = 0;
  for (let i = 0; i < resamples; i++) {
    const d = resampledPercentile(next, p, random) - resampledPercentile(base, p, random);
    diffs[i] = d;
    if (d <= 0) below++;
    if (d >= 0) above++;
  }
  diffs.sort();
  const [low, high] = [sortedPercentile(diffs, 2.5), sortedPercentile(diffs, 97.5)];
  const diff = sortedPercentile(next.sorted, p) - sortedPercentile(base.sorted, p);
  const pValue = Math.min(1, (2 * Math.min(below, above) + 1) / (resamples + 1));
  return { method: 'bootstrap-quantile', test, diff, low, high, pValue, significant: low > 0 || high < 0 };
}

/** Welch's interval of mean(next) − mean(base) from per-request samples (n = each set's draws). */
export function welchSamples(base: SampleSet, next: SampleSet): Significance {
  const test = 'Welch t on per-request samples (difference of means)';
  const [vb, vn] = [sampleVariance(base.sorted), sampleVariance(next.sorted)];
  if (vb === undefined || vn === undefined || base.draws < 2 || next.draws < 2) {
    return { method: 'none', test, note: 'needs at least two samples on each side' };
  }
  const r = welchFromMoments(
    { mean: mean(base.sorted) as number, variance: vb, n: base.draws },
    { mean: mean(next.sorted) as number, variance: vn, n: next.draws },
  );
  return { method: 'welch-samples', test, diff: r.diff, low: r.low, high: r.high, pValue: r.pValue, significant: r.significant };
}
