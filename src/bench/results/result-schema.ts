// The versioned result document (schema_version 1) of one run and of a sweep. Field names of the
// metrics match vLLM's result JSON so existing plotting scripts read them. Strict where files are read back.
import { z } from 'zod';
import { formatZodIssues } from '../../config/zod-error.js';
import { UsageError } from '../../errors.js';
import {
  COUNT_FIELDS, LATENCY_METRICS, LATENCY_STATS, PERCENTILE_FIELD, STREAM_FIELDS, THROUGHPUT_FIELDS,
  type MetricFields, type PercentileField,
} from './result-fields.js';
import type { Slo } from '../engine/types.js';
import { LoadPatternSchema, SearchSpecSchema, SloSchema } from '../spec/bench-spec.js';
import { hasUrlCredentials } from '../../common/url-credentials.js';
import { AssertionOutcomeSchema, GpuFiguresSchema, ServerMetricsSchema, TtftBreakdownSchema } from './truth-schema.js';
import { BatchBlockSchema, MultiTurnBlockSchema } from './workload-blocks.js';

export { toResultFields, toRequestDetail, toVllmDetailArrays, isMetricField, percentileField, type MetricFields } from './result-fields.js';

const RESULT_SCHEMA_VERSION = 1;

const nonNegInt = z.number().int().nonnegative();
const posInt = z.number().int().positive();
const ms = z.number().finite();

/**
 * An array of numbers each passing `valid`, checked in one plain loop. zod's per-element checks
 * cost about 150 ns a number, and a 100k-request detailed result holds millions of them (every ITL
 * gap, twice: in requests[] and in vLLM's itls). The issue names the first bad element's index,
 * as an element schema would.
 */
function numberArray(valid: (value: unknown) => boolean, expected: string) {
  return z.custom<number[]>((value) => Array.isArray(value), { message: `expected an array of ${expected}s` }).superRefine((values, ctx) => {
    for (let i = 0; i < values.length; i++) {
      if (!valid(values[i])) {
        ctx.addIssue({ code: 'custom', path: [i], message: `expected a ${expected}, got ${JSON.stringify(values[i]) ?? String(values[i])}`, input: values[i] });
        return;
      }
    }
  });
}
const isFiniteNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const msArray = numberArray(isFiniteNumber, 'finite number');
const nonNegIntArray = numberArray((v) => Number.isInteger(v) && (v as number) >= 0, 'non-negative integer');

const TargetSchema = z.strictObject({
  url: z.url().refine((u) => !hasUrlCredentials(u), { message: 'expected a URL without credentials' }),
  model: z.string().min(1),
  api: z.enum(['completions', 'chat']),
  /** How requests were spread over a service group's replicas, when that was asked for. */
  balance: z.enum(['round-robin', 'least-outstanding']).optional(),
});

export { LoadPatternSchema };

const StopSchema = z
  .strictObject({
    duration_s: z.number().positive().finite().optional(),
    num_requests: posInt.optional(),
    on_deadline: z.enum(['finish', 'cut']).default('finish'),
    /** How long in-flight requests could run on after the deadline (on_deadline finish). */
    deadline_grace_s: z.number().nonnegative().finite().optional(),
    /** A trace replayed to its end (no count or duration stopped it). */
    until_end: z.literal(true).optional(),
  })
  .superRefine((stop, ctx) => {
    if (stop.duration_s === undefined && stop.num_requests === undefined && stop.until_end !== true) {
      ctx.addIssue({ code: 'custom', message: 'expected duration_s or num_requests (or both)', path: [] });
    }
  });

const DatasetSchema = z
  .strictObject({
    kind: z.enum(['random', 'sharegpt', 'jsonl', 'prefix', 'conversation', 'trace']),
    input_len: posInt.optional(),
    output_len: posInt.optional(),
    range_ratio: z.number().min(0).lt(1).default(0),
    seed: z.number().int(),
    path: z.string().min(1).optional(),
    /** prefix: shared prefix tokens and how many distinct prefixes. */
    prefix_len: posInt.optional(),
    num_prefixes: posInt.optional(),
    /** conversation (sharegpt, jsonl) or trace (mooncake, azure, jsonl) file format. */
    format: z.enum(['sharegpt', 'jsonl', 'mooncake', 'azure']).optional(),
    think_time_ms: z.number().nonnegative().finite().optional(),
    max_turns: posInt.optional(),
    /** trace: tokens per Mooncake hash id. */
    block_size: posInt.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.kind === 'random' || d.kind === 'prefix') {
      if (d.input_len === undefined) ctx.addIssue({ code: 'custom', message: `expected input_len for a ${d.kind} dataset`, path: ['input_len'] });
      if (d.output_len === undefined) ctx.addIssue({ code: 'custom', message: `expected output_len for a ${d.kind} dataset`, path: ['output_len'] });
      if (d.kind === 'prefix' && d.prefix_len === undefined) ctx.addIssue({ code: 'custom', message: 'expected prefix_len for a prefix dataset', path: ['prefix_len'] });
    } else if (d.path === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected path for a ${d.kind} dataset`, path: ['path'] });
    }
  });

/** SLOs for goodput in the document (snake_case); see sloToConfig. */
const SloConfigSchema = SloSchema;

export const RunConfigSchema = z.strictObject({
  target: TargetSchema,
  load: LoadPatternSchema,
  stop: StopSchema,
  dataset: DatasetSchema,
  warmup: z.strictObject({ num_requests: nonNegInt.default(0) }).default({ num_requests: 0 }),
  slo: SloConfigSchema.optional(),
  percentiles: z.array(z.number().min(0).max(100)).min(1),
});
export type RunConfig = z.output<typeof RunConfigSchema>;

const RequestDetailSchema = z.strictObject({
  index: nonNegInt,
  success: z.boolean(),
  status: z.number().int().optional(),
  error: z.string().optional(),
  prompt_tokens: nonNegInt,
  output_tokens: nonNegInt,
  output_tokens_source: z.enum(['usage', 'tokenizer', 'chunks']),
  expected_output_tokens: nonNegInt,
  send_lag_ms: ms,
  ttft_ms: ms.optional(),
  tpot_ms: ms.optional(),
  e2el_ms: ms,
  itl_ms: msArray,
  cut: z.boolean().optional(),
  cut_reason: z.enum(['deadline', 'grace', 'interrupted']).optional(),
  warmup: z.boolean().optional(),
  /** When it was sent, ms after the measured phase began (negative for warmup requests). */
  start_ms: ms.optional(),
  /** SSE events that were not JSON (their content is missing from the timings). */
  malformed_events: posInt.optional(),
  /** false: the stream ended without `data: [DONE]`. */
  done: z.boolean().optional(),
  /** The client task or worker that sent it, when there were several. */
  client: nonNegInt.optional(),
  /** Multi-turn: its session, turn (0-based) and the think time waited before it. */
  session: nonNegInt.optional(),
  turn: nonNegInt.optional(),
  think_ms: z.number().nonnegative().optional(),
});

const metricShape = {
  ...Object.fromEntries(COUNT_FIELDS.map((f) => [f, nonNegInt])),
  ...Object.fromEntries(STREAM_FIELDS.map((f) => [f, nonNegInt.optional()])),
  ...Object.fromEntries(THROUGHPUT_FIELDS.map((f) => [f, z.number().nonnegative().finite().optional()])),
  ...Object.fromEntries(LATENCY_METRICS.flatMap((m) => LATENCY_STATS.map((s) => [`${s}_${m}_ms`, ms.optional()]))),
} as Record<string, z.ZodType>;

const coreShape = {
  schema_version: z.literal(RESULT_SCHEMA_VERSION),
  kind: z.literal('run').default('run'),
  aibench_version: z.string().min(1),
  started_at: z.iso.datetime({ offset: true }),
  ended_at: z.iso.datetime({ offset: true }),
  /** Measured run duration in seconds: the denominator of every throughput. */
  duration_s: z.number().positive().finite(),
  /** Free-form label (sweep step, profile name). */
  label: z.string().optional(),
  /** `--metadata key=value` tags of the run (a git sha, a build id), as given. */
  metadata: z.record(z.string(), z.string()).optional(),
  // vLLM result-JSON fields with the same meaning, so plotting scripts written for
  // `vllm bench serve --save-result` read aibench results unchanged.
  /** vLLM's name for duration_s. */
  duration: z.number().positive().finite().optional(),
  /** vLLM's %Y%m%d-%H%M%S start stamp. */
  date: z.string().regex(/^\d{8}-\d{6}$/).optional(),
  /** openai (completions) or openai-chat, as vLLM's --backend names them. */
  backend: z.enum(['openai', 'openai-chat']).optional(),
  model_id: z.string().min(1).optional(),
  /** Requests per second, or "inf" for a closed loop / unpaced run (vLLM writes "inf"). */
  request_rate: z.union([z.number().positive().finite(), z.literal('inf')]).optional(),
  burstiness: z.number().positive().finite().optional(),
  /** The concurrency cap (closed-loop concurrency, or rate mode's max); null when uncapped, as vLLM writes None. */
  max_concurrency: posInt.nullable().optional(),
  config: RunConfigSchema,
  tokenizer: z.strictObject({
    kind: z.enum(['hf', 'fallback']),
    name: z.string().min(1),
    /** The tokenizer.json used (hf). */
    path: z.string().optional(),
    /** Why the model's own tokenizer was not used (fallback). */
    fallback_reason: z.string().optional(),
  }),
  provenance: z
    .strictObject({
      cluster: z.string().optional(),
      job_id: z.string().optional(),
      node: z.string().optional(),
      service_id: z.string().optional(),
      server_version: z.string().optional(),
      /** The exact arguments the service's server was started with (after the model). */
      vllm_args: z.array(z.string()).optional(),
      /** The service's VRAM estimate per GPU (src/models/vram.ts) and, when measured, its server's memory per GPU. */
      vram: z.strictObject({ estimate_bytes_per_gpu: z.number(), measured_bytes_per_gpu: z.array(z.number()).optional() }).optional(),
      /** The replicas of a service group the requests were spread over. */
      replicas: z.array(z.strictObject({ service_id: z.string(), job_id: z.string(), node: z.string().optional() })).optional(),
      /** GPUs of the service's node as nvidia-smi reported them there; absent when it could not be asked. */
      gpu: z
        .strictObject({
          name: z.string().min(1),
          count: posInt,
          memory_total_mib: z.number().positive().optional(),
          driver_version: z.string().optional(),
          cuda_version: z.string().optional(),
        })
        .optional(),
    })
    .default({}),
  /** Set when the run was stopped early (Ctrl-C, SIGTERM, a cancel): what it measured until then. */
  interrupted: z.strictObject({ reason: z.string().min(1), at: z.iso.datetime({ offset: true }) }).optional(),
  /** Why cut requests were cut: deadline (on_deadline cut), grace (still running when it ran out), interrupted. */
  cut_reasons: z.strictObject({ deadline: posInt.optional(), grace: posInt.optional(), interrupted: posInt.optional() }).optional(),
  /** Indexes of the requests still running when the deadline grace ran out (the first 1000). */
  cut_after_grace: z.array(nonNegInt).max(1000).optional(),
  client: z.strictObject({
    event_loop_delay_p99_ms: ms.nonnegative().optional(),
    event_loop_delay_max_ms: ms.nonnegative().optional(),
    send_lag_p99_ms: ms.optional(),
    send_lag_max_ms: ms.optional(),
    bottleneck_warning: z.string().optional(),
    /** Where the load came from: this process's host, or Slurm work inside the cluster. */
    placement: z.enum(['local', 'cluster']).optional(),
    /** How requests reached the server: directly, or through an SSH forward (latencies include it). */
    network_path: z.enum(['direct', 'ssh-forward']).optional(),
    network_warning: z.string().optional(),
    /** Client processes: Slurm tasks x worker processes each. */
    tasks: posInt.optional(),
    workers: posInt.optional(),
    /** Spread of the shares' measured-phase starts (they start together behind a barrier). */
    start_skew_ms: ms.nonnegative().optional(),
    /** Each client process's share: where it ran, what it sent, its own health, and whether it finished. */
    shares: z
      .array(z.strictObject({
        index: nonNegInt,
        node: z.string().optional(),
        requests: nonNegInt,
        event_loop_delay_p99_ms: ms.nonnegative().optional(),
        send_lag_p99_ms: ms.optional(),
        status: z.enum(['ok', 'died', 'interrupted']),
      }))
      .optional(),
    /** The Slurm work that ran the client: a step in the service's allocation or a job on a partition. */
    slurm: z
      .strictObject({
        placement: z.enum(['service-allocation', 'partition']),
        /** The service's job (the client's steps run in it with placement service-allocation). */
        job_id: z.string().min(1),
        /** The client's own job (placement partition). */
        client_job_id: z.string().min(1).optional(),
        step_name: z.string().optional(),
        /** True when the client tasks were placed with srun --overcommit (more tasks than the allocation's CPUs). */
        overcommit: z.boolean(),
      })
      .optional(),
  }),
  /** The server's own /metrics over the measured window (scrape_interval_s > 0 and a target that has them). */
  server_metrics: ServerMetricsSchema.optional(),
  /** Client mean TTFT = server queue + server prefill + the rest (network, HTTP, client). */
  ttft_breakdown: TtftBreakdownSchema.optional(),
  /** The service's GPUs over the run window, from Prometheus. */
  gpu: GpuFiguresSchema.optional(),
  /** Each gate's outcome (fail_on rules, --assert, --assert-promql). */
  assertions: z.array(AssertionOutcomeSchema).optional(),
  /** Error message -> count over the failed requests. */
  errors: z.record(z.string(), posInt).optional(),
  /** A service group's run cut per replica (`bench run --service GROUP`): the same fields as the whole, per replica. */
  replicas: z.array(z.strictObject({ id: z.string().min(1), stats: z.record(z.string(), z.number()) })).optional(),
  /** Multi-turn runs: sessions and TTFT by turn index (the headline metrics pool every turn, as vLLM's do). */
  multi_turn: MultiTurnBlockSchema.optional(),
  /** Batch runs (api batch): the job's queue wait, duration, items and token throughput. */
  batch: BatchBlockSchema.optional(),
  /** Per-request detail, only with --save-detailed. */
  requests: z.array(RequestDetailSchema).optional(),
  // vLLM's --save-detailed lists (seconds), only with --save-detailed; one entry per measured request.
  input_lens: nonNegIntArray.optional(),
  output_lens: nonNegIntArray.optional(),
  ttfts: msArray.optional(),
  itls: z.array(msArray).optional(),
};
const knownKeys = new Set([...Object.keys(coreShape), ...Object.keys(metricShape)]);

// Only for the inferred type of the non-metric part.
const CoreTypeSchema = z.strictObject(coreShape);
export type RequestDetailJson = z.output<typeof RequestDetailSchema>;
/** One run's result document, as parsed (defaults applied). */
export type ResultDocument = z.output<typeof CoreTypeSchema> & MetricFields;

/** A run's result document. Unknown keys are errors, except vLLM-style percentile fields (p99.9_ttft_ms). */
export const ResultDocumentSchema = z
  .looseObject({ ...coreShape, ...metricShape })
  // Runs even when other fields are invalid, so a typo'd key is always named.
  .superRefine(
    (doc, ctx) => {
      for (const [key, value] of Object.entries(doc)) {
        if (knownKeys.has(key)) continue;
        const match = PERCENTILE_FIELD.exec(key);
        if (match === null || Number(match[1]) > 100) {
          ctx.addIssue({ code: 'unrecognized_keys', keys: [key], path: [], message: `unknown key "${key}"`, input: doc });
        } else if (typeof value !== 'number' || !Number.isFinite(value)) {
          ctx.addIssue({ code: 'custom', message: 'expected a finite number', path: [key], input: value });
        }
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .superRefine((doc, ctx) => {
    if (Date.parse(doc.ended_at as string) < Date.parse(doc.started_at as string)) {
      ctx.addIssue({ code: 'custom', message: 'expected ended_at not before started_at', path: ['ended_at'], input: doc.ended_at });
    }
    if (doc.duration !== undefined && doc.duration !== doc.duration_s) {
      ctx.addIssue({ code: 'custom', message: `expected duration to equal duration_s (${doc.duration_s as number})`, path: ['duration'], input: doc.duration });
    }
    const counted = (doc.completed as number) + (doc.failed as number) + (doc.cut as number);
    if (counted !== doc.num_prompts) {
      ctx.addIssue({ code: 'custom', message: `expected completed + failed + cut (${counted})`, path: ['num_prompts'], input: doc.num_prompts });
    }
    const slo = (doc.config as RunConfig).slo;
    if (doc.request_goodput !== undefined && (slo === undefined || Object.keys(slo).length === 0)) {
      ctx.addIssue({ code: 'custom', message: 'expected request_goodput only with config.slo', path: ['request_goodput'], input: doc.request_goodput });
    }
  })
  .transform((doc) => doc as unknown as ResultDocument);

/** Several runs of one sweep (rates or concurrencies), in the order they ran. */
/** A headline metric over repetitions: mean and 95 % confidence interval (Student t). */
const MeanIntervalSchema = z.strictObject({
  n: posInt,
  mean: z.number().finite(),
  std: z.number().finite().nonnegative().optional(),
  low: z.number().finite().optional(),
  high: z.number().finite().optional(),
});

/**
 * Several runs in one document: a sweep's load levels in order, or (`kind: "repeat"`) the same
 * workload run `repeat` times (each repetition's levels in order) with the mean and 95 % CI of each
 * headline metric per load level.
 */
export const SweepDocumentSchema = z
  .strictObject({
    schema_version: z.literal(RESULT_SCHEMA_VERSION),
    kind: z.enum(['sweep', 'repeat']),
    aibench_version: z.string().min(1),
    started_at: z.iso.datetime({ offset: true }),
    ended_at: z.iso.datetime({ offset: true }),
    /** kind repeat: how many repetitions were asked for (fewer ran when it was interrupted). */
    repeat: posInt.optional(),
    /** kind repeat: per load level (by label), each headline metric over the repetitions. */
    summary: z.array(z.strictObject({ label: z.string(), metrics: z.record(z.string(), MeanIntervalSchema) })).optional(),
    runs: z.array(ResultDocumentSchema).min(1),
  })
  .superRefine((doc, ctx) => {
    if (doc.kind === 'repeat' && (doc.repeat === undefined || doc.summary === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected repeat and summary in a repeat document', path: ['repeat'] });
    }
  });
export type SweepDocument = z.output<typeof SweepDocumentSchema>;

/** One measured step of a search: its level, whether it met every SLO (and each SLO's value), and its run. */
const SearchStepSchema = z.strictObject({
  value: z.number().positive(),
  phase: z.enum(['probe', 'bisect']),
  passed: z.boolean(),
  slo: z.array(z.strictObject({ rule: z.string().min(1), value: z.number().optional(), met: z.boolean() })),
  run: ResultDocumentSchema,
});

/** `bench search`: the highest rate or concurrency meeting every SLO, its bracket, why it stopped, and every step's run. */
export const SearchDocumentSchema = z.strictObject({
  schema_version: z.literal(RESULT_SCHEMA_VERSION),
  kind: z.literal('search'),
  aibench_version: z.string().min(1),
  started_at: z.iso.datetime({ offset: true }),
  ended_at: z.iso.datetime({ offset: true }),
  search: SearchSpecSchema,
  /** The highest level that met every SLO; absent when none did. */
  answer: z.number().positive().optional(),
  /** The highest level that passed and the lowest that failed above it. */
  bracket: z.strictObject({ passed: z.number().positive().optional(), failed: z.number().positive().optional() }),
  /** converged (bracket within precision), max_steps, top_passes (HI met the SLOs), bottom_fails (LO did not), interrupted, failed. */
  stop_reason: z.enum(['converged', 'max_steps', 'top_passes', 'bottom_fails', 'interrupted', 'failed']),
  steps: z.array(SearchStepSchema).min(1),
});
export type SearchDocument = z.output<typeof SearchDocumentSchema>;

/** The runs a document holds: its own, a sweep's (or every repetition's) in order, or every step's of a search. */
export function runsOfDocument(doc: ResultDocument | SweepDocument | SearchDocument): ResultDocument[] {
  if (doc.kind === 'run') return [doc];
  if (doc.kind === 'search') return doc.steps.map((s) => s.run);
  return doc.runs;
}

/** Validate a parsed JSON value as a run, sweep, repeat or search document; UsageError listing every issue with its path. */
export function parseResultDocument(value: unknown, source = 'result'): ResultDocument | SweepDocument | SearchDocument {
  const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  const parsed = kind === 'sweep' || kind === 'repeat' ? SweepDocumentSchema.safeParse(value) : kind === 'search' ? SearchDocumentSchema.safeParse(value) : ResultDocumentSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = formatZodIssues(parsed.error);
  throw new UsageError(`${source}: not a valid aibench result (schema_version ${RESULT_SCHEMA_VERSION}):\n  ${lines.join('\n  ')}`);
}

/** The document's SLO block from an Slo; undefined when no bound is set. */
export function sloToConfig(slo: Slo | undefined): z.output<typeof SloConfigSchema> | undefined {
  if (slo === undefined) return undefined;
  const out: z.output<typeof SloConfigSchema> = {};
  if (slo.ttftMs !== undefined) out.ttft_ms = slo.ttftMs;
  if (slo.tpotMs !== undefined) out.tpot_ms = slo.tpotMs;
  if (slo.e2elMs !== undefined) out.e2el_ms = slo.e2elMs;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The Slo of a document's SLO block. */
export function sloFromConfig(slo: z.output<typeof SloConfigSchema> | undefined): Slo | undefined {
  if (slo === undefined) return undefined;
  return { ttftMs: slo.ttft_ms, tpotMs: slo.tpot_ms, e2elMs: slo.e2el_ms };
}

export type { PercentileField };
