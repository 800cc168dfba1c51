// A cyclic YAML alias in a profile, suite or config is a clear ConfigError (exit 2), not a raw
// "Converting circular structure to JSON" from deep inside error formatting.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cyclePath, readYamlFile } from '../../../src/config/yaml-file.js';
import { ConfigError } from '../../../src/errors.js';

describe('cyclic YAML aliases', () => {
  it('are refused naming the file and the path that closes the cycle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-yaml-'));
    const cases = [['concurrency: &a [1, *a]\n', 'concurrency[1]'], ['sim: &a\n  model: *a\n', 'sim.model']] as const;
    for (const [text, where] of cases) {
      const file = join(dir, `${where}.yaml`);
      writeFileSync(file, text);
      const error = await readYamlFile(file, 'profile').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(2);
      expect((error as Error).message).toBe(`${file}: ${where}: a YAML alias refers to a node that contains it (a cycle); expected plain data`);
    }
  });

  it('shared (acyclic) aliases are plain data', () => {
    const shared = { a: 1 };
    expect(cyclePath({ x: shared, y: shared, z: [shared, shared] })).toBeUndefined();
  });
});
