// What the simulator server runs with: the typed options and their defaults, in one place for both
// ways of starting it (`aibench sim` argv in src/cli/sim-args.ts, the embedded default in embedded.ts).

/** Everything the simulator needs to run; times in milliseconds unless the name says otherwise. */
export interface SimOptions {
  model: string;
  /** Names the API answers to; the first one labels metrics (vLLM does the same). */
  servedModelNames: string[];
  host: string;
  port: number;
  maxNumSeqs: number;
  maxModelLen: number;
  apiKey: string | undefined;
  prefillMsPerToken: number;
  prefillOverheadMs: number;
  itlMs: number;
  jitter: number;
  seed: number;
  startupDelayS: number;
  errorRate: number;
  crashOnStart: boolean;
  /** Output length when the request gives no max_tokens (the simulated model "stops" there). */
  defaultMaxTokens: number | undefined;
  readyFile: string | undefined;
  /** vLLM's --gpu-memory-utilization (only the simulated start-up memory check reads it). */
  gpuMemoryUtilization: number;
  /** Fail at start as vLLM does when free GPU memory is below what the utilisation claims (sim/oom.ts). */
  oomAboveUtilization?: number | undefined;
  /** Prefix caching: prefill only for prompt tokens not already cached (blocks of 16 tokens, LRU). */
  prefixCaching: boolean;
  /** KV cache blocks of 16 tokens the prefix cache may hold (vLLM's --num-gpu-blocks-override). */
  numGpuBlocks: number;
  /** How long a batch job waits (validating, queued) before it runs. */
  batchQueueDelayMs: number;
  /** Append one JSON line per finished generation request here (arrival, first token, end, tokens, messages). */
  requestLog: string | undefined;
  /** What the simulated crash on start says (a scenario's out-of-memory message). */
  crashMessage: string | undefined;
}

/** The model vLLM serves when none is named. */
export const DEFAULT_SIM_MODEL = 'facebook/opt-125m';

/** Defaults of every option that has one (`aibench sim --help` shows them). Loopback, unlike vLLM's 0.0.0.0. */
export const SIM_DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  maxNumSeqs: 256,
  maxModelLen: 4096,
  prefillMsPerToken: 0.05,
  prefillOverheadMs: 5,
  itlMs: 10,
  jitter: 0,
  seed: 0,
  startupDelayS: 0,
  errorRate: 0,
  crashOnStart: false,
  gpuMemoryUtilization: 0.9,
  prefixCaching: false,
  numGpuBlocks: 65_536,
  batchQueueDelayMs: 500,
} as const satisfies Partial<SimOptions>;
