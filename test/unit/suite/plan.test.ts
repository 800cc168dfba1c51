// Plan expansion (ids, bindings, minutes converted once) and the --dry-run table, whose work stays
// linear in the tasks (counted as rows handed to cli-table3's quadratic layout, never timed).
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { planSuite, renderPlanTable } from '../../../src/suite/plan.js';
import { parseSuite } from '../../../src/suite/schema.js';

const base = {
  name: 'unit',
  services: [{ id: 'a', model: 'org/model-a', gpus: 1 }, { id: 'b', url: 'http://127.0.0.1:8000' }],
  matrix: { concurrency: [1, 8], input_len: [128, 512], output_len: [64], duration_min: 0.5 },
};

describe('suite plan', () => {
  it('expands services x load x lengths with stable ids and minutes converted once', () => {
    const plan = planSuite(parseSuite(base, 'x'));
    expect(plan.tasks.map((t) => t.id)).toEqual([
      'a__c1_in128_out64', 'a__c1_in512_out64', 'a__c8_in128_out64', 'a__c8_in512_out64',
      'b__c1_in128_out64', 'b__c1_in512_out64', 'b__c8_in128_out64', 'b__c8_in512_out64',
    ]);
    expect(plan.tasks[0]).toMatchObject({ file: 'a__c1_in128_out64.json', stop: { durationS: 30 }, tier: 0 });
    expect(planSuite(parseSuite(base, 'x')).tasks.map((t) => t.id)).toEqual(plan.tasks.map((t) => t.id));
  });

  it('bindings override matrix keys per service; rates get their own ids; fail_on adds up', () => {
    const plan = planSuite(parseSuite({
      ...base, priority: 'interactive', fail_on: ['failed>0'],
      benchmarks: [{ service: 'b', matrix: { concurrency: undefined, rate: [2.5, 'inf'], num_requests: 10, input_len: [16] }, fail_on: ['p99_ttft_ms>100'] }],
    }, 'x'));
    expect(plan.services.map((s) => s.id)).toEqual(['b']);
    expect(plan.tasks.map((t) => t.id)).toEqual(['b__r2.5_in16_out64', 'b__rinf_in16_out64']);
    expect(plan.tasks[0]).toMatchObject({ tier: 2, stop: { durationS: 30, numRequests: 10 }, failOn: ['failed>0', 'p99_ttft_ms>100'], load: { kind: 'rate', rate: 2.5, burstiness: 1 } });
  });

  it('renders the dry-run table', () => {
    const table = renderPlanTable(planSuite(parseSuite(base, 'x')));
    expect(table).toContain('suite unit: 8 benchmark(s) on 2 service(s)');
    expect(table).toContain('a__c8_in512_out64');
    expect(table).toContain('slurm (default) (1 GPU)');
  });

  it('a 16,000-task plan: every task a row, and cli-table3 never lays out the whole table', () => {
    const layout = createRequire(import.meta.url)('cli-table3/src/layout-manager.js') as { makeTableLayout: (rows: unknown[]) => unknown };
    const spy = vi.spyOn(layout, 'makeTableLayout');
    const inputLen = Array.from({ length: 400 }, (_, i) => i + 1);
    const plan = planSuite(parseSuite({ ...base, matrix: { concurrency: [1, 2, 4, 8], input_len: inputLen, output_len: [1, 2, 3, 4, 5], num_requests: 5 } }, 'x'));
    expect(plan.tasks).toHaveLength(16_000);
    const lines = renderPlanTable(plan).split('\n');
    expect(lines).toHaveLength(16_000 + 4); // title, top border, head, rows, bottom border
    expect(lines.at(-2)).toMatch(/^│ 16000 │ b__c8_in400_out5 /);
    expect(new Set(lines.slice(1).map((l) => l.length)).size).toBe(1); // one column width for all
    expect(spy.mock.calls.reduce((work, [rows]) => work + rows.length ** 2, 0)).toBeLessThan(16_000 ** 2 / 100);
    spy.mockRestore();
  });
});
