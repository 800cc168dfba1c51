// One lock per suite name in the local state dir (proper-lockfile: mkdir + mtime heartbeat), so an
// overlapping cron run of the same suite exits at once with LockedError (exit 4) naming the holder.
// A holder killed with SIGKILL stops refreshing its lock; after STALE_MS the next run takes it over.
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { localStateDir } from '../config/paths.js';
import { LockedError } from '../errors.js';

const STALE_MS = 60_000;
const UPDATE_MS = 15_000;

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  suite: string;
  file?: string;
}

/** `<state>/locks/suite-<name>`: the lock target; the lock itself is `<target>.lock`. */
export function suiteLockPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(localStateDir(env), 'locks', `suite-${name}`);
}

/** "pid 123 on host since 2025-01-01T00:00:00Z", or "an unknown process" when the holder file is unreadable. */
export function describeHolder(holder: LockHolder | undefined): string {
  return holder === undefined ? 'an unknown process' : `pid ${holder.pid} on ${holder.host} since ${holder.started_at}`;
}

async function readHolder(target: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(target, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Take the suite's lock or throw LockedError at once; resolves to the release function. */
export async function lockSuite(name: string, file: string | undefined, options: { env?: NodeJS.ProcessEnv; onCompromised?: (error: Error) => void } = {}): Promise<() => Promise<void>> {
  const target = suiteLockPath(name, options.env);
  await mkdir(join(target, '..'), { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      realpath: false, stale: STALE_MS, update: UPDATE_MS, retries: 0,
      onCompromised: options.onCompromised ?? (() => undefined),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const holder = await readHolder(target);
    throw new LockedError(`Suite ${name} is already running (${describeHolder(holder)}${holder?.file ? `, ${holder.file}` : ''})`, {
      hint: `This run exits without doing anything. The lock is ${target}.lock; a holder that died is taken over after ${STALE_MS / 1000} s.`,
      cause: error,
    });
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), suite: name, ...(file ? { file } : {}) };
  await writeFileAtomic(target, `${JSON.stringify(holder)}\n`);
  return async () => {
    await release().catch(() => undefined);
  };
}
