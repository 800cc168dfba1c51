// An HTTP answer thrown from anywhere in a request's handling: status plus the JSON body people see.
// Only these and AibenchError messages ever reach a response; anything else becomes "internal error".
import { AibenchError, ConfigError, UsageError } from '../errors.js';
import { ConflictError, NotFoundError } from './core.js';

export interface ApiIssue {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: ApiIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The status and body for any thrown value; `internal` tells the caller to log the detail. */
export function errorResponse(error: unknown): { status: number; body: { error: string; code?: string; issues?: ApiIssue[] }; headers: Record<string, string>; internal: boolean } {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: error.message, ...(error.issues ? { issues: error.issues } : {}) }, headers: error.headers, internal: false };
  }
  if (error instanceof AibenchError) {
    const status =
      error instanceof NotFoundError ? 404
      : error instanceof ConflictError ? 409
      : error instanceof UsageError || error instanceof ConfigError ? 400
      : 502; // Slurm, SSH or the service failed: the API itself is fine.
    return { status, body: { error: error.message, code: error.code }, headers: {}, internal: false };
  }
  return { status: 500, body: { error: 'internal error' }, headers: {}, internal: true };
}
