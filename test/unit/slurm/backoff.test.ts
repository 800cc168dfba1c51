import { describe, expect, it } from 'vitest';
import { pollBackoff } from '../../../src/slurm/backoff.js';

describe('pollBackoff', () => {
  it('grows 0.5 s by 1.5x up to a 5 s cap', () => {
    const b = pollBackoff();
    expect(Array.from({ length: 9 }, () => b.next())).toEqual([500, 750, 1125, 1688, 2531, 3797, 5000, 5000, 5000]);
  });

  it('resets when the observed state changes, not when it stays the same', () => {
    const b = pollBackoff();
    const seq = ['PENDING', 'PENDING', 'PENDING', 'RUNNING', 'RUNNING', 'RUNNING'].map((s) => b.next(s));
    expect(seq).toEqual([500, 750, 1125, 500, 750, 1125]);
  });

  it('reset() starts over', () => {
    const b = pollBackoff({ initialMs: 100, factor: 2, maxMs: 300 });
    expect([b.next(), b.next(), b.next()]).toEqual([100, 200, 300]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it.each([{ initialMs: 0 }, { factor: 0.5 }, { initialMs: 1000, maxMs: 500 }])('refuses %j', (options) => {
    expect(() => pollBackoff(options)).toThrow(/Expected initialMs > 0/);
  });
});
