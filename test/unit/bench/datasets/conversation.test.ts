// Multi-turn conversations: user turns paired with the replies that size them, from JSONL messages
// and from ShareGPT JSON, streamed (a ShareGPT array cut into elements across read chunks) and
// sampled by a seeded reservoir; bad lines are refused with their number.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/common/rng.js';
import { loadConversations, pairTurns } from '../../../../src/bench/datasets/conversation.js';
import { jsonArrayElements, reservoir } from '../../../../src/bench/datasets/stream-file.js';
import { loadTokenizer } from '../../../../src/bench/datasets/tokenizer.js';

const tokenizer = await loadTokenizer(undefined, {});
const dir = mkdtempSync(join(tmpdir(), 'aibench-conv-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('turns', () => {
  it('pairs each user message with the reply after it; a leading system message is kept apart', () => {
    expect(pairTurns(3, [
      { role: 'system', content: 'be brief' }, { role: 'user', content: 'a' }, { role: 'assistant', content: 'b' },
      { role: 'user', content: 'c' }, { role: 'tool', content: 'x' }, { role: 'user', content: 'd' }, { role: 'assistant', content: 'e' },
    ])).toEqual({ id: 3, system: 'be brief', turns: [{ prompt: 'a', reply: 'b' }, { prompt: 'c' }, { prompt: 'd', reply: 'e' }] });
    expect(pairTurns(0, [{ role: 'assistant', content: 'hi' }])).toBeUndefined();
  });

  it('sizes outputs by the replies (or output_len); a turn without a reply ends the session', async () => {
    const path = file('c.jsonl', `${JSON.stringify({ messages: [{ role: 'user', content: 'one two' }, { role: 'assistant', content: ' alpha beta gamma' }, { role: 'user', content: 'three' }] })}\n`);
    const [conv] = await loadConversations(path, tokenizer, { format: 'jsonl', count: 5 }, createRng(1));
    expect(conv?.turns).toEqual([{ prompt: 'one two', promptTokens: tokenizer.encode('one two').length, outputTokens: 3 }]);
    const fixed = await loadConversations(path, tokenizer, { format: 'jsonl', count: 5, outputLen: 7, maxTurns: 5 }, createRng(1));
    expect(fixed[0]?.turns.map((t) => t.outputTokens)).toEqual([7, 7]);
  });

  it('refuses a bad JSONL line with its number', async () => {
    const path = file('bad.jsonl', `${JSON.stringify({ messages: [{ role: 'user', content: 'x' }] })}\n{"messages": "no"}\n`);
    await expect(loadConversations(path, tokenizer, { format: 'jsonl', count: 5, outputLen: 4 }, createRng(1))).rejects.toThrow(`${path} line 2: expected "messages": a list of {"role", "content"}`);
  });
});

describe('streaming and sampling', () => {
  it('cuts a large ShareGPT array into its elements across read chunks (strings with brackets, escapes and commas)', async () => {
    const convs = Array.from({ length: 4000 }, (_, i) => ({ id: `c${i}`, conversations: [{ from: 'human', value: `q ${i} [x], {y} "quoted" \\ end` }, { from: 'gpt', value: 'r '.repeat(40) }] }));
    const path = file('big.json', JSON.stringify(convs, null, 1)); // ~1 MB: several 256 KB chunks
    const parsed: unknown[] = [];
    for await (const text of jsonArrayElements(path, 'ShareGPT file')) parsed.push(JSON.parse(text));
    expect(parsed).toEqual(convs);
    await expect((async () => { for await (const _ of jsonArrayElements(file('obj.json', '{"a": 1}'), 'ShareGPT file')) void _; })()).rejects.toThrow(/expected a JSON array of conversations/);
    await expect((async () => { for await (const _ of jsonArrayElements(file('open.json', '[{"a": 1},'), 'ShareGPT file')) void _; })()).rejects.toThrow(/not closed/);
  });

  it('keeps a seeded uniform sample of k (the same seed, the same sample)', () => {
    const pick = (seed: number) => {
      const r = reservoir<number>(10, createRng(seed));
      for (let i = 0; i < 1000; i++) r.offer(i);
      return r.items();
    };
    expect(pick(4)).toEqual(pick(4));
    expect(pick(4)).not.toEqual(pick(5));
    expect(pick(4)).toHaveLength(10);
    const hits = new Array<number>(10).fill(0);
    for (let seed = 0; seed < 400; seed++) for (const x of pick(seed)) hits[Math.floor(x / 100)]! += 1;
    for (const h of hits) expect(Math.abs(h - 400)).toBeLessThan(100); // each tenth of the stream gets a tenth of the sample
  });

  it('loads the ShareGPT fixture as sessions of several turns', async () => {
    const convs = await loadConversations('test/fixtures/datasets/sharegpt-multi.json', tokenizer, { format: 'sharegpt', count: 100 }, createRng(2));
    expect(convs).toHaveLength(8);
    expect(convs.every((c) => c.turns.length >= 2)).toBe(true);
  });
});
