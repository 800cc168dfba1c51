// The per-replica table of a service group's run, printed under the run's own table: each replica's
// counts and headline latencies next to the whole, so an uneven replica stands out.
import type { ResultDocument } from '../bench/results/result-schema.js';
import { fmtNumber, renderTable } from './table.js';

/** One row per replica and one for the whole; undefined for a run without replicas. */
export function renderReplicaTable(doc: ResultDocument): string | undefined {
  if (doc.replicas === undefined) return undefined;
  const row = (id: string, s: Record<string, number | undefined>) => [
    id, String(s['num_prompts'] ?? 0), String(s['completed'] ?? 0), String(s['failed'] ?? 0), fmtNumber(s['request_throughput']),
    fmtNumber(s['output_throughput']), fmtNumber(s['median_ttft_ms']), fmtNumber(s['p99_ttft_ms']), fmtNumber(s['median_tpot_ms']),
  ];
  const whole = doc as unknown as Record<string, number | undefined>;
  const rows = [...doc.replicas.map((r) => row(r.id, r.stats)), row('(all)', whole)];
  return renderTable(['replica', 'sent', 'ok', 'failed', 'req/s', 'out tok/s', 'med TTFT', 'p99 TTFT', 'med TPOT'], rows, { title: `Per replica (${doc.config.target.balance ?? 'round-robin'})` });
}
