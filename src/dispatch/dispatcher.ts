// The priority dispatcher: p-queue with four tiers, aging, per-resource limits, AIMD concurrency,
// cancellation of queued and running tasks, and progress events whose counts always add up.
import { performance } from 'node:perf_hooks';
import PQueue from 'p-queue';
import { agingQueueClass, type AgingQueue, type DispatchQueueOptions } from './aging-queue.js';
import { classifyFailure, nextAimd, validateAimd, type AimdState, type Outcome } from './aimd.js';
import { applyTransition, canTransition, emptyCounts, type DispatchCounts, type TaskState } from './counts.js';
import { ResourcePool, type ResourceLimits } from './resources.js';
import { Tier, type TierValue } from './tiers.js';
import { WaitTimes } from './wait-times.js';

interface DispatcherOptions {
  /** Adaptive concurrency bounds (default 1..4, starting at floor). */
  floor?: number;
  ceiling?: number;
  initial?: number;
  /** Consecutive successes before concurrency grows by one (default 3). */
  increaseAfter?: number;
  /** A waiting task rises one tier per this many ms (default 60 000; Infinity: no aging). */
  agingMs?: number;
  resourceLimits?: ResourceLimits;
  /** Milliseconds, monotonic; injectable for tests. */
  clock?: () => number;
  onEvent?: (event: DispatchEvent) => void;
}

interface AddOptions {
  tier?: TierValue;
  /** Resource keys held while the task runs, e.g. `slurm:hpc`, `service:llama`. */
  resources?: readonly string[];
  /** Cancels the task: queued -> removed (the promise rejects with an AbortError); running -> the task sees it. */
  signal?: AbortSignal;
  label?: string;
}

export type DispatchTask<T> = (context: { signal: AbortSignal }) => Promise<T> | T;

interface DispatchEvent {
  /** `waitedMs`: on the move to running, how long the task was queued. */
  task: { id: string; label: string; tier: number; state: TaskState; error?: unknown; waitedMs?: number };
  counts: DispatchCounts;
  concurrency: number;
}

/** The AbortError a task gets when it is cancelled before it started. */
function queuedAbortError(label: string): DOMException {
  return new DOMException(`${label}: cancelled before it started`, 'AbortError');
}

export class Dispatcher {
  readonly #queue: PQueue<AgingQueue, DispatchQueueOptions>;
  readonly #aging: { queue?: AgingQueue } = {};
  readonly #pool: ResourcePool;
  readonly #aimd: ReturnType<typeof validateAimd>;
  #aimdState: AimdState;
  #counts: DispatchCounts = emptyCounts();
  readonly #states = new Map<string, TaskState>();
  readonly #onEvent: DispatcherOptions['onEvent'];
  readonly #clock: () => number;
  readonly #waits = new WaitTimes();
  readonly #paused = new Set<number>();
  #seq = 0;

  constructor(options: DispatcherOptions = {}) {
    this.#aimd = validateAimd({ floor: options.floor ?? 1, ceiling: options.ceiling ?? 4, initial: options.initial, increaseAfter: options.increaseAfter });
    this.#aimdState = { value: this.#aimd.initial, streak: 0 };
    const pool = new ResourcePool(options.resourceLimits);
    const clock = options.clock ?? (() => performance.now());
    const queueClass = agingQueueClass({ clock, agingMs: options.agingMs ?? 60_000, pool }, this.#aging);
    this.#queue = new PQueue<AgingQueue, DispatchQueueOptions>({ concurrency: this.#aimdState.value, queueClass });
    this.#pool = pool;
    this.#onEvent = options.onEvent;
    this.#clock = clock;
  }

  /** Hold a tier: its queued tasks (and new ones) stay queued until resume; running ones go on. */
  pause(tier: TierValue): void {
    this.#paused.add(tier);
    if (this.#aging.queue) this.#aging.queue.paused.add(tier);
  }

  /** Let a paused tier's tasks start again (at once, where slots and resources are free). */
  resume(tier: TierValue): void {
    this.#paused.delete(tier);
    this.#aging.queue?.paused.delete(tier);
    // p-queue only looks for work when something is added or ends: pause/start makes it look now.
    this.#queue.pause();
    this.#queue.start();
  }

  /** The tiers held now. */
  get pausedTiers(): TierValue[] {
    return [...this.#paused].sort((a, b) => b - a) as TierValue[];
  }

  /** How long tasks waited before they started, per tier they were queued at. */
  waitTimes(): ReturnType<WaitTimes['summary']> {
    return this.#waits.summary();
  }

  /** Current adaptive concurrency. */
  get concurrency(): number {
    return this.#aimdState.value;
  }

  /** A copy of the current counts. */
  get counts(): DispatchCounts {
    return { ...this.#counts };
  }

  /** The id of the task that would start next if a slot were free (for tests). */
  nextId(): string | undefined {
    return this.#aging.queue?.peekId();
  }

  /** Queue a task; resolves with its value, rejects with its error (or an AbortError when cancelled while queued). */
  add<T>(task: DispatchTask<T>, options: AddOptions = {}): Promise<T> {
    const id = `t${this.#seq++}`;
    const label = options.label ?? id;
    const tier = options.tier ?? Tier.BACKGROUND;
    const resources = options.resources ?? [];
    const userSignal = options.signal ?? new AbortController().signal;
    // p-queue only ever sees this signal, aborted while the task is still queued; a running task is
    // left to the task itself so its slot and resources stay taken until it really ends.
    const queued = new AbortController();
    const onAbort = () => {
      if (this.#states.get(id) === 'queued') queued.abort(queuedAbortError(label));
    };
    const queuedAt = this.#clock();
    const move = (to: TaskState, error?: unknown) => this.#move({ id, label, tier }, to, error, to === 'running' ? this.#clock() - queuedAt : undefined);
    move('queued');
    userSignal.addEventListener('abort', onAbort, { once: true });
    if (userSignal.aborted) onAbort();
    const promise = this.#queue.add(
      async () => {
        move('running');
        try {
          const value = await task({ signal: userSignal });
          this.#adapt('success');
          move('done');
          return value;
        } catch (error) {
          if (userSignal.aborted) move('cancelled', error);
          else {
            this.#adapt(classifyFailure(error));
            move('failed', error);
          }
          throw error;
        } finally {
          this.#pool.release(resources);
          userSignal.removeEventListener('abort', onAbort);
        }
      },
      { id, priority: tier, resources, signal: queued.signal },
    );
    return promise.catch((error: unknown) => {
      if (this.#states.get(id) === 'queued') {
        move('cancelled', error);
        userSignal.removeEventListener('abort', onAbort);
      }
      throw error;
    });
  }

  /** Resolves when nothing is queued or running. */
  onIdle(): Promise<void> {
    return this.#queue.onIdle();
  }

  #move(task: { id: string; label: string; tier: number }, to: TaskState, error?: unknown, waitedMs?: number): void {
    const from = this.#states.get(task.id);
    if (from !== undefined && !canTransition(from, to)) return;
    this.#states.set(task.id, to);
    this.#counts = applyTransition(this.#counts, from, to);
    if (waitedMs !== undefined) this.#waits.observe(task.tier, waitedMs / 1000);
    const detail = { ...(error === undefined ? {} : { error }), ...(waitedMs === undefined ? {} : { waitedMs }) };
    this.#onEvent?.({ task: { ...task, state: to, ...detail }, counts: this.counts, concurrency: this.concurrency });
  }

  #adapt(outcome: Outcome): void {
    this.#aimdState = nextAimd(this.#aimdState, outcome, this.#aimd);
    if (this.#queue.concurrency !== this.#aimdState.value) this.#queue.concurrency = this.#aimdState.value;
  }
}
