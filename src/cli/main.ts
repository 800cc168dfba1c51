// The aibench program: wires command groups and is the ONLY place that sets the exit code.
import { Command, CommanderError } from 'commander';
import { AibenchError, ExitCode, errorMessage } from '../errors.js';
import { VERSION } from '../version.js';
import { buildApiCommand } from './api.js';
import { buildBenchCommand } from './bench.js';
import { buildConfigCommand } from './config.js';
import { buildDashboardsCommand } from './dashboards.js';
import { wasInterrupted } from './context.js';
import { buildDoctorCommand } from './doctor.js';
import { buildJobsCommand } from './jobs.js';
import { buildServiceCommand } from './service.js';
import { buildSimCommand } from './sim.js';
import { buildSuiteCommand } from './suite.js';
import { buildTelemetryCommand } from './telemetry.js';
import { buildTunnelCommand } from './tunnel.js';


/** Build the commander program (exported for tests of help output). */
export function buildProgram(): Command {
  const program = new Command('aibench')
    .description('Benchmark LLM inference servers (vLLM) on Slurm GPU clusters')
    .version(VERSION, '-V, --version', 'print the aibench version')
    .option('--config <file>', 'config file (default: $AIBENCH_CONFIG or ~/.config/aibench/config.yaml)')
    .option('--debug', 'show stack traces and debug detail on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const cmd of [buildBenchCommand(), buildSuiteCommand(), buildServiceCommand(), buildJobsCommand(), buildSimCommand(), buildTelemetryCommand(), buildTunnelCommand(), buildDashboardsCommand(), buildApiCommand(), buildDoctorCommand(), buildConfigCommand()]) {
    program.addCommand(cmd);
  }
  for (const cmd of program.commands) applyExitOverride(cmd);
  return program;
}

function applyExitOverride(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) applyExitOverride(sub);
}

function report(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // help and version are "errors" to commander but successes to the user.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.OK;
    }
    return ExitCode.USAGE; // commander already printed its message
  }
  if (error instanceof AibenchError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    if (debug) process.stderr.write(`${error.stack ?? ''}\n${error.cause ? `cause: ${String((error.cause as Error).stack ?? error.cause)}\n` : ''}`);
    return error.exitCode;
  }
  process.stderr.write(`error: ${errorMessage(error)}\n`);
  if (debug) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  else process.stderr.write('hint: this is unexpected; run again with --debug for details and report it.\n');
  return ExitCode.FAILED;
}

/** Run the CLI with process.argv-style arguments; sets process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  const program = buildProgram();
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
