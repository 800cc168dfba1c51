// The timelines of one detailed run, against sums computed here from the request records.
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../../src/bench/results/result-schema.js';
import { timelineCharts } from '../../../src/report/chart-run.js';

// 40 requests over ~10 s: each sends at 250 ms steps, first token after 50 ms, then 9 gaps of 20 ms; every 7th fails.
const requests = Array.from({ length: 40 }, (_, i) => ({
  index: i, success: i % 7 !== 3, prompt_tokens: 10, output_tokens: i % 7 === 3 ? 0 : 10, output_tokens_source: 'usage' as const,
  expected_output_tokens: 10, send_lag_ms: 0, start_ms: i * 250, e2el_ms: 250, ...(i % 7 === 3 ? { itl_ms: [] } : { ttft_ms: 50, itl_ms: Array.from({ length: 9 }, () => 20) }),
}));
const run = { duration_s: 10.25, config: { load: { kind: 'concurrency', concurrency: 1 } }, requests } as unknown as ResultDocument;

describe('timelineCharts', () => {
  const charts = timelineCharts(run, 'r');
  const tokens = charts.find((c) => c.id === 'r-tokens');

  it('draws output tokens per second whose integral is every output token of the successful requests', () => {
    const [t, v] = tokens!.data as [number[], number[]];
    const step = (t[1] as number) - (t[0] as number);
    const total = v.reduce((sum, rate) => sum + rate * step, 0);
    expect(total).toBeCloseTo(requests.reduce((n, r) => n + (r.success ? r.output_tokens : 0), 0), 6);
  });

  it('puts each chunk in the step its time falls in', () => {
    // Request 0's chunks are at 50, 70, ..., 210 ms: all ten tokens in the first 250 ms step.
    const [t, v] = tokens!.data as [number[], number[]];
    const step = (t[1] as number) - (t[0] as number);
    expect((v[0] as number) * step).toBeCloseTo(10, 6);
  });
});
