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
  const sm = buildServerMetrics(log, { startMs: 0, endMs: 10_000 }, false);
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
    const none = buildServerMetrics({ ...log, points: [], unavailable: 'GET /metrics answered 404: the server exports no metrics' }, { startMs: 0, endMs: 1 }, false);
    expect(none).toEqual({ available: false, unavailable_reason: 'GET /metrics answered 404: the server exports no metrics', url: 'http://x/metrics', scrape_interval_s: 1, samples: 0 });
  });
  it('--save-detailed adds the compact series', () => {
    expect(buildServerMetrics(log, { startMs: 0, endMs: 10_000 }, true).series).toEqual({
      t_s: [0, 10], num_requests_running: [0, 12], num_requests_waiting: [0, 3], kv_cache_usage_perc: [0.25, 0.4375], preemptions: [0, 7], generation_tokens: [0, 65472],
    });
  });
});
