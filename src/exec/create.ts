// Pick the executor for a cluster. Both executors (execa, node-ssh) are imported lazily so commands
// that never run anything (a cached `service models`) start fast.
import type { ResolvedCluster } from '../config/schema.js';
import type { Executor } from './types.js';

/** Build the executor a cluster's config asks for. */
export async function createExecutor(cluster: ResolvedCluster, env: NodeJS.ProcessEnv = process.env): Promise<Executor> {
  if (cluster.executor === 'local') return new (await import('./local-executor.js')).LocalExecutor();
  const { createSshExecutor } = await import('./ssh-executor.js');
  return createSshExecutor(cluster.ssh, { env });
}
