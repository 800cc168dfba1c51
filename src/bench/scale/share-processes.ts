// Client shares as child processes of this one (`aibench bench exec DIR --share i`): local
// workers, and the extra workers of a Slurm task. Each child runs the same share code a Slurm
// task runs; their progress files are summed for the live counts.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { packagePath } from '../../package-files.js';
import type { PhaseCounts } from '../engine/phase.js';
import { progressFile, runPath, type ProgressNote } from './run-dir.js';

/** The aibench entry point of the package this module belongs to (a checkout, or the installed package). */
const AIBENCH_BIN = packagePath('bin', 'aibench.js');

interface ShareProcess {
  share: number;
  child: ChildProcess;
  /** The last lines the child wrote on stderr (for the error when it fails). */
  tail(): string;
  exited: Promise<number | null>;
}

/** Start `bench exec DIR --share i --shares count` as a child of this process. */
export function spawnShare(dir: string, share: number, count: number): ShareProcess {
  const child = spawn(process.execPath, [AIBENCH_BIN, 'bench', 'exec', dir, '--share', String(share), '--shares', String(count)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return { share, child, exited, tail: () => stderr.trim().split('\n').slice(-5).join('\n') };
}

/** The shares' progress files summed: the counts of the whole run, and the earliest step and phase. */
export function readProgress(dir: string, shares: readonly number[]): (ProgressNote & { counts: PhaseCounts }) | undefined {
  const notes = shares.flatMap((share) => {
    try {
      return [JSON.parse(readFileSync(runPath(dir, progressFile(share)), 'utf8')) as ProgressNote];
    } catch {
      return [];
    }
  });
  if (notes.length === 0) return undefined;
  const step = Math.min(...notes.map((n) => n.step ?? 0));
  const current = notes.filter((n) => n.step === step);
  const counts = { sent: 0, completed: 0, failed: 0, inFlight: 0 };
  for (const n of current) {
    counts.sent += n.sent ?? 0;
    counts.completed += n.completed ?? 0;
    counts.failed += n.failed ?? 0;
    counts.inFlight += n.inFlight ?? 0;
  }
  const phase = current.some((n) => n.phase === 'warmup') ? 'warmup' : current.every((n) => n.phase === 'done') ? 'done' : 'measure';
  return { ...(current[0] as ProgressNote), step, phase, ...counts, counts, phaseStart: Math.min(...current.map((n) => n.phaseStart ?? Date.now())) };
}
