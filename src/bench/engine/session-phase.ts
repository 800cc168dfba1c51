// The measured phase of a multi-turn benchmark: sessions are the unit of concurrency (a closed loop
// of N sessions, or sessions starting at a rate). A session sends its conversation's user turns in
// order on the chat API, each carrying the whole history (system prompt, earlier turns and the
// model's actual replies), pausing a seeded think time between a reply and the next turn. Every turn
// is one request record, tagged with its session and turn; a failed turn ends its session.
import { performance } from 'node:perf_hooks';
import { createRng } from '../../common/rng.js';
import { sleep } from '../../common/sleep.js';
import type { Conversation } from '../datasets/conversation.js';
import { Pending, tally } from './in-flight.js';
import { runUnits, type Arrival, type Launcher, type PhaseCounts, type PhaseOptions, type PhaseResult } from './phase.js';
import { shareSeed } from './share.js';
import type { RequestRecord } from './types.js';

interface SessionPhaseOptions extends PhaseOptions {
  conversations: readonly Conversation[];
  /** Mean think time between a reply and the next turn (exponential); 0 = none. */
  thinkTimeMs: number;
}

/** The think time before turn `turn` of session `session`: exponential with the given mean, seeded by both (0 for the first turn). */
function thinkTime(seed: number, session: number, turn: number, meanMs: number): number {
  if (turn === 0 || meanMs <= 0) return 0;
  const random = createRng(shareSeed(seed, session * 65_537 + turn));
  return -meanMs * Math.log(1 - random());
}

type Message = { role: string; content: string };

/** The sessions of a phase in flight: each launch runs one whole conversation. */
class Sessions extends Pending implements Launcher {
  readonly counts: PhaseCounts = { sent: 0, completed: 0, failed: 0, inFlight: 0 };
  readonly records: RequestRecord[] = [];
  started = 0;

  constructor(private readonly o: SessionPhaseOptions, private readonly stopStarting: AbortSignal, private readonly cut: AbortSignal) {
    super();
  }

  launch(scheduledMs?: number, _arrival?: Arrival): Promise<void> {
    const session = this.started++ * (this.o.indexStride ?? 1) + (this.o.indexBase ?? 0);
    const conversation = this.o.conversations[session % this.o.conversations.length] as Conversation;
    return this.add(this.run(session, conversation, scheduledMs));
  }

  // One conversation, turn by turn; stops at the deadline (no new turn starts), on a failure or a cut.
  private async run(session: number, conversation: Conversation, firstScheduled?: number): Promise<void> {
    const o = this.o;
    const history: Message[] = conversation.system === undefined ? [] : [{ role: 'system', content: conversation.system }];
    let historyTokens = 0;
    let scheduled = firstScheduled;
    for (const [turn, t] of conversation.turns.entries()) {
      const thinkMs = thinkTime(o.seed, session, turn, o.thinkTimeMs);
      if (thinkMs > 0) {
        const pausedAt = performance.now();
        await sleep(thinkMs, this.stopStarting);
        scheduled = pausedAt + thinkMs; // when the pause should end: lateness past it is send lag
      }
      if (this.stopStarting.aborted) return;
      history.push({ role: 'user', content: t.prompt });
      let reply = '';
      const record = await this.send(session, turn, thinkMs, [...history], historyTokens + t.promptTokens, t.outputTokens, scheduled, (text) => (reply = text));
      if (!record.success) return;
      history.push({ role: 'assistant', content: reply });
      historyTokens = record.promptTokens + record.outputTokens;
      scheduled = undefined;
    }
  }

  private async send(session: number, turn: number, thinkMs: number, messages: Message[], promptTokens: number, maxTokens: number, scheduledMs: number | undefined, onText: (t: string) => void): Promise<RequestRecord> {
    const o = this.o;
    const index = o.offset + this.counts.sent++ * (o.indexStride ?? 1) + (o.indexBase ?? 0);
    this.counts.inFlight++;
    o.onProgress?.(this.counts);
    const record = await o.client.send({
      index, model: o.model, api: 'chat', prompt: messages[messages.length - 1]?.content ?? '', messages, promptTokens, maxTokens,
      scheduledMs, countTokens: o.countTokens, onText, session, turn, thinkMs, ...(o.clientIndex === undefined ? {} : { client: o.clientIndex }),
    }, this.cut);
    return tally(this, o, record);
  }
}

/** Run sessions to the stop condition (num_requests counts sessions here) and return every turn's record. */
export function runSessionPhase(opts: SessionPhaseOptions): Promise<PhaseResult> {
  return runUnits(opts, (control) => new Sessions(opts, control.stopStarting, control.cut), (sessions) => sessions.started);
}
