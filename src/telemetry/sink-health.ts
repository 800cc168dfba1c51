// One sink's retry state: after a failed send it backs off (exponential, jittered) before the next
// try; the first failure and the recovery are logged once each, every send is counted.
import { errorMessage } from '../errors.js';
import { retryBackoff, type RetryBackoffOptions } from './backoff.js';

/** Where a sink reports: the agent registry's send counters and the agent's log. */
export interface SinkReporter {
  sent(sink: string, ok: boolean): void;
  log(line: string): void;
}

/** Failure / recovery bookkeeping of one sink; `now` is injectable for tests. */
export class SinkHealth {
  private readonly backoff;
  private retryAt = 0;
  private failing = false;

  constructor(
    readonly sink: string,
    private readonly report: SinkReporter,
    backoff: RetryBackoffOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.backoff = retryBackoff(backoff);
  }

  /** True unless a failure's backoff is still running. */
  get ready(): boolean {
    return this.now() >= this.retryAt;
  }

  /** Forget the backoff (a clean stop tries once more at once). */
  retryNow(): void {
    this.retryAt = 0;
  }

  /** Count a failed send and back off; logs only the first failure of a streak. */
  failed(error: unknown): void {
    this.report.sent(this.sink, false);
    const delay = this.backoff.next();
    this.retryAt = this.now() + delay;
    if (!this.failing) this.report.log(`telemetry: ${this.sink} send failed: ${errorMessage(error)}; retrying with backoff (next in ${delay} ms)`);
    this.failing = true;
  }

  /** Count a successful send; logs the recovery after a failure streak. */
  succeeded(): void {
    this.report.sent(this.sink, true);
    if (this.failing) this.report.log(`telemetry: ${this.sink} answers again`);
    this.failing = false;
    this.backoff.reset();
    this.retryAt = 0;
  }
}
