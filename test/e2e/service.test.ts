// `aibench service` through the built bin where no cluster is needed: services whose records are
// final (STOPPED, FAILED) are listed from the local store without asking Slurm.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, binEnv, runBin, tempHome } from '../helpers/run-bin.js';

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** A HOME whose service store holds `count` stopped services (model names from `model`). */
function homeWithServices(count: number, model: (i: number) => string): string {
  const home = tempHome();
  const services: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const id = `svc-${String(i).padStart(5, '0')}`;
    services[id] = {
      id, model: model(i), cluster: 'local', job_id: String(1000 + i), status: 'STOPPED', job_state: 'CANCELLED', gpus: 0, vllm_args: [],
      created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', reason: 'stopped by aibench service stop',
    };
  }
  const dir = join(home, '.local/state/aibench/services');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'services.json'), JSON.stringify({ version: 1, services }));
  return home;
}

/** Run a bash pipeline with the bin as `$AIBENCH` (pipefail on); aibench's own stderr goes to `$ERR`. */
async function pipeline(home: string, script: string): Promise<{ exitCode: number; stdout: string; aibenchStderr: string }> {
  const err = join(home, 'aibench.stderr');
  writeFileSync(err, '');
  const res = await execa('bash', ['-c', `set -o pipefail; ${script}`], {
    reject: false, cwd: REPO_ROOT, timeout: 60_000,
    env: binEnv(home, { AIBENCH: `${process.execPath} ${BIN}`, ERR: err }), extendEnv: false,
  });
  return { exitCode: res.exitCode ?? -1, stdout: String(res.stdout), aibenchStderr: readFileSync(err, 'utf8') };
}

describe('aibench service (no cluster)', () => {
  // ~1 MB of JSON: far more than a pipe holds, so the writer meets the closed pipe (EPIPE).
  const home = homeWithServices(3000, (i) => `org/model-${i}`);

  it('`service ls --json | head -1` ends quietly: exit 0, no stack trace', async () => {
    const r = await pipeline(home, '$AIBENCH service ls --json 2>"$ERR" | head -1');
    expect(r.stdout).toBe('{');
    expect(r.aibenchStderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('a closed stderr (the table goes there) ends the command quietly too', async () => {
    const r = await pipeline(home, '$AIBENCH service ls 2>&1 >/dev/null | head -2');
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(r.stdout).not.toMatch(/Error|EPIPE|\n\s+at /);
    expect(r.exitCode).toBe(0);
  });

  it('control characters in model names are escaped in the `service ls` table; --json keeps them exact', async () => {
    const hostile = 'evil\u001b[2J\u001b[31m\u009bname\rX';
    const small = homeWithServices(2, (i) => (i === 0 ? hostile : 'plain/model'));
    const table = await runBin(['service', 'ls'], { home: small });
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stderr).toContain('evil\\x1b[2J\\x1b[31m\\x9bname\\rX');
    expect(table.stderr).not.toMatch(RAW_CONTROL);
    const json = await runBin(['service', 'ls', '--json'], { home: small });
    expect((JSON.parse(json.stdout) as { services: { model: string }[] }).services[0]!.model).toBe(hostile);
  });
});
