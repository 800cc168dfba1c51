// A suite's Slurm services, through the service room's public calls only: startService, then
// openServiceTarget (the one "ready service -> benchmark endpoint" call that `bench run --service`
// and the control API use), stopService. Each start is recorded in the output directory first
// (started-services.ts), so services a killed run left behind are found: a READY one of the same
// definition is reused with --resume, any other is stopped before anything new starts.
import { randomBytes } from 'node:crypto';
import { minutesToSeconds } from '../bench/spec/duration.js';
import { resolveCluster } from '../config/cluster.js';
import type { Config } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import {
  openServiceTarget, openTarget, ServiceStore, startService, stopService,
  type ServiceAttempt, type ServiceBenchTarget, type ServiceProgress, type ServiceRecord, type ClusterSession,
} from '../service/index.js';
import type { SuiteService } from './schema.js';
import type { StartedEntry, StartedService, StartedServices } from './started-services.js';

type SlurmService = Extract<SuiteService, { kind: 'slurm' }>;

export interface SlurmOptions {
  config: Config;
  /** --cluster, then the suite's cluster; a service's own `cluster:` wins over both. */
  cluster?: string | undefined;
  store?: ServiceStore | undefined;
  /** The output directory's record of started services; none: nothing recorded, no leftovers. */
  ledger?: StartedServices | undefined;
  /** --resume: reuse a READY leftover of the same definition. */
  reuse?: boolean | undefined;
}

export interface StartHooks {
  signal: AbortSignal;
  onProgress?: ((event: ServiceProgress) => void) | undefined;
  /** Lines for people: a leftover reused or stopped. */
  onMessage?: ((line: string) => void) | undefined;
}

/** What became of a leftover: stopped (or found ended), or not, with a line for people. */
interface LeftoverOutcome {
  stopped: boolean;
  line: string;
}

/** A READY Slurm service as a benchmark endpoint, and how to stop it. */
interface OpenedService {
  endpoint: ServiceBenchTarget;
  stop(): Promise<void>;
  /** Every submission of a start with retry_oom (the service record's), for the summary. */
  attempts?: ServiceAttempt[];
}

/** The definition a leftover must match to be reused: every setting that shapes the server. */
export function serviceFingerprint(service: SlurmService, cluster: string): string {
  const { id, model, gpus, partition, time, vllm_args: args, api_key_file: keyFile } = service;
  return JSON.stringify({ id, cluster, model, gpus, partition, time, args, keyFile });
}

/** Starts, reuses and stops a suite's Slurm services; one cluster connection per cluster, kept until close(). */
export class SlurmServices {
  readonly #options: SlurmOptions;
  readonly #store: ServiceStore;
  readonly #connections = new Map<string, Promise<ClusterSession>>();
  /** Leftovers not yet reused or stopped, by the suite's service id. */
  readonly #leftovers: Map<string, StartedService>;

  constructor(options: SlurmOptions) {
    this.#options = options;
    this.#store = options.store ?? new ServiceStore();
    this.#leftovers = new Map((options.ledger?.leftovers ?? []).map((e) => [e.service, e]));
  }

  /** The cluster a service runs on (its own, else --cluster or the suite's, else the config's default). */
  clusterOf(service: SlurmService): string {
    return resolveCluster(this.#options.config, service.cluster ?? this.#options.cluster).name;
  }

  /** Stop the leftovers of earlier runs, except those of `keep` when they may be reused; a line for people each. */
  async stopLeftovers(keep: ReadonlySet<string> = new Set()): Promise<LeftoverOutcome[]> {
    const drop = [...this.#leftovers.values()].filter((e) => !(this.#options.reuse && keep.has(e.service)));
    return Promise.all(drop.map((entry) => this.#stopLeftover(entry)));
  }

  /** Reuse the service's READY leftover, or start it (and wait until READY); then open it as an endpoint. */
  async start(service: SlurmService, hooks: StartHooks): Promise<OpenedService> {
    const cluster = this.clusterOf(service);
    const leftover = this.#leftovers.get(service.id);
    if (leftover !== undefined) {
      const reused = this.#options.reuse && leftover.fingerprint === serviceFingerprint(service, cluster) ? await this.#reuse(leftover) : undefined;
      if (reused !== undefined) {
        hooks.onMessage?.(`service ${service.id}: reusing ${leftover.service_id} (job ${reused.endpoint.provenance.job_id}), left READY by an earlier run`);
        return reused;
      }
      hooks.onMessage?.((await this.#stopLeftover(leftover)).line);
    }
    const entry: StartedEntry = {
      service: service.id, service_id: `${service.id}-${randomBytes(3).toString('hex')}`, cluster, job_id: '', fingerprint: serviceFingerprint(service, cluster), state: 'started',
    };
    await this.#options.ledger?.record(entry);
    const record = await this.#submit(service, entry, hooks);
    return this.#open(record.id, entry).then((opened) => (record.attempts ? { ...opened, attempts: record.attempts } : opened)).catch(async (error: unknown) => {
      await this.#stop({ ...entry, job_id: record.job_id }).catch(() => undefined);
      throw error;
    });
  }

  /** Close the cluster connections. */
  async close(): Promise<void> {
    const connections = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(connections.map(async (c) => (await c.catch(() => undefined))?.ex.close().catch(() => undefined)));
  }

  #connection(cluster: string): Promise<ClusterSession> {
    let connection = this.#connections.get(cluster);
    if (connection === undefined) {
      connection = openTarget(this.#options.config, cluster);
      this.#connections.set(cluster, connection);
    }
    return connection;
  }

  // startService until READY; the job id is recorded as soon as sbatch answers. A start that failed
  // (timed out, interrupted) leaves no job behind: it is stopped here.
  async #submit(service: SlurmService, entry: StartedEntry, hooks: StartHooks): Promise<ServiceRecord> {
    const target = await this.#connection(entry.cluster);
    let submitted: Promise<void> | undefined;
    const onProgress = (event: ServiceProgress) => {
      if (event.phase === 'SUBMITTED') submitted = this.#options.ledger?.record({ ...entry, job_id: event.job_id });
      hooks.onProgress?.(event);
    };
    const input = {
      model: service.model, id: entry.service_id, gpus: service.gpus, time: service.time, partition: service.partition, vllmArgs: service.vllm_args, apiKeyFile: service.api_key_file, retryOom: service.retry_oom,
      timeoutMs: service.start_timeout_min === undefined ? undefined : minutesToSeconds(service.start_timeout_min, 'start_timeout_min') * 1000,
    };
    try {
      const record = await startService(target, input, { store: this.#store, signal: hooks.signal, onProgress });
      await submitted;
      return record;
    } catch (error) {
      await submitted?.catch(() => undefined);
      await this.#stop(entry).catch(() => undefined);
      throw error;
    }
  }

  // A READY service as a benchmark endpoint, through the call `bench run --service` and the control
  // API use (it reconciles with Slurm first and refuses what is not READY); stop() closes the
  // endpoint, then stops the job.
  async #open(serviceId: string, entry: StartedEntry): Promise<OpenedService> {
    const endpoint = await openServiceTarget(this.#options.config, serviceId, { store: this.#store });
    const withJob = { ...entry, job_id: endpoint.provenance.job_id };
    return {
      endpoint,
      stop: async () => {
        await endpoint.close().catch(() => undefined);
        await this.#stop(withJob);
      },
    };
  }

  // A leftover as an endpoint when it is still READY; undefined (and still a leftover) when not.
  async #reuse(leftover: StartedService): Promise<OpenedService | undefined> {
    const opened = await this.#open(leftover.service_id, leftover).catch(() => undefined);
    if (opened !== undefined) this.#leftovers.delete(leftover.service);
    return opened;
  }

  async #stopLeftover(entry: StartedService): Promise<LeftoverOutcome> {
    this.#leftovers.delete(entry.service);
    const what = `${entry.service_id}${entry.job_id === '' ? '' : ` (job ${entry.job_id})`}, left by an earlier run`;
    try {
      const ended = await this.#stop(entry);
      return { stopped: true, line: `service ${entry.service}: ${ended ? 'stopped' : 'found ended'} ${what}` };
    } catch (error) {
      return { stopped: false, line: `warning: service ${entry.service}: could not stop ${what}: ${errorMessage(error)}` };
    }
  }

  // Stop the entry's service (whatever its status: stopService is idempotent) and record it stopped;
  // true when a job was cancelled. A service missing from the store cannot be stopped by id: an error.
  async #stop(entry: StartedEntry): Promise<boolean> {
    const record = (await this.#store.read())[entry.service_id];
    if (record === undefined) {
      if (entry.job_id === '') {
        await this.#options.ledger?.stopped(entry); // never submitted
        return false;
      }
      throw new Error(`it is not in the service store; cancel job ${entry.job_id} with \`aibench jobs cancel ${entry.job_id}\``);
    }
    const result = await stopService(await this.#connection(entry.cluster), record, { store: this.#store });
    await this.#options.ledger?.stopped({ ...entry, job_id: record.job_id });
    return !result.alreadyStopped;
  }
}
