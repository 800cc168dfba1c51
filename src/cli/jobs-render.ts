// Tables and lines for the `jobs` commands (people, on stderr); JSON documents are the data.
import { renderTable } from '../report/table.js';
import type { ListedJob } from '../slurm/parse-job-list.js';
import type { JobReport } from '../slurm/status-merge.js';

/** The state with its exit code or signal where Slurm gave one: `FAILED (exit 3)`. */
export function stateText(r: Pick<JobReport, 'state' | 'exitCode' | 'signal'>): string {
  if (r.signal !== undefined) return `${r.state} (signal ${r.signal})`;
  if (r.exitCode !== undefined && r.exitCode !== 0) return `${r.state} (exit ${r.exitCode})`;
  return r.state;
}

/** `jobs status` table. */
export function renderStatusTable(reports: readonly JobReport[]): string {
  const rows = reports.map((r) => [r.jobId, r.name, stateText(r), r.elapsed, r.node, r.reason, r.source]);
  return renderTable(['job', 'name', 'state', 'elapsed', 'node', 'reason', 'source'], rows);
}

/** `jobs ls` table. */
export function renderListTable(jobs: readonly ListedJob[]): string {
  const rows = jobs.map((j) => [j.jobId, j.name, stateText(j), j.elapsed, j.node, j.reason]);
  return renderTable(['job', 'name', 'state', 'elapsed', 'node', 'reason'], rows);
}

