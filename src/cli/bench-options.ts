// The `bench run` flags that set benchmark settings: one table maps each flag to its settings key
// and turns its text into a typed value once (commander's argParser). Only flags the user typed
// become settings, so a flag's default never beats a profile (commander's value source 'cli').
import { Command, InvalidArgumentError, Option } from 'commander';
import type { BenchInput, BenchInputKey } from '../bench/spec/bench-input.js';

type Parse = (text: string, previous: unknown) => unknown;

interface SpecFlag {
  flags: string;
  key: BenchInputKey;
  help: string;
  parse?: Parse;
  choices?: readonly string[];
  /** Shown in --help; the real default is applied once, in the spec. */
  shownDefault?: string;
}

function number(text: string): number {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) throw new InvalidArgumentError(`expected a number, got ${JSON.stringify(text)}`);
  return value;
}

// A comma list of items, each parsed; an empty item ("1,,2", "4,") is refused, not skipped.
const listOf = (item: (text: string) => unknown, what: string) => (text: string): unknown[] => {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new InvalidArgumentError(`expected a comma-separated list of ${what} with no empty item, got ${JSON.stringify(text)}`);
  return parts.map((p) => {
    try {
      return item(p);
    } catch {
      throw new InvalidArgumentError(`expected a comma-separated list of ${what}, got ${JSON.stringify(text)} (${JSON.stringify(p)} is not one)`);
    }
  });
};
const rateItem = (text: string): number | 'inf' => (text === 'inf' ? 'inf' : number(text));
const single = (list: unknown[]): unknown => (list.length === 1 ? list[0] : list);
const collect: Parse = (text, previous) => [...((previous as string[] | undefined) ?? []), text];

/** One `--metadata key=value` added to the ones before it (the value may hold `=`). */
export const collectMetadata: Parse = (text, previous) => {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got ${JSON.stringify(text)}`);
  return { ...((previous as Record<string, string> | undefined) ?? {}), [text.slice(0, eq)]: text.slice(eq + 1) };
};

/** Every flag of `bench run` that is a benchmark setting, in --help order. */
export const SPEC_FLAGS: readonly SpecFlag[] = [
  { flags: '--url <url>', key: 'url', help: 'server base URL, e.g. http://node1:8000 (default: start the embedded simulator)' },
  { flags: '--service <id>', key: 'service', help: "benchmark an aibench service (`aibench service start`): its endpoint, model, API key; provenance recorded" },
  { flags: '--balance <how>', key: 'balance', choices: ['round-robin', 'least-outstanding'], help: 'spread requests over the replicas of a service group (--service GROUP)', shownDefault: 'round-robin' },
  { flags: '--model <name>', key: 'model', help: "model to request (default: the service's model, else the first from /v1/models)" },
  { flags: '--duration <minutes>', key: 'duration', help: 'stop starting requests after this many minutes (fractional allowed, e.g. 0.5)' },
  { flags: '--duration-seconds <s>', key: 'duration_seconds', help: 'the same in seconds (exclusive with --duration)' },
  { flags: '--num-requests <n>', key: 'num_requests', parse: number, help: 'stop after n requests (with a duration: whichever comes first; default 100 without a duration)' },
  { flags: '--concurrency <n[,n...]>', key: 'concurrency', parse: (t) => single(listOf(number, 'integers')(t)), help: 'closed loop with n workers; a comma list sweeps (default 1)' },
  { flags: '--rate <r[,r...]>', key: 'rate', parse: (t) => single(listOf(rateItem, 'rates (numbers or inf)')(t)), help: 'open loop at r requests/s (or inf); a comma list sweeps' },
  { flags: '--burstiness <b>', key: 'burstiness', parse: number, help: 'gamma shape of rate-mode gaps: 1 = Poisson, < 1 burstier', shownDefault: '1' },
  { flags: '--max-concurrency <n>', key: 'max_concurrency', parse: number, help: 'cap on in-flight requests in rate mode (and of a trace replay)' },
  { flags: '--ramp-up <shape>', key: 'ramp_up', choices: ['linear', 'exponential'], help: 'rate mode that moves from --ramp-up-start to --ramp-up-end req/s over the duration (or the request count)' },
  { flags: '--ramp-up-start <r>', key: 'ramp_up_start', parse: number, help: 'the ramp\'s first rate, req/s' },
  { flags: '--ramp-up-end <r>', key: 'ramp_up_end', parse: number, help: 'the ramp\'s last rate, req/s' },
  { flags: '--warmup <n>', key: 'warmup', parse: number, help: 'requests sent first and excluded from the statistics', shownDefault: '0' },
  { flags: '--dataset <kind>', key: 'dataset', choices: ['random', 'prefix', 'sharegpt', 'jsonl', 'trace'], help: 'prompt source', shownDefault: 'random' },
  { flags: '--dataset-path <file>', key: 'dataset_path', help: 'ShareGPT JSON, JSONL prompts or conversations, or a trace file' },
  { flags: '--input-len <n>', key: 'input_len', parse: number, help: 'random dataset: prompt tokens', shownDefault: '1024' },
  { flags: '--output-len <n>', key: 'output_len', parse: number, help: 'output tokens (random default 128; overrides ShareGPT reply lengths)' },
  { flags: '--range-ratio <r>', key: 'range_ratio', parse: number, help: 'random dataset: lengths uniform in [L(1-r), L(1+r)]', shownDefault: '0' },
  { flags: '--prefix-len <n>', key: 'prefix_len', parse: number, help: 'prefix dataset: tokens of the shared prefix (less than --input-len)' },
  { flags: '--num-prefixes <n>', key: 'num_prefixes', parse: number, help: 'prefix dataset: distinct prefixes, each used equally often', shownDefault: '10' },
  { flags: '--multi-turn', key: 'multi_turn', help: 'sharegpt/jsonl as conversations: each a session of turns carrying its history (chat)' },
  { flags: '--think-time-ms <ms>', key: 'think_time_ms', parse: number, help: 'multi-turn: mean pause between a reply and the next turn (exponential, seeded)', shownDefault: '0' },
  { flags: '--max-turns <n>', key: 'max_turns', parse: number, help: 'multi-turn: at most this many turns of each conversation' },
  { flags: '--trace-format <f>', key: 'trace_format', choices: ['mooncake', 'azure', 'jsonl'], help: 'trace file format (default: azure for .csv, else mooncake)' },
  { flags: '--time-scale <s>', key: 'time_scale', parse: number, help: 'trace: send at trace time x s (0.5 = twice as fast)', shownDefault: '1' },
  { flags: '--trace-block-size <n>', key: 'trace_block_size', parse: number, help: 'mooncake trace: tokens per hash id', shownDefault: '512' },
  { flags: '--api <kind>', key: 'api', choices: ['completions', 'chat', 'batch'], help: 'endpoint; batch: one job through the files + batches API', shownDefault: 'completions' },
  { flags: '--batch-poll-interval <s>', key: 'batch_poll_interval_s', parse: number, help: 'api batch: seconds between status polls', shownDefault: '2' },
  { flags: '--seed <n>', key: 'seed', parse: number, help: 'seed for prompts and arrival times', shownDefault: '0' },
  { flags: '--goodput <slo>', key: 'goodput', help: 'SLOs for goodput in ms, e.g. ttft:500,tpot:50,e2el:10000' },
  { flags: '--percentiles <list>', key: 'percentiles', parse: listOf(number, 'percentiles'), help: 'extra latency percentiles, e.g. 50,90,99.9 (90,95,99 always reported)' },
  { flags: '--on-deadline <mode>', key: 'on_deadline', choices: ['finish', 'cut'], help: 'in-flight requests at the deadline: finish (within --deadline-grace) or cut', shownDefault: 'finish' },
  { flags: '--deadline-grace <s>', key: 'deadline_grace_s', parse: number, help: 'seconds in-flight requests may finish after the deadline before they are cut', shownDefault: '60' },
  { flags: '--fail-on <expr>', key: 'fail_on', parse: collect, help: "exit 3 when a result field crosses a threshold, e.g. 'p99_ttft_ms>500' (repeatable)" },
  { flags: '--assert <expr>', key: 'assert', parse: collect, help: "exit 3 unless the expression holds over the result, e.g. 'server_metrics.preemptions == 0' (repeatable; no value: exit 1)" },
  { flags: '--assert-promql <query-op-number>', key: 'assert_promql', parse: collect, help: "exit 3 unless a PromQL query over the run window compares true, e.g. 'max_over_time(aibench_gpu_memory_used_bytes{slurm_job_id=\"$slurm_job_id\"}[$__range]) < 70e9' (repeatable)" },
  { flags: '--prometheus-url <url>', key: 'prometheus_url', help: 'Prometheus for --assert-promql and the GPU figures (default: monitoring.prometheus_url of the config)' },
  { flags: '--scrape-interval <s>', key: 'scrape_interval_s', parse: number, help: "seconds between scrapes of the server's /metrics during the run; 0 turns scraping off", shownDefault: '1' },
  { flags: '--save-detailed', key: 'save_detailed', help: 'include per-request records in the result' },
  { flags: '--repeat <n>', key: 'repeat', parse: number, help: 'run the same workload n times: every repetition and the mean and 95% CI of each headline metric', shownDefault: '1' },
  { flags: '--client <where>', key: 'client', choices: ['local', 'cluster'], help: 'where the load comes from: this machine, or Slurm work next to the server (default: cluster for --service, else local)' },
  { flags: '--client-tasks <n>', key: 'client_tasks', parse: number, help: 'client processes as Slurm tasks that split the load (--client cluster)', shownDefault: '1' },
  { flags: '--client-nodes <n>', key: 'client_nodes', parse: number, help: 'nodes the client tasks spread over (a client partition, or a multi-node service allocation)' },
  { flags: '--workers <n>', key: 'workers', parse: number, help: 'client processes per machine (or per Slurm task) that split the load', shownDefault: '1' },
  { flags: '--metadata <key=value>', key: 'metadata', parse: collectMetadata, help: 'a tag recorded in the result and shown in reports and history, e.g. git_sha=$(git rev-parse HEAD) (repeatable)' },
  { flags: '--tokenizer <id|path>', key: 'tokenizer', help: "a model id or tokenizer.json path to size prompts with (default: the served model's own)" },
];


/** The `bench search` flags: SLOs, the range, precision and budget (build-search.ts reads them). */
export const SEARCH_FLAGS: readonly SpecFlag[] = [
  { flags: '--slo <expr>', key: 'slo', parse: collect, help: "a condition each step must meet, e.g. 'p99_ttft_ms<=500' (repeatable; the --fail-on grammar)" },
  { flags: '--rate-range <lo:hi>', key: 'rate_range', help: 'search the request rate between LO and HI req/s' },
  { flags: '--concurrency-range <lo:hi>', key: 'concurrency_range', help: 'search the concurrency between LO and HI' },
  { flags: '--precision <pct>', key: 'precision', help: 'stop when the bracket is within this much of the answer', shownDefault: '5%' },
  { flags: '--step-duration <minutes>', key: 'step_duration', help: 'how long each step measures (or --num-requests per step)', shownDefault: '0.5' },
  { flags: '--max-steps <n>', key: 'max_steps', parse: number, help: 'measured runs at most', shownDefault: '12' },
];

/** Add the settings flags to a command. */
export function addSpecOptions(cmd: Command, flags: readonly SpecFlag[] = SPEC_FLAGS): Command {
  for (const def of flags) {
    const option = new Option(def.flags, def.shownDefault === undefined ? def.help : `${def.help} (default: ${def.shownDefault})`);
    if (def.parse) option.argParser(def.parse);
    if (def.choices) option.choices(def.choices);
    cmd.addOption(option);
  }
  return cmd;
}

const attributeOf = (def: SpecFlag): string => new Option(def.flags).attributeName();

/** The settings the user typed on the command line (typed values; nothing from defaults). */
export function typedInput(cmd: Command, flags: readonly SpecFlag[] = SPEC_FLAGS): BenchInput {
  const opts = cmd.opts<Record<string, unknown>>();
  const input: Record<string, unknown> = {};
  for (const def of flags) {
    const attr = attributeOf(def);
    if (cmd.getOptionValueSource(attr) === 'cli') input[def.key] = opts[attr];
  }
  return input as BenchInput;
}

/** How an error names a setting: the profile's key when the profile set it (and no flag did), else the flag. */
export function settingLabel(typed: BenchInput, profile: { path: string; input: BenchInput } | undefined): (key: BenchInputKey) => string {
  return (key) => {
    if (profile !== undefined && typed[key] === undefined && profile.input[key] !== undefined) return `${profile.path}: ${key}`;
    const def = [...SPEC_FLAGS, ...SEARCH_FLAGS].find((d) => d.key === key);
    return def === undefined ? key : (def.flags.split(' ')[0] as string);
  };
}
