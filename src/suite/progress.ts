// Suite progress on stderr: an ora spinner with the counts on a TTY; otherwise plain lines (one per
// service phase or benchmark outcome, plus a heartbeat), greppable in cron logs. Nothing with --json/--quiet.
import ora, { type Ora } from 'ora';
import type { Output } from '../report/output.js';
import type { SuiteEvent } from './run.js';

/** `done 3/8  failed 1  running 2  queued 2  cancelled 0  concurrency 3/4`: counts clamped to the total. */
export function suiteProgressLine(event: SuiteEvent, ceiling: number): string {
  const { counts: c } = event;
  const clamp = (n: number) => Math.max(0, Math.min(n, c.total));
  return `done ${clamp(c.done)}/${c.total}  failed ${clamp(c.failed)}  running ${clamp(c.running)}  queued ${clamp(c.queued)}  cancelled ${clamp(c.cancelled)}  concurrency ${event.concurrency}/${ceiling}`;
}

export interface SuiteProgressRenderer {
  update(event: SuiteEvent): void;
  stop(): void;
}

/** Pick the renderer for this output: spinner (interactive), lines, or none. */
export function createSuiteProgress(output: Output, ceiling: number, heartbeatMs = 30_000): SuiteProgressRenderer {
  if (output.quiet || output.json) return { update: () => undefined, stop: () => undefined };
  let last: SuiteEvent | undefined;
  if (output.interactive) {
    const spinner: Ora = ora({ stream: process.stderr, isEnabled: true }).start();
    return {
      update: (event) => {
        last = event;
        if (event.message) {
          spinner.clear();
          process.stderr.write(`${event.message}\n`);
        }
        spinner.text = suiteProgressLine(event, ceiling);
      },
      stop: () => spinner.stop(),
    };
  }
  const timer = setInterval(() => last && process.stderr.write(`${suiteProgressLine(last, ceiling)}\n`), heartbeatMs);
  timer.unref();
  return {
    update: (event) => {
      last = event;
      if (event.message) process.stderr.write(`${event.message}  [${suiteProgressLine(event, ceiling)}]\n`);
    },
    stop: () => clearInterval(timer),
  };
}
