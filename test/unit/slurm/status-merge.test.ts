import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../../src/slurm/job-state.js';
import { mergeStatuses, missingReports, needsDetail, withinGrace } from '../../../src/slurm/status-merge.js';

const sq = (jobId: string, state: JobStatus['state']): JobStatus => ({ jobId, state, source: 'squeue' });
const sa = (jobId: string, state: JobStatus['state'], exitCode = 0): JobStatus => ({ jobId, state, exitCode, source: 'sacct' });
const sc = (jobId: string, state: JobStatus['state'], exitCode = 0): JobStatus => ({ jobId, state, exitCode, source: 'scontrol' });
const NOW = 1_000_000;

describe('needsDetail', () => {
  it('asks further for missing and finished jobs, not for live ones', () => {
    const squeue = [sq('1', 'RUNNING'), sq('2', 'FAILED'), sq('4_1', 'PENDING'), sq('5_1', 'RUNNING'), sq('5_2', 'COMPLETED')];
    expect(needsDetail(['1', '2', '3', '4', '5'], squeue)).toEqual(['2', '3', '5']);
  });
});

describe('mergeStatuses', () => {
  it('keeps live squeue lines, takes finished jobs from sacct (exit code) before scontrol', () => {
    const out = mergeStatuses(
      ['1', '2', '3'],
      { squeue: [sq('1', 'RUNNING'), sq('2', 'FAILED')], sacct: [sa('2', 'FAILED', 3)], scontrol: [sc('3', 'TIMEOUT')] },
      { now: NOW },
    );
    expect(out).toEqual([sq('1', 'RUNNING'), sa('2', 'FAILED', 3), sc('3', 'TIMEOUT')]);
  });

  it('falls back to scontrol when sacct is unavailable, then to squeue\'s own terminal line', () => {
    const out = mergeStatuses(['2', '3'], { squeue: [sq('2', 'CANCELLED'), sq('3', 'COMPLETED')], scontrol: [sc('3', 'COMPLETED')] }, { now: NOW });
    expect(out).toEqual([sq('2', 'CANCELLED'), sc('3', 'COMPLETED')]);
  });

  it('never turns an unknown job into COMPLETED; the reason says whether it is still expected', () => {
    const options = { now: NOW, submittedAt: { '7': NOW - 5_000, '8': NOW - 120_000 }, graceMs: 60_000 };
    const out = mergeStatuses(['7', '8', '9'], { squeue: [], sacct: [], scontrol: [] }, options);
    expect(out.map((r) => [r.jobId, r.state, r.source])).toEqual([
      ['7', 'UNKNOWN', 'none'],
      ['8', 'UNKNOWN', 'none'],
      ['9', 'UNKNOWN', 'none'],
    ]);
    expect(out[0]?.reason).toMatch(/moments ago/);
    expect(out[1]?.reason).toMatch(/not known/);
    expect(missingReports(out)).toHaveLength(3);
    expect(withinGrace('7', options)).toBe(true);
    expect(withinGrace('8', options)).toBe(false);
    expect(withinGrace('9', options)).toBe(false);
  });

  it('expands array and het ids to their lines once, in request order', () => {
    const squeue = [sq('6_1', 'RUNNING'), sq('6_2', 'PENDING'), sq('60', 'RUNNING'), sq('9+0', 'RUNNING'), sq('9+1', 'RUNNING')];
    const out = mergeStatuses(['9', '6', '6_1'], { squeue }, { now: NOW });
    expect(out.map((r) => r.jobId)).toEqual(['9+0', '9+1', '6_1', '6_2']);
  });
});
