// startService / stopService: the two calls a suite runner needs. Both take the cluster's
// executor (the caller opens and closes it) and the local store, accept an AbortSignal, and
// report progress through a callback; neither prints anything.
import { randomBytes } from 'node:crypto';
import type { ResolvedCluster } from '../config/schema.js';
import { ConflictError, ServiceError, UsageError } from '../errors.js';
import type { Executor } from '../exec/types.js';
import { checkApiKeyFile } from './api-key.js';
import { awaitReady, DEFAULT_START_TIMEOUT_MS } from './await-ready.js';
import { containerMounts, containerPrefix } from './container.js';
import { checkServiceInput, expectedModelNames, renderServiceBody, type ServiceBodyInput } from './job-body.js';
import { argValue } from './oom.js';
import { failedAttempt, type AttemptOutcome } from './oom-retry.js';
import { planServiceStart, type LayoutRequest, type StartPlan } from './start-plan.js';
import { prepareTargetsDir } from './scrape-targets.js';
import { isFinalStatus, type ServiceAttempt, type ServiceRecord } from './record.js';
import { SERVICE_ID } from './id.js';
import { isUnsettledReservation } from './stop.js';
import { ServiceStore } from './store.js';
import { submitReserved, type JobRequest } from './submit-reserved.js';
import type { ServiceProgress } from './wait-ready.js';

export { DetachReason, DEFAULT_START_TIMEOUT_MS } from './await-ready.js';

/** The cluster a service runs on, with an open executor. */
export interface ClusterSession {
  ex: Executor;
  cluster: ResolvedCluster;
  /** LOCAL Prometheus file_sd directory (config `monitoring.targets_dir`, ~ expanded); openTarget fills it in. */
  targetsDir?: string | undefined;
}

export interface StartServiceInput extends Omit<LayoutRequest, 'partition'> {
  model: string;
  /** The service id (default: derived from the model plus 6 random hex digits). */
  id?: string | undefined;
  time?: string | undefined;
  partition?: string | undefined;
  account?: string | undefined;
  qos?: string | undefined;
  mem?: string | undefined;
  constraint?: string | undefined;
  exclusive?: boolean | undefined;
  vllmArgs?: readonly string[] | undefined;
  /** Key file path on the cluster (mode 0600). */
  apiKeyFile?: string | undefined;
  /** Wait until READY (default true). */
  wait?: boolean | undefined;
  /** Default 20 minutes (per attempt). */
  timeoutMs?: number | undefined;
  /** Run the GPU telemetry agent inside the job (the cluster config's `telemetry` sinks; refused without one). */
  telemetry?: boolean | undefined;
  /** Resubmit a start that failed out of memory this many times, each time asking for less (oom.ts). */
  retryOom?: number | undefined;
  /** Set by startServiceGroup on each replica. */
  group?: { id: string; replica: number } | undefined;
}

export interface ServiceHooks {
  store?: ServiceStore | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ServiceProgress) => void) | undefined;
  /** Trouble that does not fail the call (e.g. the Prometheus target file could not be written, an OOM being retried). */
  onWarning?: ((line: string) => void) | undefined;
}

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

/** `--retry-oom N`: a whole number from 0 to 10. */
export function checkRetryOom(value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0 || value > 10) throw new UsageError(`--retry-oom: expected a whole number from 0 to 10, got ${JSON.stringify(value)}`);
  return value;
}

/** Everything one submission of this start needs; only the server arguments change between attempts. */
interface Prepared {
  id: string;
  plan: StartPlan;
  job: JobRequest;
  body: (vllmArgs: readonly string[]) => string;
  retries: number;
}

/** Check, plan and refuse before anything is submitted (exit 2 for what cannot work). */
async function prepareStart(target: ClusterSession, input: StartServiceInput): Promise<Prepared> {
  const { ex, cluster } = target;
  const retries = checkRetryOom(input.retryOom);
  checkServiceInput({ model: input.model, vllmArgs: input.vllmArgs ?? [] });
  const id = input.id ?? newServiceId(input.model);
  if (!SERVICE_ID.test(id)) throw new UsageError(`--name: expected 1-40 letters, digits, _ . - (starting with a letter or digit), got ${JSON.stringify(id)}`);
  const telemetry = input.telemetry ? telemetryFor(cluster) : undefined;
  const plan = await planServiceStart(ex, cluster, input.model, input.vllmArgs ?? [], input);
  if (input.apiKeyFile !== undefined) await checkApiKeyFile(ex, input.apiKeyFile);
  if (target.targetsDir !== undefined) await prepareTargetsDir(target.targetsDir);
  const wrap = cluster.container ? containerPrefix(cluster.container, containerMounts(cluster.container, cluster.paths)) : undefined;
  const dir = `${cluster.paths.state_dir.replace(/\/+$/, '')}/services/${id}`;
  const body = (vllmArgs: readonly string[]) => renderServiceBody({
    id, model: input.model, vllmCommand: cluster.vllm_command, setup: cluster.setup, vllmArgs, dir, apiKeyFile: input.apiKeyFile, telemetry, containerPrefix: wrap, nodes: plan.nodes,
  });
  const job: JobRequest = {
    partition: input.partition, time: input.time, account: input.account, qos: input.qos, mem: input.mem, constraint: input.constraint, exclusive: input.exclusive,
    gres: plan.gpusPerNode > 0 ? `gpu:${plan.gpusPerNode}` : undefined, ...(plan.nodes > 1 ? { nodes: plan.nodes, ntasksPerNode: 1 } : {}),
  };
  return { id, plan, job, body, retries };
}

/** Submit a service job, record it, and (unless wait is false) wait until it serves the model; OOM failures are retried when asked. */
export async function startService(target: ClusterSession, input: StartServiceInput, hooks: ServiceHooks = {}): Promise<ServiceRecord> {
  const store = hooks.store ?? new ServiceStore();
  const prepared = await prepareStart(target, input);
  let vllmArgs = prepared.plan.vllmArgs;
  const attempts: ServiceAttempt[] = [];
  for (;;) {
    const record = await submitAttempt(target, input, prepared, vllmArgs, attempts, store);
    hooks.onProgress?.({ id: record.id, job_id: record.job_id, phase: 'SUBMITTED', detail: `job ${record.job_id} on ${target.cluster.name}${attempts.length > 0 ? ` (attempt ${attempts.length + 1})` : ''}`, elapsed_ms: 0 });
    if (input.wait === false) return record;
    let outcome: AttemptOutcome;
    try {
      const ready = await awaitReady(target, record, store, { timeoutMs: input.timeoutMs, expect: expectedModelNames(input.model, vllmArgs), cancelOnAbort: true }, { ...hooks, store });
      return prepared.retries > 0 ? await recordAttempts(store, ready, [...attempts, attemptOf(ready, vllmArgs, 'READY')]) : ready;
    } catch (error) {
      if (prepared.retries === 0 || hooks.signal?.aborted || !(error instanceof ServiceError)) throw error;
      outcome = await failedAttempt(target, record, store, vllmArgs, prepared.plan.modelMaxLen);
      attempts.push({ ...attemptOf(record, vllmArgs, outcome.state), ...(outcome.cause ? { cause: outcome.cause } : {}) });
      if (outcome.next === undefined || attempts.length > prepared.retries) {
        await recordAttempts(store, record, attempts);
        throw outcome.cause ? new ServiceError(`${error.message}\n(--retry-oom: ${attempts.length} attempt(s); ${outcome.next ? 'no retries left' : 'no smaller setting left to try'})`, { code: error.code, hint: error.hint }) : error;
      }
    }
    hooks.onWarning?.(`service ${prepared.id}: job ${record.job_id} ran out of memory (${outcome.cause}); retrying with ${outcome.next.change} (attempt ${attempts.length + 1} of ${prepared.retries + 1})`);
    vllmArgs = outcome.next.vllmArgs;
  }
}

// What one submission ran with (vLLM's defaults where the arguments say nothing) and how it ended.
function attemptOf(record: ServiceRecord, vllmArgs: readonly string[], outcome: string): ServiceAttempt {
  const len = argValue(vllmArgs, '--max-model-len');
  return {
    job_id: record.job_id, gpu_memory_utilization: Number(argValue(vllmArgs, '--gpu-memory-utilization') ?? 0.9),
    ...(len !== undefined ? { max_model_len: Number(len) } : {}), outcome, at: new Date().toISOString(),
  };
}

async function recordAttempts(store: ServiceStore, record: ServiceRecord, attempts: ServiceAttempt[]): Promise<ServiceRecord> {
  return store.update((records) => {
    const current = records[record.id];
    if (current?.job_id !== record.job_id) return record;
    records[record.id] = { ...current, attempts };
    return records[record.id]!;
  });
}

/** Reserve the id (refusing one in use), submit, and return the PENDING record. */
async function submitAttempt(target: ClusterSession, input: StartServiceInput, prepared: Prepared, vllmArgs: readonly string[], attempts: readonly ServiceAttempt[], store: ServiceStore): Promise<ServiceRecord> {
  const { cluster } = target;
  const { id, plan } = prepared;
  const now = new Date().toISOString();
  const served = expectedModelNames(input.model, vllmArgs);
  const draft: ServiceRecord = {
    id, model: input.model, cluster: cluster.name, job_id: '', status: 'PENDING', gpus: plan.gpusPerNode, vllm_args: [...vllmArgs],
    created_at: now, updated_at: now,
    ...(input.apiKeyFile !== undefined ? { api_key_file: input.apiKeyFile } : {}),
    ...(served[0] !== input.model || served.length > 1 ? { served_model_names: served } : {}),
    ...(input.telemetry ? { telemetry: true } : {}),
    ...(plan.nodes > 1 ? { nodes: plan.nodes } : {}),
    ...(input.group ? { group: input.group.id, replica: input.group.replica } : {}),
    ...(cluster.container ? { container: `${cluster.container.runtime} ${cluster.container.image}` } : {}),
    ...(plan.vram ? { vram: plan.vram } : {}),
    ...(attempts.length > 0 ? { attempts: [...attempts] } : {}),
  };
  // Reserve the id under the lock first, so two starts with the same --name cannot both submit.
  await store.update((records) => {
    const existing = records[id];
    if (existing !== undefined && (!isFinalStatus(existing.status) || isUnsettledReservation(existing))) {
      throw new ConflictError(`Service ${id} already exists (${existing.status}, job ${existing.job_id || 'being submitted'})`, { hint: `Stop it first: aibench service stop ${id}` });
    }
    records[id] = draft;
  });
  return submitReserved(target, draft, prepared.body(vllmArgs), prepared.job, store);
}

/**
 * Wait until an already submitted service serves (what `service start` does after sbatch), for a
 * service started with --no-wait or by a server that stopped watching it. Records READY, or on
 * failure what Slurm says; aborting with a DetachReason stops watching and leaves the job alone.
 */
export async function waitService(target: ClusterSession, record: ServiceRecord, input: Pick<StartServiceInput, 'timeoutMs'> = {}, hooks: ServiceHooks = {}): Promise<ServiceRecord> {
  if (isFinalStatus(record.status)) throw new ServiceError(`Service ${record.id} is ${record.status}${record.reason ? ` (${record.reason})` : ''}; start it again`);
  if (record.status === 'READY') return record;
  if (record.job_id === '') throw new ServiceError(`Service ${record.id} is still being submitted; try again in a moment`);
  const store = hooks.store ?? new ServiceStore();
  // Interrupting a wait stops the waiting only: the job was submitted on purpose, earlier.
  return awaitReady(target, record, store, { timeoutMs: input.timeoutMs ?? DEFAULT_START_TIMEOUT_MS, expect: record.served_model_names ?? [record.model], cancelOnAbort: false }, hooks);
}

export { stopService, type StopResult } from './stop.js';
