// `aibench history DIR...`: read results -> buildHistory -> table / JSON / HTML -> exit 3 with
// --fail-on-regression when a workload's newest run regressed significantly.
import { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { assertKnownField } from '../bench/results/compare.js';
import { ThresholdError, UsageError } from '../errors.js';
import { buildHistory, DEFAULT_HISTORY_METRICS, parseSince } from '../report/history.js';
import { historyHtml } from '../report/history-html.js';
import { renderHistoryTables } from '../report/history-table.js';
import { createOutput } from '../report/output.js';
import { loadResultInputs, reportSkipped, requireRuns, warnIncomplete } from '../report/result-inputs.js';
import { parseMetricList, parseRegression } from './bench-compare.js';

interface HistoryFlags {
  metric?: string[];
  since?: string;
  window: string;
  maxRegression: string;
  json?: boolean;
  html?: string;
  failOnRegression?: boolean;
  quiet?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `--window 7` -> 7: a whole number of earlier runs, at least 1. */
function parseWindow(input: string): number {
  const n = /^\s*\d+\s*$/.test(input) ? Number(input) : Number.NaN;
  if (!(n >= 1)) throw new UsageError(`window: expected a whole number of earlier runs >= 1, got ${JSON.stringify(input)}`);
  return n;
}

/** The `history` command. */
export function buildHistoryCommand(): Command {
  return new Command('history')
    .description('trends of results by workload (nightly dirs, the control API\'s results): the newest run against its trailing window')
    .argument('<dirs...>', 'directories (searched for result JSON) or result files')
    .option('--metric <name>', `a metric to follow, repeatable or comma-separated (default: ${DEFAULT_HISTORY_METRICS.join(', ')})`, collect)
    .option('--since <age>', 'only runs started in the last 30d / 12h / 2w, or since a date (2025-01-31)')
    .option('--window <n>', 'earlier runs the newest is judged against', '10')
    .option('--max-regression <pct>', 'a newest run worse than its window by more than this, and significantly, regressed', '5%')
    .option('--json', 'print the history as one JSON document on stdout')
    .option('--html <file>', 'also write the history as a self-contained HTML page with one chart per metric')
    .option('--fail-on-regression', 'exit 3 when the newest run of any workload regressed (for cron and CI)')
    .option('--quiet', 'no tables')
    .addHelpText('after', '\nExample:\n  $ aibench history results/ --since 30d --metric p99_ttft_ms --metric output_throughput --fail-on-regression')
    .action(async (dirs: string[], flags: HistoryFlags) => {
      const output = createOutput({ json: flags.json, quiet: flags.quiet });
      const metrics = (flags.metric ?? []).flatMap((m) => parseMetricList(m) ?? []);
      for (const m of metrics) assertKnownField(m, 'metric');
      const options = {
        metrics: metrics.length > 0 ? metrics : DEFAULT_HISTORY_METRICS, window: parseWindow(flags.window),
        maxRegressionPct: parseRegression(flags.maxRegression), since: flags.since === undefined ? undefined : parseSince(flags.since),
      };
      const inputs = await loadResultInputs(dirs);
      reportSkipped(inputs, output);
      warnIncomplete(inputs.runs, output);
      const report = buildHistory(requireRuns(inputs, dirs), options);
      if (report.groups.length === 0) output.warn(`no runs since ${report.since}`);
      if (flags.json) output.dataJson({ ...report, skipped: inputs.skipped });
      output.info(renderHistoryTables(report));
      if (flags.html !== undefined) {
        await writeFileAtomic(flags.html, await historyHtml(report), { mode: 0o644 });
        output.info(`history page written to ${flags.html}`);
      }
      if (report.regressions.length > 0) output.warn(`regressions:\n  ${report.regressions.join('\n  ')}`);
      if (flags.failOnRegression && report.regressions.length > 0) {
        throw new ThresholdError(`${report.regressions.length} metric(s) of a newest run regressed past ${options.maxRegressionPct}% and significantly`);
      }
    });
}
