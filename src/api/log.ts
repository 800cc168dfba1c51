// The API's log lines on stderr: with --json-logs one JSON object per line (every request), else
// plain lines for startup and server errors only. Never headers, bodies, queries or tokens.
export interface ApiLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  request(fields: { method: string; route: string; path: string; status: number; duration_ms: number }): void;
}

/** A logger writing to `write` (default: stderr). */
export function createApiLogger(json: boolean, write: (line: string) => void = (line) => process.stderr.write(line)): ApiLogger {
  const emit = (level: string, msg: string, fields: Record<string, unknown> = {}) => {
    if (json) write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
    else write(`${level === 'error' ? 'error: ' : ''}${msg}${Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''}\n`);
  };
  return {
    info: (msg, fields) => emit('info', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    request: (fields) => {
      if (json) emit(fields.status >= 500 ? 'error' : 'info', 'request', fields);
      else if (fields.status >= 500) emit('error', `${fields.method} ${fields.route} answered ${fields.status}`);
    },
  };
}
