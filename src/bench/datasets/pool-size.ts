// How many distinct prompts a run prepares: what a count needs, else a pool the run cycles through,
// and never more than fits a memory budget (a million-token prompt is ~8 MB of text).
import { BYTES_PER_TOKEN, DEFAULT_PROMPT_POOL, PROMPT_POOL_BYTES } from '../spec/limits.js';
import type { BenchSpec } from '../spec/bench-spec.js';

export interface PoolSize {
  size: number;
  /** What decided the size: the request count, the default pool for timed runs, or memory. */
  limitedBy: 'count' | 'default' | 'memory';
  budgetMiB: number;
}

/** The longest prompt the dataset can produce, in tokens (files: unknown up front, so a typical bound). */
function longestPrompt(spec: BenchSpec): number {
  const d = spec.dataset;
  return d.kind === 'random' ? Math.floor(d.input_len * (1 + d.range_ratio)) : 2048;
}

/** Distinct prompts to build for a spec; the runner reuses them in turn when it needs more. */
export function promptPoolSize(spec: BenchSpec, budgetBytes = PROMPT_POOL_BYTES): PoolSize {
  const counted = spec.stop.num_requests !== undefined;
  const wanted = counted ? (spec.stop.num_requests as number) + spec.warmup : Math.max(spec.warmup + 1, DEFAULT_PROMPT_POOL);
  const fits = Math.max(1, Math.floor(budgetBytes / (longestPrompt(spec) * BYTES_PER_TOKEN)));
  const budgetMiB = Math.round(budgetBytes / 2 ** 20);
  if (fits < wanted) return { size: fits, limitedBy: 'memory', budgetMiB };
  return { size: wanted, limitedBy: counted ? 'count' : 'default', budgetMiB };
}
