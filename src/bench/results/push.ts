// --push URL: a run's summary as gauges in prom-client's own Registry, PUT to a Pushgateway
// under job aibench_bench. Names carry units; latency quantiles are separate gauges (p99 -> _p99_).
// The grouping key is encoded by src/telemetry/grouping.ts, the one encoder of grouping keys.
import { Gauge, Registry } from 'prom-client';
import { BENCH_PUSH_JOB, BENCH_PUSH_METRICS } from '../../common/metric-catalog.js';
import { BenchError, errorMessage } from '../../errors.js';
import { httpRequest, safeUrl, withUrlCredentials } from '../../exec/http.js';
import { groupingPath } from '../../telemetry/grouping.js';
import { valueAt } from './assertions-eval.js';
import type { ResultDocument } from './result-schema.js';

/** Build the registry of one run's summary gauges (absent values are not set, never 0). */
function benchRegistry(doc: ResultDocument): Registry {
  const registry = new Registry();
  for (const metric of BENCH_PUSH_METRICS) {
    const value = valueAt(doc, metric.field);
    if (value === undefined) continue;
    new Gauge({ name: metric.name, help: metric.help, registers: [registry] }).set(value * metric.scale);
  }
  return registry;
}

/** The grouping labels of one run, in path order (model, load, run_id). */
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
