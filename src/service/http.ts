// The service room's small HTTP needs (health, model list) through the one HTTP helper
// (src/exec/http.ts), with a timeout and the Bearer key; the key is never part of an error message.
import { httpRequest } from '../exec/http.js';

export interface GetOptions {
  apiKey?: string | undefined;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

/** GET url; resolves with status and body text, rejects on connection errors and timeouts. */
export async function httpGet(url: string, options: GetOptions = {}): Promise<{ status: number; text: string }> {
  const res = await httpRequest(url, {
    headers: options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` },
    timeoutMs: options.timeoutMs ?? 5000,
    signal: options.signal,
  });
  return { status: res.status, text: await res.text() };
}

/** Model ids from GET /v1/models; rejects unless the server answers 200 with an OpenAI list. */
export async function fetchModelIds(baseUrl: string, options: GetOptions = {}): Promise<string[]> {
  const res = await httpGet(`${baseUrl}/v1/models`, options);
  if (res.status !== 200) throw new Error(`GET /v1/models answered ${res.status}`);
  const body = JSON.parse(res.text) as { data?: Array<{ id?: unknown }> };
  if (!Array.isArray(body.data)) throw new Error('GET /v1/models: expected {data: [...]}');
  return body.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
}
