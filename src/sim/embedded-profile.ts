// The `sim:` settings of a benchmark or suite profile (snake_case, like the `aibench sim` flags) and
// how they become SimOptions for the embedded simulator: typed, with no argv round trip. Kept apart
// from embedded.ts so profile validation does not load the server (and its tokenizer).
import { z } from 'zod';
import { DEFAULT_SIM_MODEL, SIM_DEFAULTS, type SimOptions } from './options.js';

/** Knobs of the embedded simulator (the `aibench sim` flags, snake_case). */
export const SimProfileSchema = z.strictObject({
  model: z.string().min(1).optional(),
  itl_ms: z.number().nonnegative().optional(),
  prefill_ms_per_token: z.number().nonnegative().optional(),
  prefill_overhead_ms: z.number().nonnegative().optional(),
  max_num_seqs: z.number().int().positive().optional(),
  max_model_len: z.number().int().positive().optional(),
  error_rate: z.number().min(0).max(1).optional(),
  jitter: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
});
export type SimProfile = z.output<typeof SimProfileSchema>;

/** Embedded simulator defaults when the profile gives none: latencies of a small model on one GPU. */
export const EMBEDDED_SIM_DEFAULTS = { itl_ms: 15, prefill_ms_per_token: 0.05, prefill_overhead_ms: 10, max_num_seqs: 256 } as const;

/** Profile settings -> the options of a simulator on 127.0.0.1, port 0 (any free port). */
export function embeddedSimOptions(profile: SimProfile = {}): SimOptions {
  const model = profile.model ?? DEFAULT_SIM_MODEL;
  return {
    ...SIM_DEFAULTS,
    host: '127.0.0.1',
    port: 0,
    model,
    servedModelNames: [model],
    itlMs: profile.itl_ms ?? EMBEDDED_SIM_DEFAULTS.itl_ms,
    prefillMsPerToken: profile.prefill_ms_per_token ?? EMBEDDED_SIM_DEFAULTS.prefill_ms_per_token,
    prefillOverheadMs: profile.prefill_overhead_ms ?? EMBEDDED_SIM_DEFAULTS.prefill_overhead_ms,
    maxNumSeqs: profile.max_num_seqs ?? EMBEDDED_SIM_DEFAULTS.max_num_seqs,
    maxModelLen: profile.max_model_len ?? SIM_DEFAULTS.maxModelLen,
    errorRate: profile.error_rate ?? SIM_DEFAULTS.errorRate,
    jitter: profile.jitter ?? SIM_DEFAULTS.jitter,
    seed: profile.seed ?? SIM_DEFAULTS.seed,
    apiKey: undefined,
    defaultMaxTokens: undefined,
    readyFile: undefined,
  };
}
