import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SlurmError } from '../../../src/errors.js';
import { SQUEUE_FORMAT, parseSqueue } from '../../../src/slurm/parse-squeue.js';

const fixture = (name: string) =>
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/slurm/squeue', name), 'utf8');

describe('parseSqueue', () => {
  it('uses a format with the name last', () => {
    expect(SQUEUE_FORMAT).toBe('%i|%T|%r|%N|%M|%j');
  });

  it('parses live jobs: pending array, held, running (real capture)', () => {
    expect(parseSqueue(fixture('live-mixed.txt'))).toEqual([
      { jobId: '6_[1-4]', state: 'PENDING', reason: 'Resources', elapsed: '0:00', elapsedS: 0, name: 'arr', source: 'squeue' },
      { jobId: '7', state: 'PENDING', reason: 'JobHeldUser', elapsed: '0:00', elapsedS: 0, name: 'held', source: 'squeue' },
      { jobId: '3', state: 'RUNNING', node: 'localhost', elapsed: '0:03', elapsedS: 3, name: 'sleeper', source: 'squeue' },
      { jobId: '5', state: 'RUNNING', node: 'localhost', elapsed: '0:00', elapsedS: 0, name: 'tocancel', source: 'squeue' },
    ]);
  });

  it('maps compact %t codes the same way (real capture)', () => {
    expect(parseSqueue(fixture('compact-codes.txt')).map((s) => s.state)).toEqual(['PENDING', 'PENDING', 'RUNNING', 'RUNNING']);
  });

  it('parses --states=all: finished jobs, array tasks and names holding | and quotes (real capture)', () => {
    const byId = new Map(parseSqueue(fixture('states-all.txt')).map((s) => [s.jobId, s]));
    expect(byId.get('2')).toMatchObject({ state: 'CANCELLED', name: `we|ird name $(x) "q" 's UserId=x` });
    expect(byId.get('4')).toMatchObject({ state: 'FAILED', reason: 'NonZeroExitCode', name: 'fails with|pipe' });
    expect(byId.get('6_3')).toMatchObject({ state: 'COMPLETED', elapsedS: 30, node: 'localhost' });
    expect(byId.get('15')).toMatchObject({ state: 'TIMEOUT', reason: 'TimeLimit', elapsedS: 69 });
    expect(byId.get('10')).toMatchObject({ state: 'FAILED', reason: 'BadConstraints' });
    expect(byId.get('10')?.node).toBeUndefined();
  });

  it('keeps het components, throttled pending arrays, reasons with spaces and names verbatim', () => {
    const rows = parseSqueue(fixture('het-and-arrays.txt'));
    expect(rows.map((r) => r.jobId)).toEqual(['500+0', '500+1', '600_[5-9%2]', '600_4', '601', '602', '603']);
    expect(rows[1]).toMatchObject({ state: 'RUNNING', node: 'node02' });
    expect(rows[3]).toMatchObject({ elapsed: '1:02:03', elapsedS: 3723 });
    expect(rows[4]).toMatchObject({ reason: 'ReqNodeNotAvail, UnavailableNodes:node[07-08]', name: 'name with | pipe and spaces ' });
    expect(rows[5]).toMatchObject({ state: 'COMPLETING', elapsedS: 86401, name: 'gpu job' });
    expect(rows[6]?.name).toBe('');
  });

  it('returns nothing for empty output and refuses a line with too few fields', () => {
    expect(parseSqueue('\n\n')).toEqual([]);
    expect(() => parseSqueue('123|RUNNING|None\n')).toThrow(SlurmError);
    expect(() => parseSqueue('123|RUNNING|None\n')).toThrow(/Expected 6 '\|'-separated squeue fields.*"123\|RUNNING\|None"/);
  });
});
