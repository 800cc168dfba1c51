// Poll intervals for `jobs wait` and friends: start quick (0.5 s), grow by 1.5x to a 5 s cap,
// and start quick again whenever the observed state changes, since one change often follows another.
// Pure: it hands out numbers and never sleeps or reads a clock.

export interface BackoffOptions {
  initialMs?: number;
  factor?: number;
  maxMs?: number;
}

interface PollBackoff {
  /** The delay before the next poll, given the state just observed (a change resets the delay). */
  next(observed?: string): number;
  /** Start again from the initial delay. */
  reset(): void;
}

/** A poll-interval sequence 500, 750, 1125, 1688, ... capped at 5000 ms, reset on state change. */
export function pollBackoff(options: BackoffOptions = {}): PollBackoff {
  const initialMs = options.initialMs ?? 500;
  const factor = options.factor ?? 1.5;
  const maxMs = options.maxMs ?? 5000;
  if (!(initialMs > 0) || !(factor >= 1) || !(maxMs >= initialMs)) {
    throw new RangeError(`Expected initialMs > 0, factor >= 1 and maxMs >= initialMs, got ${initialMs}, ${factor}, ${maxMs}`);
  }
  let current = initialMs;
  let last: string | undefined;
  return {
    next(observed?: string): number {
      if (observed !== undefined && last !== undefined && observed !== last) current = initialMs;
      if (observed !== undefined) last = observed;
      const delay = Math.round(Math.min(current, maxMs));
      current = Math.min(current * factor, maxMs);
      return delay;
    },
    reset(): void {
      current = initialMs;
      last = undefined;
    },
  };
}
