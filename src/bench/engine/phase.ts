// One phase of load (warmup or measured): a closed loop of N workers, or an open loop at a rate
// with absolute send times and an optional cap, both over one in-flight tracker. Stops by count
// and/or deadline; at the deadline in-flight requests are cut, or finish within a bounded grace.
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { sleep } from '../../common/sleep.js';
import { arrivalOffsets } from './arrivals.js';
import type { BenchApi, BenchClient } from './client.js';
import type { DatasetEntry } from '../datasets/dataset.js';
import { InFlight } from './in-flight.js';
import { canStart, inFlightCap, type LoadPattern, type OnDeadline, type StopCondition } from './schedule.js';
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
  /** A trace's arrivals (its times and prompts), read as the phase goes; required for a trace pattern. */
  arrivals?: AsyncIterable<Arrival>;
}

/** One arrival of an open loop: when (ms after the phase start) and, from a trace, what to send as which request. */
export interface Arrival {
  offsetMs: number;
  entry?: DatasetEntry;
  index?: number;
}

/** What the loops start: one request each (InFlight), or one multi-turn session each (session-phase.ts). */
export interface Launcher {
  readonly size: number;
  /** Start the next unit; resolves when it ended. */
  launch(scheduledMs?: number, arrival?: Arrival): Promise<void>;
  /** Wait until fewer than `cap` units are in flight, or `stop` aborts. */
  waitForSlot(cap: number, stop: AbortSignal): Promise<void>;
}

export interface PhaseResult {
  records: RequestRecord[];
  /** Monotonic ms at the phase start and when the last request ended (or the cut). */
  startMs: number;
  endMs: number;
  interrupted: boolean;
}

/** When requests may start and when in-flight ones are cut: the deadline, its grace, the user's abort. */
interface PhaseControl {
  /** Aborted once no more requests may start. */
  readonly stopStarting: AbortSignal;
  /** Aborted (with a CutReason) when in-flight requests must be cut. */
  readonly cut: AbortSignal;
  readonly interrupted: boolean;
  dispose(): void;
}

/** Arm the deadline (and its grace) and listen for the user's abort. */
function phaseControl(opts: Pick<PhaseOptions, 'stop' | 'onDeadline' | 'graceS' | 'signal'>): PhaseControl {
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

/** Run one phase to its stop condition and return every record (cut ones included, marked). */
export function runPhase(opts: PhaseOptions): Promise<PhaseResult> {
  return runUnits(opts, (control) => new InFlight(opts, control.cut), (inFlight) => inFlight.counts.sent);
}

/** What runUnits drives: a launcher that keeps the records of what it ran and can wait for the rest. */
interface UnitRunner extends Launcher {
  readonly records: RequestRecord[];
  drain(): Promise<void>;
}

/**
 * The loop of a phase over any unit (a request, a session): closed at a concurrency or open at the
 * pattern's (or a trace's) arrivals, until the stop condition counts `started` units or the deadline.
 */
export async function runUnits<U extends UnitRunner>(opts: PhaseOptions, make: (control: PhaseControl) => U, started: (units: U) => number): Promise<PhaseResult> {
  const control = phaseControl(opts);
  const units = make(control);
  const startMs = performance.now();
  const allowed = (): boolean => !control.stopStarting.aborted && canStart(opts.stop, started(units), performance.now() - startMs);
  try {
    if (opts.pattern.kind === 'concurrency') await closedLoop(opts.pattern.concurrency, units, allowed);
    else await openLoop(arrivalsOf(opts), inFlightCap(opts.pattern), { launcher: units, allowed, startMs, stop: control.stopStarting, durationS: opts.stop.durationS });
    await units.drain();
  } finally {
    control.dispose();
  }
  return { records: units.records, startMs, endMs: performance.now(), interrupted: control.interrupted };
}

/** N workers, each starting its next unit as soon as its last one ended. */
async function closedLoop(concurrency: number, launcher: Launcher, allowed: () => boolean): Promise<void> {
  const worker = async (): Promise<void> => {
    while (allowed()) await launcher.launch();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The open loop's arrivals: a trace's own, else the seeded offsets of the rate or the ramp. */
function arrivalsOf(opts: Pick<PhaseOptions, 'pattern' | 'seed' | 'stop' | 'arrivals'>): AsyncIterable<Arrival> | Iterable<Arrival> {
  if (opts.arrivals !== undefined) return opts.arrivals;
  const offsets = arrivalOffsets(opts.pattern, opts.seed, opts.stop);
  return { [Symbol.iterator]: () => ({ next: () => ({ done: false, value: { offsetMs: offsets.next().value as number } }) }) };
}

interface OpenLoopState {
  launcher: Launcher;
  allowed: () => boolean;
  startMs: number;
  stop: AbortSignal;
  durationS?: number;
}

/** Units at absolute times (start + offset); a cap holds one until a slot frees. Ends with the arrivals or the stop. */
async function openLoop(arrivals: AsyncIterable<Arrival> | Iterable<Arrival>, cap: number | undefined, s: OpenLoopState): Promise<void> {
  for await (const arrival of arrivals) {
    if (!s.allowed()) break;
    if (s.durationS !== undefined && arrival.offsetMs >= s.durationS * 1000) break;
    const scheduled = s.startMs + arrival.offsetMs;
    await sleep(scheduled - performance.now(), s.stop);
    if (cap !== undefined) await s.launcher.waitForSlot(cap, s.stop);
    if (!s.allowed()) break;
    void s.launcher.launch(scheduled, arrival);
  }
}
