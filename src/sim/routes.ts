// Small pieces of the simulator's HTTP surface: version, model list, API-key check, replies.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimOptions } from './options.js';
import { VERSION } from '../version.js';

/** aibench's package version, reported by GET /version. */
export const SIM_VERSION: string = VERSION;

const STARTED = Math.floor(Date.now() / 1000);

/** GET /v1/models in OpenAI list format, one entry per served name, as vLLM answers it. */
export function modelList(options: SimOptions) {
  return {
    object: 'list',
    data: options.servedModelNames.map((id) => ({
      id,
      object: 'model',
      created: STARTED,
      owned_by: 'vllm',
      root: options.model,
      parent: null,
      max_model_len: options.maxModelLen,
      permission: [],
    })),
  };
}

/** vLLM checks `Authorization: Bearer <key>` on /v1/* only; compared in constant time. */
export function isAuthorized(req: IncomingMessage, apiKey: string | undefined): boolean {
  if (apiKey === undefined) return true;
  const given = Buffer.from(req.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${apiKey}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Write a whole response; JSON unless the body is empty. */
export function send(res: ServerResponse, status: number, body: string): void {
  const headers = body === '' ? { 'content-length': '0' } : { 'content-type': 'application/json' };
  res.writeHead(status, headers).end(body);
}
