// `history --html`: the history as a page of the report's kind, one section per workload with its
// verdict table and one chart per metric over time (the newest run marked).
import type { ChartSpec } from './chart-spec.js';
import { describeSignificance } from './compare-runs.js';
import { metadataText, type HistoryGroup, type HistoryReport, type MetricTrend } from './history.js';
import { reportAssets } from './html-assets.js';
import { escapeHtml as esc } from './html-escape.js';
import { chartsHtml, htmlDocument, section } from './html-page.js';
import { numCell } from './html-sections.js';
import { trendCells, trendVerdict } from './history-table.js';
import { workloadTitle } from './workload.js';

function trendChart(group: HistoryGroup, m: MetricTrend, id: string): ChartSpec {
  const points = m.points.filter((p): p is { started_at: string; value: number } => p.value !== undefined);
  const newest = points[points.length - 1];
  return {
    id, title: m.metric, xLabel: 'run start', yLabel: m.metric, xTime: true,
    series: [{ label: m.metric, style: 'line', color: 0 }],
    data: [points.map((p) => Date.parse(p.started_at) / 1000), points.map((p) => p.value)],
    markers: newest === undefined ? [] : [{ x: Date.parse(newest.started_at) / 1000, label: `newest ${trendVerdict(m) || 'ok'}` }],
    note: `${points.length} of ${group.runs.length} runs have ${m.metric}; ${describeSignificance(m.significance)}`,
  };
}

function groupHtml(group: HistoryGroup, gi: number, charts: ChartSpec[]): string {
  const head = '<tr><th>metric</th><th>runs</th><th>newest</th><th>window mean</th><th>deviation</th><th>trend / week</th><th>test</th><th>verdict</th></tr>';
  const rows = group.metrics.map((m) => {
    const [runs, , , dev, trend, test, verdict] = trendCells(m);
    const cls = m.regressed ? ' class="bad"' : '';
    return `<tr><td>${esc(m.metric)}</td><td class="num">${runs}</td>${numCell(m.metric, m.last)}${numCell(m.metric, m.window_mean)}<td class="num">${dev}</td><td class="num">${trend}</td><td title="${esc(describeSignificance(m.significance))}">${esc(test as string)}</td><td${cls}>${esc(verdict as string)}</td></tr>`;
  });
  const specs = group.metrics.map((m, mi) => trendChart(group, m, `h${gi}-${mi}`));
  const table = `<table class="overview"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
  return section(`h${gi}`, workloadTitle(group.workload), `<p class="meta">${group.runs.length} runs, ${esc(group.runs[0]?.started_at ?? '')} … ${esc(group.runs[group.runs.length - 1]?.started_at ?? '')}${newestTags(group)}</p>${table}${chartsHtml(specs, charts)}`);
}

// The newest run's --metadata tags, after the date range.
function newestTags(group: HistoryGroup): string {
  const tags = metadataText(group.runs[group.runs.length - 1]?.metadata);
  return tags === '' ? '' : ` · newest: ${esc(tags)}`;
}

/** The history page as one self-contained HTML string. */
export async function historyHtml(report: HistoryReport, generatedAt = new Date()): Promise<string> {
  const charts: ChartSpec[] = [];
  const sections = report.groups.map((g, gi) => groupHtml(g, gi, charts));
  const lead = `<p class="meta">window: ${report.window} earlier runs · threshold ${report.max_regression_pct}% · ${report.since === undefined ? 'all runs' : `since ${esc(report.since)}`} · ${report.regressions.length} regression(s)</p>`;
  const nav = report.groups.map((g, gi): [string, string] => [`h${gi}`, `${g.workload.model} ${g.workload.load}`]);
  return htmlDocument({ title: 'aibench history', generatedAt, nav, sections: [lead, ...sections], charts }, await reportAssets());
}
