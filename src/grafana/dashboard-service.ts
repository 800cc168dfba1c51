// service.json: one service's GPUs (telemetry agent), its vLLM engine (scraped /metrics) and its Slurm job log.
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { GPU_METRICS, GPU_PROCESS_METRICS, VLLM_METRICS } from '../common/metric-catalog.js';
import { baseDashboard } from './dashboard-base.js';
import { placePanels, type Cell } from './layout.js';
import { jobLogs, timeseries } from './panels.js';
import { SERVICE_MATCHER, forService, histogramQuantile, oneSink, prom, rate } from './queries.js';

const SERVICE_UID = 'aibench-service';
const GPU_LEGEND = '{{host}} GPU {{gpu}}';
const QUANTILES = [0.5, 0.9, 0.99] as const;

/** The selected service's copy of a telemetry series (one per GPU, whichever sinks delivered it). */
const gpuSeries = (metric: string): string => oneSink(metric, SERVICE_MATCHER);

function gpuPanel(title: string, unit: string, metric: string): Cell {
  return { panel: timeseries(title, unit, [prom('A', gpuSeries(metric), GPU_LEGEND)]), w: 8, h: 8 };
}

function quantilePanel(title: string, family: string): Cell {
  const targets = QUANTILES.map((q, i) => prom(String.fromCharCode(65 + i), histogramQuantile(q, family), `p${q * 100}`));
  return { panel: timeseries(title, 's', targets, `histogram_quantile over rate(${family}_bucket)`), w: 8, h: 8 };
}

/** The per-service dashboard. */
export function serviceDashboard(): DashboardBuilder {
  const dashboard = baseDashboard(SERVICE_UID, 'aibench / Service', 'One vLLM service: GPUs, engine queue, latency, throughput and its Slurm job log');
  placePanels(dashboard, [
    gpuPanel('GPU utilisation', 'percentunit', GPU_METRICS.utilization.name),
    {
      panel: timeseries('GPU memory', 'bytes', [
        prom('A', gpuSeries(GPU_METRICS.memoryUsed.name), `used ${GPU_LEGEND}`),
        prom('B', gpuSeries(GPU_METRICS.memoryTotal.name), `total ${GPU_LEGEND}`),
      ]),
      w: 8, h: 8,
    },
    gpuPanel('GPU power', 'watt', GPU_METRICS.power.name),
    gpuPanel('GPU temperature', 'celsius', GPU_METRICS.temperature.name),
    {
      panel: timeseries('GPU memory per process', 'bytes', [prom('A', gpuSeries(GPU_PROCESS_METRICS.memoryUsed.name), '{{process_name}} ({{pid}}) {{host}}')]),
      w: 16, h: 8,
    },
    {
      panel: timeseries('Requests running / waiting', 'short', [
        prom('A', `sum(${forService(VLLM_METRICS.running)})`, 'running'),
        prom('B', `sum(${forService(VLLM_METRICS.waiting)})`, 'waiting'),
      ]),
      w: 8, h: 8,
    },
    { panel: timeseries('KV-cache usage', 'percentunit', [prom('A', forService(VLLM_METRICS.kvCacheUsage), '{{instance}}')]), w: 8, h: 8 },
    {
      panel: timeseries('Token throughput', 'short', [
        prom('A', `sum(${rate(forService(VLLM_METRICS.promptTokens))})`, 'prompt tokens/s'),
        prom('B', `sum(${rate(forService(VLLM_METRICS.generationTokens))})`, 'generation tokens/s'),
      ]),
      w: 8, h: 8,
    },
    quantilePanel('Time to first token', VLLM_METRICS.ttft),
    quantilePanel('Inter-token latency', VLLM_METRICS.itl),
    quantilePanel('End-to-end request latency', VLLM_METRICS.e2e),
    { panel: timeseries('Preemptions', 'short', [prom('A', `sum(increase(${forService(VLLM_METRICS.preemptions)}[$__rate_interval]))`, 'preemptions')]), w: 8, h: 8 },
    {
      // Mean time per phase over the rate window: rate(sum) / rate(count) of each histogram.
      panel: timeseries('Request phases (mean): queue, prefill, decode', 's', ([['queue', VLLM_METRICS.queueTime], ['prefill', VLLM_METRICS.prefillTime], ['decode', VLLM_METRICS.decodeTime]] as const).map(([name, family], i) =>
        prom(String.fromCharCode(65 + i), `sum(${rate(forService(`${family}_sum`))}) / sum(${rate(forService(`${family}_count`))})`, name))),
      w: 8, h: 8,
    },
    { panel: timeseries('Requests finished', 'reqps', [prom('A', `sum by (finished_reason) (${rate(forService(VLLM_METRICS.requestSuccess))})`, '{{finished_reason}}')]), w: 8, h: 8 },
    { panel: jobLogs('Slurm job log'), w: 24, h: 12 },
  ]);
  return dashboard;
}
