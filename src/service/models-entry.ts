// One entry of the model-list cache (`$XDG_CACHE_HOME/aibench/models/<id>.json`) and the rules
// every reader applies to it: its shape, freshness and the answer built from it. Kept free of
// zod and lru-cache so the start-up fast path (src/cli/fast-path.ts) and ModelsCache read the
// file the same way; the file is aibench's own, written atomically, so a four-field check is
// the whole of its validation.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { localCacheDir } from '../config/paths.js';

export interface ModelsEntry {
  service_id: string;
  job_id: string;
  fetched_at_ms: number;
  models: string[];
}

export interface ModelsAnswer {
  service_id: string;
  job_id: string;
  models: string[];
  fetched_at: string;
  /** True when no request was made: the answer came from memory or disk within the TTL. */
  cached: boolean;
  /** True when the server could not be reached and this is the last known list. */
  stale: boolean;
  source: 'memory' | 'disk' | 'server';
}

/** The default on-disk cache directory. */
export function defaultModelsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(localCacheDir(env), 'models');
}

/** The parsed JSON of a cache file as an entry, or undefined when it is not one. */
function asModelsEntry(json: unknown): ModelsEntry | undefined {
  const e = json as Partial<ModelsEntry> | null;
  const ok =
    typeof e === 'object' && e !== null &&
    typeof e.service_id === 'string' && typeof e.job_id === 'string' &&
    typeof e.fetched_at_ms === 'number' && Number.isFinite(e.fetched_at_ms) &&
    Array.isArray(e.models) && e.models.every((m) => typeof m === 'string');
  return ok ? { service_id: e.service_id!, job_id: e.job_id!, fetched_at_ms: e.fetched_at_ms!, models: e.models! } : undefined;
}

/** The entry cached on disk for a service, or undefined when there is none or it is not one. */
export async function readModelsEntry(dir: string, id: string): Promise<ModelsEntry | undefined> {
  try {
    return asModelsEntry(JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')));
  } catch {
    return undefined;
  }
}

/** Within the TTL (a TTL of 0 caches nothing). Freshness is judged from fetched_at_ms so memory and disk agree exactly. */
export function isFreshEntry(entry: ModelsEntry, ttlMs: number, now: number): boolean {
  return ttlMs > 0 && now - entry.fetched_at_ms < ttlMs;
}

export const modelsAnswer = (entry: ModelsEntry, extra: Pick<ModelsAnswer, 'cached' | 'stale' | 'source'>): ModelsAnswer => ({
  service_id: entry.service_id, job_id: entry.job_id, models: entry.models, fetched_at: new Date(entry.fetched_at_ms).toISOString(), ...extra,
});
