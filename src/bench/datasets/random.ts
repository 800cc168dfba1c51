// Random prompts like vLLM's RandomDataset: lengths uniform in [L(1-r), L(1+r)]. Built fast as
// windows of one seeded word-token corpus (token-corpus.ts) and checked on a sample; where the
// tokenizer fails that check, built one by one from word tokens and re-encoded until exact.
import { randomInt, type Dataset, type DatasetEntry, type Random } from './dataset.js';
import { buildCorpus, corpusSize, distinctStarts, verifySample, wordTexts } from './token-corpus.js';
import type { BenchTokenizer } from './tokenizer.js';

interface RandomDatasetOptions {
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

/** Text that follows `head` (already `headTokens` tokens), together exactly `target` tokens: word tokens added or trimmed until the encoding matches. */
export function buildPrompt(tokenizer: BenchTokenizer, words: readonly number[], target: number, random: Random, head = { text: '', tokens: 0 }): DatasetEntry {
  const ids: number[] = [];
  const pick = (): number => words[Math.floor(random() * words.length)] as number;
  const want = Math.max(1, target - head.tokens);
  for (let i = 0; i < want; i++) ids.push(pick());
  let prompt = head.text + tokenizer.decode(ids);
  let count = tokenizer.encode(prompt).length;
  for (let attempt = 0; attempt < 16 && count !== target; attempt++) {
    if (count > target) ids.length = Math.max(1, ids.length - (count - target));
    else for (let i = count; i < target; i++) ids.push(pick());
    prompt = head.text + tokenizer.decode(ids);
    count = tokenizer.encode(prompt).length;
  }
  return { prompt, promptTokens: count, outputTokens: 0 };
}

/** Hand the event loop back when the current slice has run ~50 ms (a server building a dataset keeps answering). */
export function yielder(): () => Promise<void> {
  let slice = performance.now();
  return async () => {
    if (performance.now() - slice <= 50) return;
    await new Promise((resolve) => setImmediate(resolve));
    slice = performance.now();
  };
}

/**
 * Seeded random-token prompts; the same seed and tokenizer give the same prompts in the same order.
 * Fast path: corpus windows at distinct starts (no shared prefixes), counts checked on a sample.
 */
export async function randomDataset(tokenizer: BenchTokenizer, options: RandomDatasetOptions, random: Random): Promise<Dataset> {
  const [inLo, inHi] = lengthRange(options.inputLen, options.rangeRatio);
  const [outLo, outHi] = lengthRange(options.outputLen, options.rangeRatio);
  const lengths = Array.from({ length: options.numPrompts }, () => [randomInt(random, inLo, inHi), randomInt(random, outLo, outHi)] as const);
  const corpus = await buildCorpus(wordTexts(tokenizer), corpusSize(lengths.length, inHi, (inLo + inHi) / 2), random);
  const start = distinctStarts(corpus, random);
  const entries = lengths.map(([input, output]): DatasetEntry => ({ prompt: corpus.window(start(input), input), promptTokens: input, outputTokens: output }));
  if (verifySample(tokenizer, entries)) return { kind: 'random', entries };
  return { kind: 'random', entries: await exactPrompts(tokenizer, lengths, random) };
}

/** The slow, exact way: each prompt re-encoded until its count matches (tokenizers that merge across words). */
async function exactPrompts(tokenizer: BenchTokenizer, lengths: ReadonlyArray<readonly [number, number]>, random: Random): Promise<DatasetEntry[]> {
  const words = tokenizer.wordTokenIds();
  const pause = yielder();
  const entries: DatasetEntry[] = [];
  for (const [input, output] of lengths) {
    await pause();
    entries.push({ ...buildPrompt(tokenizer, words, input, random), outputTokens: output });
  }
  return entries;
}
