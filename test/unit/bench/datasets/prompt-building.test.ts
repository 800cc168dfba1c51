// Fast prompts: corpus windows of exactly N tokens (checked here by encoding every prompt, not a
// sample), distinct first blocks, shared prefixes used equally often, and the exact fallback for a
// tokenizer that merges across words (a real BPE wrapped so that it does).
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/common/rng.js';
import { prefixAssignment, prefixDataset } from '../../../../src/bench/datasets/prefix.js';
import { randomDataset } from '../../../../src/bench/datasets/random.js';
import { buildCorpus, corpusSize, verifySample, wordTexts } from '../../../../src/bench/datasets/token-corpus.js';
import { loadTokenizer, type BenchTokenizer } from '../../../../src/bench/datasets/tokenizer.js';

const tokenizer = await loadTokenizer(undefined, {});

describe('corpus windows', () => {
  it('every random prompt encodes to exactly its length; no two share their first 16 tokens', async () => {
    const ds = await randomDataset(tokenizer, { numPrompts: 300, inputLen: 64, outputLen: 4, rangeRatio: 0.5 }, createRng(5));
    const heads = new Set<string>();
    for (const e of ds.entries) {
      const ids = tokenizer.encode(e.prompt);
      expect(ids.length).toBe(e.promptTokens);
      heads.add(ids.slice(0, 16).join(','));
    }
    expect(heads.size).toBe(300);
  });

  it('word tokens are kept only when they encode back to themselves', () => {
    const texts = wordTexts(tokenizer);
    expect(texts.length).toBeGreaterThan(10_000);
    for (const t of texts.slice(0, 200)) expect(tokenizer.encode(t)).toHaveLength(1);
  });

  it('a corpus window is a slice: N tokens from the start offset, reproducible by seed', async () => {
    const a = await buildCorpus(wordTexts(tokenizer), 5000, createRng(1));
    const b = await buildCorpus(wordTexts(tokenizer), 5000, createRng(1));
    expect(a.window(100, 50)).toBe(b.window(100, 50));
    expect(tokenizer.encode(a.window(100, 50))).toHaveLength(50);
    expect(a.window(0, 10) + a.window(10, 10)).toBe(a.window(0, 20));
    expect(() => a.window(4990, 20)).toThrow(/inside 5000 tokens/);
    expect(corpusSize(100_000, 1024, 1024)).toBe(4_194_304);
  });

  // The corpus as the plain definition builds it: texts drawn one by one, concatenated.
  function reference(texts: readonly string[], size: number, random: () => number): { text: string; bounds: number[] } {
    let text = '';
    const bounds: number[] = [];
    for (let i = 0; i < size; i++) {
      bounds.push(text.length);
      text += texts[Math.floor(random() * texts.length)]!;
    }
    bounds.push(text.length);
    return { text, bounds };
  }

  async function expectSameAsReference(texts: readonly string[], size: number, random: () => number, again: () => number): Promise<void> {
    const corpus = await buildCorpus(texts, size, random);
    const ref = reference(texts, size, again);
    expect(corpus.window(0, size)).toBe(ref.text);
    for (const [start, count] of [[0, 1], [size - 1, 1], [65_530, 12], [Math.floor(size / 3), 700]] as const) {
      if (start + count > size) continue;
      expect(corpus.window(start, count), `window(${start}, ${count})`).toBe(ref.text.slice(ref.bounds[start], ref.bounds[start + count]));
    }
  }

  it('builds the text the plain definition gives: bytes for Latin-1 words, strings otherwise, over several chunks', async () => {
    const words = wordTexts(tokenizer);
    await expectSameAsReference(words, 150_000, createRng(9), createRng(9));
    await expectSameAsReference([' café', ' naïve', ' a', ' ü'], 70_000, createRng(4), createRng(4)); // Latin-1, not ASCII
    await expectSameAsReference([' 日本', ' a', ' b'], 70_000, createRng(4), createRng(4)); // past U+00FF: joined
    // Every draw the longest text, far past the mean the buffer is sized for: it must grow.
    const skewed = [...Array.from({ length: 999 }, () => ' a'), ` ${'x'.repeat(300)}`];
    await expectSameAsReference(skewed, 140_000, () => 0.9999, () => 0.9999);
  });
});

describe('shared-prefix dataset', () => {
  it('K prefixes of P tokens, each used N/K times, every prompt exactly M tokens', async () => {
    const ds = await prefixDataset(tokenizer, { numPrompts: 40, prefixLen: 96, numPrefixes: 4, inputLen: 128, outputLen: 8 }, createRng(3));
    const byPrefix = new Map<string, number>();
    for (const e of ds.entries) {
      const ids = tokenizer.encode(e.prompt);
      expect(ids).toHaveLength(128);
      expect(e.promptTokens).toBe(128);
      const key = ids.slice(0, 96).join(',');
      byPrefix.set(key, (byPrefix.get(key) ?? 0) + 1);
    }
    expect([...byPrefix.values()].sort()).toEqual([10, 10, 10, 10]);
    expect(new Set(ds.entries.map((e) => e.prompt)).size).toBe(40);
    const order = prefixAssignment(12, 4, createRng(1));
    expect([0, 1, 2, 3].map((k) => order.filter((x) => x === k).length)).toEqual([3, 3, 3, 3]);
  });
});

describe('the sample check and the exact fallback', () => {
  // A tokenizer whose encoding merges two adjacent words into one token: windows miscount under it.
  const merging: BenchTokenizer = {
    ...tokenizer,
    name: 'merging-test',
    wordRunsExact: false,
    encode: (text) => {
      const ids = tokenizer.encode(text);
      return ids.length > 3 ? ids.slice(0, ids.length - Math.floor(ids.length / 4)) : ids;
    },
    decode: (ids) => tokenizer.decode(ids),
    wordTokenIds: () => tokenizer.wordTokenIds(),
  };

  it('verifySample notices wrong counts, unless the tokenizer vouches for its word runs', () => {
    const checked: BenchTokenizer = { ...tokenizer, wordRunsExact: false };
    expect(verifySample(checked, [{ prompt: ' hello world', promptTokens: 2 }])).toBe(true);
    expect(verifySample(checked, [{ prompt: ' hello world', promptTokens: 3 }])).toBe(false);
    expect(verifySample({ ...checked, wordRunsExact: true }, [{ prompt: ' hello world', promptTokens: 3 }])).toBe(true);
  });

  it('a tokenizer that fails the check gets prompts built and re-encoded one by one, as exact as that allows', async () => {
    const ds = await randomDataset(merging, { numPrompts: 5, inputLen: 40, outputLen: 2, rangeRatio: 0 }, createRng(2));
    for (const e of ds.entries) expect(merging.encode(e.prompt).length).toBe(e.promptTokens);
  });
});
