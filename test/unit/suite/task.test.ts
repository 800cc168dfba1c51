// Each suite cell is a BenchSpec built by the same builder as `bench run`: the same defaults and
// percentiles, the suite's settings and the cell's axes, checked when the suite is planned.
import { describe, expect, it } from 'vitest';
import { withDefaultPercentiles } from '../../../src/bench/spec/build-spec.js';
import { planSuite } from '../../../src/suite/plan.js';
import { parseSuite } from '../../../src/suite/schema.js';

const plan = (settings?: Record<string, unknown>, matrix: Record<string, unknown> = {}) => planSuite(parseSuite({
  name: 'unit-task',
  ...(settings === undefined ? {} : { settings }),
  services: [{ id: 'ok', sim: {} }, { id: 'far', url: 'http://127.0.0.1:9/v1', model: 'm1' }],
  matrix: { concurrency: [1], input_len: [8], output_len: [4], num_requests: 5, ...matrix },
}, 'x'));

describe('suite cells as BenchSpecs', () => {
  it('always 90/95/99, plus the extra ones, sorted, without repeats', () => {
    expect(plan().tasks[0]?.spec.percentiles).toEqual([90, 95, 99]);
    expect(plan({ percentiles: [99.9, 50, 95] }).tasks[0]?.spec.percentiles).toEqual([50, 90, 95, 99, 99.9]);
    expect(withDefaultPercentiles([99.9, 50, 95])).toEqual([50, 90, 95, 99, 99.9]);
    expect(withDefaultPercentiles()).toEqual([90, 95, 99]);
  });

  it('carries the cell axes, the suite settings and a url service model', () => {
    const tasks = plan({ seed: 7, warmup: 2, api: 'chat' }, { duration_min: 0.5, rate: [2] }).tasks;
    const rate = tasks.find((t) => t.id === 'far__r2_in8_out4');
    expect(rate?.spec).toMatchObject({
      target: { model: 'm1', api: 'chat' }, seed: 7, warmup: 2,
      loads: [{ kind: 'rate', rate: 2, burstiness: 1 }],
      dataset: { kind: 'random', input_len: 8, output_len: 4, range_ratio: 0 },
      stop: { duration_s: 30, num_requests: 5, on_deadline: 'finish' },
    });
    expect(tasks.find((t) => t.id === 'ok__c1_in8_out4')?.spec.target.model).toBeUndefined();
  });

  it('a cell the builder refuses names the task and the setting', () => {
    expect(() => plan(undefined, { concurrency: [4], input_len: [2_000_000] })).toThrow(/ok__c4_in2000000_out4: input_len: expected an integer <= 1048576/);
  });
});
