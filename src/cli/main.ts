// The aibench program: wires command groups and is the ONLY place that sets the exit code.
import { Command, CommanderError } from 'commander';
import { AibenchError, ExitCode, errorMessage } from '../errors.js';
import { escapeControl } from '../report/escape.js';
import { setQuietDefault } from '../report/output.js';
import { VERSION } from '../version.js';
import { interruptReason, wasInterrupted } from './context.js';

interface Group {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

// Command groups are imported only when named on the command line, so `aibench service models`
// does not pay for the simulator, the Grafana SDK or the tokenizer at startup. The summaries here
// are what `aibench --help` lists without loading anything.
const GROUPS: Group[] = [
  { name: 'bench', summary: 'benchmark an OpenAI-compatible server (vLLM), compare and list results', load: async () => (await import('./bench.js')).buildBenchCommand() },
  { name: 'report', summary: 'one self-contained HTML report (plots, tables; works offline) from result files', load: async () => (await import('./report.js')).buildReportCommand() },
  { name: 'history', summary: 'trends of nightly results by workload, with significant-regression flags', load: async () => (await import('./history.js')).buildHistoryCommand() },
  { name: 'profiles', summary: 'list the benchmark profiles and suites shipped with aibench (use them by name)', load: async () => (await import('./profiles.js')).buildProfilesCommand() },
  { name: 'suite', summary: 'run many benchmarks from a suite YAML: services x matrix, by priority, with a lock', load: async () => (await import('./suite.js')).buildSuiteCommand() },
  { name: 'service', summary: 'start, list, inspect and stop vLLM services running as Slurm jobs', load: async () => (await import('./service.js')).buildServiceCommand() },
  { name: 'models', summary: "the cluster's HF hub cache as a catalogue: models, completeness, parameters, VRAM estimate", load: async () => (await import('./models.js')).buildModelsCommand() },
  { name: 'jobs', summary: 'submit, inspect, wait for, cancel and read Slurm jobs (HF cache exported to every job)', load: async () => (await import('./jobs.js')).buildJobsCommand() },
  { name: 'sim', summary: 'run a vLLM-compatible simulator (OpenAI API, SSE streaming, /metrics) with a latency model', load: async () => (await import('./sim.js')).buildSimCommand() },
  { name: 'telemetry', summary: 'GPU telemetry: the nvidia-smi agent and the Prometheus side of it', load: async () => (await import('./telemetry.js')).buildTelemetryCommand() },
  { name: 'tunnel', summary: "SSH reverse tunnel: login-node ports -> this host's Pushgateway / Prometheus", load: async () => (await import('./tunnel.js')).buildTunnelCommand() },
  { name: 'dashboards', summary: 'generate the Grafana dashboards and check their queries', load: async () => (await import('./dashboards.js')).buildDashboardsCommand() },
  { name: 'api', summary: 'HTTP control API for dashboards and tools: start services and benchmarks', load: async () => (await import('./api.js')).buildApiCommand() },
  { name: 'doctor', summary: 'check that a cluster can run aibench work (SSH, Slurm, shared dirs)', load: async () => (await import('./doctor.js')).buildDoctorCommand() },
  { name: 'config', summary: 'show or create the aibench config file', load: async () => (await import('./config.js')).buildConfigCommand() },
  { name: 'completion', summary: 'print a shell completion script: bash, zsh or fish', load: async () => (await import('./completion.js')).buildCompletionCommand() },
];

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
  const program = new Command('aibench')
    .description('Benchmark LLM inference servers (vLLM) on Slurm GPU clusters')
    .version(VERSION, '-V, --version', 'print the aibench version')
    .option('--config <file>', 'config file (default: $AIBENCH_CONFIG or ~/.config/aibench/config.yaml)')
    .option('--debug', 'show stack traces and debug detail on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const wanted = namedGroup(argv);
  for (const group of GROUPS) {
    const cmd = group.name === wanted || options.allGroups ? await group.load() : new Command(group.name);
    program.addCommand(cmd.description(group.summary));
  }
  applyExitOverride(program);
  addQuietEverywhere(program);
  return program;
}

/**
 * Every command that prints data takes -q/--quiet: only the data (stdout; ids for an `ls`), no
 * tables, progress, notes or warnings on stderr (errors still). Commands that declare their own
 * --quiet keep it; for the rest it is added here and handed to createOutput before the action.
 */
function addQuietEverywhere(cmd: Command): void {
  for (const sub of cmd.commands) addQuietEverywhere(sub);
  const hasJson = cmd.options.some((o) => o.long === '--json');
  if (hasJson && !cmd.options.some((o) => o.long === '--quiet')) cmd.option('-q, --quiet', 'only the data on stdout: no tables, progress or notes on stderr');
  if (cmd.options.some((o) => o.long === '--quiet')) cmd.hook('preAction', (_root, action) => setQuietDefault(Boolean(action.opts<{ quiet?: boolean }>().quiet)));
}

// Commander's own messages echo what was typed (`argument '…' is invalid`): escaped like ours.
const ESCAPED_OUTPUT = { outputError: (text: string, write: (s: string) => void) => write(escapeControl(text, { keepLines: true })) };

function applyExitOverride(cmd: Command): void {
  cmd.exitOverride().configureOutput(ESCAPED_OUTPUT);
  for (const sub of cmd.commands) applyExitOverride(sub);
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
