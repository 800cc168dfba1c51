// The HTML report's tables: a run's summary (the same rows as the terminal table), its provenance
// (every recorded field, including ones added after this was written), the overview of all runs,
// and for repetitions the mean with its 95 % interval and each run's delta against the first.
import { COUNT_FIELDS, isMetricField } from '../bench/results/result-fields.js';
import type { ResultDocument } from '../bench/results/result-schema.js';
import { runSummaryRows } from './bench-table.js';
import { compareRunSets, describeSignificance } from './compare-runs.js';
import type { ChartSpec } from './chart-spec.js';
import { escapeHtml as esc } from './html-escape.js';
import { HEADLINE_METRICS, metricValue, repetitionSummary } from './repetitions.js';
import { metadataText } from './history.js';
import { fmtNumber } from './table.js';
import { workloadOf } from './workload.js';

const COUNTS = new Set<string>(COUNT_FIELDS);

/** A number cell carrying the exact value it shows (data-value), so tests and scripts can read it back. */
export function numCell(field: string, value: number | undefined, digits = 2): string {
  if (value === undefined) return `<td class="num" data-field="${esc(field)}">-</td>`;
  const text = COUNTS.has(field) ? String(value) : fmtNumber(value, digits);
  return `<td class="num" data-field="${esc(field)}" data-value="${value}">${text}</td>`;
}

/** The run's summary table, row for row the terminal's. */
export function summaryTableHtml(run: ResultDocument): string {
  const rows = runSummaryRows(run).map((r) => {
    if (r.heading) return `<tr class="sub"><th colspan="2">${esc(r.label)}</th></tr>`;
    const value = r.value === undefined ? '-' : esc(r.text);
    const attrs = r.field === undefined ? '' : ` data-field="${esc(r.field)}"${r.value === undefined ? '' : ` data-value="${r.value}"`}`;
    return `<tr><td>${esc(r.label)}</td><td class="num"${attrs}>${value}</td></tr>`;
  });
  return `<table class="summary"><tbody>${rows.join('')}</tbody></table>`;
}

const DOCUMENTED = new Set([
  'schema_version', 'kind', 'aibench_version', 'started_at', 'ended_at', 'duration_s', 'label', 'duration', 'date', 'backend',
  'model_id', 'request_rate', 'burstiness', 'max_concurrency', 'config', 'tokenizer', 'provenance', 'client', 'errors',
  'requests', 'input_lens', 'output_lens', 'ttfts', 'itls', 'metadata',
]);

// A value as one line: scalars as they are, short scalar lists joined, anything bigger counted.
function describe(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) {
    return value.length <= 8 && value.every((v) => typeof v !== 'object') ? value.join(', ') : `[${value.length} items]`;
  }
  if (typeof value === 'object') return JSON.stringify(value).slice(0, 200);
  return String(value);
}

function flatten(prefix: string, value: unknown, out: Array<[string, string]>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(prefix === '' ? k : `${prefix}.${k}`, v, out);
  } else {
    out.push([prefix, describe(value)]);
  }
}

/** Where, what and with what: target, load, dataset, versions, provenance, client health, errors, and any other recorded field. */
export function provenanceHtml(run: ResultDocument): string {
  const w = workloadOf(run);
  const rows: Array<[string, string]> = [
    ['model', w.model], ['target', `${run.config.target.url} (${w.api})`], ['load', w.load],
    ['dataset', `${w.dataset}, input ${w.input_len}, output ${w.output_len}, range ratio ${w.range_ratio}, seed ${run.config.dataset.seed}`],
    ['started', run.started_at], ['duration', `${run.duration_s.toFixed(2)} s`], ['aibench', run.aibench_version],
    ['tokenizer', `${run.tokenizer.name} (${run.tokenizer.kind})`],
    ['metadata', metadataText(run.metadata)],
  ];
  flatten('provenance', run.provenance, rows);
  flatten('client', run.client, rows);
  if (run.errors !== undefined) flatten('errors', run.errors, rows);
  for (const [key, value] of Object.entries(run)) {
    if (!DOCUMENTED.has(key) && !isMetricField(key)) flatten(key, value, rows);
  }
  const body = rows.filter(([, v]) => v !== '').map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`);
  return `<table class="provenance"><tbody>${body.join('')}</tbody></table>`;
}

const OVERVIEW: Array<[string, string]> = [
  ['completed', 'ok'], ['failed', 'failed'], ['request_throughput', 'req/s'], ['output_throughput', 'out tok/s'],
  ['median_ttft_ms', 'p50 TTFT'], ['p99_ttft_ms', 'p99 TTFT'], ['median_tpot_ms', 'p50 TPOT'], ['p99_tpot_ms', 'p99 TPOT'],
  ['p99_itl_ms', 'p99 ITL'], ['p99_e2el_ms', 'p99 E2EL'],
];

/** One row per run with its headline numbers, each linking to the run's section. */
export function overviewHtml(runs: readonly ResultDocument[], labels: readonly string[], ids: readonly string[]): string {
  // A metadata column only when some run carries --metadata tags.
  const withTags = runs.some((run) => run.metadata !== undefined);
  const head = `<tr><th>run</th><th>model</th><th>load</th>${withTags ? '<th>metadata</th>' : ''}${OVERVIEW.map(([, h]) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const rows = runs.map((run, i) => {
    const cells = OVERVIEW.map(([f]) => numCell(f, metricValue(run as unknown as Record<string, unknown>, f)));
    const tags = withTags ? `<td>${esc(metadataText(run.metadata))}</td>` : '';
    return `<tr data-run="${esc(ids[i] as string)}"><td><a href="#${esc(ids[i] as string)}">${esc(labels[i] as string)}</a></td><td>${esc(run.config.target.model)}</td><td>${esc(workloadOf(run).load)}</td>${tags}${cells.join('')}</tr>`;
  });
  return `<table class="overview"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Mean and 95 % CI over repetitions, then each run's change against the first with the test that judged it. */
export function repetitionHtml(runs: readonly ResultDocument[], labels: readonly string[]): string {
  const summary = repetitionSummary(runs);
  const metrics = HEADLINE_METRICS.filter((m) => summary[m] !== undefined);
  const deltas = runs.slice(1).map((run) => new Map(compareRunSets([runs[0] as ResultDocument], [run], { metrics }).map((r) => [r.metric, r])));
  const head = `<tr><th>metric</th><th>mean</th><th>95% CI</th>${labels.slice(1).map((l) => `<th>Δ ${esc(l)} vs ${esc(labels[0] as string)}</th>`).join('')}</tr>`;
  const rows = metrics.map((m) => {
    const s = summary[m]!;
    const ci = s.low === undefined ? '-' : `${fmtNumber(s.low)} … ${fmtNumber(s.high)}`;
    const cells = deltas.map((d) => {
      const row = d.get(m);
      if (row?.deltaPct === undefined) return '<td class="num">-</td>';
      const mark = row.significance.significant ? ' *' : '';
      return `<td class="num" title="${esc(describeSignificance(row.significance))}">${row.deltaPct >= 0 ? '+' : ''}${row.deltaPct.toFixed(1)}%${mark}</td>`;
    });
    return `<tr><td>${esc(m)}</td>${numCell(m, s.mean)}<td class="num">${ci}</td>${cells.join('')}</tr>`;
  });
  return `<table class="repetitions"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>
<p class="note">95% CI: Student t over the ${runs.length} runs. * significant at 95% (hover a cell for the test, interval and p-value).</p>`;
}

/** A chart's place in the page; the browser script draws into the div. */
export function chartFigure(spec: ChartSpec): string {
  const note = spec.note === undefined ? '' : `<p class="note">${esc(spec.note)}</p>`;
  return `<figure class="chart"><figcaption>${esc(spec.title)}</figcaption><div class="plot" id="chart-${esc(spec.id)}"></div>${note}</figure>`;
}
