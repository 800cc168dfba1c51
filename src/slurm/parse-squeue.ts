// Parse `squeue --noheader --format=SQUEUE_FORMAT`. The job name is the last field, so a `|` in
// a name only ever lands in the name. squeue lists only live jobs unless `--states=all` is given
// (then also jobs finished within MinJobAge); for an id it has forgotten it exits 1 with
// "Invalid job id specified" (see isUnknownJobError): ask sacct next.
import { normalizeState, type JobStatus } from './job-state.js';
import { elapsedFields } from './duration.js';
import { splitNameLast } from './split-fields.js';

/** id | full state | reason | nodes | elapsed | name. Pass as one argv element: `--format=${SQUEUE_FORMAT}`. */
export const SQUEUE_FORMAT = '%i|%T|%r|%N|%M|%j';
const FIELDS = 6;

/** One JobStatus per line; blank lines are skipped, malformed lines are an error naming the line. */
export function parseSqueue(text: string): JobStatus[] {
  const out: JobStatus[] = [];
  for (const parts of splitNameLast(text, FIELDS, 'squeue', SQUEUE_FORMAT)) {
    const [jobId = '', state = '', reason = '', node = '', elapsed = '', name = ''] = parts;
    const status: JobStatus = { jobId: jobId.trim(), state: normalizeState(state), source: 'squeue', ...elapsedFields(elapsed) };
    if (reason !== '' && reason !== 'None') status.reason = reason;
    if (node !== '' && node !== '(null)') status.node = node;
    status.name = name;
    out.push(status);
  }
  return out;
}
