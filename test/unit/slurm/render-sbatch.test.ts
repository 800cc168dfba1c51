import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSbatchArgv, slurmFilenamePattern, renderSbatch } from '../../../src/slurm/render-sbatch.js';
import { hfEnv, type JobSpecInput } from '../../../src/slurm/job-spec.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/slurm/golden');

/** Compare with test/fixtures/slurm/golden/NAME.sbatch; UPDATE_GOLDEN=1 rewrites it instead. */
function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN, `${name}.sbatch`);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`Missing golden file ${file}; run with UPDATE_GOLDEN=1 to create it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const hf = hfEnv({ paths: { hf_home: '/shared/huggingface' }, hf_offline: true, hf_token_file: '/home/alice/.hf_token' });

const specs: Record<string, JobSpecInput> = {
  minimal: { name: 'hello', output: '/tmp/hello-%j.out', body: 'echo hello\n' },
  'vllm-service': {
    name: 'aibench-svc-llama',
    partition: 'gpu',
    account: 'ml-team',
    qos: 'normal',
    gres: 'gpu:a100:2',
    cpus: 16,
    mem: '128G',
    time: '1-00:00:00',
    nodes: 1,
    output: '/shared/aibench/state/services/svc1/slurm-%j.log',
    workdir: '/shared/aibench/state/services/svc1',
    comment: 'aibench:service:svc1',
    env: { ...hf.env, VLLM_ARGS: '--max-model-len 8192', PORT_FILE: '/shared/aibench/state/svc1/port' },
    secretFiles: hf.secretFiles,
    body: 'module load cuda/12.4\nexec vllm serve meta-llama/Llama-3.1-8B-Instruct --host 0.0.0.0 --port "$PORT" $VLLM_ARGS\n',
  },
  hostile: {
    name: `x'; touch /tmp/pwned #`,
    comment: 'a b "c" $(d)',
    output: '/tmp/dir with space/o.log',
    env: { QUOTE: `it's`, SUBST: '$(touch /tmp/pwned)', TICK: '`id`', SEMI: 'a; b', NL: 'line1\nline2', EMPTY: '' },
    secretFiles: { API_KEY: "~/secrets/it's key" },
    body: 'printenv QUOTE',
  },
};

describe('renderSbatch golden files', () => {
  it.each(Object.keys(specs))('%s', (name) => {
    expectGolden(name, renderSbatch(specs[name] as JobSpecInput));
  });
});

describe('renderSbatch safety', () => {
  it('only emits #SBATCH values sbatch cannot mis-split (no whitespace, quotes, backslash or #)', () => {
    for (const spec of Object.values(specs)) {
      for (const line of renderSbatch(spec).split('\n').filter((l) => l.startsWith('#SBATCH'))) {
        expect(line).toMatch(/^#SBATCH --[a-z-]+=[^\s'"\\#]+$/);
      }
    }
  });

  it('keeps name, comment, output, error and workdir out of the script', () => {
    const script = renderSbatch({ ...specs['hostile'], error: '/tmp/e.log', workdir: '/tmp/wd' } as JobSpecInput);
    for (const needle of ['touch /tmp/pwned #', '"c"', 'dir with space', '/tmp/e.log', '/tmp/wd', '--job-name', '--comment']) {
      expect(script).not.toContain(needle);
    }
  });

  it('never writes a secret value, only the file it is read from', () => {
    const script = renderSbatch(specs['vllm-service'] as JobSpecInput);
    expect(script).toContain(`HF_TOKEN="$(cat -- /home/alice/.hf_token)"`);
    expect(script).toMatch(/^export HF_TOKEN$/m);
    expect(script).not.toMatch(/HF_TOKEN=[^"]/);
  });

  it('does not force set -euo pipefail on the body and keeps the body byte for byte', () => {
    const body = 'false || echo "still running"\nx=$((1+1))\n';
    const script = renderSbatch({ name: 'b', output: '/o', body });
    expect(script).not.toContain('set -e');
    expect(script.endsWith(`\n${body}`)).toBe(true);
  });

  it('refuses a newline in the name before rendering anything', () => {
    expect(() => renderSbatch({ name: 'a\n#SBATCH --mem=1T', output: '/o', body: '' })).toThrow(/job\.name/);
  });
});

describe('buildSbatchArgv', () => {
  it('passes free-text fields literally as single argv elements, script last', () => {
    const argv = buildSbatchArgv({ ...specs['hostile'], error: '/tmp/e %j.log', workdir: '/tmp/w d' } as JobSpecInput, '/s/job.sbatch');
    expect(argv).toEqual([
      'sbatch',
      '--parsable',
      '--export=PATH,HOME,USER,LOGNAME,LANG,LC_ALL,TZ,TMPDIR',
      `--job-name=x'; touch /tmp/pwned #`,
      '--comment=a b "c" $(d)',
      '--output=/tmp/dir with space/o.log',
      '--error=/tmp/e %%j.log',
      '--chdir=/tmp/w d',
      '/s/job.sbatch',
    ]);
  });

  it('omits optional flags that are not set', () => {
    expect(buildSbatchArgv(specs['minimal'] as JobSpecInput, '/s/a.sh')).toEqual(['sbatch', '--parsable', '--export=PATH,HOME,USER,LOGNAME,LANG,LC_ALL,TZ,TMPDIR', '--job-name=hello', '--output=/tmp/hello-%%j.out', '/s/a.sh']);
  });

  it('names output and error paths literally: % doubled (sbatch expands %j, %x, %u); with a backslash, backslashes doubled and % kept (Slurm then expands nothing)', () => {
    const argv = buildSbatchArgv({ name: 'x', output: '/state/100%/j%x/o.log', error: '/e%', body: '' }, '/s/a.sh');
    expect(argv).toContain('--output=/state/100%%/j%%x/o.log');
    expect(argv).toContain('--error=/e%%');
    expect(slurmFilenamePattern('/a\\b%j/\\\\c')).toBe('/a\\\\b%j/\\\\\\\\c');
  });

  it.each(['', '-x.sh', '/a\nb'])('refuses script path %j', (path) => {
    expect(() => buildSbatchArgv(specs['minimal'] as JobSpecInput, path)).toThrow(/script path/);
  });
});

describe('the rendered script under real /bin/bash', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function runScript(spec: JobSpecInput, home: string) {
    const file = join(dir, 'job.sh');
    writeFileSync(file, renderSbatch(spec));
    return spawnSync('/bin/bash', [file], { cwd: dir, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home }, encoding: 'utf8' });
  }

  it('delivers hostile env values literally and runs no payload', () => {
    dir = mkdtempSync(join(tmpdir(), 'aibench-sbatch-'));
    const marker = join(dir, 'marker');
    const env = {
      SUBST: `$(touch ${marker})`,
      TICK: `\`touch ${marker}\``,
      QUOTE: `it's "quoted" \\ back`,
      SEMI: `a; touch ${marker}`,
      NL: 'line1\nline2',
      DOLLAR: '$HOME ${PATH} $1',
      GLOB: '* ? [a-z]',
      EMPTY: '',
      UNICODE: 'héllo ✓',
    };
    const keys = Object.keys(env);
    const body = `for k in ${keys.join(' ')}; do printf '%s=%s\\0' "$k" "\${!k}"; done`;
    const result = runScript({ name: 'x', output: '/o', env, body }, dir);
    expect(result.status).toBe(0);
    const seen = Object.fromEntries(
      result.stdout
        .split('\0')
        .filter((s) => s !== '')
        .map((s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)]),
    );
    expect(seen).toEqual(env);
    expect(existsSync(marker)).toBe(false);
  });

  it('round-trips 200 random unicode values (fast-check, seeded) through export lines', () => {
    dir = mkdtempSync(join(tmpdir(), 'aibench-sbatch-'));
    const values = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }).filter((v) => !v.includes('\0')), { numRuns: 200, seed: 42 });
    const env = Object.fromEntries(values.map((v, i) => [`V${i}`, v]));
    const body = `for i in $(seq 0 ${values.length - 1}); do k=V$i; printf '%s\\0' "\${!k}"; done`;
    const result = runScript({ name: 'x', output: '/o', env, body }, dir);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(values);
  });

  it('reads a secret from its file (including ~/ paths) and fails clearly when the file is missing', () => {
    dir = mkdtempSync(join(tmpdir(), 'aibench-sbatch-'));
    const tokenFile = join(dir, "tok en's");
    writeFileSync(tokenFile, 'hf_secret $(touch x)\n');
    chmodSync(tokenFile, 0o600);
    const body = 'printf "%s|%s" "$HF_TOKEN" "$OTHER"';
    const ok = runScript({ name: 'x', output: '/o', secretFiles: { HF_TOKEN: tokenFile, OTHER: "~/tok en's" }, body }, dir);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('hf_secret $(touch x)|hf_secret $(touch x)');
    expect(existsSync(join(dir, 'x'))).toBe(false);

    const missing = runScript({ name: 'x', output: '/o', secretFiles: { HF_TOKEN: join(dir, 'nope') }, body: 'echo should-not-run' }, dir);
    expect(missing.status).toBe(1);
    expect(missing.stdout).not.toContain('should-not-run');
    expect(missing.stderr).toContain(`aibench: cannot read the secret file for HF_TOKEN: ${join(dir, 'nope')}`);
  });
});
