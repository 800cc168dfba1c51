// `aibench suite run` on the real test cluster (tc-local) with the simulator as vLLM: two services
// (one crashes on start), a 2x2 matrix, the lock against a concurrent run, Ctrl-C and --resume.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCluster } from '../helpers/cluster.js';
import { BIN, REPO_ROOT, runBin, tempHome, type BinResult } from '../helpers/run-bin.js';
import type { SuiteSummary } from '../../src/suite/summary.js';

let dir = '';
let configPath = '';

const FAST_SIM = ['--itl-ms=1', '--prefill-overhead-ms=1', '--prefill-ms-per-token=0'];

function suiteYaml(name: string, services: string, matrix: string): string {
  return `name: ${name}\nmax_parallel: 4\nservices:\n${services}\nmatrix:\n${matrix}\nfail_on: ["failed>0"]\n`;
}

const service = (id: string, args: string[]) => `  - id: ${id}\n    model: sim-${id}\n    time: "00:10:00"\n    start_timeout_min: 1.5\n    vllm_args: ${JSON.stringify(args)}\n`;

beforeAll(async () => {
  const tc = testCluster();
  dir = mkdtempSync(join(tmpdir(), 'aibench-suite-it-'));
  const server = `${process.execPath} ${BIN} sim`;
  const generated = readFileSync(tc.configPath, 'utf8').replace(/^default_cluster: .*$/m, 'default_cluster: tc-local');
  configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, generated.replace(/^(\s+)paths: /gm, `$1vllm_command: ${server}\n$1paths: `));
});

function envFor(home: string): Record<string, string> {
  return {
    HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.local/state'), XDG_CACHE_HOME: join(home, '.cache'),
    FORCE_COLOR: '0', NO_COLOR: '1', AIBENCH_CONFIG: configPath, SLURM_CONF: testCluster().slurmConf,
  };
}

function spawnSuite(args: string[], home: string): ResultPromise<{ reject: false; cwd: string; timeout: number; env: Record<string, string> }> {
  return execa(process.execPath, [BIN, 'suite', 'run', ...args], { reject: false, cwd: REPO_ROOT, timeout: 150_000, env: envFor(home) });
}

const outcome = (res: { exitCode?: number; stdout: unknown; stderr: unknown }): BinResult => ({ exitCode: res.exitCode ?? -1, stdout: String(res.stdout), stderr: String(res.stderr) });

/** Jobs of this file's services still known to squeue (the service job name is aibench-svc-<id>-<hex>). */
async function ourJobs(prefix: string): Promise<string[]> {
  const res = await execa('squeue', ['--noheader', '--format=%i %j'], { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
  return res.stdout.split('\n').filter((l) => l.includes(`aibench-svc-${prefix}`));
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('suite run on real Slurm', () => {
  it('runs what it can, records the service that failed, exits 1, leaves no job; a concurrent run is refused (exit 4)', async () => {
    const home = tempHome();
    const file = join(dir, 'two.yaml');
    const out = join(dir, 'two-out');
    writeFileSync(file, suiteYaml('it-two', service('itok', FAST_SIM) + service('itbad', [...FAST_SIM, '--crash-on-start']),
      '  concurrency: [1, 2]\n  input_len: [16, 32]\n  output_len: [8]\n  num_requests: 10'));
    const first = spawnSuite([file, '--out', out, '--json'], home);
    await waitFor(() => existsSync(join(home, '.local/state/aibench/locks/suite-it-two')), 30_000);
    const second = outcome(await spawnSuite([file, '--out', join(dir, 'other')], home));
    expect(second.exitCode, second.stderr).toBe(4);
    expect(second.stderr).toMatch(/Suite it-two is already running \(pid \d+ on .+ since \d{4}-/);
    const res = outcome(await first);
    expect(res.exitCode, res.stderr).toBe(1);
    const summary = JSON.parse(res.stdout) as SuiteSummary;
    expect(summary.counts).toMatchObject({ total: 8, passed: 4, failed: 4, threshold: 0, cancelled: 0 });
    expect(summary.services.find((s) => s.id === 'itok')).toMatchObject({ status: 'stopped' });
    expect(summary.services.find((s) => s.id === 'itbad')).toMatchObject({ status: 'failed', error: expect.stringMatching(/ended FAILED[\s\S]*--crash-on-start/) });
    for (const b of summary.benchmarks.filter((x) => x.service === 'itbad')) expect(b.error).toMatch(/service itbad did not start/);
    expect(readdirSync(out).sort()).toEqual(['itok__c1_in16_out8.json', 'itok__c1_in32_out8.json', 'itok__c2_in16_out8.json', 'itok__c2_in32_out8.json', 'summary.csv', 'summary.json']);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').split('\n')[0]).toMatch(/^id,service,load,input_len,output_len,status/);
    expect(res.stderr).toMatch(/error: Suite it-two: 4 of 8 benchmark\(s\) failed; service\(s\) that did not start: itbad/);
    expect(await ourJobs('itok')).toEqual([]);
    expect(await ourJobs('itbad')).toEqual([]);
  }, 300_000);

  it('Ctrl-C after the first result stops the service and exits 130; --resume skips the finished work', async () => {
    const home = tempHome();
    const file = join(dir, 'resume.yaml');
    const out = join(dir, 'resume-out');
    writeFileSync(file, suiteYaml('it-resume', service('itres', FAST_SIM), '  concurrency: [1, 2]\n  input_len: [16, 32]\n  output_len: [8]\n  duration_min: 0.05'));
    const run = spawnSuite([file, '--out', out], home);
    const first = join(out, 'itres__c1_in16_out8.json');
    await waitFor(() => existsSync(first), 90_000);
    run.kill('SIGINT');
    const interrupted = outcome(await run);
    expect(interrupted.exitCode, interrupted.stderr).toBe(130);
    expect(await ourJobs('itres')).toEqual([]);
    // A benchmark cut by the Ctrl-C keeps what it measured, marked interrupted; --resume runs it again.
    const written = readdirSync(out).filter((f) => f.startsWith('itres__') && f.endsWith('.json'));
    const done = written.filter((f) => JSON.parse(readFileSync(join(out, f), 'utf8')).interrupted === undefined);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(4);
    for (const f of written.filter((w) => !done.includes(w))) expect(JSON.parse(readFileSync(join(out, f), 'utf8')).interrupted.reason).toMatch(/\S/);
    const mtime = statSync(first).mtimeMs;

    const resumed = outcome(await spawnSuite([file, '--out', out, '--resume', '--json'], home));
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as SuiteSummary;
    expect(summary.counts).toMatchObject({ total: 4, passed: 4, resumed: done.length });
    expect(summary.benchmarks.find((b) => b.id === 'itres__c1_in16_out8')).toMatchObject({ resumed: true });
    expect(statSync(first).mtimeMs).toBe(mtime);
    expect(await ourJobs('itres')).toEqual([]);
  }, 300_000);
});
