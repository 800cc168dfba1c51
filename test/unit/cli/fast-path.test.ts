// The start-up fast path answers a cached `service models` exactly as the full program would, and
// steps aside (undefined, nothing printed) whenever the case is not that simple one. Its files are
// made by the full path's own code: loadConfig + rememberValidatedConfig, ServiceStore, ModelsCache.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { answerFast, cachedModelsRequest } from '../../../src/cli/fast-path.js';
import { buildProgram } from '../../../src/cli/main.js';
import { loadConfig } from '../../../src/config/load.js';
import { serviceStorePath } from '../../../src/config/paths.js';
import { rememberValidatedConfig } from '../../../src/config/validated-cache.js';
import { ModelsCache } from '../../../src/service/models-cache.js';
import { defaultModelsCacheDir } from '../../../src/service/models-entry.js';
import { serviceModels } from '../../../src/service/models.js';
import type { ServiceRecord } from '../../../src/service/record.js';
import { ServiceStore } from '../../../src/service/store.js';
import { VERSION } from '../../../src/version.js';

const NOW = Date.parse('2026-12-02T08:00:00Z');
let home: string;
let env: NodeJS.ProcessEnv;
let printed: { stdout: string; stderr: string };

const record = (over: Partial<ServiceRecord> = {}): ServiceRecord => ({
  id: 'opt-1', model: 'facebook/opt-125m', cluster: 'local', job_id: '4242', status: 'READY', gpus: 0, vllm_args: [],
  created_at: new Date(NOW).toISOString(), updated_at: new Date(NOW).toISOString(), ...over,
});

/** What the full CLI leaves behind after one `service models opt-1`: config remembered, record stored, list cached. */
async function fullPathState(configText: string | null, options: { fetchedAgoMs?: number; cachedJob?: string; id?: string } = {}): Promise<void> {
  if (configText !== null) writeFileSync(join(home, 'config.yaml'), configText);
  const loaded = await loadConfig(undefined, env);
  await rememberValidatedConfig(loaded.key, loaded.config, env);
  const id = options.id ?? 'opt-1';
  await new ServiceStore({ path: serviceStorePath(env) }).update((r) => void (r[id] = record({ id })));
  const cache = new ModelsCache({ ttlMs: loaded.config.models_cache_ttl_s * 1000, dir: defaultModelsCacheDir(env), now: () => NOW - (options.fetchedAgoMs ?? 1000) });
  await cache.save({ service_id: id, job_id: options.cachedJob ?? '4242', fetched_at_ms: cache.timestamp(), models: ['facebook/opt-125m', 'lora\u001b[31m'] });
}

const argv = (...args: string[]) => ['node', 'aibench', ...args];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'aibench-fast-'));
  env = { HOME: home, XDG_CONFIG_HOME: join(home, 'xdg-config'), XDG_STATE_HOME: join(home, 'state'), XDG_CACHE_HOME: join(home, 'cache'), AIBENCH_CONFIG: join(home, 'config.yaml'), NO_COLOR: '1' };
  printed = { stdout: '', stderr: '' };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((printed.stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((printed.stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('cachedModelsRequest', () => {
  it.each([
    [['service', 'models', 'opt-1'], { config: undefined, id: 'opt-1', json: false, quiet: false }],
    [['--config', '/c.yaml', '--debug', 'service', 'models', 'opt-1', '--json', '-q'], { config: '/c.yaml', id: 'opt-1', json: true, quiet: true }],
    [['--config=/c.yaml', 'service', 'models', '--quiet', 'opt-1'], { config: '/c.yaml', id: 'opt-1', json: false, quiet: true }],
  ])('%j is the simple case', (args, expected) => {
    expect(cachedModelsRequest(argv(...args))).toEqual(expected);
  });

  it.each([
    [['service', 'models', 'opt-1', '--refresh']],
    [['service', 'models', 'opt-1', '--help']],
    [['service', 'models']],
    [['service', 'models', 'opt-1', 'extra']],
    [['service', 'models', '../../etc/passwd']],
    [['service', 'status', 'opt-1']],
    [['--verbose', 'service', 'models', 'opt-1']],
    [['service', 'models', 'opt-1', '--debug']],
  ])('%j is left to the full program', (args) => {
    expect(cachedModelsRequest(argv(...args))).toBeUndefined();
  });
});

describe('answerFast', () => {
  it('prints what the full path prints from its cache, as text and as JSON', async () => {
    await fullPathState('models_cache_ttl_s: 600\n');
    vi.stubEnv('XDG_STATE_HOME', env.XDG_STATE_HOME);
    vi.stubEnv('XDG_CACHE_HOME', env.XDG_CACHE_HOME);
    const full = await serviceModels((await loadConfig(undefined, env)).config, 'opt-1', {
      cache: new ModelsCache({ ttlMs: 600_000, now: () => NOW }),
      fetchModels: () => Promise.reject(new Error('the full path asked the server')),
    });
    vi.unstubAllEnvs();
    expect(full).toMatchObject({ cached: true, source: 'disk' });

    expect(await answerFast(argv('service', 'models', 'opt-1', '--json'), env, NOW)).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(full);
    expect(printed.stderr).toBe('');

    printed = { stdout: '', stderr: '' };
    expect(await answerFast(argv('service', 'models', 'opt-1'), env, NOW)).toBe(0);
    expect(printed.stdout).toBe('facebook/opt-125m\nlora\\x1b[31m\n');
    expect(printed.stderr).toBe(`(cached disk, fetched ${full.fetched_at})\n`);

    printed = { stdout: '', stderr: '' };
    expect(await answerFast(argv('service', 'models', 'opt-1', '-q'), env, NOW)).toBe(0);
    expect(printed.stderr).toBe('');
  });

  it('answers with the built-in config when there is no config file', async () => {
    delete env.AIBENCH_CONFIG;
    await fullPathState(null);
    expect(await answerFast(argv('service', 'models', 'opt-1'), env, NOW)).toBe(0);
    expect(printed.stdout).toContain('facebook/opt-125m');
  });

  // Each case changes one thing after the full path ran; the full program must answer it.
  it.each<[string, () => Promise<void> | void, string[]?]>([
    ['the config was edited since it was validated', () => writeFileSync(join(home, 'config.yaml'), 'models_cache_ttl_s: 600 # edited\n')],
    ['the config is now invalid', () => writeFileSync(join(home, 'config.yaml'), 'models_cache_ttl_s: -1\n')],
    ['another config file is named', () => writeFileSync(join(home, 'other.yaml'), 'models_cache_ttl_s: 600\n'), ['--config', join('HOME', 'other.yaml')]],
    ['the named config file is missing', () => undefined, ['--config', join('HOME', 'missing.yaml')]],
    ['the service is unknown', () => undefined, ['service', 'models', 'opt-2']],
    ['the store is not JSON', () => writeFileSync(serviceStorePath(env), '{"version": 1, "serv')],
    ['the store has another format version', () => writeFileSync(serviceStorePath(env), JSON.stringify({ version: 2, services: { 'opt-1': record() } }))],
    ['the service runs another job now', () => new ServiceStore({ path: serviceStorePath(env) }).update((r) => void (r['opt-1'] = record({ job_id: '4343' })))],
    ['the cached list is not a list', () => writeFileSync(join(defaultModelsCacheDir(env), 'opt-1.json'), JSON.stringify({ service_id: 'opt-1', job_id: '4242', fetched_at_ms: NOW, models: 'm' }))],
    ['a refresh is asked for', () => undefined, ['service', 'models', 'opt-1', '--refresh']],
  ])('steps aside when %s', async (_what, change, args = ['service', 'models', 'opt-1']) => {
    await fullPathState('models_cache_ttl_s: 600\n');
    await change();
    expect(await answerFast(argv(...args.map((a) => a.replace(/^HOME/, home))), env, NOW)).toBeUndefined();
    expect(printed).toEqual({ stdout: '', stderr: '' });
  });

  it.each([
    ['the list is as old as the TTL', 'models_cache_ttl_s: 600\n', { fetchedAgoMs: 600_000 }],
    ['the TTL is 0 (no caching)', 'models_cache_ttl_s: 0\n', {}],
    ['the list is for an older job of the service', 'models_cache_ttl_s: 600\n', { cachedJob: '4000' }],
  ])('steps aside when %s', async (_what, config, options) => {
    await fullPathState(config, options);
    expect(await answerFast(argv('service', 'models', 'opt-1'), env, NOW)).toBeUndefined();
    expect(printed.stdout).toBe('');
  });

  it('prints the full program\'s root help for --help and -h alone', async () => {
    const expected = (await buildProgram([])).helpInformation();
    expect(await answerFast(argv('--help'), env)).toBe(0);
    expect(printed.stdout).toBe(expected);
    expect(expected).toMatch(/^ {2}service +start, list, inspect and stop vLLM services/m);
    printed.stdout = '';
    expect(await answerFast(argv('-h'), env)).toBe(0);
    expect(printed.stdout).toBe(expected);
    expect(await answerFast(argv('service', '--help'), env)).toBeUndefined();
  });

  it('prints the version for --version and -V alone', async () => {
    expect(await answerFast(argv('--version'), env)).toBe(0);
    expect(await answerFast(argv('-V'), env)).toBe(0);
    expect(printed.stdout).toBe(`${VERSION}\n${VERSION}\n`);
    expect(await answerFast(argv('--version', 'service'), env)).toBeUndefined();
  });
});
