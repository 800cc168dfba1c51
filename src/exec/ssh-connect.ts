// Open one authenticated, host-verified node-ssh session to a resolved target, going through
// its ProxyJump hops first (each hop verified against known_hosts too, like OpenSSH does).
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { NodeSSH } from 'node-ssh';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, ServerHostKeyAlgorithm } from 'ssh2';
import type { SshConfig } from '../config/schema.js';
import { SshError } from '../errors.js';
import { createHostVerifier, knownKeyTypes, loadKnownHosts } from './host-keys.js';
import type { ResolvedHost, ResolvedSsh } from './ssh-config.js';
import { SshErrorCode, classifySshError, type SshAttempt } from './ssh-errors.js';

export interface OpenSession {
  /** The session on the target; jump sessions stay open underneath it. */
  target: NodeSSH;
  /** Close the target, then each jump host, innermost first. */
  dispose(): void;
}

/** Connect through every ProxyJump hop to the target; on failure nothing is left open. */
export async function openSession(resolved: ResolvedSsh, ssh: SshConfig, env: NodeJS.ProcessEnv): Promise<OpenSession> {
  const chain: ResolvedHost[] = [...resolved.jumps, resolved];
  const opened: NodeSSH[] = [];
  const disposeAll = (): void => {
    for (const s of [...opened].reverse()) s.dispose();
  };
  try {
    let sock: Duplex | undefined;
    for (const [i, hop] of chain.entries()) {
      const session = await connectHop(hop, ssh, env, sock);
      opened.push(session);
      const next = chain[i + 1];
      if (next) sock = await openTunnel(session, hop, next);
    }
  } catch (error) {
    disposeAll();
    throw error;
  }
  const target = opened.at(-1) as NodeSSH;
  return { target, dispose: disposeAll };
}

// A direct-tcpip channel from the jump host to the next hop, used as the next hop's socket.
async function openTunnel(session: NodeSSH, via: ResolvedHost, next: ResolvedHost): Promise<Duplex> {
  try {
    return await session.forwardOut('127.0.0.1', 0, next.host, next.port);
  } catch (cause) {
    throw new SshError(`Jump host ${via.alias} could not reach ${next.host}:${next.port}: ${String((cause as Error).message)}`, {
      code: /refused/i.test(String(cause)) ? SshErrorCode.REFUSED : SshErrorCode.CLOSED,
      hint: 'Check the target address as seen from the jump host, and that the jump host allows TCP forwarding.',
      cause,
    });
  }
}

async function connectHop(hop: ResolvedHost, ssh: SshConfig, env: NodeJS.ProcessEnv, sock: Duplex | undefined): Promise<NodeSSH> {
  const agent = ssh.agent && env.SSH_AUTH_SOCK ? env.SSH_AUTH_SOCK : undefined;
  const { methods, identities } = await authMethods(hop, agent);
  const entries = await loadKnownHosts(hop.knownHostsFiles);
  const verifier = createHostVerifier(entries, hop.host, hop.port, hop.knownHostsFiles, ssh.strict_host_key_checking);
  const timeoutMs = ssh.connect_timeout_s * 1000;
  const attempt: SshAttempt = { label: `${hop.user}@${hop.host}:${hop.port}`, host: hop.host, port: hop.port, identities, agent: agent !== undefined, timeoutMs };
  const session = new NodeSSH();
  try {
    await session.connect({
      host: hop.host,
      port: hop.port,
      ...(sock ? { sock } : {}),
      username: hop.user,
      authHandler: methods,
      hostVerifier: verifier.verify,
      algorithms: { serverHostKey: preferKnownTypes(knownKeyTypes(entries, hop.host, hop.port)) },
      readyTimeout: timeoutMs,
      keepaliveInterval: ssh.keepalive_interval_s * 1000,
      keepaliveCountMax: ssh.keepalive_count_max,
    });
  } catch (error) {
    session.dispose();
    throw classifySshError(error, { ...attempt, hostKeyError: verifier.rejection() });
  }
  // node-ssh drops its 'error' listener once ready; without one a later socket error
  // (ECONNRESET) would crash the process. node-ssh nulls .connection on close, which we check.
  session.connection?.on('error', () => session.dispose());
  return session;
}

/** Public-key methods for every readable identity file, then the agent; never logs key contents. */
async function authMethods(hop: ResolvedHost, agent: string | undefined): Promise<{ methods: AnyAuthMethod[]; identities: string[] }> {
  const methods: AnyAuthMethod[] = [];
  const identities: string[] = [];
  for (const path of hop.identityFiles) {
    const data = await readFile(path).catch((e: NodeJS.ErrnoException) => e);
    if (data instanceof Error) {
      if (hop.identityExplicit) {
        throw new SshError(`Identity file ${path} cannot be read (${data.code ?? data.message})`, {
          code: SshErrorCode.IDENTITY,
          hint: 'Check ssh.identity_file in the aibench config: the path must exist and be readable.',
        });
      }
      continue;
    }
    const key = ssh2.utils.parseKey(data);
    if (key instanceof Error) {
      // Encrypted keys cannot be used without a passphrase; the agent may hold them instead.
      if (hop.identityExplicit && !agent) {
        throw new SshError(`Identity file ${path} cannot be used: ${key.message}`, {
          code: SshErrorCode.IDENTITY,
          hint: `Load it into ssh-agent (ssh-add ${path}) and make sure SSH_AUTH_SOCK is set.`,
        });
      }
      continue;
    }
    methods.push({ type: 'publickey', username: hop.user, key });
    identities.push(path);
  }
  if (agent) methods.push({ type: 'agent', username: hop.user, agent });
  if (methods.length === 0) {
    throw new SshError(`No usable SSH credentials for ${hop.user}@${hop.host}: no identity file (looked for ${hop.identityFiles.join(', ')}) and no ssh-agent`, {
      code: SshErrorCode.AUTH,
      hint: 'Set ssh.identity_file, add IdentityFile to ~/.ssh/config, or start ssh-agent and ssh-add your key.',
    });
  }
  return { methods, identities };
}

const HOST_KEY_ALGOS: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

// Like OpenSSH, ask first for the key types known_hosts already holds for this host, so a server
// with several host keys is checked against the one we know rather than reported as unknown.
function preferKnownTypes(known: string[]): ServerHostKeyAlgorithm[] {
  const all = Object.values(HOST_KEY_ALGOS).flat();
  const preferred = known.flatMap((t) => HOST_KEY_ALGOS[t] ?? []);
  return [...preferred, ...all.filter((a) => !preferred.includes(a))];
}
