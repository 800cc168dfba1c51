// `cancelJobs`: scancel the ids, then poll until none of them is still active, so a caller that
// gets control back can trust that the jobs no longer hold their allocation.
import { setTimeout as sleep } from 'node:timers/promises';
import { SlurmError } from '../errors.js';
import type { Executor } from '../exec/types.js';
import { pollBackoff } from './backoff.js';
import { isTerminal } from './job-state.js';
import { DEFAULT_RECONNECT_MS, withReconnect } from './reconnect.js';
import type { JobReport } from './status-merge.js';
import { jobStatus, slurmCommandError } from './status.js';

interface CancelOptions {
  /** How long to wait for the jobs to leave the queue (default 60 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** How long a dropped SSH connection is retried (default 60 s); scancel and status are safe to repeat. */
  reconnectMs?: number;
}

/** Done means finished, or forgotten by Slurm (a cancelled job nobody lists any more). */
function settled(report: JobReport): boolean {
  return report.source === 'none' || isTerminal(report.state);
}

/** Cancel validated job ids; resolves with their final reports. */
export async function cancelJobs(ex: Executor, ids: readonly string[], options: CancelOptions = {}): Promise<JobReport[]> {
  const retry = { budgetMs: options.reconnectMs ?? DEFAULT_RECONNECT_MS, signal: options.signal };
  // scancel exits 0 even for ids it does not know; errors it does report are real failures.
  const res = await withReconnect(() => ex.run(['scancel', ...ids]), retry);
  if (res.exitCode !== 0) throw slurmCommandError('scancel', res.stderr, res.exitCode);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  const backoff = pollBackoff({ initialMs: 250, maxMs: 2000 });
  for (;;) {
    const reports = await withReconnect(() => jobStatus(ex, ids), retry);
    const active = reports.filter((r) => !settled(r));
    if (active.length === 0) return reports;
    if (Date.now() - started > timeoutMs) {
      const list = active.map((r) => `${r.jobId} (${r.state})`).join(', ');
      throw new SlurmError(`Cancelled, but still active after ${Math.round(timeoutMs / 1000)} s: ${list}`, {
        code: 'E_SLURM_CANCEL_TIMEOUT',
        hint: 'The node may be slow to kill the job; check with `aibench jobs status ID`.',
      });
    }
    await sleep(backoff.next(active.map((r) => r.state).join()), undefined, options.signal ? { signal: options.signal } : {});
  }
}
