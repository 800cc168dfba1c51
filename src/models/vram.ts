// Pure: GPU memory a vLLM server needs, per GPU, and the GPU count at which it fits.
//
//   weights  = bytes of the weights as stored (safetensors headers), else parameters x dtype bytes,
//              split over tensor x pipeline parallel ranks;
//   KV cache = 2 (K and V) x layers x KV heads x head dim x KV dtype bytes x max_model_len x sequences,
//              layers split over pipeline stages, KV heads over tensor ranks (at least one per rank);
//   overhead = a fixed allowance per GPU for the CUDA context, activations at profiling and CUDA
//              graphs (vLLM: "CUDA graphs can take additional 1~3 GiB memory per GPU").
//
// vLLM claims gpu_memory_utilization x the GPU's memory and fails at start when weights + peak
// activations + one full-length sequence of KV cache do not fit in it, so "fits" means
// per-GPU need <= memory x utilization. README "VRAM planning" states the sources checked.

export const GIB = 1024 ** 3;
/** The default per-GPU allowance beyond weights and KV cache. */
const DEFAULT_OVERHEAD_BYTES = 2 * GIB;
/** vLLM's default --gpu-memory-utilization. */
export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;

interface KvShape {
  layers: number;
  kvHeads: number;
  headDim: number;
  /** Query heads: tensor parallel size must divide them. */
  heads: number;
}

export interface VramInput {
  weightsBytes: number;
  shape: KvShape;
  maxModelLen: number;
  kvDtypeBytes: number;
  /** Full-length sequences that must fit at once (default 1: what vLLM checks at start). */
  sequences?: number;
  overheadBytes?: number;
}

interface Parallelism {
  tensorParallel: number;
  pipelineParallel: number;
}

export interface VramEstimate extends Parallelism {
  weights_bytes_per_gpu: number;
  kv_bytes_per_token: number;
  kv_bytes_per_gpu: number;
  overhead_bytes_per_gpu: number;
  total_bytes_per_gpu: number;
}

/** KV cache bytes one token takes over the whole model. */
export function kvBytesPerToken(shape: KvShape, kvDtypeBytes: number): number {
  return 2 * shape.layers * shape.kvHeads * shape.headDim * kvDtypeBytes;
}

/** The per-GPU estimate for one layout. */
export function estimateVram(input: VramInput, layout: Parallelism): VramEstimate {
  const { tensorParallel: tp, pipelineParallel: pp } = layout;
  const perToken = kvBytesPerToken(input.shape, input.kvDtypeBytes);
  const headsPerRank = Math.max(1, Math.ceil(input.shape.kvHeads / tp));
  const kvPerGpu = (perToken / input.shape.kvHeads) * headsPerRank / pp * input.maxModelLen * (input.sequences ?? 1);
  const weights = input.weightsBytes / (tp * pp);
  const overhead = input.overheadBytes ?? DEFAULT_OVERHEAD_BYTES;
  return {
    tensorParallel: tp, pipelineParallel: pp, weights_bytes_per_gpu: Math.round(weights), kv_bytes_per_token: perToken,
    kv_bytes_per_gpu: Math.round(kvPerGpu), overhead_bytes_per_gpu: overhead, total_bytes_per_gpu: Math.round(weights + kvPerGpu + overhead),
  };
}

interface GpuBudget {
  memoryBytes: number;
  utilization: number;
}

/** Whether an estimate fits, the room left, and how many full-length sequences the KV cache holds. */
export function judgeFit(estimate: VramEstimate, budget: GpuBudget, input: Pick<VramInput, 'maxModelLen' | 'sequences'>): { fits: boolean; budget_bytes: number; headroom_bytes: number; max_sequences: number } {
  const budgetBytes = budget.memoryBytes * budget.utilization;
  const headroom = budgetBytes - estimate.total_bytes_per_gpu;
  const perSequence = estimate.kv_bytes_per_gpu / (input.sequences ?? 1);
  const forKv = budgetBytes - estimate.weights_bytes_per_gpu - estimate.overhead_bytes_per_gpu;
  return { fits: headroom >= 0, budget_bytes: Math.round(budgetBytes), headroom_bytes: Math.round(headroom), max_sequences: perSequence > 0 ? Math.max(0, Math.floor(forKv / perSequence)) : 0 };
}

/**
 * The smallest layout that fits: tensor parallel 1, 2, 4, ... up to the GPUs of one node (each
 * dividing the attention heads), then whole nodes as pipeline stages (tensor parallel = GPUs per
 * node, as vLLM recommends across nodes), up to maxNodes. Undefined when nothing fits.
 */
export function planLayout(input: VramInput, budget: GpuBudget, gpusPerNode: number, maxNodes = 8): VramEstimate | undefined {
  const candidates: Parallelism[] = [];
  for (let tp = 1; tp <= gpusPerNode; tp *= 2) if (input.shape.heads % tp === 0) candidates.push({ tensorParallel: tp, pipelineParallel: 1 });
  if (input.shape.heads % gpusPerNode === 0) for (let pp = 2; pp <= maxNodes; pp++) candidates.push({ tensorParallel: gpusPerNode, pipelineParallel: pp });
  for (const layout of candidates) {
    const estimate = estimateVram(input, layout);
    if (judgeFit(estimate, budget, input).fits) return estimate;
  }
  return undefined;
}

/** 16060522496 -> "14.96 GiB". */
export function formatGib(bytes: number): string {
  return `${(bytes / GIB).toFixed(2)} GiB`;
}
