// The OpenAI files + batches API as the client needs it: upload a JSONL file (multipart), create a
// batch on it, read its status, download a file, cancel. One undici request per call; a non-2xx
// answer is an error naming the call, the status and the server's message.
import { Blob } from 'node:buffer';
import { FormData } from 'undici';
import { requestUrl } from '../../exec/http.js';
import { BenchError } from '../../errors.js';
import { splitTarget } from '../engine/client.js';

/** The fields of an OpenAI batch object that the client reads. */
export interface BatchObject {
  id: string;
  status: string;
  output_file_id?: string | null;
  error_file_id?: string | null;
  created_at?: number;
  in_progress_at?: number | null;
  finalizing_at?: number | null;
  completed_at?: number | null;
  request_counts?: { total: number; completed: number; failed: number };
  errors?: { data?: Array<{ message?: string; line?: number | null }> } | null;
}

/** Statuses after which a batch never changes again. */
export const TERMINAL_BATCH_STATUSES: readonly string[] = ['completed', 'failed', 'expired', 'cancelled'];

interface BatchApi {
  upload(jsonl: string, filename: string): Promise<string>;
  create(inputFileId: string, endpoint: string): Promise<BatchObject>;
  get(id: string): Promise<BatchObject>;
  content(fileId: string): Promise<string>;
  cancel(id: string): Promise<void>;
}

/** The batch API of a server (base URL as for streaming; a trailing /v1 is accepted). */
export function batchApi(url: string, apiKey?: string): BatchApi {
  const { origin, prefix } = splitTarget(url);
  const auth: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const redact = (text: string) => (apiKey ? text.split(apiKey).join('[redacted]') : text);
  const call = async (what: string, path: string, init: Parameters<typeof requestUrl>[1]): Promise<string> => {
    let res;
    try {
      res = await requestUrl(`${origin}${prefix}${path}`, { ...init, headers: { ...auth, ...(init?.headers as Record<string, string> | undefined) } });
    } catch (error) {
      throw new BenchError(`${what}: ${redact((error as Error).message)}`, { cause: error });
    }
    const text = await res.body.text();
    if (res.statusCode >= 200 && res.statusCode < 300) return text;
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    throw new BenchError(`${what}: HTTP ${res.statusCode}: ${redact(message)}`, { hint: res.statusCode === 404 ? 'the server has no OpenAI batch API (/v1/files, /v1/batches)' : undefined });
  };
  const json = <T>(text: string): T => JSON.parse(text) as T;
  return {
    async upload(jsonl, filename) {
      const form = new FormData();
      form.append('purpose', 'batch');
      form.append('file', new Blob([jsonl], { type: 'application/jsonl' }), filename);
      return json<{ id: string }>(await call('upload the batch file', '/v1/files', { method: 'POST', body: form })).id;
    },
    async create(inputFileId, endpoint) {
      const body = JSON.stringify({ input_file_id: inputFileId, endpoint, completion_window: '24h' });
      return json<BatchObject>(await call('create the batch', '/v1/batches', { method: 'POST', body, headers: { 'content-type': 'application/json' } }));
    },
    get: async (id) => json<BatchObject>(await call('read the batch status', `/v1/batches/${encodeURIComponent(id)}`, { method: 'GET' })),
    content: (fileId) => call('download the batch output', `/v1/files/${encodeURIComponent(fileId)}/content`, { method: 'GET' }),
    async cancel(id) {
      await call('cancel the batch', `/v1/batches/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
    },
  };
}
