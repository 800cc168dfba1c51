import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readYamlFile } from '../../../src/config/yaml-file.js';
import { ConfigError } from '../../../src/errors.js';

describe('readYamlFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aibench-yaml-'));

  it('parses a YAML file', async () => {
    writeFileSync(join(dir, 'ok.yaml'), 'a: [1, 2]\nb: x\n');
    expect(await readYamlFile(join(dir, 'ok.yaml'), 'suite')).toEqual({ a: [1, 2], b: 'x' });
  });

  it('names the kind and path of a file it cannot read (exit 2)', async () => {
    const error = await readYamlFile(join(dir, 'missing.yaml'), 'suite').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(new RegExp(`^Cannot read suite ${join(dir, 'missing.yaml')}: ENOENT`));
    expect((error as ConfigError).exitCode).toBe(2);
  });

  it('names the path of a file that is not YAML', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'a: [\n');
    await expect(readYamlFile(join(dir, 'bad.yaml'), 'profile')).rejects.toThrow(`${join(dir, 'bad.yaml')}: not valid YAML:`);
  });
});
