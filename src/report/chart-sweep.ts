// The throughput-versus-latency curve of a sweep or a suite: output tok/s against p50 and p99 TTFT
// and TPOT, one point per load level, one curve per model (and dataset/lengths). The plot people
// build by hand from vLLM's result JSON.
import type { ResultDocument } from '../bench/results/result-schema.js';
import type { ChartSpec, SeriesSpec } from './chart-spec.js';
import { meanFields } from './repetitions.js';
import { workloadOf, WORKLOAD_FIELDS } from './workload.js';

interface Curve {
  label: string;
  /** One point per load level (repetitions averaged), in the order the levels first appear. */
  points: Array<Record<string, number>>;
}

// Runs that differ only in load form one curve.
function curves(runs: readonly ResultDocument[]): Curve[] {
  const byCurve = new Map<string, { label: string; levels: Map<string, ResultDocument[]> }>();
  for (const run of runs) {
    const w = workloadOf(run);
    const key = WORKLOAD_FIELDS.filter((f) => f !== 'load').map((f) => w[f]).join('|');
    const curve = byCurve.get(key) ?? { label: `${w.model} (${w.dataset} ${w.input_len}→${w.output_len})`, levels: new Map() };
    curve.levels.set(w.load, [...(curve.levels.get(w.load) ?? []), run]);
    byCurve.set(key, curve);
  }
  return [...byCurve.values()]
    .filter((c) => c.levels.size >= 2)
    .map((c) => ({ label: c.label, points: [...c.levels.values()].map((level) => meanFields(level)) }));
}

/** Throughput-versus-latency charts (TTFT, TPOT) when some model ran at two or more load levels. */
export function sweepCharts(runs: readonly ResultDocument[]): ChartSpec[] {
  const found = curves(runs);
  if (found.length === 0) return [];
  return (['ttft', 'tpot'] as const).map((metric): ChartSpec => {
    const name = metric.toUpperCase();
    const series: SeriesSpec[] = found.flatMap((c, i) => [
      { label: `${c.label} p50`, style: 'line', color: i },
      { label: `${c.label} p99`, style: 'line', color: i, dash: true },
    ]);
    const columns = found.flatMap((c) => [`median_${metric}_ms`, `p99_${metric}_ms`].map((field) =>
      c.points.flatMap((p) => (p.output_throughput === undefined || p[field] === undefined ? [] : [[p.output_throughput, p[field]] as const]))));
    return {
      id: `sweep-${metric}`, title: `Output throughput vs ${name}`, xLabel: 'output tokens/s', yLabel: `${name} (ms)`, yMin: 0,
      series, data: alignColumns(columns),
      note: `one point per load level (${found.map((c) => `${c.label}: ${c.points.length} levels`).join('; ')}); repetitions of a level are averaged`,
    };
  });
}

/** uPlot's aligned form of several (x, y) point lists: the union of x ascending, null where a list has no point. */
export function alignColumns(columns: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): Array<Array<number | null>> {
  const xs = [...new Set(columns.flatMap((col) => col.map(([x]) => x)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const out: Array<Array<number | null>> = [xs, ...columns.map(() => new Array<number | null>(xs.length).fill(null))];
  columns.forEach((col, c) => {
    for (const [x, y] of col) (out[c + 1] as Array<number | null>)[index.get(x) as number] = y;
  });
  return out;
}
