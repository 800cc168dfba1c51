// The verdict with assertions: a breach is exit 3 (breached), an assertion that cannot be evaluated
// is exit 1 (failed, naming it and why), and each outcome is recorded on the documents.
import { describe, expect, it } from 'vitest';
import { judge, settle } from '../../../../src/bench/results/verdict.js';
import { ResultDocumentSchema } from '../../../../src/bench/results/result-schema.js';
import { fixture } from '../../../helpers/result-fixtures.js';

const base = fixture('nightly/fast-1.json');
const doc = { ...base, server_metrics: { available: true, scrape_interval_s: 1, samples: 5, preemptions: 2 } };

describe('judge with assertions', () => {
  it('passes when every assertion holds', () => {
    expect(judge([doc], { fail_on: [], assert: ['server_metrics.preemptions < 5'] }, false).status).toBe('passed');
  });
  it('a failed assertion is a breach naming the value', () => {
    const v = judge([doc], { fail_on: [], assert: ['server_metrics.preemptions == 0'] }, false);
    expect(v.status).toBe('breached');
    expect(v.breaches).toEqual(['assert server_metrics.preemptions == 0: server_metrics.preemptions is 2']);
  });
  it('an assertion on a field with no value fails the run (exit 1), even when another is breached', () => {
    const v = judge([doc], { fail_on: [], assert: ['server_metrics.preemptions == 0', 'server_metrics.mean_queue_time_ms < 50'] }, false);
    expect(v.status).toBe('failed');
    expect(v.reasons[0]).toBe('assert server_metrics.mean_queue_time_ms < 50: server_metrics.mean_queue_time_ms has no value in this result (could not be evaluated)');
  });
  it('a PromQL assertion nobody evaluated is unevaluable, never a pass', () => {
    const v = judge([doc], { fail_on: [], assert_promql: ['max(x) < 1'] }, false);
    expect(v.status).toBe('failed');
    expect(v.assertions).toEqual([{ expr: 'max(x) < 1', kind: 'promql', status: 'error', reason: 'not evaluated: no Prometheus answered for this run' }]);
  });
  it('settle records each outcome on its document, which stays a valid result', () => {
    const out = settle([doc], { fail_on: ['failed>0'], assert: ['server_metrics.preemptions == 2'] }, false);
    expect(out.runs[0]?.assertions?.map((a) => [a.kind, a.status])).toEqual([['fail_on', 'pass'], ['field', 'pass']]);
    expect(ResultDocumentSchema.safeParse(JSON.parse(JSON.stringify(out.runs[0]))).success).toBe(true);
    expect(out.verdict.status).toBe('passed');
  });
});
