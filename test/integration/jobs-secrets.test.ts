// Hostile and careless input to `aibench jobs` on the real test cluster, through the built bin:
// secrets never land in a script or in Slurm's saved job environment, secret files with a loose
// mode are refused before anything is submitted, job files are owner-only, state dirs holding
// `%` or `\` work (Slurm's filename patterns), and control characters in names are shown escaped.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCluster } from '../helpers/cluster.js';
import { poll } from '../helpers/poll.js';
import { runBin, type BinResult } from '../helpers/run-bin.js';

const SECRET = `sekrit-${process.pid}-value`;
/** The names in the environment Slurm started the job with (its shell's /proc environ), then in the script's own. */
const JOB_ENV_NAMES = 'tr "\\0" "\\n" </proc/$$/environ | cut -d= -f1 | sort; echo "--- env"; env | cut -d= -f1 | sort; sleep 60';
const dir = mkdtempSync(join(tmpdir(), 'aibench-secrets-'));
const jobIds = new Set<string>();
let configPath = '';

/** The generated config plus clusters whose state dirs hold `%` and `\`, and one with a loose HF token file. */
function config(): string {
  const tc = testCluster();
  const paths = (state: string) => `{ state_dir: ${JSON.stringify(state)}, hf_home: ${tc.hfHome} }`;
  const local = (name: string, extra: string[]) => [`  ${name}:`, '    executor: local', `    slurm: { partition: ${tc.partition} }`, ...extra].join('\n');
  return [
    readFileSync(tc.configPath, 'utf8').trimEnd(),
    local('tc-pct', [`    paths: ${paths(join(dir, 'state 100%j %x'))}`]),
    local('tc-bs', [`    paths: ${paths(join(dir, 'state \\ back\\\\slash %j'))}`]),
    local('tc-loose', [`    paths: ${paths(join(dir, 'state-loose'))}`, `    hf_token_file: ${join(dir, 'loose-token')}`]),
  ].join('\n').concat('\n');
}

beforeAll(() => {
  configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, config());
  writeFileSync(join(dir, 'loose-token'), 'hf_loose\n', { mode: 0o644 });
  chmodSync(join(dir, 'loose-token'), 0o644);
  writeFileSync(join(dir, 'wandb-key'), `${SECRET}\n`, { mode: 0o600 });
});

afterAll(async () => {
  if (jobIds.size > 0) await execa('scancel', [...jobIds], { reject: false, env: { SLURM_CONF: testCluster().slurmConf } });
});

async function aibench(args: string[], env: Record<string, string> = {}): Promise<BinResult> {
  const res = await runBin(args, { env: { SLURM_CONF: testCluster().slurmConf, AIBENCH_CONFIG: configPath, ...env } });
  if (/^\d+$/.test(res.stdout.trim())) jobIds.add(res.stdout.trim());
  return res;
}

/** Submit with the bin, wait until done, return the id and its log. */
async function runJob(args: string[], env: Record<string, string> = {}): Promise<{ id: string; log: string; script: string }> {
  const submitted = await aibench(['jobs', 'submit', ...args, '--json'], env);
  expect(submitted.exitCode, submitted.stderr).toBe(0);
  const job = JSON.parse(submitted.stdout) as { job_id: string; script_path: string; cluster: string };
  jobIds.add(job.job_id);
  const waited = await aibench(['jobs', 'wait', job.job_id, '--cluster', job.cluster, '--timeout', '2m']);
  expect(waited.exitCode, waited.stderr).toBe(0);
  const logs = await aibench(['jobs', 'logs', job.job_id, '--cluster', job.cluster, '--lines', '1000']);
  expect(logs.exitCode, logs.stderr).toBe(0);
  return { id: job.job_id, log: logs.stdout, script: readFileSync(job.script_path, 'utf8') };
}

describe('secrets in jobs', () => {
  it.each(['VLLM_API_KEY', 'WANDB_API_KEY', 'hf_token', 'DB_PASSWORD'])('--env %s=... is refused (exit 2) with a pointer to --secret-env; nothing is submitted', async (name) => {
    const res = await aibench(['jobs', 'submit', '--wrap', 'true', '--env', `${name}=${SECRET}`]);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain(`error: --env ${name}: expected no secret in --env`);
    expect(res.stderr).toContain(`--secret-env ${name}=FILE`);
    expect(res.stderr).not.toContain(SECRET);
    expect(res.stdout).toBe('');
  });

  it('--secret-env reads the 0600 file into the job at start; the value is in no file aibench wrote; job files are owner-only', async () => {
    const job = await runJob(['--cluster', 'tc-ssh', '--secret-env', `WANDB_API_KEY=${join(dir, 'wandb-key')}`, '--wrap', 'printf "len=%s sum=%s\\n" "${#WANDB_API_KEY}" "$(printf %s "$WANDB_API_KEY" | md5sum | cut -c1-8)"']);
    const sum = (await execa('sh', ['-c', `printf %s '${SECRET}' | md5sum | cut -c1-8`])).stdout;
    expect(job.log).toBe(`len=${SECRET.length} sum=${sum}`); // runBin strips the final newline
    expect(job.script).not.toContain(SECRET);
    const jobDir = join(testCluster().stateDir, 'jobs', job.id);
    expect(statSync(join(jobDir, '/')).mode & 0o777).toBe(0o700);
    expect(statSync(join(jobDir, 'job.sbatch')).mode & 0o777).toBe(0o600);
    expect(statSync(join(jobDir, 'job.json')).mode & 0o777).toBe(0o600);
    for (const file of readdirSync(jobDir)) expect(readFileSync(join(jobDir, file), 'utf8'), file).not.toContain(SECRET);
  });

  it('a secret file readable by others is refused before submitting: --secret-env, and the cluster HF token for jobs submit and service start', async () => {
    const loose = await aibench(['jobs', 'submit', '--wrap', 'true', '--secret-env', `WANDB_API_KEY=${join(dir, 'loose-token')}`]);
    expect(loose.exitCode).toBe(2);
    expect(loose.stderr).toContain(`error: --secret-env WANDB_API_KEY: expected mode 0600 (owner only), got 0644 for ${join(dir, 'loose-token')}`);
    expect(loose.stderr).toContain(`hint: chmod 600 ${join(dir, 'loose-token')}`);
    const hfJob = await aibench(['jobs', 'submit', '--cluster', 'tc-loose', '--wrap', 'true']);
    expect(hfJob.exitCode).toBe(2);
    expect(hfJob.stderr).toContain('error: clusters.tc-loose.hf_token_file: expected mode 0600 (owner only), got 0644');
    const service = await aibench(['service', 'start', '--cluster', 'tc-loose', '--model', 'facebook/opt-125m', '--name', `loose-${process.pid}`, '--no-wait']);
    expect(service.exitCode).toBe(2);
    expect(service.stderr).toContain('error: clusters.tc-loose.hf_token_file: expected mode 0600 (owner only), got 0644');
    expect(service.stdout).toBe('');
    // Nothing reached Slurm, and the refused start left no record behind.
    expect((await aibench(['service', 'ls', '--json'])).stdout).not.toContain(`loose-${process.pid}`);
  });

  it("local executor: the caller's HF_TOKEN and WANDB_API_KEY reach neither the job nor Slurm's saved job environment", async () => {
    const tc = testCluster();
    const submitted = await aibench(['jobs', 'submit', '--cluster', 'tc-local', '--wrap', JOB_ENV_NAMES, '--json'], { HF_TOKEN: SECRET, WANDB_API_KEY: SECRET });
    expect(submitted.exitCode, submitted.stderr).toBe(0);
    const id = (JSON.parse(submitted.stdout) as { job_id: string }).job_id;
    jobIds.add(id);
    // slurmctld keeps the environment sbatch sent in <StateSaveLocation>/hash.N/job.ID/environment.
    const saved = await poll(`job ${id}'s saved environment`, async () => {
      const res = await execa('sh', ['-c', `cat ${tc.dir}/slurm/state/hash.*/job.${id}/environment`], { reject: false });
      return res.exitCode === 0 && res.stdout !== '' ? res.stdout : undefined;
    });
    expect(saved).not.toContain(SECRET);
    expect(saved).toContain('PATH=');
    const [initial = [], current = []] = await poll(`job ${id}'s environment in its log`, async () => {
      const text = (await aibench(['jobs', 'logs', id, '--cluster', 'tc-local', '--lines', '1000'])).stdout;
      return text.includes('--- env') ? text.split('--- env').map((part) => part.trim().split('\n')) : undefined;
    });
    for (const names of [initial, current]) {
      expect(names).not.toContain('HF_TOKEN');
      expect(names).not.toContain('WANDB_API_KEY');
    }
    expect(initial).toEqual(expect.arrayContaining(['PATH', 'HOME', 'SLURM_JOB_ID']));
    expect(current).toEqual(expect.arrayContaining(['PATH', 'HF_HOME']));
    await execa('scancel', [id], { env: { SLURM_CONF: tc.slurmConf } });
  });
});

describe('state dirs and names that Slurm or a terminal would interpret', () => {
  it.each([['tc-pct', 'state 100%j %x'], ['tc-bs', 'state \\ back\\\\slash %j']])('%s: a state dir holding %j runs jobs, and their logs are where aibench reads them', async (cluster, state) => {
    mkdirSync(join(dir, state), { recursive: true });
    const job = await runJob(['--cluster', cluster, '--wrap', 'echo hello from the job']);
    expect(job.log).toBe('hello from the job'); // runBin strips the final newline
    expect(readFileSync(join(dir, state, 'jobs', job.id, 'output.log'), 'utf8')).toBe('hello from the job\n');
    const doctor = await aibench(['doctor', '--cluster', cluster, '--json']);
    expect((JSON.parse(doctor.stdout) as { checks: { id: string; status: string }[] }).checks.find((c) => c.id === 'state-dir')?.status).toBe('pass');
  });

  it('control characters in a job name are escaped in the `jobs ls` table and submit line, exact in --json', async () => {
    const name = `evil\u001b[31m\u009b-${process.pid}`;
    const submitted = await aibench(['jobs', 'submit', '--name', name, '--wrap', 'sleep 30']);
    expect(submitted.exitCode, submitted.stderr).toBe(0);
    expect(submitted.stderr).toContain('(evil\\x1b[31m\\x9b-');
    const table = await aibench(['jobs', 'ls']);
    expect(table.stderr).toContain(`evil\\x1b[31m\\x9b-${process.pid}`);
    expect(table.stderr).not.toMatch(/[\u001b\u009b]/);
    const json = await aibench(['jobs', 'ls', '--json']);
    expect((JSON.parse(json.stdout) as { jobs: { name: string }[] }).jobs.map((j) => j.name)).toContain(name);
  });
});
