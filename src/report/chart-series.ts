// Server and GPU time series over a run (queue, KV cache, utilisation, power): one chart per series
// group. Result documents do not carry them yet; runSeries is the one place to read them once they
// do, and everything after it (downsampling, charts, the page) is in place and tested.
import type { ResultDocument } from '../bench/results/result-schema.js';
import type { ChartSpec } from './chart-spec.js';
import { alignColumns } from './chart-sweep.js';
import { minMaxDownsample } from './chart-data.js';

/** One series: seconds since the run started, and values (a GPU's power, the server's queue, ...). */
interface RunSeries {
  /** Series of one group share a chart, e.g. "GPU power" for every GPU. */
  group: string;
  label: string;
  unit: string;
  points: Array<[number, number]>;
}

/** The server and GPU series a run recorded; none until result documents carry them. */
export function runSeries(_run: ResultDocument): RunSeries[] {
  return [];
}

/** A chart per group of series (each downsampled to its lowest and highest value per 1/500 of the run). */
export function seriesCharts(series: readonly RunSeries[], id: string): ChartSpec[] {
  const groups = new Map<string, RunSeries[]>();
  for (const s of series) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  return [...groups.entries()].map(([group, members], gi): ChartSpec => {
    const columns = members.map((s) => {
      const d = minMaxDownsample(s.points.map(([t]) => t), s.points.map(([, v]) => v), 500);
      return d.x.map((t, i) => [t, d.y[i] as number] as const);
    });
    return {
      id: `${id}-series-${gi}`, title: group, xLabel: 'seconds since start', yLabel: members[0]?.unit ?? '',
      series: members.map((s, i) => ({ label: s.label, style: 'line' as const, color: i })), data: alignColumns(columns),
    };
  });
}
