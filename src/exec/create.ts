// Pick the executor for a cluster. The SSH executor (node-ssh) is imported lazily so commands
// that never touch SSH start fast.
import type { ResolvedCluster } from '../config/schema.js';
import { LocalExecutor } from './local-executor.js';
import type { Executor } from './types.js';

/** Build the executor a cluster's config asks for. */
export async function createExecutor(cluster: ResolvedCluster, env: NodeJS.ProcessEnv = process.env): Promise<Executor> {
  if (cluster.executor === 'local') return new LocalExecutor();
  const { createSshExecutor } = await import('./ssh-executor.js');
  return createSshExecutor(cluster.ssh, { env });
}
