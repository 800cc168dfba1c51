// The search itself, as pure functions of what has been measured: an exponential probe upward from
// LO (x2 each step, clamped to HI) until a level fails an SLO, then bisection of the bracket
// [highest pass, lowest failure above it] until it is within the precision, or the step budget
// runs out. Geometric midpoints for rates (the precision is relative), integers for concurrency.
// A level that fails below one that passed is measurement noise: the bracket keeps the highest
// pass and the lowest failure above it, and the document shows every step.
import type { SearchSpec } from '../spec/bench-spec.js';

type SearchPhase = 'probe' | 'bisect';
export type StopReason = 'converged' | 'max_steps' | 'top_passes' | 'bottom_fails' | 'interrupted' | 'failed';

/** What one step measured, as far as the search is concerned. */
export interface StepOutcome {
  value: number;
  phase: SearchPhase;
  passed: boolean;
}

type Next = { value: number; phase: SearchPhase } | { stop: StopReason };

/** The bracket so far: the highest level that passed and the lowest that failed above it. */
export function bracketOf(steps: readonly StepOutcome[]): { passed?: number; failed?: number } {
  const passes = steps.filter((s) => s.passed).map((s) => s.value);
  const best = passes.length === 0 ? undefined : Math.max(...passes);
  const fails = steps.filter((s) => !s.passed && (best === undefined || s.value > best)).map((s) => s.value);
  return { ...(best === undefined ? {} : { passed: best }), ...(fails.length === 0 ? {} : { failed: Math.min(...fails) }) };
}

/** True when the bracket [a, b] pins the answer down: (b - a) / a within the precision, or adjacent integers. */
export function converged(search: SearchSpec, a: number, b: number): boolean {
  if (search.over === 'concurrency' && b - a <= 1) return true;
  return (b - a) / a <= search.precision_pct / 100;
}

/** The next level to measure, or why the search is over. */
export function nextStep(search: SearchSpec, steps: readonly StepOutcome[]): Next {
  const ints = search.over === 'concurrency';
  if (steps.length === 0) return { value: search.lo, phase: 'probe' };
  const { passed, failed } = bracketOf(steps);
  if (passed === undefined) return { stop: 'bottom_fails' };
  if (failed === undefined && passed >= search.hi) return { stop: 'top_passes' };
  if (failed !== undefined && converged(search, passed, failed)) return { stop: 'converged' };
  if (steps.length >= search.max_steps) return { stop: 'max_steps' };
  if (failed === undefined) {
    const up = Math.min(search.hi, passed * 2);
    return { value: ints ? Math.max(passed + 1, Math.round(up)) : up, phase: 'probe' };
  }
  const mid = Math.sqrt(passed * failed);
  return { value: ints ? Math.min(failed - 1, Math.max(passed + 1, Math.round(mid))) : mid, phase: 'bisect' };
}
