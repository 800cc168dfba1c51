import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/errors.js';
import { compareResults, directionOf, parseFailOn } from '../../../../src/bench/results/compare.js';
import { evaluateGate, fieldGates } from '../../../../src/bench/results/assertions-eval.js';

const base = { request_throughput: 10, p99_ttft_ms: 100, mean_tpot_ms: 20, failed: 0, mean_ttft_ms: 50, p90_ttft_ms: 80, config: {} };
const next = { request_throughput: 9, p99_ttft_ms: 104, mean_tpot_ms: 18, failed: 1, mean_ttft_ms: 60, p90_ttft_ms: 80, config: {} };

describe('compareResults', () => {
  it('orders throughputs, failures, then latencies with percentiles ascending', () => {
    expect(compareResults(base, next).map((r) => r.metric)).toEqual([
      'request_throughput', 'failed', 'mean_ttft_ms', 'p90_ttft_ms', 'p99_ttft_ms', 'mean_tpot_ms',
    ]);
  });

  it('flags regressions beyond the threshold in the right direction', () => {
    const rows = Object.fromEntries(compareResults(base, next, { maxRegressionPct: 5 }).map((r) => [r.metric, r]));
    expect(rows.request_throughput).toEqual({
      metric: 'request_throughput', base: 10, next: 9, delta: -1, deltaPct: -10, direction: 'higher-is-better', regressed: true,
    });
    expect(rows.p99_ttft_ms).toMatchObject({ delta: 4, deltaPct: 4, direction: 'lower-is-better', regressed: false });
    expect(rows.mean_ttft_ms).toMatchObject({ deltaPct: 20, regressed: true });
    expect(rows.mean_tpot_ms).toMatchObject({ delta: -2, deltaPct: -10, regressed: false }); // improved
    expect(rows.p90_ttft_ms).toMatchObject({ delta: 0, deltaPct: 0, regressed: false });
    // 0 -> 1 failures: no percentage, still a regression
    expect(rows.failed).toEqual({ metric: 'failed', base: 0, next: 1, delta: 1, direction: 'lower-is-better', regressed: true });
  });

  it('without a threshold any worsening regresses', () => {
    const row = compareResults(base, next, { metrics: ['p99_ttft_ms'] })[0];
    expect(row?.regressed).toBe(true);
  });

  it('a metric missing on one side has no delta and does not regress', () => {
    const [row] = compareResults({ p99_itl_ms: 5 }, {}, { metrics: ['p99_itl_ms'] });
    expect(row).toEqual({ metric: 'p99_itl_ms', base: 5, direction: 'lower-is-better', regressed: false });
  });

  it('refuses unknown metrics and negative thresholds', () => {
    expect(() => compareResults(base, next, { metrics: ['p99_ttft'] })).toThrow(UsageError);
    expect(() => compareResults(base, next, { maxRegressionPct: -1 })).toThrow(/max-regression/);
  });

  it('knows directions', () => {
    expect(directionOf('p99.9_itl_ms')).toBe('lower-is-better');
    expect(directionOf('request_goodput')).toBe('higher-is-better');
    expect(directionOf('total_token_throughput')).toBe('higher-is-better');
    expect(directionOf('cut')).toBe('lower-is-better');
  });
});

describe('parseFailOn', () => {
  it.each([
    ['p99_ttft_ms>500', { metric: 'p99_ttft_ms', op: '>', threshold: 500, text: 'p99_ttft_ms>500' }],
    [' request_throughput < 2.5 ', { metric: 'request_throughput', op: '<', threshold: 2.5, text: 'request_throughput<2.5' }],
    ['p99.9_itl_ms>=40', { metric: 'p99.9_itl_ms', op: '>=', threshold: 40, text: 'p99.9_itl_ms>=40' }],
    ['failed<=0', { metric: 'failed', op: '<=', threshold: 0, text: 'failed<=0' }],
  ])('%j', (spec, rule) => {
    expect(parseFailOn(spec)).toEqual(rule);
  });

  it('refuses unknown fields, listing valid ones', () => {
    expect(() => parseFailOn('p99_latency>5')).toThrow(UsageError);
    expect(() => parseFailOn('p99_latency>5')).toThrow(/unknown result field "p99_latency"; expected one such as p99_ttft_ms, .*request_throughput/);
    expect(() => parseFailOn('p101_ttft_ms>5')).toThrow(/unknown result field/);
  });

  it.each(['p99_ttft_ms=5', 'p99_ttft_ms>', '>5', 'p99_ttft_ms>5ms', 'p99_ttft_ms>>5'])('refuses malformed %j', (spec) => {
    expect(() => parseFailOn(spec)).toThrow(/^fail-on: expected <field><op><number>/);
  });
});

describe('fail-on rules through the one gate evaluator', () => {
  const result = { p99_ttft_ms: 600, request_throughput: 3, failed: 0 };
  const breaches = (rules: string[]) => fieldGates({ fail_on: rules }).map((g) => evaluateGate(g, result)).filter((o) => o.status === 'fail');
  it('returns the breached rules with messages', () => {
    const found = breaches(['p99_ttft_ms>500', 'p99_ttft_ms>600', 'p99_ttft_ms>=600', 'request_throughput<2.5', 'failed>0', 'mean_itl_ms>10']);
    expect(found.map((b) => `${b.expr}: ${b.reason}`)).toEqual([
      'p99_ttft_ms>500: p99_ttft_ms is 600',
      'p99_ttft_ms>=600: p99_ttft_ms is 600',
      'mean_itl_ms>10: mean_itl_ms has no value in this result (no samples)',
    ]);
    expect(found[0]?.observed).toBe(600);
    expect(found[2]?.observed).toBeUndefined();
  });
  it('passes when nothing is breached', () => {
    expect(breaches(['failed>0'])).toEqual([]);
  });
});
