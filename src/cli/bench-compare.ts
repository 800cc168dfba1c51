// `aibench bench compare BASE NEW`: parse -> read -> compareInputs -> render. Each side is a result
// file or a directory of them (files of one workload are repetitions). Exit 2 for different
// workloads (unless --allow-different), 3 for a regression past --max-regression that is significant.
// The reading, statistics and tables load in the action: `bench run` registers this command too.
import { Command } from 'commander';
import { ThresholdError, UsageError } from '../errors.js';
import { createOutput } from '../report/output.js';

interface CompareFlags {
  maxRegression?: string;
  metrics?: string;
  allowDifferent?: boolean;
  json?: boolean;
}

/** `5%`, `5` or `2.5%` -> 5 / 2.5 (percent). */
export function parseRegression(input: string): number {
  const match = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%?\s*$/.exec(input);
  if (match === null) throw new UsageError(`max-regression: expected a percentage like 5% or 2.5, got ${JSON.stringify(input)}`);
  return Number(match[1]);
}

/** Split `--metrics a,b` into names (empty entries dropped). */
export function parseMetricList(input: string | undefined): string[] | undefined {
  return input?.split(',').map((m) => m.trim()).filter((m) => m !== '');
}

/** The `bench compare` command. */
export function buildCompareCommand(): Command {
  return new Command('compare')
    .description('compare two results (files, or directories of repetitions) with significance; exit 3 on a significant regression past --max-regression')
    .argument('<base>', 'baseline: a result JSON, or a directory whose results of one workload are repetitions')
    .argument('<new>', 'new: a result JSON or a directory, as for <base>')
    .option('--max-regression <pct>', 'fail (exit 3) when a metric is worse by more than this and the difference is significant, e.g. 5%')
    .option('--metrics <list>', 'fields to compare, e.g. p99_ttft_ms,output_throughput (default: throughputs and latencies)')
    .option('--allow-different', 'compare even when model, API, load, dataset or lengths differ (they are listed)')
    .option('--json', 'print the comparison as JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ aibench bench compare base.json new.json --max-regression 5% --metrics p99_ttft_ms,output_throughput')
    .action(async (basePath: string, newPath: string, flags: CompareFlags) => {
      const [{ renderCompareTable }, { compareInputs }, { loadResultInputs, requireRuns, warnIncomplete }, { workloadTitle }] = await Promise.all([
        import('../report/bench-table.js'), import('../report/compare-sets.js'), import('../report/result-inputs.js'), import('../report/workload.js'),
      ]);
      const output = createOutput({ json: flags.json });
      const maxRegressionPct = flags.maxRegression === undefined ? undefined : parseRegression(flags.maxRegression);
      const base = requireRuns(await loadResultInputs([basePath]), [basePath]);
      const next = requireRuns(await loadResultInputs([newPath]), [newPath]);
      warnIncomplete([...base, ...next], output);
      const report = compareInputs(base, next, { maxRegressionPct, metrics: parseMetricList(flags.metrics), allowDifferent: flags.allowDifferent });
      if (flags.json) output.dataJson(report);
      for (const step of report.steps) {
        const reps = step.base_files.length > 1 || step.new_files.length > 1 ? ` (${step.base_files.length} vs ${step.new_files.length} repetitions)` : '';
        output.info(`${workloadTitle(step.workload)}${reps}\n${renderCompareTable(step.rows)}`);
        for (const d of step.differences) output.warn(`different workloads (--allow-different): ${d.field} ${d.base} (base) vs ${d.next} (new)`);
      }
      const notes = new Set(report.steps.flatMap((s) => s.rows.filter((r) => r.pastThreshold && r.significance.significant === undefined).map((r) => r.significance.note ?? '')));
      for (const note of notes) if (note !== '') output.info(`note: ${note}`);
      if (report.regressions.length > 0) {
        throw new ThresholdError(`${report.regressions.length} metric(s) regressed by more than ${maxRegressionPct}%:\n  ${report.regressions.join('\n  ')}`);
      }
    });
}
