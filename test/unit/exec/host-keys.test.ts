import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SshError } from '../../../src/errors.js';
import {
  checkHostKey,
  createHostVerifier,
  fingerprint,
  knownHostsName,
  loadKnownHosts,
  parseKnownHosts,
} from '../../../src/exec/host-keys.js';
import { sshKeyPair } from '../../helpers/ssh-keys.js';

// A fresh public key: its known_hosts text ("type base64") and the raw blob ssh2 hands the verifier.
function newKey(type: 'ed25519' | 'ecdsa' = 'ed25519') {
  const pub = sshKeyPair(type).public.trim();
  const [kind, b64] = pub.split(' ') as [string, string];
  return { text: `${kind} ${b64}`, blob: Buffer.from(b64, 'base64') };
}

function hashedName(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const a = newKey();
const b = newKey();
const ec = newKey('ecdsa');

describe('parseKnownHosts / checkHostKey', () => {
  it('matches plain host lists and wildcards, skipping comments and blank lines', () => {
    const entries = parseKnownHosts(`# comment\n\nlogin1,10.0.0.1 ${a.text}\n*.example.org ${b.text} some comment\n`);
    expect(checkHostKey(entries, 'login1', 22, a.blob)).toEqual({ status: 'match' });
    expect(checkHostKey(entries, '10.0.0.1', 22, a.blob)).toEqual({ status: 'match' });
    expect(checkHostKey(entries, 'gpu1.example.org', 22, b.blob)).toEqual({ status: 'match' });
  });

  it('uses [host]:port for non-22 ports and does not confuse it with port 22', () => {
    const entries = parseKnownHosts(`[127.0.0.1]:22222 ${a.text}\n`);
    expect(knownHostsName('127.0.0.1', 22222)).toBe('[127.0.0.1]:22222');
    expect(checkHostKey(entries, '127.0.0.1', 22222, a.blob).status).toBe('match');
    expect(checkHostKey(entries, '127.0.0.1', 22, a.blob).status).toBe('unknown');
  });

  it('honours negated patterns', () => {
    const entries = parseKnownHosts(`*.example.org,!evil.example.org ${a.text}\n`);
    expect(checkHostKey(entries, 'good.example.org', 22, a.blob).status).toBe('match');
    expect(checkHostKey(entries, 'evil.example.org', 22, a.blob).status).toBe('unknown');
  });

  it('matches hashed entries computed with HMAC-SHA1', () => {
    const entries = parseKnownHosts(`${hashedName('[login1]:2222')} ${a.text}\n`);
    expect(checkHostKey(entries, 'login1', 2222, a.blob).status).toBe('match');
    expect(checkHostKey(entries, 'login2', 2222, a.blob).status).toBe('unknown');
  });

  it('matches entries hashed by ssh-keygen -H (OpenSSH itself)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aibench-kh-')), 'known_hosts');
    writeFileSync(file, `[login1]:2222 ${a.text}\nlogin9 ${b.text}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('login1');
    const entries = parseKnownHosts(text);
    expect(checkHostKey(entries, 'login1', 2222, a.blob).status).toBe('match');
    expect(checkHostKey(entries, 'LOGIN9', 22, b.blob).status).toBe('match');
  });

  it('reports an unknown host, noting keys of other types', () => {
    const entries = parseKnownHosts(`login1 ${ec.text}\n`);
    expect(checkHostKey(entries, 'login1', 22, a.blob)).toEqual({ status: 'unknown', otherTypes: ['ecdsa-sha2-nistp256'] });
    expect(checkHostKey([], 'login1', 22, a.blob)).toEqual({ status: 'unknown', otherTypes: [] });
  });

  it('reports a CHANGED key when the host is known with another key of the same type', () => {
    const entries = parseKnownHosts(`login1 ${a.text}\n`);
    expect(checkHostKey(entries, 'login1', 22, b.blob)).toEqual({ status: 'changed', knownFingerprints: [fingerprint(a.blob)] });
  });

  it('reports @revoked keys even when a plain line trusts them, and skips @cert-authority', () => {
    const entries = parseKnownHosts(`@revoked * ${a.text}\nlogin1 ${a.text}\n@cert-authority *.example.org ${b.text}\n`);
    expect(checkHostKey(entries, 'login1', 22, a.blob).status).toBe('revoked');
    expect(entries).toHaveLength(2);
  });

  it('skips malformed lines and keys whose blob type disagrees with the line', () => {
    const entries = parseKnownHosts(`login1\nlogin1 ssh-rsa ${a.text.split(' ')[1]}\nlogin1 ${a.text}\n`);
    expect(entries).toHaveLength(1);
  });

  it('formats fingerprints like ssh-keygen -l', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aibench-fp-')), 'k.pub');
    writeFileSync(file, `${a.text}\n`);
    const out = execFileSync('ssh-keygen', ['-l', '-f', file], { encoding: 'utf8' });
    expect(out).toContain(fingerprint(a.blob));
  });
});

describe('createHostVerifier', () => {
  const verify = (v: ReturnType<typeof createHostVerifier>, key: Buffer) =>
    new Promise<boolean>((resolve) => v.verify(key, resolve));

  it('rejects an unknown key with E_SSH_HOSTKEY_UNKNOWN and a hint', async () => {
    const v = createHostVerifier([], '127.0.0.1', 22222, ['/nonexistent/known_hosts'], 'yes');
    expect(await verify(v, a.blob)).toBe(false);
    const err = v.rejection();
    expect(err).toBeInstanceOf(SshError);
    expect(err?.code).toBe('E_SSH_HOSTKEY_UNKNOWN');
    expect(err?.hint).toContain('ssh-keyscan -p 22222 127.0.0.1');
  });

  it('with accept-new appends an unknown key and then trusts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-kh-'));
    const file = join(dir, 'sub', 'known_hosts');
    const v = createHostVerifier([], '127.0.0.1', 22222, [file], 'accept-new');
    expect(await verify(v, a.blob)).toBe(true);
    expect(await verify(v, a.blob)).toBe(true); // a re-key verifies again; no second line
    const entries = await loadKnownHosts([file]);
    expect(checkHostKey(entries, '127.0.0.1', 22222, a.blob).status).toBe('match');
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:22222 ${a.text}\n`);
  });

  it('with accept-new still rejects a CHANGED key and names the offered fingerprint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `[127.0.0.1]:22222 ${a.text}`);
    const v = createHostVerifier(await loadKnownHosts([file]), '127.0.0.1', 22222, [file], 'accept-new');
    expect(await verify(v, b.blob)).toBe(false);
    expect(v.rejection()?.code).toBe('E_SSH_HOSTKEY_CHANGED');
    expect(v.rejection()?.message).toContain(fingerprint(b.blob));
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:22222 ${a.text}`);
  });

  it('with accept-new refuses (and does not record) a key of another type for a host already known', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `[127.0.0.1]:22222 ${ec.text}\n`);
    const v = createHostVerifier(await loadKnownHosts([file]), '127.0.0.1', 22222, [file], 'accept-new');
    expect(await verify(v, a.blob)).toBe(false);
    const err = v.rejection();
    expect(err).toBeInstanceOf(SshError);
    expect(err?.code).toBe('E_SSH_HOSTKEY_OTHER_TYPE');
    expect(err?.message).toContain(fingerprint(a.blob));
    expect(err?.message).toContain('ecdsa-sha2-nistp256');
    expect(err?.hint).toContain(`ssh-keyscan -t ed25519 -p 22222 127.0.0.1 >> ${file}`);
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:22222 ${ec.text}\n`);
  });
});
