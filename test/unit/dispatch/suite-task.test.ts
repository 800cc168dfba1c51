// A suite task's bench plan reports the same default percentiles as `bench run` (one helper for both).
import { describe, expect, it } from 'vitest';
import { withDefaultPercentiles } from '../../../src/bench/spec/settings.js';
import { planSuite } from '../../../src/dispatch/suite-plan.js';
import { parseSuite } from '../../../src/dispatch/suite-schema.js';
import { taskPlan } from '../../../src/dispatch/suite-task.js';

const plan = (percentiles?: number[]) => planSuite(parseSuite({
  name: 'unit-task',
  ...(percentiles === undefined ? {} : { settings: { percentiles } }),
  services: [{ id: 'ok', sim: {} }],
  matrix: { concurrency: [1], input_len: [8], output_len: [4], num_requests: 5 },
}, 'x'));

describe('taskPlan percentiles', () => {
  it('always 90/95/99, plus the extra ones, sorted, without repeats', () => {
    const target = { url: 'http://127.0.0.1:1', provenance: {} } as never;
    const none = plan();
    expect(taskPlan(none.tasks[0] as never, none.suite.settings, target).percentiles).toEqual([90, 95, 99]);
    const extra = plan([99.9, 50, 95]);
    expect(taskPlan(extra.tasks[0] as never, extra.suite.settings, target).percentiles).toEqual([50, 90, 95, 99, 99.9]);
    expect(withDefaultPercentiles([99.9, 50, 95])).toEqual([50, 90, 95, 99, 99.9]);
    expect(withDefaultPercentiles()).toEqual([90, 95, 99]);
  });
});
