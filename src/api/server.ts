// The control API server (node:http): CORS, auth, routing, metrics and logs around the route
// table. Every request is handled inside one try/catch, so no input can crash the process, and
// only AibenchError messages reach a response: never a stack, never the token.
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { errorMessage, RequestRefused, UsageError } from '../errors.js';
import { bearerChecker, checkAuthSetup, isLoopbackHost, readTokenFile } from './auth.js';
import { DEFAULT_BODY_LIMIT } from './body.js';
import type { ControlCore } from './control-core.js';
import { ALLOW_METHODS, applyCors, normalizeOrigin } from './cors.js';
import { errorResponse } from './error-response.js';
import { DEFAULT_LISTEN, parseListen } from './listen.js';
import { createApiLogger, type ApiLogger } from './log.js';
import { createApiMetrics, type ApiMetrics } from './metrics.js';
import { matchRoute } from './routes.js';

export interface ApiServerOptions {
  /** HOST:PORT (default 127.0.0.1:8787; port 0 picks a free one). */
  listen?: string;
  /** File holding the Bearer token, mode 0600. */
  tokenFile?: string;
  /** Allow no token, on loopback only. */
  insecureLocal?: boolean;
  corsOrigins?: readonly string[];
  jsonLogs?: boolean;
  core: ControlCore;
  bodyLimit?: number;
  /** Where log lines go (default stderr). */
  logWrite?: (line: string) => void;
}

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

interface Handler {
  core: ControlCore;
  origins: ReadonlySet<string>;
  authorized: (header: string | undefined) => boolean;
  metrics: ApiMetrics;
  log: ApiLogger;
  bodyLimit: number;
}

const KNOWN_METHODS = new Set(['GET', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PUT', 'PATCH']);

/** Start listening; UsageError when the auth setup is unsafe or the address is unusable. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { host, port } = parseListen(options.listen ?? DEFAULT_LISTEN);
  const token = options.tokenFile === undefined ? undefined : await readTokenFile(options.tokenFile);
  checkAuthSetup({ token, host, insecureLocal: options.insecureLocal });
  const log = createApiLogger(Boolean(options.jsonLogs), options.logWrite);
  const h: Handler = {
    core: options.core,
    origins: new Set((options.corsOrigins ?? []).map(normalizeOrigin)),
    authorized: bearerChecker(token),
    metrics: createApiMetrics(() => options.core.queueDepth(), () => options.core.queueState().paused),
    log,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
  };
  options.core.subscribeQueueWaits?.((tier, seconds) => h.metrics.observeWait(tier, seconds));
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 15_000 }, (req, res) => void handle(h, req, res));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(h, error, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new UsageError(`listen: cannot listen on ${host}:${port}: ${error.code ?? error.message}`, { cause: error })));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  // A name like localhost could resolve elsewhere: check what was really bound.
  if (token === undefined && !isLoopbackHost(address.address)) {
    server.close();
    throw new UsageError(`api serve: --insecure-local bound ${address.address}, which is not loopback`);
  }
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log.info(`control API listening on ${url}`, { auth: token === undefined ? 'none (insecure-local)' : 'bearer', cors_origins: [...h.origins] });
  // Only now, so a server that cannot start never runs (and then cancels) what it found queued.
  await options.core.resume?.().catch((error: unknown) => log.info('could not take over what the previous server left', { error: errorMessage(error) }));
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(h: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = KNOWN_METHODS.has(req.method ?? '') ? (req.method as string) : 'OTHER';
  let route = 'unmatched';
  let path = '';
  try {
    path = requestPath(req.url);
    const cors = applyCors(req, res, h.origins);
    if (cors === 'forbidden') throw new RequestRefused(403, 'origin not allowed');
    if (cors === 'preflight') return send(res, 204, undefined);
    if (path === '/metrics') {
      route = '/metrics';
      if (method !== 'GET' && method !== 'HEAD') throw new RequestRefused(405, 'method not allowed', { headers: { allow: 'GET' } });
      return send(res, 200, await h.metrics.registry.metrics(), h.metrics.registry.contentType);
    }
    if (method === 'OPTIONS') return send(res, 204, undefined, undefined, { allow: ALLOW_METHODS });
    const match = matchRoute(method, path);
    // Auth before routing under /api/, so a caller without the token learns nothing about routes.
    if (path.startsWith('/api/') || (match.kind === 'found' && match.route.auth)) {
      if (!h.authorized(req.headers.authorization)) throw new RequestRefused(401, 'missing or wrong Bearer token', { headers: { 'www-authenticate': 'Bearer' } });
    }
    if (match.kind === 'none') throw new RequestRefused(404, 'not found');
    if (match.kind === 'method') throw new RequestRefused(405, 'method not allowed', { headers: { allow: match.allow.join(', ') } });
    route = match.route.route;
    const answer = await match.route.handle({ req, params: match.params, core: h.core, bodyLimit: h.bodyLimit });
    send(res, answer.status, answer.body);
  } catch (error) {
    const answer = errorResponse(error);
    if (answer.internal) h.log.error('internal error', { method, route, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    send(res, answer.status, answer.body, undefined, answer.headers);
  } finally {
    h.metrics.observe(method, route, res.statusCode, (performance.now() - started) / 1000);
    h.log.request({ method, route, path: route === 'unmatched' ? '' : path, status: res.statusCode, duration_ms: Math.round((performance.now() - started) * 10) / 10 });
  }
}

const CLIENT_ERROR_STATUS: Record<string, number> = { HPE_HEADER_OVERFLOW: 431, HPE_CHUNK_EXTENSIONS_OVERFLOW: 413, ERR_HTTP_REQUEST_TIMEOUT: 408 };

// Node's parser refused the bytes (a bad request line or header, headers too large, too slow):
// answer as Node's default would (only on a socket that has written nothing: never into the
// middle of another answer), with a JSON body, counted and logged like any request, then close.
function answerClientError(h: Handler, error: NodeJS.ErrnoException & { reason?: string }, socket: Duplex & { bytesWritten?: number }): void {
  if (error.code === 'ECONNRESET' || !socket.writable || (socket.bytesWritten ?? 0) > 0) {
    socket.destroy();
    return;
  }
  const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
  const body = `${JSON.stringify({ error: `malformed HTTP request: ${error.reason ?? error.code ?? 'unreadable'}`, code: 'E_REQUEST' })}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nconnection: close\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  h.metrics.observe('OTHER', 'malformed', status, 0);
  h.log.request({ method: 'OTHER', route: 'malformed', path: '', status, duration_ms: 0 });
}

// The path as sent, without query; not URL-parsed (`//x` would become a host), never normalized.
function requestPath(raw: string | undefined): string {
  const path = (raw ?? '').split(/[?#]/, 1)[0] ?? '';
  if (!path.startsWith('/')) throw new RequestRefused(400, 'expected an origin-form request target (/path)');
  return path;
}

// JSON unless a content type is given; a body the client is still sending closes the connection.
function send(res: ServerResponse, status: number, body: unknown, contentType?: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = body === undefined ? '' : contentType === undefined ? `${JSON.stringify(body)}\n` : String(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  if (!res.req.complete) res.setHeader('connection', 'close');
  if (text !== '') {
    res.setHeader('content-type', contentType ?? 'application/json; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(text));
  }
  res.end(text);
}
