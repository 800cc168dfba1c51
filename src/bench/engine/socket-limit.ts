// Each in-flight request holds a socket, so a load level needs that many file descriptors in this
// process. Checked before the first request against the open-file limit (Linux /proc/self/limits),
// so `--concurrency 50000` under `ulimit -n 1024` is refused with the fix, not failed midway.
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';

/** Descriptors kept free for everything else the process opens (files, the event loop, stdio). */
const RESERVE = 64;

/** The soft open-file limit of this process, when the platform says it. */
export function openFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  if (match === null || match[1] === 'unlimited') return undefined;
  return Number(match[1]);
}

/** Refuse a load needing more sockets than this process may open. */
export function checkSocketBudget(sockets: number, limit: number | undefined): void {
  if (limit === undefined || sockets + RESERVE <= limit) return;
  throw new UsageError(
    `concurrency: expected at most ${Math.max(0, limit - RESERVE)} requests in flight in one client process (open-file limit ${limit}), got ${sockets}`,
    { hint: `raise the limit (ulimit -n ${sockets + RESERVE}) or split the load over more client processes (--workers, --client-tasks)` },
  );
}
