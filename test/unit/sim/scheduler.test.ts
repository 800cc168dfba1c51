import { describe, expect, it } from 'vitest';
import { BatchScheduler } from '../../../src/sim/scheduler.js';

describe('BatchScheduler', () => {
  it('runs at most maxRunning; the 3rd and 4th wait', () => {
    const s = new BatchScheduler<string>(2);
    expect(['a', 'b', 'c', 'd'].map((r) => s.submit(r))).toEqual([true, true, false, false]);
    expect([s.numRunning, s.numWaiting]).toEqual([2, 2]);
    expect(s.isWaiting('c') && s.isWaiting('d')).toBe(true);
  });

  it('admits waiting requests in FIFO order as slots free', () => {
    const s = new BatchScheduler<string>(2);
    for (const r of ['a', 'b', 'c', 'd', 'e']) s.submit(r);
    expect(s.release('b')).toEqual(['c']);
    expect(s.release('a')).toEqual(['d']);
    expect(s.isRunning('c') && s.isRunning('d')).toBe(true);
    expect(s.release('c')).toEqual(['e']);
    expect(s.release('d')).toEqual([]);
    expect(s.release('e')).toEqual([]);
    expect([s.numRunning, s.numWaiting]).toEqual([0, 0]);
  });

  it('an aborted waiting request leaves the queue without taking a slot', () => {
    const s = new BatchScheduler<string>(1);
    for (const r of ['a', 'b', 'c']) s.submit(r);
    expect(s.release('b')).toEqual([]);
    expect(s.release('a')).toEqual(['c']);
    expect(s.numWaiting).toBe(0);
  });

  it('a new request queues behind waiting ones even if a slot is momentarily free', () => {
    const s = new BatchScheduler<string>(1);
    s.submit('a');
    s.submit('b');
    s.release('a'); // admits b
    expect(s.submit('c')).toBe(false);
  });

  it('releasing an unknown or already released request is a no-op', () => {
    const s = new BatchScheduler<string>(1);
    s.submit('a');
    expect(s.release('x')).toEqual([]);
    expect(s.release('a')).toEqual([]);
    expect(s.release('a')).toEqual([]);
    expect(s.numRunning).toBe(0);
  });

  it('rejects a request submitted twice and a bad limit', () => {
    const s = new BatchScheduler<string>(1);
    s.submit('a');
    expect(() => s.submit('a')).toThrow(/twice/);
    expect(() => new BatchScheduler(0)).toThrow(/maxRunning >= 1/);
  });

  it('clear() hands back running and waiting requests', () => {
    const s = new BatchScheduler<string>(1);
    s.submit('a');
    s.submit('b');
    expect(s.clear()).toEqual(['a', 'b']);
    expect([s.numRunning, s.numWaiting]).toEqual([0, 0]);
  });
});
