// Flat, vLLM-named metric fields of a result document (mean_ttft_ms, p99_ttft_ms, ...) and the
// per-request detail records written with --save-detailed.
import { formatPercentileKey } from './percentile.js';
import { clockMs, clockSeconds, requestLatencies, type BenchMetrics } from './metrics.js';
import type { Distribution, RequestRecord } from '../engine/types.js';

export const LATENCY_METRICS = ['ttft', 'tpot', 'itl', 'e2el'] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];
export const LATENCY_STATS = ['mean', 'median', 'std', 'min', 'max'] as const;
type LatencyStat = (typeof LATENCY_STATS)[number];
type LatencyStatField = `${LatencyStat}_${LatencyMetric}_ms`;
/** vLLM's p{p_word}_{metric}_ms, e.g. p99_ttft_ms, p99.9_itl_ms. */
export type PercentileField = `p${string}_${LatencyMetric}_ms`;

export const COUNT_FIELDS = ['num_prompts', 'completed', 'failed', 'cut', 'num_warmup', 'total_input_tokens', 'total_output_tokens'] as const;
/** Stream health counts over measured requests: not-JSON SSE events, 200 streams without [DONE], completed with fewer tokens than asked. */
export const STREAM_FIELDS = ['malformed_events', 'incomplete_streams', 'short_streams'] as const;
export const THROUGHPUT_FIELDS = ['request_throughput', 'request_goodput', 'output_throughput', 'total_token_throughput'] as const;

/** Every fixed metric field name (percentile fields follow PERCENTILE_FIELD instead). */
const STATIC_METRIC_FIELDS: readonly string[] = [
  ...COUNT_FIELDS,
  ...STREAM_FIELDS,
  ...THROUGHPUT_FIELDS,
  ...LATENCY_METRICS.flatMap((m) => LATENCY_STATS.map((s) => `${s}_${m}_ms`)),
];

export const PERCENTILE_FIELD = /^p(\d+(?:\.\d+)?)_(ttft|tpot|itl|e2el)_ms$/;

/** True for a metric field a result may carry: a fixed name or p{N}_{metric}_ms with 0 <= N <= 100. */
export function isMetricField(name: string): boolean {
  if (STATIC_METRIC_FIELDS.includes(name)) return true;
  const match = PERCENTILE_FIELD.exec(name);
  return match !== null && Number(match[1]) <= 100;
}

/** The flat metric part of a result document. */
export type MetricFields = {
  [K in (typeof COUNT_FIELDS)[number]]: number;
} & {
  [K in (typeof THROUGHPUT_FIELDS)[number] | (typeof STREAM_FIELDS)[number] | LatencyStatField]?: number;
} & {
  [K in PercentileField]?: number;
};

function putDistribution(out: Record<string, number>, metric: LatencyMetric, dist: Distribution): void {
  for (const stat of LATENCY_STATS) {
    const value = dist[stat];
    if (value !== undefined) out[`${stat}_${metric}_ms`] = value;
  }
  for (const [key, value] of Object.entries(dist.percentiles)) {
    if (value !== undefined) out[`p${key}_${metric}_ms`] = value;
  }
}

/** Flatten BenchMetrics into vLLM-named fields, omitting every undefined value. */
export function toResultFields(metrics: BenchMetrics): MetricFields {
  const out: Record<string, number> = {
    num_prompts: metrics.num_prompts,
    completed: metrics.completed,
    failed: metrics.failed,
    cut: metrics.cut,
    num_warmup: metrics.warmup,
    total_input_tokens: metrics.total_input_tokens,
    total_output_tokens: metrics.total_output_tokens,
    malformed_events: metrics.malformed_events,
    incomplete_streams: metrics.incomplete_streams,
    short_streams: metrics.short_streams,
  };
  for (const field of THROUGHPUT_FIELDS) {
    const value = metrics[field];
    if (value !== undefined) out[field] = value;
  }
  putDistribution(out, 'ttft', metrics.ttft_ms);
  putDistribution(out, 'tpot', metrics.tpot_ms);
  putDistribution(out, 'itl', metrics.itl_ms);
  putDistribution(out, 'e2el', metrics.e2el_ms);
  return out as MetricFields;
}

/** Name of the result field for a latency percentile: (99.9, 'ttft') -> "p99.9_ttft_ms". */
export function percentileField(p: number, metric: LatencyMetric): PercentileField {
  return `p${formatPercentileKey(p)}_${metric}_ms`;
}

/** One request in a detailed result (--save-detailed); times relative to its own start, in ms. */
interface RequestDetail {
  index: number;
  success: boolean;
  status?: number;
  error?: string;
  prompt_tokens: number;
  output_tokens: number;
  output_tokens_source: RequestRecord['outputTokensSource'];
  expected_output_tokens: number;
  /** How late the request was sent versus its schedule (rate mode); 0 in closed loop. */
  send_lag_ms: number;
  ttft_ms?: number;
  tpot_ms?: number;
  e2el_ms: number;
  itl_ms: number[];
  cut?: boolean;
  cut_reason?: RequestRecord['cutReason'];
  warmup?: boolean;
  start_ms?: number;
  malformed_events?: number;
  done?: boolean;
  client?: number;
  session?: number;
  turn?: number;
  think_ms?: number;
}

/** The detailed record of one request, derived with the same definitions as the metrics; `originMs` is the measured phase's start. */
export function toRequestDetail(record: RequestRecord, originMs?: number): RequestDetail {
  const lat = requestLatencies(record);
  const detail: RequestDetail = {
    index: record.index,
    success: record.success,
    prompt_tokens: record.promptTokens,
    output_tokens: record.outputTokens,
    output_tokens_source: record.outputTokensSource,
    expected_output_tokens: record.expectedOutputTokens,
    send_lag_ms: clockMs(record.startMs - record.scheduledMs),
    e2el_ms: lat.e2elMs,
    itl_ms: lat.itlMs,
  };
  if (record.status !== undefined) detail.status = record.status;
  if (record.error !== undefined) detail.error = record.error;
  if (lat.ttftMs !== undefined) detail.ttft_ms = lat.ttftMs;
  if (lat.tpotMs !== undefined) detail.tpot_ms = lat.tpotMs;
  if (record.cut) detail.cut = true;
  if (record.cutReason !== undefined) detail.cut_reason = record.cutReason;
  if (record.warmup) detail.warmup = true;
  if (originMs !== undefined) detail.start_ms = clockMs(record.startMs - originMs);
  if (record.malformedEvents !== undefined) detail.malformed_events = record.malformedEvents;
  if (record.done !== undefined) detail.done = record.done;
  if (record.client !== undefined) detail.client = record.client;
  if (record.session !== undefined) detail.session = record.session;
  if (record.turn !== undefined) detail.turn = record.turn;
  if (record.thinkMs !== undefined) detail.think_ms = record.thinkMs;
  return detail;
}

/** vLLM's per-request lists (its `--save-detailed`), in its units: seconds, one entry per measured request. */
interface VllmDetailArrays {
  input_lens: number[];
  output_lens: number[];
  /** Seconds; 0 where no first token came (vLLM's default for a failed request). */
  ttfts: number[];
  /** Seconds between successive content chunks, per request. */
  itls: number[][];
}

/** The measured (non-warmup) requests in index order as vLLM lists them, so its plotting scripts read our files. */
export function toVllmDetailArrays(records: readonly RequestRecord[]): VllmDetailArrays {
  const out: VllmDetailArrays = { input_lens: [], output_lens: [], ttfts: [], itls: [] };
  for (const record of [...records].filter((r) => !r.warmup).sort((a, b) => a.index - b.index)) {
    const lat = requestLatencies(record);
    out.input_lens.push(record.promptTokens);
    out.output_lens.push(record.success ? record.outputTokens : 0);
    out.ttfts.push(clockSeconds(lat.ttftMs ?? 0));
    out.itls.push(lat.itlMs.map(clockSeconds));
  }
  return out;
}
