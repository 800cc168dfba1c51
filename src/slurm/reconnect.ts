// Waits and polls outlive short SSH drops: a poll step that fails because the connection went
// away (or sshd is briefly refusing) is tried again, with backoff, on a fresh connection (the SSH
// executor reconnects on its next call), until the outage has lasted `budgetMs`. Only idempotent
// steps go through here (status queries, reads): a command that may have run (sbatch) never does.
import { setTimeout as sleep } from 'node:timers/promises';
import { SshError } from '../errors.js';
import { isTransientSshError } from '../exec/ssh-errors.js';
import { pollBackoff } from './backoff.js';

/** How long a wait keeps retrying a dropped SSH connection by default (`ssh.reconnect_timeout_s`). */
export const DEFAULT_RECONNECT_MS = 60_000;

interface ReconnectOptions {
  /** How long the connection may keep failing before the step gives up (0: no retry). */
  budgetMs: number;
  signal?: AbortSignal | undefined;
  /** Told about each failed attempt before the pause (for progress lines). */
  onRetry?: ((error: unknown, outageMs: number) => void) | undefined;
}

/** The connection stayed down for the whole budget; `cause` is the last failure. */
export class ConnectionLostError extends SshError {
  constructor(readonly outageMs: number, cause: unknown) {
    super(`${(cause as Error).message} (retried for ${Math.round(outageMs / 1000)} s)`, { code: 'E_SSH_LOST', cause, ...((cause as SshError).hint ? { hint: (cause as SshError).hint } : {}) });
  }
}

/** Run an idempotent step, retrying transient SSH failures until they have lasted `budgetMs`. */
export async function withReconnect<T>(step: () => Promise<T>, options: ReconnectOptions): Promise<T> {
  const backoff = pollBackoff({ initialMs: 500, maxMs: 5000, factor: 2 });
  let since: number | undefined;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!isTransientSshError(error) || options.budgetMs <= 0 || options.signal?.aborted) throw error;
      since ??= Date.now();
      const outageMs = Date.now() - since;
      const delay = backoff.next();
      if (outageMs + delay > options.budgetMs) throw new ConnectionLostError(outageMs, error);
      options.onRetry?.(error, outageMs);
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}
