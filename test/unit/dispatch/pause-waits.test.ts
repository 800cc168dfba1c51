// Queue truth: a paused tier holds its work queued (other tiers go on), resume starts it at once;
// the wait of every task is recorded under the tier it was queued at.
import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../../src/dispatch/dispatcher.js';
import { Tier } from '../../../src/dispatch/tiers.js';
import { flush, gate } from './helpers.js';

describe('pause and resume a tier', () => {
  it('paused work stays queued while other tiers run; resume starts it', async () => {
    const log: string[] = [];
    const d = new Dispatcher({ floor: 2, ceiling: 2, initial: 2, agingMs: 10 });
    d.pause(Tier.BACKGROUND);
    const bg = d.add(async () => void log.push('bg'), { tier: Tier.BACKGROUND });
    const fg = d.add(async () => void log.push('interactive'), { tier: Tier.INTERACTIVE });
    await fg;
    await flush();
    expect(log).toEqual(['interactive']);
    expect(d.counts).toMatchObject({ queued: 1, done: 1 });
    expect(d.pausedTiers).toEqual([Tier.BACKGROUND]);
    d.resume(Tier.BACKGROUND);
    await bg;
    expect(log).toEqual(['interactive', 'bg']);
    expect(d.pausedTiers).toEqual([]);
  });
  it('a paused task does not start even when aging would lift it past the others', async () => {
    let now = 0;
    const d = new Dispatcher({ floor: 1, ceiling: 1, agingMs: 1, clock: () => now });
    d.pause(Tier.BACKGROUND);
    let started = false;
    void d.add(async () => void (started = true), { tier: Tier.BACKGROUND });
    now = 1_000_000;
    const other = gate('other');
    const running = d.add(other.task, { tier: Tier.PRELOAD });
    other.resolve();
    await running;
    await flush();
    expect(started).toBe(false);
  });
});

describe('wait times per tier', () => {
  it('records how long each task waited, under its own tier', async () => {
    let now = 0;
    const d = new Dispatcher({ floor: 1, ceiling: 1, agingMs: Number.POSITIVE_INFINITY, clock: () => now });
    const first = gate('first');
    const running = d.add(first.task, { tier: Tier.INTERACTIVE });
    const waiting = d.add(async () => 'bg', { tier: Tier.BACKGROUND });
    await flush();
    now = 2500;
    first.resolve();
    await Promise.all([running, waiting]);
    const waits = d.waitTimes();
    expect(waits.interactive).toMatchObject({ count: 1, max_s: 0 });
    expect(waits.background).toMatchObject({ count: 1, sum_s: 2.5, max_s: 2.5, mean_s: 2.5 });
    expect(waits.background?.buckets.find((b) => b.le === 1)?.count).toBe(0);
    expect(waits.background?.buckets.find((b) => b.le === 5)?.count).toBe(1);
  });
});
