import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { hfEnv, parseJobSpec } from '../../../src/slurm/job-spec.js';
import { slurmDurationSeconds } from '../../../src/slurm/duration.js';

const base = { name: 'job', output: '/tmp/out-%j.log', body: 'echo hi' };

function refusal(patch: Record<string, unknown>): string {
  try {
    parseJobSpec({ ...base, ...patch });
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`expected ${JSON.stringify(patch)} to be refused`);
}

describe('slurmDurationSeconds', () => {
  it.each([
    ['30', 1800],
    ['0', 0],
    ['90', 5400],
    ['10:30', 630],
    ['01:00:00', 3600],
    ['48:00:00', 172800],
    ['2-0', 172800],
    ['1-12', 129600],
    ['1-12:30', 131400],
    ['1-02:03:04', 93784],
    ['0:05', 5],
  ])('%s -> %d s', (text, seconds) => {
    expect(slurmDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', '1h', '1:2:3:4', '-1', '1-', '1-24', '1:60', '1:00:60', '1-1:60', 'UNLIMITED', ' 30', '1.5', '1--2'])(
    'refuses %j',
    (text) => {
      expect(slurmDurationSeconds(text)).toBeUndefined();
    },
  );
});

describe('parseJobSpec refusals name the field, the value and the expectation', () => {
  it.each([
    [{ time: '1h' }, 'job.time', '"1h"', 'D-HH:MM:SS'],
    [{ time: '1:75:00' }, 'job.time', '"1:75:00"', 'MM:SS'],
    [{ mem: '32GB' }, 'job.mem', '"32GB"', '32G'],
    [{ mem: '1.5G' }, 'job.mem', '"1.5G"', '500M'],
    [{ mem: '' }, 'job.mem', '""', 'memory size'],
    [{ name: 'a\nb' }, 'job.name', '"a\\nb"', 'without newline'],
    [{ name: '' }, 'job.name', '""', '1 to 64'],
    [{ name: 'x'.repeat(65) }, 'job.name', 'xxx', '1 to 64'],
    [{ name: 'a\0b' }, 'job.name', '"a\\u0000b"', 'NUL'],
    [{ comment: 'x\ny' }, 'job.comment', '"x\\ny"', 'without newline'],
    [{ partition: 'gpu debug' }, 'job.partition', '"gpu debug"', 'partition name'],
    [{ partition: 'a#b' }, 'job.partition', '"a#b"', 'partition name'],
    [{ gres: 'gpu:1 #x' }, 'job.gres', '"gpu:1 #x"', 'gpu:1'],
    [{ account: "o'brien" }, 'job.account', `"o'brien"`, 'account name'],
    [{ cpus: 0 }, 'job.cpus', '0', ''],
    [{ output: '' }, 'job.output', '""', 'output path'],
    [{ output: '/a\nb' }, 'job.output', '"/a\\nb"', 'output path'],
    [{ env: { 'BAD-KEY': 'x' } }, 'job.env.BAD-KEY', '', 'environment variable name'],
    [{ env: { OK: 'a\0b' } }, 'job.env.OK', '', 'without NUL'],
    [{ env: { HF_TOKEN: 'x' }, secretFiles: { HF_TOKEN: '/t' } }, 'job.secretFiles.HF_TOKEN', '', 'not both'],
    [{ body: 'a\0' }, 'job.body', '', 'without NUL'],
    [{ extra: 1 }, 'job', '"extra"', 'unknown key'],
  ])('%j', (patch, field, value, expectation) => {
    const message = refusal(patch);
    expect(message).toContain(`${field}`);
    expect(message).toContain(value);
    expect(message).toContain(expectation);
  });

  it('accepts every documented time form and memory unit', () => {
    for (const time of ['30', '30:00', '01:00:00', '2-0', '2-12:00', '2-12:00:00']) {
      expect(parseJobSpec({ ...base, time }).time).toBe(time);
    }
    for (const mem of ['0', '500', '500M', '32G', '1T', '64k']) {
      expect(parseJobSpec({ ...base, mem }).mem).toBe(mem);
    }
  });

  it('accepts hostile but legal names and comments, and defaults env/secretFiles to empty', () => {
    const name = `it's "$(rm -rf /)" \`id\`; a|b #c`;
    const spec = parseJobSpec({ ...base, name, comment: 'aibench:service:svc 1' });
    expect(spec.name).toBe(name);
    expect(spec.env).toEqual({});
    expect(spec.secretFiles).toEqual({});
  });
});

describe('hfEnv', () => {
  it('derives the hub cache from HF_HOME when not set, and adds nothing else by default', () => {
    const out = hfEnv({ paths: { hf_home: '/shared/huggingface' }, hf_offline: false, hf_token_file: undefined });
    expect(out.env).toEqual({
      HF_HOME: '/shared/huggingface',
      HUGGINGFACE_HUB_CACHE: '/shared/huggingface/hub',
      HF_HUB_CACHE: '/shared/huggingface/hub',
    });
    expect(out.secretFiles).toEqual({});
  });

  it('uses an explicit hub cache, sets HF_HUB_OFFLINE and reads HF_TOKEN from its file', () => {
    const out = hfEnv({
      paths: { hf_home: '/data/hf/', hf_hub_cache: '/fast/hub' },
      hf_offline: true,
      hf_token_file: '~/.config/aibench/hf_token',
    });
    expect(out.env).toEqual({ HF_HOME: '/data/hf/', HUGGINGFACE_HUB_CACHE: '/fast/hub', HF_HUB_CACHE: '/fast/hub', HF_HUB_OFFLINE: '1' });
    expect(out.secretFiles).toEqual({ HF_TOKEN: '~/.config/aibench/hf_token' });
    expect(JSON.stringify(out.env)).not.toContain('TOKEN');
  });

  it('strips a trailing slash from HF_HOME when deriving the hub cache', () => {
    expect(hfEnv({ paths: { hf_home: '/data/hf/' }, hf_offline: false, hf_token_file: undefined }).env['HF_HUB_CACHE']).toBe('/data/hf/hub');
  });
});

describe('env keys bash cannot set', () => {
  it('does not mistake inherited object keys for env entries', () => {
    expect(parseJobSpec({ ...base, secretFiles: { toString: '/t' } }).secretFiles).toEqual({ toString: '/t' });
  });

  it.each(['SHELLOPTS', 'UID', 'EUID'])('refuses %s by name', (key) => {
    expect(refusal({ env: { [key]: 'x' } })).toContain(`job.env.${key}: expected a variable bash can set, got the readonly ${key}`);
  });
});
