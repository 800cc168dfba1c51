// The submission step of `service start`: sbatch for an id already reserved in the store, then
// the job id written onto that reservation. Kept apart from the wait because it is where a
// racing `service stop` is met (see stop.ts for the other side).
import { reconnectBudgetMs } from '../config/cluster.js';
import { errorMessage } from '../errors.js';
import { cancelJobs } from '../slurm/cancel.js';
import { submitJob, type SubmittedJobInfo } from '../slurm/submit.js';
import type { SubmitInput } from '../slurm/submit-spec.js';
import { ENDPOINT_FILE } from './endpoint.js';
import type { ClusterSession } from './lifecycle.js';
import { endedStateText } from './reconcile.js';
import { serviceDir, serviceJobName, type ServiceRecord } from './record.js';
import { ServiceError } from '../errors.js';
import type { ServiceStore } from './store.js';

/** What the service's job asks of Slurm (from the start's flags and its plan). */
export type JobRequest = Omit<SubmitInput, 'body' | 'name' | 'env' | 'secretEnv' | 'cpus'>;

/**
 * sbatch for a reserved id, then write the job id onto the reservation (whatever its status): a
 * `service stop` that marked it STOPPED meanwhile waits for that id. A stopped reservation's job is
 * cancelled here, and a failed sbatch gives the reservation back (the stop's proof of no job).
 */
export async function submitReserved(target: ClusterSession, draft: ServiceRecord, body: string, request: JobRequest, store: ServiceStore): Promise<ServiceRecord> {
  const { ex, cluster } = target;
  const dir = serviceDir(cluster.paths.state_dir, draft.id);
  let job: SubmittedJobInfo;
  try {
    await ex.mkdirp(dir);
    await ex.run(['rm', '-f', '--', `${dir}/${ENDPOINT_FILE}`]);
    job = await submitJob(ex, cluster, { ...request, body, name: serviceJobName(draft.id) });
  } catch (error) {
    await store.update((records) => {
      if (records[draft.id]?.created_at === draft.created_at && records[draft.id]?.job_id === '') delete records[draft.id];
    });
    throw error;
  }
  const claimed = await store.update((records) => {
    const current = records[draft.id];
    if (current?.created_at !== draft.created_at || current.job_id !== '') return undefined;
    records[draft.id] = { ...current, job_id: job.job_id, updated_at: new Date().toISOString() };
    return records[draft.id];
  }).catch(async (error: unknown) => {
    // The store could not take the job id (locked, unwritable): no record would own the job.
    await cancelJobs(ex, [job.job_id], { timeoutMs: 60_000, reconnectMs: reconnectBudgetMs(cluster) }).catch(() => undefined);
    throw error;
  });
  if (claimed !== undefined && claimed.status === 'PENDING') return claimed;
  // Stopped during sbatch (or, without the reservation, no record can own it): do not leave it running.
  const reconnectMs = reconnectBudgetMs(cluster);
  const gone = await cancelJobs(ex, [job.job_id], { timeoutMs: 60_000, reconnectMs }).then((reports) => reports, (error: unknown) => errorMessage(error));
  if (typeof gone === 'string') {
    throw new ServiceError(`Service ${draft.id} was stopped while its job was being submitted, and cancelling job ${job.job_id} failed: ${gone}`, {
      hint: `Cancel it with \`aibench jobs cancel ${job.job_id}\`.`,
    });
  }
  await store.update((records) => {
    const current = records[draft.id];
    if (current?.job_id === job.job_id && current.status === 'STOPPED' && current.job_state === undefined) records[draft.id] = { ...current, job_state: endedStateText(gone[0]) };
  });
  throw new ServiceError(`Service ${draft.id} was stopped while its job was being submitted; job ${job.job_id} was cancelled`);
}

