// A lock held for a process's lifetime on a file in the local state dir (proper-lockfile: mkdir +
// mtime heartbeat), with a holder file naming who has it. A second process is refused at once
// with LockedError (exit 4) naming the holder; a holder killed with SIGKILL stops refreshing its
// lock, and after STALE_MS the next process takes it over. Used by `suite run` (one per suite
// name) and `api serve` (one per benchmark journal).
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { LockedError } from '../errors.js';

export const STALE_MS = 60_000;
const UPDATE_MS = 15_000;

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  [key: string]: unknown;
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

export interface HoldOptions {
  /** Extra facts written into the holder file (the suite name, the profile). */
  facts?: Record<string, string>;
  /** The refusal's first sentence, given who holds the lock. */
  refused: (holder: LockHolder | undefined) => string;
  onCompromised?: (error: Error) => void;
}

/** Take the lock on `target` (the lock is `<target>.lock`) or throw LockedError at once; resolves to the release function. */
export async function holdStateLock(target: string, options: HoldOptions): Promise<() => Promise<void>> {
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      realpath: false, stale: STALE_MS, update: UPDATE_MS, retries: 0,
      onCompromised: options.onCompromised ?? (() => undefined),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new LockedError(options.refused(await readHolder(target)), {
      hint: `This run exits without doing anything. The lock is ${target}.lock; a holder that died is taken over after ${STALE_MS / 1000} s.`,
      cause: error,
    });
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), ...options.facts };
  try {
    await writeFileAtomic(target, `${JSON.stringify(holder)}\n`);
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  return async () => {
    await release().catch(() => undefined);
  };
}
