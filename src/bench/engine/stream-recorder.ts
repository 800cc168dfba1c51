// One streamed response -> one RequestRecord. The transport feeds it events with the times it
// read them (start, status, body bytes, end, error, cut); the recorder never reads a clock, so a
// table of events is a complete test. Hot path: one SSE parse and one JSON.parse per event.
import { createSseParser, type SseParser } from './sse.js';
import type { CutReason, RequestRecord } from './types.js';

export interface RecordedRequest {
  index: number;
  promptTokens: number;
  maxTokens: number;
  warmup?: boolean;
  client?: number;
  /** Counts output tokens from text when the server sends no usage. */
  countTokens?: (text: string) => number;
  /** Called once with the whole generated text when the response ends (a session carries it as history). */
  onText?: (text: string) => void;
  /** Multi-turn: which session and which of its turns (0-based), and the think time waited before it. */
  session?: number;
  turn?: number;
  thinkMs?: number;
}

export interface StreamRecorder {
  readonly record: RequestRecord;
  /** The request went out at `nowMs`; `scheduledMs` is when the schedule wanted it (default: now). */
  start(nowMs: number, scheduledMs?: number): void;
  status(code: number): void;
  /** Body bytes read at `nowMs`. */
  data(chunk: Uint8Array, nowMs: number): void;
  /** The body ended. */
  end(nowMs: number): RequestRecord;
  /** The transport failed (reset, timeout, refused). */
  fail(message: string, nowMs: number): RequestRecord;
  /** The run cut the request off. */
  cut(reason: CutReason, nowMs: number): RequestRecord;
}

/** The error text a cut request carries, so a reader never mistakes why it was cut. */
export const CUT_MESSAGES: Record<CutReason, string> = {
  deadline: 'cut at the deadline (on_deadline: cut)',
  grace: 'cut: still running when the deadline grace ran out',
  interrupted: 'cut: the run was interrupted',
};

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

/** A recorder for one request; `redact` scrubs secrets from error text before it is stored. */
export function createStreamRecorder(req: RecordedRequest, redact: (text: string) => string = (t) => t): StreamRecorder {
  const record: RequestRecord = {
    index: req.index, startMs: 0, scheduledMs: 0, chunkTimesMs: [], endMs: 0, success: false,
    promptTokens: req.promptTokens, outputTokens: 0, outputTokensSource: 'chunks', expectedOutputTokens: req.maxTokens,
  };
  if (req.warmup) record.warmup = true;
  if (req.client !== undefined) record.client = req.client;
  if (req.session !== undefined) record.session = req.session;
  if (req.turn !== undefined) record.turn = req.turn;
  if (req.thinkMs !== undefined) record.thinkMs = req.thinkMs;
  const texts: string[] = [];
  let usageOut: number | undefined;
  let errorBody = '';
  let now = 0;
  let malformed = 0;
  let sawDone = false;
  let settled = false;
  let started = false;
  const parser: SseParser = createSseParser((data) => {
    if (data === '[DONE]') return void (sawDone = true);
    let chunk: StreamChunk;
    try {
      chunk = JSON.parse(data) as StreamChunk;
    } catch {
      malformed++;
      return;
    }
    const text = chunkText(chunk);
    if (text !== '') {
      record.chunkTimesMs.push(now);
      texts.push(text);
    }
    const usage = chunk.usage;
    if (usage) {
      if (typeof usage.completion_tokens === 'number') usageOut = usage.completion_tokens;
      if (typeof usage.prompt_tokens === 'number') record.promptTokens = usage.prompt_tokens;
    }
  });

  const settle = (nowMs: number, error: string | undefined): RequestRecord => {
    if (settled) return record;
    settled = true;
    record.endMs = nowMs;
    countOutput();
    req.onText?.(texts.join(''));
    if (record.status === 200 && !record.cut) {
      if (malformed > 0) record.malformedEvents = malformed;
      if (error === undefined) record.done = sawDone;
    }
    if (error === undefined && record.status === 200 && record.chunkTimesMs.length === 0) error = 'stream ended without any content';
    if (error !== undefined) record.error = redact(error).slice(0, 500);
    else if (record.status !== 200) record.error = redact(`HTTP ${record.status ?? '?'}: ${errorBody.trim()}`).slice(0, 500);
    else record.success = true;
    return record;
  };
  const countOutput = (): void => {
    if (usageOut !== undefined) {
      record.outputTokens = usageOut;
      record.outputTokensSource = 'usage';
    } else if (req.countTokens && texts.length > 0) {
      record.outputTokens = req.countTokens(texts.join(''));
      record.outputTokensSource = 'tokenizer';
    } else {
      record.outputTokens = record.chunkTimesMs.length;
    }
  };

  return {
    record,
    start(nowMs, scheduledMs) {
      started = true;
      record.startMs = nowMs;
      record.scheduledMs = scheduledMs ?? nowMs;
    },
    status(code) {
      record.status = code;
    },
    data(chunk, nowMs) {
      if (record.status !== 200) {
        if (errorBody.length < 1000) errorBody += Buffer.from(chunk).toString('utf8');
        return;
      }
      now = nowMs;
      parser.push(chunk);
    },
    end(nowMs) {
      if (record.status === 200) parser.end();
      return settle(nowMs, undefined);
    },
    fail: (message, nowMs) => settle(nowMs, message),
    cut(reason, nowMs) {
      if (settled) return record;
      record.cut = true;
      record.cutReason = reason;
      if (!started) record.startMs = record.scheduledMs = nowMs;
      return settle(nowMs, CUT_MESSAGES[reason]);
    },
  };
}
