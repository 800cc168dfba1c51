// Splitting one load level over K clients keeps its meaning: shares sum exactly, rate streams are
// independent and reproducible by seed, request indexes are disjoint and cover the count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gammaGaps } from '../../../../src/bench/engine/arrivals.js';
import { shareOf, shareSeed, splitInteger } from '../../../../src/bench/engine/share.js';

describe('load shares', () => {
  it('integer shares differ by at most one and sum exactly', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 1024 }), (total, parts) => {
      const shares = splitInteger(total, parts);
      expect(shares).toHaveLength(parts);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }));
    expect(splitInteger(10, 3)).toEqual([4, 3, 3]);
  });

  it('concurrency, count, warmup and cap split into exact shares; a rate into K streams of R/K', () => {
    const c = [0, 1, 2].map((i) => shareOf({ kind: 'concurrency', concurrency: 8 }, { num_requests: 10 }, 4, 7, i, 3));
    expect(c.map((s) => s.load)).toEqual([{ kind: 'concurrency', concurrency: 3 }, { kind: 'concurrency', concurrency: 3 }, { kind: 'concurrency', concurrency: 2 }]);
    expect(c.map((s) => s.numRequests)).toEqual([4, 3, 3]);
    expect(c.map((s) => s.warmup)).toEqual([2, 1, 1]);
    const r = shareOf({ kind: 'rate', rate: 9, burstiness: 0.5, max_concurrency: 5 }, {}, 0, 7, 1, 3);
    expect(r.load).toEqual({ kind: 'rate', rate: 3, burstiness: 0.5, max_concurrency: 2 });
    expect(r.numRequests).toBeUndefined();
    expect(shareOf({ kind: 'rate', rate: 'inf', burstiness: 1 }, { num_requests: 5 }, 0, 0, 0, 2).load).toMatchObject({ rate: 'inf' });
  });

  it('indexes offset + i * K + share are disjoint and cover 0..N-1 exactly', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 16 }), (n, k) => {
      const seen: number[] = [];
      for (let share = 0; share < k; share++) {
        const count = shareOf({ kind: 'concurrency', concurrency: 16 }, { num_requests: n }, 0, 0, share, k).numRequests ?? 0;
        for (let i = 0; i < count; i++) seen.push(i * k + share);
      }
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }));
  });

  it('share seeds: share 0 keeps the run seed, others are distinct, stable and give independent streams', () => {
    expect(shareSeed(42, 0)).toBe(42);
    const seeds = Array.from({ length: 64 }, (_, i) => shareSeed(42, i));
    expect(new Set(seeds).size).toBe(64);
    expect(shareSeed(42, 5)).toBe(shareSeed(42, 5));
    const first = (seed: number, n: number, rate = 10): number[] => {
      const it = gammaGaps({ rate, burstiness: 1, seed })[Symbol.iterator]();
      return Array.from({ length: n }, () => it.next().value as number);
    };
    const take = (seed: number) => first(seed, 5);
    expect(take(shareSeed(42, 1))).toEqual(take(shareSeed(42, 1)));
    expect(take(shareSeed(42, 1))).not.toEqual(take(shareSeed(42, 2)));
    // The pooled streams keep the whole rate: K streams at R/K average R arrivals per second.
    const gaps = [1, 2, 3, 4].flatMap((i) => first(shareSeed(3, i), 2000, 25));
    const meanGapMs = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(meanGapMs).toBeGreaterThan(36);
    expect(meanGapMs).toBeLessThan(44);
  });
});
