import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { configKey, rememberValidatedConfig, validatedConfig } from '../../../src/config/validated-cache.js';

describe('the remembered validated config', () => {
  it('keys by path and text: any edit, another path or no file is another key', () => {
    const text = 'models_cache_ttl_s: 600\n';
    expect(configKey('/a.yaml', text)).toBe(configKey('/a.yaml', `${text}`));
    for (const other of [configKey('/b.yaml', text), configKey('/a.yaml', 'models_cache_ttl_s: 601\n'), configKey('/a.yaml', `${text} `), configKey('/a.yaml', null), configKey('/a.yaml', '')]) {
      expect(other).not.toBe(configKey('/a.yaml', text));
    }
  });

  it('gives back the config remembered for that key only, from an owner-only file without the config text', async () => {
    const env = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'aibench-vc-')) };
    const text = '# remember-me-not: a comment that must not be copied\nmodels_cache_ttl_s: 600\n';
    const config = parseConfigText(text, 'c.yaml');
    await rememberValidatedConfig(configKey('/c.yaml', text), config, env);
    expect(await validatedConfig(configKey('/c.yaml', text), env)).toEqual(config);
    expect(await validatedConfig(configKey('/c.yaml', `${text}\n`), env)).toBeUndefined();
    const file = join(env.XDG_CACHE_HOME, 'aibench', 'config-validated.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain('remember-me-not');
  });
});
