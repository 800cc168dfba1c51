// The Slurm client in one import: submit, status, wait, cancel, logs and list, each in its own file.
export { submitJob, readJobRecord, type SubmittedJobInfo } from './submit.js';
export { buildSubmitSpec, type SubmitInput } from './submit-spec.js';
export { jobStatus } from './status.js';
export { waitForJob, waitReached, type WaitOptions, type WaitUntil } from './wait.js';
export { cancelJobs, type CancelOptions } from './cancel.js';
export { jobLogs, type LogsOptions } from './logs.js';
export { listJobs } from './list.js';
export { parseJobIds } from './job-id.js';
export { DEFAULT_GRACE_MS, type JobReport } from './status-merge.js';
export type { ListedJob } from './parse-job-list.js';
export { ConnectionLostError, DEFAULT_RECONNECT_MS, withReconnect } from './reconnect.js';
