// Fault injection for services on the real test cluster: `service stop` racing `service start
// --no-wait` (repeated enough to catch a 1-in-8 failure), and the SSH link dropping during a wait
// (a real second sshd, stopped and restarted: a short drop is survived, a long one ends with the
// job left running and `service wait` resuming it).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import writeFileAtomic from 'write-file-atomic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCluster } from '../../src/config/cluster.js';
import { parseConfigText } from '../../src/config/load.js';
import { createExecutor } from '../../src/exec/create.js';
import type { Executor } from '../../src/exec/types.js';
import { startService, stopService } from '../../src/service/lifecycle.js';
import type { ServiceRecord } from '../../src/service/record.js';
import { ServiceStore } from '../../src/service/store.js';
import { testCluster } from '../helpers/cluster.js';
import { poll } from '../helpers/poll.js';
import { BIN, binResult, startBin, tempHome, type BinResult } from '../helpers/run-bin.js';
import { startSecondSshd, type SecondSshd } from '../helpers/second-sshd.js';

const FAST = ['--vllm-arg=--itl-ms=1', '--vllm-arg=--prefill-overhead-ms=1', '--vllm-arg=--prefill-ms-per-token=0'];
const dir = mkdtempSync(join(tmpdir(), 'aibench-faults-'));
const squeueEnv = () => ({ SLURM_CONF: testCluster().slurmConf });

/** Active (queued, running, completing) job ids Slurm lists under a name. */
async function activeJobsNamed(name: string): Promise<string[]> {
  const res = await execa('squeue', ['--noheader', '--format=%i', `--name=${name}`], { env: squeueEnv() });
  return res.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** The generated config plus: the simulator as vLLM everywhere, and `tc-drop` through the second sshd. */
function faultConfig(sshd: SecondSshd): string {
  const tc = testCluster();
  const server = `${process.execPath} ${BIN} sim`;
  const base = readFileSync(tc.configPath, 'utf8').replace(/^default_cluster: .*$/m, 'default_cluster: tc-ssh');
  const drop = [
    '  tc-drop:', '    executor: ssh',
    `    ssh: { host: 127.0.0.1, port: ${sshd.port}, user: ${tc.sshUser}, identity_file: ${tc.sshKey}, known_hosts_file: ${sshd.knownHosts}, agent: false, reconnect_timeout_s: 5, connect_timeout_s: 5 }`,
    `    slurm: { partition: ${tc.partition} }`,
    `    paths: { state_dir: ${tc.stateDir}, hf_home: ${tc.hfHome} }`,
  ].join('\n');
  return `${base.trimEnd()}\n${drop}\n`.replace(/^(\s+)paths: /gm, `$1vllm_command: ${server}\n$1paths: `);
}

let sshd: SecondSshd;
let configPath = '';
const jobIds = new Set<string>();

beforeAll(async () => {
  sshd = await startSecondSshd(testCluster());
  configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, faultConfig(sshd));
});

afterAll(async () => {
  await sshd?.close();
  if (jobIds.size > 0) await execa('scancel', [...jobIds], { reject: false, env: squeueEnv() });
});

describe('service stop racing service start --no-wait (over SSH, real Slurm)', () => {
  let exStart: Executor;
  let exStop: Executor;
  const cluster = () => resolveCluster(parseConfigText(readFileSync(configPath, 'utf8'), configPath), 'tc-ssh');

  beforeAll(async () => {
    exStart = await createExecutor(cluster());
    exStop = await createExecutor(cluster());
  });
  afterAll(async () => {
    await exStart?.close();
    await exStop?.close();
  });

  /** One start --no-wait racing one stop that acts `delayMs` after the start reserved the id (none: the stop comes after the start). */
  async function race(id: string, delayMs: number | undefined, storePath: string) {
    // The stop reads the record the moment the start reserves it (job id not known yet) and, like
    // a CLI process that still has to connect, acts on that copy a little later.
    const stop = (record: ServiceRecord) => stopService({ ex: exStop, cluster: cluster() }, record, { store: new ServiceStore({ path: storePath }) }, { timeoutMs: 60_000 })
      .then((result) => ({ ok: result.record }), (error: Error) => ({ error }));
    let stopping: ReturnType<typeof stop> | undefined;
    const writes: Array<{ at: number; jobId: string }> = [];
    const startStore = new ServiceStore({
      path: storePath,
      write: async (path, text) => {
        await writeFileAtomic(path, text, { mode: 0o600 });
        const seen = (JSON.parse(text) as { services: Record<string, ServiceRecord> }).services[id];
        if (seen !== undefined) writes.push({ at: Date.now(), jobId: seen.job_id });
        if (stopping === undefined && delayMs !== undefined && seen?.job_id === '') {
          stopping = new Promise((r) => setTimeout(r, delayMs)).then(() => stop(seen));
        }
      },
    });
    const started = await startService({ ex: exStart, cluster: cluster() }, { model: 'facebook/opt-125m', id, wait: false }, { store: startStore })
      .then((r) => ({ ok: r }), (error: Error) => ({ error }));
    const stopped = await (stopping ?? ('ok' in started ? stop(started.ok) : Promise.resolve({ error: started.error })));
    // How long the start took from reserving the id to writing its job id (when it got that far).
    const claimed = writes.find((w) => w.jobId !== '');
    return { started, stopped, submitMs: claimed ? claimed.at - writes[0]!.at : undefined };
  }

  // 24 rounds: a failure that hits 1 round in 8 escapes all of them with probability (7/8)^24 < 4%.
  // The stop's delay sweeps 0 to twice the time a start takes to get its job id (measured first),
  // so rounds land both while sbatch runs and after the job id is written.
  it('24 rounds: a stop that exits 0 leaves no job running; the start never leaves one behind', { timeout: 400_000 }, async () => {
    const storePath = join(dir, 'race-services.json');
    const submitMs = (await race(`race-${process.pid}-warmup`, undefined, storePath)).submitMs ?? 1500;
    const outcomes: string[] = [];
    for (let round = 0; round < 24; round++) {
      const id = `race-${process.pid}-${round}`;
      const delayMs = Math.round((round / 23) * 2 * submitMs);
      const { started, stopped } = await race(id, delayMs, storePath);
      if ('ok' in started) jobIds.add(started.ok.job_id);
      const running = await activeJobsNamed(`aibench-svc-${id}`);
      running.forEach((j) => jobIds.add(j));
      outcomes.push(`${round} (stop after ${delayMs} ms): start ${'ok' in started ? 'submitted' : 'refused'}, stop ${'ok' in stopped ? 'ok' : 'failed'}`);
      if ('ok' in stopped) {
        expect(running, `round ${round}: stop exited 0 (${JSON.stringify(stopped.ok)}) while Slurm runs ${running.join(', ')}`).toEqual([]);
        expect(stopped.ok.status, `round ${round}`).toBe('STOPPED');
      } else {
        // A stop that cannot confirm must fail naming the job.
        expect(stopped.error.message, `round ${round}`).toMatch(/job \d+/);
      }
      if ('error' in started) expect(started.error.message, `round ${round}`).toMatch(/was stopped while its job was being submitted; job \d+ was cancelled/);
    }
    console.log(`stop-vs-start rounds (a start takes ${submitMs} ms from reserving the id to writing its job id):\n${outcomes.join('\n')}`);
  });
});

/** Start the built bin on the fault config; its stderr is collected as it arrives. */
function aibenchChild(args: string[], home: string): { child: ResultPromise<{ reject: false }>; stderr: () => string } {
  let err = '';
  const child = startBin(args, { home, timeoutMs: 240_000, env: { AIBENCH_CONFIG: configPath, SLURM_CONF: testCluster().slurmConf } });
  child.stderr?.on('data', (d: Buffer) => void (err += d.toString()));
  return { child, stderr: () => err };
}

async function aibench(args: string[], home: string): Promise<BinResult> {
  return binResult(await aibenchChild(args, home).child);
}

describe('the SSH link dropping during a wait (a real sshd stopped and restarted)', () => {
  it('a short drop is survived: the wait reconnects and reaches READY', { timeout: 240_000 }, async () => {
    const home = tempHome();
    const start = aibenchChild(['service', 'start', '--cluster', 'tc-drop', '--model', 'facebook/opt-125m', '--name', `drop-a-${process.pid}`, '--timeout', '180s', '--vllm-arg=--startup-delay=8', ...FAST], home);
    await poll('the start to see the server endpoint', async () => (/: ENDPOINT/.test(start.stderr()) ? true : undefined), 120_000);
    await sshd.drop();
    // The link stays down until the wait has met it (its next poll over SSH fails; a drop wholly
    // between two polls would pass unseen, and then this test would prove nothing), then comes
    // back well inside the 5 s budget: the wait's retries run 0.5, 1.5 and 3.5 s after that failure.
    await poll('the wait to meet the dropped link', async () => (/warning: lost the SSH connection/.test(start.stderr()) ? true : undefined), 60_000);
    await sshd.start();
    const res = await start.child;
    const stderr = String(res.stderr);
    for (const m of stderr.matchAll(/job (\d+)/g)) jobIds.add(m[1]!);
    expect(res.exitCode, stderr).toBe(0);
    expect(stderr).toMatch(/warning: lost the SSH connection to root@127\.0\.0\.1:\d+ .*retrying for up to 5 s/);
    expect(stderr).toMatch(/READY at /);
    expect((await aibench(['service', 'stop', `drop-a-${process.pid}`], home)).exitCode).toBe(0);
  });

  it('a long drop ends the wait saying the job is still running and how to resume; service wait then resumes it', { timeout: 240_000 }, async () => {
    const home = tempHome();
    const id = `drop-b-${process.pid}`;
    const submitted = await aibench(['service', 'start', '--cluster', 'tc-drop', '--model', 'facebook/opt-125m', '--name', id, '--no-wait', '--json', '--vllm-arg=--startup-delay=20', ...FAST], home);
    expect(submitted.exitCode, submitted.stderr).toBe(0);
    const jobId = (JSON.parse(submitted.stdout) as ServiceRecord).job_id;
    jobIds.add(jobId);
    const wait = aibenchChild(['service', 'wait', id, '--timeout', '180s'], home);
    await poll('the wait to see the job running', async () => (/: (RUNNING|ENDPOINT)/.test(wait.stderr()) ? true : undefined), 120_000);
    await sshd.drop();
    const res = await wait.child; // sshd stays down until the wait gives up
    await sshd.start();
    const stderr = String(res.stderr);
    expect(res.exitCode, stderr).toBe(1);
    expect(stderr).toContain(`error: Lost the SSH connection to root@127.0.0.1:${sshd.port} while waiting for service ${id}`);
    expect(stderr).toContain(`Job ${jobId} is still running as far as aibench knows`);
    expect(stderr).toContain(`hint: Once the cluster answers again, resume with \`aibench service wait ${id}\``);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(await activeJobsNamed(`aibench-svc-${id}`)).toEqual([jobId]);

    const resumed = await aibench(['service', 'wait', id, '--timeout', '120s', '--json'], home);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ id, status: 'READY', job_id: jobId });
    expect((await aibench(['service', 'stop', id], home)).exitCode).toBe(0);
    expect(await activeJobsNamed(`aibench-svc-${id}`)).toEqual([]);
  });
});
