// --push URL: a run's summary as gauges in prom-client's own Registry, pushed to a Pushgateway
// under job aibench_bench. Names carry units; latency quantiles are separate gauges (p99 -> _p99_).
import { Gauge, Pushgateway, Registry } from 'prom-client';
import { BenchError } from '../errors.js';
import type { ResultDocument } from './result-schema.js';

export const BENCH_PUSH_JOB = 'aibench_bench';
/** Grouping labels of every pushed group (Pushgateway grouping key besides job). */
export const BENCH_PUSH_LABELS = ['model', 'load', 'run_id'] as const;

const LATENCY_STATS = ['mean', 'median', 'p90', 'p95', 'p99'] as const;

/** Every metric name this module pushes, with the result field it comes from (for dashboards). */
export const BENCH_PUSH_METRICS: ReadonlyArray<{ name: string; field: string; help: string; scale: number }> = [
  { name: 'aibench_bench_completed_requests', field: 'completed', help: 'Requests completed in the measured phase', scale: 1 },
  { name: 'aibench_bench_failed_requests', field: 'failed', help: 'Requests failed in the measured phase', scale: 1 },
  { name: 'aibench_bench_duration_seconds', field: 'duration_s', help: 'Measured benchmark duration', scale: 1 },
  { name: 'aibench_bench_request_throughput_requests_per_second', field: 'request_throughput', help: 'Completed requests per second', scale: 1 },
  { name: 'aibench_bench_request_goodput_requests_per_second', field: 'request_goodput', help: 'Requests meeting every SLO per second', scale: 1 },
  { name: 'aibench_bench_output_throughput_tokens_per_second', field: 'output_throughput', help: 'Output tokens per second', scale: 1 },
  { name: 'aibench_bench_total_token_throughput_tokens_per_second', field: 'total_token_throughput', help: 'Input + output tokens per second', scale: 1 },
  ...(['ttft', 'tpot', 'itl', 'e2el'] as const).flatMap((metric) =>
    LATENCY_STATS.map((stat) => ({
      name: `aibench_bench_${metric}_${stat}_seconds`,
      field: `${stat}_${metric}_ms`,
      help: `${stat} ${metric.toUpperCase()}`,
      scale: 1e-3,
    })),
  ),
];

/** Build the registry of one run's summary gauges (absent values are not set, never 0). */
export function benchRegistry(doc: ResultDocument): Registry {
  const registry = new Registry();
  const source = doc as unknown as Record<string, unknown>;
  for (const metric of BENCH_PUSH_METRICS) {
    const value = metric.field === 'duration_s' ? doc.duration_s : source[metric.field];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    new Gauge({ name: metric.name, help: metric.help, registers: [registry] }).set(value * metric.scale);
  }
  return registry;
}

/** Grouping key for the URL path: a value with '/' (model ids, `.../max64` labels) goes base64url as `label@base64`, the Pushgateway's rule. */
export function pushGroupings(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    if (value.includes('/') || value === '') out[`${key}@base64`] = Buffer.from(value).toString('base64url') || '=';
    else out[key] = value;
  }
  return out;
}

/** Push one run's summary; BenchError (never the URL's credentials) when the gateway refuses. */
export async function pushBenchResult(url: string, doc: ResultDocument, runId: string): Promise<void> {
  const registry = benchRegistry(doc);
  const gateway = new Pushgateway(url, { timeout: 10_000 }, registry);
  const groupings = pushGroupings({ model: doc.config.target.model, load: doc.label ?? 'run', run_id: runId });
  try {
    await gateway.push({ jobName: BENCH_PUSH_JOB, groupings });
  } catch (error) {
    const safe = url.replace(/\/\/[^@/]*@/, '//');
    throw new BenchError(`Pushing results to ${safe} failed: ${(error as Error).message}`, { cause: error, hint: 'the result file and table are still valid' });
  }
}
