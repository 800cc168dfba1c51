// The run summary for people (stderr), laid out like vLLM's serving benchmark: a headline of
// counts and throughputs (failed always shown), then TTFT/TPOT/ITL/E2EL mean, median, p99 and asked percentiles.
import type { ResultDocument } from '../bench/results/result-schema.js';
import type { CompareRow } from '../bench/results/compare.js';
import { fmtNumber, renderTable, type Cell } from './table.js';

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

/** The summary table of one run. */
export function renderRunTable(doc: ResultDocument): string {
  const rows: Cell[][] = [
    ['Successful requests', String(doc.completed)],
    ['Failed requests', String(doc.failed)],
  ];
  if (doc.cut > 0) rows.push(['Cut at deadline', String(doc.cut)]);
  rows.push(
    ['Benchmark duration (s)', fmtNumber(doc.duration_s)],
    ['Total input tokens', String(doc.total_input_tokens)],
    ['Total generated tokens', String(doc.total_output_tokens)],
    ['Request throughput (req/s)', fmtNumber(doc.request_throughput)],
  );
  if (doc.config.slo !== undefined) rows.push(['Request goodput (req/s)', fmtNumber(doc.request_goodput)]);
  rows.push(['Output token throughput (tok/s)', fmtNumber(doc.output_throughput)], ['Total token throughput (tok/s)', fmtNumber(doc.total_token_throughput)]);
  for (const [metric, title] of LATENCIES) {
    rows.push([`-- ${title} --`, '']);
    rows.push([`Mean ${metric.toUpperCase()} (ms)`, fmtNumber(field(doc, `mean_${metric}_ms`))]);
    rows.push([`Median ${metric.toUpperCase()} (ms)`, fmtNumber(field(doc, `median_${metric}_ms`))]);
    for (const p of shownPercentiles(doc)) rows.push([`P${p} ${metric.toUpperCase()} (ms)`, fmtNumber(field(doc, `p${p}_${metric}_ms`))]);
  }
  const target = `${doc.config.target.model} @ ${doc.config.target.url}`;
  return renderTable(['Serving Benchmark Result', doc.label ?? ''], rows, { title: target });
}

/** One line per sweep step: the load label and its headline numbers. */
export function renderSweepTable(docs: readonly ResultDocument[]): string {
  const rows = docs.map((d) => [
    d.label ?? '-', String(d.completed), String(d.failed), fmtNumber(d.request_throughput), fmtNumber(d.output_throughput),
    fmtNumber(d.median_ttft_ms), fmtNumber(d.p99_ttft_ms), fmtNumber(d.median_itl_ms), fmtNumber(d.p99_itl_ms),
  ]);
  return renderTable(['load', 'ok', 'failed', 'req/s', 'out tok/s', 'med TTFT', 'p99 TTFT', 'med ITL', 'p99 ITL'], rows, { title: 'Sweep' });
}

/** Side-by-side comparison of two results with deltas; regressed rows are marked. */
export function renderCompareTable(rows: readonly CompareRow[]): string {
  return renderTable(
    ['metric', 'base', 'new', 'delta', 'delta %', ''],
    rows.map((r) => [
      r.metric, fmtNumber(r.base), fmtNumber(r.next), fmtNumber(r.delta),
      r.deltaPct === undefined ? '-' : `${r.deltaPct >= 0 ? '+' : ''}${r.deltaPct.toFixed(1)}%`, r.regressed ? 'REGRESSED' : '',
    ]),
  );
}
