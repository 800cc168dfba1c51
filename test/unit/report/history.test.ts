// History on recorded runs placed on consecutive nights.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { buildHistory, parseSince } from '../../../src/report/history.js';
import { onDay, withoutDetail } from '../../helpers/result-fixtures.js';

const fastNights = [1, 2, 3, 4, 5, 6].map((i) => onDay(`nightly/fast-${i}.json`, i));
const opts = { metrics: ['median_tpot_ms', 'output_throughput', 'p99_ttft_ms'], window: 10, maxRegressionPct: 5 };

describe('buildHistory', () => {
  it('flags a newest run outside the trailing prediction interval, per metric, saying what decided', () => {
    const report = buildHistory([...fastNights, onDay('nightly/slow.json', 7)], opts);
    expect(report.groups).toHaveLength(1);
    const [tpot, throughput, ttft] = report.groups[0]!.metrics;
    expect(tpot).toMatchObject({ metric: 'median_tpot_ms', past_threshold: true, regressed: true, significance: { method: 'prediction-interval', significant: true } });
    expect(tpot?.deviation_pct).toBeGreaterThan(25);
    expect(tpot?.points).toHaveLength(7);
    expect(throughput).toMatchObject({ direction: 'higher-is-better', regressed: true });
    expect(ttft?.regressed).toBe(false); // the slow night's p99 TTFT is lower
    expect(report.regressions).toHaveLength(2);
    expect(report.regressions[0]).toMatch(/^facebook\/opt-125m concurrency@4 median_tpot_ms \+29\.\d% vs the trailing window: significant: 95% prediction interval of 6 trailing runs/);
  });

  it('a normal night is not flagged', () => {
    const report = buildHistory([...fastNights.slice(0, 5), onDay('nightly/fast-6.json', 9)], opts);
    expect(report.regressions).toEqual([]);
    expect(report.groups[0]?.metrics.every((m) => m.significance.method === 'prediction-interval')).toBe(true);
  });

  it('orders runs by start time whatever the file order, and keeps only --since', () => {
    const report = buildHistory([onDay('nightly/slow.json', 7), ...[...fastNights].reverse()], { ...opts, since: new Date(Date.UTC(2025, 0, 5)) });
    expect(report.groups[0]?.runs.map((r) => r.started_at.slice(0, 10))).toEqual(['2025-01-05', '2025-01-06', '2025-01-07', '2025-01-08']);
    expect(report.groups[0]?.metrics[0]?.significance.method).toBe('prediction-interval'); // 3 earlier runs
  });

  it('with fewer than 3 earlier runs: per-request samples against the previous run, else the threshold alone', () => {
    const detailed = buildHistory([onDay('detailed/base.json', 1), onDay('detailed/slower.json', 2)], opts);
    expect(detailed.groups[0]?.metrics[0]?.significance).toMatchObject({ method: 'bootstrap-quantile', significant: true });
    expect(detailed.groups[0]?.metrics[0]?.significance.test).toMatch(/newest vs the run before$/);
    const plain = buildHistory([fastNights[0]!, onDay('nightly/slow.json', 2)], opts);
    expect(plain.groups[0]?.metrics[0]).toMatchObject({ regressed: true, significance: { method: 'none' } });
    expect(plain.groups[0]?.metrics[0]?.significance.note).toMatch(/1 earlier run\(s\) \(3 needed for the prediction interval\).*the threshold alone decides/);
  });

  it('groups by workload: a different load is its own trend, and the first run has no verdict', () => {
    const rate = onDay('detailed/rate.json', 3);
    const report = buildHistory([...fastNights, { ...rate, doc: withoutDetail(rate.doc) }], opts);
    expect(report.groups.map((g) => g.workload.load)).toEqual(['concurrency@4', 'poisson@20.00']);
    expect(report.groups[1]?.metrics[0]).toMatchObject({ regressed: false, significance: { note: 'first run of this workload' } });
  });

  it('computes a trend per week (Theil–Sen)', () => {
    const report = buildHistory(fastNights, { ...opts, metrics: ['output_throughput'] });
    expect(Math.abs(report.groups[0]!.metrics[0]!.trend_pct_per_week!)).toBeLessThan(1);
  });
});

describe('parseSince', () => {
  const now = new Date('2025-02-01T00:00:00Z');
  it.each([
    ['30d', '2025-01-02T00:00:00.000Z'],
    ['12h', '2025-01-31T12:00:00.000Z'],
    ['2w', '2025-01-18T00:00:00.000Z'],
    ['2025-01-15', '2025-01-15T00:00:00.000Z'],
  ])('%s', (input, expected) => {
    expect(parseSince(input, now).toISOString()).toBe(expected);
  });
  it.each(['30', '30m', 'yesterday', '-1d'])('refuses %j', (input) => {
    expect(() => parseSince(input, now)).toThrow(UsageError);
    expect(() => parseSince(input, now)).toThrow(/^since: expected a duration like 30d, 12h or 2w/);
  });
});
