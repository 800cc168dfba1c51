// Glue from a service id to its cluster: the store says which cluster, the config says how to
// reach it. `onServiceCluster` opens the executor for the call and always closes it.
import { resolveCluster } from '../config/cluster.js';
import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { createExecutor } from '../exec/create.js';
import type { ClusterSession } from './lifecycle.js';
import { targetsDirOf } from './scrape-targets.js';
import type { ServiceRecord } from './record.js';
import type { Records, ServiceStore } from './store.js';

/** The record for `id`, or a UsageError that lists the known ids. */
export function findService(records: Records, id: string): ServiceRecord {
  const record = records[id];
  if (record !== undefined) return record;
  const known = Object.keys(records).sort();
  throw new UsageError(`Unknown service ${JSON.stringify(id)}; known services: ${known.length > 0 ? known.join(', ') : 'none'}`, {
    hint: 'List them with `aibench service ls`.',
  });
}

/** Look up `id` in the store. */
export async function getService(store: ServiceStore, id: string): Promise<ServiceRecord> {
  return findService(await store.read(), id);
}

export type OpenTarget = (config: Config, clusterName: string | undefined) => Promise<ClusterSession>;

/** Resolve the cluster and open its executor. */
export const openTarget: OpenTarget = async (config, clusterName) => {
  const cluster = resolveCluster(config, clusterName);
  return { cluster, ex: await createExecutor(cluster), targetsDir: targetsDirOf(config) };
};

/** Run `fn` with the named cluster's executor open, then close it. */
export async function onServiceCluster<T>(config: Config, clusterName: string | undefined, fn: (target: ClusterSession) => Promise<T>, open: OpenTarget = openTarget): Promise<T> {
  const target = await open(config, clusterName);
  try {
    return await fn(target);
  } finally {
    await target.ex.close();
  }
}
