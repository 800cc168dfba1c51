// Where aibench looks for its config and keeps its local state, following XDG.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Expand a leading ~/ against the given home directory. */
export function expandHome(path: string, home: string = homedir()): string {
  if (path === '~') return home;
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

/** The config directory: $XDG_CONFIG_HOME/aibench or ~/.config/aibench. */
function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'aibench');
}

/** The default config file path. */
function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'config.yaml');
}

/** Local state (caches, the built-in local cluster's state dir): $XDG_STATE_HOME/aibench. */
export function localStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'aibench');
}

/** Local cache dir: $XDG_CACHE_HOME/aibench. */
export function localCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'aibench');
}

/** The service store of this user: $XDG_STATE_HOME/aibench/services/services.json. */
export function serviceStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(localStateDir(env), 'services', 'services.json');
}

/** How the config path was chosen. */
export type ConfigSource = 'flag' | 'env' | 'default-file' | 'built-in';

/** Which config file to read: --config, else $AIBENCH_CONFIG (both must exist), else the XDG default (may be absent). */
export function chooseConfigPath(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { path: string; source: ConfigSource; required: boolean } {
  if (flag) return { path: flag, source: 'flag', required: true };
  if (env.AIBENCH_CONFIG) return { path: env.AIBENCH_CONFIG, source: 'env', required: true };
  return { path: defaultConfigPath(env), source: 'default-file', required: false };
}
