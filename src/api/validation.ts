// zod schemas for every body the control API accepts, and the 400 answer naming each bad field.
// Unknown keys are errors (strictObject), so a typo in a form never silently falls back to a default.
import { z } from 'zod';
import { formatPath } from '../config/zod-error.js';
import { SERVICE_ID } from '../service/id.js';
import { RequestRefused, type RequestIssue } from '../errors.js';

const clusterName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected letters, digits, _ . - (a configured cluster)');
const serviceId = z.string().regex(SERVICE_ID, 'expected 1-40 letters, digits, _ . - starting with a letter or digit');
const positiveInt = (max: number) => z.number().int('expected an integer').min(1, 'expected an integer >= 1').max(max, `expected at most ${max}`);

/** POST /api/services. */
export const ServiceRequestSchema = z.strictObject({
  model: z.string().min(1, 'expected a model name').max(512),
  cluster: clusterName.optional(),
  gpus: z.number().int('expected an integer').min(0).max(64).optional(),
  vllm_args: z.array(z.string().max(4096)).max(200).optional(),
  name: serviceId.optional(),
});
export type ServiceRequest = z.infer<typeof ServiceRequestSchema>;

/**
 * POST /api/benchmarks: one load level, random prompts, a duration in seconds (the forms convert
 * minutes). `concurrency` alone is a closed loop; with `rate` it caps the requests in flight
 * (the CLI's --rate with --max-concurrency), which is what the Start-benchmark form sends.
 */
export const BenchmarkRequestSchema = z.strictObject({
    service_id: serviceId,
    concurrency: positiveInt(100_000).optional(),
    rate: z.union([z.number().gt(0, 'expected a number > 0').max(1e6), z.literal('inf')]).optional(),
    input_len: positiveInt(1_000_000),
    output_len: positiveInt(1_000_000),
    duration_seconds: z.number().gt(0, 'expected a number of seconds > 0').max(7 * 24 * 3600, 'expected at most one week'),
    num_requests: positiveInt(100_000_000).optional(),
    run_now: z.boolean().optional(),
    /** Where the client runs: inside the cluster next to the service (default) or in the API server's process. */
    client: z.enum(['cluster', 'local']).optional(),
});
export type BenchmarkRequest = z.infer<typeof BenchmarkRequestSchema>;

/** One {path, message} per problem; an unknown key is named by its own path. */
function toIssues(error: z.ZodError): RequestIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown key' }));
    }
    return [{ path: formatPath(issue.path), message: issue.message.replace(/^Invalid input: /, '') }];
  });
}

/** Parse a body or throw the 400 that lists every issue. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new RequestRefused(400, 'invalid request body', { issues: toIssues(parsed.error) });
}

/** Ids in paths: the same characters as service ids, else the resource cannot exist (404, not 400). */
export const PATH_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
