// The server-truth rows of a run's summary (the terminal table and the HTML report show the same):
// what the server's /metrics said over the window, the TTFT breakdown, the GPUs, and each gate.
import type { ResultDocument } from '../bench/results/result-schema.js';
import { fmtNumber } from './table.js';
import type { SummaryRow } from './bench-table.js';

const num = (label: string, field: string, value: unknown, digits = 2): SummaryRow =>
  (typeof value === 'number' ? { label, field, value, text: digits === 0 ? String(value) : fmtNumber(value, digits) } : { label, field, text: '-' });

/** Rows for server_metrics and ttft_breakdown (none when the run did not scrape). */
export function serverRows(doc: ResultDocument): SummaryRow[] {
  const s = doc.server_metrics;
  if (s === undefined) return [];
  const head: SummaryRow = { label: s.replicas === undefined ? 'Server (/metrics)' : `Server (/metrics of ${s.replicas.length} replicas, added up)`, heading: true, text: '' };
  if (!s.available) return [head, { label: 'Not scraped', text: s.unavailable_reason ?? 'unavailable' }];
  const f = (key: string) => s[key];
  const rows: SummaryRow[] = [
    head,
    num('Scrapes (every s)', 'server_metrics.samples', s.samples, 0),
    num('Max / mean running', 'server_metrics.max_num_requests_running', f('max_num_requests_running'), 0),
    num('Max / mean waiting', 'server_metrics.max_num_requests_waiting', f('max_num_requests_waiting'), 0),
    num('Max KV cache usage', 'server_metrics.max_kv_cache_usage_perc', f('max_kv_cache_usage_perc'), 3),
    num('Preemptions', 'server_metrics.preemptions', f('preemptions'), 0),
    num('Output tok/s: server | client', 'server_metrics.generation_throughput', f('generation_throughput')),
    num('Prefix cache hit rate', 'server_metrics.prefix_cache_hit_rate', f('prefix_cache_hit_rate'), 3),
    num('Server mean TTFT (ms)', 'server_metrics.mean_ttft_ms', f('mean_ttft_ms')),
    num('Server P99 TTFT (ms, buckets)', 'server_metrics.p99_ttft_ms', f('p99_ttft_ms')),
    num('Server mean queue time (ms)', 'server_metrics.mean_queue_time_ms', f('mean_queue_time_ms')),
    num('Server mean prefill time (ms)', 'server_metrics.mean_prefill_time_ms', f('mean_prefill_time_ms')),
    num('Server mean decode time (ms)', 'server_metrics.mean_decode_time_ms', f('mean_decode_time_ms')),
  ];
  const pair = (row: SummaryRow | undefined, other: unknown, digits = 0) => {
    if (row !== undefined && row.text !== '-') row.text = `${row.text} / ${typeof other === 'number' ? fmtNumber(other, digits === 0 ? 1 : digits) : '-'}`;
  };
  pair(rows[1], s.scrape_interval_s, 1);
  pair(rows[2], f('mean_num_requests_running'));
  pair(rows[3], f('mean_num_requests_waiting'));
  pair(rows[6], doc.output_throughput, 2);
  const b = doc.ttft_breakdown;
  if (b !== undefined) {
    rows.push({ label: 'TTFT breakdown (means)', heading: true, text: '' });
    rows.push(num('Queue (ms)', 'ttft_breakdown.queue_ms', b.queue_ms), num('Prefill (ms)', 'ttft_breakdown.prefill_ms', b.prefill_ms));
    rows.push(num('Other: network, HTTP, client (ms)', 'ttft_breakdown.other_ms', b.other_ms), num('Client TTFT (ms)', 'ttft_breakdown.client_ttft_ms', b.client_ttft_ms));
  }
  return rows;
}

/** Rows for the GPU figures and every gate's outcome. */
export function gateRows(doc: ResultDocument): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const g = doc.gpu;
  if (g !== undefined) {
    rows.push({ label: `GPUs (job ${g.slurm_job_id ?? '-'})`, heading: true, text: '' });
    if (g.note !== undefined) rows.push({ label: 'Note', text: g.note });
    rows.push(
      num('GPUs', 'gpu.gpus', g.gpus, 0), num('Mean / max utilisation', 'gpu.mean_utilization', g.mean_utilization, 3),
      num('Max memory used (GB)', 'gpu.max_memory_used_bytes', g.max_memory_used_bytes === undefined ? undefined : g.max_memory_used_bytes / 1e9),
      num('Mean power (W)', 'gpu.mean_power_watts', g.mean_power_watts, 1), num('Energy per output token (J)', 'gpu.energy_per_output_token_joules', g.energy_per_output_token_joules, 4),
    );
    const util = rows.find((r) => r.field === 'gpu.mean_utilization');
    if (util !== undefined && util.text !== '-') util.text = `${util.text} / ${fmtNumber(g.max_utilization, 3)}`;
  }
  if (doc.assertions !== undefined && doc.assertions.length > 0) {
    rows.push({ label: 'Assertions', heading: true, text: '' });
    for (const a of doc.assertions) {
      const seen = a.observed === undefined ? '' : ` (observed ${a.observed})`;
      rows.push({ label: a.kind === 'promql' ? `promql: ${a.expr}` : a.expr, text: a.status === 'pass' ? `PASS${seen}` : a.status === 'fail' ? `FAIL${seen}` : `ERROR: ${a.reason ?? ''}` });
    }
  }
  return rows;
}
