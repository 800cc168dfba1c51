// Waiting for a submitted service: until READY (recorded, with its Prometheus target), or what
// Slurm says when it failed; an abort with DetachReason only stops the watching.
import { reconnectBudgetMs } from '../config/cluster.js';
import { errorMessage, ServiceError } from '../errors.js';
import { cancelJobs } from '../slurm/cancel.js';
import { jobStatus } from '../slurm/status.js';
import { readServiceApiKey } from './api-key.js';
import type { ServiceHooks, ClusterSession } from './lifecycle.js';
import { endedStateText } from './reconcile.js';
import type { ServiceRecord } from './record.js';
import type { ServiceStore } from './store.js';
import { writeServiceTarget } from './scrape-targets.js';
import { waitServiceReady } from './wait-ready.js';

export const DEFAULT_START_TIMEOUT_MS = 20 * 60_000;

/** Abort a start's or wait's signal with this to stop watching without cancelling the job (a server shutting down). */
export class DetachReason extends Error {
  constructor() {
    super('stopped watching; the job keeps running');
  }
}

interface AwaitInput {
  timeoutMs?: number | undefined;
  /** The model names /v1/models must list. */
  expect: readonly string[];
  /** Cancel the job when the signal aborts (not for a DetachReason). */
  cancelOnAbort: boolean;
}

/** Wait for READY and record it; on failure record what Slurm says (or, interrupted, cancel the job). */
export async function awaitReady(target: ClusterSession, record: ServiceRecord, store: ServiceStore, input: AwaitInput, hooks: ServiceHooks): Promise<ServiceRecord> {
  const { ex, cluster } = target;
  try {
    const apiKey = await readServiceApiKey(ex, record.api_key_file);
    const ready = await waitServiceReady(ex, cluster.paths.state_dir, record, {
      timeoutMs: input.timeoutMs ?? DEFAULT_START_TIMEOUT_MS, signal: hooks.signal, onProgress: hooks.onProgress, onWarning: hooks.onWarning,
      apiKey, expectModels: input.expect, reconnectMs: reconnectBudgetMs(cluster),
    });
    const patch = { status: 'READY' as const, endpoint: ready.endpoint, ready_at: new Date().toISOString(), job_state: 'RUNNING', ...(ready.node ? { node: ready.node } : {}) };
    const readyRecord = await store.patch(record.id, record.job_id, patch);
    if (readyRecord === undefined) throw new ServiceError(`Service ${record.id} was stopped (or replaced) while it was starting`);
    if (target.targetsDir !== undefined) {
      // A READY service stays usable without its scrape target: warn, do not fail the start.
      await writeServiceTarget(target.targetsDir, readyRecord).catch((error: unknown) => {
        hooks.onWarning?.(`service ${record.id}: could not write its Prometheus target in ${target.targetsDir}: ${errorMessage(error)}`);
      });
    }
    return readyRecord;
  } catch (error) {
    if (hooks.signal?.aborted && (!input.cancelOnAbort || hooks.signal.reason instanceof DetachReason)) {
      // Only the watching stops (a wait interrupted, a server stopping); the job and its record stay.
    } else if (hooks.signal?.aborted) {
      // Interrupted while starting: the person no longer wants it; do not leave a GPU job behind.
      const reports = await cancelJobs(ex, [record.job_id], { timeoutMs: 30_000, reconnectMs: reconnectBudgetMs(cluster) }).catch(() => undefined);
      // Without a confirmed end the record has no job_state, and a later `service stop` checks again.
      await store.patch(record.id, record.job_id, {
        status: 'STOPPED', reason: 'interrupted while starting', stopped_at: new Date().toISOString(), ...(reports ? { job_state: endedStateText(reports[0]) } : {}),
      });
    } else {
      const [report] = await jobStatus(ex, [record.job_id]).catch(() => []);
      if (report !== undefined && report.source !== 'none') await store.reconcile([{ id: record.id, jobId: record.job_id, report }]);
    }
    throw error;
  }
}

