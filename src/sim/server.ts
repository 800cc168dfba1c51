// The simulator's HTTP server (node:http): vLLM's OpenAI-compatible routes over a SimEngine.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AibenchError } from '../errors.js';
import type { SimOptions } from './options.js';
import { SimEngine } from './engine.js';
import { errorBody } from './protocol.js';
import { handleGeneration } from './handle-generation.js';
import { isAuthorized, modelList, send, SIM_VERSION } from './routes.js';

export interface SimServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (a wildcard host is shown as 127.0.0.1). */
  url: string;
  host: string;
  port: number;
  /** Stop accepting, cut in-flight requests, resolve once the socket is closed. */
  close(): Promise<void>;
  /** Resolves after close(); rejects if the server "crashes" (--crash-on-start). */
  closed: Promise<void>;
}

/** Listen and serve; resolves once listening (during --startup-delay /health answers 503). */
export async function startSimServer(options: SimOptions): Promise<SimServer> {
  const engine = new SimEngine(options);
  let ready = options.startupDelayS === 0 && !options.crashOnStart;
  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) => {
    route(req, res, performance.now()).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, errorBody(500, `Internal simulator error: ${String(error)}`));
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse, arrivedAt: number): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const method = req.method ?? 'GET';
    if (!ready) return send(res, 503, path === '/health' ? '' : errorBody(503, 'The simulated server is starting up'));
    if (path.startsWith('/v1/') && !isAuthorized(req, options.apiKey)) {
      return send(res, 401, JSON.stringify({ error: 'Unauthorized' }));
    }
    const get = method === 'GET' || method === 'HEAD';
    switch (path) {
      case '/health':
        return get ? send(res, 200, '') : notAllowed(res);
      case '/version':
        return get ? send(res, 200, JSON.stringify({ version: SIM_VERSION })) : notAllowed(res);
      case '/v1/models':
        return get ? send(res, 200, JSON.stringify(modelList(options))) : notAllowed(res);
      case '/metrics':
        if (!get) return notAllowed(res);
        res.writeHead(200, { 'content-type': engine.metrics.registry.contentType });
        res.end(await engine.metrics.registry.metrics());
        return;
      case '/v1/completions':
      case '/v1/chat/completions':
        if (method !== 'POST') return notAllowed(res);
        return handleGeneration(engine, path === '/v1/completions' ? 'completion' : 'chat', req, res, arrivedAt);
      default:
        return send(res, 404, JSON.stringify({ detail: 'Not Found' }));
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new AibenchError(`Could not listen on ${options.host}:${options.port}: ${error.message}`, { code: 'E_SIM_LISTEN', cause: error })));
    server.listen(options.port, options.host, () => resolve());
  });

  let settle!: { resolve: () => void; reject: (e: Error) => void };
  const closed = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  closed.catch(() => undefined); // callers that never await `closed` must not see an unhandled rejection
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(startup);
      ready = false;
      server.close(() => resolve());
      engine.close();
      server.closeAllConnections();
    });
    return closing;
  };

  const startup = setTimeout(() => {
    if (!options.crashOnStart) {
      ready = true;
      return;
    }
    void close().then(() => settle.reject(new AibenchError('Simulated crash on start (--crash-on-start)', { code: 'E_SIM_CRASH' })));
  }, options.startupDelayS * 1000);

  const { port } = server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const urlHost = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  return {
    url: `http://${urlHost}:${port}`,
    host: options.host,
    port,
    close: () => close().then(() => settle.resolve()),
    closed,
  };
}

function notAllowed(res: ServerResponse): void {
  send(res, 405, JSON.stringify({ detail: 'Method Not Allowed' }));
}
