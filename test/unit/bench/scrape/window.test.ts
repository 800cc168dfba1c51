// Window arithmetic over scrapes, checked by hand: counter increases (resets, series appearing),
// gauges, histogram increases and Prometheus-style quantile estimates with their bucket bounds.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePromText } from '../../../../src/bench/scrape/prom-text.js';
import { buildServerMetrics, buildTtftBreakdown, type ScrapeLog } from '../../../../src/bench/scrape/server-metrics.js';
import { vllmPoint, type ScrapePoint } from '../../../../src/bench/scrape/vllm-point.js';
import {
  counterIncrease, gaugeStats, histogramIncrease, histogramQuantile, supportsPercentile, windowPoints,
} from '../../../../src/bench/scrape/window.js';

const point = (t: number, values: ScrapePoint['values'], histograms: ScrapePoint['histograms'] = {}): ScrapePoint => ({ t, values, histograms });

describe('windowPoints', () => {
  const pts = [0, 900, 1000, 2000, 3000, 3100, 4000].map((t) => point(t, {}));
  it('runs from the last point at or before the start to the first at or after the end', () => {
    expect(windowPoints(pts, { startMs: 950, endMs: 3050 }).map((p) => p.t)).toEqual([900, 1000, 2000, 3000, 3100]);
    expect(windowPoints(pts, { startMs: 1000, endMs: 3000 }).map((p) => p.t)).toEqual([1000, 2000, 3000]);
  });
});

describe('counterIncrease', () => {
  it('sums the steps, counting a reset from 0', () => {
    const pts = [point(0, { preemptions: 10 }), point(1, { preemptions: 15 }), point(2, { preemptions: 3 }), point(3, { preemptions: 5 })];
    expect(counterIncrease(pts, 'preemptions')).toBe(5 + 3 + 2);
  });
  it('a series that appears during the window started from 0', () => {
    expect(counterIncrease([point(0, {}), point(1, { preemptions: 4 })], 'preemptions')).toBe(4);
  });
  it('a name no scrape had is unknown, not 0', () => {
    expect(counterIncrease([point(0, {}), point(1, {})], 'preemptions')).toBeUndefined();
    expect(counterIncrease([], 'preemptions')).toBeUndefined();
  });
});

describe('gaugeStats', () => {
  it('mean and max over the scrapes that have it', () => {
    expect(gaugeStats([point(0, { num_requests_waiting: 0 }), point(1, {}), point(2, { num_requests_waiting: 6 }), point(3, { num_requests_waiting: 3 })], 'num_requests_waiting')).toEqual({ mean: 3, max: 6 });
    expect(gaugeStats([point(0, {})], 'num_requests_waiting')).toBeUndefined();
  });
});

describe('histogramIncrease and histogramQuantile', () => {
  const h = (cumulative: number[], count: number, sum: number) => ({ le: [0.1, 0.5, 1], cumulative, sum, count });
  it('the increase is bucket by bucket', () => {
    const inc = histogramIncrease([point(0, {}, { queue_time: h([1, 2, 3], 3, 1) }), point(1, {}, { queue_time: h([11, 52, 103], 104, 41) })], 'queue_time');
    expect(inc).toEqual(h([10, 50, 100], 101, 40));
  });
  it('different bucket bounds cannot be subtracted', () => {
    const other = { le: [0.2, 0.5, 1], cumulative: [1, 2, 3], sum: 1, count: 3 };
    expect(histogramIncrease([point(0, {}, { ttft: other }), point(1, {}, { ttft: h([10, 50, 100], 100, 40) })], 'ttft')).toBeUndefined();
  });
  it('interpolates inside the bucket as histogram_quantile does, and says the bucket', () => {
    const inc = h([10, 50, 100], 100, 40);
    // rank 50 falls at the top of (0.1, 0.5]; rank 90 is 40/50 of the way through (0.5, 1].
    expect(histogramQuantile(0.5, inc)).toEqual({ value: 0.5, lower: 0.1, upper: 0.5 });
    expect(histogramQuantile(0.9, inc)?.value).toBeCloseTo(0.9, 10);
    // rank 5 in the first bucket, which starts at 0
    expect(histogramQuantile(0.05, inc)).toEqual({ value: 0.05, lower: 0, upper: 0.1 });
  });
  it('a rank in the +Inf bucket has no estimate', () => {
    expect(histogramQuantile(0.99, h([10, 50, 90], 100, 40))).toBeUndefined();
    expect(histogramQuantile(0.5, h([0, 0, 0], 0, 0))).toBeUndefined();
  });
  it('a percentile needs an observation above it', () => {
    expect([supportsPercentile(99, 99), supportsPercentile(100, 99), supportsPercentile(9, 90), supportsPercentile(10, 90), supportsPercentile(1, 50), supportsPercentile(2, 50)]).toEqual([false, true, false, true, false, true]);
  });
});

describe('buildServerMetrics over two scrapes of the vLLM fixture', () => {
  const text = readFileSync(resolve(import.meta.dirname, '../../../fixtures/vllm/metrics-v1.txt'), 'utf8');
  const end = vllmPoint(parsePromText(text), 10_000);
  // The baseline: the same server before the window, every counter and histogram at 0 and idle.
  const zeroH = Object.fromEntries(Object.entries(end.histograms).map(([k, v]) => [k, { ...v, cumulative: v.cumulative.map(() => 0), sum: 0, count: 0 }]));
  const base: ScrapePoint = { t: 0, values: { ...Object.fromEntries(Object.keys(end.values).map((k) => [k, 0])), kv_cache_usage_perc: 0.25 }, histograms: zeroH };
  const log: ScrapeLog = { intervalS: 1, url: 'http://x/metrics', points: [base, end], failures: 0, errors: [] };
  const sm = buildServerMetrics([log], { startMs: 0, endMs: 10_000 }, false);
  it('counters, gauges and rates', () => {
    expect(sm).toMatchObject({
      available: true, samples: 2, window_s: 10, preemptions: 7, generation_tokens: 65472, generation_throughput: 6547.2,
      prefix_cache_hit_rate: 0.25, max_kv_cache_usage_perc: 0.4375, mean_kv_cache_usage_perc: 0.34375, max_num_requests_running: 12,
    });
  });
  it('histogram means and the percentiles 512 observations support', () => {
    expect(sm.queue_time_count).toBe(512);
    expect(sm.mean_queue_time_ms).toBeCloseTo((61.3 / 512) * 1000, 3);
    // queue p50: rank 256 of 400 in the first bucket (0, 0.3] -> 0.3 x 256/400 = 0.192 s
    expect(sm.p50_queue_time_ms).toBeCloseTo(192, 6);
    // ttft p99: rank 506.88 in (0.5, 0.75] where the cumulative goes 500 -> 508: 0.5 + 0.25 x 6.88/8
    expect(sm.p99_ttft_ms).toBeCloseTo((0.5 + (0.25 * 6.88) / 8) * 1000, 6);
  });
  it('the TTFT breakdown is the client mean split by the server means', () => {
    const b = buildTtftBreakdown(200, sm);
    expect(b?.queue_ms).toBeCloseTo(119.727, 3);
    expect(b?.prefill_ms).toBeCloseTo(80, 3);
    expect(b?.other_ms).toBeCloseTo(200 - 119.727 - 80, 3);
    expect(buildTtftBreakdown(undefined, sm)).toBeUndefined();
  });
  it('a target without /metrics is recorded as such, with no numbers', () => {
    const none = buildServerMetrics([{ ...log, points: [], unavailable: 'GET /metrics answered 404: the server exports no metrics' }], { startMs: 0, endMs: 1 }, false);
    expect(none).toEqual({ available: false, unavailable_reason: 'GET /metrics answered 404: the server exports no metrics', url: 'http://x/metrics', scrape_interval_s: 1, samples: 0 });
  });
  it('a last scrape before the window ended is said (its counts miss the tail), not passed off as the whole window', () => {
    const short = buildServerMetrics([log], { startMs: 0, endMs: 12_500 }, false);
    expect(short.generation_tokens).toBe(65472);
    expect(short.scrape_errors).toEqual(['the last scrape came 2.5 s before the measured window ended: the counts miss what the server did after it']);
    expect(short.failed_scrapes).toBeUndefined();
    expect(sm.scrape_errors).toBeUndefined();
  });
  it('--save-detailed adds the compact series', () => {
    expect(buildServerMetrics([log], { startMs: 0, endMs: 10_000 }, true).series).toEqual({
      t_s: [0, 10], num_requests_running: [0, 12], num_requests_waiting: [0, 3], kv_cache_usage_perc: [0.25, 0.4375], preemptions: [0, 7], generation_tokens: [0, 65472],
    });
  });
});

describe('buildServerMetrics over the replicas of a service group', () => {
  const text = readFileSync(resolve(import.meta.dirname, '../../../fixtures/vllm/metrics-v1.txt'), 'utf8');
  const end = vllmPoint(parsePromText(text), 10_000);
  const zeroH = Object.fromEntries(Object.entries(end.histograms).map(([k, v]) => [k, { ...v, cumulative: v.cumulative.map(() => 0), sum: 0, count: 0 }]));
  const base: ScrapePoint = { t: 0, values: { ...Object.fromEntries(Object.keys(end.values).map((k) => [k, 0])), kv_cache_usage_perc: 0.25 }, histograms: zeroH };
  const replica = (id: string, points: ScrapePoint[], extra: Partial<ScrapeLog> = {}): ScrapeLog => ({ intervalS: 1, url: `http://${id}/metrics`, replica: id, points, failures: 0, errors: [], ...extra });
  const window = { startMs: 0, endMs: 10_000 };
  // Replica b answers each round 5 ms after a, and was half as busy at the end of the window.
  const half: ScrapePoint = { ...end, t: 10_005, values: { ...end.values, generation_tokens: 1000, num_requests_running: 2, kv_cache_usage_perc: 0.5 } };
  const a = replica('a', [{ ...base, round: 0 }, { ...end, round: 1 }]);
  const b = replica('b', [{ ...base, t: 5, round: 0 }, { ...half, round: 1 }]);

  it("counters and histograms add up over the replicas; gauges combine round by round as one server's label sets do", () => {
    const sm = buildServerMetrics([a, b], window, true);
    const one = buildServerMetrics([a], window, false);
    expect(sm).toMatchObject({
      available: true, samples: 2, window_s: 10, preemptions: 14, generation_tokens: 65472 + 1000, generation_throughput: 6647.2,
      max_num_requests_running: 14, max_kv_cache_usage_perc: 0.5, mean_kv_cache_usage_perc: 0.375,
      queue_time_count: 1024, p50_queue_time_ms: one.p50_queue_time_ms, requests_succeeded: 2 * (one.requests_succeeded as number),
      replicas: [{ id: 'a', url: 'http://a/metrics', samples: 2 }, { id: 'b', url: 'http://b/metrics', samples: 2 }],
    });
    expect(sm.url).toBeUndefined();
    expect(sm.series).toMatchObject({ t_s: [0.005, 10.005], num_requests_running: [0, 14], generation_tokens: [0, 66472] });
  });

  it('a replica that restarted counts from 0 on its own; the others are not taken for a reset', () => {
    const restarted = replica('b', [{ ...base, t: 5, values: { ...base.values, generation_tokens: 5000 }, round: 0 }, { ...half, round: 1 }]);
    expect(buildServerMetrics([a, restarted], window, false).generation_tokens).toBe(65472 + 1000);
  });

  it("gauges use only the rounds every replica answered; a replica's failures are named", () => {
    const mid: ScrapePoint = { ...base, t: 5000, values: { ...base.values, num_requests_running: 50 } };
    const a3 = replica('a', [{ ...base, round: 0 }, { ...mid, round: 1 }, { ...end, round: 2 }]);
    const b2 = replica('b', [{ ...base, t: 5, round: 0 }, { ...half, round: 2 }], { failures: 1, errors: ['GET /metrics answered 500'] });
    const sm = buildServerMetrics([a3, b2], window, false);
    expect(sm).toMatchObject({ samples: 2, max_num_requests_running: 14, failed_scrapes: 1, scrape_errors: ['b: GET /metrics answered 500'], generation_tokens: 65472 + 1000 });
    expect(sm.replicas).toEqual([{ id: 'a', url: 'http://a/metrics', samples: 3 }, { id: 'b', url: 'http://b/metrics', samples: 2, failed_scrapes: 1 }]);
  });

  it('a replica without usable metrics makes the group unavailable, naming it (a sum over the rest would pass for the group)', () => {
    const sm = buildServerMetrics([a, replica('b', [], { unavailable: 'GET /metrics answered 404: the server exports no metrics' })], window, false);
    expect(sm).toMatchObject({ available: false, samples: 0, unavailable_reason: 'replica b: GET /metrics answered 404: the server exports no metrics' });
    expect(sm.generation_tokens).toBeUndefined();
  });
});
