// Pure: a service group's run cut per replica. The same metrics as the whole (computeMetrics over
// the records that went to each replica, the whole run's duration as every throughput's
// denominator), so per-replica counts add up to the whole and each replica reads like a run.
import type { RequestRecord } from '../engine/types.js';
import { computeMetrics, type ComputeMetricsOptions } from './metrics.js';
import { toResultFields } from './result-fields.js';

interface ReplicaStats {
  id: string;
  /** The whole run's fields, for this replica's requests only (num_prompts, completed, mean_ttft_ms, ...). */
  stats: Record<string, number>;
}

/** Per-replica statistics, in replica order; undefined when no record names a replica. */
export function replicaStats(records: readonly RequestRecord[], opts: ComputeMetricsOptions): ReplicaStats[] | undefined {
  const byReplica = new Map<string, RequestRecord[]>();
  for (const r of records) {
    if (r.replica === undefined) continue;
    const list = byReplica.get(r.replica) ?? [];
    list.push(r);
    byReplica.set(r.replica, list);
  }
  if (byReplica.size === 0) return undefined;
  const ids = [...byReplica.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  // toResultFields leaves out every undefined value, so the fields are plain numbers.
  return ids.map((id) => ({ id, stats: toResultFields(computeMetrics(byReplica.get(id) ?? [], opts)) as Record<string, number> }));
}
