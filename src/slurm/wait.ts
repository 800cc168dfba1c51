// `waitForJob`: poll jobStatus with pollBackoff until the job runs or ends, a timeout passes,
// or the signal aborts. UNKNOWN is tolerated for a grace period, then it is an error.
import { setTimeout as sleep } from 'node:timers/promises';
import { SlurmError } from '../errors.js';
import type { Executor } from '../exec/types.js';
import { pollBackoff, type BackoffOptions } from './backoff.js';
import { isTerminal, type JobState } from './job-state.js';
import { DEFAULT_GRACE_MS, missingReports, type JobReport } from './status-merge.js';
import { DEFAULT_RECONNECT_MS, withReconnect } from './reconnect.js';
import { jobStatus } from './status.js';

export type WaitUntil = 'running' | 'done';

interface WaitOptions {
  until: WaitUntil;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called once per observed change of state (first observation included). */
  onState?: (report: JobReport) => void;
  /** Submission time (epoch ms); without it the grace period starts when waiting starts. */
  submittedAt?: number;
  graceMs?: number;
  backoff?: BackoffOptions;
  /** How long a dropped SSH connection is retried before the wait gives up (default 60 s). */
  reconnectMs?: number;
}

/** States that count as "it started": running now, or already past running. */
const STARTED: ReadonlySet<JobState> = new Set<JobState>(['RUNNING', 'COMPLETING', 'SUSPENDED', 'STOPPED']);

/** True once the wait is over for this state (a terminal state always ends the wait). */
export function waitReached(until: WaitUntil, state: JobState): boolean {
  return isTerminal(state) || (until === 'running' && STARTED.has(state));
}

/** The one report a wait follows: the exact id, else the first task/component line. */
function primary(id: string, reports: readonly JobReport[]): JobReport | undefined {
  return reports.find((r) => r.jobId === id) ?? reports[0];
}

/** Wait for one job; resolves with its last report (the caller judges COMPLETED vs FAILED). */
export async function waitForJob(ex: Executor, id: string, options: WaitOptions): Promise<JobReport> {
  const started = Date.now();
  const graceFrom = options.submittedAt ?? started;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const backoff = pollBackoff(options.backoff);
  let last: string | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    const reports = await withReconnect(() => jobStatus(ex, [id], { submittedAt: { [id]: graceFrom }, graceMs }), {
      budgetMs: options.reconnectMs ?? DEFAULT_RECONNECT_MS, signal: options.signal,
    });
    const report = primary(id, reports);
    if (report === undefined || missingReports([report]).length > 0) {
      if (Date.now() - graceFrom >= graceMs) {
        throw new SlurmError(`Job ${id} is not known to squeue, sacct or scontrol`, {
          code: 'E_SLURM_UNKNOWN_JOB',
          hint: 'Check the id; without accounting, Slurm forgets finished jobs after MinJobAge.',
        });
      }
    } else {
      if (report.state !== last) options.onState?.(report);
      if (waitReached(options.until, report.state)) return report;
    }
    const state = report?.state ?? 'UNKNOWN';
    last = state;
    const delay = backoff.next(state);
    if (options.timeoutMs !== undefined && Date.now() + delay - started > options.timeoutMs) {
      const remaining = options.timeoutMs - (Date.now() - started);
      if (remaining <= 0) {
        throw new SlurmError(`Job ${id} is still ${state} after ${Math.round(options.timeoutMs / 1000)} s`, {
          code: 'E_SLURM_WAIT_TIMEOUT',
          hint: 'Raise --timeout, or check why it waits: `aibench jobs status ID`.',
        });
      }
      await sleep(remaining, undefined, options.signal ? { signal: options.signal } : {});
      continue;
    }
    await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
  }
}
