// startService / stopService: the two calls a suite runner needs. Both take the cluster's
// executor (the caller opens and closes it) and the local store, accept an AbortSignal, and
// report progress through a callback; neither prints anything.
import { randomBytes } from 'node:crypto';
import { reconnectBudgetMs } from '../config/cluster.js';
import type { ResolvedCluster } from '../config/schema.js';
import { ConflictError, errorMessage, ServiceError, UsageError } from '../errors.js';
import type { Executor } from '../exec/types.js';
import { cancelJobs, jobStatus } from '../slurm/client.js';
import { checkApiKeyFile, readServiceApiKey } from './api-key.js';
import { checkServiceInput, expectedModelNames, renderServiceBody, type ServiceBodyInput } from './job-body.js';
import { endedStateText } from './reconcile.js';
import { prepareTargetsDir, writeServiceTarget } from './targets.js';
import { isFinalStatus, SERVICE_ID, serviceDir, type ServiceRecord } from './record.js';
import { isUnsettledReservation } from './stop.js';
import { ServiceStore } from './store.js';
import { submitReserved } from './submit-reserved.js';
import { waitServiceReady, type ServiceProgress } from './wait-ready.js';

/** The cluster a service runs on, with an open executor. */
export interface ServiceTarget {
  ex: Executor;
  cluster: ResolvedCluster;
  /** LOCAL Prometheus file_sd directory (config `monitoring.targets_dir`, ~ expanded); openTarget fills it in. */
  targetsDir?: string | undefined;
}

export interface StartServiceInput {
  model: string;
  /** The service id (default: derived from the model plus 6 random hex digits). */
  id?: string | undefined;
  gpus?: number | undefined;
  time?: string | undefined;
  partition?: string | undefined;
  vllmArgs?: readonly string[] | undefined;
  /** Key file path on the cluster (mode 0600). */
  apiKeyFile?: string | undefined;
  /** Wait until READY (default true). */
  wait?: boolean | undefined;
  /** Default 20 minutes. */
  timeoutMs?: number | undefined;
  /** Run the GPU telemetry agent inside the job (the cluster config's `telemetry` sinks; refused without one). */
  telemetry?: boolean | undefined;
}

export interface ServiceHooks {
  store?: ServiceStore | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ServiceProgress) => void) | undefined;
  /** Trouble that does not fail the call (e.g. the Prometheus target file could not be written). */
  onWarning?: ((line: string) => void) | undefined;
}

export const DEFAULT_START_TIMEOUT_MS = 20 * 60_000;

/** `Qwen/Qwen2.5-0.5B` -> `qwen2.5-0.5b-1a2b3c`: readable, unique, safe as a path and job name. */
export function newServiceId(model: string): string {
  const base = (model.split('/').pop() ?? '').toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '').slice(0, 24);
  return `${base || 'svc'}-${randomBytes(3).toString('hex')}`;
}

/** The agent's sinks from the cluster config; a UsageError when it names none. */
export function telemetryFor(cluster: Pick<ResolvedCluster, 'name' | 'telemetry' | 'aibench_command'>): NonNullable<ServiceBodyInput['telemetry']> {
  const { pushgateway_url: pushgatewayUrl, remote_write_url: remoteWriteUrl, interval_s: intervalS } = cluster.telemetry;
  if (pushgatewayUrl === undefined && remoteWriteUrl === undefined) {
    throw new UsageError(`--telemetry: cluster ${JSON.stringify(cluster.name)} has no telemetry sink: expected telemetry.pushgateway_url or telemetry.remote_write_url in its config`, {
      hint: `Add to clusters.${cluster.name} in the config: telemetry: { pushgateway_url: http://<login node>:9091 } (the URL as compute nodes reach it, e.g. through \`aibench tunnel\`).`,
    });
  }
  return {
    ...(pushgatewayUrl !== undefined ? { pushgatewayUrl } : {}),
    ...(remoteWriteUrl !== undefined ? { remoteWriteUrl } : {}),
    intervalS, aibenchCommand: cluster.aibench_command,
  };
}

/** Submit a service job, record it, and (unless wait is false) wait until it serves the model. */
export async function startService(target: ServiceTarget, input: StartServiceInput, hooks: ServiceHooks = {}): Promise<ServiceRecord> {
  const { ex, cluster } = target;
  const store = hooks.store ?? new ServiceStore();
  const vllmArgs = [...(input.vllmArgs ?? [])];
  checkServiceInput({ model: input.model, vllmArgs });
  const id = input.id ?? newServiceId(input.model);
  if (!SERVICE_ID.test(id)) throw new UsageError(`--name: expected 1-40 letters, digits, _ . - (starting with a letter or digit), got ${JSON.stringify(id)}`);
  const telemetry = input.telemetry ? telemetryFor(cluster) : undefined;
  if (input.apiKeyFile !== undefined) await checkApiKeyFile(ex, input.apiKeyFile);
  if (target.targetsDir !== undefined) await prepareTargetsDir(target.targetsDir);
  const dir = serviceDir(cluster.paths.state_dir, id);
  const body = renderServiceBody({ id, model: input.model, vllmCommand: cluster.vllm_command, setup: cluster.setup, vllmArgs, dir, apiKeyFile: input.apiKeyFile, telemetry });
  const now = new Date().toISOString();
  const served = expectedModelNames(input.model, vllmArgs);
  const draft: ServiceRecord = {
    id, model: input.model, cluster: cluster.name, job_id: '', status: 'PENDING', gpus: input.gpus ?? 0, vllm_args: vllmArgs,
    created_at: now, updated_at: now,
    ...(input.apiKeyFile !== undefined ? { api_key_file: input.apiKeyFile } : {}),
    ...(served[0] !== input.model || served.length > 1 ? { served_model_names: served } : {}),
    ...(telemetry !== undefined ? { telemetry: true } : {}),
  };
  // Reserve the id under the lock first, so two starts with the same --name cannot both submit.
  await store.update((records) => {
    const existing = records[id];
    if (existing !== undefined && (!isFinalStatus(existing.status) || isUnsettledReservation(existing))) {
      throw new ConflictError(`Service ${id} already exists (${existing.status}, job ${existing.job_id || 'being submitted'})`, { hint: `Stop it first: aibench service stop ${id}` });
    }
    records[id] = draft;
  });
  const record = await submitReserved(target, draft, body, { ...input, store });
  hooks.onProgress?.({ id, job_id: record.job_id, phase: 'SUBMITTED', detail: `job ${record.job_id} on ${cluster.name}`, elapsed_ms: 0 });
  if (input.wait === false) return record;
  return awaitReady(target, record, store, { timeoutMs: input.timeoutMs, expect: served, cancelOnAbort: true }, hooks);
}

/**
 * Wait until an already submitted service serves (what `service start` does after sbatch), for a
 * service started with --no-wait or by a server that stopped watching it. Records READY, or on
 * failure what Slurm says; aborting with a DetachReason stops watching and leaves the job alone.
 */
export async function waitService(target: ServiceTarget, record: ServiceRecord, input: Pick<StartServiceInput, 'timeoutMs'> = {}, hooks: ServiceHooks = {}): Promise<ServiceRecord> {
  if (isFinalStatus(record.status)) throw new ServiceError(`Service ${record.id} is ${record.status}${record.reason ? ` (${record.reason})` : ''}; start it again`);
  if (record.status === 'READY') return record;
  if (record.job_id === '') throw new ServiceError(`Service ${record.id} is still being submitted; try again in a moment`);
  const store = hooks.store ?? new ServiceStore();
  // Interrupting a wait stops the waiting only: the job was submitted on purpose, earlier.
  return awaitReady(target, record, store, { timeoutMs: input.timeoutMs, expect: record.served_model_names ?? [record.model], cancelOnAbort: false }, hooks);
}

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

async function awaitReady(target: ServiceTarget, record: ServiceRecord, store: ServiceStore, input: AwaitInput, hooks: ServiceHooks): Promise<ServiceRecord> {
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

export { stopService, type StopResult } from './stop.js';
