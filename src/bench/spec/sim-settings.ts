// The embedded simulator's knobs as a profile or suite writes them (`aibench sim` flags, snake_case).
import { z } from 'zod';

const posInt = z.number().int().positive();

/** Knobs of the embedded simulator; unknown keys are errors. */
export const SimProfileSchema = z.strictObject({
  model: z.string().min(1).optional(),
  itl_ms: z.number().nonnegative().optional(),
  prefill_ms_per_token: z.number().nonnegative().optional(),
  prefill_overhead_ms: z.number().nonnegative().optional(),
  max_num_seqs: posInt.optional(),
  max_model_len: posInt.optional(),
  error_rate: z.number().min(0).max(1).optional(),
  jitter: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
});
export type SimProfile = z.output<typeof SimProfileSchema>;
