// What a person needs when a service did not come up: Slurm's state (FAILED + exit code,
// OUT_OF_MEMORY, TIMEOUT) and the last lines of the job's log, in one error.
import type { Executor } from '../exec/types.js';
import { jobLogs } from '../slurm/logs.js';
import { ServiceError } from '../errors.js';

const LOG_TAIL_LINES = 20;

/** The last `lines` lines of a job's output, or a note saying why there are none. */
export async function logTail(ex: Executor, stateDir: string, jobId: string, lines = LOG_TAIL_LINES): Promise<string> {
  let text = '';
  try {
    await jobLogs(ex, stateDir, jobId, { lines, write: (t) => (text += t) });
  } catch (error) {
    return `(no log: ${(error as Error).message})`;
  }
  return text.trimEnd() === '' ? '(the log is empty)' : text.trimEnd();
}

/** A ServiceError whose message carries the headline, the job state and the log tail. */
export async function serviceFailure(
  ex: Executor,
  stateDir: string,
  what: { id: string; jobId: string; headline: string; hint: string; code?: string },
): Promise<ServiceError> {
  const tail = await logTail(ex, stateDir, what.jobId);
  const message = `${what.headline}\n--- last ${LOG_TAIL_LINES} lines of job ${what.jobId}'s log ---\n${tail}\n---`;
  return new ServiceError(message, { code: what.code ?? 'E_SERVICE_FAILED', hint: what.hint });
}
