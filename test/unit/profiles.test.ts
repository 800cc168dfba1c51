// Every shipped profile validates against its schema, so a typo in profiles/ fails CI, not a user.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBenchSpec } from '../../src/bench/spec/build-spec.js';
import { loadBenchProfile } from '../../src/bench/spec/profile.js';
import { loadSuite } from '../../src/suite/schema.js';

const dir = join(import.meta.dirname, '../../profiles');
const benchProfiles = ['quickstart.yaml', 'smoke-bench.yaml', 'slo-search.yaml'];
const suiteProfiles = ['nightly.yaml', 'smoke.yaml'];

describe('profiles/', () => {
  it.each(benchProfiles)('%s is a valid bench profile', async (name) => {
    const profile = await loadBenchProfile(join(dir, name));
    expect(profile.duration ?? profile.duration_seconds ?? profile.num_requests).toBeGreaterThan(0);
    expect(() => buildBenchSpec(profile)).not.toThrow();
  });

  it.each(suiteProfiles)('%s is a valid suite', async (name) => {
    const suite = await loadSuite(join(dir, name));
    expect(suite.name.length).toBeGreaterThan(0);
  });

  it('every file in profiles/ is validated above', () => {
    const known = new Set([...benchProfiles, ...suiteProfiles]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.yaml') && !known.has(f))).toEqual([]);
  });
});
