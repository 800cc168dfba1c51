// `aibench service` on the real test cluster through the SSH executor (tc-ssh), with the simulator
// as the server (`vllm_command: <node> <repo>/bin/aibench.js sim`), driven through the built bin.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCluster } from '../helpers/cluster.js';
import { poll } from '../helpers/poll.js';
import { BIN, REPO_ROOT, runBin, tempHome, type BinResult } from '../helpers/run-bin.js';
import { freePort } from '../helpers/second-sshd.js';

const FAST = ['--vllm-arg=--itl-ms=1', '--vllm-arg=--prefill-overhead-ms=1', '--vllm-arg=--prefill-ms-per-token=0'];
let dir = '';
let configPath = '';
const jobIds = new Set<string>();

// Counts HTTP requests (undici) and outgoing TCP sockets (SSH included) of a CLI process.
const COUNTER = `import dc from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
const counts = { http: 0, sockets: 0 };
dc.subscribe('undici:request:create', () => counts.http++);
dc.subscribe('net.client.socket', () => counts.sockets++);
process.on('exit', () => writeFileSync(process.env.AIBENCH_COUNT_FILE, JSON.stringify(counts)));
`;

beforeAll(async () => {
  const tc = testCluster();
  dir = mkdtempSync(join(tmpdir(), 'aibench-svc-it-'));
  const server = `${process.execPath} ${BIN} sim`;
  const generated = readFileSync(tc.configPath, 'utf8').replace(/^default_cluster: .*$/m, 'default_cluster: tc-ssh');
  configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, generated.replace(/^(\s+)paths: /gm, `$1vllm_command: ${server}\n$1paths: `));
  writeFileSync(join(dir, 'count.mjs'), COUNTER);
});

afterAll(async () => {
  // Cancel only this file's jobs, whatever happened above.
  if (jobIds.size > 0) await execa('scancel', [...jobIds], { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
});

async function aibench(args: string[], home: string, env: Record<string, string> = {}): Promise<BinResult> {
  const out = await runBin(args, { home, timeoutMs: 120_000, env: { AIBENCH_CONFIG: configPath, SLURM_CONF: testCluster().slurmConf, ...env } });
  for (const m of out.stdout.matchAll(/"job_id": "(\d+)"/g)) jobIds.add(m[1] ?? '');
  return out;
}

const json = <T>(res: BinResult): T => {
  expect(res.exitCode, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as T;
};

interface PushgatewayGroup { labels: Record<string, string> }

/** The Pushgateway's groups (GET /api/v1/metrics). */
async function pushgatewayGroups(): Promise<PushgatewayGroup[]> {
  const res = await fetch(`${testCluster().pushgatewayUrl}/api/v1/metrics`);
  return ((await res.json()) as { data: PushgatewayGroup[] }).data;
}

/** poll() for a probe that answers false for "not yet". */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> =>
  poll(what, async () => {
    const value = await probe();
    return value === false ? undefined : value;
  }, timeoutMs);

async function inSqueue(jobId: string): Promise<boolean> {
  const res = await execa('squeue', ['--noheader', '--format=%i', `--jobs=${jobId}`], { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
  return res.stdout.split('\n').some((l) => l.trim() === jobId);
}

interface Rec { id: string; job_id: string; status: string; job_state?: string; model: string }

describe('aibench service on tc-ssh', () => {
  it('start -> READY -> models (second call cached, no HTTP, no socket) -> bench --service -> stop -> STOPPED, gone from squeue', async () => {
    const home = tempHome();
    const started = json<Rec & { endpoint: { port: number } }>(await aibench(['service', 'start', '--model', 'facebook/opt-125m', '--name', 'it-main', '--timeout', '60s', '--json', ...FAST], home));
    expect(started).toMatchObject({ id: 'it-main', status: 'READY', cluster: 'tc-ssh', model: 'facebook/opt-125m' });
    expect(await inSqueue(started.job_id)).toBe(true);

    const first = json<{ models: string[]; cached: boolean }>(await aibench(['service', 'models', 'it-main', '--json'], home));
    expect(first).toMatchObject({ models: ['facebook/opt-125m'], cached: false, stale: false });
    const countFile = join(dir, 'counts.json');
    const second = json<{ models: string[]; cached: boolean }>(
      await aibench(['service', 'models', 'it-main', '--json'], home, { NODE_OPTIONS: `--import ${join(dir, 'count.mjs')}`, AIBENCH_COUNT_FILE: countFile }),
    );
    expect(second).toMatchObject({ models: ['facebook/opt-125m'], cached: true, stale: false });
    expect(JSON.parse(readFileSync(countFile, 'utf8'))).toEqual({ http: 0, sockets: 0 });

    const bench = json<{ completed: number; provenance: Record<string, string>; config: { target: { model: string } } }>(
      await aibench(['bench', 'run', '--service', 'it-main', '--client', 'local', '--num-requests', '20', '--input-len', '32', '--output-len', '8', '--json'], home),
    );
    expect(bench.completed).toBe(20);
    expect(bench.provenance).toMatchObject({ cluster: 'tc-ssh', job_id: started.job_id, service_id: 'it-main' });
    expect(bench.provenance.node).toBeTruthy();
    expect(bench.config.target.model).toBe('facebook/opt-125m');

    const stop = await aibench(['service', 'stop', 'it-main'], home);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(stop.stderr).toContain('stopped');
    expect(await inSqueue(started.job_id)).toBe(false);
    const status = json<Rec>(await aibench(['service', 'status', 'it-main', '--json'], home));
    expect(status).toMatchObject({ status: 'STOPPED', job_state: expect.stringMatching(/^CANCELLED/) });
    const again = await aibench(['service', 'stop', 'it-main'], home);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/already STOPPED; nothing to do/);
  });

  it('a server that crashes on start -> FAILED with its Slurm state and log tail, exit 1', async () => {
    const home = tempHome();
    const res = await aibench(['service', 'start', '--model', 'facebook/opt-125m', '--name', 'it-crash', '--timeout', '60s', '--vllm-arg', '--crash-on-start'], home);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/ended FAILED \(exit 1\)/);
    expect(res.stderr).toMatch(/last 20 lines/);
    expect(res.stderr).toContain('Simulated crash on start');
    const status = json<Rec>(await aibench(['service', 'status', 'it-crash', '--json'], home));
    expect(status.status).toBe('FAILED');
    const unknown = await aibench(['service', 'status', 'nosuch'], home);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('known services: it-crash');
  });

  it('two concurrent `service start` processes are both recorded; stop --all stops both', async () => {
    const home = tempHome();
    const [a, b] = await Promise.all(
      ['it-par-a', 'it-par-b'].map((name) => aibench(['service', 'start', '--model', 'facebook/opt-125m', '--name', name, '--timeout', '60s', '--json', ...FAST], home)),
    );
    expect(json<Rec>(a!).status).toBe('READY');
    expect(json<Rec>(b!).status).toBe('READY');
    const ls = json<{ services: Rec[] }>(await aibench(['service', 'ls', '--json'], home));
    expect(ls.services.map((s) => [s.id, s.status]).sort()).toEqual([['it-par-a', 'READY'], ['it-par-b', 'READY']]);
    const stop = await aibench(['service', 'stop', '--all'], home);
    expect(stop.exitCode, stop.stderr).toBe(0);
    const after = json<{ services: Rec[] }>(await aibench(['service', 'ls', '--json'], home));
    expect(after.services.every((s) => s.status === 'STOPPED')).toBe(true);
    for (const s of after.services) expect(await inSqueue(s.job_id)).toBe(false);
  });

  it('start --no-wait returns at submission; service wait takes it to READY; wait on a stopped one exits 1', async () => {
    const home = tempHome();
    const submitted = json<Rec>(await aibench(['service', 'start', '--model', 'facebook/opt-125m', '--name', 'it-nowait', '--no-wait', '--json', ...FAST], home));
    expect(submitted.status).toBe('PENDING');
    expect(submitted.job_id).toMatch(/^\d+$/);
    const waited = json<Rec>(await aibench(['service', 'wait', 'it-nowait', '--timeout', '60s', '--json'], home));
    expect(waited).toMatchObject({ id: 'it-nowait', status: 'READY', job_id: submitted.job_id });
    expect(json<Rec>(await aibench(['service', 'status', 'it-nowait', '--json'], home)).status).toBe('READY');
    expect((await aibench(['service', 'stop', 'it-nowait'], home)).exitCode).toBe(0);
    const again = await aibench(['service', 'wait', 'it-nowait'], home);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('Service it-nowait is STOPPED');
    const unknown = await aibench(['service', 'wait', 'it-nosuch'], home);
    expect(unknown.exitCode).toBe(2);
  });

  it('a model name with shell metacharacters reaches the server literally and executes nothing', async () => {
    const home = tempHome();
    const marker = join(dir, 'marker');
    const model = `x$(touch ${marker})\`touch ${marker}\`;touch ${marker}`;
    // By default the HF cache check refuses it as no hub id (exit 2), before anything is submitted.
    const checked = await aibench(['service', 'start', '--model', model, '--name', 'it-hostile', '--json', ...FAST], home);
    expect(checked.exitCode).toBe(2);
    expect(checked.stderr).toContain('--model: expected a hub model id like org/name');
    expect(existsSync(marker)).toBe(false);
    // Without the check, the name travels through sbatch, the job script and the server literally.
    const started = json<Rec>(await aibench(['service', 'start', '--model', model, '--name', 'it-hostile', '--no-model-check', '--timeout', '60s', '--json', ...FAST], home));
    expect(started).toMatchObject({ status: 'READY', model });
    const models = json<{ models: string[] }>(await aibench(['service', 'models', 'it-hostile', '--json'], home));
    expect(models.models).toEqual([model]);
    expect(existsSync(marker)).toBe(false);
    expect((await aibench(['service', 'stop', 'it-hostile'], home)).exitCode).toBe(0);
    const refused = await aibench(['service', 'start', '--model', '--help', '--name', 'it-bad'], home);
    expect(refused.exitCode).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });

  it('start --telemetry: the agent pushes the GPU group from inside the job; the file_sd target lives from READY to stop', async () => {
    const home = tempHome();
    const id = `it-tel-${process.pid}`;
    const targetsDir = join(dir, 'targets');
    // The fake nvidia-smi (a node script) and node itself on the job's PATH; the agent runs the repo's bin.
    const setup = [`export PATH=${dirname(process.execPath)}:${join(REPO_ROOT, 'test/fixtures/bin')}:$PATH`, 'export FAKE_NVIDIA_SMI_SCENARIO=h100x2'];
    const cfg = readFileSync(configPath, 'utf8')
      .replace(/^clusters:/m, `monitoring: { targets_dir: ${JSON.stringify(targetsDir)} }\nclusters:`)
      .replace(/^(\s+)paths: /gm, `$1setup: ${JSON.stringify(setup)}\n$1aibench_command: ${JSON.stringify(`${process.execPath} ${BIN}`)}\n`
        + `$1telemetry: { pushgateway_url: ${JSON.stringify(testCluster().pushgatewayUrl)}, interval_s: 1 }\n$1paths: `);
    const telConfig = join(dir, 'config-telemetry.yaml');
    writeFileSync(telConfig, cfg);
    const env = { AIBENCH_CONFIG: telConfig };

    // Without a sink in the cluster config, --telemetry is refused before anything is submitted.
    const refused = await aibench(['service', 'start', '--model', 'm', '--name', `${id}-x`, '--telemetry'], home);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--telemetry: cluster "tc-ssh" has no telemetry sink');

    const started = json<Rec & { telemetry: boolean; endpoint: { host: string; port: number } }>(
      await aibench(['service', 'start', '--model', 'facebook/opt-125m', '--name', id, '--telemetry', '--timeout', '60s', '--json', ...FAST], home, env),
    );
    expect(started).toMatchObject({ id, status: 'READY', telemetry: true });
    const targetPath = join(targetsDir, `aibench-${id}.json`);
    expect(JSON.parse(readFileSync(targetPath, 'utf8'))).toEqual([{
      targets: [`${started.endpoint.host}:${started.endpoint.port}`],
      labels: { service_id: id, slurm_job_id: started.job_id, model: 'facebook/opt-125m', cluster: 'tc-ssh' },
    }]);

    const group = await until('the agent group on the Pushgateway', async () =>
      (await pushgatewayGroups()).find((g) => g.labels.service_id === id && g.labels.job === 'aibench_gpu'));
    expect(group.labels.slurm_job_id).toBe(started.job_id);
    const agentPattern = `telemetry agent .*--service-id ${id}`;
    expect((await execa('pgrep', ['-f', agentPattern], { reject: false })).exitCode).toBe(0);

    const stop = await aibench(['service', 'stop', id], home, env);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(await inSqueue(started.job_id)).toBe(false);
    expect(existsSync(targetPath)).toBe(false);
    // scancel's SIGTERM reached the agent inside the job: it deleted its group and exited.
    await until('the agent group to be deleted', async () => !(await pushgatewayGroups()).some((g) => g.labels.service_id === id), 15_000);
    await until('the agent process to exit', async () => (await execa('pgrep', ['-f', agentPattern], { reject: false })).exitCode === 1, 15_000);
  });

  it('a server that wants an API key aibench does not have: the start fails at once as an authentication problem, the job left running', async () => {
    const home = tempHome();
    const id = `it-auth-${process.pid}`;
    const res = await aibench(['service', 'start', '--model', 'facebook/opt-125m', '--name', id, '--timeout', '90s', '--vllm-arg=--api-key=only-the-server-knows', ...FAST], home);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain(`error: Service ${id} is up but refuses aibench: GET /v1/models answered 401 Unauthorized: the server wants an API key and aibench sent none`);
    expect(res.stderr).toContain('--api-key-file');
    expect(res.stderr).not.toMatch(/unreachable|no answer|not ready after/);
    expect((await aibench(['service', 'stop', id], home)).exitCode).toBe(0);
  });

  it('service ls with one cluster unreachable: lists the others reconciled, marks the silent one, exits 5', async () => {
    const tc = testCluster();
    const home = tempHome();
    // A cluster whose sshd is gone (nothing listens on its port), beside the working tc-ssh.
    const silentPort = await freePort();
    const cfg = `${readFileSync(configPath, 'utf8').trimEnd()}\n  tc-gone:\n    executor: ssh\n    ssh: { host: 127.0.0.1, port: ${silentPort}, user: root, identity_file: ${tc.sshKey}, known_hosts_file: ${tc.knownHosts}, agent: false }\n    paths: { state_dir: ${tc.stateDir} }\n`;
    const lsConfig = join(dir, 'config-ls.yaml');
    writeFileSync(lsConfig, cfg);
    const env = { AIBENCH_CONFIG: lsConfig };
    const sleeper = await aibench(['jobs', 'submit', '--cluster', 'tc-ssh', '--wrap', 'sleep 120', '--json'], home, env);
    const jobId = json<{ job_id: string }>(sleeper).job_id;
    jobIds.add(jobId);
    // STARTING below is what a RUNNING job without an endpoint reconciles to (a PENDING one stays PENDING).
    await poll(`job ${jobId} to run`, async () => {
      const res = await execa('squeue', ['--noheader', '--format=%T', `--jobs=${jobId}`], { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
      return res.stdout.trim() === 'RUNNING' ? true : undefined;
    }, 60_000);
    const at = '2026-01-01T00:00:00.000Z';
    const rec = (id: string, cluster: string, job: string) => ({ id, model: 'facebook/opt-125m', cluster, job_id: job, status: 'PENDING', gpus: 0, vllm_args: [], created_at: at, updated_at: at });
    const storeDir = join(home, '.local/state/aibench/services');
    mkdirSync(storeDir, { recursive: true });
    writeFileSync(join(storeDir, 'services.json'), JSON.stringify({ version: 1, services: { 'on-ssh': rec('on-ssh', 'tc-ssh', jobId), 'on-gone': rec('on-gone', 'tc-gone', '424242') } }));

    const listed = await aibench(['service', 'ls', '--json'], home, env);
    expect(listed.exitCode, listed.stderr).toBe(5);
    const doc = JSON.parse(listed.stdout) as { services: Array<Rec & { stale?: boolean }>; unreachable_clusters: Array<{ cluster: string; code: string; error: string }> };
    expect(doc.services.map((s) => [s.id, s.status, s.stale ?? false])).toEqual([['on-ssh', 'STARTING', false], ['on-gone', 'PENDING', true]]);
    expect(doc.unreachable_clusters).toEqual([{ cluster: 'tc-gone', code: 'E_SSH_REFUSED', error: `Connection refused by 127.0.0.1:${silentPort}` }]);
    expect(listed.stderr).toContain(`warning: cluster tc-gone did not answer: Connection refused by 127.0.0.1:${silentPort}`);
    expect(listed.stderr).toContain('error: 1 cluster did not answer: tc-gone');

    const table = await aibench(['service', 'ls'], home, env);
    expect(table.exitCode).toBe(5);
    expect(table.stderr).toMatch(/on-ssh .*│ tc-ssh +│ \d+ +│ STARTING/);
    expect(table.stderr).toMatch(/on-gone .*│ tc-gone \(no answer\) +│ 424242 +│ PENDING \(last known\)/);
  });
});

