// PromQL and LogQL text for the panels, from imported metric names only. The label scheme is
// documented in dashboards/README.md: service_id and slurm_job_id on every GPU and vLLM series (GPU
// series also carry via, the sink that delivered them),
// Slurm job logs in Loki as {job="slurm", slurm_job_id="<id>"}.
import { DataqueryBuilder as LokiQuery } from '@grafana/grafana-foundation-sdk/loki';
import { DataqueryBuilder as PromQuery, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { SINK_LABEL, SINK_NAMES } from '../common/metric-catalog.js';
import { LOKI, PROMETHEUS } from './variables.js';

/** Matchers that pick the selected service's series. */
export const SERVICE_MATCHER = 'service_id="$service_id"';
/** The Loki stream selector of the selected service's Slurm job log. */
export const JOB_LOG_SELECTOR = '{job="slurm", slurm_job_id="${job_id}"}';

/** `name{service_id="$service_id"}` */
export function forService(name: string): string {
  return `${name}{${SERVICE_MATCHER}}`;
}

/**
 * A telemetry series once, whichever sinks the agent sends through: the remote-write copy where
 * there is one (it has every sample), else the Pushgateway's. An agent with both sinks delivers
 * each GPU twice, told apart by SINK_LABEL; `or ignoring(via)` keeps one per label set.
 */
export function oneSink(name: string, matchers = ''): string {
  const m = matchers === '' ? '' : `${matchers}, `;
  const via = `${SINK_LABEL}="${SINK_NAMES.remoteWrite}"`;
  return `(${name}{${m}${via}} or ignoring(${SINK_LABEL}) ${name}{${m}${SINK_LABEL}!="${SINK_NAMES.remoteWrite}"})`;
}

/** Per-second rate of a counter over Grafana's rate interval. */
export function rate(selector: string): string {
  return `rate(${selector}[$__rate_interval])`;
}

/** A latency quantile from a vLLM histogram family, aggregated over the service's instances. */
export function histogramQuantile(quantile: number, family: string, matchers = SERVICE_MATCHER): string {
  return `histogram_quantile(${quantile}, sum by (le) (${rate(`${family}_bucket{${matchers}}`)}))`;
}

/** A Prometheus range query target. */
export function prom(refId: string, expr: string, legend: string): PromQuery {
  return new PromQuery().refId(refId).datasource(PROMETHEUS).expr(expr).legendFormat(legend).range();
}

/** A Prometheus instant query in table format (for table panels). */
export function promTable(refId: string, expr: string): PromQuery {
  return new PromQuery().refId(refId).datasource(PROMETHEUS).expr(expr).format(PromQueryFormat.Table).instant();
}

/** A Loki log query. */
export function loki(refId: string, expr: string): LokiQuery {
  return new LokiQuery().refId(refId).datasource(LOKI).expr(expr).queryType('range');
}
