// The one benchmark specification: everything a run is, with every default applied, versioned
// and serialisable. Profiles, flags, API bodies and suite cells all become one of these (see
// build-spec.ts); the runner, the result's config and a cluster client job all read it.
import { z } from 'zod';
import { formatZodIssues, PARSE_ONCE } from '../../config/zod-error.js';
import { UsageError } from '../../errors.js';
import { SimProfileSchema } from '../../sim/embedded-profile.js';
import { LIMITS } from './limits.js';
import { hasUrlCredentials } from '../../common/url-credentials.js';

export const BENCH_SPEC_VERSION = 1;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** An http(s) URL without user:password@ (credentials go in an API key file). */
export const EndpointUrlSchema = z
  .url({ protocol: /^https?$/ })
  .refine((u) => !hasUrlCredentials(u), { message: 'expected a URL without credentials' });

const burstiness = z.number().positive().finite().default(1);
const cap = int(1, LIMITS.concurrency).optional();
const rateValue = z.number().positive().max(LIMITS.rate);

/**
 * Closed loop at a fixed concurrency; open loop at a rate with gamma gaps (burstiness 1 = Poisson);
 * a rate ramping from start to end over the duration (or the request count); a trace's own arrival
 * times, scaled; one batch job through the files + batches API.
 */
export const LoadPatternSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('concurrency'), concurrency: int(1, LIMITS.concurrency) }),
  z.strictObject({ kind: z.literal('rate'), rate: z.union([rateValue, z.literal('inf')]), burstiness, max_concurrency: cap }),
  z.strictObject({
    kind: z.literal('ramp'), shape: z.enum(['linear', 'exponential']), start_rate: rateValue, end_rate: rateValue, burstiness, max_concurrency: cap,
  }),
  /** Send times = trace time x time_scale (0.5 replays twice as fast). */
  z.strictObject({ kind: z.literal('trace'), time_scale: z.number().positive().max(LIMITS.timeScale), max_concurrency: cap }),
  z.strictObject({ kind: z.literal('batch'), poll_interval_s: z.number().positive().max(3600) }),
]);
export type LoadPattern = z.output<typeof LoadPatternSchema>;

/**
 * Prompts: random token-length prompts, shared prefixes plus unique suffixes, a ShareGPT JSON file,
 * JSONL prompts, multi-turn conversations (ShareGPT or JSONL messages), or a trace (its lengths and arrival times).
 */
const DatasetSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('random'),
    input_len: int(1, LIMITS.inputLen),
    output_len: int(1, LIMITS.outputLen),
    range_ratio: z.number().min(0).lt(1),
  }),
  z.strictObject({ kind: z.literal('sharegpt'), path: z.string().min(1), output_len: int(1, LIMITS.outputLen).optional() }),
  z.strictObject({ kind: z.literal('jsonl'), path: z.string().min(1), output_len: int(1, LIMITS.outputLen) }),
  /** num_prefixes prompts of prefix_len tokens; each request is one of them plus a unique suffix up to input_len. */
  z.strictObject({
    kind: z.literal('prefix'), prefix_len: int(1, LIMITS.inputLen), num_prefixes: int(1, LIMITS.numPrefixes),
    input_len: int(2, LIMITS.inputLen), output_len: int(1, LIMITS.outputLen),
  }),
  /** Each conversation is a session: its user turns in order, the model's replies carried as history. */
  z.strictObject({
    kind: z.literal('conversation'), format: z.enum(['sharegpt', 'jsonl']), path: z.string().min(1),
    output_len: int(1, LIMITS.outputLen).optional(),
    /** Mean pause between a reply and the next turn (exponential, seeded); 0 = none. */
    think_time_ms: z.number().min(0).max(LIMITS.thinkTimeMs),
    max_turns: int(1, LIMITS.maxTurns).optional(),
  }),
  /** A production trace streamed from its file; mooncake hash ids are blocks of block_size tokens. */
  z.strictObject({ kind: z.literal('trace'), format: z.enum(['mooncake', 'azure', 'jsonl']), path: z.string().min(1), block_size: int(1, 65_536) }),
]);
export type DatasetSpec = z.output<typeof DatasetSpecSchema>;

/** SLOs for goodput, in milliseconds (inclusive); a request is good when it meets each one given. */
export const SloSchema = z.strictObject({
  ttft_ms: z.number().positive().finite().optional(),
  tpot_ms: z.number().positive().finite().optional(),
  e2el_ms: z.number().positive().finite().optional(),
});

/**
 * `bench search`: the highest rate (or concurrency) in [lo, hi] whose run meets every SLO, found by
 * an exponential probe from lo, then bisection until the bracket is within precision_pct.
 */
export const SearchSpecSchema = z.strictObject({
  over: z.enum(['rate', 'concurrency']),
  lo: z.number().positive().max(LIMITS.rate),
  hi: z.number().positive().max(LIMITS.rate),
  /** Conditions each step's result must meet, e.g. `p99_ttft_ms<=500` (the fail_on grammar, read as "must hold"). */
  slo: z.array(z.string().min(1)).min(1),
  precision_pct: z.number().gt(0).lt(100),
  max_steps: int(1, LIMITS.searchSteps),
});
export type SearchSpec = z.output<typeof SearchSpecSchema>;

const StopSpecSchema = z
  .strictObject({
    /** Stop starting requests this many seconds after the measured phase began. */
    duration_s: z.number().min(0.001).max(7 * 24 * 3600).optional(),
    /** Stop after this many measured requests were started. */
    num_requests: int(1, LIMITS.numRequests).optional(),
    /** In-flight requests at the deadline: finish (within the grace) or are cut at once. */
    on_deadline: z.enum(['finish', 'cut']),
    /** How long `finish` waits after the deadline before cutting what is still running. */
    deadline_grace_s: z.number().min(0).max(LIMITS.deadlineGraceS),
    /** A trace replays to its end when neither a duration nor a count stops it first. */
    until_end: z.literal(true).optional(),
  })
  .refine((s) => s.duration_s !== undefined || s.num_requests !== undefined || s.until_end === true, { message: 'expected duration_s or num_requests (or both)' });

/** Where the load comes from: this process, or Slurm work inside the cluster next to the server. */
const ClientSpecSchema = z.strictObject({
  placement: z.enum(['local', 'cluster']),
  /** Client processes (Slurm tasks) that split the load. */
  tasks: int(1, LIMITS.clientTasks),
  /** Nodes the tasks spread over (srun --nodes); absent: Slurm decides. */
  nodes: int(1, LIMITS.clientTasks).optional(),
  /** Worker threads per client process that split its share. */
  workers: int(1, LIMITS.workers),
  /** A model id or a tokenizer.json path used instead of the served model's own tokenizer. */
  tokenizer: z.string().min(1).max(4096).optional(),
});

const BenchSpecSchema = z.strictObject({
  spec_version: z.literal(BENCH_SPEC_VERSION),
  target: z.strictObject({
    /** The server; absent: a service (`service`) or the embedded simulator (`sim`). */
    url: EndpointUrlSchema.optional(),
    service: z.string().min(1).max(64).optional(),
    /** A 0600 file holding the API key, as the client process sees it (a cluster client reads the service's key file). */
    api_key_file: z.string().min(1).max(4096).optional(),
    /** Default: the service's model, else the first id of /v1/models. */
    model: z.string().min(1).max(1024).optional(),
      /** The endpoint requests go to; a batch load's items go to it through the files + batches API. */
    api: z.enum(['completions', 'chat']),
    /** A replica group's servers (as this client reaches them): requests are spread over them, each record names its replica. */
    replicas: z.array(z.strictObject({ id: z.string().min(1).max(64), url: EndpointUrlSchema })).min(1).max(64).optional(),
    /** How requests are spread over replicas (default round-robin). */
    balance: z.enum(['round-robin', 'least-outstanding']).optional(),
  }),
  /** The embedded simulator's settings (no url, no service). */
  sim: SimProfileSchema.optional(),
  dataset: DatasetSpecSchema,
  /** Seeds prompts and arrivals. */
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** One load level, or several run in order (a sweep). */
  loads: z.array(LoadPatternSchema).min(1).max(LIMITS.sweepSteps),
  stop: StopSpecSchema,
  /** Requests sent first and excluded from every statistic. */
  warmup: int(0, LIMITS.warmup),
  slo: SloSchema.optional(),
  /** Always holds 90, 95 and 99, plus what was asked and what a gate names. */
  percentiles: z.array(z.number().min(0).max(100)).min(1),
  /** Gates on result fields, e.g. `p99_ttft_ms>500`; a breach is exit 3. */
  fail_on: z.array(z.string().min(1)),
  /** Assertions over result fields (server_metrics.*, ttft_breakdown.*, gpu.* included); failed: exit 3, unevaluable: exit 1. */
  assert: z.array(z.string().min(1)).optional(),
  /** `QUERY OP NUMBER` evaluated against prometheus_url over the run window. */
  assert_promql: z.array(z.string().min(1)).optional(),
  /** Where PromQL assertions and the GPU figures are read (the config's monitoring.prometheus_url by default). */
  prometheus_url: EndpointUrlSchema.optional(),
  /** Seconds between scrapes of the server's /metrics during the measured phase; 0: no scraping (absent: 1). */
  scrape_interval_s: z.number().min(0).max(LIMITS.scrapeIntervalS).optional(),
  save_detailed: z.boolean(),
  /** Repetitions of the whole workload. */
  repeat: int(1, 1000),
  client: ClientSpecSchema,
  /** Tags recorded in the result as they are (a git sha, a build id). */
  metadata: z.record(z.string(), z.string()).optional(),
  /** `bench search`: loads[0] is the template each step's level replaces; stop is one step's. */
  search: SearchSpecSchema.optional(),
});
export type BenchSpec = z.output<typeof BenchSpecSchema>;

/** Read a spec another process wrote (a cluster client job); refuses a newer version by name. */
export function parseBenchSpec(value: unknown, source = 'spec'): BenchSpec {
  const version = (value as { spec_version?: unknown } | null)?.spec_version;
  if (typeof version === 'number' && version > BENCH_SPEC_VERSION) {
    throw new UsageError(`${source}: spec_version ${version} is newer than this aibench understands (${BENCH_SPEC_VERSION})`, {
      hint: 'Run the same aibench version on both sides (clusters.<name>.aibench_command).',
    });
  }
  const parsed = BenchSpecSchema.safeParse(value, { ...PARSE_ONCE, reportInput: true });
  if (parsed.success) return parsed.data;
  throw new UsageError(`${source}: not a valid benchmark spec (spec_version ${BENCH_SPEC_VERSION}):\n  ${formatZodIssues(parsed.error).join('\n  ')}`);
}
