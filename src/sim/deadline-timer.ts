// One timer for the whole simulator instead of one setTimeout per token.
//
// Why: every streamed token has an absolute deadline (request start + TTFT + k x ITL, see
// latency.ts). Chaining setTimeout(itl) per token would add each timer's lateness to the next
// token (drift) and cost one libuv timer per token. Instead, all pending deadlines sit in a binary
// min-heap and a single timer is armed for the earliest one. When it fires, every task that is
// due is taken out first and then run, so tasks that reschedule themselves for "now" run on the
// next turn (setImmediate) and I/O is not starved; with itl 0 a stream still yields between
// bursts. Node timers have 1 ms granularity and fire up to ~1 ms late; a task may also run up to
// EARLY_MS before its deadline, which saves a wake-up that would only wait a fraction of a ms.

/** How early (ms) a task may run rather than arm another timer for it. */
export const EARLY_MS = 0.25;

interface Entry {
  at: number;
  seq: number;
  task: () => void;
}

/** Runs tasks at absolute monotonic deadlines (performance.now() milliseconds). */
export class DeadlineTimer {
  private heap: Entry[] = [];
  private seq = 0;
  private timeout: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private closed = false;
  private running = false;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get size(): number {
    return this.heap.length;
  }

  /** Run `task` at (or just after) monotonic time `at`; tasks due at the same time run in order. */
  at(at: number, task: () => void): void {
    if (this.closed) return;
    push(this.heap, { at, seq: this.seq++, task });
    // While tasks run, run() arms once at the end instead of once per rescheduled task.
    if (!this.running && at < this.armedAt) this.arm();
  }

  /** Drop every pending task and the timer. */
  close(): void {
    this.closed = true;
    this.heap = [];
    this.disarm();
  }

  private readonly run = (): void => {
    this.timeout = undefined;
    this.immediate = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const limit = this.now() + EARLY_MS;
    const due: Entry[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= limit) due.push(pop(this.heap));
    this.running = true;
    for (const entry of due) {
      try {
        entry.task();
      } catch (error) {
        // A task failing must not stop the clock for every other stream.
        process.emitWarning(`aibench sim: timer task failed: ${String(error)}`);
      }
    }
    this.running = false;
    if (this.heap.length > 0 && !this.closed) this.arm();
  };

  private arm(): void {
    this.disarm();
    const next = this.heap[0];
    if (next === undefined) return;
    this.armedAt = next.at;
    const delay = next.at - this.now();
    if (delay <= EARLY_MS) this.immediate = setImmediate(this.run);
    else this.timeout = setTimeout(this.run, delay);
  }

  private disarm(): void {
    if (this.timeout !== undefined) clearTimeout(this.timeout);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timeout = undefined;
    this.immediate = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function push(heap: Entry[], entry: Entry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function pop(heap: Entry[]): Entry {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length === 0) return top;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
    if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
    if (m === i) break;
    [heap[i], heap[m]] = [heap[m]!, heap[i]!];
    i = m;
  }
  return top;
}
