// What a request that threw gets: an AibenchError's own httpStatus and message (RequestRefused
// adds the issues and headers); anything else is a bug, answered 500 "internal error" and logged.
import { AibenchError, RequestRefused, type RequestIssue } from '../errors.js';

interface ErrorAnswer {
  status: number;
  body: { error: string; code?: string; issues?: readonly RequestIssue[] };
  headers: Readonly<Record<string, string>>;
  /** True when the detail must be logged, not shown (not an AibenchError). */
  internal: boolean;
}

/** The status and body for any thrown value. */
export function errorResponse(error: unknown): ErrorAnswer {
  if (!(error instanceof AibenchError)) return { status: 500, body: { error: 'internal error' }, headers: {}, internal: true };
  const refused = error instanceof RequestRefused ? error : undefined;
  return {
    status: error.httpStatus,
    body: { error: error.message, code: error.code, ...(refused?.issues ? { issues: refused.issues } : {}) },
    headers: refused?.headers ?? {},
    internal: false,
  };
}
