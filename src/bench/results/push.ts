// --push URL: a run's summary as gauges in prom-client's own Registry, PUT to a Pushgateway
// under job aibench_bench. Names carry units; latency quantiles are separate gauges (p99 -> _p99_).
// The grouping key is encoded by src/telemetry/grouping.ts, the one encoder of grouping keys.
import { Gauge, Registry } from 'prom-client';
import { BenchError, errorMessage } from '../../errors.js';
import { httpRequest, safeUrl, withUrlCredentials } from '../../exec/http.js';
import { groupingPath } from '../../telemetry/grouping.js';
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

/** The grouping labels of one run, in path order (BENCH_PUSH_LABELS). */
export function benchGroupingLabels(doc: ResultDocument, runId: string): [string, string][] {
  return [['model', doc.config.target.model], ['load', doc.label ?? 'run'], ['run_id', runId]];
}

/** `/metrics/job/aibench_bench/model/<m>/load/<l>/run_id/<id>`, values with `/` base64url-encoded. */
export function benchGroupingPath(labels: ReadonlyArray<readonly [string, string]> | Record<string, string>): string {
  return groupingPath(BENCH_PUSH_JOB, labels);
}

// PUT (replace the group) or DELETE `<base><path>`; user:password@ in the base URL becomes Basic auth.
async function gatewayCall(baseUrl: string, path: string, method: 'PUT' | 'DELETE', registry?: Registry): Promise<void> {
  const credentials = withUrlCredentials(baseUrl);
  const url = new URL(credentials.url);
  // Concatenate: a gateway behind a path prefix (https://host/pushgateway) keeps its prefix.
  const target = `${url.origin}${url.pathname.replace(/\/+$/, '')}${path}`;
  const headers: Record<string, string> = { ...credentials.headers, ...(registry ? { 'content-type': registry.contentType } : {}) };
  await httpRequest(target, {
    method, headers, ...(registry ? { body: await registry.metrics() } : {}),
    timeoutMs: 10_000, expectStatus: '2xx',
  });
}

/** Push one run's summary; BenchError (never the URL's credentials) when the gateway refuses. */
export async function pushBenchResult(url: string, doc: ResultDocument, runId: string): Promise<void> {
  try {
    await gatewayCall(url, benchGroupingPath(benchGroupingLabels(doc, runId)), 'PUT', benchRegistry(doc));
  } catch (error) {
    throw new BenchError(`Pushing results to ${safeUrl(url)} failed: ${errorMessage(error)}`, { cause: error, hint: 'the result file and table are still valid' });
  }
}

/** Delete one run's pushed group (tests, clean-up scripts). */
export async function deleteBenchResult(url: string, labels: ReadonlyArray<readonly [string, string]> | Record<string, string>): Promise<void> {
  await gatewayCall(url, benchGroupingPath(labels), 'DELETE');
}
