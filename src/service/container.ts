// Pure: the words that run a command inside the cluster's container (`clusters.<c>.container`),
// with the HF cache, the shared state dir and the configured mounts bound, and the job's HF and
// API-key variables passed in. apptainer passes the environment by itself; enroot only what
// --env names. Both are refused for what they cannot do (see refuseContainerLayout).
import type { ContainerConfig } from '../config/schema.js';
import { UsageError } from '../errors.js';

/** Variables the server needs from the job's environment (enroot passes only those named). */
const PASSED_ENV = ['HF_HOME', 'HUGGINGFACE_HUB_CACHE', 'HF_HUB_CACHE', 'HF_HUB_OFFLINE', 'HF_TOKEN', 'VLLM_API_KEY', 'RAY_ADDRESS', 'SLURM_JOB_ID'];

/** The bind mounts: the HF cache (hf_home, and hf_hub_cache when outside it), the state dir, then the configured ones. */
export function containerMounts(container: ContainerConfig, paths: { hf_home: string; hf_hub_cache: string; state_dir: string }): string[] {
  const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir.replace(/\/+$/, '')}/`);
  const auto = [paths.hf_home, ...(under(paths.hf_hub_cache, paths.hf_home) ? [] : [paths.hf_hub_cache]), paths.state_dir];
  const all = [...auto.map((p) => `${p}:${p}`), ...container.mounts.map((m) => (m.includes(':') ? m : `${m}:${m}`))];
  return [...new Set(all)];
}

/** The prefix words: `apptainer exec --nv --bind A:A,B:B IMAGE` or `enroot start --mount A:A ... --env X IMAGE`. */
export function containerPrefix(container: ContainerConfig, mounts: readonly string[]): string[] {
  if (container.runtime === 'apptainer') return ['apptainer', 'exec', '--nv', '--bind', mounts.join(','), container.image];
  return ['enroot', 'start', ...mounts.flatMap((m) => ['--mount', m]), ...PASSED_ENV.flatMap((v) => ['--env', v]), container.image];
}

/**
 * enroot is started by the batch script on the first node only (spanning nodes needs Slurm's pyxis
 * plugin, which aibench does not drive), so it cannot host a multi-node (Ray) service.
 */
export function refuseContainerLayout(container: ContainerConfig | undefined, nodes: number, cluster: string): void {
  if (container?.runtime === 'enroot' && nodes > 1) {
    throw new UsageError(`--nodes ${nodes}: clusters.${cluster}.container.runtime enroot cannot span nodes (it runs on the batch node only); expected --nodes 1, or runtime: apptainer`, {
      hint: 'apptainer runs each Ray process of a multi-node service inside the image with srun; or serve on one node with --tensor-parallel-size.',
    });
  }
}
