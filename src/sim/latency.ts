// The simulator's latency model, as pure functions of the options and a random source:
// TTFT = queue wait + prefill overhead + prompt tokens x prefill ms per token; then one token
// every itl ms. Jitter scales each prefill and each gap by a factor drawn from [1 - j, 1 + j].

/** The knobs the latency model reads (a subset of SimOptions). */
export interface LatencyModel {
  prefillOverheadMs: number;
  prefillMsPerToken: number;
  itlMs: number;
  /** Fraction in [0, 1]; 0 makes the model exact and never draws from the random source. */
  jitter: number;
}

/** Scale a duration by a uniform factor in [1 - jitter, 1 + jitter]; never negative. */
export function jittered(baseMs: number, jitter: number, rand: () => number): number {
  if (jitter === 0 || baseMs === 0) return baseMs;
  return Math.max(0, baseMs * (1 + jitter * (2 * rand() - 1)));
}

/** Time from admission into the running batch to the first token (queue wait excluded). */
export function prefillMs(model: LatencyModel, promptTokens: number, rand: () => number): number {
  return jittered(model.prefillOverheadMs + promptTokens * model.prefillMsPerToken, model.jitter, rand);
}

/**
 * Absolute deadline of token `index` (0-based). Deadlines are anchored on the request's own first
 * token, never on when a timer actually fired, so late timers do not accumulate drift: without
 * jitter token k is due at exactly firstTokenAt + k * itl.
 */
export function tokenDeadline(model: LatencyModel, firstTokenAt: number, previousAt: number, index: number, rand: () => number): number {
  if (index === 0) return firstTokenAt;
  if (model.jitter === 0) return firstTokenAt + index * model.itlMs;
  return previousAt + jittered(model.itlMs, model.jitter, rand);
}

/** Every token deadline of one request admitted at `admittedAt` (for tests and planning). */
export function planTokenTimes(model: LatencyModel, admittedAt: number, promptTokens: number, outputTokens: number, rand: () => number): number[] {
  const first = admittedAt + prefillMs(model, promptTokens, rand);
  const times: number[] = [];
  let previous = first;
  for (let k = 0; k < outputTokens; k++) {
    previous = tokenDeadline(model, first, previous, k, rand);
    times.push(previous);
  }
  return times;
}
