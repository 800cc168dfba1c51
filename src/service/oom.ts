// Pure: is a failed start an out-of-memory one (vLLM's log, or Slurm's OUT_OF_MEMORY), and what
// does the next attempt of `service start --retry-oom N` change. The ladder, step by step:
//   1. --gpu-memory-utilization goes down by 0.05 per attempt (from vLLM's 0.9 default, or what
//      was given) while it stays >= 0.70: vLLM claims less, leaving room for what runs beside it;
//   2. then --max-model-len is halved per attempt (from what was given, else the model's
//      max_position_embeddings) while it stays >= 1024: a shorter context needs less KV cache.
// "KV cache too small for max_model_len" skips step 1 (a lower utilisation would make it worse).

const UTILIZATION_STEP = 0.05;
const UTILIZATION_FLOOR = 0.7;
const MAX_MODEL_LEN_FLOOR = 1024;
const DEFAULT_UTILIZATION = 0.9;

interface OomSign {
  pattern: RegExp;
  cause: string;
  /** Only a shorter context helps. */
  contextOnly?: boolean;
}

// vLLM's own texts (vllm/v1/worker/utils.py request_memory, vllm/v1/core/kv_cache_utils.py) and torch's.
const SIGNS: readonly OomSign[] = [
  { pattern: /Free memory on device \S* ?\([^)]*\) on startup is less than desired GPU memory utilization/, cause: 'free GPU memory below --gpu-memory-utilization (vLLM)' },
  { pattern: /CUDA out of memory|torch\.(cuda\.)?OutOfMemoryError/, cause: 'CUDA out of memory' },
  { pattern: /No available memory for the cache blocks/, cause: 'no GPU memory left for the KV cache (vLLM)' },
  { pattern: /larger than the maximum number of tokens that can be stored in KV cache|max seq len .* is larger than/i, cause: 'max_model_len does not fit in the KV cache (vLLM)', contextOnly: true },
];

interface OomVerdict {
  cause: string;
  contextOnly: boolean;
}

/** The OOM cause in a failed job's log or Slurm state, or undefined when it failed for another reason. */
export function oomCause(log: string, jobState?: string): OomVerdict | undefined {
  for (const sign of SIGNS) if (sign.pattern.test(log)) return { cause: sign.cause, contextOnly: sign.contextOnly ?? false };
  if (jobState?.startsWith('OUT_OF_MEMORY')) return { cause: 'Slurm OUT_OF_MEMORY (host memory)', contextOnly: false };
  return undefined;
}

/** The value of `--flag V` / `--flag=V` (underscores accepted, as vLLM does); the last one wins. */
export function argValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  const names = new Set([flag, flag.replace(/-/g, '_').replace(/^__/, '--')]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.indexOf('=');
    if (eq > 0 && names.has(arg.slice(0, eq))) value = arg.slice(eq + 1);
    else if (names.has(arg) && i + 1 < args.length) value = args[++i];
  }
  return value;
}

/** args without any `--flag V` / `--flag=V`, then `--flag=value` appended. */
export function withArg(args: readonly string[], flag: string, value: string): string[] {
  const names = new Set([flag, flag.replace(/-/g, '_').replace(/^__/, '--')]);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (names.has(arg)) i++;
    else if (!names.has(arg.split('=')[0] ?? '')) out.push(arg);
  }
  return [...out, `${flag}=${value}`];
}

export interface OomStep {
  vllmArgs: string[];
  /** What changed, for people and the record. */
  change: string;
  gpu_memory_utilization: number;
  max_model_len?: number;
}

/** The next attempt's arguments, or undefined when the ladder has no step left. */
export function nextOomStep(vllmArgs: readonly string[], verdict: OomVerdict, modelMaxLen: number | undefined): OomStep | undefined {
  const utilization = Number(argValue(vllmArgs, '--gpu-memory-utilization') ?? DEFAULT_UTILIZATION);
  const lowered = Math.round((utilization - UTILIZATION_STEP) * 100) / 100;
  const given = argValue(vllmArgs, '--max-model-len');
  const maxLen = given !== undefined ? Number(given) : modelMaxLen;
  if (!verdict.contextOnly && Number.isFinite(utilization) && lowered >= UTILIZATION_FLOOR) {
    return { vllmArgs: withArg(vllmArgs, '--gpu-memory-utilization', String(lowered)), change: `--gpu-memory-utilization ${utilization} -> ${lowered}`, gpu_memory_utilization: lowered, ...(maxLen !== undefined ? { max_model_len: maxLen } : {}) };
  }
  if (maxLen === undefined || !Number.isFinite(maxLen)) return undefined;
  const halved = Math.floor(maxLen / 2);
  if (halved < MAX_MODEL_LEN_FLOOR) return undefined;
  return { vllmArgs: withArg(vllmArgs, '--max-model-len', String(halved)), change: `--max-model-len ${maxLen} -> ${halved}`, gpu_memory_utilization: utilization, max_model_len: halved };
}
