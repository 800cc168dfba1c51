import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { shellJoin, shellQuote } from '../../../src/exec/quote.js';

// Pieces a shell would love to interpret; every one must come back literally.
const hostile = fc.constantFrom(
  "'", '"', '\\', '$(touch /tmp/aibench-quote-marker)', '`id`', '$HOME', '${IFS}', '\n', '\r\n', ';', '|', '&&',
  '*', '?', '[a]', '~', '~root', ' ', '\t', '-n', '-e', '--', '', '!', '#', '%', '=', '>', '<', '(', ')', '{', '}',
);
const noNul = (s: string) => s.replaceAll('\0', '');
const value = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), hostile), { maxLength: 6 })
  .map((parts) => noNul(parts.join('')));

function sh(script: string, args: string[] = []): Buffer {
  return execFileSync('/bin/sh', ['-c', script, 'sh', ...args], { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
}

describe('shellQuote', () => {
  it('round-trips any string through a real /bin/sh byte for byte', () => {
    rmSync('/tmp/aibench-quote-marker', { force: true });
    fc.assert(
      fc.property(value, (v) => {
        expect(sh(`printf '%s' ${shellQuote(v)}`).equals(Buffer.from(v, 'utf8'))).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect(existsSync('/tmp/aibench-quote-marker')).toBe(false);
  });

  it('leaves safe words bare and quotes the rest', () => {
    expect(shellQuote('abc/def-1.2')).toBe('abc/def-1.2');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('refuses NUL with a UsageError', () => {
    expect(() => shellQuote('a\0b')).toThrow(UsageError);
  });
});

describe('shellJoin', () => {
  it('round-trips argv through sh -c as separate words', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 5 }), (argv) => {
        const out = sh(`printf '%s\\0' ${shellJoin(argv)}`);
        const words = argv.length === 0 ? [''] : argv; // printf with no args prints the format once
        expect(out.equals(Buffer.from(words.map((w) => `${w}\0`).join(''), 'utf8'))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips argv as "$@" of a script', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 5 }), (argv) => {
        const out = sh(`sh -c 'printf "%s\\0" "$@"' sh ${shellJoin(argv)}`);
        expect(out.toString('utf8').split('\0').slice(0, -1)).toEqual(argv);
      }),
      { numRuns: 100 },
    );
  });
});

describe('shellQuote and assignments', () => {
  it('quotes `=` so a first word is never taken as a variable assignment', async () => {
    const { shellJoin: join } = await import('../../../src/exec/quote.js');
    const { execFileSync } = await import('node:child_process');
    expect(join(['A=b', 'x'])).toBe("'A=b' x");
    // Run through a real shell: with `=` unquoted, sh would run `x` with A=b in its env instead.
    const out = execFileSync('/bin/sh', ['-c', `${join(['printf', '%s|', 'A=b'])}`]).toString();
    expect(out).toBe('A=b|');
  });
});
