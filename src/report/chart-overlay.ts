// Several runs of one workload drawn on one chart: their latency CDFs overlaid (detailed runs), and
// the headline metrics run by run, so a shift between runs is seen before it is read.
import { LATENCY_METRICS } from '../bench/results/result-fields.js';
import type { ResultDocument } from '../bench/results/result-schema.js';
import { cdfPoints } from './chart-data.js';
import { METRIC_NAMES } from './chart-run.js';
import { sortedSample } from './order-stats.js';
import type { ChartSpec } from './chart-spec.js';
import { alignColumns } from './chart-sweep.js';
import { runSamples } from './run-samples.js';

/** CDF overlays per latency of the runs of one workload that have per-request samples (two or more). */
export function overlayCharts(runs: readonly ResultDocument[], labels: readonly string[], id: string): ChartSpec[] {
  const detailed = runs.flatMap((run, i) => {
    const samples = runSamples(run);
    return samples === undefined ? [] : [{ samples, label: labels[i] as string }];
  });
  if (detailed.length < 2) return [];
  return LATENCY_METRICS.flatMap((metric): ChartSpec[] => {
    const columns = detailed.map(({ samples }) => {
      const cdf = cdfPoints(sortedSample(samples[metric].sorted), 200);
      return cdf.x.map((x, i) => [x, cdf.y[i] as number] as const);
    });
    if (columns.some((c) => c.length === 0)) return [];
    const name = METRIC_NAMES[metric];
    return [{
      id: `${id}-${metric}-overlay`, title: `${name} CDF, run by run`, xLabel: `${name} (ms)`, yLabel: 'fraction ≤ x', yMin: 0,
      series: detailed.map(({ label }, i) => ({ label, style: 'line' as const, color: i })), data: alignColumns(columns),
      note: `each run's exact empirical CDF at 200+ points${detailed.length < runs.length ? `; ${runs.length - detailed.length} run(s) without per-request detail left out` : ''}`,
    }];
  });
}
