// What `aibench service` shows people and scripts: progress lines (or a spinner), the service
// table, the `service ls --json` document, and the partial-answer error when a cluster is silent.
import { AibenchError, ExitCode } from '../errors.js';
import type { Output } from '../report/output.js';
import { createLiveStatus } from '../report/progress.js';
import { renderTable } from '../report/table.js';
import type { ServiceProgress, ServiceRecord, ServiceSurvey } from '../service/index.js';

/** Each phase as a line (or the spinner's text on a TTY); nothing with --json. */
export async function progressRenderer(out: Output): Promise<{ update: (e: ServiceProgress) => void; stop: () => void }> {
  const status = await createLiveStatus(out, { lines: 'each' });
  const text = (e: ServiceProgress) => `service ${e.id}: ${e.phase}${e.detail ? ` (${e.detail})` : ''} after ${(e.elapsed_ms / 1000).toFixed(0)}s`;
  return { update: (e) => status.set(text(e)), stop: () => status.stop() };
}

/** `service ls` / `status` table; services of a cluster in `unreachable` show their last known status, marked. */
export function renderServiceTable(records: readonly ServiceRecord[], unreachable: ReadonlySet<string> = new Set()): string {
  const rows = records.map((r) => [
    r.id, r.group ?? '', r.model, unreachable.has(r.cluster) ? `${r.cluster} (no answer)` : r.cluster, r.job_id,
    unreachable.has(r.cluster) ? `${r.status} (last known)` : r.status,
    r.job_state, r.endpoint ? `${r.endpoint.host}:${r.endpoint.port}` : undefined, r.updated_at.slice(0, 19),
  ]);
  return renderTable(['id', 'group', 'model', 'cluster', 'job', 'status', 'job state', 'endpoint', 'updated'], rows);
}

/** The `service ls --json` document: services of unreachable clusters carry `stale: true`. */
export function serviceListDocument(survey: ServiceSurvey): { services: Array<ServiceRecord & { stale?: true }>; unreachable_clusters: Array<{ cluster: string; code: string; error: string }> } {
  const down = new Set(survey.unreachable.map((u) => u.cluster));
  return {
    services: survey.services.map((r) => (down.has(r.cluster) ? { ...r, stale: true as const } : r)),
    unreachable_clusters: survey.unreachable.map((u) => ({ cluster: u.cluster, code: u.error.code, error: u.error.message })),
  };
}

/** After printing what answered: exit PARTIAL (5), naming each cluster that did not. */
export function partialError(survey: ServiceSurvey): AibenchError {
  const names = survey.unreachable.map((u) => u.cluster);
  return new AibenchError(`${names.length} cluster${names.length > 1 ? 's' : ''} did not answer: ${names.join(', ')}; the services listed for ${names.length > 1 ? 'them' : 'it'} show their last known status`, {
    code: 'E_PARTIAL', exitCode: ExitCode.PARTIAL,
    hint: `Check the connection with \`aibench doctor --cluster ${names[0]}\`; the other clusters' services were checked with Slurm.`,
  });
}


const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

/** Lines under `service status`: the VRAM estimate next to the measured memory, and every --retry-oom attempt. */
export function renderVram(record: ServiceRecord): string[] {
  const lines: string[] = [];
  const v = record.vram;
  if (v !== undefined) {
    const measured = v.measured_bytes_per_gpu === undefined ? 'not measured (READY services are measured with nvidia-smi on their node)' : `${v.measured_bytes_per_gpu.map(gib).join(', ')} measured per GPU at ${v.measured_at?.slice(0, 19)}`;
    lines.push(`vram ${record.id}: estimate ${gib(v.estimate_bytes_per_gpu)} per GPU (weights ${gib(v.weights_bytes_per_gpu)} + KV cache ${gib(v.kv_bytes_per_gpu)} for ${v.max_model_len} tokens + overhead ${gib(v.overhead_bytes_per_gpu)}); ${measured}`);
  }
  for (const [i, a] of (record.attempts ?? []).entries()) {
    lines.push(`attempt ${i + 1} of ${record.id}: job ${a.job_id}, --gpu-memory-utilization ${a.gpu_memory_utilization ?? '-'}${a.max_model_len ? `, --max-model-len ${a.max_model_len}` : ''}: ${a.outcome}${a.cause ? ` (${a.cause})` : ''}`);
  }
  return lines;
}
