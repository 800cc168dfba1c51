// One error base for the whole tool, and every subclass: a stable code, the exit code main()
// maps it to, the HTTP status the control API answers with, an optional hint for the person,
// and the underlying cause. Rooms throw these; nobody maps errors by instanceof chains.

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
type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface AibenchErrorOptions {
  code?: string;
  exitCode?: ExitCodeValue;
  /** What the control API answers when this error ends a request (default: the class's). */
  httpStatus?: number;
  hint?: string;
  cause?: unknown;
}

/** Options of a class whose exit code and status are fixed by what it is. */
type KindOptions = Omit<AibenchErrorOptions, 'exitCode' | 'httpStatus'>;

/** Base class: every error the CLI expects to show a person is one of these (500 when nothing more is known). */
export class AibenchError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly httpStatus: number;
  readonly hint: string | undefined;

  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'E_AIBENCH';
    this.exitCode = options.exitCode ?? ExitCode.FAILED;
    this.httpStatus = options.httpStatus ?? 500;
    this.hint = options.hint;
  }
}

/** Bad flags, bad values, unknown names: exit 2, HTTP 400. */
export class UsageError extends AibenchError {
  constructor(message: string, options: KindOptions = {}) {
    super(message, { code: 'E_USAGE', ...options, exitCode: ExitCode.USAGE, httpStatus: 400 });
  }
}

/** Invalid or unreadable config / profile files: exit 2, HTTP 400. */
export class ConfigError extends AibenchError {
  constructor(message: string, options: KindOptions = {}) {
    super(message, { code: 'E_CONFIG', ...options, exitCode: ExitCode.USAGE, httpStatus: 400 });
  }
}

/** An id or name that names nothing (a service, a benchmark): exit 2, HTTP 404. */
export class NotFoundError extends AibenchError {
  constructor(message: string, options: KindOptions = {}) {
    super(message, { code: 'E_NOT_FOUND', ...options, exitCode: ExitCode.USAGE, httpStatus: 404 });
  }
}

/** Valid, but the state forbids it (a name in use, a service not READY, a finished benchmark): exit 2, HTTP 409. */
export class ConflictError extends AibenchError {
  constructor(message: string, options: KindOptions = {}) {
    super(message, { code: 'E_CONFLICT', ...options, exitCode: ExitCode.USAGE, httpStatus: 409 });
  }
}

/** Another aibench process holds the lock (overlapping cron runs): exit 4, HTTP 423. */
export class LockedError extends AibenchError {
  constructor(message: string, options: KindOptions = {}) {
    super(message, { code: 'E_LOCKED', ...options, exitCode: ExitCode.LOCKED, httpStatus: 423 });
  }
}

/** A threshold (SLO, --fail-on, --max-regression) was breached: exit 3, HTTP 422 (ran, result refused). */
export class ThresholdError extends AibenchError {
  constructor(message: string, options: KindOptions = {}) {
    super(message, { code: 'E_THRESHOLD', ...options, exitCode: ExitCode.THRESHOLD, httpStatus: 422 });
  }
}

// Failures of what aibench drives (a command, SSH, Slurm, a server): HTTP 502, the API itself is fine.

/** Running a command (local or remote) failed in a way the caller did not ask to handle. */
export class ExecError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_EXEC', httpStatus: 502, ...options });
  }
}

/** SSH connection problems: refused, auth, host key, timeout; each with its own code and hint. */
export class SshError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_SSH', httpStatus: 502, ...options });
  }
}

/** Slurm said no (sbatch rejection, unknown job, ...). */
export class SlurmError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_SLURM', httpStatus: 502, ...options });
  }
}

/** A service could not start, be reached or be stopped (exit 1 unless said otherwise). */
export class ServiceError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_SERVICE', httpStatus: 502, ...options });
  }
}

/**
 * The server answered 401 or 403: it is up and answering, but refuses aibench's credentials.
 * Not "unreachable" and not "no answer yet": waiting or falling back to a cached list cannot help.
 */
export class ServiceAuthError extends ServiceError {
  constructor(readonly status: number, request: string, sentKey: boolean) {
    const what = status === 401 ? 'Unauthorized' : 'Forbidden';
    super(`${request} answered ${status} ${what}: ${sentKey ? 'the server refused the API key aibench sent' : 'the server wants an API key and aibench sent none'}`, {
      code: 'E_SERVICE_AUTH',
      hint: sentKey
        ? "Check that the service's --api-key-file holds the key its server was started with."
        : 'Start the service with --api-key-file FILE (a 0600 file on the cluster): the job exports it as VLLM_API_KEY and aibench sends it as Bearer.',
    });
  }
}

/** A benchmark could not run (target unreachable, no model, ...). */
export class BenchError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_BENCH', httpStatus: 502, ...options });
  }
}

/** Thrown when Ctrl-C lands during warmup: nothing was measured, so there is no document (exit 130, HTTP 503). */
export class InterruptedRun extends BenchError {
  constructor() {
    super('Interrupted before anything was measured', { code: 'E_INTERRUPTED', exitCode: ExitCode.INTERRUPTED, httpStatus: 503 });
  }
}

type HttpErrorCode = 'E_HTTP_TIMEOUT' | 'E_HTTP_ABORTED' | 'E_HTTP_NETWORK' | 'E_HTTP_STATUS' | 'E_HTTP_BODY';

/** An outgoing HTTP request failed: timed out, aborted, did not connect, or answered something unusable. */
export class HttpError extends AibenchError {
  declare readonly code: HttpErrorCode;
  constructor(message: string, code: HttpErrorCode, cause?: unknown) {
    super(message, { code, cause, httpStatus: 502 });
  }
}

/** The server answered a status the caller did not expect; `body` is its (trimmed, short) text. */
export class HttpStatusError extends HttpError {
  constructor(message: string, readonly status: number, readonly body: string) {
    super(message, 'E_HTTP_STATUS');
  }
}

/** Building or checking dashboards failed (exit 1 unless the caller says otherwise). */
export class DashboardError extends AibenchError {
  constructor(message: string, options: AibenchErrorOptions = {}) {
    super(message, { code: 'E_DASHBOARDS', ...options });
  }
}

/** One problem in a request body: where (`load.rate`, `(root)`) and what was expected. */
export interface RequestIssue {
  path: string;
  message: string;
}

/** The control API refuses a request as sent (401, 403, 404, 405, 413, 415, 400 with every issue). */
export class RequestRefused extends AibenchError {
  readonly issues: readonly RequestIssue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  constructor(httpStatus: number, message: string, detail: { issues?: readonly RequestIssue[]; headers?: Record<string, string> } = {}) {
    super(message, { code: 'E_REQUEST', exitCode: ExitCode.USAGE, httpStatus });
    this.issues = detail.issues;
    this.headers = detail.headers ?? {};
  }
}

/** Narrow an unknown catch value to a message without throwing again. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
