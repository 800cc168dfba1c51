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

/** A corpus of `size` tokens drawn from `texts` with `random`; hands the event loop back between chunks. */
export async function buildCorpus(texts: readonly string[], size: number, random: Random): Promise<TokenCorpus> {
  const bounds = new Int32Array(size + 1);
  const chunks: string[] = [];
  const parts: string[] = new Array<string>(Math.min(CHUNK, size));
  let chars = 0;
  for (let at = 0; at < size; at += CHUNK) {
    const n = Math.min(CHUNK, size - at);
    parts.length = n;
    for (let i = 0; i < n; i++) {
      const text = texts[Math.floor(random() * texts.length)] as string;
      parts[i] = text;
      bounds[at + i] = chars;
      chars += text.length;
    }
    chunks.push(parts.join(''));
    if (at + CHUNK < size) await new Promise((resolve) => setImmediate(resolve));
  }
  bounds[size] = chars;
  const text = chunks.join('');
  return {
    size,
    window(start, count) {
      if (start < 0 || count < 0 || start + count > size) throw new RangeError(`Expected a window inside ${size} tokens, got [${start}, ${start + count})`);
      return text.slice(bounds[start], bounds[start + count]);
    },
  };
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
