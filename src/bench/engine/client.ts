// The one HTTP client setup for benchmarking: an undici Pool sized to the concurrency, and a
// streaming request whose events go to a StreamRecorder with the monotonic time they were read.
// Errors land in the record, never thrown.
import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import { createStreamRecorder, type RecordedRequest } from './stream-recorder.js';
import type { CutReason, RequestRecord } from './types.js';

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

interface StreamRequest extends RecordedRequest {
  model: string;
  api: BenchApi;
  prompt: string;
  /** When the schedule wanted it sent (monotonic ms); defaults to the actual start. */
  scheduledMs?: number;
  /** Chat only: the whole conversation so far (a multi-turn session), sent instead of one user message. */
  messages?: ReadonlyArray<{ role: string; content: string }>;
}

/** What a GET answered: a status and its body parsed as JSON (undefined when it is not), or the error that left no answer. */
type JsonAnswer = { status: number; body: unknown } | { error: string };

export interface BenchClient {
  readonly origin: string;
  /** Send one streaming request; resolves with its record and never rejects. Aborting `signal` with a CutReason cuts it. */
  send(request: StreamRequest, signal?: AbortSignal): Promise<RequestRecord>;
  /** GET a JSON document (models, version): the status and body (undefined when not JSON), or why nothing answered. */
  getJson(path: string, timeoutMs?: number): Promise<JsonAnswer>;
  close(): Promise<void>;
}

/** Split a target URL into origin and path prefix (so both http://h:8000 and http://h:8000/v1 work). */
export function splitTarget(url: string): { origin: string; prefix: string } {
  const parsed = new URL(url);
  const prefix = parsed.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return { origin: parsed.origin, prefix };
}

/** The JSON body vLLM's benchmark sends: streamed, usage in the last chunk, exact output length. */
export function requestBody(req: Pick<StreamRequest, 'model' | 'api' | 'prompt' | 'maxTokens' | 'messages'>): string {
  const common = { model: req.model, stream: true, stream_options: { include_usage: true }, max_tokens: req.maxTokens, ignore_eos: true, temperature: 0 };
  if (req.api === 'chat') return JSON.stringify({ ...common, messages: req.messages ?? [{ role: 'user', content: req.prompt }] });
  return JSON.stringify({ ...common, prompt: req.prompt });
}

/** The cut reason an abort carries; anything else (a plain abort) counts as an interruption. */
function cutReasonOf(reason: unknown): CutReason {
  return reason === 'deadline' || reason === 'grace' ? reason : 'interrupted';
}

/** What one target's requests share: its pool, paths and headers, and how to scrub its key from text. */
interface Target {
  pool: Pool;
  origin: string;
  prefix: string;
  paths: Record<BenchApi, string>;
  headers: Record<string, string>;
  apiKey?: string;
  redact: (text: string) => string;
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
  const secret = options.apiKey;
  const target: Target = {
    pool, origin, prefix, headers, paths: { completions: `${prefix}/v1/completions`, chat: `${prefix}/v1/chat/completions` },
    ...(secret ? { apiKey: secret } : {}),
    redact: (text) => (secret ? text.split(secret).join('[redacted]') : text),
  };
  return {
    origin,
    send: (req, signal) => sendStreaming(target, req, signal),
    getJson: (path, timeoutMs) => getJson(target, path, timeoutMs),
    close: () => pool.close(),
  };
}

// One streamed request: undici's dispatch handlers feed the recorder with the time each event was read.
function sendStreaming(t: Target, req: StreamRequest, signal?: AbortSignal): Promise<RequestRecord> {
  return new Promise((resolve) => {
    const recorder = createStreamRecorder(req, t.redact);
    if (signal?.aborted) return resolve(recorder.cut(cutReasonOf(signal.reason), performance.now()));
    let controller: Dispatcher.DispatchController | undefined;
    let cutBy: CutReason | undefined;
    const onAbort = (): void => {
      cutBy = cutReasonOf(signal?.reason);
      if (controller) controller.abort(new Error(cutBy));
      else resolve(recorder.cut(cutBy, performance.now()));
    };
    const settle = (record: RequestRecord): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve(record);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const body = requestBody(req);
    recorder.start(performance.now(), req.scheduledMs);
    t.pool.dispatch(
      { origin: t.origin, path: t.paths[req.api], method: 'POST', headers: t.headers, body },
      {
        onRequestStart: (ctl) => void (controller = ctl),
        onResponseStart: (_ctl, statusCode) => recorder.status(statusCode),
        onResponseData: (_ctl, chunk) => recorder.data(chunk, performance.now()),
        onResponseEnd: () => settle(recorder.end(performance.now())),
        onResponseError: (_ctl, error) => settle(cutBy ? recorder.cut(cutBy, performance.now()) : recorder.fail(error.message, performance.now())),
      },
    );
  });
}

// GET a JSON document: the status and parsed body (undefined when not JSON), or the error that left no answer.
async function getJson(t: Target, path: string, timeoutMs = 10_000): Promise<JsonAnswer> {
  try {
    const res = await t.pool.request({
      path: `${t.prefix}${path}`, method: 'GET', headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
      headers: t.apiKey ? { authorization: `Bearer ${t.apiKey}` } : {},
    });
    const text = await res.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, body };
  } catch (error) {
    return { error: t.redact((error as Error).message) };
  }
}
