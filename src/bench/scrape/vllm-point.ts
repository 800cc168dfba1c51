// One scrape of a vLLM /metrics reduced to what a result needs, in a compact, JSON-safe shape that a
// cluster client share writes to its run dir: each wanted gauge and counter aggregated over every
// label set (engines, models), each wanted histogram's buckets summed by `le`. A name the server
// does not export is simply absent (an older vLLM), never 0.
import { VLLM_METRICS } from '../../common/metric-catalog.js';
import type { PromExposition } from './prom-text.js';

/** Gauges and counters read from every scrape, and how label sets combine. */
const POINT_VALUES = {
  num_requests_running: { name: VLLM_METRICS.running, combine: 'sum' },
  num_requests_waiting: { name: VLLM_METRICS.waiting, combine: 'sum' },
  // Per engine: the fullest cache is the one that preempts first.
  kv_cache_usage_perc: { name: VLLM_METRICS.kvCacheUsage, combine: 'max' },
  preemptions: { name: VLLM_METRICS.preemptions, combine: 'sum' },
  prompt_tokens: { name: VLLM_METRICS.promptTokens, combine: 'sum' },
  generation_tokens: { name: VLLM_METRICS.generationTokens, combine: 'sum' },
  requests_succeeded: { name: VLLM_METRICS.requestSuccess, combine: 'sum' },
  prefix_cache_queries: { name: VLLM_METRICS.prefixCacheQueries, combine: 'sum' },
  prefix_cache_hits: { name: VLLM_METRICS.prefixCacheHits, combine: 'sum' },
} as const;
export type PointValue = keyof typeof POINT_VALUES;

/** Histograms read from every scrape, by the short name the result uses. */
const POINT_HISTOGRAMS = {
  ttft: VLLM_METRICS.ttft,
  queue_time: VLLM_METRICS.queueTime,
  prefill_time: VLLM_METRICS.prefillTime,
  decode_time: VLLM_METRICS.decodeTime,
  e2e_latency: VLLM_METRICS.e2e,
} as const;
export type PointHistogram = keyof typeof POINT_HISTOGRAMS;

/** A cumulative histogram: finite upper bounds (ascending), their cumulative counts, and the +Inf total in `count`. */
export interface HistogramState {
  le: number[];
  cumulative: number[];
  sum: number;
  count: number;
}

/** One scrape: its time (ms, on the clock of the run's window) and what it held. */
export interface ScrapePoint {
  t: number;
  values: Partial<Record<PointValue, number>>;
  histograms: Partial<Record<PointHistogram, HistogramState>>;
  /** The scraper's round (0: the baseline): a service group's replicas share a round's number. */
  round?: number;
}

const POINT_KEYS = Object.keys(POINT_VALUES) as PointValue[];

// Several values of one name (label sets of one server, or the replicas of a group) as one.
function combined(key: PointValue, values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return POINT_VALUES[key].combine === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
}

/**
 * The values of a service group's replicas taken in one round, as one server's would be (requests
 * and counters added up, the fullest KV cache), at `t`. A name is kept only when every point has
 * it: a sum over some replicas would pass for the group's. Histograms are left out (their window
 * increases add up per replica, see server-metrics.ts).
 */
export function combinePoints(points: readonly ScrapePoint[], t: number): ScrapePoint {
  const out: ScrapePoint = { t, values: {}, histograms: {} };
  for (const key of POINT_KEYS) {
    const values = points.flatMap((p) => (p.values[key] === undefined ? [] : [p.values[key]]));
    const value = values.length === points.length ? combined(key, values) : undefined;
    if (value !== undefined) out.values[key] = value;
  }
  return out;
}

/** True when the exposition holds at least one vLLM series (what tells a vLLM /metrics from another). */
export function hasVllmSeries(exposition: PromExposition): boolean {
  return exposition.samples.some((s) => s.name.startsWith('vllm:'));
}

/** The point of one parsed exposition taken at `t`. */
export function vllmPoint(exposition: PromExposition, t: number): ScrapePoint {
  const point: ScrapePoint = { t, values: {}, histograms: {} };
  const byName = new Map<string, PromExposition['samples']>();
  for (const sample of exposition.samples) {
    if (!sample.name.startsWith('vllm:')) continue;
    const list = byName.get(sample.name) ?? [];
    list.push(sample);
    byName.set(sample.name, list);
  }
  for (const key of POINT_KEYS) {
    const value = combined(key, (byName.get(POINT_VALUES[key].name) ?? []).map((s) => s.value).filter((v) => !Number.isNaN(v)));
    if (value !== undefined) point.values[key] = value;
  }
  for (const [key, family] of Object.entries(POINT_HISTOGRAMS) as [PointHistogram, string][]) {
    const state = histogramState(byName, family);
    if (state !== undefined) point.histograms[key] = state;
  }
  return point;
}

// _bucket series summed by le over every label set; absent without _count or any finite bucket.
function histogramState(byName: Map<string, PromExposition['samples']>, family: string): HistogramState | undefined {
  const buckets = new Map<number, number>();
  for (const s of byName.get(`${family}_bucket`) ?? []) {
    const le = Number(s.labels.le === '+Inf' ? Infinity : s.labels.le);
    if (Number.isNaN(le)) continue;
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  const total = (suffix: string) => (byName.get(`${family}${suffix}`) ?? []).reduce((sum, s) => sum + s.value, 0);
  if (!byName.has(`${family}_count`) || !byName.has(`${family}_sum`)) return undefined;
  const le = [...buckets.keys()].filter(Number.isFinite).sort((a, b) => a - b);
  if (le.length === 0) return undefined;
  return { le, cumulative: le.map((b) => buckets.get(b) as number), sum: total('_sum'), count: total('_count') };
}
