// The service record: what the store keeps about one vLLM service (id, model, cluster, job,
// endpoint, status, timestamps), validated with zod whenever it is read back from disk.
import { z } from 'zod';

/** PENDING/STARTING while the job comes up; READY once it serves the model; the rest are final. */
export const SERVICE_STATUSES = ['PENDING', 'STARTING', 'READY', 'FAILED', 'STOPPED', 'LOST'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

const FINAL: ReadonlySet<ServiceStatus> = new Set<ServiceStatus>(['FAILED', 'STOPPED', 'LOST']);

/** True for statuses a service never leaves (its job is gone). */
export function isFinalStatus(status: ServiceStatus): boolean {
  return FINAL.has(status);
}

export const EndpointSchema = z.strictObject({
  host: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'expected a host name or address'),
  port: z.number().int().min(1).max(65535),
  job_id: z.string().min(1),
  started_at: z.string().min(1),
});
export type ServiceEndpoint = z.infer<typeof EndpointSchema>;

/** One submission of `service start --retry-oom`: what it ran with and how it ended. */
const AttemptSchema = z.strictObject({
  job_id: z.string(),
  gpu_memory_utilization: z.number().optional(),
  max_model_len: z.number().int().optional(),
  /** READY, or the failure (`FAILED (exit 1)`), with the OOM cause when one was recognised. */
  outcome: z.string(),
  cause: z.string().optional(),
  at: z.string(),
});
export type ServiceAttempt = z.infer<typeof AttemptSchema>;

/** The VRAM estimate a start planned with (src/models/vram.ts), and what the GPUs showed once it ran. */
const VramRecordSchema = z.strictObject({
  estimate_bytes_per_gpu: z.number(),
  weights_bytes_per_gpu: z.number(),
  kv_bytes_per_gpu: z.number(),
  overhead_bytes_per_gpu: z.number(),
  max_model_len: z.number().int(),
  gpu_memory_bytes: z.number().optional(),
  fits: z.boolean().optional(),
  /** Per-process GPU memory of the server (nvidia-smi --query-compute-apps), per GPU, when measured. */
  measured_bytes_per_gpu: z.array(z.number()).optional(),
  measured_at: z.string().optional(),
});
export type ServiceVram = z.infer<typeof VramRecordSchema>;

export const ServiceRecordSchema = z.strictObject({
  id: z.string(),
  model: z.string(),
  cluster: z.string(),
  job_id: z.string(),
  status: z.enum(SERVICE_STATUSES),
  /** Slurm's view when it last changed: RUNNING, FAILED (exit 1), OUT_OF_MEMORY, ... */
  job_state: z.string().optional(),
  exit_code: z.number().int().optional(),
  node: z.string().optional(),
  endpoint: EndpointSchema.optional(),
  /** Path ON THE CLUSTER of the 0600 key file; the key itself is never stored. */
  api_key_file: z.string().optional(),
  served_model_names: z.array(z.string()).optional(),
  /** True when the job runs the GPU telemetry agent (`service start --telemetry`). */
  telemetry: z.boolean().optional(),
  gpus: z.number().int().nonnegative(),
  vllm_args: z.array(z.string()),
  /** Nodes of the job (multi-node services run Ray over them); absent: 1. */
  nodes: z.number().int().positive().optional(),
  /** The replica group this service belongs to (`service start --replicas N`), and its place in it. */
  group: z.string().optional(),
  replica: z.number().int().positive().optional(),
  /** `runtime image` when the server runs in the cluster's container. */
  container: z.string().optional(),
  vram: VramRecordSchema.optional(),
  /** Every submission of a start with --retry-oom, oldest first (the last is the current job). */
  attempts: z.array(AttemptSchema).optional(),
  created_at: z.string(),
  updated_at: z.string(),
  ready_at: z.string().optional(),
  stopped_at: z.string().optional(),
  /** Why it failed or was lost, for people. */
  reason: z.string().optional(),
});
export type ServiceRecord = z.infer<typeof ServiceRecordSchema>;

/** The Slurm job name of a service's job. */
export const serviceJobName = (id: string): string => `aibench-svc-${id}`;

/** `<state>/services/<id>`: where the job writes endpoint.json (shared between login and compute nodes). */
export function serviceDir(stateDir: string, id: string): string {
  return `${stateDir.replace(/\/+$/, '')}/services/${id}`;
}
