// One phase of load (warmup or measured): closed loop with N workers, or open loop at a rate with
// absolute send times and an optional concurrency cap. Stops by count and/or deadline; at the
// deadline in-flight requests finish or are cut.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { gammaGaps } from './arrivals.js';
import type { BenchApi, BenchClient } from './client.js';
import type { DatasetEntry } from '../datasets/dataset.js';
import { canStart, type LoadPattern, type OnDeadline, type StopCondition } from './schedule.js';
import type { RequestRecord } from './types.js';

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
  model: string;
  api: BenchApi;
  pattern: LoadPattern;
  stop: StopCondition;
  onDeadline: OnDeadline;
  seed: number;
  warmup?: boolean;
  countTokens?: (text: string) => number;
  /** Ctrl-C: stop starting requests and cut the ones in flight. */
  signal?: AbortSignal;
  /** Called after every start and completion with the live counts (cheap; the renderer throttles). */
  onProgress?: (counts: PhaseCounts) => void;
}

export interface PhaseResult {
  records: RequestRecord[];
  /** Monotonic ms at the phase start and when the last request ended (or the cut). */
  startMs: number;
  endMs: number;
  interrupted: boolean;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Run one phase to its stop condition and return every record (cut ones included, marked). */
export async function runPhase(opts: PhaseOptions): Promise<PhaseResult> {
  const records: RequestRecord[] = [];
  const counts: PhaseCounts = { sent: 0, completed: 0, failed: 0, inFlight: 0 };
  const cut = new AbortController(); // aborts in-flight requests (cut at deadline, or Ctrl-C)
  const stopStarting = new AbortController(); // wakes sleepers once no more requests may start
  setMaxListeners(0, cut.signal); // one listener per in-flight request, by design
  let interrupted = false;
  const onUserAbort = (): void => {
    interrupted = true;
    stopStarting.abort();
    cut.abort();
  };
  if (opts.signal?.aborted) onUserAbort();
  opts.signal?.addEventListener('abort', onUserAbort, { once: true });

  const startMs = performance.now();
  let deadlineTimer: NodeJS.Timeout | undefined;
  if (opts.stop.durationS !== undefined) {
    deadlineTimer = setTimeout(() => {
      stopStarting.abort();
      if (opts.onDeadline === 'cut') cut.abort();
    }, opts.stop.durationS * 1000);
  }
  const allowed = (): boolean => !stopStarting.signal.aborted && canStart(opts.stop, counts.sent, performance.now() - startMs);

  let slotFreed: (() => void) | undefined;
  stopStarting.signal.addEventListener('abort', () => slotFreed?.(), { once: true });
  const inFlight = new Set<Promise<void>>();
  const launch = (scheduledMs?: number): Promise<void> => {
    const i = counts.sent++;
    const entry = opts.entries[(opts.offset + i) % opts.entries.length] as DatasetEntry;
    counts.inFlight++;
    opts.onProgress?.(counts);
    const request = {
      index: opts.offset + i,
      model: opts.model,
      api: opts.api,
      prompt: entry.prompt,
      promptTokens: entry.promptTokens,
      maxTokens: entry.outputTokens,
      scheduledMs,
      warmup: opts.warmup,
      countTokens: opts.countTokens,
    };
    const done = opts.client.send(request, cut.signal).then((record) => {
      records.push(record);
      counts.inFlight--;
      if (record.success) counts.completed++;
      else if (!record.cut) counts.failed++;
      inFlight.delete(done);
      opts.onProgress?.(counts);
      slotFreed?.();
    });
    inFlight.add(done);
    return done;
  };

  if (opts.pattern.kind === 'concurrency') {
    const worker = async (): Promise<void> => {
      while (allowed()) await launch();
    };
    await Promise.all(Array.from({ length: opts.pattern.concurrency }, worker));
  } else {
    const { rate, burstiness, max_concurrency: cap } = opts.pattern;
    const gaps = rate === 'inf' ? undefined : gammaGaps({ rate, burstiness, seed: opts.seed })[Symbol.iterator]();
    let offsetMs = 0;
    while (allowed()) {
      const scheduled = startMs + offsetMs;
      if (opts.stop.durationS !== undefined && offsetMs >= opts.stop.durationS * 1000) break;
      await sleep(scheduled - performance.now(), stopStarting.signal);
      while (cap !== undefined && inFlight.size >= cap && !stopStarting.signal.aborted) {
        await new Promise<void>((resolve) => (slotFreed = resolve));
        slotFreed = undefined;
      }
      if (!allowed()) break;
      void launch(scheduled);
      offsetMs += gaps === undefined ? 0 : (gaps.next().value as number);
    }
  }
  await Promise.all(inFlight);
  clearTimeout(deadlineTimer);
  opts.signal?.removeEventListener('abort', onUserAbort);
  return { records, startMs, endMs: performance.now(), interrupted };
}
