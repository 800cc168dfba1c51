// GET /api/models?cluster=C: the cluster's HF cache catalogue (src/models/), cached in process for
// models_cache_ttl_s, so a dashboard form opening does not cost an SSH round trip each time. When
// the cluster cannot be read, the configured `models_fallback` list is answered, marked as such.
import { LRUCache } from 'lru-cache';
import { resolveCluster } from '../config/cluster.js';
import type { Config } from '../config/schema.js';
import { AibenchError, errorMessage } from '../errors.js';
import { createExecutor } from '../exec/create.js';
import { readCatalogue, type CatalogueEntry } from '../models/index.js';

export interface ModelCatalogueView {
  cluster: string;
  /** hf-cache: read from the cluster; fallback: the configured list (the cluster could not be read). */
  source: 'hf-cache' | 'fallback';
  /** True when answered from this server's cache (within models_cache_ttl_s). */
  cached: boolean;
  fetched_at: string;
  hub_cache?: string;
  models: Array<Pick<CatalogueEntry, 'id'> & Partial<CatalogueEntry>>;
  /** Why the fallback list was answered. */
  error?: string;
}

type Read = (config: Config, cluster: string) => Promise<Omit<ModelCatalogueView, 'cached' | 'source' | 'fetched_at' | 'cluster'>>;

// One executor per read: the catalogue is three round trips, then the connection is closed.
const readFromCluster: Read = async (config, name) => {
  const cluster = resolveCluster(config, name);
  const ex = await createExecutor(cluster);
  try {
    const catalogue = await readCatalogue(ex, cluster.paths.hf_hub_cache);
    return { hub_cache: catalogue.hub_cache, models: catalogue.models };
  } finally {
    await ex.close();
  }
};

export class ModelCatalogues {
  readonly #cache: LRUCache<string, ModelCatalogueView>;
  constructor(private readonly config: Config, private readonly read: Read = readFromCluster) {
    this.#cache = new LRUCache({ max: 64, ttl: Math.max(1, config.models_cache_ttl_s * 1000) });
  }

  /** The catalogue of `cluster` (default: the config's); a fallback answer is never cached. */
  async get(clusterName: string | undefined): Promise<ModelCatalogueView> {
    const cluster = resolveCluster(this.config, clusterName);
    const hit = this.#cache.get(cluster.name);
    if (hit !== undefined) return { ...hit, cached: true };
    try {
      const read = await this.read(this.config, cluster.name);
      const view: ModelCatalogueView = { cluster: cluster.name, source: 'hf-cache', cached: false, fetched_at: new Date().toISOString(), ...read };
      this.#cache.set(cluster.name, view);
      return view;
    } catch (error) {
      if (!(error instanceof AibenchError)) throw error;
      return {
        cluster: cluster.name, source: 'fallback', cached: false, fetched_at: new Date().toISOString(),
        models: cluster.models_fallback.map((id) => ({ id })), error: errorMessage(error),
      };
    }
  }
}
