// Pure: what a service record becomes given what Slurm says about its job. A service whose job
// ended or vanished is never READY: CANCELLED/COMPLETED -> STOPPED, failures -> FAILED, a job no
// Slurm command knows any more -> LOST.
import { isTerminal } from '../slurm/job-state.js';
import type { JobReport } from '../slurm/status-merge.js';
import { isFinalStatus, type ServiceRecord } from './record.js';

const STOPPED_STATES = new Set(['CANCELLED', 'COMPLETED']);
const QUEUED_STATES = new Set(['PENDING', 'CONFIGURING', 'REQUEUED']);

/** `FAILED (exit 1)`, `OUT_OF_MEMORY`, `CANCELLED by 0`: the state as people read it. */
export function jobStateText(report: Pick<JobReport, 'state' | 'exitCode' | 'signal' | 'reason'>): string {
  const extra = report.signal !== undefined ? ` (signal ${report.signal})` : report.exitCode ? ` (exit ${report.exitCode})` : '';
  return `${report.state}${extra}`;
}

/** The job_state of a cancelled job that Slurm no longer lists (without accounting it forgets ended jobs). */
export const JOB_GONE = 'gone (no longer known to Slurm)';

/** What a cancelled job became, for the record: its final state, or that Slurm no longer knows it. */
export function endedStateText(report: JobReport | undefined): string {
  return report !== undefined && report.source !== 'none' ? jobStateText(report) : JOB_GONE;
}

/** The fields of `record` that change given `report` (empty when nothing does). */
export function reconcileRecord(record: ServiceRecord, report: JobReport | undefined): Partial<ServiceRecord> {
  if (isFinalStatus(record.status)) return {};
  if (report === undefined || report.source === 'none') {
    return { status: 'LOST', reason: `job ${record.job_id} is no longer known to Slurm (squeue, sacct, scontrol)` };
  }
  const facts: Partial<ServiceRecord> = { job_state: jobStateText(report) };
  if (report.node !== undefined && report.node !== '') facts.node = report.node;
  if (report.exitCode !== undefined) facts.exit_code = report.exitCode;
  if (isTerminal(report.state)) {
    if (STOPPED_STATES.has(report.state)) return { ...facts, status: 'STOPPED', reason: `job ended ${jobStateText(report)}` };
    return { ...facts, status: 'FAILED', reason: `job ended ${jobStateText(report)}` };
  }
  if (QUEUED_STATES.has(report.state)) return { ...facts, status: 'PENDING' };
  // Running (or suspended): READY stays READY; anything earlier is still starting.
  return { ...facts, status: record.status === 'READY' ? 'READY' : 'STARTING' };
}

/** Only the entries of `patch` that differ from `record`, so an unchanged status writes nothing. */
export function changedFields(record: ServiceRecord, patch: Partial<ServiceRecord>): Partial<ServiceRecord> {
  const out: Partial<ServiceRecord> = {};
  for (const [key, value] of Object.entries(patch) as [keyof ServiceRecord, unknown][]) {
    if (JSON.stringify(record[key]) !== JSON.stringify(value)) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
