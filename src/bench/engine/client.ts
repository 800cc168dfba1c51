// The one HTTP client setup for benchmarking: an undici Pool sized to the concurrency, and a
// streaming request that records raw monotonic timestamps. Errors land in the record, never thrown.
import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import { createSseParser } from './sse.js';
import type { RequestRecord } from './types.js';

export type BenchApi = 'completions' | 'chat';

export interface BenchClientOptions {
  /** Base URL of the OpenAI-compatible server, e.g. http://127.0.0.1:8000 (a trailing /v1 is accepted). */
  url: string;
  /** Sockets to open: the concurrency (or the cap in rate mode), so no request waits for a socket. */
  connections: number;
  /** Bearer token; never logged, never put in a record. */
  apiKey?: string;
  /** Time to the response headers (includes queueing and prefill) and max gap between body chunks. */
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

export interface StreamRequest {
  index: number;
  model: string;
  api: BenchApi;
  prompt: string;
  promptTokens: number;
  maxTokens: number;
  /** When the schedule wanted it sent (monotonic ms); defaults to the actual start. */
  scheduledMs?: number;
  warmup?: boolean;
  /** Counts output tokens from text when the server sends no usage. */
  countTokens?: (text: string) => number;
}

export interface BenchClient {
  readonly origin: string;
  /** Send one streaming request; resolves with its record (success or failure) and never rejects. */
  send(request: StreamRequest, signal?: AbortSignal): Promise<RequestRecord>;
  /** GET a JSON document (models, version); undefined on any failure. */
  getJson(path: string, timeoutMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

/** Split a target URL into origin and path prefix (so both http://h:8000 and http://h:8000/v1 work). */
export function splitTarget(url: string): { origin: string; prefix: string } {
  const parsed = new URL(url);
  const prefix = parsed.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return { origin: parsed.origin, prefix };
}

/** The JSON body vLLM's benchmark sends: streamed, usage in the last chunk, exact output length. */
export function requestBody(req: StreamRequest): string {
  const common = { model: req.model, stream: true, stream_options: { include_usage: true }, max_tokens: req.maxTokens, ignore_eos: true, temperature: 0 };
  if (req.api === 'chat') return JSON.stringify({ ...common, messages: [{ role: 'user', content: req.prompt }] });
  return JSON.stringify({ ...common, prompt: req.prompt });
}

interface StreamChunk {
  choices?: Array<{ text?: string | null; delta?: { content?: string | null; reasoning_content?: string | null } }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/** The content text a chunk carries ('' for role-only, usage-only and empty chunks). */
export function chunkText(chunk: StreamChunk): string {
  const choice = chunk.choices?.[0];
  if (choice === undefined) return '';
  if (typeof choice.text === 'string') return choice.text;
  return choice.delta?.content || choice.delta?.reasoning_content || '';
}

function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}

/** Create the pool and the request function for one target. */
export function createBenchClient(options: BenchClientOptions): BenchClient {
  const { origin, prefix } = splitTarget(options.url);
  const pool = new Pool(origin, {
    connections: Math.max(1, options.connections),
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: options.headersTimeoutMs ?? 600_000,
    bodyTimeout: options.bodyTimeoutMs ?? 300_000,
  });
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const paths = { completions: `${prefix}/v1/completions`, chat: `${prefix}/v1/chat/completions` };

  const send = (req: StreamRequest, signal?: AbortSignal): Promise<RequestRecord> =>
    new Promise((resolve) => {
      const body = requestBody(req);
      const record: RequestRecord = {
        index: req.index,
        startMs: 0,
        scheduledMs: 0,
        chunkTimesMs: [],
        endMs: 0,
        success: false,
        promptTokens: req.promptTokens,
        outputTokens: 0,
        outputTokensSource: 'chunks',
        expectedOutputTokens: req.maxTokens,
      };
      if (req.warmup) record.warmup = true;
      const texts: string[] = [];
      let usageOut: number | undefined;
      let errorBody = '';
      let chunkNow = 0;
      let settled = false;
      const parser = createSseParser((data) => {
        if (data === '[DONE]') return;
        let chunk: StreamChunk;
        try {
          chunk = JSON.parse(data) as StreamChunk;
        } catch {
          return;
        }
        const text = chunkText(chunk);
        if (text !== '') {
          record.chunkTimesMs.push(chunkNow);
          texts.push(text);
        }
        const usage = chunk.usage;
        if (usage) {
          if (typeof usage.completion_tokens === 'number') usageOut = usage.completion_tokens;
          if (typeof usage.prompt_tokens === 'number') record.promptTokens = usage.prompt_tokens;
        }
      });
      const finish = (error?: string): void => {
        if (settled) return;
        settled = true;
        record.endMs = performance.now();
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined && record.status === 200) parser.end();
        if (usageOut !== undefined) {
          record.outputTokens = usageOut;
          record.outputTokensSource = 'usage';
        } else if (req.countTokens && texts.length > 0) {
          record.outputTokens = req.countTokens(texts.join(''));
          record.outputTokensSource = 'tokenizer';
        } else {
          record.outputTokens = record.chunkTimesMs.length;
        }
        if (error === undefined && record.status === 200 && record.chunkTimesMs.length === 0) error = 'stream ended without any content';
        if (error !== undefined) record.error = redact(error, options.apiKey).slice(0, 500);
        else if (record.status !== 200) record.error = redact(`HTTP ${record.status}: ${errorBody.trim()}`, options.apiKey).slice(0, 500);
        else record.success = true;
        resolve(record);
      };
      let controller: Dispatcher.DispatchController | undefined;
      const onAbort = (): void => {
        record.cut = true;
        if (controller) controller.abort(new Error('cut at the deadline'));
        else finish('cut at the deadline');
      };
      if (signal?.aborted) {
        record.startMs = record.scheduledMs = performance.now();
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      record.startMs = performance.now();
      record.scheduledMs = req.scheduledMs ?? record.startMs;
      pool.dispatch(
        { origin, path: paths[req.api], method: 'POST', headers, body },
        {
          onRequestStart: (ctl) => {
            controller = ctl;
          },
          onResponseStart: (_ctl, statusCode) => {
            record.status = statusCode;
          },
          onResponseData: (_ctl, chunk) => {
            if (record.status !== 200) {
              if (errorBody.length < 1000) errorBody += chunk.toString('utf8');
              return;
            }
            chunkNow = performance.now();
            parser.push(chunk);
          },
          onResponseEnd: () => finish(),
          onResponseError: (_ctl, error) => finish(record.cut ? 'cut at the deadline' : error.message),
        },
      );
    });

  const getJson = async (path: string, timeoutMs = 10_000): Promise<unknown> => {
    try {
      const res = await pool.request({
        path: `${prefix}${path}`,
        method: 'GET',
        headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      if (res.statusCode !== 200) {
        await res.body.dump();
        return undefined;
      }
      return await res.body.json();
    } catch {
      return undefined;
    }
  };

  return { origin, send, getJson, close: () => pool.close() };
}
