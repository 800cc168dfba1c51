// Pure merging of what squeue, sacct and scontrol said about a set of job ids. squeue answers
// first (one batched call) but prints no exit code, so a job it shows as finished, or does not
// show at all, is looked up in sacct and then scontrol. A job nobody knows is UNKNOWN, never
// COMPLETED; within a grace period after submission that is expected, after it the job is gone.
import { isTerminal, type JobStatus, type StatusSource } from './job-state.js';
import { belongsTo } from './job-id.js';

/** A JobStatus, or an UNKNOWN placeholder (source `none`) for an id no Slurm command knew. */
export interface JobReport extends Omit<JobStatus, 'source'> {
  source: StatusSource | 'none';
}

/** How long after submission a job Slurm does not list yet is still expected to appear. */
export const DEFAULT_GRACE_MS = 60_000;

export interface MergeOptions {
  now: number;
  /** Submission time (epoch ms) per requested id, when the caller knows it. */
  submittedAt?: Readonly<Record<string, number>>;
  graceMs?: number;
}

/** The lines of `statuses` that belong to `id` (itself, its array tasks, its het components). */
export function linesFor(id: string, statuses: readonly JobStatus[]): JobStatus[] {
  return statuses.filter((s) => belongsTo(id, s.jobId));
}

/** Ids squeue did not settle: absent from its output, or finished (squeue has no exit code). */
export function needsDetail(ids: readonly string[], squeue: readonly JobStatus[]): string[] {
  return ids.filter((id) => {
    const lines = linesFor(id, squeue);
    return lines.length === 0 || lines.some((s) => isTerminal(s.state));
  });
}

/** True when the job is still expected to show up in Slurm (submitted less than graceMs ago). */
export function withinGrace(id: string, options: MergeOptions): boolean {
  const at = options.submittedAt?.[id];
  return at !== undefined && options.now - at < (options.graceMs ?? DEFAULT_GRACE_MS);
}

function unknown(id: string, options: MergeOptions): JobReport {
  const reason = withinGrace(id, options)
    ? 'submitted moments ago; Slurm does not list it yet'
    : 'not known to squeue, sacct or scontrol (forgotten after MinJobAge, or never existed)';
  return { jobId: id, state: 'UNKNOWN', reason, source: 'none' };
}

/**
 * One report list in request order: live squeue lines as they are; finished or missing jobs from
 * sacct, else scontrol, else squeue's terminal line; else an UNKNOWN placeholder.
 */
export function mergeStatuses(
  ids: readonly string[],
  sources: { squeue: readonly JobStatus[]; sacct?: readonly JobStatus[]; scontrol?: readonly JobStatus[] },
  options: MergeOptions,
): JobReport[] {
  const out: JobReport[] = [];
  const seen = new Set<string>();
  const push = (reports: readonly JobReport[]) => {
    for (const r of reports) {
      if (seen.has(r.jobId)) continue;
      seen.add(r.jobId);
      out.push(r);
    }
  };
  for (const id of ids) {
    const live = linesFor(id, sources.squeue);
    if (live.length > 0 && !live.some((s) => isTerminal(s.state))) {
      push(live);
      continue;
    }
    const detail = [sources.sacct ?? [], sources.scontrol ?? []].map((list) => linesFor(id, list)).find((l) => l.length > 0);
    push(detail ?? (live.length > 0 ? live : [unknown(id, options)]));
  }
  return out;
}

/** Reports that are placeholders (no Slurm command knew the job). */
export function missingReports(reports: readonly JobReport[]): JobReport[] {
  return reports.filter((r) => r.source === 'none');
}
