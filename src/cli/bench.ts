// `aibench bench run` and `bench results`: parse -> validate -> one core call -> render.
// Profile and typed flags merge into one BenchSpec (bench-options.ts); the run's verdict becomes
// the exit code through the thrown error classes. What is needed only after the run (tables,
// HTML, the Pushgateway client) loads then, not before the first request.
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { runRepeated, type RepeatedOutcome } from '../bench/engine/repeat.js';
import { outputDocument, readResultFile, rescuePath, writeResultFile } from '../bench/results/result-io.js';
import { listResults, resultsDir } from '../bench/results/results-store.js';
import { UsageError } from '../errors.js';
import { createOutput, type Output } from '../report/output.js';
import { addSpecOptions } from './bench-options.js';
import { runWithProgress, specFromCommandLine, verdictToExit } from './bench-outcome.js';
import { buildCompareCommand } from './bench-compare.js';
import { buildExecCommand, buildMergeCommand } from './bench-scale.js';
import { buildSearchCommand } from './bench-search.js';

interface RunFlags {
  profile?: string;
  out?: string;
  html?: string;
  push?: string;
  apiKeyFile?: string;
  json?: boolean;
  quiet?: boolean;
}

/** The `bench` command group. */
export function buildBenchCommand(): Command {
  const bench = new Command('bench').description('benchmark an OpenAI-compatible server (vLLM) and compare results');
  bench.addCommand(buildRunCommand());
  bench.addCommand(buildSearchCommand());
  bench.addCommand(buildCompareCommand());
  bench.addCommand(buildResultsCommand());
  bench.addCommand(buildExecCommand());
  bench.addCommand(buildMergeCommand());
  return bench;
}

function buildResultsCommand(): Command {
  return new Command('results')
    .description('list the results of benchmarks started through the control API (aibench api serve)')
    .option('--json', 'print the list as one JSON document on stdout')
    .option('--html <file>', 'also write the offline HTML report of these results (as `aibench report` does)')
    .addHelpText('after', '\nExample:\n  $ aibench bench results --json | jq -r \'.[-1].path\'\n  $ aibench bench results --html api-results.html')
    .action(async (opts: { json?: boolean; html?: string }) => {
      const out = createOutput({ json: opts.json });
      const results = await listResults();
      if (opts.html !== undefined && results.length > 0) {
        const { writeHtmlReport } = await import('../report/html-page.js');
        await writeHtmlReport(await Promise.all(results.map((r) => readResultFile(r.path))), opts.html, { title: 'control API results' });
        out.info(`report written to ${opts.html}`);
      }
      if (opts.json) return out.dataJson(results);
      if (results.length === 0) return out.info(`no results in ${resultsDir()}`);
      const rows = results.map((r) => [r.id, r.started_at, r.service_id, r.model, r.label, r.completed, r.duration_s, r.path]);
      const { renderTable } = await import('../report/table.js');
      out.info(renderTable(['id', 'started', 'service', 'model', 'load', 'completed', 'duration s', 'file'], rows));
    });
}

function buildRunCommand(): Command {
  const cmd = new Command('run')
    .description('drive load at a server and report TTFT, TPOT, ITL, E2EL, throughput and goodput (no target: the embedded simulator)')
    .option('--profile <name|file>', 'benchmark profile: a built-in name (`aibench profiles ls`) or a YAML file; flags you type override its values');
  addSpecOptions(cmd)
    .option('--out <file>', 'write the result document (JSON, validated; - for stdout)')
    .option('--html <file>', 'also write the offline HTML report of this run (as `aibench report` does)')
    .option('--push <url>', 'push the summary gauges to a Pushgateway (job aibench_bench)')
    .option('--api-key-file <file>', 'file holding the API key, mode 0600 (else $OPENAI_API_KEY or $VLLM_API_KEY)')
    .option('--json', 'print the result document on stdout')
    .option('--quiet', 'no progress, no table')
    .addHelpText('after', '\nExample:\n  $ aibench bench run --profile quickstart --duration 0.5 --out result.json')
    .action(async (flags: RunFlags, command: Command) => {
      const output = createOutput({ json: flags.json, quiet: flags.quiet });
      const spec = await specFromCommandLine(flags.profile, command);
      if (spec.search !== undefined) throw new UsageError(`${flags.profile ?? 'profile'}: describes a search (slo, rate_range or concurrency_range): run it with aibench bench search --profile ${flags.profile ?? 'FILE'}`);
      const outcome: RepeatedOutcome = await runRepeated(spec, () => runWithProgress(spec, command, output, flags.apiKeyFile), { onInfo: (line) => output.info(line) });
      await deliverRun(output, outcome, flags);
      verdictToExit(output, outcome.verdict);
    });
  return cmd;
}

// What was measured is written first (--out), then shown, printed (--json) and pushed.
async function deliverRun(output: Output, outcome: RepeatedOutcome, flags: RunFlags): Promise<void> {
  const { runs } = outcome;
  const doc = await outputDocument(runs, rescuePath(flags.out), outcome.repeat === undefined ? {} : { repeat: outcome.repeat });
  if (flags.out !== undefined && flags.out !== '-') {
    await writeResultFile(flags.out, doc);
    output.info(`result written to ${flags.out}`);
  }
  const [{ renderRepeatTable, renderRunTable, renderSweepTable }, { renderReplicaTable }] = await Promise.all([import('../report/bench-table.js'), import('../report/replica-table.js')]);
  for (const run of runs) {
    output.info(renderRunTable(run));
    const replicas = renderReplicaTable(run);
    if (replicas !== undefined) output.info(replicas);
  }
  if (runs.length > 1) output.info(renderSweepTable(runs, outcome.repeat === undefined ? 'Sweep' : `Runs (${outcome.repeat} repetitions)`));
  if ('summary' in doc && doc.summary !== undefined) output.info(renderRepeatTable(doc.summary));
  if (flags.json || flags.out === '-') output.dataJson(doc);
  if (flags.html !== undefined) {
    const { writeHtmlReport } = await import('../report/html-page.js');
    await writeHtmlReport([doc], flags.html);
    output.info(`report written to ${flags.html}`);
  }
  if (flags.push !== undefined) {
    const { pushBenchResult } = await import('../bench/results/push.js');
    const runId = randomUUID();
    for (const run of runs) await pushBenchResult(flags.push, run, runId);
    output.info(`summary pushed to the Pushgateway (run_id ${runId})`);
  }
}

