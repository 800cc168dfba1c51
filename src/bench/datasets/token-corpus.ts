// Fast prompts of an exact token count. Why: re-encoding every prompt costs ~1 µs per token (100k
// prompts of 1024 tokens: minutes). Instead, one seeded stream of whole-word tokens that each encode
// back to themselves (" word" tokens of the vocabulary) is joined once into a corpus; a prompt of N
// tokens is a window of N tokens of it (an O(1) slice), so its count is N by construction. Windows
// start at distinct offsets, so no two prompts share a first block (nothing a prefix cache could
// reuse). The construction is checked by encoding a sample of the prompts (verifySample); where a
// tokenizer merges across words (some SentencePiece vocabularies), the datasets fall back to exact,
// encode-checked building.
import type { BenchTokenizer } from './tokenizer.js';
import type { Random } from './dataset.js';

/** One seeded stream of word tokens as text, with the character offset of every token boundary. */
export interface TokenCorpus {
  /** Tokens in the corpus. */
  readonly size: number;
  /** The text of tokens [start, start + count): exactly `count` tokens when the sample check passes. */
  window(start: number, count: number): string;
}

const selfEncoding = new WeakMap<BenchTokenizer, string[]>();

/** Decode each word token and keep those that encode back to exactly their own id. */
function checkedWordTexts(tokenizer: BenchTokenizer): string[] {
  const texts: string[] = [];
  for (const id of tokenizer.wordTokenIds()) {
    const text = tokenizer.decode([id]);
    const back = tokenizer.encode(text);
    if (back.length === 1 && back[0] === id) texts.push(text);
  }
  return texts;
}

/** The texts of the tokenizer's word tokens that encode back to exactly themselves (computed once per tokenizer). */
export function wordTexts(tokenizer: BenchTokenizer): string[] {
  const known = selfEncoding.get(tokenizer);
  if (known !== undefined) return known;
  const texts = tokenizer.selfEncodingWords?.() ?? checkedWordTexts(tokenizer);
  if (texts.length === 0) throw new Error(`Expected word tokens in tokenizer ${tokenizer.name} that encode back to themselves, got none`);
  selfEncoding.set(tokenizer, texts);
  return texts;
}

const CHUNK = 65_536;

/** Texts whose characters all fit one byte, end to end as Latin-1 bytes, with where each starts (and the end). */
interface PackedTexts {
  bytes: Uint8Array;
  starts: Int32Array;
  longest: number;
}

const packedCache = new WeakMap<readonly string[], PackedTexts | null>();

/** The texts packed as bytes (once per list), or null when one holds a character past U+00FF. */
function packedTexts(texts: readonly string[]): PackedTexts | null {
  const known = packedCache.get(texts);
  if (known !== undefined) return known;
  const joined = texts.join('');
  let packed: PackedTexts | null = null;
  if (!/[^\u0000-\u00ff]/.test(joined)) {
    const starts = new Int32Array(texts.length + 1);
    let longest = 0;
    for (let i = 0; i < texts.length; i++) {
      const length = (texts[i] as string).length;
      starts[i + 1] = (starts[i] as number) + length;
      longest = Math.max(longest, length);
    }
    packed = { bytes: Buffer.from(joined, 'latin1'), starts, longest };
  }
  packedCache.set(texts, packed);
  return packed;
}

/**
 * A corpus of `size` tokens drawn from `texts` with `random`; hands the event loop back between
 * chunks. Where every text is Latin-1 (the bundled encoding's words, most vocabularies' plain
 * words), each drawn text's bytes are copied after the last and the whole decoded once: half the
 * time of joining 100k strings, paid before a run's first request. The text is the same either way.
 */
export async function buildCorpus(texts: readonly string[], size: number, random: Random): Promise<TokenCorpus> {
  const bounds = new Int32Array(size + 1);
  const packed = packedTexts(texts);
  const text = packed === null ? await joinedTokens(texts, size, random, bounds) : await copiedTokens(packed, size, random, bounds);
  return {
    size,
    window(start, count) {
      if (start < 0 || count < 0 || start + count > size) throw new RangeError(`Expected a window inside ${size} tokens, got [${start}, ${start + count})`);
      return text.slice(bounds[start], bounds[start + count]);
    },
  };
}

/** Tokens [at, at + n) for every chunk of CHUNK tokens, the event loop handed back between chunks. */
async function inChunks(size: number, chunk: (at: number, n: number) => void): Promise<void> {
  for (let at = 0; at < size; at += CHUNK) {
    chunk(at, Math.min(CHUNK, size - at));
    if (at + CHUNK < size) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The corpus as bytes: drawn and copied in one pass, decoded as Latin-1 at the end. */
async function copiedTokens(packed: PackedTexts, size: number, random: Random, bounds: Int32Array): Promise<string> {
  const { starts, longest } = packed;
  const count = starts.length - 1;
  let out = Buffer.allocUnsafe(Math.ceil((size * (starts[count] as number) * 1.1) / Math.max(1, count)) + CHUNK * longest);
  let pos = 0;
  await inChunks(size, (at, n) => {
    if (pos + n * longest > out.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * out.length, pos + n * longest));
      out.copy(grown, 0, 0, pos);
      out = grown;
    }
    pos = copyDraws(packed, random, at, at + n, bounds, out, pos);
  });
  bounds[size] = pos;
  return out.toString('latin1', 0, pos);
}

/**
 * Draw tokens [from, to) and copy their bytes to `out` from `pos`; returns the new end. A plain
 * function with only locals in its loop: V8 optimises it within the first chunk, which it does
 * not do as well for a loop in an async function or one writing a variable a closure shares.
 */
function copyDraws({ bytes, starts }: PackedTexts, random: Random, from: number, to: number, bounds: Int32Array, out: Uint8Array, pos: number): number {
  const count = starts.length - 1;
  let at = pos;
  for (let i = from; i < to; i++) {
    const pick = Math.floor(random() * count);
    bounds[i] = at;
    const end = starts[pick + 1] as number;
    for (let k = starts[pick] as number; k < end; k++) out[at++] = bytes[k] as number;
  }
  return at;
}

/** The corpus as strings joined a chunk at a time (texts with characters past U+00FF). */
async function joinedTokens(texts: readonly string[], size: number, random: Random, bounds: Int32Array): Promise<string> {
  const chunks: string[] = [];
  const parts: string[] = [];
  let chars = 0;
  await inChunks(size, (at, n) => {
    parts.length = n;
    for (let i = 0; i < n; i++) {
      const text = texts[Math.floor(random() * texts.length)] as string;
      parts[i] = text;
      bounds[at + i] = chars;
      chars += text.length;
    }
    chunks.push(parts.join(''));
  });
  bounds[size] = chars;
  return chunks.join('');
}

/** Tokens a corpus needs for `prompts` windows of up to `longest` tokens: room for distinct starts, at most 4M tokens (~24 MB). */
export function corpusSize(prompts: number, longest: number, meanLength: number): number {
  const wanted = Math.max(prompts * Math.max(1, meanLength), 4 * prompts + longest, 65_536);
  return Math.max(longest + prompts + 1, Math.min(wanted, 4_194_304));
}

/** Draws window starts so that no two are equal (a Set of the starts used; redraw on a repeat). */
export function distinctStarts(corpus: TokenCorpus, random: Random): (length: number) => number {
  const used = new Set<number>();
  return (length) => {
    const span = corpus.size - length + 1;
    for (let tries = 0; ; tries++) {
      const start = Math.floor(random() * span);
      if (!used.has(start) || tries > 64) {
        used.add(start);
        return start;
      }
    }
  };
}

/**
 * Whether prompts built from the corpus have the token counts they claim, by encoding a sample
 * (the first, the last and up to 30 spread between): the check that replaces encoding every prompt.
 * A tokenizer whose word runs are exact by its own rules (wordRunsExact) needs no check.
 */
export function verifySample(tokenizer: BenchTokenizer, entries: ReadonlyArray<{ prompt: string; promptTokens: number }>, samples = 32): boolean {
  if (entries.length === 0 || tokenizer.wordRunsExact === true) return true;
  const picks = new Set<number>([0, entries.length - 1]);
  const step = Math.max(1, Math.floor(entries.length / (samples - 2)));
  for (let i = step; i < entries.length - 1 && picks.size < samples; i += step) picks.add(i);
  for (const i of picks) {
    const entry = entries[i] as { prompt: string; promptTokens: number };
    if (tokenizer.encode(entry.prompt).length !== entry.promptTokens) return false;
  }
  return true;
}
