import { describe, expect, it } from 'vitest';
import { HEADLINE_METRICS, meanFields, repetitionSummary } from '../../../src/report/repetitions.js';
import { meanCi95 } from '../../../src/report/stats.js';
import { fixture, withoutDetail } from '../../helpers/result-fixtures.js';

const runs = [1, 2, 3, 4].map((i) => fixture(`nightly/fast-${i}.json`));

describe('repetitions', () => {
  it('summarise each headline metric with its mean and 95% CI', () => {
    const summary = repetitionSummary(runs);
    expect(Object.keys(summary).sort()).toEqual(HEADLINE_METRICS.filter((m) => runs[0]![m as keyof typeof runs[0]] !== undefined).sort());
    expect(summary.p99_ttft_ms).toEqual(meanCi95(runs.map((r) => r.p99_ttft_ms!)));
    expect(summary.output_throughput!.low! < summary.output_throughput!.mean).toBe(true);
  });

  it('leave out a metric some repetition lacks rather than average part of them', () => {
    const [a, b] = [structuredClone(runs[0]!), structuredClone(runs[1]!)];
    delete a.p99_itl_ms;
    expect(repetitionSummary([a, b]).p99_itl_ms).toBeUndefined();
    expect(meanFields([a, b]).p99_itl_ms).toBeUndefined();
  });

  it('average the flat metric fields (one run: itself)', () => {
    expect(meanFields([runs[0]!]).median_tpot_ms).toBe(runs[0]!.median_tpot_ms);
    expect(meanFields(runs).completed).toBe(80);
    expect(meanFields([withoutDetail(runs[0]!), runs[1]!]).mean_ttft_ms).toBeCloseTo((runs[0]!.mean_ttft_ms! + runs[1]!.mean_ttft_ms!) / 2, 12);
  });
});
