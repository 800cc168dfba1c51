// `bench compare` as one pure call: group each side's runs by workload (several files of one workload
// are repetitions; a sweep's steps are separate workloads), pair the groups, refuse pairs whose
// workloads differ unless allowed, and compare each pair with significance.
import type { CompareOptions } from '../bench/results/compare.js';
import type { ResultDocument } from '../bench/results/result-schema.js';
import { UsageError } from '../errors.js';
import { compareRunSets, describeSignificance, type AssessedRow } from './compare-runs.js';
import type { LoadedRun } from './result-inputs.js';
import { workloadDifferences, workloadKey, workloadOf, workloadTitle, type Workload, type WorkloadDifference } from './workload.js';

/** Runs of one workload on one side. */
interface WorkloadGroup {
  key: string;
  workload: Workload;
  runs: LoadedRun[];
}

interface CompareStep {
  label: string;
  workload: Workload;
  base_files: string[];
  new_files: string[];
  /** Non-empty only with allowDifferent. */
  differences: WorkloadDifference[];
  rows: AssessedRow[];
}

interface CompareReport {
  max_regression_pct?: number;
  steps: CompareStep[];
  /** One line per regression (past the threshold and significant, or not assessable), saying what decided it. */
  regressions: string[];
}

/** Group runs by workload, in the order each workload first appears. */
export function groupByWorkload(runs: readonly LoadedRun[]): WorkloadGroup[] {
  const groups = new Map<string, WorkloadGroup>();
  for (const run of runs) {
    const key = workloadKey(run.doc);
    const group = groups.get(key) ?? { key, workload: workloadOf(run.doc), runs: [] };
    group.runs.push(run);
    groups.set(key, group);
  }
  return [...groups.values()];
}

// Same keys on both sides: pair by key. Otherwise pair by position, and list what differs.
function pairGroups(base: WorkloadGroup[], next: WorkloadGroup[], allowDifferent: boolean): Array<[WorkloadGroup, WorkloadGroup]> {
  const nextByKey = new Map(next.map((g) => [g.key, g]));
  if (base.length === next.length && base.every((g) => nextByKey.has(g.key))) return base.map((g) => [g, nextByKey.get(g.key) as WorkloadGroup]);
  if (base.length !== next.length) {
    throw new UsageError(`Expected the same workloads on both sides, got ${base.length} in the base and ${next.length} in the new results`, {
      hint: `base: ${base.map((g) => workloadTitle(g.workload)).join('; ')}\nnew: ${next.map((g) => workloadTitle(g.workload)).join('; ')}`,
    });
  }
  const pairs = base.map((g, i) => [g, next[i] as WorkloadGroup] as [WorkloadGroup, WorkloadGroup]);
  if (!allowDifferent) {
    const lines = pairs.flatMap(([b, n]) => workloadDifferences(b.workload, n.workload).map((d) => `${d.field}: ${d.base} (base) vs ${d.next} (new)`));
    throw new UsageError(`Refusing to compare different workloads:\n  ${lines.join('\n  ')}`, {
      hint: 'Compare runs of the same model, API, load, dataset and lengths, or pass --allow-different to compare them anyway.',
    });
  }
  return pairs;
}

/** Compare base and new runs workload by workload; throws UsageError (exit 2) for different workloads unless allowed. */
export function compareInputs(
  base: readonly LoadedRun[], next: readonly LoadedRun[], opts: CompareOptions & { allowDifferent?: boolean } = {},
): CompareReport {
  const pairs = pairGroups(groupByWorkload(base), groupByWorkload(next), Boolean(opts.allowDifferent));
  const steps = pairs.map(([b, n]): CompareStep => ({
    label: b.workload.load,
    workload: b.workload,
    base_files: unique(b.runs.map((r) => r.file)),
    new_files: unique(n.runs.map((r) => r.file)),
    differences: workloadDifferences(b.workload, n.workload),
    rows: compareRunSets(docs(b), docs(n), opts),
  }));
  const regressions = opts.maxRegressionPct === undefined ? [] : steps.flatMap((step) =>
    step.rows.filter((r) => r.regressed).map((r) => `${step.label} ${r.metric} ${pct(r.deltaPct)}: ${describeSignificance(r.significance)}`));
  const report: CompareReport = { steps, regressions };
  if (opts.maxRegressionPct !== undefined) report.max_regression_pct = opts.maxRegressionPct;
  return report;
}

function docs(group: WorkloadGroup): ResultDocument[] {
  return group.runs.map((r) => r.doc);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function pct(value: number | undefined): string {
  return value === undefined ? '(no base value)' : `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
}
