// Repetitions of one workload (--repeat N, or several result files of the same workload): the mean
// and 95 % confidence interval of each headline metric, and a mean "run" to compare and tabulate.
import { isMetricField, LATENCY_METRICS, THROUGHPUT_FIELDS } from '../bench/results/result-fields.js';
import type { ResultDocument } from '../bench/results/result-schema.js';
import { meanCi95, type MeanInterval } from './stats.js';

/** The metrics a repeated run summarises: throughputs, and mean, median and p99 of every latency. */
export const HEADLINE_METRICS: readonly string[] = [
  ...THROUGHPUT_FIELDS,
  ...LATENCY_METRICS.flatMap((m) => [`mean_${m}_ms`, `median_${m}_ms`, `p99_${m}_ms`]),
];

/** A metric's value in a run, when it has one. */
export function metricValue(run: Readonly<Record<string, unknown>>, metric: string): number | undefined {
  const value = run[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The metric over repetitions, or undefined when any repetition lacks it (a mean of some would mislead). */
export function valuesOver(runs: readonly ResultDocument[], metric: string): number[] | undefined {
  const values: number[] = [];
  for (const run of runs) {
    const value = metricValue(run as unknown as Record<string, unknown>, metric);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

/** Mean and 95 % CI (Student t) of each headline metric over repetitions; metrics some lack are left out. */
export function repetitionSummary(runs: readonly ResultDocument[], metrics: readonly string[] = HEADLINE_METRICS): Record<string, MeanInterval> {
  const out: Record<string, MeanInterval> = {};
  for (const metric of metrics) {
    const values = valuesOver(runs, metric);
    const interval = values === undefined ? undefined : meanCi95(values);
    if (interval !== undefined) out[metric] = interval;
  }
  return out;
}

/** The flat metric fields averaged over repetitions (one run: itself), for tables and threshold deltas. */
export function meanFields(runs: readonly ResultDocument[]): Record<string, number> {
  const out: Record<string, number> = {};
  const first = runs[0] as unknown as Record<string, unknown> | undefined;
  if (first === undefined) return out;
  for (const key of Object.keys(first)) {
    if (!isMetricField(key)) continue;
    const values = valuesOver(runs, key);
    if (values !== undefined && values.length > 0) out[key] = values.reduce((a, b) => a + b, 0) / values.length;
  }
  return out;
}
