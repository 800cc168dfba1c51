// Bring a suite's services up and down: a Slurm vLLM job (src/service startService/stopService,
// reached directly or through an SSH forward), an existing URL, or the embedded simulator.
// Everything this launcher started is stopped by closeAll(), whatever happened in between.
import { randomBytes } from 'node:crypto';
import { minutesToSeconds } from '../bench/spec/duration.js';
import { simArgv } from '../bench/engine/execute.js';
import type { RunProvenance } from '../bench/results/build-result.js';
import { resolveCluster } from '../config/cluster.js';
import type { Config } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import { readServiceApiKey } from '../service/api-key.js';
import { openEndpoint } from '../service/endpoint.js';
import { startService, stopService, type ServiceTarget } from '../service/lifecycle.js';
import { isFinalStatus, type ServiceRecord } from '../service/record.js';
import { openTarget, type OpenTarget } from '../service/session.js';
import { ServiceStore } from '../service/store.js';
import type { ServiceProgress } from '../service/wait-ready.js';
import { parseSimArgs } from '../sim/options.js';
import { startSimServer } from '../sim/server.js';
import type { SuiteService } from './schema.js';

/** A service ready for benchmarks. */
export interface RunningTarget {
  url: string;
  apiKey?: string;
  jobId?: string;
  provenance: RunProvenance;
  /** Stop it (a Slurm job is cancelled; a URL target is left alone). Idempotent. */
  close(): Promise<void>;
}

export interface ServiceLauncher {
  /** The resource key that limits concurrent starts (`slurm:<cluster>`), or none. */
  startResource(service: SuiteService): string | undefined;
  start(service: SuiteService, hooks: { signal: AbortSignal; onProgress?: (event: ServiceProgress) => void }): Promise<RunningTarget>;
  /** Stop what is still running and close cluster connections. */
  closeAll(): Promise<void>;
}

export interface LauncherOptions {
  config: Config;
  /** --cluster, then the suite's cluster; a service's own `cluster:` wins over both. */
  cluster?: string;
  store?: ServiceStore;
  open?: OpenTarget;
}

/** The launcher used by `suite run`. */
export function createServiceLauncher(options: LauncherOptions): ServiceLauncher {
  const targets = new Map<string, Promise<ServiceTarget>>();
  const running = new Set<RunningTarget>();
  const store = options.store ?? new ServiceStore();
  const clusterOf = (service: SuiteService) => resolveCluster(options.config, service.kind === 'slurm' ? (service.cluster ?? options.cluster) : options.cluster).name;
  const targetFor = (name: string): Promise<ServiceTarget> => {
    let target = targets.get(name);
    if (target === undefined) {
      target = (options.open ?? openTarget)(options.config, name);
      targets.set(name, target);
    }
    return target;
  };
  const track = (target: Omit<RunningTarget, 'close'>, stop: () => Promise<void>): RunningTarget => {
    let closing: Promise<void> | undefined;
    const handle: RunningTarget = { ...target, close: () => (closing ??= stop().finally(() => running.delete(handle))) };
    running.add(handle);
    return handle;
  };

  async function startSlurm(service: Extract<SuiteService, { kind: 'slurm' }>, hooks: Parameters<ServiceLauncher['start']>[1]): Promise<RunningTarget> {
    const target = await targetFor(clusterOf(service));
    const id = `${service.id}-${randomBytes(3).toString('hex')}`;
    let record;
    try {
      record = await startService(target, {
        model: service.model, id, gpus: service.gpus, time: service.time, partition: service.partition, vllmArgs: service.vllm_args,
        apiKeyFile: service.api_key_file, timeoutMs: service.start_timeout_min === undefined ? undefined : minutesToSeconds(service.start_timeout_min, 'start_timeout_min') * 1000,
      }, { store, signal: hooks.signal, onProgress: hooks.onProgress });
    } catch (error) {
      // A start that timed out leaves its job queued or running: cancel it, never leave a GPU job behind.
      const left = (await store.read().catch((): Record<string, ServiceRecord> => ({})))[id];
      if (left !== undefined && !isFinalStatus(left.status)) await stopService(target, left, { store }).catch(() => undefined);
      throw error;
    }
    const ready = record;
    const endpoint = await openEndpoint(target.ex, ready.endpoint as NonNullable<typeof ready.endpoint>).catch(async (error: unknown) => {
      await stopService(target, ready, { store }).catch(() => undefined);
      throw error;
    });
    const apiKey = await readServiceApiKey(target.ex, ready.api_key_file);
    return track(
      { url: endpoint.url, jobId: ready.job_id, ...(apiKey ? { apiKey } : {}), provenance: { cluster: target.cluster.name, job_id: ready.job_id, service_id: id, ...(ready.node ? { node: ready.node } : {}) } },
      async () => {
        await endpoint.close().catch(() => undefined);
        await stopService(target, ready, { store });
      },
    );
  }

  return {
    startResource: (service) => (service.kind === 'slurm' ? `slurm:${clusterOf(service)}` : undefined),
    async start(service, hooks) {
      if (service.kind === 'url') return track({ url: service.url, provenance: { service_id: service.id } }, async () => undefined);
      if (service.kind === 'sim') {
        const server = await startSimServer(parseSimArgs(simArgv(service.sim)).options);
        return track({ url: server.url, provenance: { service_id: service.id } }, () => server.close());
      }
      return startSlurm(service, hooks);
    },
    async closeAll() {
      const errors: string[] = [];
      await Promise.all([...running].map((t) => t.close().catch((error: unknown) => void errors.push(errorMessage(error)))));
      await Promise.all([...targets.values()].map(async (t) => (await t.catch(() => undefined))?.ex.close().catch(() => undefined)));
      targets.clear();
      if (errors.length > 0) throw new Error(`Could not stop every service: ${errors.join('; ')}`);
    },
  };
}
