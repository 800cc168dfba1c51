// Pick a cluster by name and fill in its derived paths. The built-in `local` cluster exists
// unless the config defines its own `local`.
import { UsageError } from '../errors.js';
import { expandHome, localStateDir } from './paths.js';
import { ClusterSchema, type ClusterConfig, type Config, type ResolvedCluster } from './schema.js';

/** Default shared state dir for SSH clusters: must be visible to login and compute nodes. */
export const DEFAULT_SSH_STATE_DIR = '/shared/aibench';

const BUILT_IN_LOCAL: ClusterConfig = ClusterSchema.parse({ executor: 'local' });

/** All clusters by name, the built-in local one included. */
export function allClusters(config: Config): Record<string, ClusterConfig> {
  return { local: BUILT_IN_LOCAL, ...config.clusters };
}

/** Resolve a cluster by name (or the default), with absolute paths. */
export function resolveCluster(config: Config, name?: string, env: NodeJS.ProcessEnv = process.env): ResolvedCluster {
  const clusters = allClusters(config);
  const chosen = name ?? config.default_cluster ?? 'local';
  const cluster = clusters[chosen];
  if (!cluster) {
    throw new UsageError(`Unknown cluster ${JSON.stringify(chosen)}; known clusters: ${Object.keys(clusters).join(', ')}`, {
      hint: 'Define it under `clusters:` in the config file (`aibench config show` prints the effective config).',
    });
  }
  const home = env.HOME;
  const local = cluster.executor === 'local';
  const expand = (p: string) => (local ? expandHome(p, home) : p);
  const stateDir = cluster.paths.state_dir ?? (local ? localStateDir(env) : DEFAULT_SSH_STATE_DIR);
  const hfHome = expand(cluster.paths.hf_home);
  return {
    ...cluster,
    name: chosen,
    paths: {
      state_dir: expand(stateDir),
      hf_home: hfHome,
      hf_hub_cache: expand(cluster.paths.hf_hub_cache ?? `${hfHome}/hub`),
    },
  };
}

/** How long a wait on this cluster retries a dropped SSH connection (0 for a local cluster: nothing to drop). */
export function reconnectBudgetMs(cluster: Pick<ResolvedCluster, 'executor'> & { ssh?: { reconnect_timeout_s: number } }): number {
  return cluster.executor === 'ssh' && cluster.ssh !== undefined ? cluster.ssh.reconnect_timeout_s * 1000 : 0;
}
