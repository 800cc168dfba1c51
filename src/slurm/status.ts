// `jobStatus`: ask squeue once for all ids, then sacct once for what squeue could not settle,
// then scontrol per id for the rest; merge with status-merge.ts.
import { SlurmError } from '../errors.js';
import type { Executor } from '../exec/types.js';
import { isUnknownJobError, type JobStatus } from './job-state.js';
import { parseSacct, SACCT_FORMAT } from './parse-sacct.js';
import { parseScontrol } from './parse-scontrol.js';
import { parseSqueue, SQUEUE_FORMAT } from './parse-squeue.js';
import { linesFor, mergeStatuses, needsDetail, type JobReport, type MergeOptions } from './status-merge.js';

/** How far back sacct looks (`-S`), so jobs from before midnight are found. */
const SACCT_START = 'now-7days';

/** Throw a SlurmError quoting the command's own stderr. */
export function slurmCommandError(what: string, stderr: string, exitCode: number | null): SlurmError {
  const text = stderr.trim() || `exit code ${String(exitCode)}`;
  return new SlurmError(`${what} failed: ${text}`, {
    code: 'E_SLURM_QUERY',
    hint: 'Check that Slurm works from this host (`squeue`), and that SLURM_CONF is right.',
  });
}

/** squeue --states=all for the ids; "Invalid job id specified" means none of them is known. */
async function squeueJobs(ex: Executor, ids: readonly string[]): Promise<JobStatus[]> {
  const argv = ['squeue', '--states=all', '--noheader', `--format=${SQUEUE_FORMAT}`, `--jobs=${ids.join(',')}`];
  const res = await ex.run(argv);
  if (res.exitCode === 0) return parseSqueue(res.stdout);
  if (isUnknownJobError(res.stderr)) return [];
  throw slurmCommandError('squeue', res.stderr, res.exitCode);
}

/** sacct for the ids, or undefined when accounting is off or unreachable (then scontrol decides). */
async function sacctJobs(ex: Executor, ids: readonly string[]): Promise<JobStatus[] | undefined> {
  const argv = ['sacct', '--parsable2', '--noheader', `--format=${SACCT_FORMAT}`, '-S', SACCT_START, `--jobs=${ids.join(',')}`];
  const res = await ex.run(argv);
  // "Slurm accounting storage is disabled", slurmdbd down, sacct missing: all mean "ask scontrol".
  return res.exitCode === 0 ? parseSacct(res.stdout) : undefined;
}

/** scontrol show job -o for one id; an id the controller forgot gives []. */
async function scontrolJob(ex: Executor, id: string): Promise<JobStatus[]> {
  const res = await ex.run(['scontrol', 'show', 'job', '-o', id]);
  if (res.exitCode === 0) return parseScontrol(res.stdout);
  if (isUnknownJobError(res.stderr)) return [];
  throw slurmCommandError('scontrol show job', res.stderr, res.exitCode);
}

/** The state of each id (ids must be validated with parseJobIds first). */
export async function jobStatus(
  ex: Executor,
  ids: readonly string[],
  options: Partial<MergeOptions> = {},
): Promise<JobReport[]> {
  const merge: MergeOptions = { ...options, now: options.now ?? Date.now() };
  if (ids.length === 0) return [];
  const squeue = await squeueJobs(ex, ids);
  let rest = needsDetail(ids, squeue);
  if (rest.length === 0) return mergeStatuses(ids, { squeue }, merge);
  const sacct = await sacctJobs(ex, rest);
  if (sacct !== undefined) rest = rest.filter((id) => linesFor(id, sacct).length === 0);
  const scontrol: JobStatus[] = [];
  for (const id of rest) scontrol.push(...(await scontrolJob(ex, id)));
  return mergeStatuses(ids, { squeue, ...(sacct ? { sacct } : {}), scontrol }, merge);
}
