// Every metric name the telemetry agent emits, in one place: the agent registers exactly these,
// and the Grafana dashboards (src/grafana) import them, so a renamed metric breaks a test instead
// of a dashboard.

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

/** All metric names the telemetry agent can emit. */
export const TELEMETRY_METRIC_NAMES: readonly string[] = [
  ...Object.values(GPU_METRICS),
  ...Object.values(GPU_PROCESS_METRICS),
  ...Object.values(AGENT_METRICS),
].map((m) => m.name);
