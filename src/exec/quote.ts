// The ONE shell-quoting function. Every string that reaches a remote shell (SSH command lines,
// sbatch scripts) goes through here. POSIX single quotes keep everything literal except the
// single quote itself, which is closed, escaped and reopened: 'it'\''s'.
import { UsageError } from '../errors.js';

// No `=`: a bare first word like A=b would be an assignment to the shell, not a command.
const SAFE = /^[A-Za-z0-9_@%+:,./-]+$/;

/** Quote one argument for a POSIX shell; refuses NUL, which no shell word can carry. */
export function shellQuote(value: string): string {
  if (value.includes('\0')) {
    throw new UsageError(`Expected a string without NUL bytes, got ${JSON.stringify(value.slice(0, 40))}`, {
      hint: 'NUL cannot be passed through a shell; remove it from the value.',
    });
  }
  if (value === '') return "''";
  if (SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quote an argv array into one shell command line. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
