// The suite run's bookkeeping as a table: states, rows and documents after each kind of outcome.
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../../src/bench/results/result-schema.js';
import { SuiteBook } from '../../../src/suite/book.js';
import { planSuite } from '../../../src/suite/plan.js';
import { workByService } from '../../../src/suite/run.js';
import { parseSuite } from '../../../src/suite/schema.js';
import { baseRow } from '../../../src/suite/task.js';

const plan = planSuite(parseSuite({
  name: 'unit-book',
  services: [{ id: 'a', sim: {} }, { id: 'b', model: 'm' }, { id: 'c', url: 'http://127.0.0.1:9/v1' }],
  matrix: { concurrency: [1, 2], input_len: [8], output_len: [4], num_requests: 5 },
}, 'x'));
const task = (id: string) => plan.tasks.find((t) => t.id === id) ?? expect.unreachable(id);
const doc = (label: string) => ({ label }) as unknown as ResultDocument;

describe('SuiteBook', () => {
  it('counts add up to the total after every step; rows and documents come back in plan order', () => {
    const book = new SuiteBook(plan);
    const steps: Array<[string, () => unknown]> = [
      ['start a', () => book.running(task('a__c2_in8_out4'))],
      ['a passed', () => book.settle(task('a__c2_in8_out4'), { ...baseRow(task('a__c2_in8_out4')), status: 'passed', resumed: false, metrics: {} }, doc('a2'))],
      ['a resumed', () => book.settle(task('a__c1_in8_out4'), { ...baseRow(task('a__c1_in8_out4')), status: 'threshold', resumed: true, metrics: {} }, doc('a1'))],
      ['b did not start', () => book.serviceFailed('b', [task('b__c1_in8_out4'), task('b__c2_in8_out4')], 'job 7 ended FAILED', false)],
    ];
    const seen = steps.map(([, step]) => {
      step();
      const c = book.counts();
      expect(c.queued + c.running + c.done + c.failed + c.cancelled).toBe(c.total);
      return c;
    });
    expect(seen.map((c) => [c.queued, c.running, c.done, c.failed])).toEqual([[5, 1, 0, 0], [5, 0, 1, 0], [4, 0, 2, 0], [2, 0, 2, 2]]);
    expect(book.documents().map((d) => ('label' in d ? d.label : d.kind))).toEqual(['a1', 'a2']);
    expect(book.benchmarkRows().map((r) => `${r.id}=${r.status}`)).toEqual([
      'a__c1_in8_out4=threshold', 'a__c2_in8_out4=passed', 'b__c1_in8_out4=failed', 'b__c2_in8_out4=failed', 'c__c1_in8_out4=cancelled', 'c__c2_in8_out4=cancelled',
    ]);
    expect(book.serviceRows()).toEqual([
      { id: 'a', kind: 'sim', status: 'unused' }, { id: 'b', kind: 'slurm', status: 'failed', error: 'job 7 ended FAILED' }, { id: 'c', kind: 'url', status: 'unused' },
    ]);
  });

  it('an interrupted start cancels its tasks; settle says what happened in one line', () => {
    const book = new SuiteBook(plan);
    expect(book.serviceFailed('b', [task('b__c1_in8_out4')], 'aborted', true)).toEqual(['b__c1_in8_out4: cancelled (service b did not start (see its entry under services))']);
    expect(book.settle(task('a__c1_in8_out4'), { ...baseRow(task('a__c1_in8_out4')), status: 'passed', resumed: true, metrics: {} })).toBe('a__c1_in8_out4: passed (resumed)');
    expect(book.counts()).toMatchObject({ cancelled: 1, done: 1, queued: 4 });
  });
});

describe('workByService', () => {
  it('groups pending tasks by service in suite order and leaves out services with none', () => {
    const pending = plan.tasks.filter((t) => t.service.id !== 'b').reverse();
    const work = workByService(plan.services, pending);
    expect([...work].map(([s, tasks]) => [s.id, tasks.map((t) => t.id)])).toEqual([
      ['a', ['a__c2_in8_out4', 'a__c1_in8_out4']], ['c', ['c__c2_in8_out4', 'c__c1_in8_out4']],
    ]);
  });
});
