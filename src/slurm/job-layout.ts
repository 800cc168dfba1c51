// Where aibench keeps a job on the cluster's shared state dir, and how it tags jobs.
// Slurm never creates directories for --output, so each submission gets a directory named by a
// uuid BEFORE sbatch runs (`<state>/jobs/<uuid>/job.sbatch`, `output.log`, `job.json`); once sbatch
// prints the id, a relative symlink `<state>/jobs/<job_id> -> <uuid>` makes the documented
// `<state>/jobs/<job_id>/` path work. A reused job id (cluster re-initialised) replaces the link.

/** Every job aibench submits carries `--comment=aibench:job:<uuid>`; `jobs ls` finds jobs by it. */
export const JOB_TAG_PREFIX = 'aibench:job:';
/** Default job names start with this; a user-chosen name is still found through the comment tag. */
export const JOB_NAME_PREFIX = 'aibench-';

export const SCRIPT_FILE = 'job.sbatch';
export const OUTPUT_FILE = 'output.log';
export const RECORD_FILE = 'job.json';

/** `<state>/jobs`, without a trailing slash. */
function jobsDir(stateDir: string): string {
  return `${stateDir.replace(/\/+$/, '')}/jobs`;
}

/** The directory of one job: a submission uuid or a job id (the symlink). */
export function jobDir(stateDir: string, key: string): string {
  return `${jobsDir(stateDir)}/${key}`;
}

/** The comment tag for a submission. */
export function jobTag(uuid: string): string {
  return `${JOB_TAG_PREFIX}${uuid}`;
}

/** True for jobs aibench submitted: tagged comment, or a default-style name. */
export function isAibenchJob(comment: string | undefined, name: string | undefined): boolean {
  return (comment ?? '').startsWith(JOB_TAG_PREFIX) || (name ?? '').startsWith(JOB_NAME_PREFIX);
}

/** What `job.json` in a submission directory holds. */
export interface JobRecord {
  job_id: string;
  cluster: string;
  name: string;
  tag: string;
  submitted_at: string;
  script_path: string;
  output_path: string;
}
