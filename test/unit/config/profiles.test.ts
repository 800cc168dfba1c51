// Built-in profiles by name: `--profile quickstart` and `suite run nightly` find the shipped files
// from any directory; a path still wins; an unknown name or the wrong kind is a usage error (exit 2).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInProfileNames, listBuiltInProfiles, resolveProfile } from '../../../src/config/profiles.js';
import { ExitCode } from '../../../src/errors.js';

const shipped = resolve(import.meta.dirname, '../../../profiles');

describe('built-in profiles', () => {
  it('lists every shipped profile with its kind and its description', async () => {
    const list = await listBuiltInProfiles();
    expect(list.map((p) => [p.name, p.kind])).toEqual([['nightly', 'suite'], ['quickstart', 'bench'], ['slo-search', 'search'], ['smoke', 'suite'], ['smoke-bench', 'bench']]);
    for (const p of list) expect(p.description.length).toBeGreaterThan(10);
    expect(builtInProfileNames()).toEqual(list.map((p) => p.name));
  });

  it('resolves a name to the shipped file, for the kind the command runs', async () => {
    expect(await resolveProfile('quickstart', 'bench', '--profile')).toBe(join(shipped, 'quickstart.yaml'));
    expect(await resolveProfile('nightly', 'suite', 'suite run')).toBe(join(shipped, 'nightly.yaml'));
  });

  it('keeps a path as given, even one named like a built-in profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-profiles-'));
    const own = join(dir, 'quickstart');
    writeFileSync(own, 'num_requests: 1\n');
    expect(await resolveProfile(own, 'bench', '--profile')).toBe(own);
    expect(await resolveProfile('profiles/quickstart.yaml', 'bench', '--profile')).toBe('profiles/quickstart.yaml');
    expect(await resolveProfile('./missing.yaml', 'bench', '--profile')).toBe('./missing.yaml'); // the loader names the missing file
  });

  it('refuses an unknown name, listing the built-in ones', async () => {
    const error = await resolveProfile('quickstrat', 'bench', '--profile').catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: ExitCode.USAGE, message: expect.stringContaining('(nightly, quickstart, slo-search, smoke, smoke-bench), got "quickstrat"') });
  });

  it('refuses a suite given as a benchmark profile and says how to run it', async () => {
    const error = await resolveProfile('smoke', 'bench', '--profile').catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: ExitCode.USAGE, hint: 'Run it with `aibench suite run smoke`.' });
  });

  it('a search profile runs with bench search, and bench run says so', async () => {
    expect(await resolveProfile('slo-search', 'search', '--profile')).toBe(join(shipped, 'slo-search.yaml'));
    const error = await resolveProfile('slo-search', 'bench', '--profile').catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: ExitCode.USAGE, message: expect.stringContaining('is a search profile, not a benchmark profile'), hint: 'Run it with `aibench bench search --profile slo-search`.' });
  });
});
