// Resolve an SshConfig (a Host alias and/or explicit fields) into concrete connection
// parameters the way OpenSSH would: ~/.ssh/config (with its Includes, ssh-config-file.ts; matched
// as in ssh-config-match.ts) supplies HostName, User, Port, IdentityFile, ProxyJump and
// UserKnownHostsFile; explicit fields in the aibench config win over the file. The caller passes
// the file text and HOME/USER, so tests need no real home directory.
import type { SshConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { readSshConfigText, type SshConfigRead } from './ssh-config-file.js';
import { computeSshHost } from './ssh-config-match.js';

interface ResolveEnv {
  HOME?: string;
  USER?: string;
}

/** One host to connect to: the target itself or a ProxyJump hop. */
export interface ResolvedHost {
  /** The name as written (alias or address); used in messages. */
  alias: string;
  /** The address to dial and to look up in known_hosts (HostName, else the alias). */
  host: string;
  port: number;
  user: string;
  /** Absolute candidate key paths, in order; callers try each one that exists. */
  identityFiles: string[];
  /** True when identityFiles came from an explicit identity_file: a missing file is then an error. */
  identityExplicit: boolean;
  /** known_hosts files to read, in order; the first is where accept-new appends. */
  knownHostsFiles: string[];
}

export interface ResolvedSsh extends ResolvedHost {
  /** Hops to go through first, outermost first (ProxyJump, flattened recursively). */
  jumps: ResolvedHost[];
  /** What ssh_config said that aibench did not follow (skipped Match blocks, unused directives, unreadable Includes). */
  notes: string[];
}

type Computed = Record<string, string[]>;

const DEFAULT_IDENTITIES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];
const MAX_JUMPS = 8;

/** Expand a leading ~ to HOME, as ssh does for IdentityFile and UserKnownHostsFile. */
export function expandTilde(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return `${home.replace(/\/$/, '')}${path.slice(1)}`;
  return path;
}

/** Resolve the SshConfig against ssh_config text (or its flattened read); explicit fields beat the file. */
export function resolveSshConfig(ssh: SshConfig, config: string | SshConfigRead, env: ResolveEnv): ResolvedSsh {
  const home = env.HOME ?? '/root';
  const localUser = env.USER ?? 'root';
  const read = typeof config === 'string' ? readSshConfigText(config, ssh.ssh_config_file ?? '~/.ssh/config', home) : config;
  const notes = new Set<string>();
  const compute = (name: string): Computed => {
    const computed = computeSshHost(read, name, localUser);
    for (const note of computed.notes) notes.add(note);
    return computed.options;
  };

  const explicitKnownHosts = ssh.known_hosts_file ? [expandTilde(ssh.known_hosts_file, home)] : undefined;
  const explicitIdentity = ssh.identity_file ? [expandTilde(ssh.identity_file, home)] : undefined;

  const target = resolveHost(compute(ssh.host), ssh.host, { home, localUser, knownHosts: explicitKnownHosts });
  if (ssh.port !== undefined) target.port = ssh.port;
  if (ssh.user !== undefined) target.user = ssh.user;
  if (explicitIdentity) {
    target.identityFiles = explicitIdentity;
    target.identityExplicit = true;
  }
  const jumpSpec = ssh.proxy_jump ?? first(compute(ssh.host).proxyjump);
  const jumps = resolveJumps(jumpSpec, compute, { home, localUser, knownHosts: explicitKnownHosts, identity: explicitIdentity }, 0);
  return { ...target, jumps, notes: [...notes] };
}

interface HostDefaults {
  home: string;
  localUser: string;
  knownHosts: string[] | undefined;
  identity?: string[] | undefined;
}

function resolveHost(c: Computed, alias: string, d: HostDefaults): ResolvedHost {
  const host = first(c.hostname) ?? alias;
  const port = parsePort(first(c.port) ?? '22', alias);
  const user = first(c.user) ?? d.localUser;
  const tokens = { home: d.home, localUser: d.localUser, host, user, port };
  const fromFile = all(c.identityfile).map((p) => expandTilde(expandTokens(p, tokens), d.home));
  const identityFiles = fromFile.length > 0 ? fromFile : (d.identity ?? DEFAULT_IDENTITIES.map((p) => expandTilde(p, d.home)));
  const fileKnownHosts = all(c.userknownhostsfile).map((p) => expandTilde(expandTokens(p, tokens), d.home));
  const userKnownHosts = d.knownHosts ?? (fileKnownHosts.length > 0 ? fileKnownHosts : [expandTilde('~/.ssh/known_hosts', d.home)]);
  return {
    alias,
    host,
    port,
    user,
    identityFiles,
    identityExplicit: false,
    knownHostsFiles: [...userKnownHosts, '/etc/ssh/ssh_known_hosts'],
  };
}

// "a,user@b:2222" -> hops; each hop may itself be an alias with its own ProxyJump (prepended).
function resolveJumps(spec: string | undefined, compute: (n: string) => Computed, d: HostDefaults, depth: number): ResolvedHost[] {
  if (!spec || spec.toLowerCase() === 'none') return [];
  if (depth > MAX_JUMPS) {
    throw new ConfigError(`Expected at most ${MAX_JUMPS} nested ProxyJump hops, got more (a loop?) at ${JSON.stringify(spec)}`);
  }
  const hops: ResolvedHost[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const { user, host, port } = parseJumpHop(part);
    const c = compute(host);
    hops.push(...resolveJumps(first(c.proxyjump), compute, d, depth + 1));
    const hop = resolveHost(c, host, d);
    if (user !== undefined) hop.user = user;
    if (port !== undefined) hop.port = port;
    hops.push(hop);
  }
  return hops;
}

/** Parse one ProxyJump hop: `[user@]host[:port]`, IPv6 as `[::1]:22`. */
export function parseJumpHop(spec: string): { user?: string; host: string; port?: number } {
  const at = spec.lastIndexOf('@');
  const user = at >= 0 ? spec.slice(0, at) : undefined;
  let rest = at >= 0 ? spec.slice(at + 1) : spec;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    rest = bracketed[1] ?? '';
    if (bracketed[2]) port = parsePort(bracketed[2], spec);
  } else if (rest.split(':').length === 2) {
    const [h, p] = rest.split(':');
    rest = h ?? '';
    port = parsePort(p ?? '', spec);
  }
  if (!rest || user === '') throw new ConfigError(`Expected a ProxyJump hop like user@host:port, got ${JSON.stringify(spec)}`);
  return { ...(user !== undefined ? { user } : {}), host: rest, ...(port !== undefined ? { port } : {}) };
}

function parsePort(value: string, where: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new ConfigError(`Expected a port 1-65535 for ${JSON.stringify(where)}, got ${JSON.stringify(value)}`);
  }
  return port;
}

// The %-tokens OpenSSH documents for IdentityFile/UserKnownHostsFile that make sense here.
function expandTokens(value: string, t: { home: string; localUser: string; host: string; user: string; port: number }): string {
  const map: Record<string, string> = { '%': '%', d: t.home, u: t.localUser, h: t.host, r: t.user, p: String(t.port) };
  return value.replace(/%([%duhrp])/g, (_m, k: string) => map[k] ?? '');
}

function first(v: string[] | undefined): string | undefined {
  return v?.[0];
}

function all(v: string[] | undefined): string[] {
  // ssh-config already splits multi-value directives (UserKnownHostsFile a b) into their words.
  return v ?? [];
}
