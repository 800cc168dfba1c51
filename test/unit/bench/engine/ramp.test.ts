// Ramp-up arrivals: the number of sends in each window follows the ramp's integrated rate (linear
// and exponential, over a duration or a count), seeded and reproducible; a split into shares sums
// to the whole ramp; labels say what ran.
import { describe, expect, it } from 'vitest';
import { arrivalLabel, arrivalOffsets, rampOffsets, rampRate } from '../../../../src/bench/engine/arrivals.js';
import { loadLabel } from '../../../../src/bench/engine/schedule.js';
import { shareOf } from '../../../../src/bench/engine/share.js';
import type { LoadPattern } from '../../../../src/bench/spec/bench-spec.js';

function offsetsWithin(gen: Iterator<number>, endMs: number): number[] {
  const out: number[] = [];
  for (;;) {
    const t = gen.next().value as number;
    if (!(t < endMs)) return out;
    out.push(t);
  }
}

// Expected arrivals in [a, b) seconds of a ramp over d seconds, by numeric integration (independent of the inverse used in src/).
function expected(shape: 'linear' | 'exponential', r0: number, r1: number, d: number, a: number, b: number): number {
  let sum = 0;
  const steps = 2000;
  for (let i = 0; i < steps; i++) sum += rampRate(shape, r0, r1, (a + ((b - a) * (i + 0.5)) / steps) / d) * ((b - a) / steps);
  return sum;
}

describe('ramp arrivals over a duration', () => {
  it.each(['linear', 'exponential'] as const)('%s: sends per window follow the ramp within Poisson noise', (shape) => {
    const d = 200;
    // 20 independent runs pooled, so each 20 s window has thousands of arrivals.
    const counts = new Array<number>(10).fill(0);
    for (let seed = 1; seed <= 20; seed++) {
      for (const t of offsetsWithin(rampOffsets({ shape, startRate: 2, endRate: 50, burstiness: 1, seed, durationS: d }), d * 1000)) counts[Math.floor(t / 20_000)]! += 1;
    }
    counts.forEach((n, w) => {
      const want = 20 * expected(shape, 2, 50, d, w * 20, (w + 1) * 20);
      expect(Math.abs(n - want)).toBeLessThan(4 * Math.sqrt(want) + 2);
    });
    expect(counts[9]!).toBeGreaterThan(counts[0]! * 5);
  });

  it('a falling ramp ends when its span holds no more arrivals, and gaps stay gamma-shaped (burstiness)', () => {
    const falling = offsetsWithin(rampOffsets({ shape: 'linear', startRate: 40, endRate: 1, burstiness: 1, seed: 3, durationS: 10 }), 10_000);
    expect(Math.abs(falling.length - expected('linear', 40, 1, 10, 0, 10))).toBeLessThan(4 * Math.sqrt(205));
    const regular = offsetsWithin(rampOffsets({ shape: 'linear', startRate: 50, endRate: 50, burstiness: 400, seed: 3, durationS: 20 }), 20_000);
    const gaps = regular.slice(1).map((t, i) => t - regular[i]!);
    expect(Math.max(...gaps) / Math.min(...gaps)).toBeLessThan(1.5); // shape 400: CV 5 %
  });

  it('is seeded: the same seed gives the same times, another seed others', () => {
    const a = offsetsWithin(rampOffsets({ shape: 'exponential', startRate: 1, endRate: 10, burstiness: 1, seed: 9, durationS: 5 }), 5000);
    const b = offsetsWithin(rampOffsets({ shape: 'exponential', startRate: 1, endRate: 10, burstiness: 1, seed: 9, durationS: 5 }), 5000);
    const c = offsetsWithin(rampOffsets({ shape: 'exponential', startRate: 1, endRate: 10, burstiness: 1, seed: 10, durationS: 5 }), 5000);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});

describe('ramp arrivals over a request count', () => {
  it('the rate follows the request index: early gaps long, late gaps short', () => {
    const gen = arrivalOffsets({ kind: 'ramp', shape: 'linear', start_rate: 1, end_rate: 100, burstiness: 1 }, 4, { numRequests: 4000 });
    const times = Array.from({ length: 4000 }, () => gen.next().value as number);
    const meanGap = (from: number, to: number) => (times[to]! - times[from]!) / (to - from);
    expect(meanGap(0, 200)).toBeGreaterThan(meanGap(3800, 3999) * 10);
    expect(Math.abs(meanGap(3800, 3999) - 1000 / rampRate('linear', 1, 100, 0.975)) / (1000 / rampRate('linear', 1, 100, 0.975))).toBeLessThan(0.25);
  });
});

describe('ramp shares and labels', () => {
  it('K shares each ramp from R0/K to R1/K, so together they keep the ramp', () => {
    const ramp: LoadPattern = { kind: 'ramp', shape: 'linear', start_rate: 4, end_rate: 40, burstiness: 1, max_concurrency: 9 };
    const shares = [0, 1, 2].map((i) => shareOf(ramp, { num_requests: 10 }, 0, 1, i, 3));
    expect(shares.map((s) => s.load)).toEqual([0, 1, 2].map(() => ({ ...ramp, start_rate: 4 / 3, end_rate: 40 / 3, max_concurrency: 3 })));
    const total = shares.reduce((n, s) => n + offsetsWithin(arrivalOffsets(s.load, s.seed, { durationS: 30 }), 30_000).length, 0);
    expect(Math.abs(total - expected('linear', 4, 40, 30, 0, 30))).toBeLessThan(4 * Math.sqrt(660));
  });

  it('labels name the shape, both ends, the arrival process and the cap', () => {
    expect(loadLabel({ kind: 'ramp', shape: 'linear', start_rate: 1, end_rate: 8, burstiness: 1 })).toBe('poisson@linear-ramp(1.00..8.00)');
    expect(arrivalLabel({ kind: 'ramp', shape: 'exponential', startRate: 2, endRate: 64, burstiness: 0.5, maxConcurrency: 16 })).toBe('gamma(b=0.5)@exponential-ramp(2.00..64.00)/max16');
    expect(loadLabel({ kind: 'trace', time_scale: 0.5 })).toBe('trace(x0.5)');
    expect(loadLabel({ kind: 'batch', poll_interval_s: 2 })).toBe('batch');
  });

  it('a trace keeps its times in every share; a batch cannot be split', () => {
    expect(shareOf({ kind: 'trace', time_scale: 2, max_concurrency: 8 }, {}, 0, 1, 1, 2).load).toEqual({ kind: 'trace', time_scale: 2, max_concurrency: 4 });
    expect(() => shareOf({ kind: 'batch', poll_interval_s: 1 }, { num_requests: 4 }, 0, 1, 0, 2)).toThrow(/A batch is one job: it cannot be split/);
  });
});
