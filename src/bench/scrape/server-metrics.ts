// A run's scrapes -> its `server_metrics` section and its `ttft_breakdown`, over the measured window
// only (warmup excluded: the baseline is the scrape taken just before the window opened). Pure.
import { SERVER_HISTOGRAMS, SERVER_PERCENTILES, type ServerMetrics, type TtftBreakdown } from '../results/truth-schema.js';
import { combinePoints, type PointValue, type ScrapePoint } from './vllm-point.js';
import { counterIncrease, gaugeStats, histogramIncrease, histogramQuantile, sumHistograms, supportsPercentile, windowPoints, type TimeWindow } from './window.js';

/** What a scraper collected from one server during one load level (times on the window's clock). */
export interface ScrapeLog {
  intervalS: number;
  /** The /metrics URL, credential-free. */
  url: string;
  /** The replica of a service group this server is. */
  replica?: string;
  points: ScrapePoint[];
  failures: number;
  /** The first few errors, for people. */
  errors: string[];
  /** Why the target's /metrics cannot be used (none, not vLLM's): recorded, not an error. */
  unavailable?: string;
}

const round = (x: number, digits = 6): number => Number(x.toFixed(digits));

/**
 * The server_metrics section of one load level, from one server's scrapes or from every replica of
 * a service group. A group's counters and histograms are each replica's window increase added up
 * (a replica that restarts counts from 0 on its own); its gauges and series come from the rounds
 * every replica answered, combined as one server's label sets are (see combinePoints). A replica
 * without usable metrics makes the group's unavailable: a sum over the others would pass for it.
 */
export function buildServerMetrics(logs: readonly ScrapeLog[], window: TimeWindow, detailed: boolean): ServerMetrics {
  const failures = logs.reduce((sum, l) => sum + l.failures, 0);
  const unavailable = logs.find((l) => l.unavailable !== undefined);
  const group = logs.length > 1;
  const perServer = logs.map((l) => windowPoints(l.points, window));
  const errors = [...scrapedTooEarly(logs, perServer, window), ...logs.flatMap((l) => l.errors.map((e) => (group ? `${l.replica ?? l.url}: ${e}` : e)))];
  const base: ServerMetrics = {
    available: unavailable === undefined, ...(group ? {} : { url: logs[0]?.url }), scrape_interval_s: logs[0]?.intervalS ?? 0, samples: 0,
    ...(unavailable === undefined ? {} : { unavailable_reason: `${group ? `replica ${unavailable.replica ?? unavailable.url}: ` : ''}${unavailable.unavailable}` }),
    ...(failures > 0 ? { failed_scrapes: failures } : {}),
    ...(errors.length > 0 ? { scrape_errors: errors.slice(0, 5) } : {}),
    ...(group ? { replicas: logs.map((l, i) => ({ id: l.replica ?? l.url, url: l.url, samples: perServer[i]?.length ?? 0, ...(l.failures > 0 ? { failed_scrapes: l.failures } : {}) })) } : {}),
  };
  const points = group ? windowPoints(roundPoints(logs), window) : (perServer[0] ?? []);
  if (unavailable !== undefined || points.length === 0 || perServer.some((p) => p.length === 0)) return base;
  const out: Record<string, unknown> = { ...base, samples: points.length, window_s: round(((points.at(-1) as ScrapePoint).t - (points[0] as ScrapePoint).t) / 1000, 3) };
  const durationS = (window.endMs - window.startMs) / 1000;
  for (const [key, name] of [['num_requests_running', 'num_requests_running'], ['num_requests_waiting', 'num_requests_waiting'], ['kv_cache_usage_perc', 'kv_cache_usage_perc']] as const) {
    const stats = gaugeStats(points, key);
    if (stats !== undefined) Object.assign(out, { [`max_${name}`]: stats.max, [`mean_${name}`]: round(stats.mean) });
  }
  for (const key of ['preemptions', 'prompt_tokens', 'generation_tokens', 'requests_succeeded', 'prefix_cache_queries', 'prefix_cache_hits'] as const) {
    const increases = perServer.map((p) => counterIncrease(p, key));
    if (increases.every((inc) => inc !== undefined)) out[key] = increases.reduce((a, b) => a + b, 0);
  }
  const rate = (key: PointValue) => (typeof out[key] === 'number' && durationS > 0 ? round((out[key] as number) / durationS, 3) : undefined);
  const extras = {
    generation_throughput: rate('generation_tokens'), prompt_throughput: rate('prompt_tokens'),
    prefix_cache_hit_rate: typeof out.prefix_cache_queries === 'number' && out.prefix_cache_queries > 0 && typeof out.prefix_cache_hits === 'number'
      ? round(out.prefix_cache_hits / out.prefix_cache_queries) : undefined,
  };
  for (const [key, value] of Object.entries(extras)) if (value !== undefined) out[key] = value;
  for (const h of SERVER_HISTOGRAMS) Object.assign(out, histogramFields(perServer, h));
  if (detailed) out.series = seriesOf(points, window.startMs);
  return out as ServerMetrics;
}

// A server whose last scrape came before the measured window ended (a scale-out share still
// running when the final scrape was taken): its counters miss what finished after it; say so.
function scrapedTooEarly(logs: readonly ScrapeLog[], perServer: readonly (readonly ScrapePoint[])[], window: TimeWindow): string[] {
  return logs.flatMap((l, i) => {
    const last = perServer[i]?.at(-1);
    if (last === undefined || last.t >= window.endMs) return [];
    const who = logs.length > 1 ? `${l.replica ?? l.url}: ` : '';
    return [`${who}the last scrape came ${round((window.endMs - last.t) / 1000, 3)} s before the measured window ended: the counts miss what the server did after it`];
  });
}

// A group's rounds that every replica answered, each as one point at the round's last answer.
function roundPoints(logs: readonly ScrapeLog[]): ScrapePoint[] {
  const rounds = new Map<number, ScrapePoint[]>();
  for (const log of logs) {
    for (const p of log.points) if (p.round !== undefined) rounds.set(p.round, [...(rounds.get(p.round) ?? []), p]);
  }
  return [...rounds.values()].filter((ps) => ps.length === logs.length).map((ps) => combinePoints(ps, Math.max(...ps.map((p) => p.t))));
}

// `${h}_count`, mean and the supported percentiles of a histogram's increase (added up over the servers), in ms.
function histogramFields(perServer: readonly (readonly ScrapePoint[])[], h: (typeof SERVER_HISTOGRAMS)[number]): Record<string, number> {
  const increases = perServer.map((points) => histogramIncrease(points, h));
  const inc = increases.every((i) => i !== undefined) ? sumHistograms(increases) : undefined;
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
