// Pure metrics of a benchmark run, with vLLM's definitions (benchmark_serving.py calculate_metrics).
// The transport records raw monotonic timestamps; everything here is derived from them.
import { summarize } from './percentile.js';
import type { Distribution, RequestRecord, Slo } from '../engine/types.js';

/** Everything derivable from the request records of one run; a value without samples is undefined, never 0. */
export interface BenchMetrics {
  /** Requests sent in the measured phase: completed + failed + cut. */
  num_prompts: number;
  completed: number;
  failed: number;
  /** Still in flight at the deadline and cut off; excluded from every statistic. */
  cut: number;
  /** Warmup requests; excluded from every statistic and count above. */
  warmup: number;
  total_input_tokens: number;
  total_output_tokens: number;
  /** SSE events that were not JSON, over every measured request. */
  malformed_events: number;
  /** Measured 200 streams that ended without `data: [DONE]`. */
  incomplete_streams: number;
  /** Completed requests with fewer output tokens than they asked for (ignore_eos was sent). */
  short_streams: number;
  request_throughput?: number;
  /** Only when an SLO was given. */
  request_goodput?: number;
  output_throughput?: number;
  total_token_throughput?: number;
  ttft_ms: Distribution;
  tpot_ms: Distribution;
  itl_ms: Distribution;
  e2el_ms: Distribution;
  /** Error message -> count, over the failed (measured) requests. */
  errors: Record<string, number>;
}

export interface ComputeMetricsOptions {
  /** Measured run duration in seconds, the denominator of every throughput. */
  durationS: number;
  slo?: Slo;
  percentiles: readonly number[];
}

/** Per-request latencies, vLLM's definitions; undefined where a request has no such sample. */
interface RequestLatencies {
  ttftMs?: number;
  /** (E2EL - TTFT) / (output_tokens - 1), only when output_tokens > 1. */
  tpotMs?: number;
  /** Every gap between successive content chunks. */
  itlMs: number[];
  e2elMs: number;
}

/**
 * A span of the monotonic clock in ms, to the clock's resolution. performance.now() counts whole
 * nanoseconds, so the digits a subtraction leaves past the sixth decimal are floating-point noise,
 * not measurement (13.871129000000001 is 13.871129 ms). Every latency is kept this way, in the
 * statistics and in the records alike, so recomputing a statistic from the records gives it back,
 * and a detailed result file is a third smaller and faster to read.
 */
export function clockMs(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}

/** The same span in seconds (vLLM's unit), to the nanosecond. */
export function clockSeconds(ms: number): number {
  return Math.round(ms * 1e6) / 1e9;
}

/** TTFT, TPOT, ITL and E2EL of one request from its raw timestamps, to the nanosecond (see clockMs). */
export function requestLatencies(record: RequestRecord): RequestLatencies {
  const e2elMs = clockMs(record.endMs - record.startMs);
  let ttftMs: number | undefined;
  let previous: number | undefined;
  const itlMs: number[] = [];
  for (const t of record.chunkTimesMs) {
    // Guard: the transport records content chunks only; a non-finite time is no chunk at all.
    if (!Number.isFinite(t)) continue;
    if (previous === undefined) ttftMs = clockMs(t - record.startMs);
    else itlMs.push(clockMs(t - previous));
    previous = t;
  }
  const tpotMs = ttftMs !== undefined && record.outputTokens > 1 ? clockMs((e2elMs - ttftMs) / (record.outputTokens - 1)) : undefined;
  return { ttftMs, tpotMs, itlMs, e2elMs };
}

// vLLM: a request is good when every given SLO holds with <=; a request with output <= 1 token counts
// TPOT as 0 (meets any TPOT SLO). Without a TTFT sample it cannot be shown to meet a TTFT SLO.
function meetsSlo(lat: RequestLatencies, outputTokens: number, slo: Slo): boolean {
  if (slo.ttftMs !== undefined && !(lat.ttftMs !== undefined && lat.ttftMs <= slo.ttftMs)) return false;
  if (slo.tpotMs !== undefined) {
    const tpot = outputTokens > 1 ? lat.tpotMs : 0;
    if (!(tpot !== undefined && tpot <= slo.tpotMs)) return false;
  }
  if (slo.e2elMs !== undefined && !(lat.e2elMs <= slo.e2elMs)) return false;
  return true;
}

/** True when the SLO object names at least one bound. */
function hasSlo(slo: Slo | undefined): slo is Slo {
  return slo !== undefined && (slo.ttftMs !== undefined || slo.tpotMs !== undefined || slo.e2elMs !== undefined);
}

/** Counts, throughputs, goodput and latency distributions of a run (warmup and cut requests excluded). */
export function computeMetrics(records: readonly RequestRecord[], opts: ComputeMetricsOptions): BenchMetrics {
  const ttfts: number[] = [];
  const tpots: number[] = [];
  const itls: number[] = [];
  const e2els: number[] = [];
  const errors: Record<string, number> = {};
  let completed = 0, failed = 0, cut = 0, warmup = 0, good = 0, input = 0, output = 0;
  let malformed = 0, incomplete = 0, short = 0;

  for (const record of records) {
    if (record.warmup) { warmup++; continue; }
    malformed += record.malformedEvents ?? 0;
    if (record.done === false) incomplete++;
    if (record.cut) { cut++; continue; }
    if (!record.success) {
      failed++;
      const message = record.error ?? (record.status === undefined ? 'unknown error' : `HTTP ${record.status}`);
      errors[message] = (errors[message] ?? 0) + 1;
      continue;
    }
    completed++;
    if (record.outputTokens < record.expectedOutputTokens) short++;
    input += record.promptTokens;
    output += record.outputTokens;
    const lat = requestLatencies(record);
    if (lat.ttftMs !== undefined) ttfts.push(lat.ttftMs);
    if (lat.tpotMs !== undefined) tpots.push(lat.tpotMs);
    for (const gap of lat.itlMs) itls.push(gap);
    e2els.push(lat.e2elMs);
    if (hasSlo(opts.slo) && meetsSlo(lat, record.outputTokens, opts.slo)) good++;
  }

  const perSecond = (n: number): number | undefined =>
    Number.isFinite(opts.durationS) && opts.durationS > 0 ? n / opts.durationS : undefined;
  const metrics: BenchMetrics = {
    num_prompts: completed + failed + cut,
    completed,
    failed,
    cut,
    warmup,
    total_input_tokens: input,
    total_output_tokens: output,
    malformed_events: malformed,
    incomplete_streams: incomplete,
    short_streams: short,
    request_throughput: perSecond(completed),
    output_throughput: perSecond(output),
    total_token_throughput: perSecond(input + output),
    ttft_ms: summarize(ttfts, opts.percentiles),
    tpot_ms: summarize(tpots, opts.percentiles),
    itl_ms: summarize(itls, opts.percentiles),
    e2el_ms: summarize(e2els, opts.percentiles),
    errors,
  };
  if (hasSlo(opts.slo)) metrics.request_goodput = perSecond(good);
  return metrics;
}
