// `bench run --service` measures from inside the cluster: on the real test cluster (Slurm, sshd),
// against a simulator service, through the built bin. The client is a step in the service's job
// (visible in `squeue --steps` while it runs, gone after), scales out over Slurm tasks, survives a
// killed task with the others' records, and leaves nothing behind on Ctrl-C.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultDocumentSchema, SearchDocumentSchema, type ResultDocument } from '../../src/bench/results/result-schema.js';
import { testCluster } from '../helpers/cluster.js';
import { poll } from '../helpers/poll.js';
import { BIN, REPO_ROOT, runBin, startBin, tempHome, type BinResult } from '../helpers/run-bin.js';

const SIM = ['--vllm-arg=--itl-ms=10', '--vllm-arg=--prefill-overhead-ms=20', '--vllm-arg=--prefill-ms-per-token=0'];
const SERVICE = `it-bc-${process.pid}`;
let dir = '';
let home = '';
let configPath = '';
let serviceJob = '';

const binOptions = (config = configPath) => ({ home, timeoutMs: 180_000, env: { AIBENCH_CONFIG: config, SLURM_CONF: testCluster().slurmConf } });
const aibench = (args: string[], config = configPath): Promise<BinResult> => runBin(args, binOptions(config));

const slurm = (args: string[]) => execa(args[0] as string, args.slice(1), { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
/** Names of the steps of the service's job that are running now. */
const clientSteps = async () => (await slurm(['squeue', '--steps', '--noheader', '--format=%j', `--jobs=${serviceJob}`])).stdout.split('\n').filter((n) => n.startsWith('aibench-client-'));
const runDirs = () => readdirSync(join(testCluster().stateDir, 'bench')).map((d) => join(testCluster().stateDir, 'bench', d));

// numpy's default (linear) percentile, written here independently of src/.
function npPercentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  return (s[lo] as number) + ((s[Math.min(lo + 1, s.length - 1)] as number) - (s[lo] as number)) * (rank - lo);
}

beforeAll(async () => {
  const tc = testCluster();
  dir = mkdtempSync(join(tmpdir(), 'aibench-bc-it-'));
  home = tempHome();
  // Compute-node side: node and the fake nvidia-smi (an H200) on PATH, aibench run from this repo's bin.
  const setup = [`export PATH=${dirname(process.execPath)}:${join(REPO_ROOT, 'test/fixtures/bin')}:$PATH`, 'export FAKE_NVIDIA_SMI_SCENARIO=h200'];
  const config = readFileSync(tc.configPath, 'utf8').replace(/^default_cluster: .*$/m, 'default_cluster: tc-ssh').replace(/^(\s+)paths: /gm,
    `$1vllm_command: ${process.execPath} ${BIN} sim\n$1setup: ${JSON.stringify(setup)}\n$1aibench_command: ${JSON.stringify(`${process.execPath} ${BIN}`)}\n$1paths: `);
  configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, config);
  const started = await aibench(['service', 'start', '--model', 'facebook/opt-125m', '--name', SERVICE, '--timeout', '90s', '--json', ...SIM]);
  expect(started.exitCode, started.stderr).toBe(0);
  serviceJob = (JSON.parse(started.stdout) as { job_id: string }).job_id;
}, 180_000);

afterAll(async () => {
  if (home !== '') await aibench(['service', 'stop', SERVICE]);
});

describe('bench run --service: the client inside the cluster', () => {
  it('runs as a step in the service job (visible while it runs, gone after) and measures the simulator\'s latencies', async () => {
    const run = aibench(['bench', 'run', '--service', SERVICE, '--num-requests', '60', '--concurrency', '2', '--input-len', '16', '--output-len', '16', '--json']);
    const seen = await poll('the client step in squeue --steps', async () => ((await clientSteps()).length > 0 ? true : undefined), 60_000);
    const res = await run;
    expect(res.exitCode, res.stderr).toBe(0);
    expect(seen).toBe(true);
    expect(await clientSteps()).toEqual([]);
    const doc = ResultDocumentSchema.parse(JSON.parse(res.stdout));
    expect(doc.completed).toBe(60);
    expect(doc.client).toMatchObject({ placement: 'cluster', network_path: 'direct', tasks: 1, slurm: { placement: 'service-allocation', job_id: serviceJob, overcommit: false } });
    // Same tolerances as a local run: TTFT = 20 ms overhead (+ scheduling), ITL 10 ms.
    expect(doc.median_itl_ms).toBeGreaterThan(8.5);
    expect(doc.median_itl_ms).toBeLessThan(15);
    expect(doc.median_ttft_ms).toBeGreaterThan(19);
    expect(doc.median_ttft_ms).toBeLessThan(60);
    expect(doc.provenance).toMatchObject({
      cluster: 'tc-ssh', job_id: serviceJob, service_id: SERVICE, vllm_args: ['--itl-ms=10', '--prefill-overhead-ms=20', '--prefill-ms-per-token=0'],
      gpu: { name: 'NVIDIA H200', count: 1, memory_total_mib: 143771, driver_version: '590.48.01', cuda_version: '13.1' },
    });
    expect(doc.client.slurm?.step_name).toMatch(/^aibench-client-r-/);
  });

  it('--client-tasks 3 completes exactly the asked count across tasks; aggregates equal a recomputation from the merged records', async () => {
    const res = await aibench(['bench', 'run', '--service', SERVICE, '--num-requests', '45', '--concurrency', '3', '--client-tasks', '3', '--input-len', '16', '--output-len', '8', '--save-detailed', '--json']);
    expect(res.exitCode, res.stderr).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(res.stdout));
    expect(doc.completed).toBe(45);
    expect(doc.client.shares?.map((s) => [s.index, s.requests, s.status])).toEqual([[0, 15, 'ok'], [1, 15, 'ok'], [2, 15, 'ok']]);
    expect(doc.client.slurm?.overcommit).toBe(true); // 3 tasks in the service's 1-CPU allocation
    expect(doc.client.start_skew_ms).toBeGreaterThanOrEqual(0);
    const measured = doc.requests!.filter((r) => !r.warmup);
    expect(measured.map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 45 }, (_, i) => i));
    expect(new Set(measured.map((r) => r.client))).toEqual(new Set([0, 1, 2]));
    const ttfts = measured.map((r) => r.ttft_ms as number);
    const itls = measured.flatMap((r) => r.itl_ms);
    expect(doc.median_ttft_ms).toBeCloseTo(npPercentile(ttfts, 50), 9);
    expect(doc.p99_ttft_ms).toBeCloseTo(npPercentile(ttfts, 99), 9);
    expect(doc.mean_itl_ms).toBeCloseTo(itls.reduce((a, b) => a + b, 0) / itls.length, 9);
    expect(doc.p99_itl_ms).toBeCloseTo(npPercentile(itls, 99), 9);
  });

  it('a task killed mid-run fails the run naming it; the other tasks\' records are kept and written', async () => {
    const out = join(dir, 'killed.json');
    const before = new Set(runDirs());
    const run = aibench(['bench', 'run', '--service', SERVICE, '--duration-seconds', '8', '--concurrency', '3', '--client-tasks', '3', '--input-len', '8', '--output-len', '8', '--out', out]);
    const ready = await poll('share 1 at its barrier', async () => {
      const fresh = runDirs().find((d) => !before.has(d));
      return fresh !== undefined && existsSync(join(fresh, 'ready-0-1.json')) ? join(fresh, 'ready-0-1.json') : undefined;
    }, 60_000);
    const { pid } = JSON.parse(readFileSync(ready, 'utf8')) as { pid: number };
    await new Promise((r) => setTimeout(r, 2000)); // let it measure a little
    process.kill(pid, 'SIGKILL');
    const res = await run;
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/client share 1 on \S+ died before it finished/);
    const doc = ResultDocumentSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(doc.client.shares?.map((s) => s.status)).toEqual(['ok', 'died', 'ok']);
    expect(doc.client.shares?.[0]?.requests).toBeGreaterThan(0);
    expect(doc.completed).toBeGreaterThan(doc.client.shares?.[1]?.requests ?? 0);
  });

  it('Ctrl-C stops the client, keeps what it measured (marked interrupted) and leaves no step behind', async () => {
    const out = join(dir, 'interrupted.json');
    const before = new Set(runDirs());
    const child = startBin(['bench', 'run', '--service', SERVICE, '--duration-seconds', '60', '--concurrency', '2', '--input-len', '8', '--output-len', '8', '--out', out], binOptions());
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => void (stderr += c.toString()));
    // Ctrl-C once the client has measured something (its progress note says so): the first client
    // step is the GPU probe, and a fixed pause after it can end before the measured phase begins.
    await poll('the client to have completed measured requests', async () => {
      const fresh = runDirs().find((d) => !before.has(d));
      if (fresh === undefined || !existsSync(join(fresh, 'progress-0.json'))) return undefined;
      const note = JSON.parse(readFileSync(join(fresh, 'progress-0.json'), 'utf8')) as { phase: string; completed: number };
      return note.phase === 'measure' && note.completed > 0 ? true : undefined;
    }, 90_000);
    child.kill('SIGINT');
    expect((await child).exitCode, stderr).toBe(130);
    const doc: ResultDocument = ResultDocumentSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(doc.interrupted?.reason).toBe('SIGINT');
    expect(doc.completed).toBeGreaterThan(0);
    expect(doc.duration_s).toBeLessThan(30);
    await poll('no client step left', async () => ((await clientSteps()).length === 0 ? true : undefined), 30_000);
  });

  it('--client local records how requests travelled: direct, or through the SSH forward with a warning', async () => {
    const direct = await aibench(['bench', 'run', '--service', SERVICE, '--client', 'local', '--num-requests', '5', '--input-len', '8', '--output-len', '4', '--json']);
    expect(direct.exitCode, direct.stderr).toBe(0);
    expect(ResultDocumentSchema.parse(JSON.parse(direct.stdout)).client).toMatchObject({ placement: 'local', network_path: 'direct' });
    const forced = join(dir, 'forward.yaml');
    writeFileSync(forced, readFileSync(configPath, 'utf8').replace(/^(\s+)paths: /gm, '$1compute_access: ssh-forward\n$1paths: '));
    const res = await aibench(['bench', 'run', '--service', SERVICE, '--client', 'local', '--num-requests', '5', '--input-len', '8', '--output-len', '4', '--json'], forced);
    expect(res.exitCode, String(res.stderr)).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(String(res.stdout)));
    expect(doc.client).toMatchObject({ placement: 'local', network_path: 'ssh-forward' });
    expect(doc.client.network_warning).toMatch(/SSH forward/);
    expect(String(res.stderr)).toMatch(/warning: requests went through an SSH forward/);
  });

  it('placement partition: the client runs as its own job on a partition, recorded with both job ids', async () => {
    const partition = join(dir, 'partition.yaml');
    writeFileSync(partition, readFileSync(configPath, 'utf8').replace(/^(\s+)paths: /gm, '$1client: { placement: partition, cpus_per_task: 1, time: "00:05:00" }\n$1paths: '));
    const res = await aibench(['bench', 'run', '--service', SERVICE, '--client-tasks', '2', '--concurrency', '2', '--num-requests', '10', '--input-len', '8', '--output-len', '4', '--json'], partition);
    expect(res.exitCode, String(res.stderr)).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(String(res.stdout)));
    expect(doc.completed).toBe(10);
    expect(doc.client.slurm).toMatchObject({ placement: 'partition', job_id: serviceJob, overcommit: false });
    expect(doc.client.slurm?.client_job_id).toMatch(/^\d+$/);
    expect(doc.client.slurm?.client_job_id).not.toBe(serviceJob);
    expect(doc.provenance.gpu?.name).toBe('NVIDIA H200'); // asked on the service's node, not the client's
  });

  it('bad client settings are refused before anything is submitted (exit 2)', async () => {
    for (const [args, message] of [
      [['--client-tasks', '0'], /--client-tasks: expected an integer >= 1, got 0/],
      [['--client-tasks', '1.5'], /--client-tasks: expected an integer, got 1.5/],
      [['--client-tasks', '4', '--concurrency', '2'], /expected at least one request in flight per client/],
      [['--client', 'cluster', '--url', 'http://127.0.0.1:9'], /expected url or service, not both|client: cluster runs the client inside the cluster/],
    ] as const) {
      const before = runDirs().length;
      const res = await aibench(['bench', 'run', '--service', SERVICE, ...args]);
      expect(res.exitCode, res.stderr).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(runDirs().length).toBe(before);
    }
  });
});

describe('bench search --service: each step through the cluster client', () => {
  it('measures every level as a client step next to the server and writes one search document', async () => {
    const res = await aibench(['bench', 'search', '--service', SERVICE, '--slo', 'p99_ttft_ms<=10000', '--concurrency-range', '1:2', '--num-requests', '6', '--input-len', '16', '--output-len', '4', '--json']);
    expect(res.exitCode, res.stderr).toBe(0);
    const doc = SearchDocumentSchema.parse(JSON.parse(res.stdout));
    expect(doc.steps.map((s) => [s.value, s.passed])).toEqual([[1, true], [2, true]]);
    expect([doc.answer, doc.stop_reason]).toEqual([2, 'top_passes']);
    for (const step of doc.steps) {
      expect(step.run.completed).toBe(6);
      expect(step.run.client).toMatchObject({ placement: 'cluster', slurm: { placement: 'service-allocation', job_id: serviceJob } });
    }
    expect(await clientSteps()).toEqual([]);
  });
});
