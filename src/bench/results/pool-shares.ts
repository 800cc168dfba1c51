// Several client shares of one load level -> one pool: every record, the global window from the
// first share's start to the last share's end, the worst event loop, the start skew and each
// share's own line. Percentiles are computed over the pooled records, never averaged. Pure.
import type { RequestRecord } from '../engine/types.js';
import { percentile } from './percentile.js';
import type { ClientExtras } from './build-result.js';

/** One share as the merger sees it; times on a clock common to every share (epoch ms across hosts). */
export interface ShareMeasurement {
  index: number;
  node?: string;
  /** Undefined when the share ended without writing what it measured (it died). */
  window?: { startMs: number; endMs: number };
  records: RequestRecord[];
  loop?: { p99Ms?: number; maxMs?: number };
  interrupted?: boolean;
}

export interface Pool {
  records: RequestRecord[];
  window: { startMs: number; endMs: number };
  loop: { p99Ms?: number; maxMs?: number };
  startSkewMs?: number;
  shares: NonNullable<ClientExtras['shares']>;
}

const maxOf = (values: (number | undefined)[]): number | undefined => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
};

/** Pool the shares; a share that died contributes the records it streamed and is marked so. */
export function poolShares(shares: readonly ShareMeasurement[]): Pool {
  const windows = shares.flatMap((s) => (s.window ? [s.window] : []));
  // A loop, not Math.min(...): a run can hold more records than a call has argument slots.
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  for (const w of windows) {
    startMs = Math.min(startMs, w.startMs);
    endMs = Math.max(endMs, w.endMs);
  }
  for (const s of shares) {
    if (s.window !== undefined) continue; // a share that died: its records alone say when it worked
    for (const r of s.records) {
      if (r.warmup) continue;
      startMs = Math.min(startMs, r.startMs);
      endMs = Math.max(endMs, r.endMs);
    }
  }
  const starts = windows.map((w) => w.startMs);
  return {
    records: shares.flatMap((s) => s.records),
    window: Number.isFinite(startMs) && Number.isFinite(endMs) ? { startMs, endMs } : { startMs: 0, endMs: 0 },
    loop: { p99Ms: maxOf(shares.map((s) => s.loop?.p99Ms)), maxMs: maxOf(shares.map((s) => s.loop?.maxMs)) },
    ...(starts.length > 1 ? { startSkewMs: Math.max(...starts) - Math.min(...starts) } : {}),
    shares: shares.map((s) => shareLine(s)),
  };
}

function shareLine(s: ShareMeasurement): Pool['shares'][number] {
  const measured = s.records.filter((r) => !r.warmup);
  const lags = measured.map((r) => Math.max(0, r.startMs - r.scheduledMs));
  return {
    index: s.index,
    ...(s.node === undefined ? {} : { node: s.node }),
    requests: measured.length,
    ...(s.loop?.p99Ms === undefined ? {} : { event_loop_delay_p99_ms: s.loop.p99Ms }),
    ...(lags.length === 0 ? {} : { send_lag_p99_ms: percentile(lags, 99) as number }),
    status: s.window === undefined ? 'died' : s.interrupted ? 'interrupted' : 'ok',
  };
}
