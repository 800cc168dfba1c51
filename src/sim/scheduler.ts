// Continuous batching, as vLLM's scheduler does it at the level the simulator needs: at most
// max-num-seqs requests run at once; the rest wait in FIFO order and are admitted as slots free.
// Pure state, no timers: callers pass in items and get back who was admitted.

/** A FIFO waiting queue in front of a bounded running set. */
export class BatchScheduler<T> {
  private readonly running = new Set<T>();
  // A Set iterates in insertion order, so it is a FIFO queue with O(1) removal of any member.
  private readonly waiting = new Set<T>();

  constructor(readonly maxRunning: number) {
    if (!Number.isInteger(maxRunning) || maxRunning < 1) throw new RangeError(`Expected maxRunning >= 1, got ${maxRunning}`);
  }

  get numRunning(): number {
    return this.running.size;
  }

  get numWaiting(): number {
    return this.waiting.size;
  }

  /** Add a request; true when it runs at once, false when it has to wait. */
  submit(item: T): boolean {
    if (this.running.has(item) || this.waiting.has(item)) throw new Error('Request submitted twice');
    if (this.running.size < this.maxRunning && this.waiting.size === 0) {
      this.running.add(item);
      return true;
    }
    this.waiting.add(item);
    return false;
  }

  /** Remove a finished or aborted request (running or waiting); returns the requests admitted in its place, oldest first. */
  release(item: T): T[] {
    if (this.waiting.delete(item)) return [];
    if (!this.running.delete(item)) return [];
    const admitted: T[] = [];
    for (const next of this.waiting) {
      if (this.running.size >= this.maxRunning) break;
      this.waiting.delete(next);
      this.running.add(next);
      admitted.push(next);
    }
    return admitted;
  }

  isRunning(item: T): boolean {
    return this.running.has(item);
  }

  isWaiting(item: T): boolean {
    return this.waiting.has(item);
  }

  /** Drop everything (server shutdown); returns what was running and waiting. */
  clear(): T[] {
    const all = [...this.running, ...this.waiting];
    this.running.clear();
    this.waiting.clear();
    return all;
  }
}
