// Every metric name a dashboard may use: what this project emits (the one metric catalogue:
// telemetry agent, the simulator's vLLM names, bench push), plus a short documented list of external names.
import { BENCH_PUSH_METRICS, TELEMETRY_METRIC_NAMES, VLLM_METRIC_NAMES } from '../common/metric-catalog.js';

/** Names Prometheus itself produces (documented in dashboards/README.md); nothing else is allowed from outside. */
const EXTERNAL_METRICS: Readonly<Record<string, string>> = {
  up: 'Prometheus: 1 when the last scrape of a target (a service endpoint) succeeded',
};

/** Metric name -> who emits it. */
export function knownMetrics(): Map<string, string> {
  const known = new Map<string, string>();
  for (const name of TELEMETRY_METRIC_NAMES) known.set(name, 'telemetry agent');
  for (const name of VLLM_METRIC_NAMES) known.set(name, 'vLLM (simulator /metrics)');
  for (const metric of BENCH_PUSH_METRICS) known.set(metric.name, 'bench push');
  for (const name of Object.keys(EXTERNAL_METRICS)) known.set(name, 'external (Prometheus)');
  return known;
}

/** The pushed bench gauge for a result field (e.g. `p99_ttft_ms`); throws at build time if bench stops pushing it. */
export function benchMetric(field: string): string {
  const metric = BENCH_PUSH_METRICS.find((m) => m.field === field);
  if (metric === undefined) throw new Error(`Expected bench push to export a gauge for result field ${field}, got none`);
  return metric.name;
}
