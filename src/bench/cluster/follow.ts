// Follow a cluster client from this process: one command per second reads every share's progress
// file, the status file and whether the client still runs. Ctrl-C writes the stop file (the shares
// cut what is in flight and save their records); only if they do not end in time is the client
// killed, and then what they wrote is merged here. The result document comes back over the executor.
import { performance } from 'node:perf_hooks';
import { BenchError, InterruptedRun } from '../../errors.js';
import type { Executor } from '../../exec/types.js';
import type { BenchHooks, BenchOutcome } from '../engine/runner.js';
import { measuredTotal } from '../engine/measured-phase.js';
import { loadLabel } from '../engine/schedule.js';
import { parseResultDocument, runsOfDocument, type ResultDocument } from '../results/result-schema.js';
import { settle } from '../results/verdict.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import { RUN_FILES, type ProgressNote } from '../scale/run-dir.js';
import { sleep } from '../../common/sleep.js';

export interface ClientHandle {
  dir: string;
  /** A detached script on the login node (its pid), or a client job (its id). */
  kind: 'process' | 'job';
  id: string;
  log: string;
  stepName: string;
  aibench: string[];
}

/** How long the shares get to save and end after the stop file, before the client is killed. */
const STOP_GRACE_MS = 60_000;

interface Snapshot {
  progress: ProgressNote[];
  status?: { exec_rc: number; merge_rc: number };
  alive: boolean;
}

// One round trip: progress notes, status.json, and whether the script or job is still there.
const SNAPSHOT = `dir=$0 kind=$1 id=$2
for f in "$dir"/progress-*.json; do [ -f "$f" ] && cat "$f" && echo; done
echo @@status; [ -f "$dir/${RUN_FILES.status}" ] && cat "$dir/${RUN_FILES.status}"
echo @@alive; if [ "$kind" = process ]; then kill -0 "$id" 2>/dev/null && echo yes; else squeue --noheader --format=%T --jobs="$id" 2>/dev/null; fi`;

async function snapshot(ex: Executor, h: ClientHandle): Promise<Snapshot> {
  const res = await ex.run(['sh', '-c', SNAPSHOT, h.dir, h.kind, h.id]);
  const [progressText = '', rest = ''] = res.stdout.split('@@status\n');
  const [statusText = '', aliveText = ''] = rest.split('@@alive\n');
  const progress = progressText.split('\n').flatMap((line) => {
    try {
      return line.trim() === '' ? [] : [JSON.parse(line) as ProgressNote];
    } catch {
      return [];
    }
  });
  let status: Snapshot['status'];
  try {
    status = statusText.trim() === '' ? undefined : (JSON.parse(statusText) as Snapshot['status']);
  } catch {
    status = undefined;
  }
  const alive = aliveText.trim() !== '' && !/^(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE)/.test(aliveText.trim());
  return { progress, ...(status ? { status } : {}), alive };
}

function report(spec: BenchSpec, notes: ProgressNote[], hooks: BenchHooks): void {
  if (hooks.onProgress === undefined || notes.length === 0) return;
  const step = Math.min(...notes.map((n) => n.step));
  const current = notes.filter((n) => n.step === step);
  const sum = (k: 'sent' | 'completed' | 'failed' | 'inFlight') => current.reduce((a, n) => a + (n[k] ?? 0), 0);
  const phase = current.some((n) => n.phase === 'warmup') ? 'warmup' : 'measure';
  const load = spec.loads[step] ?? spec.loads[0];
  hooks.onProgress({
    label: load ? loadLabel(load) : 'run', step, steps: spec.loads.length, phase,
    counts: { sent: sum('sent'), completed: sum('completed'), failed: sum('failed'), inFlight: sum('inFlight') },
    total: phase === 'warmup' ? spec.warmup : measuredTotal(spec), durationS: phase === 'warmup' ? undefined : spec.stop.duration_s,
    phaseStartMs: Math.min(...current.map((n) => n.phaseStart)) - performance.timeOrigin,
  });
}

/** Follow the client to its end and return the merged documents and their verdict. */
export async function followClient(ex: Executor, h: ClientHandle, spec: BenchSpec, hooks: BenchHooks): Promise<BenchOutcome> {
  let stopAt: number | undefined;
  let killed = false;
  for (;;) {
    const snap = await snapshot(ex, h);
    report(spec, snap.progress, hooks);
    if (snap.status !== undefined) break;
    if (!snap.alive) {
      const again = await snapshot(ex, h); // the script may have written status.json just after the first look
      if (again.status !== undefined) break;
      if (!killed) throw await clientFailure(ex, h, 'the client ended without a result');
      break;
    }
    if (hooks.signal?.aborted && stopAt === undefined) {
      stopAt = Date.now();
      await ex.writeFile(`${h.dir}/${RUN_FILES.stop}`, `${String((hooks.signal.reason as Error | undefined)?.message ?? 'interrupted')}\n`);
    }
    if (stopAt !== undefined && !killed && Date.now() - stopAt > STOP_GRACE_MS) {
      killed = true;
      await cancelClient(ex, h);
    }
    await sleep(1000, hooks.signal?.aborted ? undefined : hooks.signal);
  }
  return collect(ex, h, spec, stopAt !== undefined);
}

/** Kill the client: its detached script's process group, or its job. */
async function cancelClient(ex: Executor, h: ClientHandle): Promise<void> {
  if (h.kind === 'process') await ex.run(['kill', '-TERM', '--', `-${h.id}`]);
  else await ex.run(['scancel', h.id]);
}

// Read result.json (merging here first when the client was killed before its own merge).
async function collect(ex: Executor, h: ClientHandle, spec: BenchSpec, stopped: boolean): Promise<BenchOutcome> {
  const path = `${h.dir}/${RUN_FILES.result}`;
  let text = await ex.readFile(path).catch(() => undefined);
  if (text === undefined) {
    await ex.run([...h.aibench, 'bench', 'merge', h.dir]);
    text = await ex.readFile(path).catch(() => undefined);
  }
  if (text === undefined && stopped) throw new InterruptedRun();
  if (text === undefined) throw await clientFailure(ex, h, 'no result was merged');
  const doc = parseResultDocument(JSON.parse(text), path);
  const runs: ResultDocument[] = runsOfDocument(doc);
  const interrupted = stopped || runs.some((r) => r.interrupted !== undefined);
  return settle(runs, spec, interrupted);
}

/** A client that failed, with the last lines of its log. */
async function clientFailure(ex: Executor, h: ClientHandle, what: string): Promise<BenchError> {
  const log = await ex.run(['tail', '-n', '20', '--', h.log]);
  return new BenchError(`The cluster client failed: ${what}${log.stdout.trim() ? `; the last lines of ${h.log}:\n${log.stdout.trimEnd()}` : ''}`, {
    hint: `Everything it wrote is in ${h.dir}`,
  });
}
