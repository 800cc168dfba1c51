// Exponential retry backoff: bounds, growth, jitter, reset, reproducible with a seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryBackoff } from '../../../src/telemetry/backoff.js';

describe('retryBackoff', () => {
  it('grows exponentially to the cap, without jitter exactly', () => {
    const b = retryBackoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0, seed: 1 });
    expect(Array.from({ length: 6 }, () => b.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('keeps every delay in [base x (1 - jitter), base] and is reproducible per seed', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), (seed, jitter) => {
        const a = retryBackoff({ initialMs: 1000, maxMs: 30_000, jitter, seed });
        const b = retryBackoff({ initialMs: 1000, maxMs: 30_000, jitter, seed });
        for (let n = 0; n < 10; n++) {
          const base = Math.min(30_000, 1000 * 2 ** n);
          const d = a.next();
          expect(d).toBe(b.next());
          expect(d).toBeGreaterThanOrEqual(Math.floor(base * (1 - jitter)));
          expect(d).toBeLessThanOrEqual(base);
        }
      }),
    );
  });

  it('jitter spreads delays of different seeds', () => {
    const firsts = new Set(Array.from({ length: 20 }, (_, seed) => retryBackoff({ seed }).next()));
    expect(firsts.size).toBeGreaterThan(10);
  });

  it('refuses nonsense settings', () => {
    expect(() => retryBackoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => retryBackoff({ jitter: 2 })).toThrow(RangeError);
  });
});
