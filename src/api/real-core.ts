// The real ControlCore: services through the service room (submit on the dispatcher, readiness
// watched in the background), benchmarks through BenchmarkRegistry and the bench runner, result
// files where listResults() finds them. Stopping a service never queues behind other work.
import { runBenchmark } from '../bench/engine/runner.js';
import type { Config } from '../config/schema.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { Tier, TIER_NAMES, tierName, type TierName } from '../dispatch/tiers.js';
import { errorMessage } from '../errors.js';
import {
  DetachReason, isFinalStatus, listServices, newServiceId, onServiceCluster, openServiceTarget, serviceModels, ServiceStore, startService, stopService, waitService,
} from '../service/index.js';
import { BenchmarkRegistry, type BenchmarkRunner } from './benchmarks.js';
import { BenchmarkJournal } from './journal.js';
import { ConflictError, NotFoundError, type ControlCore, type RequestSource, type ServiceView } from './core.js';
import { resultsDir as defaultResultsDir, saveResult } from '../bench/results/results-store.js';
import type { ServiceRequest } from './validation.js';

export interface RealCoreOptions {
  config: Config;
  /** Cluster for POST /api/services without one (default: the config's default). */
  cluster?: string | undefined;
  store?: ServiceStore;
  resultsDir?: string;
  /** The benchmark journal (default `$XDG_STATE_HOME/aibench/api/benchmarks.json`). */
  journalPath?: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * The core `aibench api serve` runs on. Takes the benchmark journal's lock (LockedError, exit 4,
 * when another server holds it) and picks up what an earlier server left queued.
 */
export async function createRealCore(options: RealCoreOptions): Promise<ControlCore> {
  const { config } = options;
  const store = options.store ?? new ServiceStore();
  const log = options.log ?? (() => undefined);
  const queued = new Map<string, TierName>();
  // Benchmarks hold a slot for their whole run; one per service (resource), a few services at once.
  const dispatcher = new Dispatcher({
    floor: 2, ceiling: 8, initial: 4, resourceLimits: { 'service:*': 1, 'slurm:*': 2 },
    onEvent: ({ task }) => {
      if (task.state === 'queued') queued.set(task.id, tierName(task.tier) as TierName);
      else queued.delete(task.id);
    },
  });
  const run: BenchmarkRunner = async (request, spec, hooks) => {
    const target = await openServiceTarget(config, request.service_id, { store });
    try {
      return await runBenchmark(spec, target, hooks);
    } finally {
      await target.close();
    }
  };
  const dir = options.resultsDir ?? defaultResultsDir();
  const journal = await BenchmarkJournal.open(options.journalPath);
  const benchmarks = new BenchmarkRegistry({ dispatcher, run, save: (id, runs) => saveResult(dir, id, runs), resultsDir: dir, journal, log });
  // One readiness watcher per service this server started (or found starting): its abort stops
  // the start (DELETE) or only the watching (server stopping: DetachReason).
  const watchers = new Map<string, AbortController>();
  const watch = (id: string, abort: AbortController, work: Promise<unknown>) => {
    work.then(
      () => log('service ready', { id }),
      (error: unknown) => !(abort.signal.reason instanceof DetachReason) && log('service did not become ready', { id, error: errorMessage(error) }),
    ).finally(() => watchers.get(id) === abort && watchers.delete(id));
  };

  const existing = async (id: string) => {
    const record = (await store.read())[id];
    if (record === undefined) throw new NotFoundError(`unknown service ${id}`);
    return record;
  };

  return {
    listServices: async () => (await listServices(config, { store })) as ServiceView[],

    async startService(input: ServiceRequest, source: RequestSource) {
      const id = input.name ?? newServiceId(input.model);
      const cluster = input.cluster ?? options.cluster;
      const abort = new AbortController();
      const tier = source === 'browser' ? Tier.INTERACTIVE : Tier.BACKGROUND;
      // The dispatcher slot is held until the job is submitted; the wait for READY runs outside it.
      await dispatcher.add(
        () =>
          new Promise<void>((submitted, failed) => {
            const work = onServiceCluster(config, cluster, (target) =>
              startService(target, { model: input.model, id, gpus: input.gpus, vllmArgs: input.vllm_args }, {
                store, signal: abort.signal,
                onProgress: (event) => {
                  if (event.phase !== 'SUBMITTED') return;
                  watchers.set(id, abort); // the id is ours now (a duplicate name never gets here)
                  submitted();
                },
              }));
            watch(id, abort, work);
            work.then(() => submitted(), failed);
          }),
        { tier, resources: [`slurm:${cluster ?? config.default_cluster ?? 'local'}`], label: `start service ${id}` },
      );
      return (await existing(id)) as ServiceView;
    },

    async stopService(id: string) {
      const record = await existing(id);
      watchers.get(id)?.abort(new Error('stopped through the API'));
      benchmarks.cancelForService(id);
      if (isFinalStatus(record.status)) return record as ServiceView;
      const fresh = (await store.read())[id] ?? record;
      const result = await onServiceCluster(config, record.cluster, (target) => stopService(target, fresh, { store }));
      return result.record as ServiceView;
    },

    async serviceModels(id: string) {
      await existing(id);
      return { ...(await serviceModels(config, id, { store })) };
    },

    async startBenchmark(input, source) {
      const record = await existing(input.service_id);
      if (record.status !== 'READY') throw new ConflictError(`service ${input.service_id} is ${record.status}, not READY`);
      return benchmarks.start(input, source);
    },
    getBenchmark: (id) => benchmarks.get(id),
    listBenchmarks: async () => benchmarks.list(),
    cancelBenchmark: (id) => benchmarks.cancel(id),

    queueDepth() {
      const depth = Object.fromEntries(TIER_NAMES.map((t) => [t, 0])) as Record<TierName, number>;
      for (const tier of queued.values()) depth[tier] += 1;
      return depth;
    },

    // Once listening: what an earlier server left. Queued benchmarks run again; services still
    // PENDING or STARTING are watched until READY (only the ready check sets READY).
    async resume() {
      const restored = benchmarks.restore();
      if (restored.requeued + restored.failed + restored.finished > 0) log('benchmark journal read', { path: journal.path, ...restored });
      for (const record of Object.values(await store.read())) {
        if (record.job_id === '' || record.status === 'READY' || isFinalStatus(record.status) || watchers.has(record.id)) continue;
        const abort = new AbortController();
        watchers.set(record.id, abort);
        log('watching a starting service', { id: record.id, job_id: record.job_id });
        watch(record.id, abort, onServiceCluster(config, record.cluster, (target) => waitService(target, record, {}, { store, signal: abort.signal })));
      }
    },

    // Services keep running (they outlive the API server) and are no longer watched; running
    // benchmarks are cancelled and saved, queued ones wait in the journal for the next server.
    async close() {
      for (const abort of watchers.values()) abort.abort(new DetachReason());
      await benchmarks.close();
      await journal.close();
    },
  };
}
