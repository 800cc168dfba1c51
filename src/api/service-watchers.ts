// The readiness watchers of the services this API server started (or found starting): one abort
// controller per service id. Aborting one with an Error stops the start (its job is cancelled: a
// DELETE); detaching all with DetachReason stops only the watching (the server is stopping).
import { errorMessage } from '../errors.js';
import { DetachReason } from '../service/index.js';

export type CoreLog = (msg: string, fields?: Record<string, unknown>) => void;

export class ServiceWatchers {
  readonly #active = new Map<string, AbortController>();
  constructor(private readonly log: CoreLog) {}

  /** True while a start or wait of `id` is watched. */
  has(id: string): boolean {
    return this.#active.has(id);
  }

  /** `abort` now owns `id`'s readiness (set once the id is known to be this start's). */
  claim(id: string, abort: AbortController): void {
    this.#active.set(id, abort);
  }

  /** Log how `work` (a start or a wait) ends, and forget `abort` then, unless a newer one owns the id. */
  watch(id: string, abort: AbortController, work: Promise<unknown>): void {
    work.then(
      () => this.log('service ready', { id }),
      (error: unknown) => !(abort.signal.reason instanceof DetachReason) && this.log('service did not become ready', { id, error: errorMessage(error) }),
    ).finally(() => this.#active.get(id) === abort && this.#active.delete(id));
  }

  /** Stop `id`'s start: the start cancels its job. */
  cancel(id: string, reason: Error): void {
    this.#active.get(id)?.abort(reason);
  }

  /** Stop watching everything; the jobs keep running. */
  detachAll(): void {
    for (const abort of this.#active.values()) abort.abort(new DetachReason());
  }
}
