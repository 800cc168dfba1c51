// How many distinct prompts a run prepares: what a count needs, else a pool the run cycles through,
// and never more than fits a memory budget (a million-token prompt is ~8 MB of text).
import { BYTES_PER_TOKEN, DEFAULT_PROMPT_POOL, PROMPT_POOL_BYTES } from '../spec/limits.js';
import type { BenchSpec } from '../spec/bench-spec.js';

interface PoolSize {
  size: number;
  /** What decided the size: the request count, the default pool for timed runs, or memory. */
  limitedBy: 'count' | 'default' | 'memory';
  budgetMiB: number;
}

/** Bytes one prompt of the pool holds: random and prefix prompts are windows of one shared corpus
 * (an entry and a slice, ~160 bytes); file prompts their own text (a typical 2048-token bound). */
function promptBytes(spec: BenchSpec): number {
  const d = spec.dataset;
  return d.kind === 'random' || d.kind === 'prefix' ? 160 : 2048 * BYTES_PER_TOKEN;
}

/** Distinct prompts to build for a spec; the runner reuses them in turn when it needs more. */
export function promptPoolSize(spec: BenchSpec, budgetBytes = PROMPT_POOL_BYTES): PoolSize {
  const counted = spec.stop.num_requests !== undefined;
  const wanted = counted ? (spec.stop.num_requests as number) + spec.warmup : Math.max(spec.warmup + 1, DEFAULT_PROMPT_POOL);
  const fits = Math.max(1, Math.floor(budgetBytes / promptBytes(spec)));
  const budgetMiB = Math.round(budgetBytes / 2 ** 20);
  if (fits < wanted) return { size: fits, limitedBy: 'memory', budgetMiB };
  return { size: wanted, limitedBy: counted ? 'count' : 'default', budgetMiB };
}
