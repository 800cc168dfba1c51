import { describe, expect, it } from 'vitest';
import { SlurmError } from '../../../src/errors.js';
import { parseSbatchParsable, sbatchFailure } from '../../../src/slurm/submit-output.js';

describe('parseSbatchParsable', () => {
  it.each([
    ['18\n', { jobId: '18' }],
    ['123;cluster-a\n', { jobId: '123', cluster: 'cluster-a' }],
    ['  42  \n\n', { jobId: '42' }],
  ])('%j', (stdout, expected) => {
    expect(parseSbatchParsable(stdout)).toEqual(expected);
  });

  it.each(['', 'Submitted batch job 12\n', 'abc', '12;'])('refuses %j naming what it got', (stdout) => {
    expect(() => parseSbatchParsable(stdout)).toThrow(SlurmError);
    expect(() => parseSbatchParsable(stdout)).toThrow(`got ${JSON.stringify(stdout)}`);
  });
});

// stderr below marked (real) was captured from sbatch 22.05.8; the rest follows Slurm's source strings.
describe('sbatchFailure', () => {
  it.each([
    ['(real) partition', 'sbatch: error: invalid partition specified: nosuch\nsbatch: error: Batch job submission failed: Invalid partition name specified\n', 'E_SLURM_PARTITION', 'sbatch: invalid partition specified: nosuch; Batch job submission failed: Invalid partition name specified', 'sinfo'],
    ['(real) gres', 'sbatch: error: Invalid generic resource (gres) specification\n', 'E_SLURM_GRES', 'sbatch: Invalid generic resource (gres) specification', 'gpu:1'],
    ['(real) time', 'sbatch: error: Invalid --time specification\n', 'E_SLURM_TIME', 'sbatch: Invalid --time specification', 'D-HH:MM:SS'],
    ['(real) mem syntax', 'sbatch: error: Invalid --mem specification\n', 'E_SLURM_MEMORY', 'sbatch: Invalid --mem specification', '32G'],
    ['(real) mem too big', 'sbatch: error: Memory specification can not be satisfied\nsbatch: error: Batch job submission failed: Requested node configuration is not available\n', 'E_SLURM_MEMORY', 'sbatch: Memory specification can not be satisfied; Batch job submission failed: Requested node configuration is not available', 'less memory'],
    ['time limit', 'sbatch: error: Batch job submission failed: Requested time limit is invalid (missing or exceeds some limit)\n', 'E_SLURM_TIME', 'sbatch: Batch job submission failed: Requested time limit is invalid (missing or exceeds some limit)', 'MaxTime'],
    ['account', 'sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified\n', 'E_SLURM_ACCOUNT', 'sbatch: Batch job submission failed: Invalid account or account/partition combination specified', 'sacctmgr'],
    ['qos', 'sbatch: error: Batch job submission failed: Invalid qos specification\n', 'E_SLURM_QOS', 'sbatch: Batch job submission failed: Invalid qos specification', 'sacctmgr show qos'],
    ['policy', "sbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)\n", 'E_SLURM_POLICY', "sbatch: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)", 'limit'],
    ['(real) no config', 'sbatch: error: resolve_ctls_from_dns_srv: res_nsearch error: Unknown host\nsbatch: error: fetch_config: DNS SRV lookup failed\nsbatch: error: _establish_config_source: failed to fetch config\nsbatch: fatal: Could not establish a configuration source\n', 'E_SLURM_CONTROLLER', 'sbatch: Could not establish a configuration source', 'SLURM_CONF'],
    ['controller down', 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n', 'E_SLURM_CONTROLLER', 'sbatch: Batch job submission failed: Unable to contact slurm controller (connect failure)', 'slurmctld'],
    ['unknown', 'sbatch: error: Batch job submission failed: Something new\n', 'E_SLURM_SUBMIT', 'sbatch: Batch job submission failed: Something new', 'by hand'],
  ])('%s', (_label, stderr, code, message, hint) => {
    const error = sbatchFailure(stderr, 1);
    expect(error).toBeInstanceOf(SlurmError);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('sbatch: error:');
    expect(error.hint).toContain(hint);
  });

  it('says so when sbatch failed silently', () => {
    expect(sbatchFailure('', 255).message).toBe('sbatch failed with exit code 255 and no message');
  });
});
