// When each item of a batch finishes, by the simulator's latency model: items run in file order on
// max-num-seqs slots (continuous batching), each taking its prefill plus one ITL per further token.
// Pure: the job's timeline is decided when it starts, then played out by timers.
import { prefillMs, type LatencyModel } from '../latency.js';

interface BatchItemCost {
  promptTokens: number;
  outputTokens: number;
}

/** Each item's finish time (ms after the job started) and the job's duration. */
export function planBatch(model: LatencyModel, slots: number, items: readonly BatchItemCost[], rand: () => number): { finishMs: number[]; durationMs: number } {
  const free: number[] = new Array<number>(Math.max(1, Math.min(slots, items.length))).fill(0);
  const finishMs = items.map((item) => {
    let slot = 0;
    for (let s = 1; s < free.length; s++) if ((free[s] as number) < (free[slot] as number)) slot = s;
    const start = free[slot] as number;
    const end = start + prefillMs(model, item.promptTokens, rand) + Math.max(0, item.outputTokens - 1) * model.itlMs;
    free[slot] = end;
    return end;
  });
  return { finishMs, durationMs: finishMs.reduce((a, b) => Math.max(a, b), 0) };
}
