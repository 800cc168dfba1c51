// The tokenizer used to size prompts and to count output text when the server sends no usage:
// the model's own tokenizer.json from the HF cache when present, else the bundled cl100k BPE.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { bundledEncoding, collectWordIds } from './bundled-encoding.js';

export interface BenchTokenizer {
  /** `hf`: the model's tokenizer.json from the HF cache; `fallback`: bundled gpt-tokenizer cl100k_base (an approximation). */
  readonly kind: 'hf' | 'fallback';
  /** Model id (hf) or encoding name (fallback). */
  readonly name: string;
  /** The tokenizer.json it was read from (hf). */
  readonly path?: string;
  /** Why the asked tokenizer was not used (fallback). */
  readonly fallbackReason?: string;
  /** Token ids without special tokens (BOS/EOS), like vLLM's benchmark counts prompts. */
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** Ids of tokens that decode to a plain lowercase word with a leading space: prompts are built from these. */
  wordTokenIds(): number[];
  /**
   * The texts of those word tokens that encode back to exactly their own id, in id order, when the
   * tokenizer knows them without checking each one (token-corpus.ts checks them otherwise).
   */
  selfEncodingWords?(): string[];
  /**
   * True when a run of those self-encoding words is exactly one token per word by the tokenizer's
   * own rules (its pre-tokenizer cuts at every space), so prompts cut from them need no check.
   */
  readonly wordRunsExact?: boolean;
}

/** The hub cache directories to search, most specific first. */
export function hubCacheDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  if (env.HF_HUB_CACHE) dirs.push(env.HF_HUB_CACHE);
  if (env.HUGGINGFACE_HUB_CACHE) dirs.push(env.HUGGINGFACE_HUB_CACHE);
  dirs.push(join(env.HF_HOME ?? join(homedir(), '.cache', 'huggingface'), 'hub'));
  return [...new Set(dirs)];
}

/** Path of `models--ORG--NAME/snapshots/<rev>/tokenizer.json` for a model id, if cached. */
export function findCachedTokenizer(model: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(model)) return undefined;
  const repoDir = `models--${model.replace('/', '--')}`;
  for (const hub of hubCacheDirs(env)) {
    const snapshots = join(hub, repoDir, 'snapshots');
    if (!existsSync(snapshots)) continue;
    for (const rev of readdirSync(snapshots).sort()) {
      const file = join(snapshots, rev, 'tokenizer.json');
      if (existsSync(file)) return file;
    }
  }
  return undefined;
}

async function loadBundled(fallbackReason: string): Promise<BenchTokenizer> {
  return { kind: 'fallback', name: 'cl100k_base', fallbackReason, ...bundledEncoding() };
}

async function loadHuggingFace(model: string, file: string): Promise<BenchTokenizer> {
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const configFile = join(file, '..', 'tokenizer_config.json');
  const config = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')) as object) : {};
  const tok = new Tokenizer(json, config);
  const vocabSize = Object.keys(((json.model as { vocab?: object } | undefined)?.vocab ?? {}) as object).length;
  let words: number[] | undefined;
  return {
    kind: 'hf',
    name: model,
    path: file,
    encode: (text) => tok.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => tok.decode([...ids], { skip_special_tokens: true }),
    wordTokenIds: () =>
      (words ??= collectWordIds(vocabSize, (id) => {
        // Decoding one id with a leading-space marker gives " word" for BPE (Ġ) and SentencePiece (▁) vocabularies.
        const token = tok.id_to_token(id);
        if (token === undefined || !/^[\u0120\u2581][a-z]{2,10}$/.test(token)) return undefined;
        return ` ${token.slice(1)}`;
      })),
  };
}

/** A `--tokenizer` that names a file or folder (a path), not a model id. */
function tokenizerPath(nameOrPath: string): string | undefined {
  if (!/^(\/|\.{1,2}\/|~\/)/.test(nameOrPath) && !nameOrPath.endsWith('.json')) return undefined;
  const path = nameOrPath.startsWith('~/') ? join(homedir(), nameOrPath.slice(2)) : nameOrPath;
  return existsSync(path) && !path.endsWith('.json') ? join(path, 'tokenizer.json') : path;
}

/**
 * The tokenizer for `nameOrPath`: a tokenizer.json path (or a folder holding one), else the model
 * id's tokenizer.json in the HF cache; the bundled cl100k encoding when neither can be read, with
 * the reason (the result records it and the run warns).
 */
export async function loadTokenizer(nameOrPath: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<BenchTokenizer> {
  if (nameOrPath === undefined) return loadBundled('no model name to look a tokenizer up by');
  const path = tokenizerPath(nameOrPath);
  const file = path ?? findCachedTokenizer(nameOrPath, env);
  if (file === undefined) return loadBundled(`no tokenizer.json for ${nameOrPath} under ${hubCacheDirs(env).join(', ')}`);
  if (!existsSync(file)) return loadBundled(`${file} does not exist`);
  try {
    return await loadHuggingFace(path === undefined ? nameOrPath : file, file);
  } catch (error) {
    // A tokenizer.json this library cannot read: fall back rather than refuse to benchmark.
    return loadBundled(`${file} could not be read (${(error as Error).message})`);
  }
}
