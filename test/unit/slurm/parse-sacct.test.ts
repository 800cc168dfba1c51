import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SACCT_FORMAT, parseExitCode, parseSacct } from '../../../src/slurm/parse-sacct.js';

const fixture = (name: string) =>
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/slurm/sacct', name), 'utf8');

describe('parseExitCode', () => {
  it.each([
    ['0:0', { exitCode: 0 }],
    ['2:0', { exitCode: 2 }],
    ['0:9', { exitCode: 0, signal: 9 }],
    ['0:125', { exitCode: 0, signal: 125 }],
    ['', {}],
    ['x', {}],
  ])('%j', (text, expected) => {
    expect(parseExitCode(text)).toEqual(expected);
  });
});

describe('parseSacct', () => {
  it('puts JobName last', () => {
    expect(SACCT_FORMAT.split(',').at(-1)).toBe('JobName');
  });

  it('keeps one row per job, skipping .batch, .extern and numbered steps', () => {
    const rows = parseSacct(fixture('terminal-states.txt'));
    expect(rows.map((r) => r.jobId)).toEqual(['101', '102', '103', '104', '105', '106', '107', '108', '109', '110']);
    expect(rows.every((r) => r.source === 'sacct')).toBe(true);
  });

  it.each([
    ['101', { state: 'COMPLETED', exitCode: 0, node: 'node01', elapsedS: 31, name: 'bench-serve' }],
    ['102', { state: 'FAILED', exitCode: 3, name: 'fails with|pipe' }],
    ['103', { state: 'CANCELLED', reason: 'by 0', exitCode: 0, signal: 15, name: 'aibench service x' }],
    ['104', { state: 'TIMEOUT', exitCode: 0, elapsed: '00:01:30', elapsedS: 90 }],
    ['105', { state: 'OUT_OF_MEMORY', signal: 125 }],
    ['107', { state: 'RUNNING', node: 'node[01-02]' }],
    ['108', { state: 'NODE_FAIL', elapsedS: 93784 }],
    ['109', { state: 'CANCELLED', reason: 'by 1000' }],
    ['110', { state: 'FAILED', exitCode: 0, signal: 9 }],
  ])('job %s', (jobId, expected) => {
    expect(parseSacct(fixture('terminal-states.txt')).find((r) => r.jobId === jobId)).toMatchObject(expected);
  });

  it('leaves node unset for "None assigned" and signal unset for a clean exit', () => {
    const rows = parseSacct(fixture('terminal-states.txt'));
    const pending = rows.find((r) => r.jobId === '106');
    expect(pending).toMatchObject({ state: 'PENDING' });
    expect(pending?.node).toBeUndefined();
    expect(rows.find((r) => r.jobId === '102')?.signal).toBeUndefined();
    expect(rows.find((r) => r.jobId === '102')?.reason).toBeUndefined();
  });

  it('keeps array task and het component ids, skipping their steps', () => {
    const rows = parseSacct(fixture('arrays-het.txt'));
    expect(rows.map((r) => [r.jobId, r.state, r.node])).toEqual([
      ['200_1', 'COMPLETED', 'node01'],
      ['200_2', 'RUNNING', 'node01'],
      ['200_[3-4]', 'PENDING', undefined],
      ['300+0', 'RUNNING', 'node01'],
      ['300+1', 'RUNNING', 'node02'],
    ]);
  });

  it('lets the last row win for a requeued job (sacct --duplicates)', () => {
    expect(parseSacct(fixture('requeued-duplicates.txt'))).toEqual([
      { jobId: '400', state: 'RUNNING', exitCode: 0, elapsed: '00:00:40', elapsedS: 40, node: 'node06', name: 'requeue-me', source: 'sacct' },
    ]);
  });

  it('refuses a line with too few fields', () => {
    expect(() => parseSacct('1|COMPLETED|0:0\n')).toThrow(/Expected 6 '\|'-separated sacct fields/);
  });
});
