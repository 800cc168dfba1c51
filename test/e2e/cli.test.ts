import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runBin, tempHome } from '../helpers/run-bin.js';

const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('aibench (built bin)', () => {
  it('--version prints the package version on stdout, exit 0', async () => {
    const r = await runBin(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('--help lists every command group', async () => {
    const r = await runBin(['--help']);
    expect(r.exitCode).toBe(0);
    for (const group of ['bench', 'suite', 'service', 'jobs', 'sim', 'telemetry', 'tunnel', 'dashboards', 'api', 'doctor', 'config']) expect(r.stdout).toMatch(new RegExp(`^\\s+${group}\\b`, 'm'));
  });

  it.each([['doctor'], ['config', 'show'], ['config', 'init'], ['bench', 'run'], ['bench', 'compare'], ['bench', 'results'], ['sim'], ['suite', 'run'], ['service', 'start'], ['service', 'wait'], ['service', 'models'], ['jobs', 'submit'], ['telemetry', 'agent'], ['tunnel', 'up'], ['dashboards', 'check'], ['api', 'serve']])('%s --help shows an example', async (...cmd) => {
    const r = await runBin([...cmd, '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Example');
    expect(r.stdout).toMatch(/\$ (nohup )?aibench /);
  });

  it('an unknown command or option is a usage error: exit 2, message on stderr, nothing on stdout', async () => {
    const a = await runBin(['frobnicate']);
    expect(a.exitCode).toBe(2);
    expect(a.stderr).toContain("unknown command 'frobnicate'");
    expect(a.stdout).toBe('');
    const b = await runBin(['doctor', '--no-such-flag']);
    expect(b.exitCode).toBe(2);
    expect(b.stderr).toContain("unknown option '--no-such-flag'");
  });

  it('an invalid config file: exit 2 naming file, key path and value; no stack trace', async () => {
    const file = join(REPO_ROOT, 'test/fixtures/config/bad-port.yaml');
    const r = await runBin(['--config', file, 'config', 'show']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${file}: clusters.hpc.ssh.port: Too big: expected number to be <=65535, got 70000`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a cached service models answers the same every time, and a config edited to be invalid is still refused', async () => {
    const home = tempHome();
    const now = new Date().toISOString();
    const record = { id: 'warm', model: 'm', cluster: 'local', job_id: '7', status: 'READY', gpus: 0, vllm_args: [], created_at: now, updated_at: now };
    mkdirSync(join(home, '.local/state/aibench/services'), { recursive: true });
    writeFileSync(join(home, '.local/state/aibench/services/services.json'), JSON.stringify({ version: 1, services: { warm: record } }));
    mkdirSync(join(home, '.cache/aibench/models'), { recursive: true });
    writeFileSync(join(home, '.cache/aibench/models/warm.json'), JSON.stringify({ service_id: 'warm', job_id: '7', fetched_at_ms: Date.now(), models: ['m'] }));
    const config = join(home, 'config.yaml');
    writeFileSync(config, 'models_cache_ttl_s: 3600\n');
    // The first run loads and validates the config; the next ones may answer from the fast path.
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await runBin(['--config', config, 'service', 'models', 'warm', '--json'], { home }));
    for (const r of runs) expect(r).toMatchObject({ exitCode: 0, stdout: runs[0]!.stdout });
    expect(JSON.parse(runs[0]!.stdout)).toMatchObject({ models: ['m'], cached: true, stale: false, source: 'disk' });
    writeFileSync(config, 'models_cache_ttl_s: -5\n');
    const refused = await runBin(['--config', config, 'service', 'models', 'warm', '--json'], { home });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`${config}: models_cache_ttl_s`);
    expect(refused.stdout).toBe('');
  });

  it('an unknown cluster lists the known ones, exit 2', async () => {
    const r = await runBin(['doctor', '--cluster', 'nope', '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Unknown cluster "nope"; known clusters: local');
    expect(r.stdout).toBe('');
  });

  it('config init writes a valid commented file that config show then reads', async () => {
    const home = tempHome();
    const init = await runBin(['config', 'init'], { home });
    expect(init.exitCode).toBe(0);
    const path = init.stdout.trim();
    expect(path).toBe(join(home, '.config/aibench/config.yaml'));
    expect(readFileSync(path, 'utf8')).toContain('# aibench config');
    const again = await runBin(['config', 'init'], { home });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('already exists');
    const show = await runBin(['config', 'show', '--json'], { home });
    expect(show.exitCode).toBe(0);
    const doc = JSON.parse(show.stdout) as { config_file: string; clusters: Record<string, { paths: { hf_home: string } }> };
    expect(doc.config_file).toBe(path);
    expect(doc.clusters.local!.paths.hf_home).toBe('/shared/huggingface');
  });

  it('doctor --json prints one JSON document even when checks fail, and exits non-zero then', async () => {
    // A local cluster whose HF cache and state dir point somewhere impossible: at least those checks fail.
    const home = tempHome();
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(home, '.config/aibench'), { recursive: true });
    writeFileSync(
      join(home, '.config/aibench/config.yaml'),
      'clusters:\n  local:\n    executor: local\n    paths: {state_dir: /proc/aibench-no, hf_home: /nonexistent/hf}\n',
    );
    const r = await runBin(['doctor', '--json'], { home });
    const doc = JSON.parse(r.stdout) as { ok: boolean; checks: { id: string; status: string; hint?: string }[] };
    expect(doc.ok).toBe(false);
    expect(r.exitCode).toBe(1);
    const byId = Object.fromEntries(doc.checks.map((c) => [c.id, c]));
    expect(byId.reach!.status).toBe('pass');
    expect(byId['hf-cache']!.status).toBe('fail');
    expect(byId['hf-cache']!.hint).toContain('mkdir -p /nonexistent/hf');
    expect(byId['state-dir']!.status).toBe('fail');
    expect(r.stderr).toMatch(/error: \d+ required checks? failed: .*hf-cache/);
  });
});
