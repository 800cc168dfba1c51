import { describe, expect, it } from 'vitest';
import { jittered, planTokenTimes, prefillMs, tokenDeadline } from '../../../src/sim/latency.js';
import { createRng } from '../../../src/common/rng.js';

const exact = { prefillOverheadMs: 5, prefillMsPerToken: 0.05, itlMs: 10, jitter: 0 };
const never = () => {
  throw new Error('no randomness expected with jitter 0');
};

describe('latency model', () => {
  it('TTFT part after admission is overhead + prompt tokens x per-token cost', () => {
    expect(prefillMs(exact, 0, never)).toBe(5);
    expect(prefillMs(exact, 1000, never)).toBeCloseTo(55, 10);
  });

  it('token k is due at first + k x itl exactly, without accumulated rounding', () => {
    const times = planTokenTimes(exact, 100, 200, 1000, never);
    expect(times[0]).toBeCloseTo(115, 10);
    expect(times[999]).toBeCloseTo(115 + 999 * 10, 9);
    expect(tokenDeadline(exact, 115, 0, 3, never)).toBe(145);
  });

  it('queue wait adds to TTFT: a request admitted later starts later', () => {
    const early = planTokenTimes(exact, 0, 10, 1, never)[0]!;
    const late = planTokenTimes(exact, 40, 10, 1, never)[0]!;
    expect(late - early).toBe(40);
  });

  it('jitter stays within [1 - j, 1 + j] and is reproducible for a seed', () => {
    const rand = createRng(42);
    for (let i = 0; i < 1000; i++) {
      const v = jittered(10, 0.2, rand);
      expect(v).toBeGreaterThanOrEqual(8);
      expect(v).toBeLessThanOrEqual(12);
    }
    const model = { ...exact, jitter: 0.5 };
    expect(planTokenTimes(model, 0, 100, 50, createRng(7))).toEqual(planTokenTimes(model, 0, 100, 50, createRng(7)));
    expect(planTokenTimes(model, 0, 100, 50, createRng(7))).not.toEqual(planTokenTimes(model, 0, 100, 50, createRng(8)));
  });

  it('jittered gaps average to the configured ITL and deadlines never go backwards', () => {
    const times = planTokenTimes({ ...exact, jitter: 1 }, 0, 0, 20_001, createRng(1));
    const mean = (times[20_000]! - times[0]!) / 20_000;
    expect(mean).toBeGreaterThan(9.8);
    expect(mean).toBeLessThan(10.2);
    for (let k = 1; k < times.length; k++) expect(times[k]!).toBeGreaterThanOrEqual(times[k - 1]!);
  });
});
