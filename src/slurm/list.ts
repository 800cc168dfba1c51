// `listJobs`: this user's aibench jobs (comment tag or `aibench-` name) from one squeue call.
// Without accounting, finished jobs stay listed only for MinJobAge; `all` includes them.
import type { Executor } from '../exec/types.js';
import { isAibenchJob } from './job-layout.js';
import { LIST_FORMAT, parseJobList, type ListedJob } from './parse-job-list.js';
import { slurmCommandError } from './status.js';

/** aibench's jobs, live ones only unless `all` (then also those Slurm still remembers). */
export async function listJobs(ex: Executor, options: { all?: boolean } = {}): Promise<ListedJob[]> {
  const argv = ['squeue', '--me', '--noheader', `--format=${LIST_FORMAT}`];
  if (options.all) argv.push('--states=all');
  const res = await ex.run(argv);
  if (res.exitCode !== 0) throw slurmCommandError('squeue', res.stderr, res.exitCode);
  return parseJobList(res.stdout).filter((job) => isAibenchJob(job.comment, job.name));
}
