// The one abortable sleep (ground floor): loops that wait between ticks, retries and polls
// (telemetry agent, tunnel, job logs, the load generator) must wake at once when stopped.

/**
 * Resolve after `ms`, or at once when `signal` aborts; never rejects, so a stopped loop simply
 * checks its signal after waking. `ms <= 0` or an already aborted signal resolves immediately.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
