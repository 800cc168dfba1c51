// `stopService`: scancel a service's job and record STOPPED, exiting cleanly only when the job is
// provably gone (Slurm says it ended, or no longer knows it) or provably never submitted (its
// `service start` gave the reservation back after sbatch failed). A stop that lands while the
// start is inside sbatch marks the reservation STOPPED, so the start cancels what it gets and
// writes the job id onto the record; the stop waits for that id (or the reservation's removal)
// and then makes sure of the job itself. Anything it cannot confirm within its timeout fails,
// naming the job.
import { setTimeout as sleep } from 'node:timers/promises';
import { reconnectBudgetMs } from '../config/cluster.js';
import { errorMessage } from '../errors.js';
import { cancelJobs } from '../slurm/cancel.js';
import { type JobReport } from '../slurm/status-merge.js';
import { isTerminal, normalizeState } from '../slurm/job-state.js';
import { ENDPOINT_FILE } from './endpoint.js';
import type { ServiceHooks, ClusterSession } from './lifecycle.js';
import { endedStateText, JOB_GONE } from './reconcile.js';
import { isFinalStatus, serviceDir, serviceJobName, type ServiceRecord } from './record.js';
import { ServiceError } from '../errors.js';
import { ServiceStore } from './store.js';
import { removeServiceTarget } from './scrape-targets.js';

export interface StopResult {
  record: ServiceRecord;
  /** True when it was already stopped (or failed, or lost): nothing was cancelled. */
  alreadyStopped: boolean;
}

export interface StopOptions {
  /** How long to keep trying to confirm the job is gone (default 60 s). */
  timeoutMs?: number | undefined;
}

export const DEFAULT_STOP_TIMEOUT_MS = 60_000;

/** Why a start's reservation was marked STOPPED while its sbatch ran. */
const STOPPED_DURING_SUBMIT = 'stopped while its job was being submitted';

/** A final record whose job is known to have ended; a STOPPED one without a terminal job state is re-checked. */
function confirmedGone(record: ServiceRecord): boolean {
  if (!isFinalStatus(record.status) || record.job_id === '') return false;
  if (record.status !== 'STOPPED') return true;
  if (record.job_state === JOB_GONE) return true;
  const state = record.job_state?.split(/\s/)[0];
  return state !== undefined && isTerminal(normalizeState(state));
}

/** scancel the service's job, wait until Slurm no longer runs it, record STOPPED. Idempotent. */
export async function stopService(target: ClusterSession, record: ServiceRecord, hooks: ServiceHooks = {}, options: StopOptions = {}): Promise<StopResult> {
  const store = hooks.store ?? new ServiceStore();
  // Removed first and even when already stopped: a left-over target would keep Prometheus scraping a dead port.
  if (target.targetsDir !== undefined) {
    await removeServiceTarget(target.targetsDir, record.id).catch((error: unknown) => {
      hooks.onWarning?.(`service ${record.id}: could not remove its Prometheus target in ${target.targetsDir}: ${errorMessage(error)}`);
    });
  }
  if (confirmedGone(record) || (isFinalStatus(record.status) && record.status !== 'STOPPED')) return { record, alreadyStopped: true };
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
  let current = record;
  if (current.job_id === '') {
    const settled = await settleSubmission(target, current, store, deadline, hooks.signal);
    if (typeof settled === 'string') return { record: await recordSettled(store, current, settled), alreadyStopped: false };
    current = settled;
  }
  return { record: await cancelAndRecord(target, current, store, deadline, hooks.signal), alreadyStopped: false };
}

/** Record why nothing needed cancelling (the reservation, if still there, stops holding its id). */
async function recordSettled(store: ServiceStore, record: ServiceRecord, reason: string): Promise<ServiceRecord> {
  const now = new Date().toISOString();
  const settled: ServiceRecord = { ...record, status: 'STOPPED', reason, stopped_at: record.stopped_at ?? now, updated_at: now };
  await store.update((records) => {
    const found = records[record.id];
    if (found?.created_at === record.created_at && found.job_id === '') records[record.id] = { ...found, status: 'STOPPED', reason, stopped_at: found.stopped_at ?? now, updated_at: now };
  });
  return settled;
}

/** A reservation this old cannot belong to a start still inside sbatch (it was killed there). */
const SETTLE_MS = 5 * 60_000;

/** A reservation stopped while its start was inside sbatch, whose start has not yet said what it got: its id stays taken. */
export function isUnsettledReservation(r: ServiceRecord): boolean {
  return r.status === 'STOPPED' && r.job_id === '' && r.reason === STOPPED_DURING_SUBMIT && Date.now() - Date.parse(r.created_at) < SETTLE_MS;
}

/**
 * The reservation of a start still inside sbatch: mark it STOPPED (the start then cancels its job
 * and writes the id here), and wait for the id (returned) or for the start to give the reservation
 * back after a failed sbatch. Returns why nothing needs cancelling, or throws when a job may run.
 */
async function settleSubmission(target: ClusterSession, record: ServiceRecord, store: ServiceStore, deadline: number, signal: AbortSignal | undefined): Promise<ServiceRecord | string> {
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    const current = await store.update((records) => {
      const found = records[record.id];
      if (found === undefined || found.created_at !== record.created_at) return undefined;
      if (found.job_id === '' && !isFinalStatus(found.status)) {
        const now = new Date().toISOString();
        records[record.id] = { ...found, status: 'STOPPED', reason: STOPPED_DURING_SUBMIT, stopped_at: now, updated_at: now };
      }
      return records[record.id];
    });
    if (current === undefined) return 'stopped before its job was submitted (its sbatch failed)';
    if (current.job_id !== '') return current;
    // Out of time, or a start that died inside sbatch: what Slurm runs under the service's job name decides.
    if (Date.now() + delay > deadline || Date.now() - Date.parse(current.created_at) > SETTLE_MS) return nothingRunsUnderName(target, record);
    await sleep(delay, undefined, signal ? { signal } : {});
  }
}

/** No job named for the service is queued or running: say so; otherwise fail naming the jobs. */
async function nothingRunsUnderName(target: ClusterSession, record: ServiceRecord): Promise<string> {
  const name = serviceJobName(record.id);
  const res = await target.ex.run(['squeue', '--noheader', '--format=%i', `--name=${name}`], { timeoutMs: 30_000 }).catch(() => undefined);
  const ids = res?.exitCode === 0 ? res.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : undefined;
  if (ids?.length === 0) return `stopped while its start was submitting; no job named ${name} is queued or running`;
  const running = ids === undefined ? `squeue could not be asked for jobs named ${name}` : `Slurm runs job ${ids.join(', ')} under its name ${name}`;
  throw new ServiceError(`Service ${record.id} was being submitted by its \`service start\`, and its job is not confirmed gone: ${running}`, {
    code: 'E_SERVICE_STOP_UNCONFIRMED',
    hint: ids !== undefined ? `Cancel it with \`aibench jobs cancel ${ids.join(' ')}\`, or run \`aibench service stop ${record.id}\` again.` : `Run \`aibench service stop ${record.id}\` again once the cluster answers.`,
  });
}

/** Cancel the record's job until Slurm confirms it ended, then record STOPPED on the record of that job. */
async function cancelAndRecord(target: ClusterSession, record: ServiceRecord, store: ServiceStore, deadline: number, signal: AbortSignal | undefined): Promise<ServiceRecord> {
  let reports: JobReport[];
  try {
    reports = await cancelJobs(target.ex, [record.job_id], { timeoutMs: Math.max(deadline - Date.now(), 1000), reconnectMs: reconnectBudgetMs(target.cluster), ...(signal ? { signal } : {}) });
  } catch (error) {
    throw new ServiceError(`Service ${record.id}: job ${record.job_id} is not confirmed gone: ${errorMessage(error)}`, {
      code: 'E_SERVICE_STOP_UNCONFIRMED', cause: error,
      hint: `Run \`aibench service stop ${record.id}\` again, or check the job with \`aibench jobs status ${record.job_id}\`.`,
    });
  }
  await target.ex.run(['rm', '-f', '--', `${serviceDir(target.cluster.paths.state_dir, record.id)}/${ENDPOINT_FILE}`]).catch(() => undefined);
  const jobState = endedStateText(reports[0]);
  // Only onto the record of the job just cancelled; a final status found meanwhile (a `service ls`
  // that saw it FAILED) keeps its reason, a STOPPED one learns the job's final state.
  return store.update((records) => {
    const current = records[record.id];
    if (current === undefined || current.job_id !== record.job_id) return { ...record, status: 'STOPPED' as const, job_state: jobState };
    if (isFinalStatus(current.status) && current.status !== 'STOPPED') return current;
    const now = new Date().toISOString();
    const stopped: ServiceRecord = {
      ...current, status: 'STOPPED', job_state: jobState, stopped_at: current.stopped_at ?? now, updated_at: now,
      reason: current.status === 'STOPPED' && current.reason ? current.reason : 'stopped by aibench service stop',
    };
    records[record.id] = stopped;
    return stopped;
  });
}
