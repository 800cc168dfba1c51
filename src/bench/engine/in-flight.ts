// What a phase has in flight: units (requests, or whole sessions) tracked until they end, with a
// wait for a free slot, and the request launcher of ordinary phases with its live counts.
import type { DatasetEntry } from '../datasets/dataset.js';
import type { Arrival, Launcher, PhaseCounts, PhaseOptions } from './phase.js';
import type { RequestRecord } from './types.js';

/** Units in flight (requests or sessions): tracked until they end, with a wait for a free slot. */
export class Pending {
  readonly #pending = new Set<Promise<void>>();
  #slotFreed: (() => void) | undefined;

  get size(): number {
    return this.#pending.size;
  }

  /** Track a unit until it settles. */
  add(unit: Promise<void>): Promise<void> {
    const done: Promise<void> = unit.then(() => {
      this.#pending.delete(done);
      this.#slotFreed?.();
    });
    this.#pending.add(done);
    return done;
  }

  /** Wait until fewer than `cap` units are in flight, or `stop` aborts. */
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
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }
}

/** The requests of a phase in flight: launch, counts, records, waiting for a free slot, draining. */
export class InFlight extends Pending implements Launcher {
  readonly counts: PhaseCounts = { sent: 0, completed: 0, failed: 0, inFlight: 0 };
  readonly records: RequestRecord[] = [];

  constructor(private readonly opts: PhaseOptions, private readonly cut: AbortSignal) {
    super();
  }

  /** Send the phase's next request (or the arrival's own, from a trace); resolves when it ended. */
  launch(scheduledMs?: number, arrival?: Arrival): Promise<void> {
    const o = this.opts;
    const i = this.counts.sent++;
    const index = arrival?.index ?? o.offset + i * (o.indexStride ?? 1) + (o.indexBase ?? 0);
    const entry = arrival?.entry ?? (o.entries[index % o.entries.length] as DatasetEntry); // by global index: shares send different prompts
    this.counts.inFlight++;
    o.onProgress?.(this.counts);
    const request = {
      index, model: o.model, api: o.api, prompt: entry.prompt,
      promptTokens: entry.promptTokens, maxTokens: entry.outputTokens, scheduledMs, warmup: o.warmup, countTokens: o.countTokens,
      ...(o.clientIndex === undefined ? {} : { client: o.clientIndex }),
    };
    return this.add(o.client.send(request, this.cut).then((record) => void tally(this, o, record)));
  }
}

/** Count a finished request and keep its record (in flight -> completed, failed, or cut). */
export function tally(state: { counts: PhaseCounts; records: RequestRecord[] }, o: Pick<PhaseOptions, 'onRecord' | 'onProgress'>, record: RequestRecord): RequestRecord {
  state.records.push(record);
  o.onRecord?.(record);
  state.counts.inFlight--;
  if (record.success) state.counts.completed++;
  else if (!record.cut) state.counts.failed++;
  o.onProgress?.(state.counts);
  return record;
}

