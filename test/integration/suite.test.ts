// `aibench suite run` on the real test cluster (tc-local) with the simulator as vLLM: two services
// (one crashes on start), a 2x2 matrix, the lock against a concurrent run, Ctrl-C and --resume, and
// SIGKILL while the service is READY followed at once by --resume, again and again.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { testCluster } from '../helpers/cluster.js';
import { poll } from '../helpers/poll.js';
import { BIN, binResult, startBin, tempHome } from '../helpers/run-bin.js';
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
  writeFileSync(configPath, generated.replace(/^(\s+)paths: /gm, `$1vllm_command: ${server}\n$1aibench_command: ${JSON.stringify(`${process.execPath} ${BIN}`)}\n$1paths: `));
});

const spawnSuite = (args: string[], home: string) =>
  startBin(['suite', 'run', ...args], { home, timeoutMs: 150_000, env: { AIBENCH_CONFIG: configPath, SLURM_CONF: testCluster().slurmConf } });

const outcome = binResult;

/** Jobs of this file's services still known to squeue (the service job name is aibench-svc-<id>-<hex>). */
async function ourJobs(prefix: string): Promise<string[]> {
  const res = await execa('squeue', ['--noheader', '--format=%i %j'], { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
  return res.stdout.split('\n').filter((l) => l.includes(`aibench-svc-${prefix}`));
}

/** Cancel the jobs a failing test left behind (a passing one has already asserted there are none). */
async function cancelOurJobs(prefix: string): Promise<void> {
  const ids = (await ourJobs(prefix)).map((line) => line.split(' ')[0] ?? '');
  if (ids.length > 0) await execa('scancel', ids, { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
}

/** Every job of this file's services Slurm still knows (running, or ended within MinJobAge, 600 s). */
async function jobsEver(prefix: string): Promise<string[]> {
  const res = await execa('scontrol', ['show', 'job', '--oneline'], { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
  return res.stdout.split('\n').filter((l) => l.includes(`JobName=aibench-svc-${prefix}`)).map((l) => /JobId=(\d+)/.exec(l)?.[1] ?? l);
}

/** Resolve when the run's stderr so far matches `pattern`; fail with its output if it ends first. */
async function stderrLine(run: ResultPromise<{ reject: false }>, pattern: RegExp, what: string): Promise<void> {
  let text = '';
  run.stderr?.on('data', (chunk: Buffer) => void (text += chunk.toString()));
  const found = poll(what, async () => (pattern.test(text) ? true : undefined), 120_000);
  found.catch(() => undefined); // superseded when the run ends first
  const endedFirst = run.then((r) => {
    if (!pattern.test(text)) throw new Error(`Expected ${what}, but the run ended first (exit ${r.exitCode}):\n${String(r.stderr)}`);
  });
  await Promise.race([found, endedFirst.then(() => found)]);
}

describe('suite run on real Slurm', () => {
  it('runs what it can, records the service that failed, exits 1, leaves no job; a concurrent run is refused (exit 4)', async () => {
    const home = tempHome();
    const file = join(dir, 'two.yaml');
    const out = join(dir, 'two-out');
    writeFileSync(file, suiteYaml('it-two', service('itok', FAST_SIM) + service('itbad', [...FAST_SIM, '--crash-on-start']),
      '  concurrency: [1, 2]\n  input_len: [16, 32]\n  output_len: [8]\n  num_requests: 10'));
    const first = spawnSuite([file, '--out', out, '--json'], home);
    await poll('the first run to hold the lock', async () => existsSync(join(home, '.local/state/aibench/locks/suite-it-two')) || undefined);
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
    expect(readdirSync(out).sort()).toEqual([
      'itok__c1_in16_out8.json', 'itok__c1_in32_out8.json', 'itok__c2_in16_out8.json', 'itok__c2_in32_out8.json', 'report.html', 'services.json', 'summary.csv', 'summary.json',
    ]);
    // services.json: each service the run started, with its job, and that it is stopped.
    const started = JSON.parse(readFileSync(join(out, 'services.json'), 'utf8')) as { services: Array<{ service: string; job_id: string; state: string }> };
    expect(started.services.map((e) => [e.service, e.state, /^\d+$/.test(e.job_id)]).sort()).toEqual([['itbad', 'stopped', true], ['itok', 'stopped', true]]);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').split('\n')[0]).toMatch(/^id,service,load,input_len,output_len,status/);
    // A Slurm service is measured from inside the cluster, as bench run --service does.
    const one = JSON.parse(readFileSync(join(out, 'itok__c1_in16_out8.json'), 'utf8')) as { client: { placement: string; slurm?: { placement: string } } };
    expect(one.client).toMatchObject({ placement: 'cluster', slurm: { placement: 'service-allocation' } });
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
    await poll('the first result', async () => existsSync(first) || undefined, 90_000);
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
    // What a kill between write-file-atomic's temporary and its rename leaves: --resume clears this suite's, and only those.
    const leftovers = ['itres__c2_in32_out8.json.1234567890', 'summary.json.42'];
    const others = ['notes.txt.5', 'other__c1.json.7'];
    for (const name of [...leftovers, ...others]) writeFileSync(join(out, name), '{"partial');

    const resumed = outcome(await spawnSuite([file, '--out', out, '--resume', '--json'], home));
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as SuiteSummary;
    expect(summary.counts).toMatchObject({ total: 4, passed: 4, resumed: done.length });
    expect(summary.benchmarks.find((b) => b.id === 'itres__c1_in16_out8')).toMatchObject({ resumed: true });
    expect(statSync(first).mtimeMs).toBe(mtime);
    expect(readdirSync(out).filter((f) => /\.\d+$/.test(f)).sort()).toEqual(others);
    expect(await ourJobs('itres')).toEqual([]);
  }, 300_000);

  it('SIGKILL while its service is READY, then --resume at once, six times: never locked out, the READY service is reused, and at the end no job is left and exactly one ran', async () => {
    const home = tempHome();
    const id = `itkill${randomBytes(3).toString('hex')}`; // Slurm remembers this file's earlier runs' jobs for MinJobAge
    onTestFinished(() => cancelOurJobs(id));
    const file = join(dir, 'kill.yaml');
    const out = join(dir, 'kill-out');
    writeFileSync(file, suiteYaml('it-kill', service(id, FAST_SIM), '  concurrency: [1, 2]\n  input_len: [16, 32, 48]\n  output_len: [8]\n  duration_min: 0.03'));
    // Finished results only: write-file-atomic's temporary (NAME.json.NNNN) appears first, and a kill
    // between it and the rename leaves no result for --resume to find.
    const results = () => readdirSync(out).filter((f) => f.startsWith(`${id}__`) && f.endsWith('.json')).length;
    const first = spawnSuite([file, '--out', out], home);
    await stderrLine(first, new RegExp(`service ${id}: ready at `), 'the service READY');
    first.kill('SIGKILL');
    await first;
    for (let round = 1; round <= 5; round++) {
      const resumed = spawnSuite([file, '--out', out, '--resume'], home);
      // Not locked out by the dead holder, and the READY service of the killed run is taken over.
      await stderrLine(resumed, new RegExp(`service ${id}: reusing ${id}-[0-9a-f]{6} \\(job \\d+\\), left READY by an earlier run`), `round ${round}: the leftover reused`);
      if (round % 2 === 0) {
        const before = results();
        await poll(`round ${round}: one more result`, async () => results() > before || undefined, 60_000); // killed mid-suite
      }
      resumed.kill('SIGKILL');
      await resumed;
      expect(await ourJobs(id), `round ${round}`).toHaveLength(1); // still the one job
    }
    const last = outcome(await spawnSuite([file, '--out', out, '--resume'], home));
    expect(last.exitCode, last.stderr).toBe(0);
    expect(last.stderr).toMatch(new RegExp(`service ${id}: reusing`));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as SuiteSummary;
    expect(summary.counts).toMatchObject({ total: 6, passed: 6 });
    expect(summary.counts.resumed).toBeGreaterThanOrEqual(2);
    expect(await ourJobs(id)).toEqual([]);
    expect(await jobsEver(id)).toHaveLength(1);
    const started = JSON.parse(readFileSync(join(out, 'services.json'), 'utf8')) as { services: Array<{ service: string; state: string }> };
    expect(started.services).toEqual([expect.objectContaining({ service: id, state: 'stopped' })]);
  }, 420_000);

  it('without --resume, the READY service of a killed run is stopped before a new one starts; no job is left', async () => {
    const home = tempHome();
    const id = `itstale${randomBytes(3).toString('hex')}`;
    onTestFinished(() => cancelOurJobs(id));
    const file = join(dir, 'stale.yaml');
    const out = join(dir, 'stale-out');
    writeFileSync(file, suiteYaml('it-stale', service(id, FAST_SIM), '  concurrency: [1]\n  input_len: [16]\n  output_len: [8]\n  num_requests: 5'));
    const first = spawnSuite([file, '--out', out], home);
    await stderrLine(first, new RegExp(`service ${id}: ready at `), 'the service READY');
    first.kill('SIGKILL');
    await first;
    // Without --resume nothing is reused: the leftover is stopped before the new service starts.
    const fresh = outcome(await spawnSuite([file, '--out', out], home));
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    expect(fresh.stderr).toMatch(new RegExp(`service ${id}: stopped ${id}-[0-9a-f]{6} \\(job \\d+\\), left by an earlier run`));
    expect(await ourJobs(id)).toEqual([]);
    expect(await jobsEver(id)).toHaveLength(2);
    const started = JSON.parse(readFileSync(join(out, 'services.json'), 'utf8')) as { services: Array<{ state: string }> };
    expect(started.services.map((e) => e.state)).toEqual(['stopped', 'stopped']);
  }, 300_000);
});
