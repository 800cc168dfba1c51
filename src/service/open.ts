// Reach a service from this process: its endpoint (from the record, else endpoint.json), directly
// or through an SSH forward, plus its API key read from the cluster-side 0600 file.
import type { Config } from '../config/schema.js';
import { readServiceApiKey } from './api-key.js';
import { openEndpoint, readEndpoint } from './endpoint.js';
import type { ClusterSession } from './lifecycle.js';
import { serviceStatus } from './query.js';
import { ServiceError } from '../errors.js';
import type { ServiceRecord } from './record.js';
import { openTarget, type OpenTarget } from './session.js';
import type { ServiceStore } from './store.js';

export interface ServiceEndpointHandle {
  /** Base URL usable from this process, e.g. http://node1:41234 or http://127.0.0.1:<forward>. */
  url: string;
  forwarded: boolean;
  apiKey?: string | undefined;
  close(): Promise<void>;
}

/** Open a READY service's endpoint on an open cluster connection; close() releases the forward only. */
export async function openServiceEndpoint(target: ClusterSession, record: ServiceRecord): Promise<ServiceEndpointHandle> {
  const endpoint = record.endpoint ?? (await readEndpoint(target.ex, target.cluster.paths.state_dir, record.id));
  if (endpoint === undefined || endpoint.job_id !== record.job_id) {
    throw new ServiceError(`Service ${record.id} has no endpoint yet (${record.status})`, { hint: `Wait for it: aibench service status ${record.id}` });
  }
  const apiKey = await readServiceApiKey(target.ex, record.api_key_file);
  const open = await openEndpoint(target.ex, endpoint, { access: target.cluster.compute_access });
  return { url: open.url, forwarded: open.forwarded, apiKey, close: open.close };
}

/** What `bench run --service ID` needs: URL, model, key, provenance, and one close() for forward and connection. */
export interface ServiceBenchTarget extends ServiceEndpointHandle {
  model: string;
  provenance: {
    cluster: string; job_id: string; node?: string; service_id: string;
    /** The replicas of a group (open-group.ts). */
    replicas?: Array<{ service_id: string; job_id: string; node?: string }>;
    /** The VRAM estimate the service started with, and its measured memory when known. */
    vram?: { estimate_bytes_per_gpu: number; measured_bytes_per_gpu?: number[] };
  };
}

/** Reconcile the service with Slurm, refuse unless READY, then open its endpoint (and keep the cluster connection until close). */
export async function openServiceTarget(config: Config, id: string, options: { store?: ServiceStore; open?: OpenTarget } = {}): Promise<ServiceBenchTarget> {
  const record = await serviceStatus(config, id, options);
  if (record.status !== 'READY') {
    throw new ServiceError(`Service ${id} is ${record.status}, not READY${record.reason ? ` (${record.reason})` : ''}`, {
      hint: `See \`aibench service status ${id}\`; start a new one with \`aibench service start --model ${record.model}\`.`,
    });
  }
  const target = await (options.open ?? openTarget)(config, record.cluster);
  try {
    const handle = await openServiceEndpoint(target, record);
    const node = record.node ?? record.endpoint?.host;
    return {
      ...handle,
      model: record.served_model_names?.[0] ?? record.model,
      provenance: { cluster: record.cluster, job_id: record.job_id, service_id: record.id, ...(node ? { node } : {}), ...vramProvenance(record) },
      close: async () => {
        await handle.close();
        await target.ex.close();
      },
    };
  } catch (error) {
    await target.ex.close();
    throw error;
  }
}

/** The record's VRAM estimate (and measurement) as a result's provenance carries it. */
export function vramProvenance(record: ServiceRecord): { vram?: { estimate_bytes_per_gpu: number; measured_bytes_per_gpu?: number[] } } {
  const v = record.vram;
  if (v === undefined) return {};
  return { vram: { estimate_bytes_per_gpu: v.estimate_bytes_per_gpu, ...(v.measured_bytes_per_gpu ? { measured_bytes_per_gpu: v.measured_bytes_per_gpu } : {}) } };
}
