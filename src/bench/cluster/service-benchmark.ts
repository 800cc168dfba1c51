// The one way to benchmark a READY service, used by `bench run --service`, the control API and
// suites: its client inside the cluster next to it (placement cluster, the default), or from this
// process (placement local: directly, or through an SSH forward, which the result records).
import type { Config } from '../../config/schema.js';
import { openBenchTarget, openClusterBenchTarget, type ServiceStore } from '../../service/index.js';
import { UsageError } from '../../errors.js';
import { runLocal } from '../engine/execute.js';
import type { BenchHooks, BenchOutcome } from '../engine/runner.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import { runSearch, type MeasureRun } from '../search/run-search.js';
import { runClusterClient } from './launch.js';

interface ServiceBenchOptions {
  store?: ServiceStore;
  /** A key for a local client that overrides the service's own key file. */
  apiKey?: string;
}

/** Run the spec against its service (spec.target.service) and return what was measured; a search measures each step so. */
export function benchmarkService(config: Config, spec: BenchSpec, hooks: BenchHooks = {}, options: ServiceBenchOptions = {}): Promise<BenchOutcome> {
  const once: MeasureRun = (s, h) => benchmarkServiceOnce(config, s, h, options);
  return spec.search === undefined ? once(spec, hooks) : runSearch(spec, once, hooks);
}

async function benchmarkServiceOnce(config: Config, spec: BenchSpec, hooks: BenchHooks, options: ServiceBenchOptions): Promise<BenchOutcome> {
  const id = spec.target.service;
  if (id === undefined) throw new UsageError('service: expected a service id to benchmark, got none');
  const open = options.store ? { store: options.store } : {};
  if (spec.client.placement === 'cluster') {
    const target = await openClusterBenchTarget(config, id, open);
    try {
      refuseBalance(spec, target.replicas);
      return await runClusterClient(spec, target, hooks);
    } finally {
      await target.close();
    }
  }
  const endpoint = await openBenchTarget(config, id, open);
  try {
    refuseBalance(spec, endpoint.replicas);
    return await runLocal(spec, { ...endpoint, ...(options.apiKey ? { apiKey: options.apiKey } : {}) }, hooks);
  } finally {
    await endpoint.close();
  }
}

// --balance is read only for a group: on one service it would silently mean nothing.
function refuseBalance(spec: BenchSpec, replicas: readonly unknown[] | undefined): void {
  if (spec.target.balance !== undefined && replicas === undefined) {
    throw new UsageError(`--balance: only read for a service group (service start --replicas N), got it with the single service ${spec.target.service ?? ''}`);
  }
}
