// Pooling shares: the global window spans the first start to the last end, the worst loop wins,
// skew is the spread of starts, and a share that died keeps its records and is named so.
import { describe, expect, it } from 'vitest';
import { poolShares } from '../../../../src/bench/results/pool-shares.js';
import type { RequestRecord } from '../../../../src/bench/engine/types.js';

const rec = (index: number, start: number, end: number, lag = 0): RequestRecord => ({
  index, startMs: start, scheduledMs: start - lag, chunkTimesMs: [start + 1], endMs: end, success: true,
  promptTokens: 1, outputTokens: 1, outputTokensSource: 'usage', expectedOutputTokens: 1,
});

describe('poolShares', () => {
  it('pools two live shares and one that died', () => {
    const pool = poolShares([
      { index: 0, node: 'n1', window: { startMs: 1000, endMs: 5000 }, records: [rec(0, 1000, 4000), rec(3, 2000, 5000, 4)], loop: { p99Ms: 2, maxMs: 9 } },
      { index: 1, node: 'n2', window: { startMs: 1003, endMs: 6000 }, records: [rec(1, 1003, 6000)], loop: { p99Ms: 5, maxMs: 7 } },
      { index: 2, node: 'n3', records: [rec(2, 1001, 7000)] },
    ]);
    expect(pool.records.map((r) => r.index)).toEqual([0, 3, 1, 2]);
    expect(pool.window).toEqual({ startMs: 1000, endMs: 7000 });
    expect(pool.loop).toEqual({ p99Ms: 5, maxMs: 9 });
    expect(pool.startSkewMs).toBe(3);
    expect(pool.shares).toEqual([
      { index: 0, node: 'n1', requests: 2, event_loop_delay_p99_ms: 2, send_lag_p99_ms: 3.96, status: 'ok' },
      { index: 1, node: 'n2', requests: 1, event_loop_delay_p99_ms: 5, send_lag_p99_ms: 0, status: 'ok' },
      { index: 2, node: 'n3', requests: 1, send_lag_p99_ms: 0, status: 'died' },
    ]);
  });

  it('handles more records than a call has argument slots', () => {
    const records = Array.from({ length: 300_000 }, (_, i) => rec(i, i, i + 5));
    const pool = poolShares([{ index: 0, records }]);
    expect(pool.window).toEqual({ startMs: 0, endMs: 300_004 });
  });
});
