// `aibench bench run` and `bench compare`: parse -> validate -> one core call -> render.
// Profiles and flags merge by source (settings.ts); exit codes come from the thrown error classes.
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { evaluateFailOn, parseFailOn } from '../bench/compare.js';
import { executeBench } from '../bench/execute.js';
import { loadBenchProfile } from '../bench/profile.js';
import { pushBenchResult } from '../bench/push.js';
import { buildOutputDocument, readApiKey, writeResultFile } from '../bench/result-io.js';
import type { ResultDocument, SweepDocument } from '../bench/result-schema.js';
import { listResults, resultsDir } from '../bench/results-store.js';
import { resolveBenchSettings, type BenchFlags } from '../bench/settings.js';
import { BenchError, ThresholdError, UsageError } from '../errors.js';
import { renderRunTable, renderSweepTable } from '../report/bench-table.js';
import { createOutput } from '../report/output.js';
import { renderTable } from '../report/table.js';
import { createProgress } from '../report/progress.js';
import { openServiceTarget, type ServiceBenchTarget } from '../service/index.js';
import { buildCompareCommand } from './bench-compare.js';
import { configFor, useInterrupt } from './context.js';

interface RunFlags extends BenchFlags {
  profile?: string;
  service?: string;
  out?: string;
  saveDetailed?: boolean;
  push?: string;
  apiKeyFile?: string;
  json?: boolean;
  quiet?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The `bench` command group. */
export function buildBenchCommand(): Command {
  const bench = new Command('bench').description('benchmark an OpenAI-compatible server (vLLM) and compare results');
  bench.addCommand(buildRunCommand());
  bench.addCommand(buildCompareCommand());
  bench.addCommand(buildResultsCommand());
  return bench;
}

function buildResultsCommand(): Command {
  return new Command('results')
    .description('list the results of benchmarks started through the control API (aibench api serve)')
    .option('--json', 'print the list as one JSON document on stdout')
    .addHelpText('after', '\nExample:\n  $ aibench bench results --json | jq -r \'.[-1].path\'')
    .action(async (opts: { json?: boolean }) => {
      const out = createOutput({ json: opts.json });
      const results = await listResults();
      if (opts.json) return out.dataJson(results);
      if (results.length === 0) return out.info(`no results in ${resultsDir()}`);
      const rows = results.map((r) => [r.id, r.started_at, r.service_id, r.model, r.label, r.completed, r.duration_s, r.path]);
      process.stderr.write(`${renderTable(['id', 'started', 'service', 'model', 'load', 'completed', 'duration s', 'file'], rows)}\n`);
    });
}

function buildRunCommand(): Command {
  return new Command('run')
    .description('drive load at a server and report TTFT, TPOT, ITL, E2EL, throughput and goodput (no target: the embedded simulator)')
    .option('--profile <file>', 'benchmark profile YAML; flags you type override its values')
    .option('--url <url>', 'server base URL, e.g. http://node1:8000 (default: start the embedded simulator)')
    .option('--service <id>', 'benchmark an aibench service (`aibench service start`): its endpoint, model, API key; provenance recorded')
    .option('--model <name>', 'model to request (default: the service\'s model, else the first from /v1/models)')
    .option('--duration <minutes>', 'stop starting requests after this many minutes (fractional allowed, e.g. 0.5)')
    .option('--duration-seconds <s>', 'the same in seconds (exclusive with --duration)')
    .option('--num-requests <n>', 'stop after n requests (with a duration: whichever comes first; default 100 without a duration)')
    .option('--concurrency <n[,n...]>', 'closed loop with n workers; a comma list sweeps (default 1)')
    .option('--rate <r[,r...]>', 'open loop at r requests/s (or inf); a comma list sweeps')
    .option('--burstiness <b>', 'gamma shape of rate-mode gaps: 1 = Poisson, < 1 burstier', '1')
    .option('--max-concurrency <n>', 'cap on in-flight requests in rate mode')
    .option('--warmup <n>', 'requests sent first and excluded from the statistics', '0')
    .addOption(new Option('--dataset <kind>', 'prompt source').choices(['random', 'sharegpt', 'jsonl']).default('random'))
    .option('--dataset-path <file>', 'ShareGPT JSON or JSONL prompts file')
    .option('--input-len <n>', 'random dataset: prompt tokens (default 1024)')
    .option('--output-len <n>', 'output tokens (random default 128; overrides ShareGPT reply lengths)')
    .option('--range-ratio <r>', 'random dataset: lengths uniform in [L(1-r), L(1+r)]', '0')
    .addOption(new Option('--api <kind>', 'endpoint').choices(['completions', 'chat']).default('completions'))
    .option('--seed <n>', 'seed for prompts and arrival times', '0')
    .option('--goodput <slo>', 'SLOs for goodput in ms, e.g. ttft:500,tpot:50,e2el:10000')
    .option('--percentiles <list>', 'extra latency percentiles, e.g. 50,90,99.9 (90,95,99 always reported)')
    .addOption(new Option('--on-deadline <mode>', 'in-flight requests at the deadline').choices(['finish', 'cut']).default('finish'))
    .option('--fail-on <expr>', "exit 3 when a result field crosses a threshold, e.g. 'p99_ttft_ms>500' (repeatable)", collect)
    .option('--out <file>', 'write the result document (JSON, validated, atomic)')
    .option('--save-detailed', 'include per-request records in the result')
    .option('--push <url>', 'push the summary gauges to a Pushgateway (job aibench_bench)')
    .option('--api-key-file <file>', 'file holding the API key, mode 0600 (else $OPENAI_API_KEY or $VLLM_API_KEY)')
    .option('--json', 'print the result document on stdout')
    .option('--quiet', 'no progress, no table')
    .addHelpText('after', '\nExample:\n  $ aibench bench run --profile profiles/quickstart.yaml --duration 0.5 --out result.json')
    .action(async (flags: RunFlags, cmd: Command) => {
      const output = createOutput({ json: flags.json, quiet: flags.quiet });
      const profile = flags.profile === undefined ? undefined : await loadBenchProfile(flags.profile);
      const settings = resolveBenchSettings(flags, (name) => cmd.getOptionValueSource(name), profile);
      const failOn = settings.failOn.map(parseFailOn);
      const service = await serviceTarget(flags, cmd);
      const apiKey = flags.apiKeyFile === undefined && service?.apiKey !== undefined ? service.apiKey : await readApiKey(flags.apiKeyFile);
      const progress = createProgress(output);
      let outcome;
      try {
        const target = service === undefined ? {} : { url: service.url, model: settings.model ?? service.model, provenance: service.provenance };
        outcome = await executeBench(
          { plan: { ...settings, ...target, apiKey, saveDetailed: Boolean(flags.saveDetailed) }, sim: settings.sim },
          { signal: useInterrupt(), onProgress: (event) => progress.update(event), onInfo: (line) => output.info(line) },
        );
      } finally {
        progress.stop();
        await service?.close();
      }
      const doc = buildOutputDocument(outcome.runs);
      await renderRun(output, outcome.runs, doc, flags);
      if (outcome.interrupted) return; // main turns the interrupt into exit 130
      for (const run of outcome.runs) if (run.client.bottleneck_warning) output.warn(`${run.label}: ${run.client.bottleneck_warning}`);
      const breaches = outcome.runs.flatMap((run) => evaluateFailOn(run, failOn).map((b) => `${run.label}: ${b.message}`));
      if (breaches.length > 0) throw new ThresholdError(`--fail-on breached:\n  ${breaches.join('\n  ')}`);
      if (outcome.runs.every((run) => run.completed === 0)) {
        const errors = Object.keys(outcome.runs[0]?.errors ?? {}).slice(0, 3).join('; ');
        throw new BenchError(`No request completed${errors ? `: ${errors}` : ''}`, { hint: 'check the target URL, the model name and the API key' });
      }
    });
}

// --service ID: the service's endpoint (direct or through an SSH forward); close() after the run.
async function serviceTarget(flags: RunFlags, cmd: Command): Promise<ServiceBenchTarget | undefined> {
  if (flags.service === undefined) return undefined;
  if (cmd.getOptionValueSource('url') === 'cli') throw new UsageError('service: expected --service or --url, not both');
  return openServiceTarget((await configFor(cmd)).config, flags.service);
}

// Table on stderr, document to --out / stdout / Pushgateway.
async function renderRun(output: ReturnType<typeof createOutput>, runs: ResultDocument[], doc: ResultDocument | SweepDocument, flags: RunFlags): Promise<void> {
  for (const run of runs) output.info(renderRunTable(run));
  if (runs.length > 1) output.info(renderSweepTable(runs));
  if (flags.out !== undefined) {
    await writeResultFile(flags.out, doc);
    output.info(`result written to ${flags.out}`);
  }
  if (flags.json) output.dataJson(doc);
  if (flags.push !== undefined) {
    const runId = randomUUID();
    for (const run of runs) await pushBenchResult(flags.push, run, runId);
    output.info(`summary pushed to the Pushgateway (run_id ${runId})`);
  }
}
