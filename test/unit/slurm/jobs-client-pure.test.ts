import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { belongsTo, parseJobIds } from '../../../src/slurm/job-id.js';
import { isAibenchJob, jobDir } from '../../../src/slurm/job-layout.js';
import { LIST_FORMAT, parseJobList, tagUuid } from '../../../src/slurm/parse-job-list.js';
import { parseJobSpec } from '../../../src/slurm/job-spec.js';
import { renderSbatch } from '../../../src/slurm/render-sbatch.js';
import { buildSubmitSpec } from '../../../src/slurm/submit-spec.js';
import { waitReached } from '../../../src/slurm/wait.js';

const cluster = {
  slurm: { partition: 'gpu', time: '01:00:00', gres: 'gpu:1' },
  paths: { state_dir: '/shared/aibench', hf_home: '/shared/hf', hf_hub_cache: '/shared/hf/hub' },
  hf_offline: true,
  hf_token_file: '/home/u/.hf_token',
};
const submission = { uuid: 'u-1', dir: '/shared/aibench/jobs/u-1' };

describe('buildSubmitSpec', () => {
  it('merges cluster defaults, HF env and the token as a secret file; flags win', () => {
    const spec = parseJobSpec(buildSubmitSpec(cluster, { body: 'true', time: '5', env: { A: '1', HF_HOME: '/mine' } }, submission));
    expect(spec).toMatchObject({
      name: 'aibench-job',
      comment: 'aibench:job:u-1',
      output: '/shared/aibench/jobs/u-1/output.log',
      partition: 'gpu',
      gres: 'gpu:1',
      time: '5',
      env: { HF_HOME: '/mine', HUGGINGFACE_HUB_CACHE: '/shared/hf/hub', HF_HUB_CACHE: '/shared/hf/hub', HF_HUB_OFFLINE: '1', A: '1' },
      secretFiles: { HF_TOKEN: '/home/u/.hf_token' },
    });
  });

  it.each(['HF_TOKEN', 'hf_token', 'VLLM_API_KEY', 'WANDB_API_KEY', 'DB_PASSWORD', 'MY_SECRET'])('refuses %s in --env (it would be written into the script), pointing to --secret-env', (name) => {
    const error = (() => {
      try {
        buildSubmitSpec(cluster, { body: 'true', env: { [name]: 'sekrit' } }, submission);
      } catch (e) {
        return e as UsageError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(new RegExp(`^--env ${name}: expected no secret in --env`));
    expect(error.message).not.toContain('sekrit');
    expect(error.hint).toContain(`--secret-env ${name}=FILE`);
  });

  it('takes --secret-env as secret files the job reads (a user file for HF_TOKEN replaces hf_token_file); HF_TOKEN_FILE-style names are plain env', () => {
    const spec = parseJobSpec(buildSubmitSpec(cluster, { body: 'true', env: { HF_TOKEN_FILE: '/x' }, secretEnv: { VLLM_API_KEY: '/k', HF_TOKEN: '~/mine' } }, submission));
    expect(spec.secretFiles).toEqual({ HF_TOKEN: '~/mine', VLLM_API_KEY: '/k' });
    expect(spec.env).toMatchObject({ HF_TOKEN_FILE: '/x' });
  });

  it('a client job holds all its tasks and asks for no GPU even when the cluster has a default gres', () => {
    const spec = parseJobSpec(buildSubmitSpec(cluster, { body: 'srun x', gres: null, ntasks: 3, nodes: 2 }, submission));
    expect(spec.gres).toBeUndefined();
    const script = renderSbatch(spec);
    expect(script).toContain('#SBATCH --ntasks=3\n');
    expect(script).toContain('#SBATCH --nodes=2\n');
    expect(script).not.toContain('--gres');
  });
});

describe('job ids and layout', () => {
  it('accepts plain, array-task and het ids and refuses anything an argv could misread', () => {
    expect(parseJobIds(['12', '12_3', '12+1', '12'])).toEqual(['12', '12_3', '12+1']);
    for (const bad of ['-u', '1;rm', '', '1 2', '1\n2', 'abc']) expect(() => parseJobIds([bad])).toThrow(/expected a Slurm job id/);
    expect(() => parseJobIds([])).toThrow(UsageError);
    expect(belongsTo('12', '12_3')).toBe(true);
    expect(belongsTo('12', '123')).toBe(false);
    expect(jobDir('/s/', '42')).toBe('/s/jobs/42');
  });

  it('finds aibench jobs by comment tag or name prefix', () => {
    expect(isAibenchJob('aibench:job:x', 'my run')).toBe(true);
    expect(isAibenchJob(undefined, 'aibench-job')).toBe(true);
    expect(isAibenchJob('(null)', 'bash')).toBe(false);
  });
});

describe('parseJobList', () => {
  it('splits the comment off before the name, names with | included', () => {
    expect(LIST_FORMAT).toBe('%i|%T|%r|%N|%M|%k|%j');
    const text = ['5|RUNNING|None|node1|1:02|aibench:job:abc|my|run', '6|PENDING|Resources||0:00|(null)|aibench-x', ''].join('\n');
    expect(parseJobList(text)).toEqual([
      { jobId: '5', state: 'RUNNING', node: 'node1', elapsed: '1:02', elapsedS: 62, name: 'my|run', comment: 'aibench:job:abc', source: 'squeue' },
      { jobId: '6', state: 'PENDING', reason: 'Resources', elapsed: '0:00', elapsedS: 0, name: 'aibench-x', source: 'squeue' },
    ]);
    expect(tagUuid('aibench:job:abc')).toBe('abc');
    expect(tagUuid('other')).toBeUndefined();
  });
});

describe('waitReached', () => {
  it.each([
    ['running', 'PENDING', false],
    ['running', 'RUNNING', true],
    ['running', 'FAILED', true],
    ['done', 'RUNNING', false],
    ['done', 'COMPLETING', false],
    ['done', 'TIMEOUT', true],
    ['done', 'UNKNOWN', false],
  ] as const)('until %s, %s -> %s', (until, state, reached) => {
    expect(waitReached(until, state)).toBe(reached);
  });
});
