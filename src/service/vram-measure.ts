// The server's measured GPU memory next to the estimate it started with: per-process memory as
// the telemetry agent reads it (nvidia-smi --query-compute-apps, telemetry/nvidia-smi.ts), asked
// of the service's node by a step in its own allocation (srun --jobid --overlap) after the
// cluster's setup lines, summed per GPU. Best effort: no nvidia-smi means no measurement.
import type { Executor } from '../exec/types.js';
import { shellJoin } from '../exec/quote.js';
import { computeAppsArgs, parseComputeAppsCsv } from '../telemetry/nvidia-smi.js';
import type { ServiceRecord } from './record.js';

const MIB = 1024 * 1024;

/** Bytes per GPU of the processes on the service's (first) node, or undefined when nothing could be read. */
export async function measureServiceVram(ex: Executor, setup: readonly string[], record: ServiceRecord): Promise<number[] | undefined> {
  if (record.status !== 'READY' || record.job_id === '') return undefined;
  const query = [...setup, shellJoin(['nvidia-smi', ...computeAppsArgs()])].join('\n');
  const res = await ex.run(['srun', `--jobid=${record.job_id}`, '--overlap', '--ntasks=1', '--nodes=1', `--job-name=aibench-vram-${record.id}`, 'bash', '-c', query], { timeoutMs: 30_000 }).catch(() => undefined);
  if (res === undefined || res.exitCode !== 0) return undefined;
  const perGpu = new Map<string, number>();
  for (const p of parseComputeAppsCsv(res.stdout)) if (p.usedMemoryMiB !== undefined) perGpu.set(p.gpuUuid, (perGpu.get(p.gpuUuid) ?? 0) + p.usedMemoryMiB * MIB);
  return perGpu.size > 0 ? [...perGpu.values()] : undefined;
}
