// The simulator's shared state: options, the seeded random source, the batch scheduler, the one
// deadline timer and the metrics. Generations register here; the HTTP layer only creates them.
import type { SimOptions } from './options.js';
import { createRng } from '../common/rng.js';
import { BatchScheduler } from './scheduler.js';
import { DeadlineTimer } from './deadline-timer.js';
import { createSimMetrics, type SimMetrics } from './metrics.js';
import { BatchStore } from './batch/batch-store.js';
import { PrefixCache } from './prefix-cache.js';
import { RequestLog } from './request-log.js';

/** What the engine drives: admitted when a batch slot is free, cut on shutdown. */
export interface Schedulable {
  admit(now: number): void;
  cut(): void;
}

/** One per server: admission, timing and metrics for every in-flight generation. */
export class SimEngine {
  readonly rng: () => number;
  readonly scheduler: BatchScheduler<Schedulable>;
  readonly timer = new DeadlineTimer();
  readonly metrics: SimMetrics;
  /** The files + batches API's state. */
  readonly batches: BatchStore;
  /** Present with --enable-prefix-caching. */
  readonly prefixCache: PrefixCache | undefined;
  readonly log: RequestLog | undefined;

  constructor(readonly options: SimOptions) {
    this.rng = createRng(options.seed);
    this.batches = new BatchStore(options, this.rng);
    this.prefixCache = options.prefixCaching ? new PrefixCache(options.numGpuBlocks) : undefined;
    this.log = options.requestLog === undefined ? undefined : new RequestLog(options.requestLog);
    this.scheduler = new BatchScheduler(options.maxNumSeqs);
    this.metrics = createSimMetrics(options.servedModelNames[0]!, {
      running: () => this.scheduler.numRunning,
      waiting: () => this.scheduler.numWaiting,
      maxRunning: options.maxNumSeqs,
    });
  }

  /**
   * Queue a generation that arrived at `arrivedAt`. With a free slot it is admitted as of its
   * arrival (reading and validating the body is not queue time), else when a slot frees (FIFO).
   */
  submit(item: Schedulable, arrivedAt: number): void {
    if (this.scheduler.submit(item)) item.admit(arrivedAt);
  }

  /** A generation finished or its client went away: free its slot and admit the next ones. */
  release(item: Schedulable): void {
    const admitted = this.scheduler.release(item);
    if (admitted.length === 0) return;
    const now = performance.now();
    for (const next of admitted) next.admit(now);
  }

  /** Stop the clock and cut everything in flight (shutdown); the request log is flushed. */
  close(): Promise<void> {
    this.timer.close();
    this.batches.close();
    for (const item of this.scheduler.clear()) item.cut();
    return this.log?.close() ?? Promise.resolve();
  }
}
