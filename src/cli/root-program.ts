// The root of the aibench program: its name, description, global options and each command group's
// one-line summary, without any group's code. main.ts builds the whole program on it, loading the
// group a command line names; the fast path prints `aibench --help` from it alone (the same code,
// so the same text).
import { Command } from 'commander';
import { escapeControl } from '../report/escape.js';
import { setQuietDefault } from '../report/output.js';
import { VERSION } from '../version.js';

// Command groups are imported only when named on the command line, so `aibench service models`
// does not pay for the simulator, the Grafana SDK or the tokenizer at startup. The summaries here
// are what `aibench --help` lists without loading anything.
const GROUP_SUMMARIES = [
  ['bench', 'benchmark an OpenAI-compatible server (vLLM), compare and list results'],
  ['report', 'one self-contained HTML report (plots, tables; works offline) from result files'],
  ['history', 'trends of nightly results by workload, with significant-regression flags'],
  ['profiles', 'list the benchmark profiles and suites shipped with aibench (use them by name)'],
  ['suite', 'run many benchmarks from a suite YAML: services x matrix, by priority, with a lock'],
  ['service', 'start, list, inspect and stop vLLM services running as Slurm jobs'],
  ['models', "the cluster's HF hub cache as a catalogue: models, completeness, parameters, VRAM estimate"],
  ['jobs', 'submit, inspect, wait for, cancel and read Slurm jobs (HF cache exported to every job)'],
  ['sim', 'run a vLLM-compatible simulator (OpenAI API, SSE streaming, /metrics) with a latency model'],
  ['telemetry', 'GPU telemetry: the nvidia-smi agent and the Prometheus side of it'],
  ['tunnel', "SSH reverse tunnel: login-node ports -> this host's Pushgateway / Prometheus"],
  ['dashboards', 'generate the Grafana dashboards and check their queries'],
  ['api', 'HTTP control API for dashboards and tools: start services and benchmarks'],
  ['doctor', 'check that a cluster can run aibench work (SSH, Slurm, shared dirs)'],
  ['config', 'show or create the aibench config file'],
  ['completion', 'print a shell completion script: bash, zsh or fish'],
] as const;

export type GroupName = (typeof GROUP_SUMMARIES)[number][0];

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

/** The program with each group's command from `load` (a stub that only has its summary when it gives none). */
export async function rootProgram(load: (name: GroupName) => Promise<Command | undefined> = async () => undefined): Promise<Command> {
  const program = new Command('aibench')
    .description('Benchmark LLM inference servers (vLLM) on Slurm GPU clusters')
    .version(VERSION, '-V, --version', 'print the aibench version')
    .option('--config <file>', 'config file (default: $AIBENCH_CONFIG or ~/.config/aibench/config.yaml)')
    .option('--debug', 'show stack traces and debug detail on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const [name, summary] of GROUP_SUMMARIES) program.addCommand(((await load(name)) ?? new Command(name)).description(summary));
  applyExitOverride(program);
  addQuietEverywhere(program);
  return program;
}
