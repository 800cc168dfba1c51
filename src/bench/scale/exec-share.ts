// One client process of a scaled-out run (`aibench bench exec DIR`): read the spec, prepare as any
// run does, then for each load level run this share, meeting the other shares at a barrier before
// the measured phase. Records are appended to this share's file as they finish (a killed share
// keeps what it measured); a summary is written when it ends; a `stop` file ends it early.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { BenchError, errorMessage } from '../../errors.js';
import { runShareStep } from '../engine/run-share.js';
import { prepareRun, type Prepared } from '../engine/runner.js';
import { shareOf } from '../engine/share.js';
import { tokenizerNote } from '../results/build-result.js';
import { readApiKey } from '../results/result-io.js';
import { parseBenchSpec, type BenchSpec } from '../spec/bench-spec.js';
import { sleep } from '../../common/sleep.js';
import {
  encodeRecord, measuredFile, progressFile, readyFile, recordsFile, RUN_FILES, runPath, scrapeFile, summaryFile,
  type ProgressNote, type ReadyNote, type ShareStepNote, type ShareSummary,
} from './run-dir.js';

/** How long a share waits for the others at a barrier before it gives up. */
const BARRIER_TIMEOUT_MS = 300_000;
/** Every share starts its measured phase this long after the last one reached the barrier. */
const START_DELAY_MS = 1000;

const toEpoch = (monoMs: number): number => performance.timeOrigin + monoMs;

/** Read and check a run directory's spec (the same schema and version rule on both sides). */
export function readRunSpec(dir: string): BenchSpec {
  const path = runPath(dir, RUN_FILES.spec);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BenchError(`Cannot read the run's spec ${path}: ${errorMessage(error)}`);
  }
  return parseBenchSpec(value, path);
}

// Write a small JSON file whole (temp + rename) so a reader never sees half of it.
function writeNote(dir: string, file: string, value: unknown): void {
  const path = runPath(dir, file);
  writeFileSync(`${path}.${process.pid}.tmp`, JSON.stringify(value));
  renameSync(`${path}.${process.pid}.tmp`, path);
}

/** Wait until every share reached this barrier, then until the common start instant. */
async function barrier(dir: string, step: number, share: number, count: number, signal: AbortSignal): Promise<void> {
  const note: ReadyNote = { share, node: hostname(), pid: process.pid, at: Date.now() };
  writeNote(dir, readyFile(step, share), note);
  const deadline = Date.now() + BARRIER_TIMEOUT_MS;
  const prefix = `ready-${step}-`;
  for (;;) {
    if (signal.aborted) return;
    const ready = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.json'));
    if (ready.length >= count) {
      const last = Math.max(...ready.map((f) => (JSON.parse(readFileSync(runPath(dir, f), 'utf8')) as ReadyNote).at));
      await sleep(last + START_DELAY_MS - Date.now(), signal);
      return;
    }
    if (Date.now() > deadline) throw new BenchError(`client share ${share}: only ${ready.length} of ${count} shares reached load level ${step + 1} within ${BARRIER_TIMEOUT_MS / 1000} s`);
    await sleep(50, signal);
  }
}

/** The scraping share waits at most this long, or a quarter of its measured time if longer, for the others to end. */
const END_WAIT_MIN_MS = 30_000;

/** Whether a share is known to be gone: it wrote its summary, or it ran on this host and its process has exited. */
function shareGone(dir: string, step: number, share: number): boolean {
  if (existsSync(runPath(dir, summaryFile(share)))) return true;
  let ready: ReadyNote;
  try {
    ready = JSON.parse(readFileSync(runPath(dir, readyFile(step, share)), 'utf8')) as ReadyNote;
  } catch {
    return false;
  }
  if (ready.node !== hostname()) return false;
  try {
    process.kill(ready.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * The measured phase of load level `step` has ended for this share: say so, and if this share
 * scrapes the server, wait until every other share has ended too (or is gone, or the wait is
 * over), so that the final scrape counts their last requests. Without the wait the scrape could
 * come before another share's tail and the server's figures would be short of the client's.
 */
export async function endBarrier(dir: string, step: number, share: number, count: number, scrapes: boolean, measuredMs: number, signal: AbortSignal): Promise<void> {
  try {
    writeNote(dir, measuredFile(step, share), { share, at: Date.now() });
  } catch {
    // Best effort: without the marker the scraping share only waits out its bound; throwing here
    // would discard this share's measured window and scrapes.
  }
  if (!scrapes) return;
  const deadline = Date.now() + Math.max(END_WAIT_MIN_MS, measuredMs / 4);
  const others = Array.from({ length: count }, (_, i) => i).filter((i) => i !== share);
  while (!signal.aborted && Date.now() < deadline) {
    if (others.every((i) => existsSync(runPath(dir, measuredFile(step, i))) || shareGone(dir, step, i))) return;
    await sleep(50, signal);
  }
}

/** Abort when the follower writes the stop file (checked twice a second) or a signal arrives. */
function stopWatch(dir: string, signal?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const abort = new AbortController();
  const onAbort = () => abort.abort(signal?.reason ?? new Error('stopped'));
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setInterval(() => {
    if (existsSync(runPath(dir, RUN_FILES.stop))) abort.abort(new Error(readFileSync(runPath(dir, RUN_FILES.stop), 'utf8').trim() || 'stopped'));
  }, 500);
  return { signal: abort.signal, dispose: () => (clearInterval(timer), signal?.removeEventListener('abort', onAbort)) };
}

/** Run share `share` of `count` from the run directory; resolves when it is done (or stopped). */
export async function execShare(dir: string, share: number, count: number, signal?: AbortSignal): Promise<void> {
  const spec = readRunSpec(dir);
  if (spec.target.url === undefined) throw new BenchError(`${runPath(dir, RUN_FILES.spec)}: expected target.url (the server as this node reaches it)`);
  const apiKey = await readApiKey(spec.target.api_key_file, {});
  const stop = stopWatch(dir, signal);
  const fd = openSync(runPath(dir, recordsFile(share)), 'a');
  const summary: ShareSummary = { share, node: hostname(), pid: process.pid, tokenizer: { kind: 'fallback', name: '?' }, server: { model: '?' }, steps: [] };
  try {
    const prepared = await prepareRun(spec, { url: spec.target.url, ...(apiKey ? { apiKey } : {}) });
    summary.tokenizer = tokenizerNote(prepared.tokenizer);
    summary.server = prepared.server;
    for (const [step, config] of prepared.configs.entries()) {
      const note = await runStepShare({ dir, spec, prepared, url: spec.target.url, apiKey, step, load: config.load, share, count, fd, signal: stop.signal });
      if (note !== undefined) summary.steps.push(note);
      if (stop.signal.aborted) break;
    }
  } catch (error) {
    summary.error = errorMessage(error);
    throw error;
  } finally {
    stop.dispose();
    closeSync(fd);
    writeNote(dir, progressFile(share), { ...readProgress(dir, share), phase: 'done' });
    writeNote(dir, summaryFile(share), summary);
  }
}

interface StepShareArgs {
  dir: string;
  spec: BenchSpec;
  prepared: Prepared;
  url: string;
  apiKey?: string;
  step: number;
  load: BenchSpec['loads'][number];
  share: number;
  count: number;
  fd: number;
  signal: AbortSignal;
}

// One load level for this share: records streamed to the file, progress noted about once a second.
async function runStepShare(a: StepShareArgs): Promise<ShareStepNote | undefined> {
  const { spec, prepared } = a;
  const epochOffset = performance.timeOrigin;
  let lastNote = 0;
  let measureStart = 0;
  const scrapes = a.share === 0;
  const output = await runShareStep(
    { spec, url: a.url, ...(a.apiKey ? { apiKey: a.apiKey } : {}), model: prepared.server.model, tokenizer: prepared.tokenizer, entries: prepared.entries, workload: prepared.workload },
    shareOf(a.load, spec.stop, spec.warmup, spec.seed, a.share, a.count),
    {
      signal: a.signal,
      beforeMeasure: async () => {
        await barrier(a.dir, a.step, a.share, a.count, a.signal);
        measureStart = Date.now();
      },
      afterMeasure: () => endBarrier(a.dir, a.step, a.share, a.count, scrapes, Date.now() - measureStart, a.signal),
      // One share scrapes the server for the whole run, the same way its requests go.
      scrape: scrapes,
      scrapeClock: () => toEpoch(performance.now()),
      onRecord: (record) => void writeSync(a.fd, `${encodeRecord(record, a.step, epochOffset)}\n`),
      onProgress: (phase, counts, phaseStartMs) => {
        const now = performance.now();
        if (now - lastNote < 1000 && counts.inFlight > 0) return;
        lastNote = now;
        const note: ProgressNote = { share: a.share, step: a.step, phase, ...counts, phaseStart: toEpoch(phaseStartMs) };
        writeNote(a.dir, progressFile(a.share), note);
      },
    },
  );
  if (output === undefined) return undefined;
  if (output.scrape !== undefined) writeNote(a.dir, scrapeFile(a.step), output.scrape);
  return {
    step: a.step, window: { startMs: toEpoch(output.startMs), endMs: toEpoch(output.endMs) },
    startedAt: output.startedAt.toISOString(), endedAt: output.endedAt.toISOString(), loop: output.loop, interrupted: output.interrupted,
    ...(output.batch ? { batch: output.batch } : {}),
  };
}

function readProgress(dir: string, share: number): Partial<ProgressNote> {
  try {
    return JSON.parse(readFileSync(runPath(dir, progressFile(share)), 'utf8')) as ProgressNote;
  } catch {
    return { share };
  }
}
