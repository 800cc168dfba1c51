// Plot data from many samples, kept small: histogram bins, CDF points on the exact empirical CDF,
// per-bucket time series, and a min/max downsample that keeps every spike. Plotting only: the
// tables always show the result's own numbers, never these.
import type { OrderedSample } from './order-stats.js';

export interface Histogram {
  centers: number[];
  counts: number[];
  /** Samples above the last bin (beyond the clip percentile), told under the chart. */
  above: number;
  clipAt: number;
}

const clipRank = (n: number, clipPct: number): number => Math.min(n - 1, Math.ceil((n - 1) * (clipPct / 100)));

/** The ranks histogram() reads: the minimum and the clip percentile. */
export function histogramRanks(n: number, clipPct = 99.9): number[] {
  return n === 0 ? [] : [0, clipRank(n, clipPct)];
}

/** Equal-width bins from the minimum to the clip percentile (default p99.9) of a sample. */
export function histogram(sample: OrderedSample, bins = 50, clipPct = 99.9): Histogram | undefined {
  const { n, values } = sample;
  if (n === 0) return undefined;
  const min = sample.at(0);
  const clipAt = sample.at(clipRank(n, clipPct));
  const width = (clipAt - min) / bins;
  if (width === 0) return { centers: [min], counts: [sample.countAtMost(clipAt)], above: n - sample.countAtMost(clipAt), clipAt };
  const counts = new Array<number>(bins).fill(0);
  let above = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (v > clipAt) above++;
    else {
      const b = Math.min(bins - 1, Math.floor((v - min) / width));
      counts[b] = (counts[b] as number) + 1;
    }
  }
  const centers = counts.map((_, i) => min + (i + 0.5) * width);
  return { centers, counts, above, clipAt };
}

/** The ranks cdfPoints() reads: `points` evenly spaced, plus a quarter as many again in the top 1 % where the tail percentiles live. */
export function cdfRanks(n: number, points = 300): number[] {
  const ranks = new Set<number>();
  const add = (from: number, to: number, k: number): void => {
    for (let i = 0; i < k; i++) ranks.add(Math.round(from + ((to - from) * i) / Math.max(1, k - 1)));
  };
  if (n > 0) {
    add(0, n - 1, Math.min(n, points));
    add(Math.floor((n - 1) * 0.99), n - 1, Math.min(n, Math.ceil(points / 4)));
  }
  return [...ranks].sort((a, b) => a - b);
}

/** Points of the empirical CDF (value, fraction <= value) at cdfRanks; equal values collapse. */
export function cdfPoints(sample: OrderedSample, points = 300): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (const rank of cdfRanks(sample.n, points)) {
    const value = sample.at(rank);
    if (x.length > 0 && x[x.length - 1] === value) continue;
    x.push(value);
    y.push(sample.countAtMost(value) / sample.n);
  }
  return { x, y };
}

/** Steps of a timeline: at most `buckets`, none shorter than 250 ms (finer is noise, not detail). */
function timeBuckets(endMs: number, buckets: number): { widthMs: number; count: number } {
  const count = Math.max(1, Math.min(buckets, Math.ceil(endMs / 250)));
  return { widthMs: Math.max(1, endMs) / count, count };
}

/** Time-weighted mean of requests in flight per bucket, from each request's [start, end) in ms. */
export function inFlightPerBucket(starts: Float64Array, ends: Float64Array, endMs: number, buckets = 300): { t: number[]; v: number[] } {
  const { widthMs, count } = timeBuckets(endMs, buckets);
  // in-flight(t) changes by +1 at a start and -1 at an end: its integral over a bucket is the sum of
  // the overlaps, added here per request into the (usually one or two) buckets it spans.
  const area = new Float64Array(count);
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i] as number;
    const e = Math.max(s, ends[i] as number);
    for (let b = Math.max(0, Math.floor(s / widthMs)); b < count && b * widthMs < e; b++) {
      area[b] = (area[b] as number) + Math.max(0, Math.min(e, (b + 1) * widthMs) - Math.max(s, b * widthMs));
    }
  }
  return { t: Array.from({ length: count }, (_, b) => ((b + 0.5) * widthMs) / 1000), v: Array.from(area, (a) => a / widthMs) };
}

/** Events per second per bucket, added one at a time (weight: e.g. the tokens a chunk carried), so a caller with millions of events never lists them. */
export function rateBuckets(endMs: number, buckets = 300): { add(timeMs: number, weight: number): void; rates(): { t: number[]; v: number[] } } {
  const { widthMs, count } = timeBuckets(endMs, buckets);
  const sums = new Float64Array(count);
  return {
    add(timeMs, weight) {
      const b = Math.floor(timeMs / widthMs);
      if (b >= 0 && b < count) sums[b] = (sums[b] as number) + weight;
      else if (b === count) sums[count - 1] = (sums[count - 1] as number) + weight; // the very last event
    },
    rates: () => ({ t: Array.from({ length: count }, (_, b) => ((b + 0.5) * widthMs) / 1000), v: Array.from(sums, (s) => s / (widthMs / 1000)) }),
  };
}

/** Events per second per bucket (weights: e.g. tokens carried by a chunk), from event times in ms. */
export function ratePerBucket(times: ArrayLike<number>, weights: ArrayLike<number>, endMs: number, buckets = 300): { t: number[]; v: number[] } {
  const rate = rateBuckets(endMs, buckets);
  for (let i = 0; i < times.length; i++) rate.add(times[i] as number, weights[i] as number);
  return rate.rates();
}

/**
 * At most 2 x buckets points of (x ascending, y): per x bucket the lowest and the highest y, so a
 * spike is never averaged away; all points when there are few.
 */
export function minMaxDownsample(xs: ArrayLike<number>, ys: ArrayLike<number>, buckets = 1000): { x: number[]; y: number[] } {
  const n = xs.length;
  if (n <= 2 * buckets) return { x: Array.from(xs), y: Array.from(ys) };
  const x0 = xs[0] as number;
  const span = Math.max(1e-9, (xs[n - 1] as number) - x0);
  const x: number[] = [];
  const y: number[] = [];
  let i = 0;
  while (i < n) {
    const bucket = Math.min(buckets - 1, Math.floor((((xs[i] as number) - x0) / span) * buckets));
    let lo = i;
    let hi = i;
    let j = i;
    for (; j < n && Math.min(buckets - 1, Math.floor((((xs[j] as number) - x0) / span) * buckets)) === bucket; j++) {
      if ((ys[j] as number) < (ys[lo] as number)) lo = j;
      if ((ys[j] as number) > (ys[hi] as number)) hi = j;
    }
    for (const k of lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]) {
      x.push(xs[k] as number);
      y.push(ys[k] as number);
    }
    i = j;
  }
  return { x, y };
}
