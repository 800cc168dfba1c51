// Pick and build the dataset a spec asks for; every choice seeded by the run's seed.
import { createRng } from '../../common/rng.js';
import type { DatasetSpec } from '../spec/bench-spec.js';
import { loadConversations } from './conversation.js';
import type { Dataset } from './dataset.js';
import { jsonlDataset } from './jsonl.js';
import { prefixDataset } from './prefix.js';
import { randomDataset } from './random.js';
import { sharegptDataset } from './sharegpt.js';
import { openTrace } from './trace.js';
import type { BenchTokenizer } from './tokenizer.js';

/** Build `size` prompts (random, prefix), up to `size` from a file (sharegpt: sampled; jsonl: in file order), `size` sessions, or open a trace. */
export async function buildDataset(spec: DatasetSpec, tokenizer: BenchTokenizer, size: number, seed: number): Promise<Dataset> {
  const random = createRng(seed);
  switch (spec.kind) {
    case 'random':
      return randomDataset(tokenizer, { numPrompts: size, inputLen: spec.input_len, outputLen: spec.output_len, rangeRatio: spec.range_ratio }, random);
    case 'prefix':
      return prefixDataset(tokenizer, { numPrompts: size, prefixLen: spec.prefix_len, numPrefixes: spec.num_prefixes, inputLen: spec.input_len, outputLen: spec.output_len }, random);
    case 'sharegpt':
      return sharegptDataset(spec.path, tokenizer, { numPrompts: size, outputLen: spec.output_len }, random);
    case 'jsonl':
      return jsonlDataset(spec.path, tokenizer, spec.output_len);
    case 'conversation': {
      const conversations = await loadConversations(spec.path, tokenizer, {
        format: spec.format, count: size, ...(spec.output_len === undefined ? {} : { outputLen: spec.output_len }), ...(spec.max_turns === undefined ? {} : { maxTurns: spec.max_turns }),
      }, random);
      const entries = conversations.map((c) => ({ prompt: c.turns[0]?.prompt ?? '', promptTokens: c.turns[0]?.promptTokens ?? 0, outputTokens: c.turns[0]?.outputTokens ?? 1 }));
      return { kind: 'conversation', entries, conversations };
    }
    case 'trace':
      return { kind: 'trace', entries: [], trace: await openTrace({ path: spec.path, format: spec.format, blockSize: spec.block_size, seed }, tokenizer) };
  }
}
