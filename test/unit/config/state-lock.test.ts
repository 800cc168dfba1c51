// The lifetime lock's takeover rules, on the files a holder really leaves: a holder killed with
// SIGKILL on this host leaves its lock dir and holder file (nothing can clean up after SIGKILL),
// and the next process takes the lock at once; a live holder, a holder on another host with a
// fresh heartbeat, and a lock whose holder file is not written yet are refused; racing takers get
// the lock exactly once.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { holdStateLock, STALE_MS, type LockHolder } from '../../../src/config/state-lock.js';
import { ExitCode, LockedError } from '../../../src/errors.js';

const refused = (holder: LockHolder | undefined) => `held by ${holder?.pid ?? 'nobody known'}`;
const hold = (target: string) => holdStateLock(target, { refused });

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = execa(process.execPath, ['-e', '']);
  const pid = child.pid as number;
  await child;
  return pid;
}

/** What a holder killed with SIGKILL leaves: the lock dir and its holder file. */
function leftBehind(target: string, holder: Partial<LockHolder>, heartbeatAgeMs = 0): void {
  mkdirSync(`${target}.lock`);
  writeFileSync(target, JSON.stringify({ host: hostname(), started_at: '2026-01-01T00:00:00.000Z', ...holder }));
  const at = new Date(Date.now() - heartbeatAgeMs);
  utimesSync(`${target}.lock`, at, at);
}

const freshTarget = () => join(mkdtempSync(join(tmpdir(), 'state-lock-')), 'locks', 'thing');

describe('holdStateLock', () => {
  it('takes over at once from a holder killed on this host, and names the new holder', async () => {
    const target = freshTarget();
    mkdirSync(join(target, '..'), { recursive: true });
    leftBehind(target, { pid: await deadPid() });
    const release = await hold(target);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await expect(hold(target)).rejects.toMatchObject({ exitCode: ExitCode.LOCKED, message: `held by ${process.pid}` });
    await release();
    expect(existsSync(target)).toBe(false); // the holder file lives only as long as the lock
    await (await hold(target))();
  });

  it('refuses a live holder, a holder on another host with a fresh heartbeat, and a lock whose holder file is not written yet', async () => {
    const dead = await deadPid();
    for (const [holder, why] of [
      [{ pid: process.pid }, 'alive here'],
      [{ pid: dead, host: 'another-login-node' }, 'elsewhere, fresh heartbeat'],
      [undefined, 'no holder file yet'],
    ] as const) {
      const target = freshTarget();
      mkdirSync(join(target, '..'), { recursive: true });
      if (holder === undefined) mkdirSync(`${target}.lock`);
      else leftBehind(target, holder);
      const error = await hold(target).catch((e: unknown) => e);
      expect(error, why).toBeInstanceOf(LockedError);
      expect(existsSync(`${target}.lock`), why).toBe(true);
    }
  });

  it('takes over from a holder on another host once its heartbeat is older than STALE_MS', async () => {
    const target = freshTarget();
    mkdirSync(join(target, '..'), { recursive: true });
    leftBehind(target, { pid: process.pid, host: 'another-login-node' }, STALE_MS + 5_000);
    await (await hold(target))();
  });

  it('racing takers of a dead holder\'s lock: exactly one gets it, every other one is refused (50 rounds of 6)', async () => {
    const pid = await deadPid();
    for (let round = 0; round < 50; round++) {
      const target = freshTarget();
      mkdirSync(join(target, '..'), { recursive: true });
      leftBehind(target, { pid });
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => hold(target)));
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won, `round ${round}`).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(LockedError);
      await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value();
    }
  });

  it('a takeover lock left by a process killed inside a takeover is cleared once old; a fresh one means wait', async () => {
    const target = freshTarget();
    mkdirSync(join(target, '..'), { recursive: true });
    leftBehind(target, { pid: await deadPid() });
    mkdirSync(`${target}.takeover`);
    await expect(hold(target)).rejects.toBeInstanceOf(LockedError);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${target}.takeover`, old, old);
    await (await hold(target))();
    expect(existsSync(`${target}.takeover`)).toBe(false);
  });
});
