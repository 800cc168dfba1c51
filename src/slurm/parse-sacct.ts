// Parse `sacct --parsable2 --noheader --format=SACCT_FORMAT`. Steps (`123.batch`, `123.extern`,
// `123.0`) are skipped: the allocation line carries the job's state and exit code. With
// `--duplicates` a requeued job has several rows; the last one is the current attempt.
import { parseStateField, type JobStatus } from './job-state.js';
import { elapsedFields } from './duration.js';
import { splitNameLast } from './split-fields.js';

/** Pass as `--format=${SACCT_FORMAT}`; JobName last so a `|` in a name stays in the name. */
export const SACCT_FORMAT = 'JobID,State,ExitCode,Elapsed,NodeList,JobName';
const FIELDS = 6;

/** Slurm's `EXIT:SIGNAL` pair: `2:0` -> exit 2, `0:9` -> signal 9. */
export function parseExitCode(text: string): { exitCode?: number; signal?: number } {
  const match = /^(\d+):(\d+)$/.exec(text.trim());
  if (!match) return {};
  const signal = Number(match[2]);
  return signal === 0 ? { exitCode: Number(match[1]) } : { exitCode: Number(match[1]), signal };
}

/** A step id has a `.` after the job part: `123.batch`, `123_4.0`, `123+1.extern`. */
function isStep(jobId: string): boolean {
  return jobId.includes('.');
}

/** One JobStatus per job (steps skipped); a later row for the same id replaces the earlier one. */
export function parseSacct(text: string): JobStatus[] {
  const byId = new Map<string, JobStatus>();
  for (const parts of splitNameLast(text, FIELDS, 'sacct', SACCT_FORMAT)) {
    const [jobId = '', state = '', exit = '', elapsed = '', node = '', name = ''] = parts;
    if (isStep(jobId)) continue;
    const { state: jobState, reason } = parseStateField(state);
    const status: JobStatus = { jobId, state: jobState, source: 'sacct', ...elapsedFields(elapsed), ...parseExitCode(exit) };
    if (reason !== undefined) status.reason = reason;
    if (node !== '' && node !== 'None assigned' && node !== '(null)') status.node = node;
    status.name = name;
    byId.delete(jobId); // re-insert so the order follows the latest row
    byId.set(jobId, status);
  }
  return [...byId.values()];
}
