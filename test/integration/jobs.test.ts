// The Slurm client against the real one-node test cluster, through BOTH executors (tc-local runs
// Slurm commands here, tc-ssh through the test sshd), plus the built bin end to end.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { resolveCluster } from '../../src/config/cluster.js';
import type { ResolvedCluster } from '../../src/config/schema.js';
import { SlurmError, UsageError } from '../../src/errors.js';
import { createExecutor } from '../../src/exec/create.js';
import type { Executor } from '../../src/exec/types.js';
import { cancelJobs } from '../../src/slurm/cancel.js';
import { listJobs } from '../../src/slurm/list.js';
import { jobLogs } from '../../src/slurm/logs.js';
import { jobStatus } from '../../src/slurm/status.js';
import { submitJob } from '../../src/slurm/submit.js';
import { waitForJob } from '../../src/slurm/wait.js';
import { testCluster } from '../helpers/cluster.js';
import { runBin, startBin } from '../helpers/run-bin.js';

const CLUSTERS = ['tc-local', 'tc-ssh'] as const;
const open: Record<string, { ex: Executor; cluster: ResolvedCluster }> = {};
/** Submitted first so its one-minute limit runs out while the other tests run. */
let timeoutJob: Promise<string> | undefined;

beforeAll(async () => {
  const { config } = await loadConfig(testCluster().configPath);
  for (const name of CLUSTERS) {
    const cluster = resolveCluster(config, name);
    open[name] = { cluster, ex: await createExecutor(cluster) };
  }
  const { ex, cluster } = on('tc-local');
  timeoutJob = submitJob(ex, cluster, { body: 'sleep 300', time: '1', name: 'aibench-timeout' }).then((j) => j.job_id);
  await timeoutJob;
});

afterAll(async () => {
  for (const { ex } of Object.values(open)) await ex.close();
});

const on = (name: string) => open[name] as { ex: Executor; cluster: ResolvedCluster };

/** Read a file on the cluster side (one machine, so a plain read, with the executor's own read as well). */
async function logText(ex: Executor, stateDir: string, id: string): Promise<string> {
  let text = '';
  await jobLogs(ex, stateDir, id, { lines: 1000, write: (t) => (text += t) });
  return text;
}

describe.each(CLUSTERS)('jobs on %s', (name) => {
  it('submit -> RUNNING -> COMPLETED, output holds the HF cache variables', async () => {
    const { ex, cluster } = on(name);
    const tc = testCluster();
    const job = await submitJob(ex, cluster, { body: 'env | grep -E "^(HF_|HUGGINGFACE_)" | sort\nsleep 2' });
    expect(job.job_id).toMatch(/^\d+$/);
    expect(job.output_path).toBe(`${tc.stateDir}/jobs/${job.job_id}/output.log`);
    const seen: string[] = [];
    const running = await waitForJob(ex, job.job_id, { until: 'running', timeoutMs: 30_000, onState: (r) => seen.push(r.state) });
    expect(['RUNNING', 'COMPLETING', 'COMPLETED']).toContain(running.state);
    const done = await waitForJob(ex, job.job_id, { until: 'done', timeoutMs: 30_000 });
    expect(done).toMatchObject({ state: 'COMPLETED', exitCode: 0, name: 'aibench-job' });
    const text = await logText(ex, cluster.paths.state_dir, job.job_id);
    expect(text).toContain(`HF_HOME=${tc.hfHome}\n`);
    expect(text).toContain(`HUGGINGFACE_HUB_CACHE=${tc.hfHome}/hub\n`);
    expect(text).toContain(`HF_HUB_CACHE=${tc.hfHome}/hub\n`);
    expect(readFileSync(job.script_path, 'utf8')).toContain(`export HF_HOME=${tc.hfHome}`);
    const listed = await listJobs(ex, { all: true });
    expect(listed.find((j) => j.jobId === job.job_id)).toMatchObject({ comment: job.tag, state: 'COMPLETED' });
  });

  it('cancel -> CANCELLED; a script exiting 3 -> FAILED with exit code 3 (batched status)', async () => {
    const { ex, cluster } = on(name);
    const sleeper = await submitJob(ex, cluster, { body: 'sleep 300', name: 'aibench-sleeper' });
    const failing = await submitJob(ex, cluster, { body: 'echo about to fail\nexit 3' });
    await waitForJob(ex, sleeper.job_id, { until: 'running', timeoutMs: 30_000 });
    const cancelled = await cancelJobs(ex, [sleeper.job_id], { timeoutMs: 30_000 });
    expect(cancelled[0]).toMatchObject({ jobId: sleeper.job_id, state: 'CANCELLED' });
    await waitForJob(ex, failing.job_id, { until: 'done', timeoutMs: 30_000 });
    const reports = await jobStatus(ex, [sleeper.job_id, failing.job_id]);
    expect(reports.map((r) => [r.jobId, r.state])).toEqual([
      [sleeper.job_id, 'CANCELLED'],
      [failing.job_id, 'FAILED'],
    ]);
    expect(reports[1]).toMatchObject({ exitCode: 3, source: 'scontrol' });
    expect(await logText(ex, cluster.paths.state_dir, failing.job_id)).toBe('about to fail\n');
  });

  it('hostile name, env and wrap reach Slurm literally; nothing runs from them', async () => {
    const { ex, cluster } = on(name);
    const marker = join(mkdtempSync(join(tmpdir(), 'aibench-hostile-')), 'marker');
    const payload = `$(touch ${marker})\`touch ${marker}\`;touch ${marker}`;
    const hostileName = `x'"${payload}`.slice(0, 64);
    const value = `a'b"c $HOME ${payload}\nline2 \\ end`;
    const job = await submitJob(ex, cluster, {
      name: hostileName,
      env: { HOSTILE: value },
      body: `printf '[%s]\\n' "$HOSTILE"; echo 'q"uo'"'"'te'`,
    });
    const done = await waitForJob(ex, job.job_id, { until: 'done', timeoutMs: 30_000 });
    expect(done).toMatchObject({ state: 'COMPLETED', name: hostileName });
    const [viaSqueue] = await jobStatus(ex, [job.job_id]);
    expect(viaSqueue?.name).toBe(hostileName);
    const text = await logText(ex, cluster.paths.state_dir, job.job_id);
    expect(text).toContain(`[${value}]\n`);
    expect(text).toContain(`q"uo'te\n`);
    expect((await execa('test', ['!', '-e', marker], { reject: false })).exitCode).toBe(0);
    expect(existsSync(marker)).toBe(false);
    // Values that cannot reach sbatch literally are refused before anything is submitted.
    await expect(submitJob(ex, cluster, { body: 'true', name: 'a\nb' })).rejects.toThrow(UsageError);
    await expect(submitJob(ex, cluster, { body: 'true', partition: `debug;touch ${marker}` })).rejects.toThrow(/partition/);
    await expect(submitJob(ex, cluster, { body: 'true', env: { 'A;B': '1' } })).rejects.toThrow(/environment variable name/);
    expect(existsSync(marker)).toBe(false);
  });

  it("sbatch rejects a bad partition with its own message; an unknown id is UNKNOWN, not COMPLETED", async () => {
    const { ex, cluster } = on(name);
    const error = await submitJob(ex, cluster, { body: 'true', partition: 'nosuchpart' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlurmError);
    expect((error as SlurmError).message).toMatch(/invalid partition/i);
    expect((error as SlurmError).exitCode).toBe(1);
    // The test node has no GPUs: sbatch refuses the gres, and the error is classified with its hint.
    const gres = await submitJob(ex, cluster, { body: 'true', gres: 'gpu:99' }).catch((e: unknown) => e);
    expect(gres).toBeInstanceOf(SlurmError);
    expect(gres).toMatchObject({ code: 'E_SLURM_GRES', exitCode: 1 });
    expect((gres as SlurmError).message).toMatch(/gres|generic resource/i);
    const [ghost] = await jobStatus(ex, ['999999']);
    expect(ghost).toMatchObject({ jobId: '999999', state: 'UNKNOWN', source: 'none' });
    await expect(waitForJob(ex, '999999', { until: 'done', graceMs: 1000 })).rejects.toThrow(/not known/);
  });
});

describe('jobs timeout and the built bin', () => {
  it('--time 1 on a sleeping job -> TIMEOUT (Slurm minimum is one minute)', async () => {
    const { ex } = on('tc-local');
    const id = await (timeoutJob as Promise<string>);
    const done = await waitForJob(ex, id, { until: 'done', timeoutMs: 150_000 });
    expect(done).toMatchObject({ state: 'TIMEOUT', reason: 'TimeLimit' });
  }, 180_000);

  it('aibench jobs submit --cluster tc-ssh --wrap, then wait, then logs shows the HF variables', async () => {
    const tc = testCluster();
    const env = { SLURM_CONF: tc.slurmConf, AIBENCH_CONFIG: tc.configPath };
    const submitted = await runBin(['jobs', 'submit', '--cluster', 'tc-ssh', '--wrap', 'env | grep HF_', '--json'], { env });
    expect(submitted.stderr).toBe('');
    expect(submitted.exitCode).toBe(0);
    const job = JSON.parse(submitted.stdout) as { job_id: string; cluster: string; script_path: string; output_path: string };
    expect(job).toMatchObject({ cluster: 'tc-ssh', output_path: `${tc.stateDir}/jobs/${job.job_id}/output.log` });
    const waited = await runBin(['jobs', 'wait', job.job_id, '--cluster', 'tc-ssh', '--timeout', '1m'], { env });
    expect(waited.exitCode).toBe(0);
    expect(waited.stderr).toMatch(/COMPLETED/);
    const logs = await runBin(['jobs', 'logs', job.job_id, '--cluster', 'tc-ssh'], { env });
    expect(logs.exitCode).toBe(0);
    // `grep HF_` matches HF_HOME and HF_HUB_CACHE (HUGGINGFACE_HUB_CACHE is checked in the executor tests).
    expect(logs.stdout.split('\n').sort()).toEqual([`HF_HOME=${tc.hfHome}`, `HF_HUB_CACHE=${tc.hfHome}/hub`]);
    const script = readFileSync(job.script_path, 'utf8');
    expect(script).toContain(`export HUGGINGFACE_HUB_CACHE=${tc.hfHome}/hub\n`);
    const status = await runBin(['jobs', 'status', job.job_id, '--cluster', 'tc-ssh', '--json'], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ jobs: [{ jobId: job.job_id, state: 'COMPLETED', exitCode: 0 }] });
  });

  it('the bin: a bad partition exits 1 with sbatch\'s message, a bad flag exits 2, a failed job makes wait exit 1', async () => {
    const tc = testCluster();
    const env = { SLURM_CONF: tc.slurmConf, AIBENCH_CONFIG: tc.configPath };
    const rejected = await runBin(['jobs', 'submit', '--partition', 'nosuchpart', '--wrap', 'true'], { env });
    expect(rejected.exitCode).toBe(1);
    expect(rejected.stderr).toMatch(/error: sbatch: .*invalid partition/i);
    const badFlag = await runBin(['jobs', 'submit', '--cpus', 'two', '--wrap', 'true'], { env });
    expect(badFlag.exitCode).toBe(2);
    expect(badFlag.stderr).toContain('--cpus: expected a whole number of CPUs > 0, got "two"');
    const failing = await runBin(['jobs', 'submit', '--wrap', 'exit 3'], { env });
    expect(failing.exitCode).toBe(0);
    const id = failing.stdout.trim();
    const waited = await runBin(['jobs', 'wait', id, '--timeout', '1m'], { env });
    expect(waited.exitCode).toBe(1);
    expect(waited.stderr).toContain(`error: Job ${id} ended FAILED (exit 3)`);
  });

  it('jobs wait stopped by SIGTERM says it was interrupted and exits 130, with no "unexpected" error', async () => {
    const tc = testCluster();
    const env = { SLURM_CONF: tc.slurmConf, AIBENCH_CONFIG: tc.configPath };
    const id = (await runBin(['jobs', 'submit', '--wrap', 'sleep 120'], { env })).stdout.trim();
    try {
      const child = startBin(['jobs', 'wait', id, '--timeout', '1m'], { env });
      let stderr = '';
      await new Promise<void>((resolve) => child.stderr?.on('data', (d: Buffer) => ((stderr += String(d)), /RUNNING|PENDING/.test(stderr) && resolve())));
      child.kill('SIGTERM');
      const res = await child;
      expect(res.exitCode).toBe(130);
      expect(String(res.stderr)).toContain('interrupted (SIGTERM)');
      expect(String(res.stderr)).not.toMatch(/unexpected|error:/);
    } finally {
      await execa('scancel', [id], { reject: false, env: { SLURM_CONF: tc.slurmConf } });
    }
  });
});
