// Bash lines a service job body runs to start the telemetry agent in the background. The agent
// gets SLURM_JOB_ID from the job's environment at run time and is killed when the job body exits
// (trap on EXIT). A body that later `exec`s the server loses the trap, and with proctrack/linuxproc
// Slurm does not reap an orphaned agent when the server exits by itself, so the service job body
// (src/service/job-body.ts) also starts a watcher that stops the agent once the server's PID is gone.
// Its log joins the job log.
import { shellJoin } from '../exec/quote.js';

export interface TelemetryStartOptions {
  pushgatewayUrl?: string;
  remoteWriteUrl?: string;
  intervalS?: number;
  serviceId: string;
  /** How to invoke aibench on the compute node, e.g. `aibench` or `node /opt/aibench/bin/aibench.js`. One shell word or several; split on spaces. */
  aibenchCommand: string;
  /** Words the agent runs inside (a service's container: `apptainer exec ... IMAGE`). */
  wrap?: readonly string[];
}

/** The lines, every value shell-quoted; an agent with no sink is refused. */
export function renderTelemetryStart(opts: TelemetryStartOptions): string[] {
  if (!opts.pushgatewayUrl && !opts.remoteWriteUrl) throw new RangeError('Expected a Pushgateway URL or a remote-write URL for the telemetry agent, got neither');
  const args = [
    'telemetry', 'agent',
    ...(opts.pushgatewayUrl ? ['--pushgateway', opts.pushgatewayUrl] : []),
    ...(opts.remoteWriteUrl ? ['--remote-write', opts.remoteWriteUrl] : []),
    ...(opts.intervalS !== undefined ? ['--interval', `${opts.intervalS}s`] : []),
    '--service-id', opts.serviceId,
  ];
  const command = opts.aibenchCommand.trim().split(/\s+/).filter(Boolean);
  return [
    '# GPU telemetry agent: background, stopped with the job',
    `${shellJoin([...(opts.wrap ?? []), ...command, ...args])} --slurm-job-id "\${SLURM_JOB_ID:-}" --instance "$(hostname -s)" &`,
    'AIBENCH_TELEMETRY_PID=$!',
    "trap 'kill -TERM \"$AIBENCH_TELEMETRY_PID\" 2>/dev/null; wait \"$AIBENCH_TELEMETRY_PID\" 2>/dev/null' EXIT",
  ];
}
