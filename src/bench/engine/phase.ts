// One phase of load (warmup or measured): a closed loop of N workers, or an open loop at a rate
// with absolute send times and an optional cap, both over one in-flight tracker. Stops by count
// and/or deadline; at the deadline in-flight requests are cut, or finish within a bounded grace.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { gammaGaps } from './arrivals.js';
import type { BenchApi, BenchClient } from './client.js';
import type { DatasetEntry } from '../datasets/dataset.js';
import { canStart, type LoadPattern, type OnDeadline, type StopCondition } from './schedule.js';
import type { RequestRecord } from './types.js';
import { sleep } from '../../common/sleep.js';

export interface PhaseCounts {
  sent: number;
  completed: number;
  failed: number;
  inFlight: number;
}

export interface PhaseOptions {
  client: BenchClient;
  entries: readonly DatasetEntry[];
  /** Dataset position of this phase's first request (the measured phase continues after warmup). */
  offset: number;
  /** Request index = offset + i * indexStride + indexBase: several clients share one index space. */
  indexStride?: number;
  indexBase?: number;
  model: string;
  api: BenchApi;
  pattern: LoadPattern;
  stop: StopCondition;
  onDeadline: OnDeadline;
  /** Seconds `finish` lets in-flight requests run after the deadline before cutting them. */
  graceS: number;
  seed: number;
  warmup?: boolean;
  /** Which client (task or worker) this is, recorded on each request when there are several. */
  clientIndex?: number;
  countTokens?: (text: string) => number;
  /** Ctrl-C / cancel: stop starting requests and cut the ones in flight. */
  signal?: AbortSignal;
  /** Called after every start and completion with the live counts (cheap; the renderer throttles). */
  onProgress?: (counts: PhaseCounts) => void;
  /** Called with each finished record (a scale-out share streams them to its records file). */
  onRecord?: (record: RequestRecord) => void;
}

export interface PhaseResult {
  records: RequestRecord[];
  /** Monotonic ms at the phase start and when the last request ended (or the cut). */
  startMs: number;
  endMs: number;
  interrupted: boolean;
}

/** When requests may start and when in-flight ones are cut: the deadline, its grace, the user's abort. */
export interface PhaseControl {
  /** Aborted once no more requests may start. */
  readonly stopStarting: AbortSignal;
  /** Aborted (with a CutReason) when in-flight requests must be cut. */
  readonly cut: AbortSignal;
  readonly interrupted: boolean;
  dispose(): void;
}

/** Arm the deadline (and its grace) and listen for the user's abort. */
export function phaseControl(opts: Pick<PhaseOptions, 'stop' | 'onDeadline' | 'graceS' | 'signal'>): PhaseControl {
  const cut = new AbortController();
  const stopStarting = new AbortController();
  setMaxListeners(0, cut.signal, stopStarting.signal); // one listener per in-flight request, by design
  let interrupted = false;
  const timers: NodeJS.Timeout[] = [];
  const onUserAbort = (): void => {
    interrupted = true;
    stopStarting.abort();
    cut.abort('interrupted');
  };
  if (opts.signal?.aborted) onUserAbort();
  opts.signal?.addEventListener('abort', onUserAbort, { once: true });
  if (opts.stop.durationS !== undefined) {
    timers.push(setTimeout(() => {
      stopStarting.abort();
      if (opts.onDeadline === 'cut') cut.abort('deadline');
      else timers.push(setTimeout(() => cut.abort('grace'), opts.graceS * 1000));
    }, opts.stop.durationS * 1000));
  }
  return {
    stopStarting: stopStarting.signal,
    cut: cut.signal,
    get interrupted() {
      return interrupted;
    },
    dispose() {
      for (const timer of timers) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onUserAbort);
    },
  };
}

/** The requests of a phase in flight: launch, counts, records, waiting for a free slot, draining. */
class InFlight {
  readonly counts: PhaseCounts = { sent: 0, completed: 0, failed: 0, inFlight: 0 };
  readonly records: RequestRecord[] = [];
  readonly #pending = new Set<Promise<void>>();
  #slotFreed: (() => void) | undefined;

  constructor(private readonly opts: PhaseOptions, private readonly cut: AbortSignal) {}

  get size(): number {
    return this.#pending.size;
  }

  /** Send the phase's next request; resolves when it ended. */
  launch(scheduledMs?: number): Promise<void> {
    const o = this.opts;
    const i = this.counts.sent++;
    const index = o.offset + i * (o.indexStride ?? 1) + (o.indexBase ?? 0);
    const entry = o.entries[index % o.entries.length] as DatasetEntry; // by global index: shares send different prompts
    this.counts.inFlight++;
    o.onProgress?.(this.counts);
    const request = {
      index, model: o.model, api: o.api, prompt: entry.prompt,
      promptTokens: entry.promptTokens, maxTokens: entry.outputTokens, scheduledMs, warmup: o.warmup, countTokens: o.countTokens,
      ...(o.clientIndex === undefined ? {} : { client: o.clientIndex }),
    };
    const done: Promise<void> = o.client.send(request, this.cut).then((record) => {
      this.records.push(record);
      o.onRecord?.(record);
      this.counts.inFlight--;
      if (record.success) this.counts.completed++;
      else if (!record.cut) this.counts.failed++;
      this.#pending.delete(done);
      o.onProgress?.(this.counts);
      this.#slotFreed?.();
    });
    this.#pending.add(done);
    return done;
  }

  /** Wait until fewer than `cap` requests are in flight, or `stop` aborts. */
  async waitForSlot(cap: number, stop: AbortSignal): Promise<void> {
    while (this.#pending.size >= cap && !stop.aborted) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          stop.removeEventListener('abort', wake);
          resolve();
        };
        this.#slotFreed = wake;
        stop.addEventListener('abort', wake, { once: true });
      });
      this.#slotFreed = undefined;
    }
  }

  async drain(): Promise<void> {
    await Promise.all(this.#pending);
  }
}

/** Run one phase to its stop condition and return every record (cut ones included, marked). */
export async function runPhase(opts: PhaseOptions): Promise<PhaseResult> {
  const control = phaseControl(opts);
  const inFlight = new InFlight(opts, control.cut);
  const startMs = performance.now();
  const allowed = (): boolean => !control.stopStarting.aborted && canStart(opts.stop, inFlight.counts.sent, performance.now() - startMs);
  try {
    if (opts.pattern.kind === 'concurrency') await closedLoop(opts.pattern.concurrency, inFlight, allowed);
    else await openLoop(opts, opts.pattern, { inFlight, allowed, startMs, stop: control.stopStarting });
    await inFlight.drain();
  } finally {
    control.dispose();
  }
  return { records: inFlight.records, startMs, endMs: performance.now(), interrupted: control.interrupted };
}

// N workers, each sending its next request as soon as its last one ended.
async function closedLoop(concurrency: number, inFlight: InFlight, allowed: () => boolean): Promise<void> {
  const worker = async (): Promise<void> => {
    while (allowed()) await inFlight.launch();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface OpenLoopState {
  inFlight: InFlight;
  allowed: () => boolean;
  startMs: number;
  stop: AbortSignal;
}

// Requests at absolute times from seeded gamma gaps; a cap holds a request until a slot frees.
async function openLoop(opts: PhaseOptions, pattern: Extract<LoadPattern, { kind: 'rate' }>, s: OpenLoopState): Promise<void> {
  const { rate, burstiness, max_concurrency: cap } = pattern;
  const gaps = rate === 'inf' ? undefined : gammaGaps({ rate, burstiness, seed: opts.seed })[Symbol.iterator]();
  let offsetMs = 0;
  while (s.allowed()) {
    if (opts.stop.durationS !== undefined && offsetMs >= opts.stop.durationS * 1000) break;
    const scheduled = s.startMs + offsetMs;
    await sleep(scheduled - performance.now(), s.stop);
    if (cap !== undefined) await s.inFlight.waitForSlot(cap, s.stop);
    if (!s.allowed()) break;
    void s.inFlight.launch(scheduled);
    offsetMs += gaps === undefined ? 0 : (gaps.next().value as number);
  }
}
