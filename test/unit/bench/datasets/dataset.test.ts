import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/common/rng.js';
import { lengthRange, randomDataset } from '../../../../src/bench/datasets/random.js';
import { isValidPair, sharegptFromJson } from '../../../../src/bench/datasets/sharegpt.js';
import { jsonlFromText } from '../../../../src/bench/datasets/jsonl.js';
import { loadTokenizer } from '../../../../src/bench/datasets/tokenizer.js';

const tokenizer = await loadTokenizer(undefined, {});

describe('random dataset', () => {
  it('builds prompts whose tokenizer count hits the target exactly', async () => {
    const ds = await randomDataset(tokenizer, { numPrompts: 20, inputLen: 200, outputLen: 50, rangeRatio: 0 }, createRng(1));
    expect(ds.entries).toHaveLength(20);
    for (const e of ds.entries) {
      expect(tokenizer.encode(e.prompt).length).toBe(200);
      expect(e.promptTokens).toBe(200);
      expect(e.outputTokens).toBe(50);
    }
  });

  it('draws lengths uniformly from [L(1-r), L(1+r)]', async () => {
    expect(lengthRange(100, 0.5)).toEqual([50, 150]);
    expect(lengthRange(1, 0.9)).toEqual([1, 1]);
    const ds = await randomDataset(tokenizer, { numPrompts: 200, inputLen: 40, outputLen: 20, rangeRatio: 0.5 }, createRng(2));
    const inputs = ds.entries.map((e) => e.promptTokens);
    const outputs = ds.entries.map((e) => e.outputTokens);
    expect(Math.min(...inputs)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...inputs)).toBeLessThanOrEqual(60);
    expect(Math.min(...outputs)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...outputs)).toBeLessThanOrEqual(30);
    expect(new Set(outputs).size).toBeGreaterThan(10);
  });

  it('is reproducible: same seed, same prompts in the same order; another seed differs', async () => {
    const opts = { numPrompts: 5, inputLen: 30, outputLen: 10, rangeRatio: 0.3 };
    const a = await randomDataset(tokenizer, opts, createRng(42));
    const b = await randomDataset(tokenizer, opts, createRng(42));
    const c = await randomDataset(tokenizer, opts, createRng(43));
    expect(b).toEqual(a);
    expect(c.entries[0]?.prompt).not.toBe(a.entries[0]?.prompt);
  });

  it('yields to the event loop while building, so a server building a big dataset keeps answering', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await randomDataset(tokenizer, { numPrompts: 2000, inputLen: 512, outputLen: 8, rangeRatio: 0 }, createRng(3));
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // Without yielding no timer could fire until the build ended; with it, one fires per ~50 ms slice.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 200));
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('ShareGPT dataset', () => {
  const long = 'word '.repeat(30);
  const data = [
    { conversations: [{ from: 'human', value: long }, { from: 'gpt', value: long }] },
    { conversations: [{ from: 'human', value: 'hi' }, { from: 'gpt', value: long }] }, // prompt too short
    { conversations: [{ from: 'human', value: long }] }, // no reply
    { conversations: [{ from: 'human', value: `${long} again` }, { from: 'gpt', value: `${long} more` }] },
  ];

  it('takes the first human turn as prompt and the reply length as output, dropping invalid pairs', () => {
    const ds = sharegptFromJson(data, tokenizer, { numPrompts: 10 }, createRng(1));
    expect(ds.entries).toHaveLength(2);
    for (const e of ds.entries) expect(e.outputTokens).toBeGreaterThanOrEqual(30);
  });

  it('applies vLLM filter bounds and an output override', () => {
    expect(isValidPair(3, 100, false)).toBe(false);
    expect(isValidPair(100, 3, false)).toBe(false);
    expect(isValidPair(1025, 10, false)).toBe(false);
    expect(isValidPair(1000, 1049, false)).toBe(false);
    expect(isValidPair(1000, 1048, false)).toBe(true);
    const ds = sharegptFromJson(data, tokenizer, { numPrompts: 1, outputLen: 7 }, createRng(1));
    expect(ds.entries).toEqual([expect.objectContaining({ outputTokens: 7 })]);
  });

  it('is seeded: the same seed gives the same order', () => {
    const a = sharegptFromJson(data, tokenizer, { numPrompts: 2 }, createRng(5));
    const b = sharegptFromJson(data, tokenizer, { numPrompts: 2 }, createRng(5));
    expect(a).toEqual(b);
  });
});

describe('JSONL dataset', () => {
  it('reads prompts in file order with optional output_len', () => {
    const ds = jsonlFromText('{"prompt": "hello there"}\n\n{"prompt": "bye", "output_len": 5}\n', tokenizer, 64);
    expect(ds.entries.map((e) => [e.prompt, e.outputTokens])).toEqual([['hello there', 64], ['bye', 5]]);
    expect(ds.entries[0]?.promptTokens).toBe(2);
  });

  it('names the bad line', () => {
    expect(() => jsonlFromText('{"prompt": "ok"}\nnot json', tokenizer, 8, 'p.jsonl')).toThrow(/p\.jsonl line 2/);
    expect(() => jsonlFromText('{"text": "x"}', tokenizer, 8, 'p.jsonl')).toThrow(/line 1: prompt/);
  });
});
