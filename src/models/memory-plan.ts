// Pure: a catalogue entry + the settings a service would start with -> the VRAM estimate, whether
// it fits the GPUs the config describes, and the smallest layout that would (for --gpus auto).
import { configDtypeBytes } from './model-config.js';
import type { CatalogueEntry } from './catalogue.js';
import { DTYPE_BYTES } from './safetensors.js';
import { DEFAULT_GPU_MEMORY_UTILIZATION, estimateVram, GIB, judgeFit, planLayout, type VramEstimate, type VramInput } from './vram.js';

export interface PlanSettings {
  /** --max-model-len; default: the model's max_position_embeddings. */
  maxModelLen?: number | undefined;
  tensorParallel?: number | undefined;
  pipelineParallel?: number | undefined;
  utilization?: number | undefined;
  /** The GPU as the config describes it (memory in GiB, GPUs per node). */
  gpu?: { memory_gib?: number | undefined; per_node?: number | undefined } | undefined;
}

export interface MemoryPlan {
  estimate: VramEstimate;
  max_model_len: number;
  gpu_memory_utilization: number;
  /** Present when the GPU's memory is known. */
  gpu_memory_bytes?: number;
  fits?: boolean;
  headroom_bytes?: number;
  /** Full-length sequences the KV cache would hold at this layout. */
  max_sequences?: number;
  /** The smallest layout that fits (only when the GPU's memory is known). */
  smallest?: VramEstimate;
}

/** The estimate's inputs from an entry; undefined when the entry lacks the shape, the size or a context length. */
function vramInput(entry: CatalogueEntry, maxModelLen: number | undefined): VramInput | undefined {
  if (entry.shape === undefined) return undefined;
  const dtypeBytes = configDtypeBytes(entry.dtype) ?? (entry.dtype !== undefined ? DTYPE_BYTES[entry.dtype] : undefined) ?? 2;
  const weightsBytes = entry.weights_bytes ?? (entry.parameters !== undefined ? entry.parameters * dtypeBytes : undefined);
  const len = maxModelLen ?? entry.max_position_embeddings;
  if (weightsBytes === undefined || len === undefined) return undefined;
  const { layers, heads, kv_heads: kvHeads, head_dim: headDim } = entry.shape;
  // vLLM's kv_cache_dtype "auto" is the model's dtype; quantized weights (1 byte) still keep a 16-bit cache.
  return { weightsBytes, shape: { layers, heads, kvHeads, headDim }, maxModelLen: len, kvDtypeBytes: Math.max(2, dtypeBytes) };
}

/** The plan for an entry, or undefined when the entry says too little to estimate anything. */
export function memoryPlan(entry: CatalogueEntry, settings: PlanSettings): MemoryPlan | undefined {
  const input = vramInput(entry, settings.maxModelLen);
  if (input === undefined) return undefined;
  const layout = { tensorParallel: settings.tensorParallel ?? 1, pipelineParallel: settings.pipelineParallel ?? 1 };
  const estimate = estimateVram(input, layout);
  const utilization = settings.utilization ?? DEFAULT_GPU_MEMORY_UTILIZATION;
  const plan: MemoryPlan = { estimate, max_model_len: input.maxModelLen, gpu_memory_utilization: utilization };
  const memoryGib = settings.gpu?.memory_gib;
  if (memoryGib === undefined) return plan;
  const budget = { memoryBytes: memoryGib * GIB, utilization };
  const fit = judgeFit(estimate, budget, input);
  const smallest = planLayout(input, budget, settings.gpu?.per_node ?? 8);
  return { ...plan, gpu_memory_bytes: budget.memoryBytes, fits: fit.fits, headroom_bytes: fit.headroom_bytes, max_sequences: fit.max_sequences, ...(smallest ? { smallest } : {}) };
}
