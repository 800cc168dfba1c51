// benchmark.json: results pushed by `bench run --push` (job aibench_bench, labels model, load, run_id),
// throughput and latency percentiles over time, filtered by model and load.
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { baseDashboard } from './dashboard-base.js';
import { benchMetric } from './known-metrics.js';
import { placePanels, type Cell } from './layout.js';
import { table, timeseries } from './panels.js';
import { prom, promTable } from './queries.js';
import { multiLabelVariable } from './variables.js';

const BENCHMARK_UID = 'aibench-benchmark';
const FILTER = 'model=~"$model", load=~"$load"';
const LEGEND = '{{model}} · {{load}} · {{run_id}}';
const STATS = ['median', 'p90', 'p99'] as const;

const selector = (field: string): string => `${benchMetric(field)}{${FILTER}}`;

function throughput(title: string, unit: string, field: string): Cell {
  return { panel: timeseries(title, unit, [prom('A', selector(field), LEGEND)]), w: 8, h: 8 };
}

function latency(title: string, metric: 'ttft' | 'tpot' | 'itl' | 'e2el'): Cell {
  const targets = STATS.map((stat, i) => prom(String.fromCharCode(65 + i), selector(`${stat}_${metric}_ms`), `${stat} ${LEGEND}`));
  return { panel: timeseries(title, 's', targets), w: 12, h: 8 };
}

/** Several result fields of each run on one panel (server vs client, the breakdown's parts). */
function fields(title: string, unit: string, list: ReadonlyArray<readonly [string, string]>): Cell {
  return { panel: timeseries(title, unit, list.map(([field, name], i) => prom(String.fromCharCode(65 + i), selector(field), `${name} ${LEGEND}`))), w: 12, h: 8 };
}

/** Latest value per run as one table row. */
function latestRuns(): Cell {
  const fields = ['request_throughput', 'output_throughput', 'p99_ttft_ms', 'p99_tpot_ms', 'p99_e2el_ms', 'completed', 'failed'];
  const targets = fields.map((field, i) => promTable(String.fromCharCode(65 + i), `max by (model, load, run_id) (${selector(field)})`));
  const transformations = [
    { id: 'merge', options: {} },
    { id: 'organize', options: { excludeByName: { Time: true }, renameByName: Object.fromEntries(fields.map((f, i) => [`Value #${String.fromCharCode(65 + i)}`, f])) } },
  ];
  return { panel: table('Latest runs', targets, transformations), w: 24, h: 8 };
}

/** The benchmark results dashboard. */
export function benchmarkDashboard(): DashboardBuilder {
  const dashboard = baseDashboard(BENCHMARK_UID, 'aibench / Benchmarks', 'Results pushed by `aibench bench run --push` and suites, by model and load');
  const anyResult = benchMetric('request_throughput');
  dashboard
    .withVariable(multiLabelVariable('model', 'Model', `label_values(${anyResult}, model)`))
    .withVariable(multiLabelVariable('load', 'Load', `label_values(${anyResult}{model=~"$model"}, load)`));
  placePanels(dashboard, [
    throughput('Request throughput', 'reqps', 'request_throughput'),
    throughput('Output token throughput', 'short', 'output_throughput'),
    throughput('Total token throughput', 'short', 'total_token_throughput'),
    latency('Time to first token', 'ttft'),
    latency('Time per output token', 'tpot'),
    latency('Inter-token latency', 'itl'),
    latency('End-to-end latency', 'e2el'),
    throughput('Goodput', 'reqps', 'request_goodput'),
    throughput('Completed requests', 'short', 'completed'),
    throughput('Failed requests', 'short', 'failed'),
    fields('Server vs client TTFT (mean)', 's', [['mean_ttft_ms', 'client'], ['server_metrics.mean_ttft_ms', 'server']]),
    fields('TTFT breakdown (means)', 's', [['server_metrics.mean_queue_time_ms', 'queue'], ['server_metrics.mean_prefill_time_ms', 'prefill'], ['ttft_breakdown.other_ms', 'other']]),
    fields('Server queue depth (max)', 'short', [['server_metrics.max_num_requests_waiting', 'waiting'], ['server_metrics.max_num_requests_running', 'running']]),
    throughput('KV-cache usage (max)', 'percentunit', 'server_metrics.max_kv_cache_usage_perc'),
    throughput('Preemptions', 'short', 'server_metrics.preemptions'),
    fields('Server request phases (means)', 's', [['server_metrics.mean_queue_time_ms', 'queue'], ['server_metrics.mean_prefill_time_ms', 'prefill'], ['server_metrics.mean_decode_time_ms', 'decode']]),
    latestRuns(),
  ]);
  return dashboard;
}
