// The cluster's HF hub cache as a catalogue: every model with its revisions, size on disk,
// completeness (config, tokenizer, every weight shard), and from config.json and the safetensors
// headers its parameter count, dtype, context and attention shape. Three round trips in all.
import type { Executor } from '../exec/types.js';
import { checkSnapshot } from './completeness.js';
import { listHub, readSafetensorsHeaders, readSmallFiles } from './hub-remote.js';
import { mainRevision, sizeOnDisk, type HubRepo } from './hub-listing.js';
import { configParameters, parseModelConfig, type ModelArch } from './model-config.js';
import { mainDtype, mergeSummaries, type TensorSummary } from './safetensors.js';

export interface CatalogueEntry {
  id: string;
  /** The revision described (what `main` names, else the only one). */
  revision?: string;
  revisions: string[];
  size_bytes: number;
  complete: boolean;
  missing: string[];
  /** Blobs still being downloaded (`.incomplete`). */
  downloading?: true;
  architecture?: string;
  dtype?: string;
  parameters?: number;
  parameters_source?: 'safetensors' | 'config';
  /** Bytes of the weights as stored (from the safetensors headers). */
  weights_bytes?: number;
  max_position_embeddings?: number;
  /** What the KV cache size depends on. */
  shape?: { layers: number; heads: number; kv_heads: number; head_dim: number };
}

export interface Catalogue {
  hub_cache: string;
  /** False when the cache directory does not exist on the cluster. */
  found: boolean;
  models: CatalogueEntry[];
}

interface Pending {
  repo: HubRepo;
  revision: string | undefined;
  base: string;
  files: Set<string>;
}

/** Every model in the cache, or only `only` (an id, and optionally a revision or ref). */
export async function readCatalogue(ex: Executor, hubCache: string, only?: { id: string; revision?: string }): Promise<Catalogue> {
  const listing = await listHub(ex, hubCache);
  if (!listing.found) return { hub_cache: hubCache, found: false, models: [] };
  const repos = only ? listing.repos.filter((r) => r.id === only.id) : listing.repos;
  const pending: Pending[] = repos.map((repo) => {
    const revision = mainRevision(repo, only?.revision);
    const files = new Set(revision === undefined ? [] : repo.snapshots.get(revision)?.keys() ?? []);
    return { repo, revision, base: `${hubCache.replace(/\/+$/, '')}/${repo.dir}/snapshots/${revision ?? ''}`, files };
  });
  const small = pending.flatMap((p) => ['config.json', 'model.safetensors.index.json', 'pytorch_model.bin.index.json'].filter((f) => p.files.has(f)).map((f) => `${p.base}/${f}`));
  const texts = await readSmallFiles(ex, small);
  const text = (p: Pending, f: string): string | undefined => {
    const t = texts.get(`${p.base}/${f}`);
    return typeof t === 'string' ? t : undefined;
  };
  const checks = pending.map((p) => checkSnapshot(p.files, text(p, 'model.safetensors.index.json') ?? text(p, 'pytorch_model.bin.index.json'), p.revision ? p.repo.broken.get(p.revision) : []));
  const shardPaths = pending.flatMap((p, i) => checks[i]!.weightFiles.filter((f) => f.endsWith('.safetensors')).map((f) => `${p.base}/${f}`));
  const headers = await readSafetensorsHeaders(ex, shardPaths);
  const models = pending.map((p, i) => describe(p, checks[i]!, text(p, 'config.json'), headers));
  return { hub_cache: hubCache, found: true, models };
}

function describe(p: Pending, check: ReturnType<typeof checkSnapshot>, configText: string | undefined, headers: Map<string, TensorSummary | Error>): CatalogueEntry {
  const entry: CatalogueEntry = {
    id: p.repo.id, revisions: [...p.repo.snapshots.keys()].sort(), size_bytes: sizeOnDisk(p.repo),
    complete: p.revision !== undefined && check.missing.length === 0, missing: p.revision === undefined ? ['snapshot (no revision downloaded)'] : check.missing,
    ...(p.revision !== undefined ? { revision: p.revision } : {}), ...(p.repo.incompleteBlobs > 0 ? { downloading: true as const } : {}),
  };
  const arch = configText === undefined ? undefined : parseModelConfig(configText);
  if (arch !== undefined) addArch(entry, arch);
  const summaries = check.weightFiles.filter((f) => f.endsWith('.safetensors')).map((f) => headers.get(`${p.base}/${f}`));
  if (summaries.length > 0 && summaries.every((s): s is TensorSummary => s !== undefined && !(s instanceof Error))) {
    const total = mergeSummaries(summaries);
    entry.parameters = total.parameters;
    entry.parameters_source = 'safetensors';
    entry.weights_bytes = total.bytes;
    const dtype = mainDtype(total);
    if (dtype !== undefined) entry.dtype = dtype;
  }
  return entry;
}

function addArch(entry: CatalogueEntry, arch: ModelArch): void {
  if (arch.architecture !== undefined) entry.architecture = arch.architecture;
  if (arch.dtype !== undefined) entry.dtype = arch.dtype;
  if (arch.maxPositions !== undefined) entry.max_position_embeddings = arch.maxPositions;
  entry.shape = { layers: arch.layers, heads: arch.heads, kv_heads: arch.kvHeads, head_dim: arch.headDim };
  const params = configParameters(arch);
  if (params !== undefined) {
    entry.parameters = params;
    entry.parameters_source = 'config';
  }
}
