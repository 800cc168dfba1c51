// Pick and build the dataset a run asked for; every choice seeded by the run's seed.
import { createRng } from '../common/rng.js';
import { UsageError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { jsonlDataset } from './dataset-jsonl.js';
import { randomDataset } from './dataset-random.js';
import { sharegptDataset } from './dataset-sharegpt.js';
import type { BenchTokenizer } from './tokenizer.js';

export interface DatasetConfig {
  kind: 'random' | 'sharegpt' | 'jsonl';
  path?: string;
  inputLen?: number;
  /** random: the mean output length; sharegpt: overrides the reply length; jsonl: default for lines without output_len. */
  outputLen?: number;
  rangeRatio: number;
  seed: number;
}

/** Defaults when neither a flag nor a profile gives lengths (vLLM's random dataset uses 1024/128). */
export const DEFAULT_INPUT_LEN = 1024;
export const DEFAULT_OUTPUT_LEN = 128;

/** Build `size` prompts (random), or up to `size` from a file (sharegpt, jsonl: the whole file, cycled). */
export async function loadDataset(config: DatasetConfig, tokenizer: BenchTokenizer, size: number): Promise<Dataset> {
  const random = createRng(config.seed);
  if (config.kind === 'random') {
    return randomDataset(
      tokenizer,
      { numPrompts: size, inputLen: config.inputLen ?? DEFAULT_INPUT_LEN, outputLen: config.outputLen ?? DEFAULT_OUTPUT_LEN, rangeRatio: config.rangeRatio },
      random,
    );
  }
  if (config.path === undefined) throw new UsageError(`dataset-path: expected a file for --dataset ${config.kind}, got none`);
  if (config.kind === 'sharegpt') return sharegptDataset(config.path, tokenizer, { numPrompts: size, outputLen: config.outputLen }, random);
  return jsonlDataset(config.path, tokenizer, config.outputLen ?? DEFAULT_OUTPUT_LEN);
}
