// What people write: the flat, snake_case benchmark settings of a profile YAML, the same keys the
// `bench run` flags set, an API body and a suite cell produce. One strict schema checks them with
// the user's own key names; build-spec.ts turns a valid one into the BenchSpec.
import { z } from 'zod';
import { SimProfileSchema } from '../../sim/embedded-profile.js';
import { LIMITS } from './limits.js';

const intIn = (min: number, max: number, what = 'an integer') =>
  z.number({ error: `expected ${what}` }).int(`expected ${what}`).min(min, `expected ${what} >= ${min}`).max(max, `expected ${what} <= ${max}`);
const positive = (max: number) =>
  z.number({ error: 'expected a number' }).finite('expected a finite number').gt(0, 'expected a number > 0').max(max, `expected a number <= ${max}`);
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1, 'expected at least one value').max(LIMITS.sweepSteps)]);

const concurrencyLevel = z
  .number({ error: 'expected an integer' })
  .int('expected an integer')
  .min(1, 'expected an integer >= 1')
  .max(LIMITS.concurrency, `expected at most ${LIMITS.concurrency} requests in flight (each holds a socket); split a bigger load with --client-tasks`);

const METADATA_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** `key=value` tags recorded in the result (`--metadata git_sha=abc`): short keys, one-line values. */
export const MetadataSchema = z
  .record(z.string(), z.string().max(1024, 'expected a value of at most 1024 characters').regex(/^[^\u0000-\u001f\u007f]*$/, 'expected a value without control characters'))
  .superRefine((m, ctx) => {
    for (const key of Object.keys(m)) {
      if (!METADATA_KEY.test(key)) ctx.addIssue({ code: 'custom', path: [key], input: key, message: 'expected a key of letters, digits, _ . - (at most 64, starting with a letter or _)' });
    }
    if (Object.keys(m).length > LIMITS.metadataEntries) ctx.addIssue({ code: 'custom', input: m, message: `expected at most ${LIMITS.metadataEntries} entries` });
  });

/** The settings keys; every one is optional, defaults are applied by buildBenchSpec. */
const BenchInputShape = {
  description: z.string().max(10_000).optional(),
  url: z.string().optional(),
  service: z.string().min(1).max(64).optional(),
  /** Spreading over a service group's replicas: round-robin (default) or least-outstanding. */
  balance: z.enum(['round-robin', 'least-outstanding']).optional(),
  model: z.string().min(1).max(1024).optional(),
  /** batch: one job of num_requests items through the server's files + batches API (items on chat). */
  api: z.enum(['completions', 'chat', 'batch']).optional(),
  /** Minutes, fractional allowed (converted once by minutesToSeconds). */
  duration: z.union([z.number(), z.string()]).optional(),
  duration_seconds: z.union([z.number(), z.string()]).optional(),
  num_requests: intIn(1, LIMITS.numRequests).optional(),
  concurrency: oneOrMany(concurrencyLevel).optional(),
  rate: oneOrMany(z.union([positive(LIMITS.rate), z.literal('inf')])).optional(),
  burstiness: positive(1000).optional(),
  max_concurrency: concurrencyLevel.optional(),
  warmup: intIn(0, LIMITS.warmup).optional(),
  /** The rate moves from ramp_up_start to ramp_up_end (req/s) over the duration, or the request count. */
  ramp_up: z.enum(['linear', 'exponential']).optional(),
  ramp_up_start: positive(LIMITS.rate).optional(),
  ramp_up_end: positive(LIMITS.rate).optional(),
  dataset: z.enum(['random', 'prefix', 'sharegpt', 'jsonl', 'trace']).optional(),
  dataset_path: z.string().min(1).optional(),
  input_len: intIn(1, LIMITS.inputLen).optional(),
  output_len: intIn(1, LIMITS.outputLen).optional(),
  range_ratio: z.number().min(0, 'expected a number >= 0').lt(1, 'expected a number < 1').optional(),
  prefix_len: intIn(1, LIMITS.inputLen).optional(),
  num_prefixes: intIn(1, LIMITS.numPrefixes).optional(),
  /** sharegpt / jsonl as conversations: each one a session of turns carrying its history. */
  multi_turn: z.boolean().optional(),
  think_time_ms: z.number({ error: 'expected milliseconds' }).min(0, 'expected milliseconds >= 0').max(LIMITS.thinkTimeMs, `expected at most ${LIMITS.thinkTimeMs} ms`).optional(),
  max_turns: intIn(1, LIMITS.maxTurns).optional(),
  trace_format: z.enum(['mooncake', 'azure', 'jsonl']).optional(),
  time_scale: positive(LIMITS.timeScale).optional(),
  trace_block_size: intIn(1, 65_536).optional(),
  batch_poll_interval_s: positive(3600).optional(),
  seed: intIn(0, Number.MAX_SAFE_INTEGER).optional(),
  goodput: z.string().min(1).optional(),
  percentiles: z.array(z.number().min(0, 'expected a percentile >= 0').max(100, 'expected a percentile <= 100')).min(1).optional(),
  on_deadline: z.enum(['finish', 'cut']).optional(),
  deadline_grace_s: z.number().min(0, 'expected seconds >= 0').max(LIMITS.deadlineGraceS, `expected at most ${LIMITS.deadlineGraceS} s`).optional(),
  fail_on: z.array(z.string().min(1)).optional(),
  assert: z.array(z.string().min(1)).optional(),
  assert_promql: z.array(z.string().min(1)).optional(),
  prometheus_url: z.string().optional(),
  scrape_interval_s: z.number().min(0, 'expected seconds >= 0 (0 turns scraping off)').max(LIMITS.scrapeIntervalS, `expected at most ${LIMITS.scrapeIntervalS} s`).optional(),
  save_detailed: z.boolean().optional(),
  /** Run the same workload this many times; the result holds every repetition and the mean and 95 % CI. */
  repeat: intIn(1, 1000).optional(),
  client: z.enum(['local', 'cluster']).optional(),
  client_tasks: intIn(1, LIMITS.clientTasks).optional(),
  client_nodes: intIn(1, LIMITS.clientTasks).optional(),
  workers: intIn(1, LIMITS.workers).optional(),
  tokenizer: z.string().min(1).max(4096).optional(),
  sim: SimProfileSchema.optional(),
  metadata: MetadataSchema.optional(),
  // `bench search` (see build-search.ts): SLOs each step must meet, the range, its precision and budget.
  slo: z.array(z.string().min(1)).min(1, 'expected at least one SLO').optional(),
  rate_range: z.union([z.string(), z.array(z.number()).length(2, 'expected [LO, HI]')]).optional(),
  concurrency_range: z.union([z.string(), z.array(z.number()).length(2, 'expected [LO, HI]')]).optional(),
  precision: z.union([z.string(), z.number()]).optional(),
  /** Minutes each search step measures (converted once by minutesToSeconds). */
  step_duration: z.union([z.number(), z.string()]).optional(),
  max_steps: intIn(1, LIMITS.searchSteps).optional(),
};

export const BenchInputSchema = z.strictObject(BenchInputShape);
export type BenchInput = z.input<typeof BenchInputSchema>;
export type BenchInputKey = keyof typeof BenchInputShape;

/** Settings that are one choice: naming any member replaces the others' values from a lower source. */
const INPUT_GROUPS: readonly (readonly BenchInputKey[])[] = [
  ['duration', 'duration_seconds', 'step_duration'],
  ['concurrency', 'rate', 'ramp_up', 'rate_range', 'concurrency_range'],
  ['url', 'service', 'sim'],
];

/** Gates add up across sources: a flag adds to a profile's gates, never silently drops one. */
const GATE_KEYS: readonly BenchInputKey[] = ['fail_on', 'assert', 'assert_promql'];

/** `base` with `over` on top, by group: a key set in `over` clears its group's keys from `base`; gate lists are joined. */
export function mergeInput(base: BenchInput, over: BenchInput): BenchInput {
  const merged: Record<string, unknown> = { ...base };
  for (const key of Object.keys(over) as BenchInputKey[]) {
    if (over[key] === undefined) continue;
    for (const group of INPUT_GROUPS) if (group.includes(key)) for (const member of group) delete merged[member];
  }
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const below = merged[key];
    merged[key] = GATE_KEYS.includes(key as BenchInputKey) && Array.isArray(below) && Array.isArray(value) ? [...new Set([...below, ...value])] : value;
  }
  // Tags add up: a profile's metadata and the flags' (the flag wins on the same key).
  if (base.metadata !== undefined && over.metadata !== undefined) merged.metadata = { ...base.metadata, ...over.metadata };
  return merged as BenchInput;
}
