// Benchmark profile YAML: the same settings as `bench run`'s flags (snake_case keys), plus `sim:`
// for the embedded simulator. Unknown keys are errors; errors name file, key path and bad value.
import { z } from 'zod';
import { formatZodIssues } from '../config/zod-error.js';
import { ConfigError } from '../errors.js';
import { readYamlFile } from '../config/yaml-file.js';
import { SimProfileSchema } from '../sim/embedded-profile.js';

const posInt = z.number().int().positive();
const posNum = z.number().positive().finite();
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

export const BenchProfileSchema = z
  .strictObject({
    description: z.string().optional(),
    url: z.url().optional(),
    model: z.string().min(1).optional(),
    api: z.enum(['completions', 'chat']).optional(),
    /** Minutes, fractional allowed (converted by minutesToSeconds). */
    duration: z.union([posNum, z.string()]).optional(),
    duration_seconds: posNum.optional(),
    num_requests: posInt.optional(),
    concurrency: oneOrMany(posInt).optional(),
    rate: oneOrMany(z.union([posNum, z.literal('inf')])).optional(),
    burstiness: posNum.optional(),
    max_concurrency: posInt.optional(),
    warmup: z.number().int().nonnegative().optional(),
    dataset: z.enum(['random', 'sharegpt', 'jsonl']).optional(),
    dataset_path: z.string().min(1).optional(),
    input_len: posInt.optional(),
    output_len: posInt.optional(),
    range_ratio: z.number().min(0).lt(1).optional(),
    seed: z.number().int().optional(),
    goodput: z.string().min(1).optional(),
    percentiles: z.array(z.number().min(0).max(100)).min(1).optional(),
    on_deadline: z.enum(['finish', 'cut']).optional(),
    fail_on: z.array(z.string().min(1)).optional(),
    sim: SimProfileSchema.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.duration !== undefined && p.duration_seconds !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['duration_seconds'], message: 'expected either duration (minutes) or duration_seconds, not both' });
    }
    if (p.concurrency !== undefined && p.rate !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['rate'], message: 'expected either concurrency or rate, not both (cap a rate with max_concurrency)' });
    }
    if (p.url !== undefined && p.sim !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['sim'], message: 'expected sim settings only without url (the simulator is the default target)' });
    }
  });
export type BenchProfile = z.output<typeof BenchProfileSchema>;

/** Validate a parsed profile; ConfigError listing `FILE: key.path: expected ..., got ...`. */
export function parseBenchProfile(value: unknown, source: string): BenchProfile {
  const parsed = BenchProfileSchema.safeParse(value ?? {}, { reportInput: true });
  if (parsed.success) return parsed.data;
  const lines = formatZodIssues(parsed.error).map((line) => `${source}: ${line}`);
  throw new ConfigError(`Invalid benchmark profile:\n  ${lines.join('\n  ')}`);
}

/** Read and validate a profile YAML file. */
export async function loadBenchProfile(path: string): Promise<BenchProfile> {
  return parseBenchProfile(await readYamlFile(path, 'profile'), path);
}
