import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng } from '../../../src/common/rng.js';

describe('createRng', () => {
  it('is deterministic per seed and yields floats in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = createRng(seed);
        const b = createRng(seed);
        for (let i = 0; i < 20; i++) {
          const x = a();
          expect(x).toBe(b());
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
        }
      }),
    );
  });

  it('different seeds (including fractional and > 2^32) give different streams', () => {
    const first = (seed: number) => createRng(seed)();
    const seeds = [0, 1, 2, 1.5, 2 ** 32 + 1, -1];
    expect(new Set(seeds.map(first)).size).toBe(seeds.length);
  });

  it('is roughly uniform', () => {
    const rand = createRng(123);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(rand() * 10)]!++;
    for (const n of bins) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });

  it('refuses a non-finite seed', () => {
    expect(() => createRng(Number.NaN)).toThrow(/finite seed/);
  });
});
