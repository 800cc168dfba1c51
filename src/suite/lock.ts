// One lock per suite name in the local state dir, so an overlapping cron run of the same suite
// exits at once with LockedError (exit 4) naming the holder (see config/state-lock.ts).
import { join } from 'node:path';
import { localStateDir } from '../config/paths.js';
import { describeHolder, holdStateLock } from '../config/state-lock.js';

/** `<state>/locks/suite-<name>`: the lock target; the lock itself is `<target>.lock`. */
export function suiteLockPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(localStateDir(env), 'locks', `suite-${name}`);
}

/** Take the suite's lock or throw LockedError at once; resolves to the release function. */
export async function lockSuite(name: string, file: string | undefined, options: { env?: NodeJS.ProcessEnv; onCompromised?: (error: Error) => void } = {}): Promise<() => Promise<void>> {
  return holdStateLock(suiteLockPath(name, options.env), {
    facts: { suite: name, ...(file ? { file } : {}) },
    refused: (holder) => `Suite ${name} is already running (${describeHolder(holder)}${typeof holder?.file === 'string' ? `, ${holder.file}` : ''})`,
    ...(options.onCompromised ? { onCompromised: options.onCompromised } : {}),
  });
}
