import { describe, expect, it } from 'vitest';
import { computeMetrics, requestLatencies } from '../../../../src/bench/results/metrics.js';
import { toRequestDetail, toResultFields, toVllmDetailArrays } from '../../../../src/bench/results/result-fields.js';
import type { RequestRecord } from '../../../../src/bench/engine/types.js';

function rec(partial: Partial<RequestRecord> & Pick<RequestRecord, 'index' | 'startMs' | 'endMs'>): RequestRecord {
  return {
    scheduledMs: partial.startMs,
    chunkTimesMs: [],
    success: true,
    promptTokens: 0,
    outputTokens: 0,
    outputTokensSource: 'usage',
    expectedOutputTokens: 8,
    ...partial,
  };
}

// Hand-computed fixture (all times in ms):
// r0: ttft 100, itl [20, 30, 50], e2el 210, tpot (210-100)/(5-1) = 27.5
// r1: out = 1 -> ttft 200, no itl, e2el 210, no tpot
// r2: ttft 80, itl [40, 80], e2el 200, tpot (200-80)/(3-1) = 60
// r3, r6: failed; r4: cut; r5: warmup
const records: RequestRecord[] = [
  rec({ index: 0, startMs: 1000, chunkTimesMs: [1100, 1120, 1150, 1200], endMs: 1210, promptTokens: 10, outputTokens: 5 }),
  rec({ index: 1, startMs: 1050, chunkTimesMs: [1250], endMs: 1260, promptTokens: 20, outputTokens: 1 }),
  rec({ index: 2, startMs: 1100, chunkTimesMs: [1180, 1220, 1300], endMs: 1300, promptTokens: 30, outputTokens: 3 }),
  rec({ index: 3, startMs: 1200, endMs: 1250, success: false, status: 500, error: 'HTTP 500: boom', promptTokens: 40 }),
  rec({ index: 4, startMs: 1300, chunkTimesMs: [1400], endMs: 2000, cut: true, promptTokens: 50, outputTokens: 7 }),
  rec({ index: 5, startMs: 0, chunkTimesMs: [10, 20], endMs: 30, warmup: true, promptTokens: 60, outputTokens: 2 }),
  rec({ index: 6, startMs: 1400, endMs: 1500, success: false, error: 'HTTP 500: boom', promptTokens: 70 }),
];

describe('computeMetrics on a hand-computed fixture', () => {
  const m = computeMetrics(records, { durationS: 2, percentiles: [90, 99] });

  it('counts completed, failed, cut and warmup separately', () => {
    expect(m.num_prompts).toBe(6);
    expect(m.completed).toBe(3);
    expect(m.failed).toBe(2);
    expect(m.cut).toBe(1);
    expect(m.warmup).toBe(1);
    expect(m.errors).toEqual({ 'HTTP 500: boom': 2 });
  });

  it('sums tokens of completed requests only and divides by the duration', () => {
    expect(m.total_input_tokens).toBe(60);
    expect(m.total_output_tokens).toBe(9);
    expect(m.request_throughput).toBe(1.5);
    expect(m.output_throughput).toBe(4.5);
    expect(m.total_token_throughput).toBe(34.5);
    expect('request_goodput' in m).toBe(false);
  });

  it('TTFT over [100, 200, 80]', () => {
    expect(m.ttft_ms.count).toBe(3);
    expect(m.ttft_ms.mean).toBeCloseTo(380 / 3, 10);
    expect(m.ttft_ms.median).toBe(100);
    expect(m.ttft_ms.std).toBeCloseTo(Math.sqrt(24800 / 9), 10);
    expect(m.ttft_ms.min).toBe(80);
    expect(m.ttft_ms.max).toBe(200);
    expect(m.ttft_ms.percentiles['90']).toBeCloseTo(180, 10);
    expect(m.ttft_ms.percentiles['99']).toBeCloseTo(198, 10);
  });

  it('TPOT over [27.5, 60] (out = 1 gives no sample)', () => {
    expect(m.tpot_ms.count).toBe(2);
    expect(m.tpot_ms.mean).toBe(43.75);
    expect(m.tpot_ms.median).toBe(43.75);
    expect(m.tpot_ms.std).toBe(16.25);
    expect(m.tpot_ms.min).toBe(27.5);
    expect(m.tpot_ms.max).toBe(60);
    expect(m.tpot_ms.percentiles['90']).toBeCloseTo(56.75, 10);
    expect(m.tpot_ms.percentiles['99']).toBeCloseTo(59.675, 10);
  });

  it('ITL pools every gap: [20, 30, 50, 40, 80]', () => {
    expect(m.itl_ms.count).toBe(5);
    expect(m.itl_ms.mean).toBe(44);
    expect(m.itl_ms.median).toBe(40);
    expect(m.itl_ms.std).toBeCloseTo(Math.sqrt(424), 10);
    expect(m.itl_ms.min).toBe(20);
    expect(m.itl_ms.max).toBe(80);
    expect(m.itl_ms.percentiles['90']).toBeCloseTo(68, 10);
    expect(m.itl_ms.percentiles['99']).toBeCloseTo(78.8, 10);
  });

  it('E2EL over [210, 210, 200]', () => {
    expect(m.e2el_ms.count).toBe(3);
    expect(m.e2el_ms.mean).toBeCloseTo(620 / 3, 10);
    expect(m.e2el_ms.median).toBe(210);
    expect(m.e2el_ms.std).toBeCloseTo(Math.sqrt(200 / 9), 10);
    expect(m.e2el_ms.min).toBe(200);
    expect(m.e2el_ms.max).toBe(210);
    expect(m.e2el_ms.percentiles['90']).toBeCloseTo(210, 10);
    expect(m.e2el_ms.percentiles['99']).toBeCloseTo(210, 10);
  });
});

describe('goodput', () => {
  it.each([
    // r0 good; r1 ttft 200 > 150; r2 tpot 60 > 50
    [{ ttftMs: 150, tpotMs: 50 }, 0.5],
    // out = 1 counts TPOT as 0 (vLLM): r0 and r1 good
    [{ tpotMs: 30 }, 1],
    // SLOs are inclusive
    [{ e2elMs: 210 }, 1.5],
    [{ ttftMs: 100 }, 1],
    [{ e2elMs: 1 }, 0],
  ])('slo %j -> %d req/s', (slo, goodput) => {
    expect(computeMetrics(records, { durationS: 2, slo, percentiles: [] }).request_goodput).toBe(goodput);
  });

  it('is absent for an empty SLO', () => {
    expect(computeMetrics(records, { durationS: 2, slo: {}, percentiles: [] }).request_goodput).toBeUndefined();
  });
});

describe('edge cases', () => {
  it('no requests: counts 0, distributions empty, nothing invented', () => {
    const m = computeMetrics([], { durationS: 10, percentiles: [99] });
    expect(m.completed).toBe(0);
    expect(m.request_throughput).toBe(0);
    expect(m.ttft_ms).toEqual({ count: 0, percentiles: { '99': undefined } });
    const fields = toResultFields(m);
    expect(Object.keys(fields).filter((k) => k.endsWith('_ms'))).toEqual([]);
  });

  it('all failed: failures counted, not dropped', () => {
    const m = computeMetrics([rec({ index: 0, startMs: 0, endMs: 5, success: false })], { durationS: 1, percentiles: [] });
    expect(m.failed).toBe(1);
    expect(m.errors).toEqual({ 'unknown error': 1 });
  });

  it('throughputs are undefined for a non-positive duration', () => {
    const m = computeMetrics(records, { durationS: 0, percentiles: [] });
    expect(m.request_throughput).toBeUndefined();
    expect(m.output_throughput).toBeUndefined();
  });

  it('a success without content chunks has E2EL but no TTFT/TPOT', () => {
    const lat = requestLatencies(rec({ index: 0, startMs: 5, endMs: 25, outputTokens: 4 }));
    expect(lat).toEqual({ ttftMs: undefined, tpotMs: undefined, itlMs: [], e2elMs: 20 });
  });

  it('ignores non-finite chunk times', () => {
    const lat = requestLatencies(rec({ index: 0, startMs: 0, chunkTimesMs: [Number.NaN, 10, 15], endMs: 20, outputTokens: 3 }));
    expect(lat).toEqual({ ttftMs: 10, tpotMs: 5, itlMs: [5], e2elMs: 20 });
  });
});

describe('toResultFields', () => {
  it('flattens to vLLM names and omits undefined', () => {
    const f = toResultFields(computeMetrics(records, { durationS: 2, slo: { ttftMs: 150 }, percentiles: [90, 99.9] }));
    expect(f.completed).toBe(3);
    expect(f.num_warmup).toBe(1);
    expect(f.request_goodput).toBe(1); // r0, r2 meet ttft <= 150
    expect(f.median_ttft_ms).toBe(100);
    expect(f.p90_ttft_ms).toBeCloseTo(180, 10);
    expect(f['p99.9_ttft_ms']).toBeCloseTo(199.8, 10); // h = 1.998
    expect(f.mean_tpot_ms).toBe(43.75);
    expect(f.max_e2el_ms).toBe(210);
    expect('p99_ttft_ms' in f).toBe(false);
  });
});

describe('latencies to the clock resolution', () => {
  // performance.now() values are whole nanoseconds; subtracting two of them leaves binary noise.
  const noisy = rec({ index: 0, startMs: 1234.567891, chunkTimesMs: [1248.439020, 1261.000001, 1274.5], endMs: 1274.700003, outputTokens: 3 });

  it('keeps every latency to the nanosecond, so the records print short and exact', () => {
    expect(1248.439020 - 1234.567891).not.toBe(13.871129); // the noise this removes
    const lat = requestLatencies(noisy);
    expect(lat.ttftMs).toBe(13.871129);
    expect(lat.itlMs).toEqual([12.560981, 13.499999]);
    expect(lat.e2elMs).toBe(40.132112);
    expect(lat.tpotMs).toBe(13.130492); // (40.132112 - 13.871129) / 2 = 13.1304915, to the nanosecond
    expect(toRequestDetail(noisy, 1200).start_ms).toBe(34.567891);
    expect(toVllmDetailArrays([noisy]).itls).toEqual([[0.012560981, 0.013499999]]);
  });

  it('computes the statistics from the same values the detail records hold', () => {
    const many = Array.from({ length: 50 }, (_, i) => rec({ index: i, startMs: 1000.000001 * i + 0.1, chunkTimesMs: [1000.000001 * i + 0.3, 1000.000001 * i + 0.7], endMs: 1000.000001 * i + 0.9, outputTokens: 2 }));
    const m = computeMetrics(many, { durationS: 60, percentiles: [50] });
    const details = many.map((r) => toRequestDetail(r));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(m.ttft_ms.mean).toBe(mean(details.map((d) => d.ttft_ms ?? Number.NaN)));
    expect(m.e2el_ms.mean).toBe(mean(details.map((d) => d.e2el_ms)));
    expect(m.itl_ms.mean).toBe(mean(details.flatMap((d) => d.itl_ms)));
  });
});
