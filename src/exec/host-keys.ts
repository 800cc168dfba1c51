// known_hosts verification for ssh2's hostVerifier, which hands us the raw host key blob.
// Follows OpenSSH's file format: plain and wildcard host lists, [host]:port for non-22 ports,
// hashed |1|salt|hash entries (HMAC-SHA1), @revoked lines and comments. @cert-authority lines are
// skipped: ssh2 does not expose host certificates, so they could never match anyway.
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SshError } from '../errors.js';

interface KnownHostEntry {
  marker: 'revoked' | undefined;
  /** Plain patterns (may contain * ? and !negation), or one hashed entry. */
  patterns: string[];
  hashed: { salt: Buffer; hash: Buffer } | undefined;
  keyType: string;
  key: Buffer;
}

type HostKeyCheck =
  | { status: 'match' }
  | { status: 'unknown'; otherTypes: string[] }
  | { status: 'changed'; knownFingerprints: string[] }
  | { status: 'revoked' };

/** Parse known_hosts text; malformed lines are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) continue;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      if (fields[0] !== '@revoked') continue; // @cert-authority and unknown markers: see file comment
      marker = 'revoked';
      fields.shift();
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64) continue;
    const key = Buffer.from(b64, 'base64');
    if (key.length === 0 || blobKeyType(key) !== keyType) continue;
    const hashed = parseHashed(hosts);
    entries.push({ marker, patterns: hashed ? [] : hosts.split(','), hashed, keyType, key });
  }
  return entries;
}

/** The name known_hosts uses for a host: bare for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  // ssh lowercases the host name before matching or hashing it.
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** OpenSSH-style fingerprint of a key blob: `SHA256:` + unpadded base64. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type inside an SSH public key blob (its first length-prefixed string). */
function blobKeyType(key: Buffer): string {
  if (key.length < 4) return '';
  const len = key.readUInt32BE(0);
  return len > 0 && 4 + len <= key.length ? key.subarray(4, 4 + len).toString('latin1') : '';
}

/** Does this entry's host list name the host? Negated patterns veto a match. */
function entryMatchesHost(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) {
    const mac = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return mac.equals(entry.hashed.hash);
  }
  let matched = false;
  for (const pattern of entry.patterns) {
    const negated = pattern.startsWith('!');
    if (!globMatch(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** Check an offered key against known entries: match, unknown, changed (same type, other key) or revoked. */
export function checkHostKey(entries: KnownHostEntry[], host: string, port: number, offered: Buffer): HostKeyCheck {
  const name = knownHostsName(host, port);
  const type = blobKeyType(offered);
  const forHost = entries.filter((e) => entryMatchesHost(e, name));
  if (forHost.some((e) => e.marker === 'revoked' && e.key.equals(offered))) return { status: 'revoked' };
  const trusted = forHost.filter((e) => e.marker === undefined);
  if (trusted.some((e) => e.key.equals(offered))) return { status: 'match' };
  const sameType = trusted.filter((e) => e.keyType === type);
  if (sameType.length > 0) return { status: 'changed', knownFingerprints: sameType.map((e) => fingerprint(e.key)) };
  return { status: 'unknown', otherTypes: [...new Set(trusted.map((e) => e.keyType))] };
}

/** Key types known for a host, so the handshake can prefer them (as OpenSSH orders HostKeyAlgorithms). */
export function knownKeyTypes(entries: KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  return [...new Set(entries.filter((e) => !e.marker && entryMatchesHost(e, name)).map((e) => e.keyType))];
}

/** Read and parse several known_hosts files; missing ones count as empty. */
export async function loadKnownHosts(files: readonly string[]): Promise<KnownHostEntry[]> {
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
  return texts.flatMap(parseKnownHosts);
}

/**
 * Append one key line with a single O_APPEND write: concurrent aibench processes can neither
 * interleave nor lose lines (a temp+rename rewrite could drop another writer's line).
 */
async function appendKnownHost(file: string, host: string, port: number, key: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readFile(file, 'utf8').catch(() => '');
  const lead = existing === '' || existing.endsWith('\n') ? '' : '\n';
  const line = `${lead}${knownHostsName(host, port)} ${blobKeyType(key)} ${key.toString('base64')}\n`;
  await appendFile(file, line, { mode: 0o600 });
}

/** The SshError for a rejected key; changed and revoked keys are never accepted automatically. */
export function hostKeyError(check: Exclude<HostKeyCheck, { status: 'match' }>, host: string, port: number, offered: Buffer, file: string): SshError {
  const name = knownHostsName(host, port);
  const fp = `${blobKeyType(offered)} ${fingerprint(offered)}`;
  if (check.status === 'changed') {
    return new SshError(`Host key for ${name} has CHANGED: the server offered ${fp}, known_hosts has ${check.knownFingerprints.join(', ')}`, {
      code: 'E_SSH_HOSTKEY_CHANGED',
      hint: `Someone may be intercepting the connection, or the host was reinstalled. Confirm the new fingerprint with the admins, then remove the old line (ssh-keygen -R '${name}' -f ${file}).`,
    });
  }
  if (check.status === 'revoked') {
    return new SshError(`Host key for ${name} is marked @revoked in known_hosts (${fp})`, { code: 'E_SSH_HOSTKEY_REVOKED' });
  }
  if (check.otherTypes.length > 0) {
    // Not "new": the host is known, with keys of other types (which the client asked for first).
    // A server that no longer offers them may be an impostor; never trust-on-first-use this.
    const type = blobKeyType(offered);
    return new SshError(`Host key for ${name} is of another type than the known one(s): the server offered ${fp}, known_hosts has only ${check.otherTypes.join(', ')} keys for it`, {
      code: 'E_SSH_HOSTKEY_OTHER_TYPE',
      hint: `Verify with the admins that ${fingerprint(offered)} is the server's real ${type} key, then add that key type: ssh-keyscan -t ${keyscanType(type)} -p ${port} ${host} >> ${file}`,
    });
  }
  return new SshError(`Host key for ${name} is not in known_hosts: the server offered ${fp}`, {
    code: 'E_SSH_HOSTKEY_UNKNOWN',
    hint: `Check that ${fingerprint(offered)} is the server's real key (ask the admins), then run: ssh-keyscan -p ${port} ${host} >> ${file}; or set strict_host_key_checking: accept-new to trust it on first use.`,
  });
}

/** ssh-keyscan -t takes short names: ssh-ed25519 -> ed25519, ecdsa-sha2-nistp256 -> ecdsa, ssh-rsa -> rsa. */
function keyscanType(type: string): string {
  if (type.startsWith('ecdsa-')) return 'ecdsa';
  if (type.startsWith('sk-ecdsa-')) return 'ecdsa-sk';
  if (type.startsWith('sk-ssh-ed25519')) return 'ed25519-sk';
  return type.replace(/^ssh-/, '');
}

interface HostVerifier {
  /** Pass as ssh2's hostVerifier (async form: it may append to known_hosts first). */
  verify: (key: Buffer, done: (ok: boolean) => void) => void;
  /** Why the last key was rejected; ssh2 itself only reports "Host denied". */
  rejection: () => SshError | undefined;
}

/** Build a hostVerifier over pre-loaded entries; accept-new appends unknown keys, never changed ones. */
export function createHostVerifier(entries: KnownHostEntry[], host: string, port: number, files: readonly string[], mode: 'yes' | 'accept-new'): HostVerifier {
  let rejected: SshError | undefined;
  const known = [...entries];
  const userFile = files[0] ?? '~/.ssh/known_hosts';
  const verify = (key: Buffer, done: (ok: boolean) => void): void => {
    const check = checkHostKey(known, host, port, key);
    if (check.status === 'match') return done(true);
    // accept-new trusts only a host with NO known key; a known host offering another key type is refused.
    if (check.status === 'unknown' && check.otherTypes.length === 0 && mode === 'accept-new') {
      appendKnownHost(userFile, host, port, key).then(
        () => {
          // Remember it: ssh2 verifies again on every re-key, which must not append twice.
          known.push({ marker: undefined, patterns: [knownHostsName(host, port)], hashed: undefined, keyType: blobKeyType(key), key });
          done(true);
        },
        (cause: unknown) => {
          rejected = new SshError(`Could not add the host key for ${knownHostsName(host, port)} to ${userFile}`, { code: 'E_SSH_HOSTKEY_UNKNOWN', cause });
          done(false);
        },
      );
      return;
    }
    rejected = hostKeyError(check, host, port, key, userFile);
    done(false);
  };
  return { verify, rejection: () => rejected };
}

// OpenSSH's host patterns: * any run, ? one character, everything else literal.
function globMatch(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

function parseHashed(hosts: string): { salt: Buffer; hash: Buffer } | undefined {
  const m = /^\|1\|([^|]+)\|([^|]+)$/.exec(hosts);
  if (!m?.[1] || !m[2]) return undefined;
  return { salt: Buffer.from(m[1], 'base64'), hash: Buffer.from(m[2], 'base64') };
}
