// Random prompts like vLLM's RandomDataset: lengths uniform in [L(1-r), L(1+r)], text built from
// whole-word vocabulary tokens and checked with the tokenizer so the count hits the target.
import { randomInt, type Dataset, type DatasetEntry, type Random } from './dataset.js';
import type { BenchTokenizer } from './tokenizer.js';

export interface RandomDatasetOptions {
  numPrompts: number;
  inputLen: number;
  outputLen: number;
  /** 0 <= r < 1: lengths uniform in [floor(L(1-r)), floor(L(1+r))]. */
  rangeRatio: number;
}

/** The inclusive integer range a length L with range ratio r is drawn from (vLLM's rule). */
export function lengthRange(len: number, ratio: number): [number, number] {
  return [Math.max(1, Math.floor(len * (1 - ratio))), Math.max(1, Math.floor(len * (1 + ratio)))];
}

/** Build one prompt of exactly `target` tokens (re-encoding and trimming/adding words until it matches). */
export function buildPrompt(tokenizer: BenchTokenizer, words: readonly number[], target: number, random: Random): DatasetEntry {
  const ids: number[] = [];
  const pick = (): number => words[Math.floor(random() * words.length)] as number;
  for (let i = 0; i < target; i++) ids.push(pick());
  let prompt = tokenizer.decode(ids);
  let count = tokenizer.encode(prompt).length;
  for (let attempt = 0; attempt < 16 && count !== target; attempt++) {
    if (count > target) ids.length = Math.max(1, ids.length - (count - target));
    else for (let i = count; i < target; i++) ids.push(pick());
    prompt = tokenizer.decode(ids);
    count = tokenizer.encode(prompt).length;
  }
  return { prompt, promptTokens: count, outputTokens: 0 };
}

/**
 * Seeded random-token prompts; the same seed and tokenizer give the same prompts in the same order.
 * Yields to the event loop every ~50 ms of building, so a server building a large dataset (the
 * control API) keeps answering.
 */
export async function randomDataset(tokenizer: BenchTokenizer, options: RandomDatasetOptions, random: Random): Promise<Dataset> {
  const words = tokenizer.wordTokenIds();
  if (words.length === 0) throw new Error(`Expected word tokens in tokenizer ${tokenizer.name}, got none`);
  const [inLo, inHi] = lengthRange(options.inputLen, options.rangeRatio);
  const [outLo, outHi] = lengthRange(options.outputLen, options.rangeRatio);
  const entries: DatasetEntry[] = [];
  let slice = performance.now();
  for (let i = 0; i < options.numPrompts; i++) {
    if (performance.now() - slice > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
    const inputLen = randomInt(random, inLo, inHi);
    const outputTokens = randomInt(random, outLo, outHi);
    entries.push({ ...buildPrompt(tokenizer, words, inputLen, random), outputTokens });
  }
  return { kind: 'random', entries };
}
