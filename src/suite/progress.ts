// Suite progress on stderr through the one live renderer (src/report/progress.ts): a spinner with
// the counts on a TTY; otherwise plain lines (one per service phase or benchmark outcome, plus a
// heartbeat), greppable in cron logs. Nothing with --json/--quiet.
import type { Output } from '../report/output.js';
import { createLiveStatus } from '../report/progress.js';
import type { SuiteEvent } from './run.js';

/** `done 3/8  failed 1  running 2  queued 2  cancelled 0  concurrency 3/4`: counts clamped to the total. */
function suiteProgressLine(event: SuiteEvent, ceiling: number): string {
  const { counts: c } = event;
  const clamp = (n: number) => Math.max(0, Math.min(n, c.total));
  return `done ${clamp(c.done)}/${c.total}  failed ${clamp(c.failed)}  running ${clamp(c.running)}  queued ${clamp(c.queued)}  cancelled ${clamp(c.cancelled)}  concurrency ${event.concurrency}/${ceiling}`;
}

interface SuiteProgressRenderer {
  update(event: SuiteEvent): void;
  stop(): void;
}

/** Suite events as the live status: each message stays as a line (with the counts when there is no spinner). */
export async function createSuiteProgress(output: Output, ceiling: number, heartbeatMs = 30_000): Promise<SuiteProgressRenderer> {
  const status = await createLiveStatus(output, { lines: 'heartbeat', heartbeatMs });
  return {
    update: (event) => {
      const line = suiteProgressLine(event, ceiling);
      if (event.message) status.log(output.interactive ? event.message : `${event.message}  [${line}]`);
      status.set(line);
    },
    stop: () => status.stop(),
  };
}
