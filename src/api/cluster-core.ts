// The ControlCore `aibench api serve` runs on, over the configured clusters: services through
// ServiceControl (the service room, on the dispatcher), benchmarks through BenchmarkRegistry and
// the bench runner, result files where listResults() finds them, and the benchmark journal.
import { benchmarkService } from '../bench/cluster/service-benchmark.js';
import { configBenchDefaults } from '../bench/spec/build-spec.js';
import type { Config } from '../config/schema.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { TIER_NAMES, tierFromName, tierName, type TierName } from '../dispatch/tiers.js';
import { ConflictError } from '../errors.js';
import { ServiceStore } from '../service/index.js';
import { BenchmarkRegistry, type BenchmarkRunner } from './benchmarks.js';
import { BenchmarkJournal } from './journal.js';
import type { ControlCore, QueueState } from './control-core.js';
import { resultsDir as defaultResultsDir, saveResult } from '../bench/results/results-store.js';
import { ServiceControl } from './service-control.js';
import { ModelCatalogues } from './model-catalogue.js';

interface ClusterCoreOptions {
  config: Config;
  /** Cluster for POST /api/services without one (default: the config's default). */
  cluster?: string | undefined;
  store?: ServiceStore;
  resultsDir?: string;
  /** The benchmark journal (default `$XDG_STATE_HOME/aibench/api/benchmarks.json`). */
  journalPath?: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

type WaitListener = (tier: TierName, seconds: number) => void;

/** Benchmarks hold a slot for their whole run; one per service (resource), a few services at once. */
function createDispatcher(queued: Map<string, TierName>, waitListeners: WaitListener[]): Dispatcher {
  return new Dispatcher({
    floor: 2, ceiling: 8, initial: 4, resourceLimits: { 'service:*': 1, 'slurm:*': 2 },
    onEvent: ({ task }) => {
      if (task.state === 'queued') queued.set(task.id, tierName(task.tier) as TierName);
      else queued.delete(task.id);
      if (task.waitedMs !== undefined) for (const listener of waitListeners) listener(tierName(task.tier) as TierName, task.waitedMs / 1000);
    },
  });
}

// The priority queue as operators see it: depth and waits per tier, and paused tiers (journaled).
function queueControl(dispatcher: Dispatcher, queued: ReadonlyMap<string, TierName>, journal: BenchmarkJournal, log: NonNullable<ClusterCoreOptions['log']>) {
  const paused = () => dispatcher.pausedTiers.map((t) => tierName(t) as TierName);
  function queueDepth(): Record<TierName, number> {
    const depth = Object.fromEntries(TIER_NAMES.map((t) => [t, 0])) as Record<TierName, number>;
    for (const tier of queued.values()) depth[tier] += 1;
    return depth;
  }
  const queueState = (): QueueState => ({ depth: queueDepth(), paused: paused(), waits: dispatcher.waitTimes() });
  const setPaused = async (tier: TierName, pause: boolean): Promise<QueueState> => {
    if (pause) dispatcher.pause(tierFromName(tier));
    else dispatcher.resume(tierFromName(tier));
    await journal.recordPaused(paused());
    log(pause ? 'queue tier paused' : 'queue tier resumed', { tier });
    return queueState();
  };
  return { queueDepth, queueState, pauseTier: (tier: TierName) => setPaused(tier, true), resumeTier: (tier: TierName) => setPaused(tier, false) };
}

/**
 * The core over the clusters. Takes the benchmark journal's lock (LockedError, exit 4, when
 * another server holds it); resume() picks up what an earlier server left.
 */
export async function createClusterCore(options: ClusterCoreOptions): Promise<ControlCore> {
  const { config } = options;
  const store = options.store ?? new ServiceStore();
  const log = options.log ?? (() => undefined);
  const queued = new Map<string, TierName>();
  const waitListeners: WaitListener[] = [];
  const dispatcher = createDispatcher(queued, waitListeners);
  // The benchmark's client runs where its spec says: inside the cluster by default, or here.
  const run: BenchmarkRunner = (_request, spec, hooks) => benchmarkService(config, spec, hooks, { store });
  const dir = options.resultsDir ?? defaultResultsDir();
  const journal = await BenchmarkJournal.open(options.journalPath);
  // Tiers an operator paused stay paused across a restart (before anything is queued again).
  for (const tier of journal.pausedTiers()) dispatcher.pause(tierFromName(tier));
  const benchmarks = new BenchmarkRegistry({ dispatcher, run, save: (id, runs) => saveResult(dir, id, runs), resultsDir: dir, journal, log, defaults: configBenchDefaults(config) });
  const queue = queueControl(dispatcher, queued, journal, log);
  const catalogues = new ModelCatalogues(config);
  const services = new ServiceControl({ config, cluster: options.cluster, store, dispatcher, log, onStop: (id) => benchmarks.cancelForService(id) });
  return {
    listServices: () => services.list(),
    getService: (id) => services.get(id),
    startService: (input, source) => services.start(input, source),
    stopService: (id) => services.stop(id),
    serviceModels: (id) => services.models(id),
    modelCatalogue: (cluster) => catalogues.get(cluster ?? options.cluster),
    async startBenchmark(input, source) {
      const record = await services.record(input.service_id);
      if (record.status !== 'READY') throw new ConflictError(`service ${input.service_id} is ${record.status}, not READY`);
      return benchmarks.start(input, source);
    },
    getBenchmark: (id) => benchmarks.get(id),
    listBenchmarks: async () => benchmarks.list(),
    cancelBenchmark: (id) => benchmarks.cancel(id),
    ...queue,
    subscribeQueueWaits: (listener) => void waitListeners.push(listener),
    // Once listening: queued benchmarks run again, services left starting are watched.
    async resume() {
      const restored = benchmarks.restore();
      if (restored.requeued + restored.failed + restored.finished > 0) log('benchmark journal read', { path: journal.path, ...restored });
      await services.resume();
    },
    // Services keep running and are no longer watched; running benchmarks are cancelled and
    // saved, queued ones wait in the journal for the next server.
    async close() {
      await services.close();
      await benchmarks.close();
      await journal.close();
    },
  };
}
