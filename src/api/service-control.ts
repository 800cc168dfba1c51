// The services half of the control core: list, start (submitted on the dispatcher, READY watched
// in the background), stop (answered at once, the job cancelled in the background), models, and on
// resume the services an earlier server left starting. Everything goes through the service room;
// stopping a service never queues behind other work.
import type { Config } from '../config/schema.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import { Tier } from '../dispatch/tiers.js';
import { ConflictError, errorMessage, NotFoundError } from '../errors.js';
import {
  isFinalStatus, listServices, newServiceId, onServiceCluster, serviceModels, startService, stopService, waitService, type ServiceRecord, type ServiceStore,
} from '../service/index.js';
import type { ModelList, RequestSource, ServiceView } from './control-core.js';
import { ServiceWatchers, type CoreLog } from './service-watchers.js';
import type { ServiceRequest } from './validation.js';

interface ServiceControlOptions {
  config: Config;
  /** Cluster for POST /api/services without one (default: the config's default). */
  cluster: string | undefined;
  store: ServiceStore;
  dispatcher: Dispatcher;
  log: CoreLog;
  /** Called as a stop begins (the core cancels the service's benchmarks). */
  onStop: (id: string) => void;
}

export class ServiceControl {
  readonly #watchers: ServiceWatchers;
  /** Stops this server accepted and is still carrying out, and why the last one of a service failed. */
  readonly #stopping = new Map<string, Promise<void>>();
  readonly #stopErrors = new Map<string, string>();
  constructor(private readonly options: ServiceControlOptions) {
    this.#watchers = new ServiceWatchers(options.log);
  }

  /** Every service of every cluster, as `service ls` shows them (STOPPING while this server stops one). */
  async list(): Promise<ServiceView[]> {
    return (await listServices(this.options.config, { store: this.options.store })).map((record) => this.#view(record));
  }

  /** One service, as list() shows it. */
  async get(id: string): Promise<ServiceView> {
    return this.#view(await this.record(id));
  }

  #view(record: ServiceRecord): ServiceView {
    if (this.#stopping.has(record.id)) return { ...record, status: 'STOPPING' };
    const error = this.#stopErrors.get(record.id);
    return error === undefined || isFinalStatus(record.status) ? record : { ...record, stop_error: error };
  }

  /** The stored record of `id`; NotFoundError when there is none. */
  async record(id: string): Promise<ServiceRecord> {
    const record = (await this.options.store.read())[id];
    if (record === undefined) throw new NotFoundError(`unknown service ${id}`);
    return record;
  }

  /** Submit (the dispatcher slot is held until sbatch answered) and return the PENDING record. */
  async start(input: ServiceRequest, source: RequestSource): Promise<ServiceView> {
    const { config, dispatcher } = this.options;
    const id = input.name ?? newServiceId(input.model);
    const cluster = input.cluster ?? this.options.cluster;
    const tier = source === 'browser' ? Tier.INTERACTIVE : Tier.BACKGROUND;
    await dispatcher.add(() => this.#submit(id, input, cluster), {
      tier, resources: [`slurm:${cluster ?? config.default_cluster ?? 'local'}`], label: `start service ${id}`,
    });
    return (await this.record(id)) as ServiceView;
  }

  // Resolves once the job is submitted; the wait for READY goes on, watched, outside the slot.
  #submit(id: string, input: ServiceRequest, cluster: string | undefined): Promise<void> {
    const abort = new AbortController();
    return new Promise<void>((submitted, failed) => {
      const work = onServiceCluster(this.options.config, cluster, (target) =>
        startService(target, { model: input.model, id, gpus: input.gpus, vllmArgs: input.vllm_args }, {
          store: this.options.store, signal: abort.signal,
          onProgress: (event) => {
            if (event.phase !== 'SUBMITTED') return;
            this.#watchers.claim(id, abort); // the id is ours now (a duplicate name never gets here)
            submitted();
          },
        }));
      this.#watchers.watch(id, abort, work);
      work.then(() => submitted(), failed);
    });
  }

  /**
   * Cancel the service's start and its benchmarks, and start stopping its job: answered at once
   * (STOPPING), the scancel and the wait until Slurm no longer runs it go on in the background.
   */
  async stop(id: string): Promise<ServiceView> {
    const record = await this.record(id);
    if (this.#stopping.has(id)) return this.#view(record);
    this.#watchers.cancel(id, new Error('stopped through the API'));
    this.options.onStop(id);
    if (isFinalStatus(record.status)) return record;
    this.#stopErrors.delete(id);
    // Registered before any await, so a second DELETE meanwhile joins this stop.
    this.#stopping.set(id, this.#stopJob(record).finally(() => this.#stopping.delete(id)));
    return this.#view(record);
  }

  async #stopJob(record: ServiceRecord): Promise<void> {
    const { config, store, log } = this.options;
    try {
      const fresh = (await store.read())[record.id] ?? record;
      const result = await onServiceCluster(config, record.cluster, (target) => stopService(target, fresh, { store }));
      log('service stopped', { id: record.id, job_id: result.record.job_id, status: result.record.status });
    } catch (error) {
      this.#stopErrors.set(record.id, errorMessage(error));
      log('service stop failed', { id: record.id, job_id: record.job_id, error: errorMessage(error) });
    }
  }

  /** The models of a READY service (cached, or fetched through its endpoint); ConflictError otherwise. */
  async models(id: string): Promise<ModelList> {
    const { status } = this.#view(await this.record(id));
    if (status !== 'READY') throw new ConflictError(`service ${id} is ${status}: it serves no models`, { hint: `Start it again, or list another service's models.` });
    return { ...(await serviceModels(this.options.config, id, { store: this.options.store })) };
  }

  /** Watch until READY the services left PENDING or STARTING (only the ready check sets READY). */
  async resume(): Promise<void> {
    const { config, store, log } = this.options;
    for (const record of Object.values(await store.read())) {
      if (record.job_id === '' || record.status === 'READY' || isFinalStatus(record.status) || this.#watchers.has(record.id)) continue;
      const abort = new AbortController();
      this.#watchers.claim(record.id, abort);
      log('watching a starting service', { id: record.id, job_id: record.job_id });
      this.#watchers.watch(record.id, abort, onServiceCluster(config, record.cluster, (target) => waitService(target, record, {}, { store, signal: abort.signal })));
    }
  }

  /** Stop watching (the services keep running: they outlive the API server); stops under way finish. */
  async close(): Promise<void> {
    this.#watchers.detachAll();
    await Promise.all(this.#stopping.values());
  }
}
