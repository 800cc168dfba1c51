import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cdfPoints, cdfRanks, histogram, histogramRanks, inFlightPerBucket, minMaxDownsample, ratePerBucket } from '../../../src/report/chart-data.js';
import { selectedSample, sortedSample } from '../../../src/report/order-stats.js';
import { alignColumns } from '../../../src/report/chart-sweep.js';

const sorted = (xs: number[]) => sortedSample(Float64Array.from(xs).sort());

describe('histogram', () => {
  it('counts every sample up to the clip once, and the rest as above', () => {
    const xs = sorted(Array.from({ length: 1000 }, (_, i) => i));
    const h = histogram(xs, 10, 99)!;
    expect(h.clipAt).toBe(990);
    expect(h.counts.reduce((a, b) => a + b, 0) + h.above).toBe(1000);
    expect(h.above).toBe(9);
    expect(h.centers[0]).toBeCloseTo(49.5, 9);
  });
  it('one distinct value is one bin; no samples, no histogram', () => {
    expect(histogram(sorted([5, 5, 5]))).toEqual({ centers: [5], counts: [3], above: 0, clipAt: 5 });
    expect(histogram(sorted([]))).toBeUndefined();
  });
});

describe('cdfPoints', () => {
  it('lies on the exact empirical CDF and ends at 1', () => {
    const xs = sorted(Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_000));
    const { x, y } = cdfPoints(xs, 300);
    expect(x.length).toBeLessThanOrEqual(375);
    for (let i = 0; i < x.length; i++) expect(y[i]).toBeCloseTo((x[i]! + 1) / 10_000, 12);
    expect(y[y.length - 1]).toBe(1);
    expect(x.filter((v) => v >= 9900).length).toBeGreaterThan(50); // the tail is dense
  });
  it('collapses ties', () => {
    expect(cdfPoints(sorted([1, 1, 1, 2]))).toEqual({ x: [1, 2], y: [0.75, 1] });
  });
});

describe('selectedSample', () => {
  // Large enough to be bucketed rather than sorted: ties on a coarse grid, smooth values, a heavy tail
  // with outliers far past the 99.9th percentile, a single value; seeded, so a failure replays.
  const shapes = {
    grid: (r: () => number) => Math.floor(r() * 20),
    smooth: (r: () => number) => 10 + 5 * r(),
    tail: (r: () => number) => (r() < 0.002 ? 1e6 * r() : 30 - 20 * Math.log(1 - r())),
    constant: () => 7,
  };
  const large = fc.record({ shape: fc.constantFrom(...(Object.keys(shapes) as Array<keyof typeof shapes>)), n: fc.integer({ min: 16_385, max: 60_000 }), seed: fc.integer() })
    .map(({ shape, n, seed }) => {
      let x = seed >>> 0 || 1;
      const r = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      return Array.from({ length: n }, () => shapes[shape](r));
    });
  const small = fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { maxLength: 3000 });

  it('draws the same histogram and CDF as a full sort', () => {
    fc.assert(
      fc.property(fc.oneof(large, small), (xs) => {
        const full = sorted(xs);
        const picked = selectedSample(Float64Array.from(xs), [...histogramRanks(xs.length), ...cdfRanks(xs.length)]);
        expect(histogram(picked)).toEqual(histogram(full));
        expect(cdfPoints(picked)).toEqual(cdfPoints(full));
      }),
      { numRuns: 60 },
    );
  });

  it('answers the ranks it selected; a rank in a bucket it did not gather is refused', () => {
    const xs = Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 50_000);
    const s = selectedSample(Float64Array.from(xs), [0, 25_000, 49_999]);
    expect([s.at(0), s.at(25_000), s.at(49_999)]).toEqual([0, 25_000, 49_999]);
    expect([s.countAtMost(0), s.countAtMost(25_000), s.countAtMost(49_999)]).toEqual([1, 25_001, 50_000]);
    expect(() => s.at(12_345)).toThrow(RangeError);
  });
});

describe('timelines', () => {
  it('in flight is the time-weighted mean per step', () => {
    // two requests: [0, 1000) and [500, 1000) -> 1 then 2 in flight; 4 steps of 250 ms
    const r = inFlightPerBucket(Float64Array.from([0, 500]), Float64Array.from([1000, 1000]), 1000, 4);
    expect(r.v).toEqual([1, 1, 2, 2]);
    expect(r.t).toEqual([0.125, 0.375, 0.625, 0.875]);
  });
  it('steps are never shorter than 250 ms', () => {
    expect(inFlightPerBucket(Float64Array.from([0]), Float64Array.from([1000]), 1000, 300).v).toHaveLength(4);
  });
  it('rates are weight per second per step, the last event included', () => {
    const r = ratePerBucket([0, 100, 600, 1000], [1, 1, 2, 4], 1000, 2);
    expect(r.v).toEqual([4, 12]);
  });
});

describe('minMaxDownsample', () => {
  it('keeps the lowest and highest point of every bucket, so a spike survives', () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    const ys = xs.map((i) => (i === 4321 ? 1000 : i % 7));
    const d = minMaxDownsample(xs, ys, 100);
    expect(d.x.length).toBeLessThanOrEqual(200);
    expect(d.y).toContain(1000);
    expect(d.x).toEqual([...d.x].sort((a, b) => a - b));
  });
  it('keeps everything when there is little', () => {
    expect(minMaxDownsample([1, 2, 3], [3, 2, 1], 100)).toEqual({ x: [1, 2, 3], y: [3, 2, 1] });
  });
});

describe('alignColumns', () => {
  it('unions x ascending with nulls where a series has no point', () => {
    expect(alignColumns([[[2, 20], [1, 10]], [[3, 30], [1, 11]]])).toEqual([[1, 2, 3], [10, 20, null], [11, null, 30]]);
  });
});

describe('seriesCharts (server and GPU series)', () => {
  it('draws one chart per group, one line per series, on a shared time axis', async () => {
    const { seriesCharts } = await import('../../../src/report/chart-series.js');
    const charts = seriesCharts([
      { group: 'GPU power', label: 'gpu0', unit: 'W', points: [[0, 300], [5, 350]] },
      { group: 'GPU power', label: 'gpu1', unit: 'W', points: [[0, 310], [6, 340]] },
      { group: 'KV cache', label: 'usage', unit: 'fraction', points: [[1, 0.2]] },
    ], 'r0');
    expect(charts.map((c) => [c.id, c.title, c.yLabel, c.series.map((s) => s.label)])).toEqual([
      ['r0-series-0', 'GPU power', 'W', ['gpu0', 'gpu1']],
      ['r0-series-1', 'KV cache', 'fraction', ['usage']],
    ]);
    expect(charts[0]?.data).toEqual([[0, 5, 6], [300, 350, null], [310, null, 340]]);
  });
});
