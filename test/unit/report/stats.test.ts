// Known values from scipy 1.17 (stats.t.ppf / cdf, ttest_ind(equal_var=False), t.interval).
import { describe, expect, it } from 'vitest';
import { meanCi95, predictionTest, sampleVariance, welchRepetitions } from '../../../src/report/stats.js';
import { lnGamma, normalCdf, tCdf, tQuantile } from '../../../src/report/student-t.js';

describe('Student t', () => {
  it.each([
    [1, 12.706204736174694],
    [2, 4.302652729749462],
    [4, 2.7764451051977934],
    [10, 2.228138851986274],
    [30, 2.0422724563012378],
  ])('t.ppf(0.975, %d) = %d', (df, expected) => {
    expect(tQuantile(0.975, df)).toBeCloseTo(expected, 8);
    expect(tQuantile(0.025, df)).toBeCloseTo(-expected, 8);
  });

  it('cdf matches scipy', () => {
    expect(tCdf(2, 5)).toBeCloseTo(0.9490302605850708, 10);
    expect(tCdf(-1.5, 3)).toBeCloseTo(0.11529193262241147, 10);
    expect(tCdf(0.3, 100)).toBeCloseTo(0.6176000598498482, 10);
    expect(tCdf(0, 7)).toBe(0.5);
  });

  it('tends to the normal', () => {
    expect(tQuantile(0.975, Number.POSITIVE_INFINITY)).toBeCloseTo(1.959964, 5);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('refuses p outside (0, 1)', () => {
    expect(() => tQuantile(1, 3)).toThrow(RangeError);
    expect(() => tCdf(1, 0)).toThrow(RangeError);
  });
});

describe('mean and 95% CI over repetitions', () => {
  it('matches t.interval(0.95, n-1, mean, sem)', () => {
    const ci = meanCi95([12.0, 11.5, 12.3, 11.8, 12.1]);
    expect(ci?.n).toBe(5);
    expect(ci?.mean).toBeCloseTo(11.94, 12);
    expect(ci?.low).toBeCloseTo(11.561343371836054, 9);
    expect(ci?.high).toBeCloseTo(12.318656628163945, 9);
  });

  it('one value has a mean but no interval; none has nothing', () => {
    expect(meanCi95([3])).toEqual({ n: 1, mean: 3 });
    expect(meanCi95([])).toBeUndefined();
    expect(sampleVariance([3])).toBeUndefined();
  });
});

describe('Welch t over repetitions', () => {
  it('clearly shifted repetitions are significant (scipy: p = 0.000175, CI [0.6625, 1.3375])', () => {
    const s = welchRepetitions([10.1, 9.8, 10.3, 10.0, 9.9], [11.0, 10.7, 11.4, 11.1, 10.9]);
    expect(s.method).toBe('welch-repetitions');
    expect(s.significant).toBe(true);
    expect(s.pValue).toBeCloseTo(0.00017530893725551224, 8);
    expect(s.low).toBeCloseTo(0.6625442243075352, 8);
    expect(s.high).toBeCloseTo(1.3374557756924648, 8);
    expect(s.test).toBe('Welch t over 5+5 repetitions (df 7.4)');
  });

  it('noise is not significant (scipy: p = 0.843)', () => {
    const s = welchRepetitions([10.1, 9.8, 10.3, 10.0, 9.9], [10.2, 9.7, 10.4, 9.95, 10.0]);
    expect(s.significant).toBe(false);
    expect(s.pValue).toBeCloseTo(0.843110694082454, 8);
  });

  it('identical repetitions are not significant; constant but different ones are', () => {
    expect(welchRepetitions([5, 6, 7], [5, 6, 7])).toMatchObject({ significant: false, pValue: 1, diff: 0 });
    expect(welchRepetitions([5, 5], [5, 5])).toMatchObject({ significant: false, pValue: 1 });
    expect(welchRepetitions([5, 5], [6, 6])).toMatchObject({ significant: true, pValue: 0, diff: 1 });
  });

  it('needs two repetitions per side', () => {
    expect(welchRepetitions([1], [2, 3])).toMatchObject({ method: 'none', note: 'needs at least two repetitions on each side' });
  });
});

describe('prediction interval of a trailing window', () => {
  it('flags a value outside it (t = 5.7735, p = 0.00447, half-width 4.8089)', () => {
    const s = predictionTest([100, 102, 98, 101, 99], 110);
    expect(s).toMatchObject({ method: 'prediction-interval', significant: true, diff: 10 });
    expect(s.pValue).toBeCloseTo(0.004468575556053281, 8);
    expect((s.high as number) - 10).toBeCloseTo(4.808943986628495, 8);
  });

  it('a value inside the spread is not flagged', () => {
    expect(predictionTest([100, 102, 98, 101, 99], 103).significant).toBe(false);
  });

  it('needs three earlier runs', () => {
    expect(predictionTest([100, 101], 200)).toMatchObject({ method: 'none', note: 'needs at least 3 earlier runs in the window, got 2' });
  });
});
