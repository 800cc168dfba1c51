// After a failed attempt of `service start --retry-oom N`: how it ended (the record's Slurm state),
// whether it ran out of memory (the job log, read further back than the error's 20 lines, or
// Slurm's OUT_OF_MEMORY), and the next step of the ladder (oom.ts) when there is one.
import type { ClusterSession } from './lifecycle.js';
import { logTail } from './diagnose.js';
import { nextOomStep, oomCause, type OomStep } from './oom.js';
import type { ServiceRecord } from './record.js';
import type { ServiceStore } from './store.js';

/** vLLM prints the root cause above its own "Engine core initialization failed" lines. */
const CLASSIFY_LINES = 200;

export interface AttemptOutcome {
  /** The job's end as recorded: `FAILED (exit 1)`, `OUT_OF_MEMORY`, ... */
  state: string;
  cause?: string;
  /** Undefined when it was not an OOM, or the ladder has no step left. */
  next?: OomStep;
}

/** Classify a failed attempt and work out the next one. */
export async function failedAttempt(target: ClusterSession, record: ServiceRecord, store: ServiceStore, vllmArgs: readonly string[], modelMaxLen: number | undefined): Promise<AttemptOutcome> {
  const current = (await store.read())[record.id];
  const mine = current?.job_id === record.job_id ? current : undefined;
  const state = mine?.job_state ?? mine?.status ?? 'FAILED';
  // Only a job that ended FAILED is retried: one that timed out (or was lost) may still run.
  if (mine?.status !== 'FAILED') return { state: mine?.status ?? state };
  const log = await logTail(target.ex, target.cluster.paths.state_dir, record.job_id, CLASSIFY_LINES);
  const verdict = oomCause(log, state);
  if (verdict === undefined) return { state };
  const next = nextOomStep(vllmArgs, verdict, modelMaxLen);
  return { state, cause: verdict.cause, ...(next ? { next } : {}) };
}
