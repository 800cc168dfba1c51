import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineTimer } from '../../../src/sim/deadline-timer.js';

describe('DeadlineTimer', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());
  const clock = () => Date.now();

  it('runs tasks in deadline order, ties in insertion order', async () => {
    const timer = new DeadlineTimer(clock);
    const seen: string[] = [];
    timer.at(30, () => seen.push('c'));
    timer.at(10, () => seen.push('a1'));
    timer.at(10, () => seen.push('a2'));
    timer.at(20, () => seen.push('b'));
    await vi.advanceTimersByTimeAsync(100);
    expect(seen).toEqual(['a1', 'a2', 'b', 'c']);
    expect(timer.size).toBe(0);
  });

  it('self-rescheduling tasks fire at their absolute deadlines (no drift)', async () => {
    const timer = new DeadlineTimer(clock);
    const fired: number[] = [];
    let k = 0;
    const task = () => {
      fired.push(Date.now());
      if (++k < 5) timer.at(7 + k * 10, task);
    };
    timer.at(7, task);
    await vi.advanceTimersByTimeAsync(100);
    expect(fired).toEqual([7, 17, 27, 37, 47]);
  });

  it('an overdue task runs on the next turn, not inside the current one', async () => {
    const timer = new DeadlineTimer(clock);
    const seen: string[] = [];
    timer.at(5, () => {
      seen.push('first');
      timer.at(0, () => seen.push('overdue'));
      seen.push('after-schedule');
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(seen).toEqual(['first', 'after-schedule', 'overdue']);
  });

  it('a failing task does not stop the others', async () => {
    const timer = new DeadlineTimer(clock);
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const seen: number[] = [];
    timer.at(1, () => {
      throw new Error('boom');
    });
    timer.at(2, () => seen.push(2));
    await vi.advanceTimersByTimeAsync(5);
    expect(seen).toEqual([2]);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it('close() drops pending tasks', async () => {
    const timer = new DeadlineTimer(clock);
    const seen: number[] = [];
    timer.at(5, () => seen.push(5));
    timer.close();
    timer.at(6, () => seen.push(6));
    await vi.advanceTimersByTimeAsync(10);
    expect(seen).toEqual([]);
  });
});
