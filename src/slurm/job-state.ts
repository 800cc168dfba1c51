// The one job state model: squeue, sacct and scontrol all map into JobState, keeping Slurm's
// terminal reasons (FAILED, TIMEOUT, OUT_OF_MEMORY, ...) instead of collapsing them to "done".

export const JOB_STATES = [
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'REQUEUED',
  'RESIZING',
  'STOPPED',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'REVOKED',
  'SPECIAL_EXIT',
  'UNKNOWN',
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Where a status came from; squeue knows live jobs, sacct history, scontrol recent jobs. */
export type StatusSource = 'squeue' | 'sacct' | 'scontrol';

export interface JobStatus {
  /** As Slurm prints it: `123`, `123_4` (array task), `123_[5-9]` (pending tasks), `123+0` (het component). */
  jobId: string;
  state: JobState;
  /** Pending reason (`Resources`, `JobHeldUser`), or `by 0` from sacct's `CANCELLED by 0`. */
  reason?: string;
  /** The script's exit status (`3` from ExitCode `3:0`). */
  exitCode?: number;
  /** The signal that ended it (`9` from ExitCode `0:9`); absent when 0. */
  signal?: number;
  /** Node list as Slurm prints it (`node[1-2]`); absent while none is allocated. */
  node?: string;
  /** Elapsed time as Slurm printed it (`0:05`, `00:00:05`, `1-02:03:04`). */
  elapsed?: string;
  /** Elapsed time in seconds, parsed from `elapsed`. */
  elapsedS?: number;
  name?: string;
  source: StatusSource;
}

const TERMINAL: ReadonlySet<JobState> = new Set<JobState>([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'REVOKED',
  'SPECIAL_EXIT',
]);

/** True when the job will not run again on its own (a requeued job shows PENDING/REQUEUED, not these). */
export function isTerminal(state: JobState): boolean {
  return TERMINAL.has(state);
}

// squeue %t compact codes and the long names Slurm has beyond our enum, mapped to the nearest state.
const ALIASES: Readonly<Record<string, JobState>> = {
  PD: 'PENDING',
  CF: 'CONFIGURING',
  R: 'RUNNING',
  CG: 'COMPLETING',
  S: 'SUSPENDED',
  RQ: 'REQUEUED',
  RS: 'RESIZING',
  ST: 'STOPPED',
  CD: 'COMPLETED',
  F: 'FAILED',
  CA: 'CANCELLED',
  TO: 'TIMEOUT',
  OOM: 'OUT_OF_MEMORY',
  NF: 'NODE_FAIL',
  PR: 'PREEMPTED',
  BF: 'BOOT_FAIL',
  DL: 'DEADLINE',
  RV: 'REVOKED',
  SE: 'SPECIAL_EXIT',
  // Transitional states: the job still holds (or waits for) its allocation.
  RD: 'PENDING',
  RESV_DEL_HOLD: 'PENDING',
  RF: 'REQUEUED',
  REQUEUE_FED: 'REQUEUED',
  RH: 'REQUEUED',
  REQUEUE_HOLD: 'REQUEUED',
  SI: 'RUNNING',
  SIGNALING: 'RUNNING',
  SO: 'COMPLETING',
  STAGE_OUT: 'COMPLETING',
  LAUNCH_FAILED: 'FAILED',
  RECONFIG_FAIL: 'FAILED',
  POWER_UP_NODE: 'CONFIGURING',
  UPDATE_DB: 'COMPLETING',
};

const LONG_NAMES: ReadonlySet<string> = new Set<string>(JOB_STATES);

/** Split a state field into state and its "by" part: `CANCELLED by 1000` -> CANCELLED, `by 1000`. */
export function parseStateField(raw: string): { state: JobState; reason?: string } {
  const match = /^(\S+)\s+(by\s+\S+)\s*$/.exec(raw.trim());
  if (match?.[1] !== undefined && match[2] !== undefined) {
    return { state: normalizeState(match[1]), reason: match[2].replace(/\s+/, ' ') };
  }
  return { state: normalizeState(raw) };
}

/** Map squeue codes (PD, R, CG, OOM), long names, `CANCELLED by 0` and truncated `CANCELLED+` to JobState. */
export function normalizeState(raw: string): JobState {
  let word = raw.trim().toUpperCase().split(/\s+/)[0] ?? '';
  // sacct's fixed-width columns truncate with '+' (OUT_OF_ME+); the parsable formats never do.
  const truncated = word.endsWith('+');
  if (truncated) word = word.slice(0, -1);
  if (LONG_NAMES.has(word)) return word as JobState;
  const alias = ALIASES[word];
  if (alias !== undefined) return alias;
  if (truncated && word.length > 0) {
    const candidates = [...JOB_STATES, ...Object.keys(ALIASES)].filter((name) => name.startsWith(word));
    const states = new Set(candidates.map((name) => (LONG_NAMES.has(name) ? (name as JobState) : ALIASES[name])));
    if (states.size === 1) return [...states][0] ?? 'UNKNOWN';
  }
  return 'UNKNOWN';
}

/** squeue/scontrol say this for a job id the controller no longer (or never) knew: ask sacct next. */
export function isUnknownJobError(stderr: string): boolean {
  return /Invalid job id specified/i.test(stderr);
}
