// withReconnect: a poll step that meets a dropped connection is tried again until the outage has
// lasted the budget, then ConnectionLostError; anything else is thrown at once.
import { describe, expect, it } from 'vitest';
import { SlurmError, SshError } from '../../../src/errors.js';
import { ConnectionLostError, withReconnect } from '../../../src/slurm/reconnect.js';

const refused = () => new SshError('Connection refused by 127.0.0.1:22', { code: 'E_SSH_REFUSED', hint: 'Is sshd running?' });

describe('withReconnect', () => {
  it('survives a drop shorter than the budget and returns the answer', async () => {
    let calls = 0;
    const seen: number[] = [];
    const value = await withReconnect(async () => {
      if (++calls < 3) throw refused();
      return 'answer';
    }, { budgetMs: 10_000, onRetry: (_e, outageMs) => seen.push(outageMs) });
    expect(value).toBe('answer');
    expect(calls).toBe(3);
    expect(seen[0]).toBe(0); // the first failure starts the outage
  });

  it('gives up with ConnectionLostError once the outage outlasts the budget, keeping the cause and its hint', async () => {
    const error = await withReconnect(async () => {
      throw refused();
    }, { budgetMs: 1200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as Error).message).toMatch(/^Connection refused by 127\.0\.0\.1:22 \(retried for \d+ s\)$/);
    expect((error as ConnectionLostError).hint).toBe('Is sshd running?');
  });

  it('throws anything else at once, and everything at once with a zero budget', async () => {
    let calls = 0;
    const slurm = new SlurmError('squeue failed: Invalid user');
    await expect(withReconnect(async () => {
      calls++;
      throw slurm;
    }, { budgetMs: 10_000 })).rejects.toBe(slurm);
    const drop = refused();
    await expect(withReconnect(async () => {
      calls++;
      throw drop;
    }, { budgetMs: 0 })).rejects.toBe(drop);
    expect(calls).toBe(2);
  });
});
