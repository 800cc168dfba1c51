// Every shipped profile validates against its schema, so a typo in profiles/ fails CI, not a user.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBenchProfile } from '../../src/bench/profile.js';

const dir = join(import.meta.dirname, '../../profiles');
const benchProfiles = ['quickstart.yaml', 'smoke.yaml'];

describe('profiles/', () => {
  it.each(benchProfiles)('%s is a valid bench profile', async (name) => {
    const profile = await loadBenchProfile(join(dir, name));
    expect(profile.duration ?? profile.duration_seconds ?? profile.num_requests).toBeGreaterThan(0);
  });

  it('lists every profile file in a test', () => {
    const known = new Set(benchProfiles);
    const unknown = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !known.has(f));
    // Suite profiles are validated in test/unit/dispatch; keep this list in step with profiles/.
    expect(unknown.filter((f) => !/suite|nightly/.test(f))).toEqual([]);
  });
});
