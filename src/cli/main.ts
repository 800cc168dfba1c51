// The aibench program: wires command groups and is the ONLY place that turns errors into exit codes.
import { type Command, CommanderError } from 'commander';
import { AibenchError, ExitCode, errorMessage } from '../errors.js';
import { escapeControl } from '../report/escape.js';
import { interruptReason, wasInterrupted } from './context.js';
import { rootProgram, type GroupName } from './root-program.js';

// Each group's code, loaded only when the command line names it (root-program.ts has the summaries).
const LOADERS: Record<GroupName, () => Promise<Command>> = {
  bench: async () => (await import('./bench.js')).buildBenchCommand(),
  report: async () => (await import('./report.js')).buildReportCommand(),
  history: async () => (await import('./history.js')).buildHistoryCommand(),
  profiles: async () => (await import('./profiles.js')).buildProfilesCommand(),
  suite: async () => (await import('./suite.js')).buildSuiteCommand(),
  service: async () => (await import('./service.js')).buildServiceCommand(),
  models: async () => (await import('./models.js')).buildModelsCommand(),
  jobs: async () => (await import('./jobs.js')).buildJobsCommand(),
  sim: async () => (await import('./sim.js')).buildSimCommand(),
  telemetry: async () => (await import('./telemetry.js')).buildTelemetryCommand(),
  tunnel: async () => (await import('./tunnel.js')).buildTunnelCommand(),
  dashboards: async () => (await import('./dashboards.js')).buildDashboardsCommand(),
  api: async () => (await import('./api.js')).buildApiCommand(),
  doctor: async () => (await import('./doctor.js')).buildDoctorCommand(),
  config: async () => (await import('./config.js')).buildConfigCommand(),
  completion: async () => (await import('./completion.js')).buildCompletionCommand(),
};

/** The command group argv names (after global options; `help GROUP` too), if any. */
function namedGroup(argv: readonly string[]): string | undefined {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--config') {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    if (arg === 'help') return args.slice(i + 1).find((a) => !a.startsWith('-'));
    return arg;
  }
  return undefined;
}

/** Build the commander program, loading only the group argv names (all groups as summaries otherwise; every one with allGroups, for completion). */
export async function buildProgram(argv: readonly string[] = [], options: { allGroups?: boolean } = {}): Promise<Command> {
  const wanted = namedGroup(argv);
  return rootProgram(async (name) => (name === wanted || options.allGroups ? LOADERS[name]() : undefined));
}

// Messages echo names, Slurm reasons and job logs: escaped so they cannot drive the terminal.
const say = (line: string) => process.stderr.write(`${escapeControl(line, { keepLines: true })}\n`);

function report(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // help and version are "errors" to commander but successes to the user.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.OK;
    }
    return ExitCode.USAGE; // commander already printed its message
  }
  if (error instanceof AibenchError) {
    say(`error: ${error.message}`);
    if (error.hint) say(`hint: ${error.hint}`);
    if (debug) process.stderr.write(`${error.stack ?? ''}\n${error.cause ? `cause: ${String((error.cause as Error).stack ?? error.cause)}\n` : ''}`);
    return error.exitCode;
  }
  if (wasInterrupted()) {
    // Cut short by the signal the user sent (the reason, or an AbortError it caused): not a bug to report.
    say(`interrupted (${errorMessage(interruptReason())})`);
    if (debug) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    return ExitCode.INTERRUPTED;
  }
  say(`error: ${errorMessage(error)}`);
  if (debug) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  else process.stderr.write('hint: this is unexpected; run again with --debug for details and report it.\n');
  return ExitCode.FAILED;
}

/** Run the full CLI with process.argv-style arguments (entry.ts calls it); sets process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  const program = await buildProgram(argv);
  let code: number = ExitCode.OK;
  try {
    await program.parseAsync(argv);
  } catch (error) {
    code = report(error, debug);
  }
  // An interrupted run reports 130 unless it already failed for a more specific reason (usage, threshold).
  if (wasInterrupted() && (code === ExitCode.OK || code === ExitCode.FAILED)) code = ExitCode.INTERRUPTED;
  process.exitCode = code;
}
