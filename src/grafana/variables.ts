// Template variables shared by every dashboard: datasources, service_id, job_id (derived from the
// service), and the control API constants the forms post to. Names here are the contract with README.md.
import {
  ConstantVariableBuilder, DatasourceVariableBuilder, QueryVariableBuilder, VariableRefresh, VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { VLLM_METRICS } from '../common/metric-catalog.js';

export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: '${prometheus}' };
export const LOKI: DataSourceRef = { type: 'loki', uid: '${loki}' };

/** The series whose labels define "a service": every scraped vLLM endpoint carries service_id and slurm_job_id. */
const SERVICE_SERIES = VLLM_METRICS.running;
const SERVICE_ID_QUERY = `label_values(${SERVICE_SERIES}, service_id)`;
const JOB_ID_QUERY = `label_values(${SERVICE_SERIES}{service_id="$service_id"}, slurm_job_id)`;

/** Default control API address (`aibench api serve`'s default listen address). */
const DEFAULT_CONTROL_API_URL = 'http://127.0.0.1:8787';

function datasource(name: string, type: string, label: string): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(name).label(label).type(type).current({ text: 'default', value: 'default' });
}

function promQuery(name: string, label: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query({ query, refId: `${name}-variable` })
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/** prometheus, loki, service_id, job_id: on every dashboard. */
export function commonVariables(): Array<DatasourceVariableBuilder | QueryVariableBuilder> {
  return [
    datasource('prometheus', 'prometheus', 'Prometheus'),
    datasource('loki', 'loki', 'Loki'),
    promQuery('service_id', 'Service', SERVICE_ID_QUERY),
    promQuery('job_id', 'Slurm job', JOB_ID_QUERY),
  ];
}

/** A multi-select Prometheus label variable whose "All" is the regex `.*` (for `=~` matchers). */
export function multiLabelVariable(name: string, label: string, query: string): QueryVariableBuilder {
  return promQuery(name, label, query).multi(true).includeAll(true).allValue('.*').current({ text: 'All', value: '$__all' });
}

/** Hidden constants for the forms: the control API base URL and its bearer token (the site sets both). */
export function controlApiVariables(): ConstantVariableBuilder[] {
  return [
    new ConstantVariableBuilder('control_api_url').label('Control API URL').value(DEFAULT_CONTROL_API_URL)
      .description('Base URL of `aibench api serve`, as the browser reaches it'),
    new ConstantVariableBuilder('control_api_token').label('Control API token').value('')
      .description('Bearer token of `aibench api serve` (visible to every viewer of this dashboard)'),
  ];
}

