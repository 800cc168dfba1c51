// Parse `squeue --noheader --format=SQUEUE_FORMAT`. The job name is the last field, so a `|` in
// a name only ever lands in the name. squeue lists only live jobs unless `--states=all` is given
// (then also jobs finished within MinJobAge); for an id it has forgotten it exits 1 with
// "Invalid job id specified" (see isUnknownJobError): ask sacct next.
import { normalizeState, type JobStatus } from './job-state.js';
import { elapsedFields } from './duration.js';
import { SlurmError } from '../errors.js';

/** id | full state | reason | nodes | elapsed | name. Pass as one argv element: `--format=${SQUEUE_FORMAT}`. */
export const SQUEUE_FORMAT = '%i|%T|%r|%N|%M|%j';
const FIELDS = 6;

/** One JobStatus per line; blank lines are skipped, malformed lines are an error naming the line. */
export function parseSqueue(text: string): JobStatus[] {
  const out: JobStatus[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const parts = line.split('|');
    if (parts.length < FIELDS) {
      throw new SlurmError(`Expected ${FIELDS} '|'-separated squeue fields (${SQUEUE_FORMAT}), got ${JSON.stringify(line)}`, {
        code: 'E_SLURM_PARSE',
      });
    }
    const [jobId = '', state = '', reason = '', node = '', elapsed = ''] = parts;
    const status: JobStatus = { jobId: jobId.trim(), state: normalizeState(state), source: 'squeue', ...elapsedFields(elapsed) };
    if (reason !== '' && reason !== 'None') status.reason = reason;
    if (node !== '' && node !== '(null)') status.node = node;
    status.name = parts.slice(FIELDS - 1).join('|');
    out.push(status);
  }
  return out;
}
