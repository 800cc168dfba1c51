// The service's GPUs over a run window, read from Prometheus: the telemetry agent's series for the
// service's Slurm job (every sink it used; series of one GPU are combined by uuid, so an agent that
// sends through both sinks is not counted twice). Energy per output token = mean power x duration / tokens.
import { GPU_METRICS } from '../../common/metric-catalog.js';
import { safeUrl } from '../../exec/http.js';
import { errorMessage } from '../../errors.js';
import { instantQuery } from '../../grafana/prometheus-api.js';
import type { ResultDocument } from '../results/result-schema.js';
import type { GpuFigures } from '../results/truth-schema.js';

/** The run window as Prometheus sees it: evaluation time (epoch s) and a range selector that covers it. */
export function runWindow(doc: Pick<ResultDocument, 'started_at' | 'ended_at'>): { endS: number; range: string } {
  const start = Date.parse(doc.started_at);
  const end = Date.parse(doc.ended_at);
  return { endS: end / 1000, range: `${Math.max(1, Math.ceil((end - start) / 1000))}s` };
}

/** The PromQL of each figure for one job's GPUs over `range`. */
function gpuQueries(jobId: string, range: string): Record<'gpus' | 'mean_utilization' | 'max_utilization' | 'max_memory_used_bytes' | 'mean_power_watts', string> {
  const sel = (name: string) => `${name}{slurm_job_id=${JSON.stringify(jobId)}}`;
  const perGpu = (fn: string, name: string) => `avg by (uuid) (${fn}(${sel(name)}[${range}]))`;
  return {
    gpus: `count(${perGpu('avg_over_time', GPU_METRICS.utilization.name)})`,
    mean_utilization: `avg(${perGpu('avg_over_time', GPU_METRICS.utilization.name)})`,
    max_utilization: `max(max_over_time(${sel(GPU_METRICS.utilization.name)}[${range}]))`,
    max_memory_used_bytes: `max(max_over_time(${sel(GPU_METRICS.memoryUsed.name)}[${range}]))`,
    mean_power_watts: `sum(${perGpu('avg_over_time', GPU_METRICS.power.name)})`,
  };
}

/** The GPU figures of one run of a service's job; a figure without data is absent and the note says why. */
export async function gpuFigures(prometheusUrl: string, doc: ResultDocument, jobId: string): Promise<GpuFigures> {
  const { endS, range } = runWindow(doc);
  const out: GpuFigures = { source: safeUrl(prometheusUrl), slurm_job_id: jobId };
  try {
    for (const [key, expr] of Object.entries(gpuQueries(jobId, range))) {
      const value = (await instantQuery(prometheusUrl, expr, endS))[0]?.value;
      if (value !== undefined && Number.isFinite(value)) Object.assign(out, { [key]: value });
    }
  } catch (error) {
    return { ...out, note: `Prometheus could not be asked: ${errorMessage(error)}` };
  }
  if (out.gpus === undefined) return { ...out, note: `no GPU series for slurm_job_id ${jobId} in the run window (start the service with --telemetry, and check the agent reaches Prometheus)` };
  if (out.mean_power_watts !== undefined) {
    out.energy_joules = out.mean_power_watts * doc.duration_s;
    if (doc.total_output_tokens > 0) out.energy_per_output_token_joules = out.energy_joules / doc.total_output_tokens;
  }
  return out;
}
