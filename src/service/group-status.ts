// `service status ID`: one service or every replica of a group, reconciled with Slurm, and for a
// READY service with a VRAM estimate, the memory its server really holds (vram-measure.ts) written
// next to the estimate, so a site learns how good the estimate is.
import type { Config } from '../config/schema.js';
import { byReplica, resolveServices } from './group.js';
import { listServices, type QueryOptions } from './query.js';
import type { ServiceRecord } from './record.js';
import { onServiceCluster, openTarget } from './session.js';
import { ServiceStore } from './store.js';
import { measureServiceVram } from './vram-measure.js';

/** The service (or the group's replicas), reconciled; `measure` adds the measured VRAM of READY ones. */
export async function serviceGroupStatus(config: Config, id: string, options: Omit<QueryOptions, 'ids' | 'cluster'> & { measure?: boolean } = {}): Promise<ServiceRecord[]> {
  const store = options.store ?? new ServiceStore();
  const members = resolveServices(await store.read(), id);
  const records = byReplica(await listServices(config, { ...options, store, ids: members.map((m) => m.id) }));
  if (!options.measure) return records;
  const out: ServiceRecord[] = [];
  for (const record of records) {
    const vram = record.vram;
    const measured = vram === undefined ? undefined : await onServiceCluster(config, record.cluster, ({ ex, cluster }) => measureServiceVram(ex, cluster.setup, record), options.open ?? openTarget).catch(() => undefined);
    if (vram === undefined || measured === undefined) {
      out.push(record);
      continue;
    }
    const next = { ...vram, measured_bytes_per_gpu: measured, measured_at: new Date().toISOString() };
    out.push((await store.patch(record.id, record.job_id, { vram: next })) ?? { ...record, vram: next });
  }
  return out;
}
