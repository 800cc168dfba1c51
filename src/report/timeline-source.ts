// When each measured request was sent, in ms after the measured phase began: what the timelines
// need. Result documents do not record it yet (requests[] has send_lag_ms, not a start offset), so
// it is reconstructed from what they do record:
//  - closed loop (concurrency N): request i+1 is sent by the first worker to finish, so replaying
//    the e2el of every request through N workers in index order gives each start (exact up to the
//    client's microseconds between one response and the next send);
//  - rate mode: the schedule is the seeded gamma arrival process of bench/load.ts (seed =
//    dataset.seed), and start = scheduled + send_lag_ms (exact while load.ts seeds it so).
// Documents written since `requests[].start_ms` exists carry the send time; older ones are reconstructed.
import { gammaGaps } from '../bench/engine/arrivals.js';
import type { RequestDetailJson, ResultDocument } from '../bench/results/result-schema.js';

export interface RequestTimes {
  /** Every measured request (warmup excluded; failed and cut included: they held a slot), by index. */
  requests: RequestDetailJson[];
  /** Send time of each, ms after the measured phase began. */
  startMs: Float64Array;
  source: 'recorded' | 'reconstructed';
  /** How the times were obtained, said under the timelines. */
  note: string;
}

/** The recorded send offset of a request (`start_ms`, written since results carry it). */
function recordedStartMs(request: RequestDetailJson): number | undefined {
  return request.start_ms;
}

/** Send times of a detailed run's measured requests; undefined without per-request detail. */
export function requestTimes(run: ResultDocument): RequestTimes | undefined {
  if (run.requests === undefined) return undefined;
  const requests = run.requests.filter((r) => !r.warmup).sort((a, b) => a.index - b.index);
  const recorded = requests.map(recordedStartMs);
  if (requests.length > 0 && recorded.every((t) => t !== undefined)) {
    return { requests, startMs: Float64Array.from(recorded as number[]), source: 'recorded', note: 'send times as recorded' };
  }
  const load = run.config.load;
  if (load.kind === 'concurrency') {
    return { requests, startMs: closedLoopStarts(requests, load.concurrency), source: 'reconstructed', note: `send times reconstructed: ${load.concurrency} workers replayed in request order` };
  }
  if (load.kind !== 'rate') return undefined; // ramps, traces and batches were always written with start_ms
  const starts = new Float64Array(requests.length);
  const gaps = load.rate === 'inf' ? undefined : gammaGaps({ rate: load.rate, burstiness: load.burstiness, seed: run.config.dataset.seed });
  let scheduled = 0;
  requests.forEach((r, i) => {
    starts[i] = scheduled + r.send_lag_ms;
    scheduled += gaps === undefined ? 0 : (gaps.next().value as number);
  });
  return { requests, startMs: starts, source: 'reconstructed', note: 'send times reconstructed: the seeded arrival schedule plus each request\'s send lag' };
}

// N workers; each next request goes to the worker that frees first (a binary heap of free times).
function closedLoopStarts(requests: readonly RequestDetailJson[], workers: number): Float64Array {
  const heap: number[] = new Array<number>(Math.min(workers, Math.max(1, requests.length))).fill(0);
  const starts = new Float64Array(requests.length);
  requests.forEach((r, i) => {
    const start = heap[0] as number;
    starts[i] = start;
    heap[0] = start + r.e2el_ms;
    siftDown(heap);
  });
  return starts;
}

function siftDown(heap: number[]): void {
  let i = 0;
  for (;;) {
    const [l, r] = [2 * i + 1, 2 * i + 2];
    let smallest = i;
    if (l < heap.length && (heap[l] as number) < (heap[smallest] as number)) smallest = l;
    if (r < heap.length && (heap[r] as number) < (heap[smallest] as number)) smallest = r;
    if (smallest === i) return;
    [heap[i], heap[smallest]] = [heap[smallest] as number, heap[i] as number];
    i = smallest;
  }
}
