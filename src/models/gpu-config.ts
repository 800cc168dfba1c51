// Pure: the GPU a job would get, as the cluster config describes it (`clusters.<c>.gpu`, with a
// partition's own entry winning), for VRAM planning before anything is submitted.
import type { GpuConfig } from '../config/schema.js';

/** Memory (GiB) and GPUs per node of the partition's nodes; fields the config leaves out are undefined. */
export function gpuOf(gpu: GpuConfig, partition: string | undefined): { memory_gib?: number | undefined; per_node?: number | undefined } {
  const own = partition !== undefined ? gpu.partitions[partition] : undefined;
  return { memory_gib: own?.memory_gib ?? gpu.memory_gib, per_node: own?.per_node ?? gpu.per_node };
}
