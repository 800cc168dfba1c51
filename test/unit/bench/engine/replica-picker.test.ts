// Spreading requests over a group's replicas: round-robin in turn; least-outstanding to the
// least busy, ties in turn; and the per-replica cut of a run adds up to the whole.
import { describe, expect, it } from 'vitest';
import { createPicker } from '../../../../src/bench/engine/replica-picker.js';
import type { RequestRecord } from '../../../../src/bench/engine/types.js';
import { computeMetrics } from '../../../../src/bench/results/metrics.js';
import { replicaStats } from '../../../../src/bench/results/replica-stats.js';

describe('createPicker', () => {
  it('round-robin takes the replicas in turn, whatever is in flight', () => {
    const p = createPicker(3);
    expect([0, 1, 2, 3, 4, 5].map(() => p.pick([9, 0, 0]))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('least-outstanding sends to the least busy replica, ties broken in turn', () => {
    const p = createPicker(3, 'least-outstanding');
    const inFlight = [0, 0, 0];
    const picks = [0, 1, 2, 3].map(() => {
      const i = p.pick(inFlight);
      inFlight[i]! += 1;
      return i;
    });
    expect(picks.slice(0, 3).sort()).toEqual([0, 1, 2]);
    expect(p.pick([5, 1, 3])).toBe(1);
    expect(p.pick([0, 4, 4])).toBe(0);
  });
});

const rec = (index: number, replica: string | undefined, ok = true, warmup = false): RequestRecord => ({
  index, startMs: index * 10, scheduledMs: index * 10, chunkTimesMs: [index * 10 + 5, index * 10 + 8], endMs: index * 10 + 9, success: ok,
  promptTokens: 10, outputTokens: 2, outputTokensSource: 'usage', expectedOutputTokens: 2, ...(replica ? { replica } : {}), ...(warmup ? { warmup } : {}),
  ...(ok ? {} : { error: 'HTTP 500' }),
});

describe('replicaStats', () => {
  it('cuts a run per replica with the same fields; counts add up to the whole; warmup stays out', () => {
    const records = [rec(0, 'g-1', true, true), rec(1, 'g-1'), rec(2, 'g-2'), rec(3, 'g-1', false), rec(4, 'g-2'), rec(5, 'g-10')];
    const opts = { durationS: 1, percentiles: [50, 99] };
    const stats = replicaStats(records, opts)!;
    expect(stats.map((s) => s.id)).toEqual(['g-1', 'g-2', 'g-10']);
    expect(stats.map((s) => s.stats['num_prompts'])).toEqual([2, 2, 1]);
    expect(stats.reduce((n, s) => n + (s.stats['num_prompts'] ?? 0), 0)).toBe(computeMetrics(records, opts).num_prompts);
    expect(stats[0]!.stats).toMatchObject({ completed: 1, failed: 1, num_warmup: 1, mean_ttft_ms: 5 });
    expect(replicaStats([rec(0, undefined)], opts)).toBeUndefined();
  });
});
