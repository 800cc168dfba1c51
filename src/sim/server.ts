// The simulator's HTTP server (node:http): listen, route (router.ts) over a SimEngine, and the
// lifecycle around it: --startup-delay, --crash-on-start and a clean close.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AibenchError } from '../errors.js';
import type { SimOptions } from './options.js';
import { SimEngine } from './engine.js';
import { failInternal, routeRequest } from './router.js';

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
  const state = { ready: options.startupDelayS === 0 && !options.crashOnStart };
  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) => {
    routeRequest(engine, state.ready, req, res, performance.now()).catch((error: unknown) => failInternal(res, error));
  });
  await listen(server, options.host, options.port);
  const life = lifecycle(server, engine, state, options);
  const { port } = server.address() as AddressInfo;
  return { url: baseUrl(options.host, port), host: options.host, port, close: life.close, closed: life.closed };
}

// http://host:port as a client dials it: a wildcard address becomes 127.0.0.1, IPv6 gets brackets.
function baseUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new AibenchError(`Could not listen on ${host}:${port}: ${error.message}`, { code: 'E_SIM_LISTEN', cause: error })));
    server.listen(port, host, () => resolve());
  });
}

// After the startup delay the server turns ready, or (--crash-on-start) closes and rejects `closed`.
// close() is idempotent: stop accepting, cut every in-flight generation, drop open connections.
function lifecycle(server: Server, engine: SimEngine, state: { ready: boolean }, options: SimOptions): Pick<SimServer, 'close' | 'closed'> {
  let settle!: { resolve: () => void; reject: (e: Error) => void };
  const closed = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  closed.catch(() => undefined); // callers that never await `closed` must not see an unhandled rejection
  let closing: Promise<void> | undefined;
  const shutDown = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(startup);
      state.ready = false;
      const flushed = engine.close();
      server.close(() => void flushed.then(() => resolve()));
      server.closeAllConnections();
    });
    return closing;
  };
  const startup = setTimeout(() => {
    if (!options.crashOnStart) {
      state.ready = true;
      return;
    }
    const message = options.crashMessage ?? 'Simulated crash on start (--crash-on-start)';
    void shutDown().then(() => settle.reject(new AibenchError(message, { code: 'E_SIM_CRASH' })));
  }, options.startupDelayS * 1000);
  return { close: () => shutDown().then(() => settle.resolve()), closed };
}
