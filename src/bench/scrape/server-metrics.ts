// A run's scrapes -> its `server_metrics` section and its `ttft_breakdown`, over the measured window
// only (warmup excluded: the baseline is the scrape taken just before the window opened). Pure.
import { SERVER_HISTOGRAMS, SERVER_PERCENTILES, type ServerMetrics, type TtftBreakdown } from '../results/truth-schema.js';
import type { PointValue, ScrapePoint } from './vllm-point.js';
import { counterIncrease, gaugeStats, histogramIncrease, histogramQuantile, supportsPercentile, windowPoints, type TimeWindow } from './window.js';

/** What a scraper collected during one load level (times on the window's clock). */
export interface ScrapeLog {
  intervalS: number;
  /** The /metrics URL, credential-free. */
  url: string;
  points: ScrapePoint[];
  failures: number;
  /** The first few errors, for people. */
  errors: string[];
  /** Why the target's /metrics cannot be used (none, not vLLM's): recorded, not an error. */
  unavailable?: string;
}

const round = (x: number, digits = 6): number => Number(x.toFixed(digits));

/** The server_metrics section of one load level. */
export function buildServerMetrics(log: ScrapeLog, window: TimeWindow, detailed: boolean): ServerMetrics {
  const base: ServerMetrics = {
    available: log.unavailable === undefined, url: log.url, scrape_interval_s: log.intervalS, samples: 0,
    ...(log.unavailable === undefined ? {} : { unavailable_reason: log.unavailable }),
    ...(log.failures > 0 ? { failed_scrapes: log.failures, scrape_errors: log.errors.slice(0, 5) } : {}),
  };
  const points = windowPoints(log.points, window);
  if (log.unavailable !== undefined || points.length === 0) return base;
  const out: Record<string, unknown> = { ...base, samples: points.length, window_s: round(((points.at(-1) as ScrapePoint).t - (points[0] as ScrapePoint).t) / 1000, 3) };
  const durationS = (window.endMs - window.startMs) / 1000;
  for (const [key, name] of [['num_requests_running', 'num_requests_running'], ['num_requests_waiting', 'num_requests_waiting'], ['kv_cache_usage_perc', 'kv_cache_usage_perc']] as const) {
    const stats = gaugeStats(points, key);
    if (stats !== undefined) Object.assign(out, { [`max_${name}`]: stats.max, [`mean_${name}`]: round(stats.mean) });
  }
  for (const key of ['preemptions', 'prompt_tokens', 'generation_tokens', 'requests_succeeded', 'prefix_cache_queries', 'prefix_cache_hits'] as const) {
    const inc = counterIncrease(points, key);
    if (inc !== undefined) out[key] = inc;
  }
  const rate = (key: PointValue) => (typeof out[key] === 'number' && durationS > 0 ? round((out[key] as number) / durationS, 3) : undefined);
  const extras = {
    generation_throughput: rate('generation_tokens'), prompt_throughput: rate('prompt_tokens'),
    prefix_cache_hit_rate: typeof out.prefix_cache_queries === 'number' && out.prefix_cache_queries > 0 && typeof out.prefix_cache_hits === 'number'
      ? round(out.prefix_cache_hits / out.prefix_cache_queries) : undefined,
  };
  for (const [key, value] of Object.entries(extras)) if (value !== undefined) out[key] = value;
  for (const h of SERVER_HISTOGRAMS) Object.assign(out, histogramFields(points, h));
  if (detailed) out.series = seriesOf(points, window.startMs);
  return out as ServerMetrics;
}

// `${h}_count`, mean and the supported percentiles of a histogram's increase, in ms.
function histogramFields(points: readonly ScrapePoint[], h: (typeof SERVER_HISTOGRAMS)[number]): Record<string, number> {
  const inc = histogramIncrease(points, h);
  if (inc === undefined) return {};
  const out: Record<string, number> = { [`${h}_count`]: inc.count };
  if (inc.count > 0) out[`mean_${h}_ms`] = round((inc.sum / inc.count) * 1000, 3);
  for (const p of SERVER_PERCENTILES) {
    if (!supportsPercentile(inc.count, p)) continue;
    const q = histogramQuantile(p / 100, inc);
    if (q !== undefined) out[`p${p}_${h}_ms`] = round(q.value * 1000, 3);
  }
  return out;
}

// The window's gauges and cumulative counters as columns (null where a scrape lacked the name).
function seriesOf(points: readonly ScrapePoint[], originMs: number): NonNullable<ServerMetrics['series']> {
  const col = (key: PointValue) => points.map((p) => p.values[key] ?? null);
  const since = (key: PointValue) => {
    const first = points[0]?.values[key];
    return points.map((p) => (p.values[key] === undefined || first === undefined ? null : (p.values[key] as number) - first));
  };
  return {
    t_s: points.map((p) => round((p.t - originMs) / 1000, 3)),
    num_requests_running: col('num_requests_running'), num_requests_waiting: col('num_requests_waiting'), kv_cache_usage_perc: col('kv_cache_usage_perc'),
    preemptions: since('preemptions'), generation_tokens: since('generation_tokens'),
  };
}

/** Client mean TTFT split into the server's queue and prefill means and the rest; undefined unless all three are known. */
export function buildTtftBreakdown(clientMeanTtftMs: number | undefined, server: ServerMetrics | undefined): TtftBreakdown | undefined {
  const queue = server?.mean_queue_time_ms;
  const prefill = server?.mean_prefill_time_ms;
  if (clientMeanTtftMs === undefined || typeof queue !== 'number' || typeof prefill !== 'number') return undefined;
  return { client_ttft_ms: round(clientMeanTtftMs, 3), queue_ms: queue, prefill_ms: prefill, other_ms: round(clientMeanTtftMs - queue - prefill, 3) };
}
