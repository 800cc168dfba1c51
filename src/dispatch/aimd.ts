// Adaptive concurrency (AIMD): +1 after N consecutive successes, halve on OOM-like failures and
// timeouts (the cluster is saying "too much"), -1 on other failures; always within [floor, ceiling].

export type Outcome = 'success' | 'failure' | 'oom' | 'timeout';

interface AimdOptions {
  floor: number;
  ceiling: number;
  /** Starting value (default: floor). */
  initial?: number;
  /** Consecutive successes before growing by one (default 3). */
  increaseAfter?: number;
}

export interface AimdState {
  value: number;
  streak: number;
}

/** Check the bounds once; RangeError names the bad field. */
export function validateAimd(options: AimdOptions): Required<AimdOptions> {
  const { floor, ceiling } = options;
  const initial = options.initial ?? floor;
  const increaseAfter = options.increaseAfter ?? 3;
  if (!(Number.isInteger(floor) && floor >= 1)) throw new RangeError(`floor: expected an integer >= 1, got ${floor}`);
  if (!(Number.isInteger(ceiling) && ceiling >= floor)) throw new RangeError(`ceiling: expected an integer >= floor (${floor}), got ${ceiling}`);
  if (!(Number.isInteger(initial) && initial >= floor && initial <= ceiling)) throw new RangeError(`initial: expected an integer in [${floor}, ${ceiling}], got ${initial}`);
  if (!(Number.isInteger(increaseAfter) && increaseAfter >= 1)) throw new RangeError(`increaseAfter: expected an integer >= 1, got ${increaseAfter}`);
  return { floor, ceiling, initial, increaseAfter };
}

/** The next state after one task outcome (pure). */
export function nextAimd(state: AimdState, outcome: Outcome, options: Required<AimdOptions>): AimdState {
  const clamp = (n: number): number => Math.min(options.ceiling, Math.max(options.floor, n));
  switch (outcome) {
    case 'success': {
      const streak = state.streak + 1;
      if (streak < options.increaseAfter) return { value: state.value, streak };
      return { value: clamp(state.value + 1), streak: 0 };
    }
    case 'oom':
    case 'timeout':
      return { value: clamp(Math.floor(state.value / 2)), streak: 0 };
    case 'failure':
      return { value: clamp(state.value - 1), streak: 0 };
  }
}

const OOM = /out[ _-]?of[ _-]?memory|\bOOM\b|CUDA error: out of memory|OUT_OF_MEMORY/i;
const TIMEOUT = /\btimed? ?out\b|\bTIMEOUT\b|TimeoutError/i;

/** Classify a task's error for AIMD by its name, code and message. */
export function classifyFailure(error: unknown): Exclude<Outcome, 'success'> {
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | undefined;
  const text = [e?.name, e?.code, e?.message ?? String(error)].filter((x) => typeof x === 'string').join(' ');
  if (OOM.test(text)) return 'oom';
  if (TIMEOUT.test(text)) return 'timeout';
  return 'failure';
}
