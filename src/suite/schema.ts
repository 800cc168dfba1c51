// Suite YAML: services (a Slurm vLLM job, an existing URL, or the embedded simulator), a matrix of
// load x lengths with a stop in minutes or requests, optional per-service bindings, priority and
// fail_on gates. Unknown keys are errors; errors name file, key path and the bad value.
import { z } from 'zod';
import { parseFailOn } from '../bench/results/compare.js';
import { MetadataSchema } from '../bench/spec/bench-input.js';
import { parseAssertion } from '../bench/results/assertions.js';
import { parsePromqlAssertion } from '../bench/results/assertions-promql.js';
import { SimProfileSchema } from '../sim/embedded-profile.js';
import { formatZodIssues } from '../config/zod-error.js';
import { ConfigError, errorMessage } from '../errors.js';
import { SERVICE_ID } from '../service/index.js';
import { TIER_NAMES } from '../dispatch/tiers.js';
import { readYamlFile } from '../config/yaml-file.js';

const posInt = z.number().int().positive();
const posNum = z.number().positive().finite();
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected 1-64 letters, digits, _ . - (starting with a letter or digit)');
const serviceId = z.string().regex(SERVICE_ID, 'expected 1-40 letters, digits, _ . - (starting with a letter or digit)').max(32);
const distinct = <T extends z.ZodType>(item: T) => z.array(item).min(1).refine((xs) => new Set(xs).size === xs.length, 'expected distinct values');

/** Lists to expand: load (concurrency and/or rate levels) x input_len x output_len; stop in minutes and/or requests. */
const MatrixSchema = z.strictObject({
  concurrency: distinct(posInt).optional(),
  rate: distinct(z.union([posNum, z.literal('inf')])).optional(),
  input_len: distinct(posInt),
  output_len: distinct(posInt),
  /** Minutes, fractional allowed (converted once by minutesToSeconds). */
  duration_min: posNum.optional(),
  num_requests: posInt.optional(),
});
export type SuiteMatrix = z.output<typeof MatrixSchema>;

const common = <K extends string>(kind: K) => ({ kind: z.literal(kind), id: serviceId, description: z.string().optional() });

/** A vLLM (or `vllm_command`) job the suite starts on Slurm and stops after its last benchmark. */
const SlurmServiceSchema = z.strictObject({
  ...common('slurm'),
  model: z.string().min(1),
  cluster: z.string().min(1).optional(),
  gpus: z.number().int().nonnegative().optional(),
  partition: z.string().min(1).optional(),
  /** Slurm time limit, e.g. "02:00:00". */
  time: z.string().min(1).optional(),
  vllm_args: z.array(z.string()).optional(),
  /** Minutes to wait for READY (default 20), per attempt. */
  start_timeout_min: posNum.optional(),
  /** Resubmit a start that runs out of GPU memory up to N times, lowering --gpu-memory-utilization then --max-model-len (`service start --retry-oom`). */
  retry_oom: z.number().int().min(0).max(10).optional(),
  api_key_file: z.string().min(1).optional(),
});
/** A server that already runs: never started or stopped by the suite. */
const UrlServiceSchema = z.strictObject({ ...common('url'), url: z.url(), model: z.string().min(1).optional() });
/** The embedded simulator, started in this process. */
const SimServiceSchema = z.strictObject({ ...common('sim'), sim: SimProfileSchema });

// `kind` may be left out: a `url` key means url, a `sim` key means sim, anything else a Slurm job.
function inferKind(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'kind' in value) return value;
  return { kind: 'url' in value ? 'url' : 'sim' in value ? 'sim' : 'slurm', ...value };
}

const SuiteServiceSchema = z.preprocess(inferKind, z.discriminatedUnion('kind', [SlurmServiceSchema, UrlServiceSchema, SimServiceSchema]));
export type SuiteService = z.output<typeof SuiteServiceSchema>;

/** Bench settings shared by every task (the `bench run` knobs that are not matrix axes). */
const SettingsSchema = z.strictObject({
  api: z.enum(['completions', 'chat']).default('completions'),
  warmup: z.number().int().nonnegative().default(0),
  seed: z.number().int().default(0),
  range_ratio: z.number().min(0).lt(1).default(0),
  burstiness: posNum.default(1),
  max_concurrency: posInt.optional(),
  goodput: z.string().min(1).optional(),
  percentiles: z.array(z.number().min(0).max(100)).optional(),
  on_deadline: z.enum(['finish', 'cut']).default('finish'),
  /** Where Slurm services are measured from: inside the cluster next to them (default), or this process. */
  client: z.enum(['cluster', 'local']).default('cluster'),
  /** Client processes that split each benchmark's load: Slurm tasks (client cluster) and worker processes each. */
  client_tasks: posInt.optional(),
  workers: posInt.optional(),
  /** Run each benchmark this many times; its result holds every repetition and the mean and 95 % CI. */
  repeat: z.number().int().min(1).max(1000).optional(),
  /** Tags recorded in every result of the suite (a git sha, a build id); `--metadata` adds to them. */
  metadata: MetadataSchema.optional(),
  /** Seconds between scrapes of each server's /metrics during a benchmark (0: off; default 1). */
  scrape_interval_s: z.number().min(0).max(3600).optional(),
});

// A list of gates, each checked by its own parser; the issue names the item and what is wrong.
const gates = (parse: (text: string) => unknown, prefix: RegExp) => z.array(z.string().min(1)).superRefine((rules, ctx) => {
  rules.forEach((rule, i) => {
    try {
      parse(rule);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: [i], message: errorMessage(error).replace(prefix, ''), input: rule });
    }
  });
});
const failOn = gates(parseFailOn, /^fail-on: /);
/** `--assert` expressions over each result (server_metrics.*, ttft_breakdown.*, gpu.* included). */
const asserts = gates(parseAssertion, /^assert: /);
/** `--assert-promql` queries over each benchmark's window (needs monitoring.prometheus_url in the config). */
const assertPromql = gates(parsePromqlAssertion, /^assert_promql: /);

/**
 * A benchmark that is a search (`bench search`): per input_len x output_len of the matrix, the
 * highest rate or concurrency meeting every SLO; the matrix's stop is each step's (or step_duration_min).
 */
const SuiteSearchSchema = z.strictObject({
  slo: z.array(z.string().min(1)).min(1),
  rate_range: z.union([z.string(), z.tuple([posNum, posNum])]).optional(),
  concurrency_range: z.union([z.string(), z.tuple([posInt, posInt])]).optional(),
  precision: z.union([z.string(), posNum]).optional(),
  step_duration_min: posNum.optional(),
  max_steps: posInt.optional(),
});
export type SuiteSearch = z.output<typeof SuiteSearchSchema>;

/** Binds services to the matrix; `matrix` here replaces the named keys of the top-level one; `search` makes it a search. */
const BenchmarkSchema = z.strictObject({
  service: serviceId,
  matrix: MatrixSchema.partial().optional(),
  fail_on: failOn.optional(),
  assert: asserts.optional(),
  assert_promql: assertPromql.optional(),
  search: SuiteSearchSchema.optional(),
});

const SuiteBase = z.strictObject({
  name,
  description: z.string().optional(),
  /** Default cluster of Slurm services (else the config's default). */
  cluster: z.string().min(1).optional(),
  /** Tier of the benchmarks; services always start as preload. */
  priority: z.enum(TIER_NAMES).default('background'),
  /** Ceiling of the adaptive concurrency (benchmarks and service starts in flight). */
  max_parallel: z.number().int().min(1).max(64).default(4),
  /** Slurm submissions in flight (waiting for READY) per cluster. */
  max_submissions: z.number().int().min(1).max(64).default(2),
  services: z.array(SuiteServiceSchema).min(1),
  matrix: MatrixSchema.partial().optional(),
  /** Default: every service x the whole matrix. */
  benchmarks: z.array(BenchmarkSchema).min(1).optional(),
  settings: SettingsSchema.default({ api: 'completions', warmup: 0, seed: 0, range_ratio: 0, burstiness: 1, on_deadline: 'finish', client: 'cluster' }),
  /** Gates on every result, e.g. `p99_ttft_ms>2000`: a breach makes the suite exit 3. */
  fail_on: failOn.default([]),
  /** Assertions on every result, e.g. `server_metrics.preemptions == 0`: failed exit 3, unevaluable exit 1. */
  assert: asserts.default([]),
  assert_promql: assertPromql.default([]),
});

const SuiteSchema = SuiteBase.superRefine((suite, ctx) => {
    const ids = suite.services.map((s) => s.id);
    const known = new Set<string>();
    ids.forEach((id, i) => {
      if (known.has(id)) ctx.addIssue({ code: 'custom', path: ['services', i, 'id'], message: `expected a unique id, got ${JSON.stringify(id)} twice` });
      known.add(id);
    });
    suite.benchmarks?.forEach((b, i) => {
      if (!known.has(b.service)) {
        ctx.addIssue({ code: 'custom', path: ['benchmarks', i, 'service'], message: `expected one of the services (${ids.join(', ')}), got ${JSON.stringify(b.service)}` });
      }
    });
    for (const { binding, path } of bindings(suite)) {
      for (const message of matrixGaps(mergeMatrix(suite.matrix, binding.matrix), binding.search !== undefined)) ctx.addIssue({ code: 'custom', path, message });
    }
  });

type SuiteInput = Pick<z.output<typeof SuiteBase>, 'services' | 'benchmarks' | 'matrix'>;
type Binding = z.output<typeof BenchmarkSchema>;

/** The service bindings: `benchmarks`, or every service with the top-level matrix. */
export function bindings(suite: SuiteInput): Array<{ binding: Binding; path: PropertyKey[] }> {
  if (suite.benchmarks !== undefined) return suite.benchmarks.map((binding, i) => ({ binding, path: ['benchmarks', i, 'matrix'] }));
  return suite.services.map((s) => ({ binding: { service: s.id }, path: ['matrix'] }));
}

/** The top-level matrix with a binding's keys replacing its own. */
export function mergeMatrix(base: Partial<SuiteMatrix> | undefined, over: Partial<SuiteMatrix> | undefined): Partial<SuiteMatrix> {
  return { ...base, ...over };
}

// What a merged matrix lacks to expand into runnable tasks (a search chooses its own load and step stop).
function matrixGaps(m: Partial<SuiteMatrix>, search: boolean): string[] {
  const gaps: string[] = [];
  if (m.input_len === undefined) gaps.push('expected input_len (a list of prompt lengths), got nothing');
  if (m.output_len === undefined) gaps.push('expected output_len (a list of output lengths), got nothing');
  if (search) return gaps;
  if (m.concurrency === undefined && m.rate === undefined) gaps.push('expected concurrency and/or rate (load levels), got neither');
  if (m.duration_min === undefined && m.num_requests === undefined) gaps.push('expected duration_min and/or num_requests (when to stop), got neither');
  return gaps;
}
export type Suite = z.output<typeof SuiteSchema>;

/** Validate a parsed suite; ConfigError listing `FILE: key.path: expected ..., got ...`. */
export function parseSuite(value: unknown, source: string): Suite {
  const parsed = SuiteSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const lines = formatZodIssues(parsed.error).map((line) => `${source}: ${line}`);
  throw new ConfigError(`Invalid suite:\n  ${lines.join('\n  ')}`);
}

/** Read and validate a suite YAML file. */
export async function loadSuite(path: string): Promise<Suite> {
  return parseSuite(await readYamlFile(path, 'suite'), path);
}
