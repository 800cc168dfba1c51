// The service room's small HTTP needs (health, model list) through the one HTTP helper
// (src/exec/http.ts), with a timeout and the Bearer key; the key is never part of an error message.
// A 401/403 is an authentication problem (ServiceAuthError), never "unreachable" or "no answer".
import { httpRequest } from '../exec/http.js';
import { ServiceAuthError, ServiceError } from '../errors.js';

interface GetOptions {
  apiKey?: string | undefined;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

const AUTH_REFUSED = new Set([401, 403]);

/** GET url; resolves with status and body text, rejects on connection errors and timeouts. */
async function httpGet(url: string, options: GetOptions = {}): Promise<{ status: number; text: string }> {
  const res = await httpRequest(url, {
    headers: options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` },
    timeoutMs: options.timeoutMs ?? 5000,
    signal: options.signal,
  });
  return { status: res.status, text: await res.text() };
}

/** Model ids from GET /v1/models; rejects unless the server answers 200 with an OpenAI list (ServiceAuthError for 401/403). */
export async function fetchModelIds(baseUrl: string, options: GetOptions = {}): Promise<string[]> {
  const res = await httpGet(`${baseUrl}/v1/models`, options);
  if (AUTH_REFUSED.has(res.status)) throw new ServiceAuthError(res.status, 'GET /v1/models', options.apiKey !== undefined);
  if (res.status !== 200) throw new Error(`GET /v1/models answered ${res.status}`);
  const body = JSON.parse(res.text) as { data?: Array<{ id?: unknown }> };
  if (!Array.isArray(body.data)) throw new Error('GET /v1/models: expected {data: [...]}');
  return body.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
}

/**
 * /health then /v1/models: the listed models once both answer, undefined while the server is not
 * there yet. A server that refuses the credentials is not "not ready": that throws, naming the service.
 */
export async function probeModels(url: string, options: GetOptions & { serviceId: string }): Promise<string[] | undefined> {
  try {
    const health = await httpGet(`${url}/health`, { timeoutMs: 3000, signal: options.signal, apiKey: options.apiKey });
    if (AUTH_REFUSED.has(health.status)) throw new ServiceAuthError(health.status, 'GET /health', options.apiKey !== undefined);
    if (health.status !== 200) return undefined;
    return await fetchModelIds(url, { timeoutMs: 5000, apiKey: options.apiKey, signal: options.signal });
  } catch (error) {
    if (!(error instanceof ServiceAuthError)) return undefined;
    throw new ServiceError(`Service ${options.serviceId} is up but refuses aibench: ${error.message}`, { code: error.code, hint: `${error.hint} The job was left running; stop it with \`aibench service stop ${options.serviceId}\`.`, cause: error });
  }
}
