// Pick and build the dataset a spec asks for; every choice seeded by the run's seed.
import { createRng } from '../../common/rng.js';
import type { DatasetSpec } from '../spec/bench-spec.js';
import type { Dataset } from './dataset.js';
import { jsonlDataset } from './jsonl.js';
import { randomDataset } from './random.js';
import { sharegptDataset } from './sharegpt.js';
import type { BenchTokenizer } from './tokenizer.js';

/** Build `size` prompts (random), or up to `size` from a file (sharegpt: sampled; jsonl: in file order). */
export async function buildDataset(spec: DatasetSpec, tokenizer: BenchTokenizer, size: number, seed: number): Promise<Dataset> {
  const random = createRng(seed);
  switch (spec.kind) {
    case 'random':
      return randomDataset(tokenizer, { numPrompts: size, inputLen: spec.input_len, outputLen: spec.output_len, rangeRatio: spec.range_ratio }, random);
    case 'sharegpt':
      return sharegptDataset(spec.path, tokenizer, { numPrompts: size, outputLen: spec.output_len }, random);
    case 'jsonl':
      return jsonlDataset(spec.path, tokenizer, spec.output_len);
  }
}
