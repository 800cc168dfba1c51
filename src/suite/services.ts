// Bring a suite's services up and down as benchmark endpoints: a Slurm vLLM job (slurm-services.ts),
// an existing URL, or the embedded simulator. Everything this launcher started, and every leftover
// of an earlier run it did not reuse, is stopped by closeAll(), whatever happened in between.
import { benchmarkService } from '../bench/cluster/service-benchmark.js';
import type { BenchOutcome, Endpoint } from '../bench/engine/runner.js';
import type { BenchSpec } from '../bench/spec/bench-spec.js';
import { errorMessage } from '../errors.js';
import { startEmbeddedSim } from '../sim/embedded.js';
import type { ServiceAttempt } from '../service/index.js';
import type { SuiteService } from './schema.js';
import { SlurmServices, type SlurmOptions, type StartHooks } from './slurm-services.js';

export type { StartHooks } from './slurm-services.js';

/** A suite service as a benchmark Endpoint, held until close() (which stops what the suite started; a URL is left alone). */
export interface SuiteEndpoint extends Endpoint {
  jobId?: string;
  /** Every submission of a start with retry_oom, for the summary. */
  attempts?: ServiceAttempt[];
  /** How a spec is run against this service when it is not from this process (a Slurm service: its cluster client). */
  bench?: (spec: BenchSpec, signal: AbortSignal) => Promise<BenchOutcome>;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface ServiceLauncher {
  /** The resource key that limits concurrent starts (`slurm:<cluster>`), or none. */
  startResource(service: SuiteService): string | undefined;
  /** Stop what a killed earlier run of this suite left running, except (with reuse) the services in `keep`; lines for people. */
  stopLeftovers(keep: ReadonlySet<string>): Promise<string[]>;
  start(service: SuiteService, hooks: StartHooks): Promise<SuiteEndpoint>;
  /** Stop what is still running (leftovers too) and close cluster connections. */
  closeAll(): Promise<void>;
}

type LauncherOptions = SlurmOptions;

/** The launcher used by `suite run`. */
export function createServiceLauncher(options: LauncherOptions): ServiceLauncher {
  const slurm = new SlurmServices(options);
  const open = new OpenEndpoints();
  return {
    startResource: (service) => (service.kind === 'slurm' ? `slurm:${slurm.clusterOf(service)}` : undefined),
    stopLeftovers: async (keep) => (await slurm.stopLeftovers(keep)).map((o) => o.line),
    async start(service, hooks) {
      if (service.kind === 'url') return open.track({ url: service.url, provenance: { service_id: service.id } }, async () => undefined);
      if (service.kind === 'sim') {
        const server = await startEmbeddedSim(service.sim);
        return open.track({ url: server.url, provenance: { service_id: service.id } }, () => server.close());
      }
      const { endpoint, stop, attempts } = await slurm.start(service, hooks);
      const { url, apiKey, model, forwarded, provenance } = endpoint;
      // Specs that say client cluster run next to the service; the suite's id is replaced by the started service's.
      const bench = (spec: BenchSpec, signal: AbortSignal): Promise<BenchOutcome> =>
        benchmarkService(options.config, { ...spec, target: { ...spec.target, service: provenance.service_id } }, { signal }, options.store ? { store: options.store } : {});
      return open.track({ url, model, forwarded, provenance, jobId: provenance.job_id, bench, ...(apiKey ? { apiKey } : {}), ...(attempts ? { attempts } : {}) }, stop);
    },
    async closeAll() {
      const errors = await open.closeAll();
      for (const left of await slurm.stopLeftovers()) if (!left.stopped) errors.push(left.line);
      await slurm.close();
      if (errors.length > 0) throw new Error(`Could not stop every service: ${errors.join('; ')}`);
    },
  };
}

/** The endpoints a launcher handed out and not yet closed; each close runs its stop once. */
export class OpenEndpoints {
  readonly #open = new Set<SuiteEndpoint>();

  /** An endpoint whose close() runs `stop` once and forgets it. */
  track(endpoint: Omit<SuiteEndpoint, 'close'>, stop: () => Promise<void>): SuiteEndpoint {
    let closing: Promise<void> | undefined;
    const handle: SuiteEndpoint = { ...endpoint, close: () => (closing ??= stop().finally(() => this.#open.delete(handle))) };
    this.#open.add(handle);
    return handle;
  }

  /** Close every open endpoint; the errors, as messages. */
  async closeAll(): Promise<string[]> {
    const errors: string[] = [];
    await Promise.all([...this.#open].map((e) => e.close().catch((error: unknown) => void errors.push(errorMessage(error)))));
    return errors;
  }
}
