// Reconciling a service record with Slurm's report: ended or vanished jobs are never READY.
import { describe, expect, it } from 'vitest';
import { changedFields, reconcileRecord } from '../../../src/service/reconcile.js';
import type { ServiceRecord, ServiceStatus } from '../../../src/service/record.js';
import type { JobReport } from '../../../src/slurm/status-merge.js';

const rec = (status: ServiceStatus): ServiceRecord => ({
  id: 's', model: 'm', cluster: 'c', job_id: '7', status, gpus: 0, vllm_args: [], created_at: 'x', updated_at: 'x',
});
const rep = (state: JobReport['state'], extra: Partial<JobReport> = {}): JobReport => ({ jobId: '7', state, source: 'squeue', ...extra });

describe('reconcileRecord', () => {
  it.each<[ServiceStatus, JobReport | undefined, ServiceStatus, string?]>([
    ['READY', rep('RUNNING', { node: 'n1' }), 'READY'],
    ['STARTING', rep('RUNNING'), 'STARTING'],
    ['PENDING', rep('RUNNING'), 'STARTING'],
    ['PENDING', rep('PENDING', { reason: 'Resources' }), 'PENDING'],
    ['READY', rep('CANCELLED', { source: 'sacct' }), 'STOPPED', 'CANCELLED'],
    ['READY', rep('COMPLETED', { exitCode: 0 }), 'STOPPED', 'COMPLETED'],
    ['READY', rep('FAILED', { exitCode: 1 }), 'FAILED', 'FAILED (exit 1)'],
    ['READY', rep('OUT_OF_MEMORY'), 'FAILED', 'OUT_OF_MEMORY'],
    ['READY', rep('TIMEOUT'), 'FAILED', 'TIMEOUT'],
    ['READY', rep('NODE_FAIL'), 'FAILED', 'NODE_FAIL'],
    ['READY', { jobId: '7', state: 'UNKNOWN', source: 'none' }, 'LOST'],
    ['READY', undefined, 'LOST'],
  ])('%s + %j -> %s', (status, report, expected, jobState) => {
    const patch = reconcileRecord(rec(status), report);
    expect(patch.status).toBe(expected);
    if (jobState !== undefined) expect(patch.job_state).toBe(jobState);
  });

  it('final statuses never change', () => {
    for (const status of ['STOPPED', 'FAILED', 'LOST'] as const) expect(reconcileRecord(rec(status), rep('RUNNING'))).toEqual({});
  });

  it('changedFields keeps only real changes (so an unchanged status writes nothing)', () => {
    const r = { ...rec('READY'), job_state: 'RUNNING', node: 'n1' };
    expect(changedFields(r, reconcileRecord(r, rep('RUNNING', { node: 'n1' })))).toEqual({});
    expect(changedFields(r, reconcileRecord(r, rep('FAILED', { exitCode: 2 })))).toMatchObject({ status: 'FAILED', exit_code: 2 });
  });
});
