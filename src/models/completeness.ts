// Pure: is a snapshot enough to start a server offline? It needs config.json, a tokenizer, and
// every weight file: all shards of a sharded checkpoint (from its index, else from the shard
// names `model-00001-of-00004.safetensors`), a single `model.safetensors` / `pytorch_model.bin`,
// or any `*.safetensors` (consolidated and adapter layouts).

interface Completeness {
  config: boolean;
  tokenizer: boolean;
  weights: boolean;
  /** What is missing, for people: `config.json`, `tokenizer`, `weights`, or named shards. */
  missing: string[];
  /** The weight files present (safetensors first), e.g. for reading their headers. */
  weightFiles: string[];
}

const TOKENIZER_SETS: readonly (readonly string[])[] = [['tokenizer.json'], ['tokenizer.model'], ['vocab.json', 'merges.txt'], ['vocab.txt'], ['tiktoken.model'], ['qwen.tiktoken']];
const SHARD = /^(.*)-(\d{5})-of-(\d{5})\.(safetensors|bin)$/;
const INDEXES = ['model.safetensors.index.json', 'pytorch_model.bin.index.json'] as const;

/** Shards a set of names implies (`-00001-of-00004` -> all four) that are not among them. */
function missingShards(names: readonly string[]): string[] {
  const missing: string[] = [];
  const seen = new Set(names);
  for (const name of names) {
    const m = SHARD.exec(name);
    if (m === null) continue;
    const [, stem, , total, ext] = m;
    for (let i = 1; i <= Number(total); i++) {
      const shard = `${stem}-${String(i).padStart(5, '0')}-of-${total}.${ext}`;
      if (!seen.has(shard) && !missing.includes(shard)) missing.push(shard);
    }
  }
  return missing;
}

/** The shard files an index names (its weight_map values), or undefined when the text is not an index. */
function indexShards(indexText: string): string[] | undefined {
  try {
    const map = (JSON.parse(indexText) as { weight_map?: Record<string, unknown> }).weight_map;
    if (map === undefined || typeof map !== 'object') return undefined;
    return [...new Set(Object.values(map).filter((v): v is string => typeof v === 'string'))];
  } catch {
    return undefined;
  }
}

/**
 * Check one snapshot's file list. `indexText` is the checkpoint index's content when the caller
 * read it; without it the shard names decide. `broken` are links whose blob is missing.
 */
export function checkSnapshot(files: ReadonlySet<string>, indexText?: string, broken: readonly string[] = []): Completeness {
  const names = [...files];
  const missing: string[] = [];
  const config = files.has('config.json');
  if (!config) missing.push(broken.includes('config.json') ? 'config.json (link to a missing blob)' : 'config.json');
  const tokenizer = TOKENIZER_SETS.some((set) => set.every((f) => files.has(f)));
  if (!tokenizer) missing.push('tokenizer (tokenizer.json, tokenizer.model or vocab.json + merges.txt)');
  const index = INDEXES.find((f) => files.has(f));
  const listed = index !== undefined && indexText !== undefined ? indexShards(indexText) : undefined;
  const absentShards = listed !== undefined ? listed.filter((f) => !files.has(f)) : missingShards(names);
  const weightFiles = names.filter((f) => f.endsWith('.safetensors')).sort();
  weightFiles.push(...names.filter((f) => /(^|\/)pytorch_model.*\.bin$/.test(f)).sort());
  const weights = weightFiles.length > 0 && absentShards.length === 0;
  if (weightFiles.length === 0) missing.push('weights (*.safetensors or pytorch_model*.bin)');
  else if (absentShards.length > 0) missing.push(`weights: ${absentShards.length} shard(s) missing (${absentShards.slice(0, 3).join(', ')}${absentShards.length > 3 ? ', ...' : ''})`);
  return { config, tokenizer, weights, missing, weightFiles };
}
