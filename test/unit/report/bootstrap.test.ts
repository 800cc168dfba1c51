import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/bench/engine/arrivals.js';
import { percentile } from '../../../src/bench/results/percentile.js';
import { bootstrapPercentileDiff, sampleSet, welchSamples } from '../../../src/report/bootstrap.js';

// Latency-like samples: 50 ms plus an exponential tail, seeded.
function latencies(n: number, seed: number, shiftMs = 0): number[] {
  const random = createRng(seed);
  return Array.from({ length: n }, () => 50 + shiftMs - 20 * Math.log(1 - random()));
}

// The textbook bootstrap: resample n values with replacement, take the percentile, B times.
function naiveInterval(base: number[], next: number[], p: number, resamples: number): [number, number] {
  const random = createRng(99);
  const draw = (xs: number[]): number => percentile(Array.from(xs, () => xs[Math.floor(random() * xs.length)] as number), p) as number;
  const diffs = Array.from({ length: resamples }, () => draw(next) - draw(base)).sort((a, b) => a - b);
  return [percentile(diffs, 2.5) as number, percentile(diffs, 97.5) as number];
}

describe('bootstrap of a percentile difference', () => {
  it('identical samples are not significant, p near 1', () => {
    const xs = latencies(2000, 1);
    const s = bootstrapPercentileDiff(sampleSet(xs), sampleSet(xs), 99);
    expect(s.method).toBe('bootstrap-quantile');
    expect(s.diff).toBe(0);
    expect(s.significant).toBe(false);
    expect(s.pValue).toBeGreaterThan(0.5);
    expect(s.low).toBeLessThan(0);
    expect(s.high).toBeGreaterThan(0);
  });

  it('two draws of the same distribution are not significant', () => {
    const s = bootstrapPercentileDiff(sampleSet(latencies(1000, 1)), sampleSet(latencies(1000, 2)), 50);
    expect(s.significant).toBe(false);
  });

  it('clearly shifted samples are significant, and the interval holds the shift', () => {
    const s = bootstrapPercentileDiff(sampleSet(latencies(1000, 1)), sampleSet(latencies(1000, 2, 10)), 50);
    expect(s.significant).toBe(true);
    expect(s.pValue).toBeLessThan(0.01);
    expect(s.low).toBeGreaterThan(0);
    expect(s.low! < 10 && 10 < s.high!).toBe(true);
    expect(s.test).toBe('bootstrap of the difference of p50 (2000 resamples, seed 1)');
  });

  it('is the same for the same seed (a verdict does not change between runs of the command)', () => {
    const [a, b] = [sampleSet(latencies(500, 3)), sampleSet(latencies(500, 4, 2))];
    expect(bootstrapPercentileDiff(a, b, 90)).toEqual(bootstrapPercentileDiff(a, b, 90));
    expect(bootstrapPercentileDiff(a, b, 90, { seed: 7 })).not.toEqual(bootstrapPercentileDiff(a, b, 90));
  });

  it.each([50, 90, 99])('the order-statistic shortcut agrees with the textbook bootstrap (p%d)', (p) => {
    const [base, next] = [latencies(400, 5), latencies(400, 6, 3)];
    const fast = bootstrapPercentileDiff(sampleSet(base), sampleSet(next), p, { resamples: 4000 });
    const [low, high] = naiveInterval(base, next, p, 4000);
    const width = high - low;
    expect(Math.abs(fast.low! - low)).toBeLessThan(0.15 * width);
    expect(Math.abs(fast.high! - high)).toBeLessThan(0.15 * width);
  });

  it('fewer independent draws (ITL gaps of few requests) widen the interval', () => {
    const [base, next] = [latencies(5000, 8), latencies(5000, 9)];
    const all = bootstrapPercentileDiff(sampleSet(base), sampleSet(next), 50);
    const few = bootstrapPercentileDiff(sampleSet(base, 100), sampleSet(next, 100), 50);
    expect(few.high! - few.low!).toBeGreaterThan(4 * (all.high! - all.low!));
  });

  it('has no verdict without samples', () => {
    expect(bootstrapPercentileDiff(sampleSet([]), sampleSet([1, 2]), 50)).toMatchObject({ method: 'none' });
  });
});

describe('Welch on per-request samples (means)', () => {
  it('separates a shifted mean and not noise', () => {
    expect(welchSamples(sampleSet(latencies(1000, 1)), sampleSet(latencies(1000, 2, 10))).significant).toBe(true);
    expect(welchSamples(sampleSet(latencies(1000, 1)), sampleSet(latencies(1000, 2))).significant).toBe(false);
  });
});
