// What a service start will ask of Slurm and vLLM, decided before anything is submitted: the model
// is checked in the cluster's HF cache (refused at once when it cannot start), the VRAM estimate
// is made, `--gpus auto` picks the layout, and GPUs, nodes, tensor and pipeline parallel sizes are
// made consistent between sbatch and `vllm serve` (or refused, exit 2, saying why).
import type { ResolvedCluster } from '../config/schema.js';
import { UsageError } from '../errors.js';
import type { Executor } from '../exec/types.js';
import { checkModel, gpuOf, memoryPlan, modelRefusal, refusePathTraversal, type MemoryPlan } from '../models/index.js';
import { refuseContainerLayout } from './container.js';
import { argValue, withArg } from './oom.js';
import type { ServiceVram } from './record.js';

export interface LayoutRequest {
  /** GPUs per node, or auto (from the VRAM estimate). */
  gpus?: number | 'auto' | undefined;
  nodes?: number | undefined;
  tensorParallel?: number | undefined;
  pipelineParallel?: number | undefined;
  partition?: string | undefined;
  /** False to skip the HF cache check (default true). */
  modelCheck?: boolean | undefined;
}

export interface StartPlan {
  vllmArgs: string[];
  gpusPerNode: number;
  nodes: number;
  vram?: ServiceVram;
  /** The model's context when the cache says it (the OOM ladder halves it when --max-model-len was not given). */
  modelMaxLen?: number;
}

const TP = '--tensor-parallel-size';
const PP = '--pipeline-parallel-size';

/** The one value of a layout setting, from its flag or the server arguments, never both. */
function fromFlagOrArgs(flag: number | undefined, args: readonly string[], name: string, short: string): number | undefined {
  const inArgs = argValue(args, name) ?? argValue(args, short);
  if (flag !== undefined && inArgs !== undefined) throw new UsageError(`${name}: given both as a flag (${flag}) and in --vllm-arg (${inArgs}); expected it once`);
  if (inArgs === undefined) return flag;
  const n = Number(inArgs);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--vllm-arg ${name}: expected a whole number >= 1, got ${JSON.stringify(inArgs)}`);
  return n;
}

/** Check the model, estimate its memory and settle the layout; throws UsageError (exit 2) for anything that cannot work. */
export async function planServiceStart(ex: Executor, cluster: ResolvedCluster, model: string, vllmArgs: readonly string[], request: LayoutRequest): Promise<StartPlan> {
  refusePathTraversal(model);
  const gpu = gpuOf(cluster.gpu, request.partition ?? cluster.slurm.partition);
  const given = { tp: fromFlagOrArgs(request.tensorParallel, vllmArgs, TP, '-tp'), pp: fromFlagOrArgs(request.pipelineParallel, vllmArgs, PP, '-pp') };
  // A layout given in numbers is refused before the cluster is asked anything.
  let layout = request.gpus === 'auto' ? undefined : numericLayout(request.gpus ?? 0, request.nodes ?? 1, given);
  if (layout !== undefined) refuseLayout(cluster, layout, gpu.per_node);
  const check = request.modelCheck === false ? undefined : await checkModel(ex, cluster, model);
  const refusal = check ? modelRefusal(check, cluster.name) : undefined;
  if (refusal) throw refusal;
  const maxLen = argValue(vllmArgs, '--max-model-len');
  const settings = { maxModelLen: maxLen === undefined ? undefined : Number(maxLen), utilization: Number(argValue(vllmArgs, '--gpu-memory-utilization') ?? 0.9), gpu };
  if (layout === undefined) {
    const smallest = check?.entry ? memoryPlan(check.entry, settings)?.smallest : undefined;
    if (smallest === undefined) throw autoRefusal(check?.entry !== undefined, gpu.memory_gib !== undefined, cluster.name);
    const pp = smallest.pipelineParallel;
    layout = { gpus: smallest.tensorParallel, nodes: pp, tp: given.tp ?? smallest.tensorParallel, pp: given.pp ?? (pp > 1 ? pp : undefined) };
    refuseLayout(cluster, layout, gpu.per_node);
  }
  const { gpus, nodes, tp, pp } = layout;
  const plan = check?.entry ? memoryPlan(check.entry, { ...settings, tensorParallel: tp, pipelineParallel: pp }) : undefined;
  if (plan?.fits === false && gpus > 0) throw fitRefusal(model, plan, gpus * nodes);
  // Sizes that came from flags or defaults are passed to vLLM; ones already in --vllm-arg stay as written.
  const inArgs = (name: string, short: string) => argValue(vllmArgs, name) !== undefined || argValue(vllmArgs, short) !== undefined;
  let args = [...vllmArgs];
  if (tp !== undefined && (tp > 1 || request.tensorParallel !== undefined) && !inArgs(TP, '-tp')) args = withArg(args, TP, String(tp));
  if (pp !== undefined && (pp > 1 || request.pipelineParallel !== undefined) && !inArgs(PP, '-pp')) args = withArg(args, PP, String(pp));
  const modelMaxLen = check?.entry?.max_position_embeddings;
  return { vllmArgs: args, gpusPerNode: gpus, nodes, ...(plan ? { vram: vramRecord(plan) } : {}), ...(modelMaxLen !== undefined ? { modelMaxLen } : {}) };
}

interface Layout {
  gpus: number;
  nodes: number;
  tp: number | undefined;
  pp: number | undefined;
}

/** GPUs and nodes as given; tensor parallel defaults to the GPUs per node, pipeline parallel to the nodes (vLLM's advice across nodes). */
function numericLayout(gpus: number, nodes: number, given: { tp: number | undefined; pp: number | undefined }): Layout {
  if (nodes > 1) return { gpus, nodes, tp: given.tp ?? gpus, pp: given.pp ?? nodes };
  return { gpus, nodes, tp: given.tp ?? (gpus > 1 && given.pp === undefined ? gpus : undefined), pp: given.pp };
}

function refuseLayout(cluster: ResolvedCluster, l: Layout, perNode: number | undefined): void {
  const total = l.gpus * l.nodes;
  const have = `the job's ${total} GPU(s) (--gpus ${l.gpus} x --nodes ${l.nodes})`;
  if (l.tp !== undefined && l.tp > total) throw new UsageError(`--tensor-parallel-size ${l.tp}: expected at most ${have}`, { hint: 'Raise --gpus (GPUs per node) or --nodes, or use --gpus auto.' });
  if ((l.tp !== undefined || l.pp !== undefined) && (l.tp ?? 1) * (l.pp ?? 1) > total) throw new UsageError(`--tensor-parallel-size ${l.tp ?? 1} x --pipeline-parallel-size ${l.pp ?? 1}: expected at most ${have}`);
  if (perNode !== undefined && l.gpus > perNode) throw new UsageError(`--gpus ${l.gpus}: expected at most the ${perNode} GPUs per node of clusters.${cluster.name}.gpu; use --nodes for more`);
  if (l.nodes > 1 && l.gpus === 0) throw new UsageError(`--nodes ${l.nodes}: expected --gpus >= 1 per node (a multi-node vLLM splits the model over GPUs with Ray)`);
  refuseContainerLayout(cluster.container, l.nodes, cluster.name);
}

function autoRefusal(haveModel: boolean, haveMemory: boolean, cluster: string): UsageError {
  const why = !haveModel ? 'the model is not in the HF cache with its config.json (nothing to estimate from)'
    : !haveMemory ? `the GPU's memory is not configured (clusters.${cluster}.gpu.memory_gib)` : 'no layout up to 8 nodes fits the estimate';
  return new UsageError(`--gpus auto: cannot pick a GPU count: ${why}`, { hint: 'Give --gpus N (and --nodes) yourself, or fix what is named.' });
}

function fitRefusal(model: string, plan: MemoryPlan, total: number): UsageError {
  const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
  const need = plan.smallest ? `it needs ${plan.smallest.tensorParallel * plan.smallest.pipelineParallel} GPU(s) (tensor parallel ${plan.smallest.tensorParallel} x pipeline ${plan.smallest.pipelineParallel})` : 'no layout up to 8 nodes fits';
  return new UsageError(`--model ${model}: does not fit ${total} GPU(s): ${gib(plan.estimate.total_bytes_per_gpu)} per GPU estimated, ${gib((plan.gpu_memory_bytes ?? 0) * plan.gpu_memory_utilization)} available (${plan.gpu_memory_utilization} of ${gib(plan.gpu_memory_bytes ?? 0)}); ${need}`, {
    code: 'E_VRAM', hint: 'Use --gpus auto, lower --max-model-len, or skip the estimate with --no-model-check (README "VRAM planning" has the formula).',
  });
}

function vramRecord(plan: MemoryPlan): ServiceVram {
  const e = plan.estimate;
  return {
    estimate_bytes_per_gpu: e.total_bytes_per_gpu, weights_bytes_per_gpu: e.weights_bytes_per_gpu, kv_bytes_per_gpu: e.kv_bytes_per_gpu,
    overhead_bytes_per_gpu: e.overhead_bytes_per_gpu, max_model_len: plan.max_model_len,
    ...(plan.gpu_memory_bytes !== undefined ? { gpu_memory_bytes: plan.gpu_memory_bytes } : {}), ...(plan.fits !== undefined ? { fits: plan.fits } : {}),
  };
}
