// The last config that passed validation, remembered by what it was made from (aibench version,
// file path, file text), in `$XDG_CACHE_HOME/aibench/config-validated.json`. The full CLI writes
// it after loading a config; the start-up fast path (src/cli/fast-path.ts) reads it instead of
// loading yaml and zod, and only when the key matches: an edited, moved or newly invalid config
// (or another aibench version) has another key, so the full program loads and validates it.
// The file holds the validated config only (paths to secret files, never a secret), owner-only.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { VERSION } from '../version.js';
import { localCacheDir } from './paths.js';
import type { Config } from './schema.js';

interface Remembered {
  key: string;
  config: Config;
}

const cacheFile = (env: NodeJS.ProcessEnv) => join(localCacheDir(env), 'config-validated.json');

// A 53-bit hash of a string (cyrb53, public domain): loading node:crypto for sha256 would cost the
// fast path ~10 ms, a third of what it saves. A collision could only give an edited config's
// fast-path answer the old TTL; it is not a security boundary (the file is the user's own).
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * The key of a config made from `text` read at `path` (null: no file, the built-in default): the
 * version, the path, and the text's length and hash (the text itself is not copied anywhere).
 */
export function configKey(path: string, text: string | null): string {
  return JSON.stringify([VERSION, path, text === null ? null : [text.length, hash53(text)]]);
}

async function readRemembered(env: NodeJS.ProcessEnv): Promise<Remembered | undefined> {
  try {
    const json = JSON.parse(await readFile(cacheFile(env), 'utf8')) as Partial<Remembered> | null;
    return typeof json?.key === 'string' && typeof json.config === 'object' && json.config !== null ? (json as Remembered) : undefined;
  } catch {
    return undefined;
  }
}

/** The validated config for this key, if it is the one remembered. */
export async function validatedConfig(key: string, env: NodeJS.ProcessEnv = process.env): Promise<Config | undefined> {
  const remembered = await readRemembered(env);
  return remembered?.key === key ? remembered.config : undefined;
}

/** Remember a config that just passed validation (written only when the key changed; a failed write only costs speed). */
export async function rememberValidatedConfig(key: string, config: Config, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if ((await readRemembered(env))?.key === key) return;
  try {
    const file = cacheFile(env);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const { default: writeFileAtomic } = await import('write-file-atomic');
    await writeFileAtomic(file, `${JSON.stringify({ key, config } satisfies Remembered)}\n`, { mode: 0o600 });
  } catch {
    // A read-only cache dir only means the next command loads the config in full.
  }
}
