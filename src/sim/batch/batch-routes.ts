// The simulator's OpenAI batch surface: POST /v1/files (multipart upload), GET /v1/files/{id}[/content],
// POST /v1/batches, GET /v1/batches[/{id}], POST /v1/batches/{id}/cancel. Errors OpenAI-shaped.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyBytes } from '../handle-generation.js';
import { errorBody } from '../protocol.js';
import { send } from '../routes.js';
import type { BatchStore, SimFile } from './batch-store.js';
import { multipartBoundary, parseMultipart } from './multipart.js';

const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;
const ENDPOINTS = ['/v1/chat/completions', '/v1/completions'];

/** True for the paths this module answers. */
export function isBatchPath(path: string): boolean {
  return path === '/v1/files' || path.startsWith('/v1/files/') || path === '/v1/batches' || path.startsWith('/v1/batches/');
}

const fileJson = ({ content: _content, ...file }: SimFile) => file;

/** Answer one files or batches request. */
export async function routeBatchApi(store: BatchStore, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  const fail = (status: number, message: string) => send(res, status, errorBody(status, message));
  const parts = path.split('/').slice(2); // ['files' | 'batches', id?, action?]
  const [collection, id, action] = parts;
  if (collection === 'files') {
    if (id === undefined) return method === 'POST' ? upload(store, req, res) : fail(405, `Method Not Allowed: ${method} ${path}`);
    const file = store.files.get(id);
    if (file === undefined) return fail(404, `No such File object: ${id}`);
    if (method !== 'GET') return fail(405, `Method Not Allowed: ${method} ${path}`);
    if (action === 'content') return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.content.length }).end(file.content);
    return action === undefined ? send(res, 200, JSON.stringify(fileJson(file))) : fail(404, `Not Found: ${path}`);
  }
  if (id === undefined) {
    if (method === 'GET') return send(res, 200, JSON.stringify({ object: 'list', data: [...store.batches.values()], has_more: false }));
    return method === 'POST' ? createBatch(store, req, res) : fail(405, `Method Not Allowed: ${method} ${path}`);
  }
  const batch = store.batches.get(id);
  if (batch === undefined) return fail(404, `No such Batch object: ${id}`);
  if (action === 'cancel' && method === 'POST') {
    store.cancel(batch);
    return send(res, 200, JSON.stringify(batch));
  }
  return action === undefined && method === 'GET' ? send(res, 200, JSON.stringify(batch)) : fail(404, `Not Found: ${method} ${path}`);
}

async function upload(store: BatchStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const fail = (status: number, message: string) => send(res, status, errorBody(status, message));
  const boundary = multipartBoundary(req.headers['content-type']);
  if (boundary === undefined) return fail(400, 'Expected a multipart/form-data upload with "purpose" and "file"');
  const body = await readBodyBytes(req, MAX_UPLOAD_BYTES);
  if (body === undefined) return fail(413, `File larger than ${MAX_UPLOAD_BYTES} bytes`);
  let parts;
  try {
    parts = parseMultipart(body, boundary);
  } catch (error) {
    return fail(400, `Malformed multipart body: ${(error as Error).message}`);
  }
  const purpose = parts.find((p) => p.name === 'purpose')?.data.toString('utf8');
  const file = parts.find((p) => p.name === 'file');
  if (file === undefined) return fail(400, 'Missing the "file" part');
  if (purpose !== 'batch') return fail(400, `purpose: expected "batch", got ${JSON.stringify(purpose ?? null)}`);
  send(res, 200, JSON.stringify(fileJson(store.addFile(file.filename ?? 'upload.jsonl', purpose, file.data))));
}

async function createBatch(store: BatchStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const fail = (status: number, message: string) => send(res, status, errorBody(status, message));
  const raw = await readBodyBytes(req, 1024 * 1024);
  let body: { input_file_id?: unknown; endpoint?: unknown; completion_window?: unknown; metadata?: unknown };
  try {
    body = JSON.parse(raw?.toString('utf8') ?? '') as typeof body;
  } catch {
    return fail(400, 'Expected a JSON body {input_file_id, endpoint, completion_window}');
  }
  if (typeof body.input_file_id !== 'string' || !store.files.has(body.input_file_id)) return fail(400, `input_file_id: no such file ${JSON.stringify(body.input_file_id ?? null)}`);
  if (typeof body.endpoint !== 'string' || !ENDPOINTS.includes(body.endpoint)) return fail(400, `endpoint: expected one of ${ENDPOINTS.join(', ')}, got ${JSON.stringify(body.endpoint ?? null)}`);
  if (body.completion_window !== '24h') return fail(400, `completion_window: expected "24h", got ${JSON.stringify(body.completion_window ?? null)}`);
  const metadata = typeof body.metadata === 'object' && body.metadata !== null ? (body.metadata as Record<string, string>) : null;
  send(res, 200, JSON.stringify(store.create(body.input_file_id, body.endpoint, '24h', metadata)));
}
