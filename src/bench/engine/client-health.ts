// Client self-health: is the benchmark client (not the server) the bottleneck? Event-loop delay
// from perf_hooks and send lag (actual - scheduled start) are recorded in every result.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { percentile } from '../results/percentile.js';
import type { RequestRecord } from './types.js';

/** Above either threshold (ms, p99) the client is flagged as a possible bottleneck. */
const BOTTLENECK_THRESHOLDS_MS = { eventLoopP99: 10, sendLagP99: 10 } as const;

interface ClientHealth {
  event_loop_delay_p99_ms?: number;
  event_loop_delay_max_ms?: number;
  send_lag_p99_ms?: number;
  send_lag_max_ms?: number;
  bottleneck_warning?: string;
}

const RESOLUTION_MS = 1;

/** Start sampling event-loop delay; stop() returns p99/max in ms. */
export function startEventLoopMonitor(): { stop(): { p99Ms?: number; maxMs?: number } } {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  // The histogram records the whole timer interval (resolution + delay): subtract the resolution.
  const delayMs = (ns: number): number => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return {
    stop() {
      histogram.disable();
      if (histogram.count === 0) return {};
      return { p99Ms: delayMs(histogram.percentile(99)), maxMs: delayMs(histogram.max) };
    },
  };
}

/** Combine event-loop delay and the records' send lag into the health block, with a warning when over threshold. */
export function clientHealth(loop: { p99Ms?: number; maxMs?: number }, records: readonly RequestRecord[]): ClientHealth {
  const lags = records.filter((r) => !r.warmup).map((r) => Math.max(0, r.startMs - r.scheduledMs));
  const health: ClientHealth = {
    event_loop_delay_p99_ms: loop.p99Ms,
    event_loop_delay_max_ms: loop.maxMs,
    send_lag_p99_ms: percentile(lags, 99),
    send_lag_max_ms: lags.length > 0 ? lags.reduce((a, b) => (b > a ? b : a)) : undefined,
  };
  const reasons: string[] = [];
  if ((health.event_loop_delay_p99_ms ?? 0) > BOTTLENECK_THRESHOLDS_MS.eventLoopP99) {
    reasons.push(`event-loop delay p99 ${health.event_loop_delay_p99_ms?.toFixed(1)} ms > ${BOTTLENECK_THRESHOLDS_MS.eventLoopP99} ms`);
  }
  if ((health.send_lag_p99_ms ?? 0) > BOTTLENECK_THRESHOLDS_MS.sendLagP99) {
    reasons.push(`send lag p99 ${health.send_lag_p99_ms?.toFixed(1)} ms > ${BOTTLENECK_THRESHOLDS_MS.sendLagP99} ms`);
  }
  if (reasons.length > 0) health.bottleneck_warning = `the client may be the bottleneck: ${reasons.join('; ')}`;
  return health;
}
