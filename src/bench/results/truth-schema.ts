// The result document's server-truth sections (all optional, schema_version 1 unchanged):
// server_metrics (scraped from the server's /metrics over the measured window), ttft_breakdown,
// gpu (from Prometheus over the run window) and assertions (each one's outcome).
import { z } from 'zod';

const num = z.number().finite();
const count = z.number().int().nonnegative();

/** The histograms whose window increase the result records, by their short names. */
export const SERVER_HISTOGRAMS = ['ttft', 'queue_time', 'prefill_time', 'decode_time', 'e2e_latency'] as const;
/** Percentiles estimated from a histogram, each only when the observations support it. */
export const SERVER_PERCENTILES = [50, 90, 99] as const;

/** Gauges (mean, max over the scrapes) and counters (increase over the window). */
const SERVER_GAUGE_FIELDS = [
  'max_num_requests_running', 'mean_num_requests_running', 'max_num_requests_waiting', 'mean_num_requests_waiting',
  'max_kv_cache_usage_perc', 'mean_kv_cache_usage_perc',
] as const;
const SERVER_COUNTER_FIELDS = ['preemptions', 'prompt_tokens', 'generation_tokens', 'requests_succeeded', 'prefix_cache_queries', 'prefix_cache_hits'] as const;
const SERVER_RATE_FIELDS = ['generation_throughput', 'prompt_throughput', 'prefix_cache_hit_rate'] as const;

/** Every numeric field of server_metrics an assertion may name. */
export const SERVER_NUMERIC_FIELDS: readonly string[] = [
  'scrape_interval_s', 'samples', 'failed_scrapes', 'window_s',
  ...SERVER_GAUGE_FIELDS, ...SERVER_COUNTER_FIELDS, ...SERVER_RATE_FIELDS,
  ...SERVER_HISTOGRAMS.flatMap((h) => [`${h}_count`, `mean_${h}_ms`, ...SERVER_PERCENTILES.map((p) => `p${p}_${h}_ms`)]),
];

const SeriesSchema = z.strictObject({
  /** Seconds after the measured window began (negative: the baseline scrape just before it). */
  t_s: z.array(num),
  num_requests_running: z.array(num.nullable()),
  num_requests_waiting: z.array(num.nullable()),
  kv_cache_usage_perc: z.array(num.nullable()),
  /** Cumulative since the first point; null where the scrape lacked it. */
  preemptions: z.array(num.nullable()),
  generation_tokens: z.array(num.nullable()),
});

const ScrapedReplicaSchema = z.strictObject({
  id: z.string(),
  url: z.string(),
  /** This replica's scrapes inside the window. */
  samples: count,
  failed_scrapes: count.optional(),
});

/** What a run's scrapes of the server's /metrics said over its measured window. */
export interface ServerMetrics {
  /** False: the target has no usable /metrics (the reason says why); the run itself is unaffected. */
  available: boolean;
  unavailable_reason?: string;
  /** The /metrics URL, without credentials (one server; a group lists its replicas'). */
  url?: string;
  scrape_interval_s: number;
  /** Scrapes inside the window (the baseline just before it and the last one after it included). */
  samples: number;
  failed_scrapes?: number;
  /** The scrapes' errors (the first 5), for people. */
  scrape_errors?: string[];
  /** A service group: every replica scraped (the figures are the group's), and what each answered. */
  replicas?: Array<z.output<typeof ScrapedReplicaSchema>>;
  /** With --save-detailed: the compact time series of the window. */
  series?: z.output<typeof SeriesSchema>;
  /** The SERVER_NUMERIC_FIELDS that had a value. */
  [field: string]: unknown;
}

const serverShape: Record<string, z.ZodType> = {
  ...Object.fromEntries(SERVER_NUMERIC_FIELDS.map((f) => [f, num.optional()])),
  available: z.boolean(),
  unavailable_reason: z.string().optional(),
  url: z.string().optional(),
  scrape_interval_s: num.positive(),
  samples: count,
  failed_scrapes: count.optional(),
  scrape_errors: z.array(z.string()).max(5).optional(),
  replicas: z.array(ScrapedReplicaSchema).optional(),
  series: SeriesSchema.optional(),
};
export const ServerMetricsSchema = z.strictObject(serverShape) as unknown as z.ZodType<ServerMetrics>;

/** Client TTFT = server queue + server prefill + the rest (network, HTTP, client); means over the window, ms. */
export const TtftBreakdownSchema = z.strictObject({
  client_ttft_ms: num,
  queue_ms: num,
  prefill_ms: num,
  other_ms: num,
});
export type TtftBreakdown = z.output<typeof TtftBreakdownSchema>;

export const GPU_NUMERIC_FIELDS = [
  'gpus', 'mean_utilization', 'max_utilization', 'max_memory_used_bytes', 'mean_power_watts', 'energy_joules', 'energy_per_output_token_joules',
] as const;

/** GPUs of the service over the run window, from Prometheus (the telemetry agent's series). */
export const GpuFiguresSchema = z.strictObject({
  /** The Prometheus the figures came from (credential-free) and the series' slurm_job_id. */
  source: z.string(),
  slurm_job_id: z.string().optional(),
  gpus: count.optional(),
  /** 0-1, averaged over GPUs and the window; the max is the busiest GPU's highest sample. */
  mean_utilization: num.optional(),
  max_utilization: num.optional(),
  /** The highest memory use of any one GPU in the window. */
  max_memory_used_bytes: num.optional(),
  /** Summed over the GPUs, averaged over the window. */
  mean_power_watts: num.optional(),
  /** mean_power_watts x duration_s. */
  energy_joules: num.optional(),
  energy_per_output_token_joules: num.optional(),
  /** Why a figure is missing (no series for the job in the window, Prometheus unreachable). */
  note: z.string().optional(),
});
export type GpuFigures = z.output<typeof GpuFiguresSchema>;

export const AssertionOutcomeSchema = z.strictObject({
  /** The expression as written. */
  expr: z.string(),
  kind: z.enum(['field', 'promql', 'fail_on']),
  status: z.enum(['pass', 'fail', 'error']),
  /** The value the expression's left side (or its one field) had; absent when there was none. */
  observed: num.optional(),
  /** Every field the expression named, with its value (null: no value). */
  values: z.record(z.string(), num.nullable()).optional(),
  /** Why it failed or could not be evaluated. */
  reason: z.string().optional(),
});
export type AssertionOutcome = z.output<typeof AssertionOutcomeSchema>;
