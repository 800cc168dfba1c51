// Job ids typed by a person: checked before they reach squeue/scancel argv, so a value like
// `-u` or `1;rm` can never be read as an option or anything else.
import { UsageError } from '../errors.js';

const JOB_ID = /^\d+(?:_\d+|\+\d+)?$/;

/** Validate job ids (`123`, array task `123_4`, het component `123+1`); UsageError names the bad one. */
export function parseJobIds(ids: readonly string[], field = 'job id'): string[] {
  if (ids.length === 0) throw new UsageError(`${field}: expected at least one job id like 123, got none`);
  for (const id of ids) {
    if (!JOB_ID.test(id)) {
      throw new UsageError(`${field}: expected a Slurm job id like 123, 123_4 or 123+1, got ${JSON.stringify(id)}`);
    }
  }
  return [...new Set(ids)];
}

/** True when a status line belongs to a requested id: the same id, or a task/component of it. */
export function belongsTo(requested: string, jobId: string): boolean {
  return jobId === requested || jobId.startsWith(`${requested}_`) || jobId.startsWith(`${requested}+`);
}
