import { describe, expect, it } from 'vitest';
import { SlurmError, SshError, UsageError } from '../../../src/errors.js';
import { classifySshError, isTransientSshError, type SshAttempt } from '../../../src/exec/ssh-errors.js';
import { renderRemoteCommand } from '../../../src/exec/ssh-executor.js';

const attempt: SshAttempt = { label: 'alice@login1:2222', host: 'login1', port: 2222, identities: ['/home/a/.ssh/id_ed25519'], agent: true, timeoutMs: 15_000 };
const err = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra);

// Failures a real sshd cannot produce on demand (DNS, timeouts) as the shapes ssh2/node emit them.
describe('classifySshError', () => {
  it.each([
    [err('connect ECONNREFUSED 1.2.3.4:2222', { code: 'ECONNREFUSED', level: 'client-socket' }), 'E_SSH_REFUSED', /sshd running/],
    [err('getaddrinfo ENOTFOUND login1', { code: 'ENOTFOUND', level: 'client-socket' }), 'E_SSH_DNS', /HostName/],
    [err('connect ETIMEDOUT', { code: 'ETIMEDOUT' }), 'E_SSH_TIMEOUT', /connect_timeout_s/],
    [err('Timed out while waiting for handshake', { level: 'client-timeout' }), 'E_SSH_TIMEOUT', /connect_timeout_s/],
    [err('connect EHOSTUNREACH', { code: 'EHOSTUNREACH' }), 'E_SSH_UNREACHABLE', /proxy_jump/],
    [err('All configured authentication methods failed', { level: 'client-authentication' }), 'E_SSH_AUTH', /authorized_keys/],
    [err('read ECONNRESET', { code: 'ECONNRESET' }), 'E_SSH_CLOSED', /retry/],
  ])('%s -> %s', (error, code, hint) => {
    const e = classifySshError(error, attempt);
    expect(e).toBeInstanceOf(SshError);
    expect(e.code).toBe(code);
    expect(e.hint).toMatch(hint);
    expect(e.cause).toBe(error);
  });

  it('names the key files and agent tried on auth failure', () => {
    const e = classifySshError(err('All configured authentication methods failed'), attempt);
    expect(e.message).toContain('/home/a/.ssh/id_ed25519');
    expect(e.message).toContain('ssh-agent');
  });

  it("prefers the host-key verifier's verdict over ssh2's generic 'Host denied'", () => {
    const verdict = new SshError('Host key for [login1]:2222 has CHANGED', { code: 'E_SSH_HOSTKEY_CHANGED' });
    const e = classifySshError(err('Host denied (verification failed)', { level: 'handshake' }), { ...attempt, hostKeyError: verdict });
    expect(e).toBe(verdict);
  });
});

describe('renderRemoteCommand', () => {
  it('execs the argv, renders env as quoted K=V words and cwd as cd --', () => {
    expect(renderRemoteCommand(['echo', 'a b'])).toBe("exec echo 'a b'");
    expect(renderRemoteCommand(['run'], { env: { A: "x'y", B_2: '$(id)' }, cwd: '/tmp/my dir' })).toBe(
      `cd -- '/tmp/my dir' && exec env 'A=x'\\''y' 'B_2=$(id)' run`,
    );
  });

  it('refuses env names that are not shell identifiers, and an empty argv', () => {
    for (const name of ['1A', 'A-B', 'A;B', '', 'A B']) {
      expect(() => renderRemoteCommand(['true'], { env: { [name]: 'v' } })).toThrow(UsageError);
    }
    expect(() => renderRemoteCommand([])).toThrow(UsageError);
  });
});

describe('isTransientSshError', () => {
  it('retries drops (refused, closed, timed out, reset), never auth, host keys, DNS or a Slurm answer', () => {
    for (const code of ['E_SSH_REFUSED', 'E_SSH_CLOSED', 'E_SSH_TIMEOUT', 'E_SSH_UNREACHABLE']) expect(isTransientSshError(new SshError('x', { code }))).toBe(true);
    for (const code of ['E_SSH_AUTH', 'E_SSH_HOSTKEY_CHANGED', 'E_SSH_DNS', 'E_SSH_IDENTITY']) expect(isTransientSshError(new SshError('x', { code }))).toBe(false);
    expect(isTransientSshError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientSshError(new Error('Not connected'))).toBe(true);
    expect(isTransientSshError(new SlurmError('squeue failed: Failed to access "/run/munge/munge.socket.2"'))).toBe(false);
    expect(isTransientSshError(new Error('Expected a number'))).toBe(false);
  });
});
