import { describe, expect, it } from 'vitest';
import { JOB_STATES, isTerminal, isUnknownJobError, normalizeState, parseStateField, type JobState } from '../../../src/slurm/job-state.js';

describe('normalizeState', () => {
  it.each<[string, JobState]>([
    ['PD', 'PENDING'],
    ['CF', 'CONFIGURING'],
    ['R', 'RUNNING'],
    ['CG', 'COMPLETING'],
    ['CD', 'COMPLETED'],
    ['F', 'FAILED'],
    ['CA', 'CANCELLED'],
    ['TO', 'TIMEOUT'],
    ['OOM', 'OUT_OF_MEMORY'],
    ['NF', 'NODE_FAIL'],
    ['PR', 'PREEMPTED'],
    ['BF', 'BOOT_FAIL'],
    ['DL', 'DEADLINE'],
    ['S', 'SUSPENDED'],
    ['ST', 'STOPPED'],
    ['RQ', 'REQUEUED'],
    ['RS', 'RESIZING'],
    ['RV', 'REVOKED'],
    ['SE', 'SPECIAL_EXIT'],
    ['RH', 'REQUEUED'],
    ['RF', 'REQUEUED'],
    ['RD', 'PENDING'],
    ['SI', 'RUNNING'],
    ['SO', 'COMPLETING'],
    ['CANCELLED by 0', 'CANCELLED'],
    ['CANCELLED by 1000', 'CANCELLED'],
    ['CANCELLED+', 'CANCELLED'],
    ['OUT_OF_ME+', 'OUT_OF_MEMORY'],
    ['NODE_FAIL', 'NODE_FAIL'],
    ['REQUEUE_HOLD', 'REQUEUED'],
    ['running', 'RUNNING'],
    ['  COMPLETED  ', 'COMPLETED'],
    ['', 'UNKNOWN'],
    ['BOGUS', 'UNKNOWN'],
    ['RE+', 'UNKNOWN'], // ambiguous: REQUEUED, RESIZING, REVOKED...
  ])('%j -> %s', (raw, state) => {
    expect(normalizeState(raw)).toBe(state);
  });

  it('maps every long name to itself', () => {
    for (const state of JOB_STATES) expect(normalizeState(state)).toBe(state);
  });
});

describe('parseStateField', () => {
  it.each([
    ['CANCELLED by 0', { state: 'CANCELLED', reason: 'by 0' }],
    ['CANCELLED by 1000', { state: 'CANCELLED', reason: 'by 1000' }],
    ['FAILED', { state: 'FAILED' }],
  ])('%j', (raw, expected) => {
    expect(parseStateField(raw)).toEqual(expected);
  });
});

describe('isTerminal', () => {
  const terminal: JobState[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'REVOKED', 'SPECIAL_EXIT'];
  it.each(JOB_STATES.map((s) => [s, terminal.includes(s)] as const))('%s -> %s', (state, expected) => {
    expect(isTerminal(state)).toBe(expected);
  });
});

describe('isUnknownJobError', () => {
  it('recognises the message squeue and scontrol print for a forgotten job (real capture)', () => {
    expect(isUnknownJobError('slurm_load_jobs error: Invalid job id specified\n')).toBe(true);
    expect(isUnknownJobError('squeue: error: Unable to contact slurm controller')).toBe(false);
  });
});
