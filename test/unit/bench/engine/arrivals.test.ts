import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/errors.js';
import { arrivalLabel, gammaGaps } from '../../../../src/bench/engine/arrivals.js';

function take(iter: Iterator<number>, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(iter.next().value as number);
  return out;
}

function stats(xs: number[]): { mean: number; cv: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  return { mean, cv: Math.sqrt(variance) / mean };
}

describe('gammaGaps', () => {
  const N = 20_000;
  it.each([1, 0.5, 4, 0.25])('burstiness %d: mean gap 1000/rate and CV 1/sqrt(b)', (burstiness) => {
    const rate = 4; // 250 ms mean gap
    const gaps = take(gammaGaps({ rate, burstiness, seed: 42 }), N);
    const { mean, cv } = stats(gaps);
    expect(Math.abs(mean - 250) / 250).toBeLessThan(0.05);
    expect(Math.abs(cv - 1 / Math.sqrt(burstiness)) * Math.sqrt(burstiness)).toBeLessThan(0.08);
    expect(gaps.every((g) => g >= 0 && Number.isFinite(g))).toBe(true);
  });

  it('burstiness 1 is exponential: P(gap < mean) = 1 - 1/e', () => {
    const gaps = take(gammaGaps({ rate: 10, burstiness: 1, seed: 7 }), N);
    const below = gaps.filter((g) => g < 100).length / N;
    expect(Math.abs(below - (1 - Math.exp(-1)))).toBeLessThan(0.015);
  });

  it('same seed, same sequence; another seed, another one', () => {
    const a = take(gammaGaps({ rate: 2, burstiness: 0.5, seed: 1 }), 100);
    const b = take(gammaGaps({ rate: 2, burstiness: 0.5, seed: 1 }), 100);
    const c = take(gammaGaps({ rate: 2, burstiness: 0.5, seed: 2 }), 100);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('rate = Infinity sends everything at once', () => {
    expect(take(gammaGaps({ rate: Number.POSITIVE_INFINITY, burstiness: 1, seed: 1 }), 5)).toEqual([0, 0, 0, 0, 0]);
  });

  it.each([
    [{ rate: 0, burstiness: 1, seed: 1 }, /^rate: /],
    [{ rate: -1, burstiness: 1, seed: 1 }, /^rate: /],
    [{ rate: Number.NaN, burstiness: 1, seed: 1 }, /^rate: /],
    [{ rate: 1, burstiness: 0, seed: 1 }, /^burstiness: /],
    [{ rate: 1, burstiness: Number.POSITIVE_INFINITY, seed: 1 }, /^burstiness: /],
  ])('refuses %j', (opts, message) => {
    expect(() => gammaGaps(opts).next()).toThrow(UsageError);
    expect(() => gammaGaps(opts).next()).toThrow(message);
  });
});

describe('arrivalLabel', () => {
  it.each([
    [{ kind: 'concurrency' as const, concurrency: 64 }, 'concurrency@64'],
    [{ kind: 'rate' as const, rate: 2, burstiness: 1 }, 'poisson@2.00'],
    [{ kind: 'rate' as const, rate: 2, burstiness: 0.5 }, 'gamma(b=0.5)@2.00'],
    [{ kind: 'rate' as const, rate: Number.POSITIVE_INFINITY, burstiness: 1 }, 'poisson@inf'],
    [{ kind: 'rate' as const, rate: 12.345, burstiness: 1, maxConcurrency: 8 }, 'poisson@12.35/max8'],
  ])('%j -> %s', (pattern, label) => {
    expect(arrivalLabel(pattern)).toBe(label);
  });
});
