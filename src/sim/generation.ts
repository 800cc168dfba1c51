// One completion request from admission to the last byte: emits tokens at their absolute
// deadlines (see latency.ts and deadline-timer.ts), streams SSE or answers once, records metrics.
import type { ServerResponse } from 'node:http';
import type { SimEngine, Schedulable } from './engine.js';
import { prefillMs, tokenDeadline } from './latency.js';
import { EARLY_MS } from './deadline-timer.js';
import { SSE_DONE, chatStream, completionStream, fullResponse, nextId, type FinishReason, type StreamTemplates } from './chunks.js';
import { outputText } from './tokens.js';

/** Everything decided before the request is queued. */
export interface GenerationPlan {
  kind: 'completion' | 'chat';
  /** Model name echoed in responses (the one the client asked for). */
  model: string;
  stream: boolean;
  includeUsage: boolean;
  promptTokens: number;
  outputTokens: number;
  finish: FinishReason;
  /** The prompt's token ids, when a prefix cache looks them up. */
  promptIds?: readonly number[];
  /** Chat messages, kept for the request log. */
  messages?: ReadonlyArray<{ role: string; content: string }>;
}

/** Most tokens one stream writes in a single timer turn (itl 0 would otherwise hog the loop). */
const MAX_BURST = 64;

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' } as const;

/** A request in the batch; created by the HTTP layer, driven by the engine's timer. */
export class Generation implements Schedulable {
  private readonly id: string;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly templates: StreamTemplates | undefined;
  private admittedAt = 0;
  /** When the first token was really written (the deadline is firstAt; a late timer makes this later). */
  private firstEmittedAt = 0;
  private cachedTokens = 0;
  private firstAt = 0;
  private nextAt = 0;
  private lastEmitAt = 0;
  private emitted = 0;
  private done = false;
  private paused = false;

  constructor(
    private readonly engine: SimEngine,
    private readonly plan: GenerationPlan,
    private readonly res: ServerResponse,
    /** When the HTTP request arrived (before its body was read), like vLLM's arrival_time. */
    private readonly arrivedAt: number,
  ) {
    this.id = nextId(plan.kind === 'chat' ? 'chatcmpl' : 'cmpl');
    if (plan.stream) {
      this.templates = (plan.kind === 'chat' ? chatStream : completionStream)(this.id, this.created, plan.model);
      // Headers go out at once, like vLLM's StreamingResponse; tokens follow at their deadlines.
      res.writeHead(200, SSE_HEADERS);
      res.flushHeaders();
    }
    // 'close' before the response finished means the client went away: free the slot.
    res.on('close', () => {
      if (!this.done) this.stop();
    });
    res.on('drain', this.resume);
  }

  /** Queue this generation on its engine. */
  start(): void {
    this.engine.submit(this, this.arrivedAt);
  }

  admit(now: number): void {
    if (this.done) return;
    this.admittedAt = now;
    const { prefixCache, metrics } = this.engine;
    if (prefixCache !== undefined && this.plan.promptIds !== undefined) {
      // Only the tokens not found cached are prefilled (vLLM's automatic prefix caching).
      this.cachedTokens = prefixCache.admit(this.plan.promptIds);
      metrics.prefixQueries.inc(this.plan.promptTokens);
      metrics.prefixHits.inc(this.cachedTokens);
    }
    this.firstAt = now + prefillMs(this.engine.options, this.plan.promptTokens - this.cachedTokens, this.engine.rng);
    this.nextAt = this.firstAt;
    this.engine.timer.at(this.firstAt, this.tick);
  }

  cut(): void {
    this.done = true;
    this.res.destroy();
  }

  private stop(): void {
    this.done = true;
    this.engine.release(this);
  }

  private readonly resume = (): void => {
    if (!this.paused || this.done) return;
    this.paused = false;
    this.engine.timer.at(this.nextAt, this.tick);
  };

  // Emit every token whose deadline has come (at most MAX_BURST), in one socket write.
  private readonly tick = (): void => {
    if (this.done || this.paused) return;
    const { engine, plan, templates } = this;
    const { metrics, options, rng } = engine;
    const now = performance.now();
    let out = '';
    let count = 0;
    do {
      const k = this.emitted;
      if (k === 0) {
        this.firstEmittedAt = now;
        metrics.promptTokens.inc(plan.promptTokens);
        metrics.ttft.observe((now - this.arrivedAt) / 1000);
        if (templates) out += templates.opening;
      } else {
        metrics.itl.observe((now - this.lastEmitAt) / 1000);
      }
      this.lastEmitAt = now;
      this.emitted = k + 1;
      const last = this.emitted === plan.outputTokens;
      if (templates) out += last ? templates.last(k, plan.finish) : templates.token(k);
      count++;
      if (last) break;
      this.nextAt = tokenDeadline(options, this.firstAt, this.nextAt, this.emitted, rng);
    } while (this.nextAt <= now + EARLY_MS && count < MAX_BURST);
    metrics.generationTokens.inc(count);
    if (this.emitted === plan.outputTokens) {
      this.finish(out, now);
      return;
    }
    if (out !== '' && !this.res.write(out)) {
      this.paused = true; // the client reads slower than we generate: wait for 'drain'
      return;
    }
    engine.timer.at(this.nextAt, this.tick);
  };

  private finish(out: string, now: number): void {
    const { plan, engine } = this;
    const usage = { prompt_tokens: plan.promptTokens, total_tokens: plan.promptTokens + plan.outputTokens, completion_tokens: plan.outputTokens };
    this.done = true;
    if (this.templates) {
      this.res.end(out + (plan.includeUsage ? this.templates.usage(usage) : '') + SSE_DONE);
    } else {
      const body = fullResponse(plan.kind, this.id, this.created, plan.model, outputText(plan.outputTokens), plan.finish, usage);
      this.res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }
    const { metrics } = engine;
    metrics.e2e.observe((now - this.arrivedAt) / 1000);
    // Observed when the request finishes, as vLLM v1 does; queue + prefill = the server's TTFT exactly.
    metrics.queue.observe((this.admittedAt - this.arrivedAt) / 1000);
    metrics.prefill.observe((this.firstEmittedAt - this.admittedAt) / 1000);
    metrics.decode.observe((now - this.firstEmittedAt) / 1000);
    metrics.inference.observe((now - this.admittedAt) / 1000);
    metrics.success(plan.finish);
    engine.log?.write({
      kind: plan.kind, arrivedMs: this.arrivedAt, admittedMs: this.admittedAt, firstTokenMs: this.firstAt, endMs: now,
      promptTokens: plan.promptTokens, cachedTokens: this.cachedTokens, outputTokens: plan.outputTokens, ...(plan.messages === undefined ? {} : { messages: plan.messages }),
    });
    engine.release(this);
  }
}
