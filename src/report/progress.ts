// Live progress on stderr: an ora spinner with counts on a TTY, else a plain line every ~5 s
// (greppable in CI logs), nothing with --quiet or --json.
import ora, { type Ora } from 'ora';
import type { ProgressEvent } from '../bench/engine/runner.js';
import type { Output } from './output.js';

export interface ProgressRenderer {
  update(event: ProgressEvent): void;
  stop(): void;
}

/** One progress line; counts are clamped to their totals so they never exceed them. */
export function progressLine(event: ProgressEvent, nowMs: number): string {
  const { counts, total } = event;
  const done = counts.completed + counts.failed;
  const clamp = (n: number): number => (total === undefined ? n : Math.min(n, total));
  const elapsedS = Math.max(0, (nowMs - event.phaseStartMs) / 1000);
  const step = event.steps > 1 ? `[${event.step + 1}/${event.steps}] ` : '';
  const parts = [
    `${step}${event.phase === 'warmup' ? 'warmup' : event.label}`,
    `completed ${clamp(counts.completed)}${total === undefined ? '' : `/${total}`}`,
    `failed ${clamp(counts.failed)}`,
    `in-flight ${Math.max(0, Math.min(counts.inFlight, total === undefined ? counts.inFlight : total - clamp(done)))}`,
    `elapsed ${elapsedS.toFixed(0)}s`,
  ];
  if (event.durationS !== undefined) parts.push(`remaining ${Math.max(0, event.durationS - elapsedS).toFixed(0)}s`);
  return parts.join('  ');
}

const NOOP: ProgressRenderer = { update: () => undefined, stop: () => undefined };

/** Pick the renderer for this output: spinner (interactive), periodic lines, or none (quiet/json). */
export function createProgress(output: Output, intervalMs = 5000): ProgressRenderer {
  if (output.quiet || output.json) return NOOP;
  let last: ProgressEvent | undefined;
  if (output.interactive) {
    let spinner: Ora | undefined;
    const timer = setInterval(() => {
      if (last === undefined) return;
      spinner ??= ora({ stream: process.stderr, isEnabled: true }).start();
      spinner.text = progressLine(last, performance.now());
    }, 100);
    return {
      update: (event) => void (last = event),
      stop: () => {
        clearInterval(timer);
        spinner?.stop();
      },
    };
  }
  const timer = setInterval(() => {
    if (last !== undefined) process.stderr.write(`${progressLine(last, performance.now())}\n`);
  }, intervalMs);
  timer.unref();
  return {
    update: (event) => void (last = event),
    stop: () => clearInterval(timer),
  };
}
