// Arithmetic over a run's scrapes, restricted to its measured window: gauge mean and max, counter
// increase (a restart of the server counts from 0, as Prometheus's increase() does), a histogram's
// increase, and a percentile estimated from buckets the way Prometheus's histogram_quantile() does.
// Pure; every function returns undefined when the scrapes cannot say, never 0.
import type { HistogramState, PointHistogram, PointValue, ScrapePoint } from './vllm-point.js';

export interface TimeWindow {
  startMs: number;
  endMs: number;
}

/** The points from the last one at or before the start (the baseline) to the first at or after the end. */
export function windowPoints(points: readonly ScrapePoint[], w: TimeWindow): ScrapePoint[] {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  let first = 0;
  for (let i = 0; i < sorted.length; i++) if ((sorted[i] as ScrapePoint).t <= w.startMs) first = i;
  let last = sorted.length - 1;
  for (let i = sorted.length - 1; i >= 0; i--) if ((sorted[i] as ScrapePoint).t >= w.endMs) last = i;
  return sorted.slice(first, last + 1);
}

/** Mean and max of a gauge over the points that have it. */
export function gaugeStats(points: readonly ScrapePoint[], key: PointValue): { mean: number; max: number } | undefined {
  const values = points.flatMap((p) => (p.values[key] === undefined ? [] : [p.values[key] as number]));
  if (values.length === 0) return undefined;
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, max: Math.max(...values) };
}

/**
 * A counter's increase from the first point to the last. A series that appears during the window
 * started from 0 (client libraries create labelled series on first use); a name in no point is
 * unknown (an older server), never 0.
 */
export function counterIncrease(points: readonly ScrapePoint[], key: PointValue): number | undefined {
  if (points.length === 0 || !points.some((p) => p.values[key] !== undefined)) return undefined;
  let total = 0;
  let prev = points[0]?.values[key] ?? 0;
  for (const p of points.slice(1)) {
    const v = p.values[key];
    if (v === undefined) continue;
    total += v >= prev ? v - prev : v; // a reset: the counter started again from 0
    prev = v;
  }
  return total;
}

/** A histogram's increase between the first and the last point (same buckets; absent at the first point: it started from 0). */
export function histogramIncrease(points: readonly ScrapePoint[], key: PointHistogram): HistogramState | undefined {
  const end = points[points.length - 1]?.histograms[key];
  if (end === undefined) return undefined;
  const base = points[0]?.histograms[key] ?? { le: end.le, cumulative: end.le.map(() => 0), sum: 0, count: 0 };
  if (base.le.length !== end.le.length || base.le.some((b, i) => b !== end.le[i])) return undefined;
  if (end.count < base.count) return end; // the server restarted: what it counted since is the increase
  return {
    le: end.le, cumulative: end.cumulative.map((c, i) => c - (base.cumulative[i] as number)),
    sum: end.sum - base.sum, count: end.count - base.count,
  };
}

/** Histograms of several servers added up bucket by bucket; undefined when their bucket bounds differ (or none is given). */
export function sumHistograms(list: readonly HistogramState[]): HistogramState | undefined {
  const [first, ...rest] = list;
  if (first === undefined || rest.some((h) => h.le.length !== first.le.length || h.le.some((b, i) => b !== first.le[i]))) return undefined;
  return {
    le: first.le, cumulative: first.cumulative.map((_, i) => list.reduce((sum, h) => sum + (h.cumulative[i] as number), 0)),
    sum: list.reduce((sum, h) => sum + h.sum, 0), count: list.reduce((sum, h) => sum + h.count, 0),
  };
}

/** An estimated quantile and the bounds of the bucket it fell in (the estimate's error is within them). */
interface QuantileEstimate {
  value: number;
  lower: number;
  upper: number;
}

/**
 * The q-quantile (0 < q < 1) as Prometheus's histogram_quantile() estimates it: find the bucket
 * holding rank q x count, interpolate linearly inside it (the first bucket starts at 0). Undefined
 * with no observation, or when the rank falls in the +Inf bucket (no upper bound to interpolate to:
 * Prometheus would answer the highest finite bound, which is not an estimate).
 */
export function histogramQuantile(q: number, h: HistogramState): QuantileEstimate | undefined {
  if (!(h.count > 0) || !(q > 0 && q < 1)) return undefined;
  const rank = q * h.count;
  let prevCount = 0;
  let prevLe = 0;
  for (let i = 0; i < h.le.length; i++) {
    const upper = h.le[i] as number;
    const cum = h.cumulative[i] as number;
    if (cum >= rank) {
      const lower = i === 0 ? Math.min(0, upper) : prevLe;
      const inBucket = cum - prevCount;
      const value = inBucket > 0 ? lower + ((upper - lower) * (rank - prevCount)) / inBucket : upper;
      return { value, lower, upper };
    }
    prevCount = cum;
    prevLe = upper;
  }
  return undefined;
}

/** Whether `count` observations support a p-th percentile: at least one observation lies above it. */
export function supportsPercentile(count: number, p: number): boolean {
  return count * (100 - p) >= 100 - 1e-9;
}
