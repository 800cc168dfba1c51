// The workload part of buildBenchSpec: which dataset and load pattern the flat settings describe
// (random, prefix, ShareGPT/JSONL, multi-turn conversations, traces; concurrency, rate, ramp-up,
// trace replay, batch), with every cross-field rule that decides it. Pure; issues name the key.
import { errorMessage } from '../../errors.js';
import type { DatasetSpec, LoadPattern } from './bench-spec.js';
import type { BenchInput, BenchInputKey } from './bench-input.js';

export type Issue = { key: BenchInputKey; message: string };

/** Run a converter that throws UsageError; its message (minus a leading "field: ") becomes an issue. */
export function attempt<T>(issues: Issue[], key: BenchInputKey, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    issues.push({ key, message: errorMessage(error).replace(/^[\w-]+: /, '') });
    return undefined;
  }
}
type DatasetName = NonNullable<BenchInput['dataset']>;

/** Defaults of the workload keys nobody set. */
const WORKLOAD_DEFAULTS = {
  num_prefixes: 10,
  think_time_ms: 0,
  time_scale: 1,
  /** Mooncake's hash ids stand for blocks of 512 tokens (its published traces). */
  trace_block_size: 512,
  batch_poll_interval_s: 2,
} as const;

// The keys each dataset reads (besides dataset itself); any other dataset key is refused.
const DATASET_KEYS: Record<DatasetName, readonly BenchInputKey[]> = {
  random: ['input_len', 'output_len', 'range_ratio'],
  prefix: ['input_len', 'output_len', 'prefix_len', 'num_prefixes'],
  sharegpt: ['dataset_path', 'output_len', 'multi_turn', 'think_time_ms', 'max_turns'],
  jsonl: ['dataset_path', 'output_len', 'multi_turn', 'think_time_ms', 'max_turns'],
  trace: ['dataset_path', 'trace_format', 'trace_block_size'],
};
const DATASET_ONLY: readonly BenchInputKey[] = [...new Set(Object.values(DATASET_KEYS).flat())].filter((k) => k !== 'output_len');

function readers(key: BenchInputKey): string {
  const names = (Object.keys(DATASET_KEYS) as DatasetName[]).filter((d) => DATASET_KEYS[d].includes(key));
  return names.length === 1 ? `dataset ${names[0]}` : `datasets ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** The trace format a path implies when none is named: `.csv` is Azure's, anything else Mooncake's JSONL. */
function defaultTraceFormat(path: string | undefined): 'azure' | 'mooncake' {
  return path !== undefined && /\.csv$/i.test(path) ? 'azure' : 'mooncake';
}

/** Settings the chosen dataset or load does not read, and combinations that cannot mean anything. */
export function workloadRules(input: BenchInput, issues: Issue[]): void {
  const dataset = input.dataset ?? 'random';
  const push = (key: BenchInputKey, message: string) => issues.push({ key, message });
  for (const key of DATASET_ONLY) {
    if (input[key] !== undefined && !DATASET_KEYS[dataset].includes(key)) push(key, `only read for ${readers(key)}, got it with dataset ${dataset}`);
  }
  const needsPath = DATASET_KEYS[dataset].includes('dataset_path');
  if (needsPath && input.dataset_path === undefined) push('dataset_path', `expected a file for dataset ${dataset}, got none`);
  if (dataset === 'prefix') prefixRules(input, push);
  if (input.multi_turn !== true) {
    for (const key of ['think_time_ms', 'max_turns'] as const) if (input[key] !== undefined && needsPath) push(key, 'only read with multi_turn (conversations), got it without');
  }
  if (input.trace_block_size !== undefined && dataset === 'trace' && traceFormat(input) !== 'mooncake') push('trace_block_size', `only read for trace_format mooncake (its hash ids are blocks), got ${traceFormat(input)}`);
  loadRules(input, dataset, push);
}

function prefixRules(input: BenchInput, push: (key: BenchInputKey, message: string) => void): void {
  if (input.prefix_len === undefined) return push('prefix_len', 'expected the shared prefix length in tokens for dataset prefix, got none');
  const inputLen = input.input_len ?? 1024;
  if (input.prefix_len >= inputLen) {
    push('prefix_len', `expected fewer tokens than input_len (${inputLen}) so every request has a unique suffix, got ${input.prefix_len}`);
  }
}

const traceFormat = (input: BenchInput) => input.trace_format ?? defaultTraceFormat(input.dataset_path);

// Which load keys fit the mode: rate-likes (rate, ramp) read burstiness and a cap; a trace brings its
// own arrivals; a batch is one job; conversations run on chat.
function loadRules(input: BenchInput, dataset: DatasetName, push: (key: BenchInputKey, message: string) => void): void {
  const ramp = input.ramp_up !== undefined;
  if (ramp && input.rate !== undefined) push('ramp_up', 'expected rate or ramp_up, not both (a ramp moves the rate from ramp_up_start to ramp_up_end)');
  if (ramp && input.concurrency !== undefined) push('ramp_up', 'expected rate mode: a ramp moves the request rate, got it with concurrency (a closed loop has no rate)');
  if (ramp && input.ramp_up_start === undefined) push('ramp_up_start', 'expected the starting rate (req/s) of the ramp, got none');
  if (ramp && input.ramp_up_end === undefined) push('ramp_up_end', 'expected the final rate (req/s) of the ramp, got none');
  for (const key of ['ramp_up_start', 'ramp_up_end'] as const) if (!ramp && input[key] !== undefined) push(key, 'only read with ramp_up (linear or exponential), got it without');
  const trace = dataset === 'trace';
  const rateLike = input.rate !== undefined || ramp || input.rate_range !== undefined;
  if (!rateLike && input.burstiness !== undefined) push('burstiness', 'only read in rate mode (with rate or ramp_up), got it without');
  if (!rateLike && !trace && input.max_concurrency !== undefined) push('max_concurrency', 'only read in rate mode (with rate or ramp_up) or with a trace, got it without');
  if (trace) {
    for (const key of ['concurrency', 'rate', 'ramp_up'] as const) if (input[key] !== undefined) push(key, 'a trace replays its own arrival times: scale them with time_scale instead');
    for (const key of ['output_len', 'warmup'] as const) if (input[key] !== undefined) push(key, key === 'output_len' ? 'a trace gives each request its output length' : 'not read with a trace: it replays from its first line');
  } else if (input.time_scale !== undefined) push('time_scale', `only read for dataset trace, got it with dataset ${dataset}`);
  if (input.multi_turn === true) {
    if (input.api === 'completions') push('api', 'expected chat for multi_turn conversations (turns carry their history as messages), got completions');
    if (input.warmup !== undefined && input.warmup > 0) push('warmup', 'not read with multi_turn: every session is measured from its first turn');
  }
  if (input.api === 'batch') batchRules(input, dataset, push);
  else if (input.batch_poll_interval_s !== undefined) push('batch_poll_interval_s', 'only read with api batch, got it without');
}

function batchRules(input: BenchInput, dataset: DatasetName, push: (key: BenchInputKey, message: string) => void): void {
  const why = 'a batch is one job of num_requests items that ends when the job completes';
  for (const key of ['concurrency', 'rate', 'ramp_up', 'duration', 'duration_seconds'] as const) if (input[key] !== undefined) push(key, `not read with api batch: ${why}`);
  if (input.warmup !== undefined && input.warmup > 0) push('warmup', `not read with api batch: ${why}`);
  if (dataset === 'trace' || input.multi_turn === true) push('dataset', `expected single prompts for api batch (random, prefix, sharegpt or jsonl), got ${dataset === 'trace' ? 'a trace' : 'multi_turn conversations'}`);
  if ((input.workers ?? 1) > 1 || (input.client_tasks ?? 1) > 1) push((input.workers ?? 1) > 1 ? 'workers' : 'client_tasks', `a batch cannot be split over client processes: ${why}`);
}

const list = <T>(value: T | T[] | undefined): T[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

/** The load levels the settings describe (a sweep when rate or concurrency is a list). */
export function toLoads(input: BenchInput, issues: Issue[]): LoadPattern[] {
  const cap = input.max_concurrency === undefined ? {} : { max_concurrency: input.max_concurrency };
  const burstiness = input.burstiness ?? 1;
  if (input.api === 'batch') return [{ kind: 'batch', poll_interval_s: input.batch_poll_interval_s ?? WORKLOAD_DEFAULTS.batch_poll_interval_s }];
  if (input.dataset === 'trace') return [{ kind: 'trace', time_scale: input.time_scale ?? WORKLOAD_DEFAULTS.time_scale, ...cap }];
  if (input.ramp_up !== undefined && input.ramp_up_start !== undefined && input.ramp_up_end !== undefined) {
    return [{ kind: 'ramp', shape: input.ramp_up, start_rate: input.ramp_up_start, end_rate: input.ramp_up_end, burstiness, ...cap }];
  }
  const rates = list(input.rate);
  if (rates !== undefined) return rates.map((rate) => ({ kind: 'rate', rate, burstiness, ...cap }));
  const levels = list(input.concurrency) ?? [1];
  if (new Set(levels).size !== levels.length) issues.push({ key: 'concurrency', message: `expected distinct levels, got ${JSON.stringify(levels)}` });
  return levels.map((concurrency) => ({ kind: 'concurrency', concurrency }));
}

/** The dataset the settings describe, defaults applied. */
export function toDataset(input: BenchInput, defaults: { input_len: number; output_len: number; range_ratio: number }): DatasetSpec {
  const kind = input.dataset ?? 'random';
  const inputLen = input.input_len ?? defaults.input_len;
  const outputLen = input.output_len ?? defaults.output_len;
  const path = input.dataset_path ?? '';
  switch (kind) {
    case 'random':
      return { kind, input_len: inputLen, output_len: outputLen, range_ratio: input.range_ratio ?? defaults.range_ratio };
    case 'prefix':
      return { kind, prefix_len: input.prefix_len ?? 1, num_prefixes: input.num_prefixes ?? WORKLOAD_DEFAULTS.num_prefixes, input_len: Math.max(2, inputLen), output_len: outputLen };
    case 'trace':
      return { kind, format: input.trace_format ?? defaultTraceFormat(input.dataset_path), path, block_size: input.trace_block_size ?? WORKLOAD_DEFAULTS.trace_block_size };
    case 'sharegpt':
    case 'jsonl':
      if (input.multi_turn === true) {
        return {
          kind: 'conversation', format: kind, path, think_time_ms: input.think_time_ms ?? WORKLOAD_DEFAULTS.think_time_ms,
          ...(input.output_len === undefined ? {} : { output_len: input.output_len }), ...(input.max_turns === undefined ? {} : { max_turns: input.max_turns }),
        };
      }
      if (kind === 'sharegpt') return { kind, path, ...(input.output_len === undefined ? {} : { output_len: input.output_len }) };
      return { kind, path, output_len: outputLen };
  }
}
