// Benchmark targets by id: a single service (open.ts, cluster-client.ts), or a replica group whose
// READY replicas become one target with every replica's endpoint, so the client spreads requests
// over them. Replicas of a group share one cluster; every replica must be READY.
import type { Config } from '../config/schema.js';
import { ServiceError } from '../errors.js';
import { readServiceApiKey } from './api-key.js';
import { openServiceForClusterClient, type ServiceForClusterClient } from './cluster-client.js';
import { openEndpoint, readEndpoint, type OpenEndpoint } from './endpoint.js';
import { byReplica, liveMembers, resolveServices } from './group.js';
import { openServiceTarget, vramProvenance, type ServiceBenchTarget } from './open.js';
import { listServices } from './query.js';
import type { ServiceRecord } from './record.js';
import { openTarget, type OpenTarget } from './session.js';
import { ServiceStore } from './store.js';

interface OpenOptions {
  store?: ServiceStore;
  open?: OpenTarget;
}

/** A replica as a benchmark records it. */
export interface ReplicaInfo {
  id: string;
  url: string;
  job_id: string;
  node?: string;
}

/** The group's live replicas, reconciled with Slurm; undefined when `id` names a single service. */
async function readyReplicas(config: Config, id: string, options: OpenOptions): Promise<ServiceRecord[] | undefined> {
  const store = options.store ?? new ServiceStore();
  const records = await store.read();
  if (records[id] !== undefined) return undefined;
  const members = liveMembers(resolveServices(records, id));
  const current = byReplica(await listServices(config, { store, ids: members.map((m) => m.id), ...(options.open ? { open: options.open } : {}) }));
  const notReady = current.filter((r) => r.status !== 'READY');
  if (current.length === 0 || notReady.length > 0) {
    throw new ServiceError(`Group ${id} is not READY: ${current.length === 0 ? 'no replica is running' : notReady.map((r) => `${r.id} is ${r.status}`).join(', ')}`, {
      hint: `See \`aibench service status ${id}\`; stop it with \`aibench service stop ${id}\` and start it again.`,
    });
  }
  return current;
}

/** What `bench run --service ID --client local` opens: one endpoint, or every replica's (forwarded as needed). */
export async function openBenchTarget(config: Config, id: string, options: OpenOptions = {}): Promise<ServiceBenchTarget & { replicas?: ReplicaInfo[] }> {
  const replicas = await readyReplicas(config, id, options);
  if (replicas === undefined) return openServiceTarget(config, id, options);
  const first = replicas[0]!;
  const target = await (options.open ?? openTarget)(config, first.cluster);
  const opened: OpenEndpoint[] = [];
  const close = async () => {
    await Promise.all(opened.map((o) => o.close()));
    await target.ex.close();
  };
  try {
    const infos: ReplicaInfo[] = [];
    for (const r of replicas) {
      const endpoint = r.endpoint ?? (await readEndpoint(target.ex, target.cluster.paths.state_dir, r.id));
      if (endpoint === undefined) throw new ServiceError(`Replica ${r.id} of group ${id} has no endpoint`);
      const open = await openEndpoint(target.ex, endpoint, { access: target.cluster.compute_access });
      opened.push(open);
      infos.push({ id: r.id, url: open.url, job_id: r.job_id, ...(r.node ? { node: r.node } : {}) });
    }
    const apiKey = await readServiceApiKey(target.ex, first.api_key_file);
    return {
      url: infos[0]!.url, forwarded: opened.some((o) => o.forwarded), apiKey, model: first.served_model_names?.[0] ?? first.model, replicas: infos, close,
      provenance: { cluster: first.cluster, job_id: first.job_id, service_id: id, ...(first.node ? { node: first.node } : {}), replicas: infos.map(replicaProvenance), ...vramProvenance(first) },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * What a cluster client needs of a service or group. A group's client runs as a step in its first
 * replica's job (or a client job, placement partition) and reaches every replica directly.
 */
export async function openClusterBenchTarget(config: Config, id: string, options: OpenOptions = {}): Promise<ServiceForClusterClient & { replicas?: ReplicaInfo[] }> {
  const replicas = await readyReplicas(config, id, options);
  if (replicas === undefined) return openServiceForClusterClient(config, id, options);
  const first = await openServiceForClusterClient(config, replicas[0]!.id, options);
  try {
    const infos: ReplicaInfo[] = [];
    for (const r of replicas) {
      const endpoint = r.endpoint ?? (await readEndpoint(first.ex, first.cluster.paths.state_dir, r.id));
      if (endpoint === undefined) throw new ServiceError(`Replica ${r.id} of group ${id} has no endpoint`);
      const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
      infos.push({ id: r.id, url: `http://${host}:${endpoint.port}`, job_id: r.job_id, ...(r.node ? { node: r.node } : {}) });
    }
    return { ...first, service: { ...first.service, id }, replicas: infos };
  } catch (error) {
    await first.close();
    throw error;
  }
}

/** A replica as the result's provenance lists it. */
const replicaProvenance = (r: ReplicaInfo) => ({ service_id: r.id, job_id: r.job_id, ...(r.node ? { node: r.node } : {}) });
