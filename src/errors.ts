// One error base for the whole tool: a stable code, the exit code main() maps it to,
// an optional hint for the person, and the underlying cause.

/** Exit codes a script can act on; documented in the README. main.ts is the only place that uses them. */
export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  THRESHOLD: 3,
  LOCKED: 4,
  /** Some of what was asked for answered and was printed, some did not (each one named): `service ls`. */
  PARTIAL: 5,
  INTERRUPTED: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface AibenchErrorOptions {
  code?: string;
  exitCode?: ExitCodeValue;
  hint?: string;
  cause?: unknown;
}

/** Base class: every error the CLI expects to show a person is one of these. */
export class AibenchError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'E_AIBENCH';
    this.exitCode = options.exitCode ?? ExitCode.FAILED;
    this.hint = options.hint;
  }
}

/** Bad flags, bad values, unknown names: exit 2. */
export class UsageError extends AibenchError {
  constructor(message: string, options: Omit<AibenchErrorOptions, 'exitCode'> = {}) {
    super(message, { code: 'E_USAGE', ...options, exitCode: ExitCode.USAGE });
  }
}

/** Invalid or unreadable config / profile files: exit 2. */
export class ConfigError extends AibenchError {
  constructor(message: string, options: Omit<AibenchErrorOptions, 'exitCode'> = {}) {
    super(message, { code: 'E_CONFIG', ...options, exitCode: ExitCode.USAGE });
  }
}

/** Running a command (local or remote) failed in a way the caller did not ask to handle. */
export class ExecError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_EXEC', ...options });
  }
}

/** SSH connection problems: refused, auth, host key, timeout; each with its own code and hint. */
export class SshError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_SSH', ...options });
  }
}

/** Slurm said no (sbatch rejection, unknown job, ...). */
export class SlurmError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_SLURM', ...options });
  }
}

/** A benchmark could not run (target unreachable, no model, ...). */
export class BenchError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_BENCH', ...options });
  }
}

/** A threshold (SLO, --fail-on, --max-regression) was breached: exit 3. */
export class ThresholdError extends AibenchError {
  constructor(message: string, options: Omit<AibenchErrorOptions, 'exitCode'> = {}) {
    super(message, { code: 'E_THRESHOLD', ...options, exitCode: ExitCode.THRESHOLD });
  }
}

/** Another aibench process holds the lock (overlapping cron runs): exit 4. */
export class LockedError extends AibenchError {
  constructor(message: string, options: Omit<AibenchErrorOptions, 'exitCode'> = {}) {
    super(message, { code: 'E_LOCKED', ...options, exitCode: ExitCode.LOCKED });
  }
}

/** Narrow an unknown catch value to a message without throwing again. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
