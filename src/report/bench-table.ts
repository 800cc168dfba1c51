// The run summary for people (stderr), laid out like vLLM's serving benchmark: a headline of
// counts and throughputs (failed always shown), then TTFT/TPOT/ITL/E2EL mean, median, p99 and asked percentiles.
import type { ResultDocument } from '../bench/results/result-schema.js';
import { formatP, type AssessedRow } from './compare-runs.js';
import { fmtNumber, renderTable, type Cell } from './table.js';
import { gateRows, serverRows } from './truth-rows.js';

const LATENCIES = [
  ['ttft', 'Time to first token'],
  ['tpot', 'Time per output token (excl. 1st)'],
  ['itl', 'Inter-token latency'],
  ['e2el', 'End-to-end latency'],
] as const;

/** Percentiles to show: 99 and every asked one (the median is its own row). */
function shownPercentiles(doc: ResultDocument): number[] {
  return [...new Set([...doc.config.percentiles, 99])].filter((p) => p !== 50).sort((a, b) => a - b);
}

function field(doc: ResultDocument, name: string): number | undefined {
  const value = (doc as unknown as Record<string, unknown>)[name];
  return typeof value === 'number' ? value : undefined;
}

/** One row of a run's summary: a heading, or a label with the field it shows, its value and text. */
export interface SummaryRow {
  label: string;
  heading?: boolean;
  field?: string;
  value?: number;
  text: string;
}

/** The rows of a run's summary, in vLLM's order; the text table and the HTML report both show these. */
export function runSummaryRows(doc: ResultDocument): SummaryRow[] {
  const count = (label: string, f: 'completed' | 'failed' | 'cut' | 'total_input_tokens' | 'total_output_tokens'): SummaryRow =>
    ({ label, field: f, value: doc[f], text: String(doc[f]) });
  const num = (label: string, f: string, value = field(doc, f)): SummaryRow =>
    (value === undefined ? { label, field: f, text: fmtNumber(value) } : { label, field: f, value, text: fmtNumber(value) });
  const rows: SummaryRow[] = [count('Successful requests', 'completed'), count('Failed requests', 'failed')];
  if (doc.cut > 0) rows.push(count('Cut at deadline', 'cut'));
  rows.push(
    num('Benchmark duration (s)', 'duration_s', doc.duration_s),
    count('Total input tokens', 'total_input_tokens'),
    count('Total generated tokens', 'total_output_tokens'),
    num('Request throughput (req/s)', 'request_throughput'),
  );
  if (doc.config.slo !== undefined) rows.push(num('Request goodput (req/s)', 'request_goodput'));
  rows.push(num('Output token throughput (tok/s)', 'output_throughput'), num('Total token throughput (tok/s)', 'total_token_throughput'));
  for (const [metric, title] of LATENCIES) {
    const name = metric.toUpperCase();
    rows.push({ label: title, heading: true, text: '' });
    rows.push(num(`Mean ${name} (ms)`, `mean_${metric}_ms`), num(`Median ${name} (ms)`, `median_${metric}_ms`));
    for (const p of shownPercentiles(doc)) rows.push(num(`P${p} ${name} (ms)`, `p${p}_${metric}_ms`));
  }
  return [...rows, ...serverRows(doc), ...workloadRows(doc), ...gateRows(doc)];
}

// The rows of a multi-turn run (TTFT by turn) and of a batch job (queue wait, duration, items).
function workloadRows(doc: ResultDocument): SummaryRow[] {
  const row = (label: string, value: number | undefined): SummaryRow => (value === undefined ? { label, text: fmtNumber(value) } : { label, value, text: fmtNumber(value) });
  const count = (label: string, value: number): SummaryRow => ({ label, value, text: String(value) }); // whole numbers: `5`, never `5.00`
  const rows: SummaryRow[] = [];
  if (doc.multi_turn !== undefined) {
    rows.push({ label: 'Multi-turn sessions', heading: true, text: '' }, count('Sessions', doc.multi_turn.sessions), count('Sessions ended by a failed turn', doc.multi_turn.broken_sessions));
    for (const t of doc.multi_turn.turns) rows.push(row(`Turn ${t.turn + 1}: median TTFT (ms), ${t.completed} req`, t.median_ttft_ms));
  }
  if (doc.batch !== undefined) {
    const b = doc.batch;
    rows.push({ label: `Batch ${b.id} (${b.status})`, heading: true, text: '' }, count('Items completed', b.completed), count('Items failed', b.failed));
    rows.push(row('Queue wait (s)', b.queue_wait_s), row('Job duration (s)', b.job_duration_s), row('Job output throughput (tok/s)', b.job_output_throughput));
  }
  return rows;
}

/** The summary table of one run. */
export function renderRunTable(doc: ResultDocument): string {
  const rows: Cell[][] = runSummaryRows(doc).map((r) => (r.heading ? [`-- ${r.label} --`, ''] : [r.label, r.text]));
  const target = `${doc.config.target.model} @ ${doc.config.target.url}`;
  return renderTable(['Serving Benchmark Result', doc.label ?? ''], rows, { title: target });
}

/** One line per sweep step: the load label and its headline numbers. */
export function renderSweepTable(docs: readonly ResultDocument[], title = 'Sweep'): string {
  const rows = docs.map((d) => [
    d.label ?? '-', String(d.completed), String(d.failed), fmtNumber(d.request_throughput), fmtNumber(d.output_throughput),
    fmtNumber(d.median_ttft_ms), fmtNumber(d.p99_ttft_ms), fmtNumber(d.median_itl_ms), fmtNumber(d.p99_itl_ms),
  ]);
  return renderTable(['load', 'ok', 'failed', 'req/s', 'out tok/s', 'med TTFT', 'p99 TTFT', 'med ITL', 'p99 ITL'], rows, { title });
}

/** Repetitions of one workload: per load level, each headline metric's mean and 95 % CI over the runs. */
export function renderRepeatTable(summary: ReadonlyArray<{ label: string; metrics: Readonly<Record<string, { n: number; mean: number; low?: number; high?: number }>> }>): string {
  const rows = summary.flatMap(({ label, metrics }) =>
    Object.entries(metrics).map(([metric, m]) => [label, metric, fmtNumber(m.mean), m.low === undefined ? '-' : `${fmtNumber(m.low)} .. ${fmtNumber(m.high)}`, String(m.n)]),
  );
  return renderTable(['load', 'metric', 'mean', '95% CI', 'runs'], rows, { title: 'Repetitions' });
}

/** Side-by-side comparison of two results with deltas, the test that judged each and the verdict. */
export function renderCompareTable(rows: readonly AssessedRow[]): string {
  return renderTable(
    ['metric', 'base', 'new', 'delta', 'delta %', 'test', ''],
    rows.map((r) => [
      r.metric, fmtNumber(r.base), fmtNumber(r.next), fmtNumber(r.delta),
      r.deltaPct === undefined ? '-' : `${r.deltaPct >= 0 ? '+' : ''}${r.deltaPct.toFixed(1)}%`, testCell(r), verdictCell(r),
    ]),
  );
}

const TEST_NAMES = { 'bootstrap-quantile': 'bootstrap', 'welch-samples': 'welch', 'welch-repetitions': 'welch reps', 'prediction-interval': 'pred. int.', none: '-' } as const;

function testCell(r: AssessedRow): string {
  const s = r.significance;
  return s.pValue === undefined ? TEST_NAMES[s.method] : `${TEST_NAMES[s.method]} ${formatP(s.pValue)}`;
}

function verdictCell(r: AssessedRow): string {
  if (r.regressed) return r.significance.significant === undefined ? 'REGRESSED (threshold only)' : 'REGRESSED';
  if (r.pastThreshold) return 'worse, not significant';
  const better = r.delta !== undefined && r.delta !== 0 && (r.direction === 'lower-is-better' ? r.delta < 0 : r.delta > 0);
  return better && r.significance.significant === true ? 'better' : '';
}
