// `aibench history` in the terminal: one table per workload, a row per metric, the newest run's verdict.
import { formatP } from './compare-runs.js';
import { metadataText, type HistoryGroup, type HistoryReport, type MetricTrend } from './history.js';
import { fmtNumber, renderTable } from './table.js';
import { workloadTitle } from './workload.js';

/** The words for a trend's verdict, the same in the terminal table and the page. */
export function trendVerdict(m: MetricTrend): string {
  if (m.regressed) return m.significance.significant === undefined ? 'REGRESSED (threshold only)' : 'REGRESSED';
  return m.past_threshold ? 'worse, not significant' : '';
}

function signedPct(value: number | undefined): string {
  return value === undefined ? '-' : `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
}

/** The cells of one metric's row: runs, newest, window mean, deviation, trend, test, verdict. */
export function trendCells(m: MetricTrend): string[] {
  const test = m.significance.pValue === undefined ? m.significance.method : `${m.significance.method} ${formatP(m.significance.pValue)}`;
  return [
    String(m.points.filter((p) => p.value !== undefined).length), fmtNumber(m.last), fmtNumber(m.window_mean),
    signedPct(m.deviation_pct), signedPct(m.trend_pct_per_week), test, trendVerdict(m),
  ];
}

// The newest run's start and its --metadata tags (a git sha says which build regressed).
function newestText(g: HistoryGroup): string {
  const newest = g.runs[g.runs.length - 1];
  const tags = metadataText(newest?.metadata);
  return `${newest?.started_at ?? '-'}${tags === '' ? '' : ` ${tags}`}`;
}

/** One table per workload group, titled with the workload and its run count. */
export function renderHistoryTables(report: HistoryReport): string {
  return report.groups.map((g) => renderTable(
    ['metric', 'runs', 'newest', 'window mean', 'deviation', 'trend/wk', 'test', 'verdict'],
    g.metrics.map((m) => [m.metric, ...trendCells(m)]),
    { title: `${workloadTitle(g.workload)} (${g.runs.length} runs, newest ${newestText(g)})` },
  )).join('\n');
}
