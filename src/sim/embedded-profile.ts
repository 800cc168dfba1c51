// The `sim:` settings of a benchmark or suite profile (snake_case, like the `aibench sim` flags) and
// how they become SimOptions for the embedded simulator: typed, with no argv round trip. Kept apart
// from embedded.ts so profile validation does not load the server (and its tokenizer).
import { z } from 'zod';
import { DEFAULT_SIM_MODEL, SIM_DEFAULTS, type SimOptions } from './options.js';
import { scenarioOptions, SIM_SCENARIO_NAMES } from './scenarios.js';

/** Knobs of the embedded simulator (the `aibench sim` flags, snake_case). */
export const SimProfileSchema = z.strictObject({
  /** A named behaviour (`aibench sim --list-scenarios`); the keys below override its values. */
  scenario: z.enum(SIM_SCENARIO_NAMES, { error: `expected one of ${SIM_SCENARIO_NAMES.join(', ')} (aibench sim --list-scenarios)` }).optional(),
  model: z.string().min(1).optional(),
  itl_ms: z.number().nonnegative().optional(),
  prefill_ms_per_token: z.number().nonnegative().optional(),
  prefill_overhead_ms: z.number().nonnegative().optional(),
  max_num_seqs: z.number().int().positive().optional(),
  max_model_len: z.number().int().positive().optional(),
  error_rate: z.number().min(0).max(1).optional(),
  jitter: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  prefix_caching: z.boolean().optional(),
  batch_queue_delay_ms: z.number().nonnegative().optional(),
});
export type SimProfile = z.output<typeof SimProfileSchema>;

/** Embedded simulator defaults when the profile gives none: latencies of a small model on one GPU. */
export const EMBEDDED_SIM_DEFAULTS = { itl_ms: 15, prefill_ms_per_token: 0.05, prefill_overhead_ms: 10, max_num_seqs: 256 } as const;

/** Profile settings -> the options of a simulator on 127.0.0.1, port 0 (any free port); a scenario first, the keys over it. */
export function embeddedSimOptions(profile: SimProfile = {}): SimOptions {
  const model = profile.model ?? DEFAULT_SIM_MODEL;
  const s = scenarioOptions(profile.scenario);
  return {
    ...SIM_DEFAULTS,
    crashMessage: undefined,
    ...s,
    host: '127.0.0.1',
    port: 0,
    model,
    servedModelNames: [model],
    itlMs: profile.itl_ms ?? s.itlMs ?? EMBEDDED_SIM_DEFAULTS.itl_ms,
    prefillMsPerToken: profile.prefill_ms_per_token ?? s.prefillMsPerToken ?? EMBEDDED_SIM_DEFAULTS.prefill_ms_per_token,
    prefillOverheadMs: profile.prefill_overhead_ms ?? s.prefillOverheadMs ?? EMBEDDED_SIM_DEFAULTS.prefill_overhead_ms,
    maxNumSeqs: profile.max_num_seqs ?? s.maxNumSeqs ?? EMBEDDED_SIM_DEFAULTS.max_num_seqs,
    maxModelLen: profile.max_model_len ?? SIM_DEFAULTS.maxModelLen,
    errorRate: profile.error_rate ?? s.errorRate ?? SIM_DEFAULTS.errorRate,
    jitter: profile.jitter ?? s.jitter ?? SIM_DEFAULTS.jitter,
    seed: profile.seed ?? s.seed ?? SIM_DEFAULTS.seed,
    prefixCaching: profile.prefix_caching ?? SIM_DEFAULTS.prefixCaching,
    batchQueueDelayMs: profile.batch_queue_delay_ms ?? SIM_DEFAULTS.batchQueueDelayMs,
    apiKey: undefined,
    defaultMaxTokens: undefined,
    readyFile: undefined,
    requestLog: undefined,
  };
}
