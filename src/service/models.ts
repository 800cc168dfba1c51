// `serviceModels`: GET /v1/models of a service, answered from the TTL cache when it can be (no
// network, no SSH: the store and the cache are local files), fetched through the service's
// endpoint otherwise, and falling back to the last known list, marked stale, when unreachable.
import type { Config } from '../config/schema.js';
import { errorMessage, ServiceAuthError, ServiceError } from '../errors.js';
import { cachedModels, ModelsCache } from './models-cache.js';
import type { ModelsAnswer } from './models-entry.js';
import { isFinalStatus, type ServiceRecord } from './record.js';
import { getService, onServiceCluster, openTarget, type OpenTarget } from './session.js';
import { ServiceStore } from './store.js';

interface ServiceModelsOptions {
  refresh?: boolean;
  store?: ServiceStore;
  /** Default: one cache per process with the config's models_cache_ttl_s. */
  cache?: ModelsCache;
  /** How the list is fetched (injected by tests to count requests). */
  fetchModels?: (record: ServiceRecord) => Promise<string[]>;
  open?: OpenTarget;
}

let shared: ModelsCache | undefined;

/** The process-wide cache for this TTL (the in-process half survives between calls, e.g. in a suite run). */
export function processModelsCache(ttlMs: number): ModelsCache {
  if (shared?.ttlMs !== ttlMs) shared = new ModelsCache({ ttlMs });
  return shared;
}

/** Fetch through the service's endpoint (direct, or an SSH forward) with its Bearer key. */
function fetchVia(config: Config, open: OpenTarget) {
  return (record: ServiceRecord): Promise<string[]> => {
    if (isFinalStatus(record.status)) return Promise.reject(new Error(`service is ${record.status}`));
    return onServiceCluster(config, record.cluster, async (target) => {
      // Loaded only on a cache miss: a cached answer needs no HTTP client, Slurm or SSH code.
      const [{ openServiceEndpoint }, { fetchModelIds }] = await Promise.all([import('./open.js'), import('./http.js')]);
      const endpoint = await openServiceEndpoint(target, record);
      try {
        return await fetchModelIds(endpoint.url, { apiKey: endpoint.apiKey, timeoutMs: 5000 });
      } finally {
        await endpoint.close();
      }
    }, open);
  };
}

/** The service's models with cache metadata (cached, stale, fetched_at). */
export async function serviceModels(config: Config, id: string, options: ServiceModelsOptions = {}): Promise<ModelsAnswer> {
  const record = await getService(options.store ?? new ServiceStore(), id);
  const cache = options.cache ?? processModelsCache(config.models_cache_ttl_s * 1000);
  const fetch = options.fetchModels ?? fetchVia(config, options.open ?? openTarget);
  try {
    return await cachedModels(cache, { id, jobId: record.job_id }, () => fetch(record), { refresh: options.refresh ?? false });
  } catch (error) {
    if (error instanceof ServiceAuthError) {
      throw new ServiceError(`Service ${id} refuses aibench: ${error.message}`, { code: error.code, hint: error.hint, cause: error });
    }
    throw new ServiceError(`Cannot list the models of service ${id} (${record.status}): ${errorMessage(error)}`, {
      code: 'E_SERVICE_UNREACHABLE',
      hint: `No list is cached for it yet. Check it with \`aibench service status ${id}\`.`,
      cause: error,
    });
  }
}
