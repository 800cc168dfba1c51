// The simulator's routes: vLLM's OpenAI-compatible surface over one SimEngine. Every error body is
// OpenAI-shaped ({"error": {message, type, param, code}}) so OpenAI SDKs show the message.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimEngine } from './engine.js';
import { handleGeneration } from './handle-generation.js';
import { errorBody } from './protocol.js';
import { isAuthorized, modelList, send, SIM_VERSION } from './routes.js';
import { isBatchPath, routeBatchApi } from './batch/batch-routes.js';

/** Answer one request; `ready` is false during --startup-delay (everything answers 503). */
export async function routeRequest(engine: SimEngine, ready: boolean, req: IncomingMessage, res: ServerResponse, arrivedAt: number): Promise<void> {
  const { options } = engine;
  const path = (req.url ?? '/').split('?', 1)[0]!;
  const method = req.method ?? 'GET';
  if (!ready) return send(res, 503, path === '/health' ? '' : errorBody(503, 'The simulated server is starting up'));
  if (path.startsWith('/v1/') && !isAuthorized(req, options.apiKey)) return send(res, 401, errorBody(401, 'Unauthorized: expected "Authorization: Bearer <api key>"'));
  const get = method === 'GET' || method === 'HEAD';
  switch (path) {
    case '/health':
      return get ? send(res, 200, '') : notAllowed(res, method, path);
    case '/version':
      return get ? send(res, 200, JSON.stringify({ version: SIM_VERSION })) : notAllowed(res, method, path);
    case '/v1/models':
      return get ? send(res, 200, JSON.stringify(modelList(options))) : notAllowed(res, method, path);
    case '/metrics':
      if (!get) return notAllowed(res, method, path);
      res.writeHead(200, { 'content-type': engine.metrics.registry.contentType });
      res.end(await engine.metrics.registry.metrics());
      return;
    case '/v1/completions':
    case '/v1/chat/completions':
      if (method !== 'POST') return notAllowed(res, method, path);
      return handleGeneration(engine, path === '/v1/completions' ? 'completion' : 'chat', req, res, arrivedAt);
    default:
      if (isBatchPath(path)) return routeBatchApi(engine.batches, req, res, path);
      return send(res, 404, errorBody(404, `Not Found: ${path}`));
  }
}

/** A handler that threw: 500 with the reason while the headers are unsent, else cut the stream. */
export function failInternal(res: ServerResponse, error: unknown): void {
  if (!res.headersSent) send(res, 500, errorBody(500, `Internal simulator error: ${String(error)}`));
  else res.destroy();
}

function notAllowed(res: ServerResponse, method: string, path: string): void {
  send(res, 405, errorBody(405, `Method Not Allowed: ${method} ${path}`));
}
