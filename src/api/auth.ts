// Bearer-token auth for /api/*: the token comes from a file only its owner can read, is compared
// in constant time (digests of equal length), and is never logged or echoed. Without a token the
// server may only listen on loopback, and only when the person said --insecure-local.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/** Read the token from `file`: mode 0600 (no group/other bits), non-empty, one line. */
export async function readTokenFile(file: string): Promise<string> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    throw new UsageError(`token-file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
  }
  if ((mode & 0o077) !== 0) {
    throw new UsageError(`token-file: expected mode 0600 (owner only), got ${(mode & 0o777).toString(8).padStart(4, '0')} for ${file}`, { hint: `chmod 600 ${file}` });
  }
  const token = (await readFile(file, 'utf8')).trim();
  if (token === '' || /\s/.test(token)) throw new UsageError(`token-file: expected one token without spaces in ${file}, got ${token === '' ? 'an empty file' : 'whitespace inside'}`);
  if (token.length < 16) throw new UsageError(`token-file: expected a token of at least 16 characters in ${file}`, { hint: 'e.g. openssl rand -hex 32 > FILE; chmod 600 FILE' });
  return token;
}

/** True for `localhost`, 127.0.0.0/8, ::1 and ::ffff:127.x. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** Refuse to start without a token unless on loopback with --insecure-local (and say why). */
export function checkAuthSetup(options: { token?: string; host: string; insecureLocal?: boolean }): void {
  if (options.token !== undefined) return;
  if (!options.insecureLocal) {
    throw new UsageError('api serve: expected --token-file (every /api call needs a Bearer token)', {
      hint: 'create one with `openssl rand -hex 32 > token; chmod 600 token`, or for a loopback-only test server pass --insecure-local',
    });
  }
  if (!isLoopbackHost(options.host)) {
    throw new UsageError(`api serve: --insecure-local only works on a loopback address, got ${JSON.stringify(options.host)}`, {
      hint: 'listen on 127.0.0.1 or give --token-file',
    });
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** A checker for Authorization headers: true only for `Bearer <token>` (constant-time compare). */
export function bearerChecker(token: string | undefined): (header: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (header) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
    // Hash both sides so the compare is over equal lengths and takes the same time for any input.
    const given = digest(match?.[1] ?? '');
    return timingSafeEqual(given, expected) && match !== null;
  };
}
