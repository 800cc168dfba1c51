// The offline HTML report: one self-contained file (uPlot, its CSS, the page's script and the data
// inline; a Content-Security-Policy that forbids every fetch), for `aibench report`, `bench run
// --html` and a suite's report.html. Sections: overview, throughput-vs-latency curves, repetitions
// (mean ± 95 % CI, deltas, CDF overlays), then each run (summary, provenance, distributions, timelines).
import { basename } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { ResultDocument, SearchDocument, SweepDocument } from '../bench/results/result-schema.js';
import { BenchError } from '../errors.js';
import { VERSION } from '../version.js';
import { distributionCharts, timelineCharts } from './chart-run.js';
import type { ChartSpec } from './chart-spec.js';
import { overlayCharts } from './chart-overlay.js';
import { runSeries, seriesCharts } from './chart-series.js';
import { rampCharts, searchCharts } from './chart-search.js';
import { sweepCharts } from './chart-sweep.js';
import { searchSummary } from './search-table.js';
import { groupByWorkload } from './compare-sets.js';
import { reportAssets, type ReportAssets } from './html-assets.js';
import { escapeHtml as esc, jsonForScript } from './html-escape.js';
import { chartFigure, overviewHtml, provenanceHtml, repetitionHtml, summaryTableHtml } from './html-sections.js';
import { REPORT_CSS } from './html-style.js';
import { runsOf, type LoadedRun } from './result-inputs.js';
import { workloadOf, workloadTitle } from './workload.js';

interface HtmlReportOptions {
  title?: string;
  generatedAt?: Date;
  /** Search documents among the inputs: each gets its curve (their steps are among the runs). */
  searches?: readonly SearchDocument[];
}

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/** A short, unique label per run: its file (and sweep step) and its load. */
function runLabels(runs: readonly LoadedRun[]): string[] {
  const seen = new Map<string, number>();
  return runs.map((run, i) => {
    const file = run.file === '' ? '' : basename(run.file, '.json');
    const step = run.step === undefined ? '' : `[${run.step + 1}]`;
    let label = [file + step, run.doc.label].filter((s) => s !== undefined && s !== '').join(' · ') || `run ${i + 1}`;
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    if (n > 1) label = `${label} (${n})`;
    return label;
  });
}

// Plot values to 6 significant digits: a third of the bytes, invisible on a chart.
function rounded(spec: ChartSpec): ChartSpec {
  return { ...spec, data: spec.data.map((col) => col.map((v) => (v === null ? null : Number(v.toPrecision(6))))) };
}

/** A titled section with an anchor. */
export function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`;
}

/** The figures of some charts, which are added to the page's list. */
export function chartsHtml(specs: readonly ChartSpec[], charts: ChartSpec[]): string {
  charts.push(...specs);
  return specs.length === 0 ? '' : `<div class="charts">${specs.map(chartFigure).join('')}</div>`;
}

/** The report's body sections and the charts they place. */
function bodySections(runs: readonly LoadedRun[], charts: ChartSpec[], searches: readonly SearchDocument[] = []): string[] {
  const docs = runs.map((r) => r.doc);
  const labels = runLabels(runs);
  const ids = runs.map((_, i) => `r${i}`);
  const out = [section('overview', `Overview: ${runs.length} run${runs.length === 1 ? '' : 's'}`, overviewHtml(docs, labels, ids))];
  if (searches.length > 0) {
    const body = searches.map((s, i) => `<p class="meta">${esc(searchSummary(s))}</p>${chartsHtml(searchCharts(s, `s${i}`), charts)}`).join('');
    out.push(section('search', 'SLO search', body));
  }
  const sweep = sweepCharts(docs);
  if (sweep.length > 0) out.push(section('sweep', 'Throughput vs latency', chartsHtml(sweep, charts)));
  const groups = groupByWorkload(runs).filter((g) => g.runs.length >= 2);
  if (groups.length > 0) {
    const body = groups.map((g, gi) => {
      const members = g.runs.map((r) => runs.indexOf(r));
      const groupLabels = members.map((i) => labels[i] as string);
      return `<h3>${esc(workloadTitle(g.workload))}: ${g.runs.length} runs</h3>${repetitionHtml(g.runs.map((r) => r.doc), groupLabels)}${chartsHtml(overlayCharts(g.runs.map((r) => r.doc), groupLabels, `g${gi}`), charts)}`;
    });
    out.push(section('repetitions', 'Runs of the same workload', body.join('')));
  }
  runs.forEach((run, i) => {
    const id = ids[i] as string;
    const detail = [...distributionCharts(run.doc, id), ...timelineCharts(run.doc, id), ...rampCharts(run.doc, id), ...seriesCharts(runSeries(run.doc), id)];
    const none = detail.length === 0 ? '<p class="note">No per-request detail in this result: run with --save-detailed for distributions and timelines.</p>' : '';
    const head = `<div class="run-head"><div>${summaryTableHtml(run.doc)}</div><div>${provenanceHtml(run.doc)}</div></div>`;
    out.push(section(id, labels[i] as string, `<p class="meta">${esc(workloadTitle(workloadOf(run.doc)))}</p>${head}${none}${chartsHtml(detail, charts)}`));
  });
  return out;
}

/** A page of the report's kind: sections, the charts they place, everything inline. */
interface HtmlDocument {
  title: string;
  generatedAt?: Date;
  /** [section id, link text] for the navigation bar. */
  nav: Array<[string, string]>;
  sections: string[];
  charts: ChartSpec[];
}

/** The whole page as one string (assets given, so it is pure). */
export function htmlDocument(page: HtmlDocument, assets: ReportAssets): string {
  const generated = (page.generatedAt ?? new Date()).toISOString();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${esc(page.title)}</title>
<style>${assets.uplotCss}</style><style>${REPORT_CSS}</style></head>
<body><header><h1>${esc(page.title)}</h1><p class="meta">generated ${esc(generated)} by aibench ${esc(VERSION)} · charts: uPlot ${esc(assets.uplotVersion)} (MIT), inlined · works offline</p>
<nav>${page.nav.map(([id, text]) => `<a href="#${esc(id)}">${esc(text)}</a>`).join('')}</nav></header>
${page.sections.join('\n')}
<script type="application/json" id="aibench-data">${jsonForScript({ charts: page.charts.map(rounded) })}</script>
<script>${assets.uplotJs}</script>
<script type="module">${assets.viewJs}</script>
</body></html>
`;
}

/** The report of runs as one page. */
export function buildHtmlReport(runs: readonly LoadedRun[], assets: ReportAssets, opts: HtmlReportOptions = {}): string {
  const charts: ChartSpec[] = [];
  const sections = bodySections(runs, charts, opts.searches);
  const has = (id: string): boolean => sections.some((s) => s.startsWith(`<section id="${id}"`));
  const nav: Array<[string, string]> = [['overview', 'overview'], ['search', 'SLO search'], ['sweep', 'throughput vs latency'], ['repetitions', 'same workload'], ['r0', 'runs']];
  const present = nav.filter(([id]) => has(id));
  return htmlDocument({ title: opts.title ?? 'aibench report', generatedAt: opts.generatedAt, nav: present, sections, charts }, assets);
}

/** Build the report of the runs read from files and write it atomically. */
export async function writeReportFile(runs: readonly LoadedRun[], path: string, opts: HtmlReportOptions = {}): Promise<void> {
  const html = buildHtmlReport(runs, await reportAssets(), opts);
  try {
    await writeFileAtomic(path, html, { mode: 0o644 });
  } catch (error) {
    throw new BenchError(`Cannot write report ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** The report of result documents in memory, for `bench run --html` and a suite's report.html. */
export async function writeHtmlReport(docs: ReadonlyArray<ResultDocument | SweepDocument | SearchDocument>, path: string, opts: HtmlReportOptions = {}): Promise<void> {
  const runs = docs.flatMap((doc) => {
    const list = runsOf(doc);
    return list.map((run, step): LoadedRun => (list.length > 1 ? { file: '', doc: run, step } : { file: '', doc: run }));
  });
  const searches = docs.filter((doc): doc is SearchDocument => doc.kind === 'search');
  await writeReportFile(runs, path, { ...opts, ...(searches.length > 0 ? { searches } : {}) });
}
