// The service record: what the store keeps about one vLLM service (id, model, cluster, job,
// endpoint, status, timestamps), validated with zod whenever it is read back from disk.
import { z } from 'zod';
import { AibenchError, type AibenchErrorOptions } from '../errors.js';

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
  created_at: z.string(),
  updated_at: z.string(),
  ready_at: z.string().optional(),
  stopped_at: z.string().optional(),
  /** Why it failed or was lost, for people. */
  reason: z.string().optional(),
});
export type ServiceRecord = z.infer<typeof ServiceRecordSchema>;

/** Service ids are file and job-name components: letters, digits, `_ . -`, 1 to 40 characters. */
export const SERVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

/** The Slurm comment tag and job name of a service's job. */
export const serviceTag = (id: string): string => `aibench:service:${id}`;
export const serviceJobName = (id: string): string => `aibench-svc-${id}`;

/** `<state>/services/<id>`: where the job writes endpoint.json (shared between login and compute nodes). */
export function serviceDir(stateDir: string, id: string): string {
  return `${stateDir.replace(/\/+$/, '')}/services/${id}`;
}

/** A service could not start, be reached or be stopped (exit 1 unless said otherwise). */
export class ServiceError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_SERVICE', ...options });
  }
}

/**
 * The server answered 401 or 403: it is up and answering, but refuses aibench's credentials.
 * Not "unreachable" and not "no answer yet": waiting or falling back to a cached list cannot help.
 */
export class ServiceAuthError extends ServiceError {
  constructor(readonly status: number, request: string, sentKey: boolean) {
    const what = status === 401 ? 'Unauthorized' : 'Forbidden';
    super(`${request} answered ${status} ${what}: ${sentKey ? 'the server refused the API key aibench sent' : 'the server wants an API key and aibench sent none'}`, {
      code: 'E_SERVICE_AUTH',
      hint: sentKey
        ? "Check that the service's --api-key-file holds the key its server was started with."
        : 'Start the service with --api-key-file FILE (a 0600 file on the cluster): the job exports it as VLLM_API_KEY and aibench sends it as Bearer.',
    });
  }
}
