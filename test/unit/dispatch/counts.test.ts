import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finishedCount, type DispatchCounts } from '../../../src/dispatch/counts.js';
import { Dispatcher } from '../../../src/dispatch/dispatcher.js';
import { flush, gate, type Gate } from './helpers.js';

type Op =
  | { kind: 'add'; tier: 0 | 1 | 2 | 3; resource: number; cancellable: boolean }
  | { kind: 'succeed' | 'fail' | 'cancel'; index: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), tier: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>, resource: fc.integer({ min: 0, max: 2 }), cancellable: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('succeed' as const, 'fail' as const, 'cancel' as const), index: fc.nat(40) }),
);

function checkInvariant(c: DispatchCounts, ceiling: number): void {
  for (const key of ['queued', 'running', 'done', 'failed', 'cancelled'] as const) {
    expect(c[key]).toBeGreaterThanOrEqual(0);
    expect(c[key]).toBeLessThanOrEqual(c.total);
  }
  expect(c.queued + c.running + finishedCount(c)).toBe(c.total);
  expect(c.running).toBeLessThanOrEqual(ceiling);
}

describe('Dispatcher counts (property)', () => {
  it('never exceed the total and always add up, over random add/succeed/fail/cancel sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), async (ops, ceiling) => {
        const events: DispatchCounts[] = [];
        const d = new Dispatcher({ floor: 1, ceiling, initial: ceiling, increaseAfter: 2, resourceLimits: { 'service:0': 1 }, onEvent: (e) => events.push(e.counts) });
        const tasks: Array<{ g: Gate; controller: AbortController; promise: Promise<unknown> }> = [];
        for (const o of ops) {
          if (o.kind === 'add') {
            const g = gate(`t${tasks.length}`);
            const controller = new AbortController();
            const promise = d.add(g.task, { tier: o.tier, resources: [`service:${o.resource}`], signal: o.cancellable ? controller.signal : undefined });
            promise.catch(() => undefined);
            tasks.push({ g, controller, promise });
          } else if (tasks.length > 0) {
            const t = tasks[o.index % tasks.length]!;
            if (o.kind === 'succeed') t.g.resolve();
            else if (o.kind === 'fail') t.g.reject(new Error(o.index % 2 ? 'out of memory' : 'boom'));
            else t.controller.abort();
          }
          await flush();
          checkInvariant(d.counts, ceiling);
        }
        for (const t of tasks) t.g.resolve();
        await d.onIdle();
        await Promise.allSettled(tasks.map((t) => t.promise));
        for (const c of events) checkInvariant(c, ceiling);
        const end = d.counts;
        expect(end.total).toBe(tasks.length);
        expect(finishedCount(end)).toBe(tasks.length);
      }),
      { numRuns: 60 },
    );
  });
});
