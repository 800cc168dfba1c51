// Retry delays for sinks and the tunnel: exponential (initial x factor^n, capped) with jitter, so
// many agents that lost the same gateway do not all retry in the same instant. Seeded for tests.
// Pure: hands out numbers, never sleeps. (src/slurm/backoff.ts is the poll interval of `jobs wait`.)
import { createRng } from '../common/rng.js';

export interface RetryBackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** Fraction of each delay that is random: the delay lies in [base x (1 - jitter), base]. */
  jitter?: number;
  seed?: number;
}

export interface RetryBackoff {
  /** The delay before the next attempt; grows with each call until reset(). */
  next(): number;
  reset(): void;
  /** Failed attempts since the last reset. */
  readonly attempts: number;
}

/** Exponential backoff with jitter: 1 s, 2 s, 4 s ... up to 30 s by default, each up to 20% shorter. */
export function retryBackoff(options: RetryBackoffOptions = {}): RetryBackoff {
  const initialMs = options.initialMs ?? 1000;
  const maxMs = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.2;
  if (!(initialMs > 0) || !(maxMs >= initialMs) || !(factor >= 1) || !(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(`Expected initialMs > 0, maxMs >= initialMs, factor >= 1, 0 <= jitter <= 1, got ${initialMs}, ${maxMs}, ${factor}, ${jitter}`);
  }
  const random = createRng(options.seed ?? Date.now());
  let attempts = 0;
  return {
    next() {
      const base = Math.min(maxMs, initialMs * factor ** attempts);
      attempts += 1;
      return Math.round(base * (1 - jitter * random()));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
