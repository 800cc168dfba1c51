// administration.json: the services (state and endpoints from Prometheus) and the forms that start
// services and benchmarks and cancel services through the control API.
import { MappingType, type DashboardBuilder, type ValueMap } from '@grafana/grafana-foundation-sdk/dashboard';
import { GPU_METRICS, VLLM_METRICS } from '../common/metric-catalog.js';
import { baseDashboard } from './dashboard-base.js';
import { cancelServiceForm, startBenchmarkForm, startServiceForm } from './forms.js';
import { placePanels } from './layout.js';
import { jobLogs, stat, table, timeseries } from './panels.js';
import { oneSink, prom, promTable } from './queries.js';
import { controlApiVariables } from './variables.js';

const ADMINISTRATION_UID = 'aibench-administration';
/** Every scraped service endpoint: Prometheus' own `up`, restricted to targets that carry a service_id. */
const SERVICE_TARGETS = 'up{service_id!=""}';

const STATE_MAPPING: ValueMap = { type: MappingType.ValueToText, options: { '0': { text: 'DOWN', color: 'red' }, '1': { text: 'UP', color: 'green' } } };

function servicesTable(): ReturnType<typeof table> {
  // model, cluster and group are the file_sd target's labels: which model is loaded where, and in which replica group.
  const byService = 'service_id, group, model, cluster, slurm_job_id, instance';
  const targets = [
    promTable('A', `max by (${byService}) (${SERVICE_TARGETS})`),
    promTable('B', `sum by (${byService}) (${VLLM_METRICS.running})`),
    promTable('C', `sum by (${byService}) (${VLLM_METRICS.waiting})`),
    promTable('D', `avg by (service_id) (${oneSink(GPU_METRICS.utilization.name)})`),
  ];
  const transformations = [
    { id: 'merge', options: {} },
    {
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        renameByName: { instance: 'endpoint', slurm_job_id: 'job', 'Value #A': 'state', 'Value #B': 'running', 'Value #C': 'waiting', 'Value #D': 'GPU util' },
      },
    },
  ];
  return table('Services', targets, transformations)
    .description('Services whose endpoint Prometheus scrapes (file_sd targets with service_id, slurm_job_id, model, cluster and a replica group): which model is loaded where; state: 1 = up')
    .overrideByName('state', [{ id: 'mappings', value: [STATE_MAPPING] }]);
}

/** The administration dashboard. */
export function administrationDashboard(): DashboardBuilder {
  const dashboard = baseDashboard(ADMINISTRATION_UID, 'aibench / Administration', 'Services, their state and endpoints; start services and benchmarks, cancel services');
  for (const variable of controlApiVariables()) dashboard.withVariable(variable);
  placePanels(dashboard, [
    { panel: stat('Services up', 'short', [prom('A', `count(${SERVICE_TARGETS} == 1)`, 'up')]), w: 4, h: 8 },
    { panel: servicesTable(), w: 20, h: 8 },
    { panel: startServiceForm(), w: 8, h: 14 },
    { panel: startBenchmarkForm(), w: 8, h: 14 },
    { panel: cancelServiceForm(), w: 8, h: 14 },
    { panel: timeseries('Requests running per service', 'short', [prom('A', `sum by (service_id) (${VLLM_METRICS.running})`, '{{service_id}}')]), w: 12, h: 8 },
    { panel: timeseries('GPU utilisation per service', 'percentunit', [prom('A', `avg by (service_id) (${oneSink(GPU_METRICS.utilization.name)})`, '{{service_id}}')]), w: 12, h: 8 },
    { panel: jobLogs('Slurm job log of the selected service'), w: 24, h: 10 },
  ]);
  return dashboard;
}
