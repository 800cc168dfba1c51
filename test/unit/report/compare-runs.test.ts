// Compare on recorded runs: the same workload at 10 ms/token (twice) and at 13 ms/token.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { assessMetric, compareRunSets, describeSignificance } from '../../../src/report/compare-runs.js';
import { compareInputs } from '../../../src/report/compare-sets.js';
import { fixture, fixtureRuns, withoutDetail } from '../../helpers/result-fixtures.js';

const [base, same, slower] = [fixture('detailed/base.json'), fixture('detailed/same.json'), fixture('detailed/slower.json')];
const byMetric = (rows: ReturnType<typeof compareRunSets>) => Object.fromEntries(rows.map((r) => [r.metric, r]));

describe('compareRunSets', () => {
  it('a 30% slower TPOT is past the threshold and significant by the bootstrap: regressed', () => {
    const rows = byMetric(compareRunSets([base], [slower], { maxRegressionPct: 5 }));
    expect(rows.median_tpot_ms).toMatchObject({ pastThreshold: true, regressed: true, significance: { method: 'bootstrap-quantile', significant: true } });
    expect(rows.median_tpot_ms?.significance.low).toBeGreaterThan(2);
    expect(rows.mean_itl_ms).toMatchObject({ regressed: true, significance: { method: 'welch-samples', significant: true } });
    expect(describeSignificance(rows.median_tpot_ms!.significance)).toMatch(/^significant: bootstrap of the difference of p50 \(2000 resamples, seed 1\), 95% CI \[\+\d/);
  });

  it('two runs of the same workload do not regress at 5%, even where a p99 moved past it', () => {
    const rows = compareRunSets([base], [same], { maxRegressionPct: 5 });
    expect(rows.filter((r) => r.regressed)).toEqual([]);
    const p99 = byMetric(rows).p99_ttft_ms!;
    expect(p99.pastThreshold).toBe(true); // 27.0 -> 30.3 ms: +12%, on 80 requests
    expect(p99.significance.significant).toBe(false);
  });

  it('without per-request samples or repetitions the threshold alone decides, and says so', () => {
    const rows = byMetric(compareRunSets([withoutDetail(base)], [withoutDetail(slower)], { maxRegressionPct: 5 }));
    expect(rows.median_tpot_ms).toMatchObject({ regressed: true, significance: { method: 'none' } });
    expect(rows.median_tpot_ms?.significance.note).toMatch(/^not assessed \(1 run vs 1\): no per-request samples on both sides \(--save-detailed\) and no repetitions; the threshold alone decides$/);
    expect(rows.output_throughput?.significance.note).toMatch(/^not assessed \(1 run vs 1\): one number per run, and no repetitions \(2\+ per side\) to test it/);
  });

  it('repetitions are tested with Welch over their values, throughputs included', () => {
    const fast = ['nightly/fast-1.json', 'nightly/fast-2.json', 'nightly/fast-3.json'].map(fixture);
    const fast2 = ['nightly/fast-4.json', 'nightly/fast-5.json', 'nightly/fast-6.json'].map(fixture);
    const slow = [fixture('nightly/slow.json'), withoutDetail(slower)];
    const worse = byMetric(compareRunSets(fast, slow, { maxRegressionPct: 5 }));
    expect(worse.output_throughput).toMatchObject({ regressed: true, significance: { method: 'welch-repetitions', significant: true } });
    expect(worse.output_throughput?.significance.test).toMatch(/^Welch t over 3\+2 repetitions/);
    const noise = compareRunSets(fast, fast2, { maxRegressionPct: 5 });
    expect(noise.filter((r) => r.regressed)).toEqual([]);
  });

  it('std, min and max are not testable from samples', () => {
    expect(assessMetric('max_ttft_ms', [base], [slower])).toMatchObject({ method: 'none' });
  });
});

describe('compareInputs (bench compare)', () => {
  it('refuses different workloads, naming each differing field (exit 2)', () => {
    const other = fixtureRuns('detailed/rate.json');
    const run = () => compareInputs([{ file: 'a', doc: base }], [{ file: 'b', doc: other[0]! }]);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(/Refusing to compare different workloads:\n  load: concurrency@4 \(base\) vs poisson@20\.00 \(new\)\n  output_len: 16 \(base\) vs 8 \(new\)/);
  });

  it('--allow-different compares them anyway and lists the differences', () => {
    const other = fixture('detailed/rate.json');
    const report = compareInputs([{ file: 'a', doc: base }], [{ file: 'b', doc: other }], { allowDifferent: true });
    expect(report.steps[0]?.differences.map((d) => d.field)).toEqual(['load', 'output_len']);
  });

  it('pairs sweep steps by workload, and several files of one workload are repetitions', () => {
    const sweep = fixtureRuns('detailed/sweep.json').map((doc, step) => ({ file: 'sweep.json', doc, step }));
    const report = compareInputs(sweep, [...sweep].reverse());
    expect(report.steps.map((s) => s.label)).toEqual(['concurrency@1', 'concurrency@2', 'concurrency@4']);
    expect(report.steps.every((s) => s.rows.every((r) => !r.regressed))).toBe(true);
    const reps = compareInputs([{ file: 'a', doc: base }, { file: 'b', doc: same }], [{ file: 'c', doc: slower }], { maxRegressionPct: 5 });
    expect(reps.steps).toHaveLength(1);
    expect(reps.steps[0]?.base_files).toEqual(['a', 'b']);
    expect(reps.regressions.join('\n')).toMatch(/concurrency@4 median_tpot_ms \+29\.\d%: significant: bootstrap .* \(repetitions pooled: run-to-run variance not included\)/);
  });

  it('refuses a different number of workloads', () => {
    const sweep = fixtureRuns('detailed/sweep.json').map((doc) => ({ file: 'sweep.json', doc }));
    expect(() => compareInputs(sweep, [{ file: 'b', doc: base }])).toThrow(/Expected the same workloads on both sides, got 3 in the base and 1 in the new results/);
  });
});
