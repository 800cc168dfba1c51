import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../../src/dispatch/dispatcher.js';
import { Tier } from '../../../src/dispatch/tiers.js';
import { flush, gate } from './helpers.js';

describe('Dispatcher tiers', () => {
  it('runs higher tiers first and never interrupts running work', async () => {
    const log: string[] = [];
    const d = new Dispatcher({ floor: 1, ceiling: 1, agingMs: Number.POSITIVE_INFINITY });
    const blocker = gate('blocker', log);
    const running = d.add(blocker.task, { tier: Tier.BACKGROUND });
    const tasks = [
      ['bg', Tier.BACKGROUND],
      ['preload', Tier.PRELOAD],
      ['interactive', Tier.INTERACTIVE],
      ['immediate', Tier.IMMEDIATE],
      ['bg2', Tier.BACKGROUND],
    ] as const;
    const done = tasks.map(([name, tier]) => d.add(async () => void log.push(name), { tier }));
    await flush();
    expect(log).toEqual(['blocker']);
    expect(blocker.signal?.aborted).toBe(false);
    blocker.resolve();
    await Promise.all([running, ...done]);
    expect(log).toEqual(['blocker', 'immediate', 'interactive', 'preload', 'bg', 'bg2']);
  });
});

describe('Dispatcher aging', () => {
  // A stream of INTERACTIVE tasks on one slot: every `step` ms one more arrives and the running one ends.
  async function backgroundStartTime(agingMs: number, steps: number, step = 30): Promise<number | undefined> {
    let now = 0;
    const d = new Dispatcher({ floor: 1, ceiling: 1, agingMs, clock: () => now });
    const gates = [gate('first')];
    void d.add(gates[0]!.task, { tier: Tier.INTERACTIVE });
    let bgStartedAt: number | undefined;
    void d.add(async () => void (bgStartedAt = now), { tier: Tier.BACKGROUND });
    for (let i = 0; i < steps && bgStartedAt === undefined; i++) {
      const next = gate(`i${i}`);
      gates.push(next);
      void d.add(next.task, { tier: Tier.INTERACTIVE });
      now += step;
      for (const g of gates) if (g.started) g.resolve();
      await flush();
    }
    const result = bgStartedAt;
    for (const g of gates) g.resolve();
    await d.onIdle();
    return result;
  }

  it('a stream of INTERACTIVE tasks cannot hold a BACKGROUND task past (IMMEDIATE - BACKGROUND) x agingMs + one task', async () => {
    const started = await backgroundStartTime(100, 100);
    expect(started).toBeDefined();
    expect(started).toBeLessThanOrEqual(3 * 100 + 30);
    expect(started).toBeGreaterThanOrEqual(2 * 100); // it did wait: it only beats newer INTERACTIVE work once it outranks it
  });

  it('without aging the same stream starves it (the test can tell the difference)', async () => {
    expect(await backgroundStartTime(Number.POSITIVE_INFINITY, 40)).toBeUndefined();
  });
});

describe('Dispatcher resources', () => {
  it('a task waits for its resource without blocking unrelated tasks', async () => {
    const log: string[] = [];
    const d = new Dispatcher({ floor: 3, ceiling: 3, resourceLimits: { 'service:*': 1 } });
    const a1 = gate('a1', log);
    const a2 = gate('a2', log);
    const b1 = gate('b1', log);
    const p = [
      d.add(a1.task, { resources: ['service:a'] }),
      d.add(a2.task, { resources: ['service:a'], tier: Tier.IMMEDIATE }),
      d.add(b1.task, { resources: ['service:b'] }),
    ];
    await flush();
    expect(log).toEqual(['a1', 'b1']);
    expect(d.counts).toMatchObject({ running: 2, queued: 1 });
    a1.resolve();
    await flush();
    expect(log).toEqual(['a1', 'b1', 'a2']);
    a2.resolve();
    b1.resolve();
    await Promise.all(p);
  });

  it('limits Slurm submissions per cluster', async () => {
    const d = new Dispatcher({ floor: 5, ceiling: 5, resourceLimits: { 'slurm:hpc': 2 } });
    const gates = [0, 1, 2, 3].map((i) => gate(`s${i}`));
    const p = gates.map((g) => d.add(g.task, { resources: ['slurm:hpc'] }));
    await flush();
    expect(gates.map((g) => g.started)).toEqual([true, true, false, false]);
    for (const g of gates) g.resolve();
    await Promise.all(p);
    expect(gates.every((g) => g.started)).toBe(true);
  });
});

describe('Dispatcher cancellation', () => {
  it('removes a queued task: its promise rejects with an AbortError and it never runs', async () => {
    const d = new Dispatcher({ floor: 1, ceiling: 1 });
    const blocker = gate('blocker');
    const first = d.add(blocker.task);
    const controller = new AbortController();
    let ran = false;
    const queued = d.add(async () => void (ran = true), { signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(d.counts).toMatchObject({ total: 2, running: 1, queued: 0, cancelled: 1 });
    blocker.resolve();
    await first;
    expect(ran).toBe(false);
  });

  it('passes the signal to a running task and counts it cancelled, not failed', async () => {
    const d = new Dispatcher({ floor: 1, ceiling: 3, initial: 2 });
    const controller = new AbortController();
    const running = d.add(
      ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      { signal: controller.signal },
    );
    await flush();
    controller.abort(new Error('SIGINT'));
    await expect(running).rejects.toThrow('SIGINT');
    expect(d.counts).toMatchObject({ cancelled: 1, failed: 0 });
    expect(d.concurrency).toBe(2); // cancellation is no load signal
  });

  it('a signal aborted before add cancels at once', async () => {
    const d = new Dispatcher();
    await expect(d.add(async () => 1, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(d.counts).toMatchObject({ total: 1, cancelled: 1 });
  });
});

describe('Dispatcher adaptive concurrency', () => {
  it('grows after consecutive successes, halves on OOM, shrinks by one on failure; events carry the value', async () => {
    const seen: number[] = [];
    const d = new Dispatcher({ floor: 1, ceiling: 5, initial: 1, increaseAfter: 2, onEvent: (e) => seen.push(e.concurrency) });
    for (let i = 0; i < 8; i++) await d.add(async () => i);
    expect(d.concurrency).toBe(5);
    await d.add(async () => Promise.reject(new Error('CUDA error: out of memory'))).catch(() => undefined);
    expect(d.concurrency).toBe(2);
    await d.add(async () => Promise.reject(new Error('model not found'))).catch(() => undefined);
    expect(d.concurrency).toBe(1);
    expect(seen.at(-1)).toBe(1);
    expect(Math.max(...seen)).toBe(5);
  });
});
