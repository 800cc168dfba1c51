// The package as a user gets it: `npm pack` of the built checkout, installed globally into a
// temporary prefix (no network, no build on install), then run from a directory outside the repo.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { binEnv, REPO_ROOT, runBin, tempHome } from '../helpers/run-bin.js';

let prefix: string;
let bin: string;
let installed: string;
const away = mkdtempSync(join(tmpdir(), 'aibench-away-'));
const ESC = '\u001b';

/** Every file under dir (relative paths). */
function files(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), base) : [join(dir, e.name).slice(base.length + 1)]));
}

const run = (args: string[], env: Record<string, string | undefined> = {}) => runBin(args, { bin, cwd: away, env });

beforeAll(async () => {
  const packDir = mkdtempSync(join(tmpdir(), 'aibench-pack-'));
  // The checkout is built (npm test builds first); --ignore-scripts packs that build instead of making it again.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: REPO_ROOT, encoding: 'utf8' })) as Array<{ filename: string }>;
  prefix = mkdtempSync(join(tmpdir(), 'aibench-prefix-'));
  const install = await execa('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(packDir, packed[0]!.filename)], { cwd: away, reject: false });
  expect(install.exitCode, install.stderr).toBe(0);
  expect(install.stderr).not.toMatch(/install-scripts|prepare/); // nothing to run or approve on install
  installed = join(prefix, 'lib/node_modules/aibench');
  bin = join(installed, 'bin/aibench.js');
}, 120_000);

describe('the installed package', () => {
  it('holds only what runs: no source maps, no TypeScript, no root-only test scripts, no dependencies to fetch', () => {
    const list = files(installed);
    expect(list.filter((f) => f.endsWith('.map') || f.endsWith('.ts'))).toEqual([]);
    expect(list).not.toContain('scripts/test-cluster.sh');
    expect(list).toEqual(expect.arrayContaining(['bin/aibench.js', 'dist/bundle/aibench.js', 'dist/bundle/cl100k_base.cjs', 'dist/report-assets/uplot.min.js', 'profiles/quickstart.yaml', 'dashboards/benchmark.json']));
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    const bytes = list.reduce((sum, f) => sum + statSync(join(installed, f)).size, 0);
    expect(bytes).toBeLessThan(15e6);
    expect(readFileSync(join(prefix, 'bin/aibench'), 'utf8')).toContain('Thin shim');
  });

  it('--help lists the commands, from outside the repo', async () => {
    const r = await run(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/profiles +list the benchmark profiles/);
    expect(r.stdout).toMatch(/completion +print a shell completion script/);
  });

  it('runs a built-in profile by name, with local worker processes, tags the result, reports it', async () => {
    const out = join(away, 'quick.json');
    const r = await run(['bench', 'run', '--profile', 'quickstart', '--duration-seconds', '2', '--workers', '2', '--metadata', 'git_sha=abc123', '--out', out, '--quiet']);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { metadata?: Record<string, string>; completed: number; config: { load: { concurrency?: number } } };
    expect(doc.metadata).toEqual({ git_sha: 'abc123' });
    expect(doc.completed).toBeGreaterThan(0);
    expect(doc.config.load.concurrency).toBe(8); // the profile's, found by name
    const html = await run(['report', out, '--out', join(away, 'quick.html'), '--quiet']);
    expect(html.exitCode, html.stderr).toBe(0);
    expect(readFileSync(join(away, 'quick.html'), 'utf8')).toContain('git_sha=abc123');
  });

  it('lists the built-in profiles and checks the shipped dashboards without --dir', async () => {
    const ls = await run(['profiles', 'ls', '--json']);
    expect((JSON.parse(ls.stdout) as { profiles: Array<{ name: string }> }).profiles.map((p) => p.name)).toEqual(expect.arrayContaining(['quickstart', 'nightly', 'smoke']));
    const check = await run(['dashboards', 'check']);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stderr).toMatch(/in 3 dashboards, 0 problems/);
  });

  it('prints a bash completion script that bash loads and registers', async () => {
    const script = await run(['completion', 'bash']);
    expect(script.exitCode).toBe(0);
    const file = join(away, 'aibench.bash');
    writeFileSync(file, script.stdout);
    const registered = execFileSync('bash', ['-c', `source ${file} && complete -p aibench`], { encoding: 'utf8' });
    expect(registered.trim()).toBe('complete -o default -F _aibench aibench');
  });
});

describe('terminal habits of the installed bin', () => {
  // A real pseudo-terminal (script), sized, so a spinner would be drawn if it were allowed.
  const underPty = (env: Record<string, string>) => {
    const home = tempHome();
    const command = `stty cols 100 rows 30; ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} bench run --num-requests 40 --concurrency 2 --input-len 32 --output-len 16`;
    return execFileSync('script', ['-qec', command, '/dev/null'], { cwd: away, encoding: 'utf8', env: { TERM: 'xterm', ...binEnv(home, env) }, timeout: 60_000 });
  };

  it('draws a spinner on a terminal, and under NO_COLOR or FORCE_COLOR=0 writes no escape sequence at all', () => {
    expect(underPty({ NO_COLOR: '', FORCE_COLOR: '' }).includes(ESC)).toBe(true); // the pty shows escapes when there are any
    const noColor = underPty({ NO_COLOR: '1', FORCE_COLOR: '' });
    expect(noColor).toMatch(/Successful requests/);
    expect(noColor.includes(ESC)).toBe(false);
    expect(underPty({ NO_COLOR: '', FORCE_COLOR: '0' }).includes(ESC)).toBe(false);
  }, 120_000);

  it('shows control characters in names escaped, in its own and in commander\'s messages', async () => {
    const status = await run(['service', 'status', `evil${ESC}[2Jname`]);
    expect(status.exitCode).toBe(2);
    expect(status.stderr).toContain('evil\\u001b[2Jname');
    const choice = await run(['bench', 'run', '--dataset', `${ESC}[31mred`]);
    expect(choice.exitCode).toBe(2);
    expect(choice.stderr).toContain("argument '\\x1b[31mred' is invalid");
    for (const r of [status, choice]) expect(r.stderr.includes(ESC)).toBe(false);
  });
});
