import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/errors.js';
import { formatPercentileKey, parsePercentileList, percentile, summarize } from '../../../../src/bench/results/percentile.js';

describe('percentile (numpy linear, values worked out by hand)', () => {
  it.each([
    [[1, 2, 3, 4], 90, 3.7], // h = 3 * 0.9 = 2.7 -> 3 + 0.7 * (4 - 3)
    [[15, 20, 35, 40, 50], 40, 29], // h = 1.6 -> 20 + 0.6 * 15
    [[15, 20, 35, 40, 50], 5, 16], // h = 0.2 -> 15 + 0.2 * 5
    [[15, 20, 35, 40, 50], 30, 23], // h = 1.2 -> 20 + 0.2 * 15
    [[15, 20, 35, 40, 50], 50, 35],
    [[15, 20, 35, 40, 50], 0, 15],
    [[15, 20, 35, 40, 50], 100, 50],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 9.91], // h = 8.91 -> 9 + 0.91
    [[50, 15, 40, 20, 35], 40, 29], // unsorted input
    [[3, 1, 2], 50, 2],
    [[10], 99, 10],
    [[10], 0, 10],
  ])('np.percentile(%j, %d) = %d', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
  });

  it('has no value without samples', () => {
    expect(percentile([], 50)).toBeUndefined();
  });

  it('does not reorder the caller array', () => {
    const values = [3, 1, 2];
    percentile(values, 90);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses p outside [0, 100]', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('gives mean, median, population std, min, max and percentiles', () => {
    // Classic population-std example: mean 5, std exactly 2.
    const d = summarize([9, 2, 4, 4, 5, 5, 4, 7], [50, 99.9]);
    expect(d.count).toBe(8);
    expect(d.mean).toBe(5);
    expect(d.median).toBe(4.5);
    expect(d.std).toBe(2);
    expect(d.min).toBe(2);
    expect(d.max).toBe(9);
    expect(d.percentiles['50']).toBe(4.5);
    // h = 7 * 0.999 = 6.993 -> 7 + 0.993 * 2
    expect(d.percentiles['99.9']).toBeCloseTo(8.986, 10);
  });

  it('leaves every statistic undefined without samples', () => {
    const d = summarize([], [99]);
    expect(d).toEqual({ count: 0, percentiles: { '99': undefined } });
    expect('mean' in d).toBe(false);
  });

  it('keys percentiles like vLLM', () => {
    expect(formatPercentileKey(99)).toBe('99');
    expect(formatPercentileKey(99.9)).toBe('99.9');
    expect(formatPercentileKey(99.0)).toBe('99');
  });
});

describe('parsePercentileList', () => {
  it('parses, deduplicates and sorts', () => {
    expect(parsePercentileList('99, 90,99.9,90')).toEqual([90, 99, 99.9]);
  });
  it.each(['', '0', '101', 'p99', '90,,abc', '-5'])('refuses %j', (input) => {
    expect(() => parsePercentileList(input)).toThrow(UsageError);
  });
});
