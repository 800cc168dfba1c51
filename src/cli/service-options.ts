// The `service start` flags as zod sees them: commander's strings become the typed start input,
// and every problem names the flag, the value and what was expected (exit 2), before any
// connection is opened.
import { z } from 'zod';
import { parseTimeoutSpec } from '../bench/spec/duration.js';
import type { StartServiceInput } from '../service/index.js';
import { parseFlags } from './jobs-options.js';

const whole = (min: number, max: number) =>
  z.string().regex(/^\s*\d+\s*$/, `expected a whole number from ${min} to ${max}`).transform(Number).pipe(z.number().int().min(min, `expected a whole number from ${min} to ${max}`).max(max, `expected a whole number from ${min} to ${max}`));

const StartFlagsSchema = z.strictObject({
  model: z.string(),
  cluster: z.string().optional(),
  name: z.string().optional(),
  gpus: z.union([z.literal('auto'), whole(0, 64)], { error: 'expected a whole number of GPUs per node (0 to 64) or auto' }),
  nodes: whole(1, 1024).optional(),
  tensorParallelSize: whole(1, 4096).optional(),
  pipelineParallelSize: whole(1, 1024).optional(),
  time: z.string().optional(),
  partition: z.string().optional(),
  account: z.string().optional(),
  qos: z.string().optional(),
  mem: z.string().optional(),
  constraint: z.string().optional(),
  exclusive: z.boolean().optional(),
  vllmArg: z.array(z.string()).default([]),
  apiKeyFile: z.string().optional(),
  telemetry: z.boolean().optional(),
  retryOom: whole(0, 10).optional(),
  replicas: whole(1, 64).optional(),
  modelCheck: z.boolean().default(true),
  wait: z.boolean(),
  timeout: z.string(),
  json: z.boolean().optional(),
});

/** The flags as the service room's start input (plus the cluster and replica count). */
export function startInput(flags: unknown): { cluster: string | undefined; json: boolean; input: StartServiceInput & { replicas?: number } } {
  const f = parseFlags(StartFlagsSchema, flags);
  const input: StartServiceInput & { replicas?: number } = {
    model: f.model, id: f.name, gpus: f.gpus, nodes: f.nodes, tensorParallel: f.tensorParallelSize, pipelineParallel: f.pipelineParallelSize,
    time: f.time, partition: f.partition, account: f.account, qos: f.qos, mem: f.mem, constraint: f.constraint, exclusive: f.exclusive,
    vllmArgs: f.vllmArg, apiKeyFile: f.apiKeyFile, telemetry: f.telemetry ?? false, retryOom: f.retryOom, modelCheck: f.modelCheck,
    wait: f.wait, timeoutMs: parseTimeoutSpec(f.timeout, '--timeout'), ...(f.replicas !== undefined ? { replicas: f.replicas } : {}),
  };
  return { cluster: f.cluster, json: f.json ?? false, input };
}
