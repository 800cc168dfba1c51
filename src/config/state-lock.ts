// A lock held for a process's lifetime on a file in the local state dir (proper-lockfile: mkdir +
// mtime heartbeat), with a holder file naming who has it. A second process is refused at once
// with LockedError (exit 4) naming the holder. A holder that died is taken over by the next
// process: at once when the holder file names a pid on this host that no longer runs (kill -9),
// otherwise once the lock's heartbeat is STALE_MS old (a holder on another host sharing the dir).
// Two rules keep a takeover from ever removing a live lock: the holder file exists only while its
// lock does (removed before the lock is let go, and by a taker before it removes the dead lock),
// and takeovers run one at a time under a second mkdir lock (`<target>.takeover`), re-checking
// there. Used by `suite run` (one per suite name) and `api serve` (one per benchmark journal).
import { rmSync } from 'node:fs';
import { mkdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { LockedError } from '../errors.js';

export const STALE_MS = 60_000;
const UPDATE_MS = 15_000;
/** A takeover takes a few file operations; a takeover lock this old was left by a process killed inside one. */
const TAKEOVER_STALE_MS = 10_000;

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

interface HoldOptions {
  /** Extra facts written into the holder file (the suite name, the profile). */
  facts?: Record<string, string>;
  /** The refusal's first sentence, given who holds the lock. */
  refused: (holder: LockHolder | undefined) => string;
  onCompromised?: (error: Error) => void;
}

/** Take the lock on `target` (the lock is `<target>.lock`) or throw LockedError at once; resolves to the release function. */
export async function holdStateLock(target: string, options: HoldOptions): Promise<() => Promise<void>> {
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  const release = await acquire(target, options);
  const holder: LockHolder = { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), ...options.facts };
  // proper-lockfile removes its lock when the process exits without releasing it; the holder file goes too.
  const onExit = () => rmSync(target, { force: true });
  try {
    await writeFileAtomic(target, `${JSON.stringify(holder)}\n`);
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  process.once('exit', onExit);
  return async () => {
    process.removeListener('exit', onExit);
    await rm(target, { force: true }).catch(() => undefined);
    await release().catch(() => undefined);
  };
}

// The lock itself. proper-lockfile never judges staleness here (stale: Infinity): takeOver does, for both cases.
function lockOnce(target: string, options: HoldOptions): Promise<() => Promise<void>> {
  return lockfile.lock(target, {
    realpath: false, stale: Infinity, update: UPDATE_MS, retries: 0,
    onCompromised: options.onCompromised ?? (() => undefined),
  });
}

async function acquire(target: string, options: HoldOptions): Promise<() => Promise<void>> {
  try {
    return await lockOnce(target, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const taken = await takeOver(target, options);
    if (taken !== undefined) return taken;
    throw new LockedError(options.refused(await readHolder(target)), {
      hint: `This run exits without doing anything. The lock is ${target}.lock; a holder that died on this host is taken over at once, one on another host after ${STALE_MS / 1000} s without a heartbeat.`,
      cause: error,
    });
  }
}

/** True when `pid` runs (or exists but is another user's); an unreadable pid counts as running. */
function pidAlive(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// The holder is gone: its pid is dead on this host, or (holder elsewhere or unknown) the heartbeat stopped.
async function holderGone(target: string): Promise<boolean> {
  const holder = await readHolder(target);
  if (holder !== undefined && holder.host === hostname()) return !pidAlive(holder.pid);
  const heartbeat = await stat(`${target}.lock`).catch(() => undefined);
  return heartbeat !== undefined && Date.now() - heartbeat.mtimeMs > STALE_MS;
}

// Remove a dead holder's lock and take it, under the takeover lock; undefined when it is not dead
// after all, another process is taking it over, or another process took the lock first.
async function takeOver(target: string, options: HoldOptions): Promise<(() => Promise<void>) | undefined> {
  if (!(await holderGone(target))) return undefined;
  const mutex = `${target}.takeover`;
  if (!(await mkdirOnce(mutex))) return undefined;
  try {
    if (!(await holderGone(target))) return undefined;
    await rm(target, { force: true });
    await rmdir(`${target}.lock`).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    return await lockOnce(target, options).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ELOCKED') return undefined;
      throw error;
    });
  } finally {
    await rmdir(mutex).catch(() => undefined);
  }
}

// mkdir as a lock; one left by a process killed inside a takeover is cleared after TAKEOVER_STALE_MS.
async function mkdirOnce(dir: string): Promise<boolean> {
  for (const last of [false, true]) {
    try {
      await mkdir(dir);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const left = await stat(dir).catch(() => undefined);
      if (last || (left !== undefined && Date.now() - left.mtimeMs <= TAKEOVER_STALE_MS)) return false;
      await rmdir(dir).catch(() => undefined);
    }
  }
  return false;
}
