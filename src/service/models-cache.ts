// The model-list cache: lru-cache in process plus one small JSON file per service on disk
// (`$XDG_CACHE_HOME/aibench/models/<id>.json`), both with the same TTL, so a second CLI process
// answers without network or SSH. Entries are tied to the job id, so a reused service id never
// serves an old job's list. Past the TTL an entry is still kept as the "last known" list.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { ServiceAuthError } from '../errors.js';
import { defaultModelsCacheDir, readModelsEntry, isFreshEntry, modelsAnswer as answer, type ModelsAnswer, type ModelsEntry } from './models-entry.js';

interface ModelsCacheOptions {
  ttlMs: number;
  /** Default: $XDG_CACHE_HOME/aibench/models. */
  dir?: string;
  now?: () => number;
}

export class ModelsCache {
  readonly ttlMs: number;
  readonly dir: string;
  private readonly now: () => number;
  private readonly memory: LRUCache<string, ModelsEntry>;

  constructor(options: ModelsCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.dir = options.dir ?? defaultModelsCacheDir();
    this.now = options.now ?? Date.now;
    // The LRU bounds memory.
    this.memory = new LRUCache<string, ModelsEntry>({ max: 256 });
  }

  private fresh(entry: ModelsEntry): boolean {
    return isFreshEntry(entry, this.ttlMs, this.now());
  }

  private fromDisk(id: string): Promise<ModelsEntry | undefined> {
    return readModelsEntry(this.dir, id);
  }

  /** A fresh entry for this service's job, from memory first, then disk. */
  async lookup(id: string, jobId: string): Promise<{ entry: ModelsEntry; source: 'memory' | 'disk' } | undefined> {
    const mem = this.memory.get(id);
    if (mem?.job_id === jobId && this.fresh(mem)) return { entry: mem, source: 'memory' };
    const disk = await this.fromDisk(id);
    if (disk?.job_id === jobId && this.fresh(disk)) {
      this.memory.set(id, disk);
      return { entry: disk, source: 'disk' };
    }
    return undefined;
  }

  /** The newest entry for this job whatever its age (the stale fallback). */
  async last(id: string, jobId: string): Promise<ModelsEntry | undefined> {
    const candidates = [this.memory.get(id), await this.fromDisk(id)].filter((e): e is ModelsEntry => e?.job_id === jobId);
    return candidates.sort((a, b) => b.fetched_at_ms - a.fetched_at_ms)[0];
  }

  /** Remember a freshly fetched list in memory and on disk (atomic write; a failed disk write only costs speed). */
  async save(entry: ModelsEntry): Promise<void> {
    this.memory.set(entry.service_id, entry);
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const { default: writeFileAtomic } = await import('write-file-atomic');
      await writeFileAtomic(join(this.dir, `${entry.service_id}.json`), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    } catch {
      // A read-only cache dir only costs the next process a fetch.
    }
  }

  timestamp(): number {
    return this.now();
  }
}

/**
 * The model list for one service's job: cache within the TTL (unless refresh), else fetch; when
 * the server cannot be reached, the last known list, stale. A server that answers but refuses the
 * credentials is not unreachable: that error is thrown, never covered by an old list.
 */
export async function cachedModels(
  cache: ModelsCache,
  key: { id: string; jobId: string },
  fetchModels: () => Promise<string[]>,
  options: { refresh?: boolean } = {},
): Promise<ModelsAnswer> {
  if (!options.refresh) {
    const hit = await cache.lookup(key.id, key.jobId);
    if (hit !== undefined) return answer(hit.entry, { cached: true, stale: false, source: hit.source });
  }
  let models: string[];
  try {
    models = await fetchModels();
  } catch (error) {
    if (error instanceof ServiceAuthError) throw error;
    const last = await cache.last(key.id, key.jobId);
    if (last !== undefined) return answer(last, { cached: true, stale: true, source: 'disk' });
    throw error;
  }
  const entry: ModelsEntry = { service_id: key.id, job_id: key.jobId, fetched_at_ms: cache.timestamp(), models };
  await cache.save(entry);
  return answer(entry, { cached: false, stale: false, source: 'server' });
}
