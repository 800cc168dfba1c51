// `aibench history`: result files grouped by workload, oldest first; per metric the trend, the newest
// run's deviation from its trailing window, and a regression flag decided like compare's: past the
// threshold AND significant. Against three or more earlier runs the test is the window's 95 %
// prediction interval (it sees night-to-night variance); with fewer, the newest run is compared with
// the one before it by per-request samples when both have them; otherwise the threshold alone decides.
import { compareResults, directionOf, type Direction } from '../bench/results/compare.js';
import { percentile } from '../bench/results/percentile.js';
import type { ResultDocument } from '../bench/results/result-schema.js';
import { UsageError } from '../errors.js';
import { assessMetric, describeSignificance } from './compare-runs.js';
import { groupByWorkload } from './compare-sets.js';
import { metricValue } from './repetitions.js';
import type { LoadedRun } from './result-inputs.js';
import { mean, predictionTest, theilSenSlope, type Significance } from './stats.js';
import type { Workload } from './workload.js';

export const DEFAULT_HISTORY_METRICS = [
  'output_throughput', 'request_throughput', 'median_ttft_ms', 'p99_ttft_ms', 'median_tpot_ms', 'p99_tpot_ms', 'p99_itl_ms', 'median_e2el_ms',
] as const;

interface HistoryOptions {
  metrics: readonly string[];
  /** Earlier runs the newest is judged against. */
  window: number;
  maxRegressionPct: number;
  /** Only runs started at or after this time. */
  since?: Date;
}

export interface MetricTrend {
  metric: string;
  direction: Direction;
  /** One point per run, oldest first (value absent where the run lacks the metric). */
  points: Array<{ started_at: string; value?: number }>;
  last?: number;
  window_mean?: number;
  deviation_pct?: number;
  /** Theil–Sen slope over every point, as percent of the median value per 7 days. */
  trend_pct_per_week?: number;
  significance: Significance;
  past_threshold: boolean;
  regressed: boolean;
}

export interface HistoryGroup {
  key: string;
  workload: Workload;
  runs: Array<{ file: string; started_at: string; label?: string; metadata?: Record<string, string> }>;
  metrics: MetricTrend[];
}

export interface HistoryReport {
  since?: string;
  window: number;
  max_regression_pct: number;
  groups: HistoryGroup[];
  /** One line per regressed metric of a newest run, saying what decided it. */
  regressions: string[];
}

const WEEK_MS = 604_800_000;
const UNITS_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: WEEK_MS };

/** A run's `--metadata` tags as `key=value key=value` (empty without any). */
export function metadataText(metadata: Record<string, string> | undefined): string {
  return Object.entries(metadata ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** `--since 30d` (h, d or w) or a date `2025-01-31`, relative to now. */
export function parseSince(input: string, now: Date = new Date()): Date {
  const rel = /^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*$/.exec(input);
  if (rel !== null) return new Date(now.getTime() - Number(rel[1]) * (UNITS_MS[rel[2] as string] as number));
  if (/^\d{4}-\d{2}-\d{2}/.test(input) && Number.isFinite(Date.parse(input))) return new Date(input);
  throw new UsageError(`since: expected a duration like 30d, 12h or 2w, or a date like 2025-01-31, got ${JSON.stringify(input)}`);
}

/** Group runs by workload and judge each group's newest run, metric by metric. */
export function buildHistory(runs: readonly LoadedRun[], opts: HistoryOptions): HistoryReport {
  const since = opts.since?.getTime();
  const kept = runs
    .filter((r) => since === undefined || Date.parse(r.doc.started_at) >= since)
    .sort((a, b) => Date.parse(a.doc.started_at) - Date.parse(b.doc.started_at));
  const groups = groupByWorkload(kept).map((g): HistoryGroup => ({
    key: g.key,
    workload: g.workload,
    runs: g.runs.map((r) => ({
      file: r.file, started_at: r.doc.started_at,
      ...(r.doc.label === undefined ? {} : { label: r.doc.label }), ...(r.doc.metadata === undefined ? {} : { metadata: r.doc.metadata }),
    })),
    metrics: opts.metrics.map((m) => metricTrend(m, g.runs.map((r) => r.doc), opts)),
  }));
  const regressions = groups.flatMap((g) => g.metrics.filter((m) => m.regressed).map((m) =>
    `${g.workload.model} ${g.workload.load} ${m.metric} ${m.deviation_pct === undefined ? '' : `${m.deviation_pct >= 0 ? '+' : ''}${m.deviation_pct.toFixed(1)}% `}vs the trailing window: ${describeSignificance(m.significance)}`));
  const report: HistoryReport = { window: opts.window, max_regression_pct: opts.maxRegressionPct, groups, regressions };
  if (opts.since !== undefined) report.since = opts.since.toISOString();
  return report;
}

function metricTrend(metric: string, docs: readonly ResultDocument[], opts: HistoryOptions): MetricTrend {
  const values = docs.map((d) => metricValue(d as unknown as Record<string, unknown>, metric));
  const trend: MetricTrend = {
    metric, direction: directionOf(metric),
    points: docs.map((d, i) => (values[i] === undefined ? { started_at: d.started_at } : { started_at: d.started_at, value: values[i] })),
    significance: { method: 'none', test: 'none', note: 'first run of this workload' },
    past_threshold: false, regressed: false,
  };
  const slope = trendPerWeek(docs, values);
  if (slope !== undefined) trend.trend_pct_per_week = slope;
  const last = values[values.length - 1];
  const earlier = docs.slice(0, -1).slice(-opts.window);
  const windowValues = values.slice(0, -1).slice(-opts.window).filter((v): v is number => v !== undefined);
  const windowMean = mean(windowValues);
  if (last === undefined || windowMean === undefined) return trend;
  const [row] = compareResults({ [metric]: windowMean }, { [metric]: last }, { maxRegressionPct: opts.maxRegressionPct, metrics: [metric] });
  trend.last = last;
  trend.window_mean = windowMean;
  if (row?.deltaPct !== undefined) trend.deviation_pct = row.deltaPct;
  trend.past_threshold = row?.regressed ?? false;
  trend.significance = windowValues.length >= 3
    ? predictionTest(windowValues, last)
    : againstPrevious(metric, earlier[earlier.length - 1], docs[docs.length - 1] as ResultDocument, windowValues.length);
  trend.regressed = trend.past_threshold && trend.significance.significant !== false;
  return trend;
}

// Fewer than three earlier runs: per-request samples against the run before, else nothing.
function againstPrevious(metric: string, previous: ResultDocument | undefined, newest: ResultDocument, earlier: number): Significance {
  const s = previous === undefined ? undefined : assessMetric(metric, [previous], [newest]);
  if (s !== undefined && s.significant !== undefined) return { ...s, test: `${s.test}, newest vs the run before` };
  return { method: 'none', test: 'none', note: `not assessed: ${earlier} earlier run(s) (3 needed for the prediction interval) and no per-request samples to compare with the run before; the threshold alone decides` };
}

function trendPerWeek(docs: readonly ResultDocument[], values: ReadonlyArray<number | undefined>): number | undefined {
  const xs: number[] = [];
  const ys: number[] = [];
  values.forEach((v, i) => {
    if (v === undefined) return;
    xs.push(Date.parse((docs[i] as ResultDocument).started_at) / WEEK_MS);
    ys.push(v);
  });
  const slope = theilSenSlope(xs, ys);
  const middle = percentile(ys, 50);
  return slope === undefined || middle === undefined || middle === 0 ? undefined : (slope / Math.abs(middle)) * 100;
}
