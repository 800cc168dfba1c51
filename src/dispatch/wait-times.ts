// How long work waited in the queue before it started, per priority tier: a small cumulative
// histogram per tier (count, sum, max, buckets), pure, so the control API can expose it on /metrics
// and a suite can put it in its summary. A task is counted under the tier it was queued at.
import { tierName, type TierName } from './tiers.js';

/** Upper bounds in seconds: from "started at once" to an hour held behind higher tiers. */
export const WAIT_BUCKETS_S = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600] as const;

/** One tier's waits: cumulative counts per bucket bound (the +Inf bucket is `count`). */
export interface TierWaits {
  count: number;
  sum_s: number;
  max_s: number;
  mean_s?: number;
  buckets: Array<{ le: number; count: number }>;
}

/** Wait observations by tier. */
export class WaitTimes {
  readonly #tiers = new Map<string, { count: number; sum: number; max: number; counts: number[] }>();

  /** Record that a task queued at `tier` waited `seconds` before it started. */
  observe(tier: number, seconds: number): void {
    const key = tierName(tier);
    const t = this.#tiers.get(key) ?? { count: 0, sum: 0, max: 0, counts: WAIT_BUCKETS_S.map(() => 0) };
    t.count++;
    t.sum += seconds;
    t.max = Math.max(t.max, seconds);
    WAIT_BUCKETS_S.forEach((le, i) => {
      if (seconds <= le) t.counts[i] = (t.counts[i] as number) + 1;
    });
    this.#tiers.set(key, t);
  }

  /** Every tier that saw a task, with its waits. */
  summary(): Partial<Record<TierName, TierWaits>> {
    const out: Partial<Record<TierName, TierWaits>> = {};
    for (const [tier, t] of this.#tiers) {
      out[tier as TierName] = {
        count: t.count, sum_s: round(t.sum), max_s: round(t.max), ...(t.count > 0 ? { mean_s: round(t.sum / t.count) } : {}),
        buckets: WAIT_BUCKETS_S.map((le, i) => ({ le, count: t.counts[i] as number })),
      };
    }
    return out;
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
