// The one live-progress renderer on stderr, for every long-running command (bench run, suite run,
// service start/wait): an ora spinner on an interactive terminal, else plain lines (greppable in
// CI and cron logs), nothing with --quiet or --json. NO_COLOR / FORCE_COLOR=0 mean plain lines too:
// a spinner redraws its line with cursor escape sequences, which a capture would show raw. Every
// text is passed through escapeControl, so a name holding an ESC cannot drive the terminal.
import type { Ora } from 'ora';
import type { ProgressEvent } from '../bench/engine/runner.js';
import { escapeControl } from './escape.js';
import type { Output } from './output.js';

interface LiveStatus {
  /** The current state (the spinner's text; printed as a line per `lines`). */
  set(text: string): void;
  /** A line that stays (above the spinner). */
  log(line: string): void;
  stop(): void;
}

interface LiveStatusOptions {
  /** Without a spinner: print every state (`each`, for a few phases), or the latest one every `heartbeatMs`. */
  lines: 'each' | 'heartbeat';
  heartbeatMs?: number;
}

const SILENT: LiveStatus = { set: () => undefined, log: () => undefined, stop: () => undefined };

/** The renderer this output allows; ora is loaded only when a spinner will really be drawn. */
export async function createLiveStatus(output: Output, options: LiveStatusOptions): Promise<LiveStatus> {
  if (output.quiet || output.json) return SILENT;
  const write = (line: string) => process.stderr.write(`${escapeControl(line)}\n`);
  if (output.interactive) {
    const { default: ora } = await import('ora');
    let spinner: Ora | undefined;
    return {
      set: (text) => {
        spinner ??= ora({ stream: process.stderr, isEnabled: true }).start();
        spinner.text = escapeControl(text);
      },
      log: (line) => {
        spinner?.clear();
        write(line);
        spinner?.render();
      },
      stop: () => void spinner?.stop(),
    };
  }
  if (options.lines === 'each') return { set: write, log: write, stop: () => undefined };
  let latest: string | undefined;
  const timer = setInterval(() => latest !== undefined && write(latest), options.heartbeatMs ?? 5000);
  timer.unref();
  return { set: (text) => void (latest = text), log: write, stop: () => clearInterval(timer) };
}

/** One bench progress line; counts are clamped to their totals so they never exceed them. */
function progressLine(event: ProgressEvent, nowMs: number): string {
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

interface ProgressRenderer {
  update(event: ProgressEvent): void;
  stop(): void;
}

/** Bench progress: the latest event's line, redrawn every 100 ms on a spinner or printed every `intervalMs`. */
export async function createProgress(output: Output, intervalMs = 5000): Promise<ProgressRenderer> {
  const status = await createLiveStatus(output, { lines: 'heartbeat', heartbeatMs: intervalMs });
  let last: ProgressEvent | undefined;
  // Elapsed and remaining seconds move between events, so the line is recomputed on a clock.
  const timer = setInterval(() => last && status.set(progressLine(last, performance.now())), 100);
  timer.unref();
  return {
    update: (event) => void (last = event),
    stop: () => {
      clearInterval(timer);
      status.stop();
    },
  };
}
