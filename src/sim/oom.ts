// The simulator's start-up memory check (`--oom-above-utilization F`): vLLM claims
// gpu_memory_utilization x the GPU's memory at start and fails when less than that is free
// (vllm/v1/worker/utils.py request_memory). Here "free" is F x the memory, so any
// --gpu-memory-utilization above F fails with vLLM's own lines, as a job log shows them.

/** What torch reports as an 80 GB H100's total memory. */
const TOTAL_GIB = 79.19;

/** The log lines vLLM prints when the check fails, or undefined when the start would pass. */
export function simulatedOomLog(options: { gpuMemoryUtilization: number; oomAboveUtilization?: number | undefined }, pid: number): string[] | undefined {
  const limit = options.oomAboveUtilization;
  if (limit === undefined || options.gpuMemoryUtilization <= limit) return undefined;
  const free = (limit * TOTAL_GIB).toFixed(2);
  const wanted = (options.gpuMemoryUtilization * TOTAL_GIB).toFixed(2);
  const core = `(EngineCore_DP0 pid=${pid})`;
  return [
    `${core} ERROR [core.py:708] EngineCore failed to start.`,
    `${core} ERROR [core.py:708] Traceback (most recent call last):`,
    `${core} ERROR [core.py:708]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/utils.py", line 374, in request_memory`,
    `${core} ERROR [core.py:708]     raise ValueError(`,
    `${core} ERROR [core.py:708] ValueError: Free memory on device cuda:0 (${free}/${TOTAL_GIB} GiB) on startup is less than desired GPU memory utilization (${options.gpuMemoryUtilization}, ${wanted} GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.`,
    `(APIServer pid=${pid}) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}`,
  ];
}
