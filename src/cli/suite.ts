// `aibench suite run FILE`: parse -> validate -> lock -> one core call (runSuite) -> render.
// Exit: 0 all passed, 1 runs failed, 2 invalid suite, 3 thresholds breached, 4 suite locked, 130 Ctrl-C.
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { createServiceLauncher } from '../suite/services.js';
import { lockSuite } from '../suite/lock.js';
import { planSuite, renderPlanTable, type SuitePlan } from '../suite/plan.js';
import { createSuiteProgress } from '../suite/progress.js';
import { REPORT_FILE, runSuite } from '../suite/run.js';
import { StartedServices } from '../suite/started-services.js';
import { loadSuite, type Suite } from '../suite/schema.js';
import { MetadataSchema } from '../bench/spec/bench-input.js';
import { formatZodIssues } from '../config/zod-error.js';
import { collectMetadata } from './bench-options.js';
import { renderSummaryTable, SUMMARY_FILES, suiteVerdict, type SuiteSummary } from '../suite/summary.js';
import { ConfigSchema, type Config } from '../config/schema.js';
import { configBenchDefaults } from '../bench/spec/build-spec.js';
import { UsageError } from '../errors.js';
import { resolveProfile } from '../config/profiles.js';
import { createOutput, type Output } from '../report/output.js';
import { configFor, useInterrupt } from './context.js';

interface SuiteRunFlags {
  resume?: boolean;
  dryRun?: boolean;
  maxParallel?: string;
  json?: boolean;
  quiet?: boolean;
  out?: string;
  cluster?: string;
  metadata?: Record<string, string>;
}

/** `--max-parallel 3` -> 3 (1..64). */
function parseMaxParallel(input: string | undefined): number | undefined {
  if (input === undefined) return undefined;
  const n = Number(input.trim());
  if (!(Number.isInteger(n) && n >= 1 && n <= 64)) throw new UsageError(`max-parallel: expected an integer from 1 to 64, got ${JSON.stringify(input)}`);
  return n;
}

/** The `suite` command group. */
export function buildSuiteCommand(): Command {
  const suite = new Command('suite').description('run many benchmarks from a suite YAML: services x matrix, by priority, with a lock');
  suite.addCommand(
    new Command('run')
      .description('start the suite\'s services, run every benchmark of its matrix, stop the services, write results and a summary')
      .argument('<name|file>', 'suite: a built-in name (`aibench profiles ls`: smoke, nightly) or a suite YAML file')
      .option('--resume', 'skip benchmarks whose result file in the output directory exists and is valid; reuse a service an interrupted run left READY')
      .option('--dry-run', 'print the expanded plan as a table (or JSON with --json) and exit')
      .option('--max-parallel <n>', 'ceiling of the adaptive concurrency (overrides max_parallel in the file)')
      .option('--out <dir>', 'output directory for result files, summary.{json,csv}, report.html and services.json (default: aibench-results/<suite name>)')
      .option('--cluster <name>', 'cluster for services that name none (overrides the file\'s cluster)')
      .option('--json', 'print the summary (or the dry-run plan) as JSON on stdout')
      .option('--quiet', 'no progress, no table')
      .option('--metadata <key=value>', "a tag recorded in every result, added to the suite's settings.metadata, e.g. build_id=$BUILD_ID (repeatable)", collectMetadata)
      .addHelpText('after', '\nExit codes: 0 all passed, 1 a run or service failed, 2 invalid suite, 3 fail_on breached, 4 this suite is already running, 130 interrupted.\n\nExample:\n  $ aibench suite run smoke --dry-run\n  $ aibench suite run nightly --out results/nightly-$(date +%F) --resume')
      .action(async (name: string, flags: SuiteRunFlags, cmd: Command) => {
        const output = createOutput({ json: flags.json, quiet: flags.quiet });
        const file = await resolveProfile(name, 'suite', 'suite run');
        const suiteFile = withMetadata(await loadSuite(file), flags.metadata);
        // The config is read only where it matters: Slurm services, or PromQL assertions (its Prometheus).
        const needsConfig = suiteFile.services.some((s) => s.kind === 'slurm') || suiteFile.assert_promql.length > 0 || (suiteFile.benchmarks ?? []).some((b) => (b.assert_promql ?? []).length > 0);
        const config = needsConfig ? (await configFor(cmd)).config : ConfigSchema.parse({});
        const plan = planSuite(suiteFile, configBenchDefaults(config));
        const maxParallel = parseMaxParallel(flags.maxParallel) ?? plan.suite.max_parallel;
        if (flags.dryRun) {
          if (flags.json) output.dataJson({ suite: plan.suite.name, tasks: plan.tasks.map(({ service, ...t }) => ({ ...t, service: service.id })) });
          else output.data(renderPlanTable(plan));
          return;
        }
        const summary = await runLocked(plan, resolve(file), { ...flags, maxParallel, output, config });
        output.info(renderSummaryTable(summary));
        output.info(`summary: ${join(summary.out_dir, SUMMARY_FILES.json)} and ${SUMMARY_FILES.csv}${summary.benchmarks.some((b) => b.file !== undefined) ? `; report: ${join(summary.out_dir, REPORT_FILE)}` : ''}`);
        if (flags.json) output.dataJson(summary);
        const verdict = suiteVerdict(summary);
        if (verdict) throw verdict;
      }),
  );
  return suite;
}

/** The suite with `--metadata` tags added to its settings' (a flag wins on the same key). */
function withMetadata(suite: Suite, metadata: Record<string, string> | undefined): Suite {
  if (metadata === undefined) return suite;
  const merged = MetadataSchema.safeParse({ ...suite.settings.metadata, ...metadata });
  if (!merged.success) throw new UsageError(`--metadata: ${formatZodIssues(merged.error).join('; ')}`);
  return { ...suite, settings: { ...suite.settings, metadata: merged.data } };
}

// Under the suite's lock: find what an earlier run of it left (services.json in the output
// directory), run the suite, release the lock.
async function runLocked(plan: SuitePlan, file: string, flags: Omit<SuiteRunFlags, 'maxParallel'> & { maxParallel: number; output: Output; config: Config }): Promise<SuiteSummary> {
  const { output } = flags;
  const release = await lockSuite(plan.suite.name, file, { onCompromised: (e) => output.warn(`suite lock: ${e.message}`) });
  const outDir = flags.out ?? join('aibench-results', plan.suite.name);
  const progress = await createSuiteProgress(output, flags.maxParallel);
  try {
    const ledger = await StartedServices.open(outDir, plan.suite.name);
    output.info(`suite ${plan.suite.name}: ${plan.tasks.length} benchmark(s) on ${plan.services.length} service(s), results in ${outDir}`);
    return await runSuite({
      plan, outDir, resume: Boolean(flags.resume), maxParallel: flags.maxParallel, signal: useInterrupt(),
      launcher: createServiceLauncher({ config: flags.config, cluster: flags.cluster ?? plan.suite.cluster, ledger, reuse: Boolean(flags.resume) }),
      onEvent: (event) => progress.update(event),
    });
  } finally {
    progress.stop();
    await release();
  }
}
