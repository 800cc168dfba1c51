// The config example in the README must be a valid config, so the documentation cannot drift
// from the schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';

const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');

describe('README configuration example', () => {
  it('parses and validates against the config schema', () => {
    const section = readme.slice(readme.indexOf('## Configuration'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block, 'a yaml block under ## Configuration').toBeDefined();
    const config = parseConfigText(block!, 'README.md');
    expect(config.default_cluster).toBe('hpc');
    const hpc = config.clusters.hpc!;
    expect(hpc.executor).toBe('ssh');
    expect(hpc.paths.hf_home).toBe('/shared/huggingface');
  });
});
