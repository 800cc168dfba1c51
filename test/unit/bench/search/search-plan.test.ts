// The search as a pure function of what was measured: against a server whose true capacity is C
// (a level passes exactly when it is <= C), the answer lands within the precision below C, the
// bracket holds C, and it stops for the documented reasons.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bracketOf, nextStep, type StepOutcome, type StopReason } from '../../../../src/bench/search/search-plan.js';
import type { SearchSpec } from '../../../../src/bench/spec/bench-spec.js';

function simulate(search: SearchSpec, passes: (value: number) => boolean): { steps: StepOutcome[]; stop: StopReason } {
  const steps: StepOutcome[] = [];
  for (;;) {
    const next = nextStep(search, steps);
    if ('stop' in next) return { steps, stop: next.stop };
    steps.push({ ...next, passed: passes(next.value) });
  }
}

const rate = (over: Partial<SearchSpec> = {}): SearchSpec => ({ over: 'rate', lo: 1, hi: 1024, slo: ['p99_ttft_ms<=500'], precision_pct: 5, max_steps: 40, ...over });

describe('rate search', () => {
  it('probes x2 from LO, then bisects geometrically until the bracket is within the precision', () => {
    const { steps, stop } = simulate(rate(), (v) => v <= 37);
    expect(steps.slice(0, 7).map((s) => [s.value, s.phase])).toEqual([[1, 'probe'], [2, 'probe'], [4, 'probe'], [8, 'probe'], [16, 'probe'], [32, 'probe'], [64, 'probe']]);
    expect(steps[7]).toMatchObject({ value: Math.sqrt(32 * 64), phase: 'bisect' });
    expect(stop).toBe('converged');
    const { passed, failed } = bracketOf(steps);
    expect(passed).toBeLessThanOrEqual(37);
    expect(failed).toBeGreaterThan(37);
    expect(((failed as number) - (passed as number)) / (passed as number)).toBeLessThanOrEqual(0.05);
  });

  it('for any capacity in range, the answer is within the precision below it', () => {
    fc.assert(fc.property(fc.double({ min: 1.01, max: 1000, noNaN: true }), fc.constantFrom(1, 2.5, 5, 10), (capacity, precision) => {
      const search = rate({ precision_pct: precision });
      const { steps, stop } = simulate(search, (v) => v <= capacity);
      const { passed } = bracketOf(steps);
      expect(stop).toBe('converged');
      expect(passed).toBeLessThanOrEqual(capacity);
      expect((capacity - (passed as number)) / capacity).toBeLessThanOrEqual(precision / 100);
      expect(steps.length).toBeLessThanOrEqual(20);
    }));
  });

  it('stops at once when LO misses, and at HI when HI still meets the SLOs', () => {
    expect(simulate(rate({ lo: 4 }), () => false)).toEqual({ steps: [{ value: 4, phase: 'probe', passed: false }], stop: 'bottom_fails' });
    const top = simulate(rate({ lo: 3, hi: 20 }), () => true);
    expect(top.steps.map((s) => s.value)).toEqual([3, 6, 12, 20]);
    expect(top.stop).toBe('top_passes');
  });

  it('keeps to max_steps, answering with the best level so far', () => {
    const { steps, stop } = simulate(rate({ max_steps: 3 }), (v) => v <= 100);
    expect(steps).toHaveLength(3);
    expect(stop).toBe('max_steps');
    expect(bracketOf(steps)).toEqual({ passed: 4 });
  });

  it('a failure below a pass (noise) does not move the bracket under the pass', () => {
    const steps: StepOutcome[] = [{ value: 8, phase: 'probe', passed: true }, { value: 16, phase: 'probe', passed: false }, { value: 11, phase: 'bisect', passed: false }, { value: 6, phase: 'bisect', passed: false }];
    expect(bracketOf(steps)).toEqual({ passed: 8, failed: 11 });
  });
});

describe('concurrency search', () => {
  it('measures whole numbers only and stops when pass and failure are adjacent', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 255 }), (capacity) => {
      const { steps, stop } = simulate({ over: 'concurrency', lo: 1, hi: 256, slo: ['p99_ttft_ms<=1'], precision_pct: 0.01, max_steps: 40 }, (v) => v <= capacity);
      expect(steps.every((s) => Number.isInteger(s.value))).toBe(true);
      expect(new Set(steps.map((s) => s.value)).size).toBe(steps.length);
      expect(stop).toBe('converged');
      expect(bracketOf(steps)).toEqual({ passed: capacity, failed: capacity + 1 });
    }));
  });
});
