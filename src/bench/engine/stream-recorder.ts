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
  return new Recorder(req, redact);
}

class Recorder implements StreamRecorder {
  readonly record: RequestRecord;
  readonly #texts: string[] = [];
  readonly #parser: SseParser;
  #usageOut: number | undefined;
  #errorBody = '';
  /** The read time of the bytes being parsed: every event they hold happened then. */
  #now = 0;
  #malformed = 0;
  #sawDone = false;
  #settled = false;
  #started = false;

  constructor(private readonly req: RecordedRequest, private readonly redact: (text: string) => string) {
    this.record = {
      index: req.index, startMs: 0, scheduledMs: 0, chunkTimesMs: [], endMs: 0, success: false,
      promptTokens: req.promptTokens, outputTokens: 0, outputTokensSource: 'chunks', expectedOutputTokens: req.maxTokens,
    };
    if (req.warmup) this.record.warmup = true;
    if (req.client !== undefined) this.record.client = req.client;
    if (req.session !== undefined) this.record.session = req.session;
    if (req.turn !== undefined) this.record.turn = req.turn;
    if (req.thinkMs !== undefined) this.record.thinkMs = req.thinkMs;
    this.#parser = createSseParser((data) => this.#event(data));
  }

  start(nowMs: number, scheduledMs?: number): void {
    this.#started = true;
    this.record.startMs = nowMs;
    this.record.scheduledMs = scheduledMs ?? nowMs;
  }

  status(code: number): void {
    this.record.status = code;
  }

  data(chunk: Uint8Array, nowMs: number): void {
    if (this.record.status !== 200) {
      if (this.#errorBody.length < 1000) this.#errorBody += Buffer.from(chunk).toString('utf8');
      return;
    }
    this.#now = nowMs;
    this.#parser.push(chunk);
  }

  end(nowMs: number): RequestRecord {
    if (this.record.status === 200) this.#parser.end();
    return this.#settle(nowMs, undefined);
  }

  fail(message: string, nowMs: number): RequestRecord {
    return this.#settle(nowMs, message);
  }

  cut(reason: CutReason, nowMs: number): RequestRecord {
    if (this.#settled) return this.record;
    this.record.cut = true;
    this.record.cutReason = reason;
    if (!this.#started) this.record.startMs = this.record.scheduledMs = nowMs;
    return this.#settle(nowMs, CUT_MESSAGES[reason]);
  }

  // One SSE event: [DONE], a chunk with content and/or usage, or data that is not JSON (counted).
  #event(data: string): void {
    if (data === '[DONE]') return void (this.#sawDone = true);
    let chunk: StreamChunk;
    try {
      chunk = JSON.parse(data) as StreamChunk;
    } catch {
      this.#malformed++;
      return;
    }
    const text = chunkText(chunk);
    if (text !== '') {
      this.record.chunkTimesMs.push(this.#now);
      this.#texts.push(text);
    }
    const usage = chunk.usage;
    if (usage) {
      if (typeof usage.completion_tokens === 'number') this.#usageOut = usage.completion_tokens;
      if (typeof usage.prompt_tokens === 'number') this.record.promptTokens = usage.prompt_tokens;
    }
  }

  #settle(nowMs: number, error: string | undefined): RequestRecord {
    const record = this.record;
    if (this.#settled) return record;
    this.#settled = true;
    record.endMs = nowMs;
    this.#countOutput();
    this.req.onText?.(this.#texts.join(''));
    if (record.status === 200 && !record.cut) {
      if (this.#malformed > 0) record.malformedEvents = this.#malformed;
      if (error === undefined) record.done = this.#sawDone;
    }
    if (error === undefined && record.status === 200 && record.chunkTimesMs.length === 0) error = 'stream ended without any content';
    if (error !== undefined) record.error = this.redact(error).slice(0, 500);
    else if (record.status !== 200) record.error = this.redact(`HTTP ${record.status ?? '?'}: ${this.#errorBody.trim()}`).slice(0, 500);
    else record.success = true;
    return record;
  }

  // Output tokens: the server's usage, else the tokenizer's count of the text, else the content chunks.
  #countOutput(): void {
    const record = this.record;
    if (this.#usageOut !== undefined) {
      record.outputTokens = this.#usageOut;
      record.outputTokensSource = 'usage';
    } else if (this.req.countTokens && this.#texts.length > 0) {
      record.outputTokens = this.req.countTokens(this.#texts.join(''));
      record.outputTokensSource = 'tokenizer';
    } else {
      record.outputTokens = record.chunkTimesMs.length;
    }
  }
}
