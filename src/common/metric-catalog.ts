// Every metric name aibench emits or reads, in one catalogue (ground floor): the simulator's vLLM
// names, the telemetry agent's GPU and health names, and the bench push gauges. The emitters
// (sim, telemetry, bench) register exactly these and the dashboards (grafana) import them, so a
// renamed metric breaks a test instead of a dashboard.

// ---- vLLM (what `vllm serve` exposes on /metrics, and so the simulator too) ----

/** vLLM's metric names as the simulator exposes them (taken from vLLM v1 vllm/v1/metrics/loggers.py). */
export const VLLM_METRICS = {
  running: 'vllm:num_requests_running',
  waiting: 'vllm:num_requests_waiting',
  kvCacheUsage: 'vllm:kv_cache_usage_perc',
  promptTokens: 'vllm:prompt_tokens_total',
  generationTokens: 'vllm:generation_tokens_total',
  requestSuccess: 'vllm:request_success_total',
  ttft: 'vllm:time_to_first_token_seconds',
  itl: 'vllm:inter_token_latency_seconds',
  e2e: 'vllm:e2e_request_latency_seconds',
  queueTime: 'vllm:request_queue_time_seconds',
  prefillTime: 'vllm:request_prefill_time_seconds',
  decodeTime: 'vllm:request_decode_time_seconds',
  inferenceTime: 'vllm:request_inference_time_seconds',
  preemptions: 'vllm:num_preemptions_total',
  /** Prefix cache queries and hits, in prompt tokens (vLLM v1's counters; the hit rate is hits / queries). */
  prefixCacheQueries: 'vllm:prefix_cache_queries_total',
  prefixCacheHits: 'vllm:prefix_cache_hits_total',
} as const;

/** Histogram families among VLLM_METRICS; Prometheus stores them as _bucket, _sum and _count series. */
const VLLM_HISTOGRAMS: readonly string[] = [
  VLLM_METRICS.ttft, VLLM_METRICS.itl, VLLM_METRICS.e2e, VLLM_METRICS.queueTime, VLLM_METRICS.prefillTime, VLLM_METRICS.decodeTime, VLLM_METRICS.inferenceTime,
];

/** Every series name the simulator's /metrics exposes (histograms expanded). */
export const VLLM_METRIC_NAMES: readonly string[] = Object.values(VLLM_METRICS).flatMap((name) =>
  VLLM_HISTOGRAMS.includes(name) ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
);

// ---- GPU telemetry (the agent's own registry) ----

/** Labels on every per-GPU series. */
export const GPU_LABELS = ['gpu', 'uuid', 'model_name', 'host'] as const;

/** Per-GPU gauges (and one counter) set from nvidia-smi samples; units are in the names. */
export const GPU_METRICS = {
  utilization: { name: 'aibench_gpu_utilization_ratio', help: 'GPU utilization (0-1), nvidia-smi utilization.gpu', type: 'gauge' },
  memoryUtilization: { name: 'aibench_gpu_memory_utilization_ratio', help: 'Memory controller utilization (0-1), nvidia-smi utilization.memory', type: 'gauge' },
  memoryUsed: { name: 'aibench_gpu_memory_used_bytes', help: 'Framebuffer memory used in bytes', type: 'gauge' },
  memoryTotal: { name: 'aibench_gpu_memory_total_bytes', help: 'Framebuffer memory total in bytes', type: 'gauge' },
  power: { name: 'aibench_gpu_power_watts', help: 'Power draw in watts', type: 'gauge' },
  temperature: { name: 'aibench_gpu_temperature_celsius', help: 'GPU core temperature in degrees Celsius', type: 'gauge' },
  smClock: { name: 'aibench_gpu_sm_clock_hertz', help: 'SM clock in hertz', type: 'gauge' },
  energy: { name: 'aibench_gpu_energy_joules_total', help: 'Energy used since the agent started, integrated from power draw', type: 'counter' },
} as const;

/** Per-process GPU memory (from --query-compute-apps); labels: gpu_uuid, pid, process_name, host. */
export const GPU_PROCESS_METRICS = {
  memoryUsed: { name: 'aibench_gpu_process_memory_used_bytes', help: 'GPU memory used by one process in bytes', type: 'gauge' },
} as const;
export const GPU_PROCESS_LABELS = ['gpu_uuid', 'pid', 'process_name', 'host'] as const;

/** The agent's own health. */
export const AGENT_METRICS = {
  samples: { name: 'aibench_telemetry_samples_total', help: 'nvidia-smi samples taken', type: 'counter' },
  sampleErrors: { name: 'aibench_telemetry_sample_errors_total', help: 'nvidia-smi samples that failed', type: 'counter' },
  sendsOk: { name: 'aibench_telemetry_sends_ok_total', help: 'Successful sends to a sink', type: 'counter' },
  sendsFailed: { name: 'aibench_telemetry_sends_failed_total', help: 'Failed sends to a sink', type: 'counter' },
  spoolBytes: { name: 'aibench_telemetry_spool_bytes', help: 'Bytes waiting in the on-disk spool', type: 'gauge' },
  spoolDropped: { name: 'aibench_telemetry_spool_dropped_total', help: 'Samples dropped because the spool was full', type: 'counter' },
} as const;

/** The Pushgateway job name of the agent. */
export const GPU_PUSH_JOB = 'aibench_gpu';

/**
 * The label that says which sink delivered a telemetry series (`via="pushgateway"` or
 * `via="remote_write"`). An agent sending through both would otherwise put two copies of every
 * sample into the same series; labelled, they are two series and a query picks one.
 */
export const SINK_LABEL = 'via';
/** The sinks' names: the value of SINK_LABEL, and of the health counters' `sink` label. */
export const SINK_NAMES = { pushgateway: 'pushgateway', remoteWrite: 'remote_write' } as const;

/** All metric names the telemetry agent can emit. */
export const TELEMETRY_METRIC_NAMES: readonly string[] = [
  ...Object.values(GPU_METRICS),
  ...Object.values(GPU_PROCESS_METRICS),
  ...Object.values(AGENT_METRICS),
].map((m) => m.name);

// ---- bench push (`bench run --push`: a run's summary as gauges) ----

/** The Pushgateway job of pushed results; grouping labels model, load, run_id. */
export const BENCH_PUSH_JOB = 'aibench_bench';

const LATENCY_STATS = ['mean', 'median', 'p90', 'p95', 'p99'] as const;

/** Every metric name bench push sends, with the result field it comes from and the factor to base units. */
export const BENCH_PUSH_METRICS: ReadonlyArray<{ name: string; field: string; help: string; scale: number }> = [
  { name: 'aibench_bench_completed_requests', field: 'completed', help: 'Requests completed in the measured phase', scale: 1 },
  { name: 'aibench_bench_failed_requests', field: 'failed', help: 'Requests failed in the measured phase', scale: 1 },
  { name: 'aibench_bench_duration_seconds', field: 'duration_s', help: 'Measured benchmark duration', scale: 1 },
  { name: 'aibench_bench_request_throughput_requests_per_second', field: 'request_throughput', help: 'Completed requests per second', scale: 1 },
  { name: 'aibench_bench_request_goodput_requests_per_second', field: 'request_goodput', help: 'Requests meeting every SLO per second', scale: 1 },
  { name: 'aibench_bench_output_throughput_tokens_per_second', field: 'output_throughput', help: 'Output tokens per second', scale: 1 },
  { name: 'aibench_bench_total_token_throughput_tokens_per_second', field: 'total_token_throughput', help: 'Input + output tokens per second', scale: 1 },
  ...(['ttft', 'tpot', 'itl', 'e2el'] as const).flatMap((metric) =>
    LATENCY_STATS.map((stat) => ({
      name: `aibench_bench_${metric}_${stat}_seconds`,
      field: `${stat}_${metric}_ms`,
      help: `${stat} ${metric.toUpperCase()}`,
      scale: 1e-3,
    })),
  ),
  // Server truth over the run's window (nested result fields: server_metrics.*, ttft_breakdown.*).
  { name: 'aibench_bench_server_ttft_mean_seconds', field: 'server_metrics.mean_ttft_ms', help: "Server's mean TTFT (vllm:time_to_first_token_seconds) over the run", scale: 1e-3 },
  { name: 'aibench_bench_server_queue_time_mean_seconds', field: 'server_metrics.mean_queue_time_ms', help: "Server's mean queue time over the run", scale: 1e-3 },
  { name: 'aibench_bench_server_prefill_time_mean_seconds', field: 'server_metrics.mean_prefill_time_ms', help: "Server's mean prefill time over the run", scale: 1e-3 },
  { name: 'aibench_bench_server_decode_time_mean_seconds', field: 'server_metrics.mean_decode_time_ms', help: "Server's mean decode time over the run", scale: 1e-3 },
  { name: 'aibench_bench_server_requests_waiting_max', field: 'server_metrics.max_num_requests_waiting', help: 'Most requests waiting in the server queue during the run', scale: 1 },
  { name: 'aibench_bench_server_requests_running_max', field: 'server_metrics.max_num_requests_running', help: 'Most requests running in the server batch during the run', scale: 1 },
  { name: 'aibench_bench_server_kv_cache_usage_max_ratio', field: 'server_metrics.max_kv_cache_usage_perc', help: 'Highest KV-cache usage (0-1) during the run', scale: 1 },
  { name: 'aibench_bench_server_preemptions', field: 'server_metrics.preemptions', help: 'Preemptions during the run', scale: 1 },
  { name: 'aibench_bench_ttft_other_mean_seconds', field: 'ttft_breakdown.other_ms', help: 'Mean TTFT not spent queued or in prefill on the server: network, HTTP, client', scale: 1e-3 },
];
