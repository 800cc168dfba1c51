// The queue class p-queue runs on: the effective priority of a waiting task is its tier plus one
// per `agingMs` waited (at most MAX_TIER), computed at dequeue time from an injectable clock, and a
// task is only handed out when its resources are free. Ties go to the task that waited longest.
import type { Queue, QueueAddOptions } from 'p-queue';
import { MAX_TIER } from './tiers.js';
import type { ResourcePool } from './resources.js';

type RunFunction = () => Promise<unknown>;

/** p-queue's add options plus the resources a task needs while it runs. */
export type DispatchQueueOptions = QueueAddOptions & { resources?: readonly string[] };

interface Entry {
  run: RunFunction;
  id: string;
  tier: number;
  resources: readonly string[];
  enqueuedAt: number;
  seq: number;
}

interface AgingOptions {
  clock: () => number;
  /** Waiting this long lifts a task one tier; Infinity disables aging. */
  agingMs: number;
  pool: ResourcePool;
}

/** A task's priority after waiting `waitedMs`: tier + floor(wait / agingMs), never above MAX_TIER (nor below its tier). */
export function effectivePriority(tier: number, waitedMs: number, agingMs: number): number {
  if (!Number.isFinite(agingMs) || tier >= MAX_TIER) return tier;
  return Math.min(MAX_TIER, tier + Math.floor(Math.max(0, waitedMs) / agingMs));
}

/** Queue class for p-queue's `queueClass` option; `holder.queue` exposes the instance p-queue creates. */
export function agingQueueClass(options: AgingOptions, holder: { queue?: AgingQueue } = {}) {
  return class extends AgingQueue {
    constructor() {
      super(options);
      holder.queue = this;
    }
  };
}

export class AgingQueue implements Queue<RunFunction, DispatchQueueOptions> {
  readonly #options: AgingOptions;
  #entries: Entry[] = [];
  #seq = 0;
  /** Tiers held by an operator: their tasks stay queued (and keep aging) but none is handed out. */
  readonly paused = new Set<number>();

  constructor(options: AgingOptions) {
    this.#options = options;
  }

  #runnable(e: Entry): boolean {
    return !this.paused.has(e.tier) && this.#options.pool.available(e.resources);
  }

  /** Tasks that could start now (resources free, tier not paused): p-queue starts work only while this is > 0. */
  get size(): number {
    return this.#entries.filter((e) => this.#runnable(e)).length;
  }

  /** Every waiting task, runnable or not. */
  get waiting(): number {
    return this.#entries.length;
  }

  enqueue(run: RunFunction, options: Partial<DispatchQueueOptions> = {}): void {
    const id = options.id ?? `q${this.#seq}`;
    this.#entries.push({ run, id, tier: options.priority ?? 0, resources: options.resources ?? [], enqueuedAt: this.#options.clock(), seq: this.#seq++ });
  }

  /** The runnable task with the highest effective priority (oldest first on ties); takes its resources. */
  dequeue(): RunFunction | undefined {
    const best = this.#peek();
    if (best === undefined) return undefined;
    this.#entries = this.#entries.filter((e) => e !== best);
    this.#options.pool.acquire(best.resources);
    return best.run;
  }

  /** The id of the task dequeue() would hand out now (for tests and progress). */
  peekId(): string | undefined {
    return this.#peek()?.id;
  }

  #peek(): Entry | undefined {
    const now = this.#options.clock();
    let best: Entry | undefined;
    let bestPriority = Number.NEGATIVE_INFINITY;
    for (const entry of this.#entries) {
      if (!this.#runnable(entry)) continue;
      const priority = effectivePriority(entry.tier, now - entry.enqueuedAt, this.#options.agingMs);
      const older = best !== undefined && (entry.enqueuedAt < best.enqueuedAt || (entry.enqueuedAt === best.enqueuedAt && entry.seq < best.seq));
      if (priority > bestPriority || (priority === bestPriority && older)) {
        best = entry;
        bestPriority = priority;
      }
    }
    return best;
  }

  setPriority(id: string, priority: number): void {
    const entry = this.#entries.find((e) => e.id === id);
    if (entry === undefined) throw new ReferenceError(`No queued task with id "${id}"`);
    entry.tier = priority;
  }

  remove(id: string): void {
    this.#entries = this.#entries.filter((e) => e.id !== id);
  }

  filter(options: Readonly<Partial<DispatchQueueOptions>>): RunFunction[] {
    return this.#entries.filter((e) => options.priority === undefined || e.tier === options.priority).map((e) => e.run);
  }
}
