// The suite's record of what happened: one row per benchmark and per service, written as
// summary.json and summary.csv next to the result files, and shown as a table on stderr.
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { AssertionOutcome } from '../bench/results/truth-schema.js';
import type { TierWaits } from '../dispatch/wait-times.js';
import type { TierName } from '../dispatch/tiers.js';
import { BenchError, ThresholdError, type AibenchError } from '../errors.js';
import { renderTable, type Cell } from '../report/table.js';
import type { ServiceAttempt } from '../service/index.js';
import { VERSION } from '../version.js';

export type BenchmarkStatus = 'passed' | 'threshold' | 'failed' | 'cancelled';

/** Result fields copied into the summary (vLLM names). */
const SUMMARY_METRICS = [
  'completed', 'failed', 'request_throughput', 'output_throughput', 'median_ttft_ms', 'p99_ttft_ms', 'median_tpot_ms', 'p99_tpot_ms', 'p99_itl_ms', 'p99_e2el_ms',
] as const;

export interface BenchmarkRow {
  id: string;
  service: string;
  load: string;
  input_len: number;
  output_len: number;
  status: BenchmarkStatus;
  /** True when --resume found a valid result and did not run it again. */
  resumed: boolean;
  file?: string;
  error?: string;
  breaches?: string[];
  /** Each gate's outcome: fail_on rules, assert and assert_promql, with the value observed. */
  assertions?: AssertionOutcome[];
  metrics: Partial<Record<(typeof SUMMARY_METRICS)[number], number>>;
  /** A search's answer: the highest rate (req/s) or concurrency that met every SLO. */
  search_answer?: number;
}

export interface ServiceRow {
  id: string;
  kind: 'slurm' | 'url' | 'sim';
  /** 'ready' only while the suite runs; a service this run started ends 'stopped' (or 'failed' when it could not be stopped). */
  status: 'ready' | 'stopped' | 'failed' | 'cancelled' | 'unused';
  job_id?: string;
  url?: string;
  error?: string;
  /** A start with retry_oom: every submission, what it ran with and how it ended. */
  attempts?: ServiceAttempt[];
}

export interface SuiteSummary {
  schema_version: 1;
  kind: 'suite';
  aibench_version: string;
  suite: string;
  started_at: string;
  ended_at: string;
  out_dir: string;
  interrupted: boolean;
  counts: { total: number } & Record<BenchmarkStatus | 'resumed', number>;
  services: ServiceRow[];
  benchmarks: BenchmarkRow[];
  /** How long work waited on the suite's dispatcher before it started, per tier (services start as preload). */
  queue_wait?: Partial<Record<TierName, TierWaits>>;
}

/** The summary fields of one result document (absent metrics stay absent, never 0). */
export function pickMetrics(doc: Readonly<Record<string, unknown>>): BenchmarkRow['metrics'] {
  const out: BenchmarkRow['metrics'] = {};
  for (const key of SUMMARY_METRICS) {
    const value = doc[key];
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
  }
  return out;
}

/** Assemble the summary; counts are over the planned benchmarks, so they add up to total. */
export function buildSummary(input: Omit<SuiteSummary, 'schema_version' | 'kind' | 'aibench_version' | 'counts'> & { total: number }): SuiteSummary {
  const { total, ...rest } = input;
  const count = (status: BenchmarkStatus) => input.benchmarks.filter((b) => b.status === status).length;
  const counts = { total, passed: count('passed'), threshold: count('threshold'), failed: count('failed'), cancelled: count('cancelled'), resumed: input.benchmarks.filter((b) => b.resumed).length };
  return { schema_version: 1, kind: 'suite', aibench_version: VERSION, counts, ...rest };
}

const csvCell = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  const text = Array.isArray(value) ? value.join('; ') : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** summary.csv: one line per benchmark, metrics as columns, empty cells for missing values. */
export function summaryCsv(summary: SuiteSummary): string {
  const head = ['id', 'service', 'load', 'input_len', 'output_len', 'status', 'resumed', ...SUMMARY_METRICS, 'file', 'error', 'breaches', 'assertions', 'search_answer'];
  const gates = (b: BenchmarkRow) => b.assertions?.map((a) => `${a.expr} ${a.status}${a.observed === undefined ? '' : ` (${a.observed})`}`);
  const lines = summary.benchmarks.map((b) =>
    [b.id, b.service, b.load, b.input_len, b.output_len, b.status, b.resumed, ...SUMMARY_METRICS.map((m) => b.metrics[m]), b.file, b.error, b.breaches, gates(b), b.search_answer].map(csvCell).join(','),
  );
  return `${[head.join(','), ...lines].join('\n')}\n`;
}

/** The summary files in a suite's output directory. */
export const SUMMARY_FILES = { json: 'summary.json', csv: 'summary.csv' } as const;

/** Write summary.json and summary.csv atomically into the output directory. */
export async function writeSummary(dir: string, summary: SuiteSummary): Promise<void> {
  await writeFileAtomic(join(dir, SUMMARY_FILES.json), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFileAtomic(join(dir, SUMMARY_FILES.csv), summaryCsv(summary));
}

/** The table for people: one row per benchmark, then failed services and what went wrong. */
export function renderSummaryTable(summary: SuiteSummary): string {
  const rows: Cell[][] = summary.benchmarks.map((b) => [
    b.id, b.status + (b.resumed ? ' (resumed)' : ''), b.metrics.completed, b.metrics.failed, b.metrics.request_throughput, b.metrics.output_throughput,
    b.metrics.median_ttft_ms, b.metrics.p99_ttft_ms, b.metrics.median_tpot_ms,
  ]);
  const c = summary.counts;
  const title = `suite ${summary.suite}: ${c.passed} passed, ${c.threshold} over threshold, ${c.failed} failed, ${c.cancelled} cancelled of ${c.total}${c.resumed ? ` (${c.resumed} resumed)` : ''}`;
  const table = renderTable(['benchmark', 'status', 'ok', 'err', 'req/s', 'out tok/s', 'ttft p50', 'ttft p99', 'tpot p50'], rows, { title });
  const problems = [
    ...summary.services.filter((s) => s.status === 'failed').map((s) => `service ${s.id} failed: ${s.error ?? 'unknown error'}`),
    ...summary.benchmarks.filter((b) => b.status === 'failed').map((b) => `${b.id} failed: ${b.error ?? 'unknown error'}`),
    ...summary.benchmarks.filter((b) => b.status === 'threshold').map((b) => `${b.id} breached: ${(b.breaches ?? []).join('; ')}`),
    ...Object.entries(summary.queue_wait ?? {}).map(([tier, w]) => `queue wait ${tier}: ${w.count} started, mean ${w.mean_s ?? '-'} s, max ${w.max_s} s`),
  ];
  return problems.length === 0 ? table : `${table}\n${problems.join('\n')}`;
}

/** The error a finished suite ends with: runs failed (exit 1) over thresholds (exit 3); none when all passed or it was interrupted. */
export function suiteVerdict(summary: SuiteSummary): AibenchError | undefined {
  if (summary.interrupted) return undefined; // main turns the interrupt into 130
  const c = summary.counts;
  // A service that failed only at stopping has a url (it was ready): it did start.
  const failedServices = summary.services.filter((s) => s.status === 'failed' && s.url === undefined).map((s) => s.id);
  if (c.failed > 0 || c.cancelled > 0) {
    return new BenchError(`Suite ${summary.suite}: ${c.failed} of ${c.total} benchmark(s) failed${failedServices.length ? `; service(s) that did not start: ${failedServices.join(', ')}` : ''}`, {
      hint: `See ${summary.out_dir}/summary.json for each error; re-run with --resume to redo only what did not finish.`,
    });
  }
  if (c.threshold > 0) return new ThresholdError(`Suite ${summary.suite}: ${c.threshold} of ${c.total} benchmark(s) breached fail_on thresholds`);
  return undefined;
}
