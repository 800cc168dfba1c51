// What a benchmark client inside the cluster needs of a READY service: the cluster connection and
// config, the job it runs in, and the server as compute nodes reach it (never an SSH forward).
import type { Config, ResolvedCluster } from '../config/schema.js';
import type { Executor } from '../exec/types.js';
import { ServiceError } from '../errors.js';
import { readEndpoint } from './endpoint.js';
import { vramProvenance } from './open.js';
import { serviceStatus } from './query.js';
import { openTarget, type OpenTarget } from './session.js';
import type { ServiceStore } from './store.js';

export interface ServiceForClusterClient {
  ex: Executor;
  cluster: ResolvedCluster;
  service: {
    id: string; jobId: string; node?: string; url: string; model: string; apiKeyFile?: string; vllmArgs: string[];
    vram?: { estimate_bytes_per_gpu: number; measured_bytes_per_gpu?: number[] };
  };
  /** Close the cluster connection. */
  close(): Promise<void>;
}

/** Reconcile the service with Slurm, refuse unless READY, and open its cluster for a client job. */
export async function openServiceForClusterClient(config: Config, id: string, options: { store?: ServiceStore; open?: OpenTarget } = {}): Promise<ServiceForClusterClient> {
  const record = await serviceStatus(config, id, options);
  if (record.status !== 'READY') {
    throw new ServiceError(`Service ${id} is ${record.status}, not READY${record.reason ? ` (${record.reason})` : ''}`, {
      hint: `See \`aibench service status ${id}\`; start a new one with \`aibench service start --model ${record.model}\`.`,
    });
  }
  const target = await (options.open ?? openTarget)(config, record.cluster);
  try {
    const endpoint = record.endpoint ?? (await readEndpoint(target.ex, target.cluster.paths.state_dir, record.id));
    if (endpoint === undefined || endpoint.job_id !== record.job_id) throw new ServiceError(`Service ${id} has no endpoint yet (${record.status})`);
    const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
    const node = record.node ?? endpoint.host;
    return {
      ex: target.ex, cluster: target.cluster, close: () => target.ex.close(),
      service: {
        id: record.id, jobId: record.job_id, node, url: `http://${host}:${endpoint.port}`, model: record.served_model_names?.[0] ?? record.model,
        vllmArgs: record.vllm_args, ...(record.api_key_file ? { apiKeyFile: record.api_key_file } : {}), ...vramProvenance(record),
      },
    };
  } catch (error) {
    await target.ex.close();
    throw error;
  }
}
