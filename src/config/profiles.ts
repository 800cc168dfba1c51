// The profiles shipped with aibench (profiles/*.yaml in the package), found by name from anywhere:
// `--profile quickstart`, `suite run nightly`. A path still works and wins over a name. A shipped
// file is a suite when it declares `services:`, a search profile when it declares SLOs or a search
// range, else a benchmark profile; its `description:` is its one-line purpose (`aibench profiles ls`).
import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { packagePath } from '../package-files.js';
import { readYamlFile } from './yaml-file.js';

type ProfileKind = 'bench' | 'search' | 'suite';

interface BuiltInProfile {
  name: string;
  kind: ProfileKind;
  description: string;
  path: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** The command that runs a profile of each kind (followed by its name). */
export const RUN_WITH: Record<ProfileKind, string> = { bench: 'aibench bench run --profile', search: 'aibench bench search --profile', suite: 'aibench suite run' };
const KIND_WORDS: Record<ProfileKind, string> = { bench: 'benchmark profile', search: 'search profile', suite: 'suite' };

/** The folder of shipped profiles. */
function builtInProfileDir(): string {
  return packagePath('profiles');
}

/** Names of the shipped profiles (file names without .yaml), sorted; cheap: no file is parsed. */
export function builtInProfileNames(): string[] {
  const dir = builtInProfileDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => basename(f, '.yaml')).sort();
}

/** Suite, search or benchmark profile, from what the parsed file declares. */
function profileKind(doc: unknown): ProfileKind {
  if (typeof doc !== 'object' || doc === null) return 'bench';
  if ('services' in doc) return 'suite';
  return 'slo' in doc || 'rate_range' in doc || 'concurrency_range' in doc ? 'search' : 'bench';
}

/** Every shipped profile with its kind and one-line description. */
export async function listBuiltInProfiles(): Promise<BuiltInProfile[]> {
  return Promise.all(builtInProfileNames().map(async (name) => {
    const path = packagePath('profiles', `${name}.yaml`);
    const doc = await readYamlFile(path, 'profile');
    const description = typeof doc === 'object' && doc !== null && typeof (doc as { description?: unknown }).description === 'string' ? (doc as { description: string }).description : '';
    return { name, kind: profileKind(doc), description, path };
  }));
}

/**
 * The file `nameOrPath` names for a command that runs `kind` profiles: an existing path as given,
 * else the shipped profile of that name (of the right kind), else a usage error listing them.
 */
export async function resolveProfile(nameOrPath: string, kind: ProfileKind, flag: string): Promise<string> {
  if (existsSync(nameOrPath) || !NAME.test(nameOrPath) || /\.ya?ml$/.test(nameOrPath)) return nameOrPath;
  const names = builtInProfileNames();
  if (!names.includes(nameOrPath)) {
    throw new UsageError(`${flag}: expected a profile file or a built-in profile name (${names.join(', ') || 'none shipped'}), got ${JSON.stringify(nameOrPath)}`, {
      hint: '`aibench profiles ls` lists the built-in profiles with their purpose.',
    });
  }
  const path = packagePath('profiles', `${nameOrPath}.yaml`);
  const actual = profileKind(await readYamlFile(path, 'profile'));
  if (actual !== kind) {
    throw new UsageError(`${flag}: the built-in profile ${nameOrPath} is a ${KIND_WORDS[actual]}, not a ${KIND_WORDS[kind]}`, {
      hint: `Run it with \`${RUN_WITH[actual]} ${nameOrPath}\`.`,
    });
  }
  return path;
}
