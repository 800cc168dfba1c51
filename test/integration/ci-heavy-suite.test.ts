// scripts/ci-heavy-suite.sh end to end on the test cluster: it starts a simulator service with GPU
// telemetry (fake nvidia-smi: one H200 drawing 627.40 W) sending to the real Prometheus, runs two
// profiles with assertions through the cluster client (which scrapes /metrics from inside the
// cluster), keeps the results and a report as artifacts, stops the service whatever happened, and
// exits with aibench's code: 3, because one profile's assertion is breached.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ResultDocumentSchema } from '../../src/bench/results/result-schema.js';
import { testCluster } from '../helpers/cluster.js';
import { poll } from '../helpers/poll.js';
import { BIN, REPO_ROOT, tempHome } from '../helpers/run-bin.js';

describe('scripts/ci-heavy-suite.sh', () => {
  it('asserts on server truth, keeps artifacts, always stops the service, exits 3 on a breach', async () => {
    const tc = testCluster();
    const dir = mkdtempSync(join(tmpdir(), 'aibench-ci-heavy-'));
    const home = tempHome();
    const setup = [`export PATH=${dirname(process.execPath)}:${join(REPO_ROOT, 'test/fixtures/bin')}:$PATH`, 'export FAKE_NVIDIA_SMI_SCENARIO=h200'];
    const config = `${readFileSync(tc.configPath, 'utf8').replace(/^(\s+)paths: /gm,
      `$1vllm_command: ${process.execPath} ${BIN} sim\n$1setup: ${JSON.stringify(setup)}\n$1aibench_command: ${JSON.stringify(`${process.execPath} ${BIN}`)}\n`
      + `$1telemetry: { remote_write_url: ${JSON.stringify(new URL('/api/v1/write', tc.prometheusUrl).href)}, interval_s: 1 }\n$1paths: `)}monitoring:\n  prometheus_url: ${tc.prometheusUrl}\n`;
    writeFileSync(join(dir, 'config.yaml'), config);
    writeFileSync(join(dir, 'steady.yaml'), [
      'duration_seconds: 4', 'concurrency: 4', 'input_len: 32', 'output_len: 16',
      'assert: ["server_metrics.preemptions == 0", "ttft_breakdown.queue_ms < 1000"]',
      'assert_promql: [\'max_over_time(aibench_gpu_power_watts{slurm_job_id="$slurm_job_id"}[$__range]) < 700\']', '',
    ].join('\n'));
    writeFileSync(join(dir, 'tight.yaml'), ['num_requests: 12', 'concurrency: 2', 'input_len: 16', 'output_len: 8', 'assert: ["server_metrics.max_num_requests_running > 100"]', ''].join('\n'));
    const artifacts = join(dir, 'artifacts');
    const env = {
      HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.local/state'), XDG_CACHE_HOME: join(home, '.cache'), FORCE_COLOR: '0', NO_COLOR: '1',
      AIBENCH_CONFIG: join(dir, 'config.yaml'), SLURM_CONF: tc.slurmConf, PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
      CI_MODEL: 'facebook/opt-125m', CI_CLUSTER: 'tc-local', CI_GPUS: '0', CI_TIME: '00:10:00', CI_ARTIFACTS: artifacts,
      CI_PROFILES: `${join(dir, 'steady.yaml')} ${join(dir, 'tight.yaml')}`, CI_ASSERTS: 'failed == 0',
    };
    const run = await execa('bash', [join(REPO_ROOT, 'scripts/ci-heavy-suite.sh')], { reject: false, cwd: REPO_ROOT, env, extendEnv: false, timeout: 240_000 });
    expect(run.exitCode, run.stderr).toBe(3);

    const steady = ResultDocumentSchema.parse(JSON.parse(readFileSync(join(artifacts, 'steady.json'), 'utf8')));
    expect(steady.client.placement).toBe('cluster');
    expect(steady.server_metrics).toMatchObject({ available: true, preemptions: 0 });
    expect(steady.server_metrics?.generation_tokens).toBe(steady.total_output_tokens);
    expect(steady.gpu).toMatchObject({ gpus: 1, mean_power_watts: 627.4, slurm_job_id: steady.provenance.job_id });
    expect(steady.gpu?.energy_per_output_token_joules).toBeCloseTo((627.4 * steady.duration_s) / steady.total_output_tokens, 6);
    expect(steady.assertions?.map((a) => [a.expr, a.status])).toEqual([
      ['server_metrics.preemptions == 0', 'pass'], ['ttft_breakdown.queue_ms < 1000', 'pass'], ['failed == 0', 'pass'],
      ['max_over_time(aibench_gpu_power_watts{slurm_job_id="$slurm_job_id"}[$__range]) < 700', 'pass'],
    ]);
    const tight = ResultDocumentSchema.parse(JSON.parse(readFileSync(join(artifacts, 'tight.json'), 'utf8')));
    expect(tight.assertions?.find((a) => a.expr.startsWith('server_metrics.max_num_requests_running'))?.status).toBe('fail');
    expect(existsSync(join(artifacts, 'report.html'))).toBe(true);
    // The service the script started is stopped: its job is gone from the queue.
    const service = JSON.parse(readFileSync(join(artifacts, 'service.json'), 'utf8')) as { job_id: string };
    const gone = await poll(`job ${service.job_id} gone from squeue`, async () => {
      const squeue = await execa('squeue', ['--noheader', `--jobs=${service.job_id}`, '--format=%T'], { reject: false, env: { SLURM_CONF: tc.slurmConf } });
      return squeue.stdout.trim() === '' ? true : undefined;
    });
    expect(gone).toBe(true);
  }, 300_000);
});
