// Shared-prefix prompts like vLLM's prefix-repetition dataset: K distinct prefixes of P tokens, each
// request one of them (each used equally often, in a seeded order) plus a unique suffix up to M
// tokens. A server with a prefix cache computes a prefix once and reuses it for the rest, so the
// expected cache hit rate is about (1 - K/N) x P/M over N requests.
import { shuffleInPlace, type Dataset, type DatasetEntry, type Random } from './dataset.js';
import { buildPrompt, yielder } from './random.js';
import { buildCorpus, corpusSize, distinctStarts, verifySample, wordTexts } from './token-corpus.js';
import type { BenchTokenizer } from './tokenizer.js';

interface PrefixDatasetOptions {
  numPrompts: number;
  prefixLen: number;
  numPrefixes: number;
  /** Tokens of the whole prompt, prefix included (> prefixLen). */
  inputLen: number;
  outputLen: number;
}

/** Which prefix each request uses: every prefix equally often (round robin), then shuffled by seed. */
export function prefixAssignment(numPrompts: number, numPrefixes: number, random: Random): number[] {
  return shuffleInPlace(Array.from({ length: numPrompts }, (_, i) => i % numPrefixes), random);
}

/** Seeded shared-prefix prompts of exactly inputLen tokens (checked on a sample, else built exactly). */
export async function prefixDataset(tokenizer: BenchTokenizer, o: PrefixDatasetOptions, random: Random): Promise<Dataset> {
  const suffixLen = o.inputLen - o.prefixLen;
  const which = prefixAssignment(o.numPrompts, o.numPrefixes, random);
  const windows = o.numPrompts + o.numPrefixes;
  const corpus = await buildCorpus(wordTexts(tokenizer), corpusSize(windows, Math.max(o.prefixLen, suffixLen), o.inputLen / 2), random);
  const start = distinctStarts(corpus, random);
  const prefixes = Array.from({ length: o.numPrefixes }, () => corpus.window(start(o.prefixLen), o.prefixLen));
  const entries = which.map((k): DatasetEntry => ({ prompt: (prefixes[k] as string) + corpus.window(start(suffixLen), suffixLen), promptTokens: o.inputLen, outputTokens: o.outputLen }));
  if (verifySample(tokenizer, entries) && verifySample(tokenizer, prefixes.map((prompt) => ({ prompt, promptTokens: o.prefixLen })))) return { kind: 'prefix', entries };
  return { kind: 'prefix', entries: await exactPrefixPrompts(tokenizer, o, which, random) };
}

// Exact prefixes, then each suffix re-encoded together with its prefix until the whole is inputLen tokens.
async function exactPrefixPrompts(tokenizer: BenchTokenizer, o: PrefixDatasetOptions, which: readonly number[], random: Random): Promise<DatasetEntry[]> {
  const words = tokenizer.wordTokenIds();
  const pause = yielder();
  const prefixes = Array.from({ length: o.numPrefixes }, () => buildPrompt(tokenizer, words, o.prefixLen, random));
  const entries: DatasetEntry[] = [];
  for (const k of which) {
    await pause();
    const head = prefixes[k] as DatasetEntry;
    entries.push({ ...buildPrompt(tokenizer, words, o.inputLen, random, { text: head.prompt, tokens: head.promptTokens }), outputTokens: o.outputLen });
  }
  return entries;
}
