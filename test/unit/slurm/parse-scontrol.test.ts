import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SlurmError } from '../../../src/errors.js';
import { parseScontrol, parseScontrolLine } from '../../../src/slurm/parse-scontrol.js';

const fixture = (name: string) =>
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/slurm/scontrol', name), 'utf8');

describe('parseScontrol (real captures unless noted)', () => {
  it.each([
    ['running.txt', { jobId: '19', state: 'RUNNING', exitCode: 0, node: 'localhost', elapsed: '00:00:03', elapsedS: 3, name: 'bench serve', source: 'scontrol' }],
    ['held-pending.txt', { jobId: '7', state: 'PENDING', reason: 'JobHeldUser', exitCode: 0, elapsed: '00:00:00', elapsedS: 0, name: 'held', source: 'scontrol' }],
    ['failed-exit3.txt', { jobId: '4', state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3, node: 'localhost', elapsed: '00:00:00', elapsedS: 0, name: 'fails with|pipe', source: 'scontrol' }],
    ['cancelled-running.txt', { jobId: '3', state: 'CANCELLED', exitCode: 0, signal: 15, node: 'localhost', elapsed: '00:00:13', elapsedS: 13, name: 'sleeper', source: 'scontrol' }],
    ['timeout.txt', { jobId: '15', state: 'TIMEOUT', reason: 'TimeLimit', exitCode: 0, signal: 15, node: 'localhost', elapsed: '00:01:09', elapsedS: 69, name: 'timeout', source: 'scontrol' }],
    ['oom.txt (hand-edited)', { jobId: '700', state: 'OUT_OF_MEMORY', reason: 'OutOfMemory', exitCode: 0, signal: 125, node: 'localhost', elapsedS: 7, name: 'oom' }],
    ['array-pending.txt', { jobId: '6_[1-4]', state: 'PENDING', reason: 'Resources', name: 'arr' }],
  ])('%s', (file, expected) => {
    const rows = parseScontrol(fixture(file.split(' ')[0] ?? ''));
    expect(rows).toHaveLength(1);
    if ('source' in expected) expect(rows[0]).toEqual(expected);
    else expect(rows[0]).toMatchObject(expected);
  });

  it('keeps a hostile job name whole, even one containing " UserId=", and ignores spaces in Comment/StdOut', () => {
    const [row] = parseScontrol(fixture('hostile-name.txt'));
    expect(row).toMatchObject({ jobId: '2', state: 'CANCELLED', reason: 'JobHeldUser', name: `we|ird name $(x) "q" 's UserId=x` });
    expect(row?.node).toBeUndefined();
  });

  it('names array tasks and het components the way squeue does', () => {
    expect(parseScontrol(fixture('array.txt')).map((r) => [r.jobId, r.state])).toEqual([
      ['6_4', 'COMPLETED'],
      ['6_3', 'COMPLETED'],
      ['6_2', 'COMPLETED'],
      ['6_1', 'COMPLETED'],
    ]);
    expect(parseScontrol(fixture('het.txt')).map((r) => [r.jobId, r.node])).toEqual([
      ['500+0', 'node01'],
      ['500+1', 'node02'],
    ]);
  });

  it('reads values holding spaces and key-like words without losing the following keys', () => {
    const line = 'JobId=9 JobName=a b=c d UserId=u(1) GroupId=g(1) JobState=RUNNING Reason=None ExitCode=0:0 RunTime=1-00:00:00 NodeList=n[1-2] Command=/x --y z=1 WorkDir=/w d';
    expect(parseScontrolLine(line)).toEqual({ jobId: '9', state: 'RUNNING', exitCode: 0, elapsed: '1-00:00:00', elapsedS: 86400, node: 'n[1-2]', name: 'a b=c d', source: 'scontrol' });
  });

  it('refuses a line without JobId or JobState', () => {
    expect(() => parseScontrolLine('slurm_load_jobs error: Invalid job id specified')).toThrow(SlurmError);
    expect(() => parseScontrolLine('JobId=1 JobName=x')).toThrow(/JobState=/);
  });
});
