// Compare two sets of runs of one workload (each one run or several repetitions) metric by metric,
// and decide each regression twice: past the threshold (bench/compare.ts) AND significant.
//
// Which test decides (documented in the README, "Statistics"):
//  1. two or more repetitions on both sides: Welch's t-test over the per-repetition values (any
//     metric; it sees run-to-run variance, the biggest noise in nightly results);
//  2. else per-request samples on both sides (--save-detailed): a seeded bootstrap of the difference
//     of a percentile (median, pN) or Welch's interval of the difference of means (mean_*);
//  3. else nothing can be assessed: the threshold alone decides, and the row says so.
import { compareResults, type CompareOptions, type CompareRow } from '../bench/results/compare.js';
import { PERCENTILE_FIELD, type LatencyMetric } from '../bench/results/result-fields.js';
import type { ResultDocument } from '../bench/results/result-schema.js';
import { bootstrapPercentileDiff, welchSamples } from './bootstrap.js';
import { meanFields, valuesOver } from './repetitions.js';
import { poolSamples, runSamples, type RunSamples } from './run-samples.js';
import { welchRepetitions, type Significance } from './stats.js';

export interface AssessedRow extends CompareRow {
  /** Worse by more than the threshold (compareResults' verdict). */
  pastThreshold: boolean;
  significance: Significance;
}

/** What a latency field asks of the samples: a percentile, or the mean; undefined for std/min/max and non-latencies. */
function sampleStatistic(metric: string): { metric: LatencyMetric; percentile?: number } | undefined {
  const pct = PERCENTILE_FIELD.exec(metric);
  if (pct !== null) return { metric: pct[2] as LatencyMetric, percentile: Number(pct[1]) };
  const stat = /^(mean|median)_(ttft|tpot|itl|e2el)_ms$/.exec(metric);
  if (stat === null) return undefined;
  return stat[1] === 'median' ? { metric: stat[2] as LatencyMetric, percentile: 50 } : { metric: stat[2] as LatencyMetric };
}

function sideSamples(runs: readonly ResultDocument[]): RunSamples | undefined {
  const sets = runs.map(runSamples);
  return sets.every((s) => s !== undefined) ? poolSamples(sets as RunSamples[]) : undefined;
}

/** The significance of one metric's difference between two sets of runs (rules 1-3 above). */
export function assessMetric(metric: string, base: readonly ResultDocument[], next: readonly ResultDocument[]): Significance {
  if (base.length >= 2 && next.length >= 2) {
    const [b, n] = [valuesOver(base, metric), valuesOver(next, metric)];
    if (b !== undefined && n !== undefined) return welchRepetitions(b, n);
  }
  const stat = sampleStatistic(metric);
  const [bs, ns] = [sideSamples(base), sideSamples(next)];
  if (stat === undefined || bs === undefined || ns === undefined) return notAssessed(stat !== undefined, base.length, next.length);
  const pooled = base.length > 1 || next.length > 1 ? ' (repetitions pooled: run-to-run variance not included)' : '';
  const result = stat.percentile === undefined
    ? welchSamples(bs[stat.metric], ns[stat.metric])
    : bootstrapPercentileDiff(bs[stat.metric], ns[stat.metric], stat.percentile);
  return pooled === '' ? result : { ...result, test: `${result.test}${pooled}` };
}

function notAssessed(latency: boolean, nb: number, nn: number): Significance {
  const runs = `${nb} run${nb === 1 ? '' : 's'} vs ${nn}`;
  const note = latency
    ? `not assessed (${runs}): no per-request samples on both sides (--save-detailed) and no repetitions; the threshold alone decides`
    : `not assessed (${runs}): one number per run, and no repetitions (2+ per side) to test it; the threshold alone decides`;
  return { method: 'none', test: 'none', note };
}

/** Rows for every compared metric; `regressed` = past the threshold and significant (or not assessable). */
export function compareRunSets(base: readonly ResultDocument[], next: readonly ResultDocument[], opts: CompareOptions = {}): AssessedRow[] {
  const rows = compareResults(meanFields(base), meanFields(next), opts);
  return rows.map((row) => {
    const pastThreshold = row.regressed;
    const significance: Significance = row.delta === undefined
      ? { method: 'none', test: 'none', note: 'missing on one side' }
      : assessMetric(row.metric, base, next);
    return { ...row, pastThreshold, significance, regressed: pastThreshold && significance.significant !== false };
  });
}

/** One line saying what decided a row, for messages: test, interval, p-value or the note. */
export function describeSignificance(s: Significance): string {
  if (s.significant === undefined) return s.note ?? s.test;
  const interval = s.low === undefined || s.high === undefined ? '' : `, 95% CI [${signed(s.low)}, ${signed(s.high)}]`;
  const p = s.pValue === undefined ? '' : `, ${formatP(s.pValue)}`;
  return `${s.significant ? 'significant' : 'not significant'}: ${s.test}${interval}${p}`;
}

function signed(x: number): string {
  const digits = Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 1 ? 2 : 4;
  return `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
}

/** A p-value as people quote it: p=0.032, p=0.0004, p<0.0001. */
export function formatP(p: number): string {
  if (p < 0.0001) return 'p<0.0001';
  return `p=${p < 0.01 ? p.toPrecision(1) : p.toFixed(3)}`;
}
