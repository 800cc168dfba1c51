// `--request-log FILE`: one JSON line per finished generation request, so a test (or a person) can
// see what the server saw: when it arrived, was admitted, sent its first token and ended (epoch ms),
// its token counts, and for chat the roles, lengths and first characters of its messages.
import { createWriteStream, type WriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';

interface RequestLogEntry {
  kind: 'completion' | 'chat';
  arrivedMs: number;
  admittedMs: number;
  firstTokenMs: number;
  endMs: number;
  promptTokens: number;
  cachedTokens: number;
  outputTokens: number;
  messages?: ReadonlyArray<{ role: string; content: string }>;
}

const epoch = (monoMs: number): number => Math.round((performance.timeOrigin + monoMs) * 1000) / 1000;

/** An append-only JSONL log; close() flushes it. */
export class RequestLog {
  readonly #out: WriteStream;

  constructor(path: string) {
    this.#out = createWriteStream(path, { flags: 'a', mode: 0o600 });
  }

  write(e: RequestLogEntry): void {
    this.#out.write(`${JSON.stringify({
      kind: e.kind, arrived_at: epoch(e.arrivedMs), admitted_at: epoch(e.admittedMs), first_token_at: epoch(e.firstTokenMs), ended_at: epoch(e.endMs),
      prompt_tokens: e.promptTokens, cached_tokens: e.cachedTokens, output_tokens: e.outputTokens,
      ...(e.messages === undefined ? {} : { messages: e.messages.map((m) => ({ role: m.role, length: m.content.length, head: m.content.slice(0, 32) })) }),
    })}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#out.end(resolve));
  }
}
