// Turn the many shapes of SSH connection failure (socket errno codes, ssh2's `level` tags,
// node-ssh's own errors) into SshError with one stable code and a hint a person can act on.
// Messages name hosts, users and key *paths*, never key material or passphrases.
import { AibenchError, SshError, errorMessage } from '../errors.js';

export const SshErrorCode = {
  REFUSED: 'E_SSH_REFUSED',
  AUTH: 'E_SSH_AUTH',
  HOSTKEY_UNKNOWN: 'E_SSH_HOSTKEY_UNKNOWN',
  HOSTKEY_CHANGED: 'E_SSH_HOSTKEY_CHANGED',
  HOSTKEY_REVOKED: 'E_SSH_HOSTKEY_REVOKED',
  HOSTKEY_OTHER_TYPE: 'E_SSH_HOSTKEY_OTHER_TYPE',
  TIMEOUT: 'E_SSH_TIMEOUT',
  DNS: 'E_SSH_DNS',
  UNREACHABLE: 'E_SSH_UNREACHABLE',
  CLOSED: 'E_SSH_CLOSED',
  IDENTITY: 'E_SSH_IDENTITY',
} as const;

/** What was being attempted, so hints can say which host, port and credentials were used. */
export interface SshAttempt {
  /** `user@host:port` */
  label: string;
  host: string;
  port: number;
  /** Key file paths offered (never their contents). */
  identities: readonly string[];
  /** Whether the ssh-agent was offered. */
  agent: boolean;
  /** The host-key verifier's own verdict; ssh2 only says "Host denied". */
  hostKeyError?: SshError | undefined;
  timeoutMs?: number;
}

/** Classify a failure to connect (or to keep) a session into a specific SshError. */
export function classifySshError(error: unknown, a: SshAttempt): SshError {
  if (error instanceof SshError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const level = (error as { level?: unknown } | null)?.level;
  const msg = errorMessage(error);
  const make = (c: string, message: string, hint?: string): SshError =>
    new SshError(message, { code: c, cause: error, ...(hint ? { hint } : {}) });

  if (a.hostKeyError && (level === 'handshake' || /host denied/i.test(msg))) return a.hostKeyError;
  if (/host denied/i.test(msg)) {
    return make(SshErrorCode.HOSTKEY_UNKNOWN, `Host key for ${a.host}:${a.port} was rejected`);
  }
  if (code === 'ECONNREFUSED') {
    return make(SshErrorCode.REFUSED, `Connection refused by ${a.host}:${a.port}`, `Is sshd running on ${a.host}, and is ${a.port} the right port (ssh.port or Port in ~/.ssh/config)?`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || level === 'client-dns') {
    return make(SshErrorCode.DNS, `Cannot resolve host name ${JSON.stringify(a.host)}`, 'Check ssh.host, or the HostName of that alias in ~/.ssh/config, and your DNS.');
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return make(SshErrorCode.UNREACHABLE, `No route to ${a.host}:${a.port}`, 'Check the network (VPN?) or use proxy_jump through a bastion.');
  }
  if (code === 'ETIMEDOUT' || level === 'client-timeout') {
    const after = a.timeoutMs ? ` after ${Math.round(a.timeoutMs / 1000)}s` : '';
    return make(SshErrorCode.TIMEOUT, `Timed out connecting to ${a.label}${after}`, 'A firewall may be dropping packets, or the host is down; raise ssh.connect_timeout_s if the link is just slow.');
  }
  if (level === 'client-authentication' || /authentication methods failed/i.test(msg)) {
    const tried = [...a.identities, ...(a.agent ? ['ssh-agent ($SSH_AUTH_SOCK)'] : [])];
    return make(
      SshErrorCode.AUTH,
      `Authentication failed for ${a.label} (tried: ${tried.length > 0 ? tried.join(', ') : 'nothing'})`,
      'Check that the public key is in ~/.ssh/authorized_keys on the server for that user, that ssh.user is right, and that the agent holds the key (ssh-add -l).',
    );
  }
  return make(
    SshErrorCode.CLOSED,
    `SSH connection to ${a.label} was lost: ${msg}`,
    'The server closed the connection or the network dropped; retry, and check the server logs if it repeats.',
  );
}

/** Is this the kind of error that means the connection went away, so one reconnect may help? */
export function isConnectionGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const msg = errorMessage(error);
  return code === 'ECONNRESET' || code === 'EPIPE' || /not connected|no response from server|socket|connection lost|channel open failure.*closed/i.test(msg);
}

// Failures a network blip explains (and a later attempt may not meet): refused while sshd
// restarts, reset or closed when the link drops, timed out, no route for a moment. Never
// authentication, host keys or DNS: retrying those only delays the real error.
const TRANSIENT_CODES: ReadonlySet<string> = new Set([SshErrorCode.REFUSED, SshErrorCode.CLOSED, SshErrorCode.TIMEOUT, SshErrorCode.UNREACHABLE]);
const TRANSIENT_ERRNO: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** True for an SSH failure worth retrying after a pause (the connection dropped or is briefly refused). */
export function isTransientSshError(error: unknown): boolean {
  if (error instanceof SshError) return TRANSIENT_CODES.has(error.code);
  // Other aibench errors (a Slurm command that failed, say "munge socket") are answers, not drops.
  if (error instanceof AibenchError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && TRANSIENT_ERRNO.has(code)) || isConnectionGone(error);
}
