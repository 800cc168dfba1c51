// One suite benchmark: run its spec against a ready service and write its result file (whatever
// the verdict: a failed or interrupted run keeps what it measured); and the --resume check.
// benchOnService is the one place a suite runs a spec against a service: the seam where a run can
// go through the cluster client (a client job next to the server) instead of this process.
import { join } from 'node:path';
import { runLocal } from '../bench/engine/execute.js';
import type { BenchOutcome } from '../bench/engine/runner.js';
import { runRepeated } from '../bench/engine/repeat.js';
import { outputDocument, outputSearchDocument, readResultFile, writeResultFile, type OutputDocument } from '../bench/results/result-io.js';
import type { SearchDocument } from '../bench/results/result-schema.js';
import { answerRun, searchVerdictOf } from '../bench/search/run-search.js';
import { meanFields } from '../report/repetitions.js';
import { runsOf } from '../report/result-inputs.js';
import { judge, type Verdict } from '../bench/results/verdict.js';
import { loadLabel } from '../bench/engine/schedule.js';
import { BenchError } from '../errors.js';
import type { SuiteEndpoint } from './services.js';
import type { BenchSpec } from '../bench/spec/bench-spec.js';
import type { SuiteTask } from './plan.js';
import { pickMetrics, type BenchmarkRow } from './summary.js';

/** The summary row of a finished run, from its verdict: passed, over threshold (breaches named), or failed; a search shows its answer's run. */
export function rowFor(task: SuiteTask, doc: TaskDocument, verdict: Verdict, resumed: boolean): BenchmarkRow {
  const status = verdict.status === 'breached' ? 'threshold' : verdict.status === 'passed' ? 'passed' : verdict.status === 'failed' ? 'failed' : 'cancelled';
  return {
    // Repetitions: the mean of each metric over them (their intervals are in the result file).
    ...baseRow(task), status, resumed, file: task.file, metrics: pickMetrics(doc.kind === 'search' ? answerRun(doc) : meanFields(runsOf(doc))),
    ...(doc.kind === 'search' && doc.answer !== undefined ? { search_answer: doc.answer } : {}),
    ...(verdict.breaches.length > 0 ? { breaches: verdict.breaches } : {}),
    ...(verdict.assertions.length > 0 ? { assertions: verdict.assertions.map(({ values: _values, ...a }) => a) } : {}),
    ...(status === 'failed' ? { error: verdict.reasons.join('; ') } : {}),
  };
}

/** The row fields every outcome shares. */
export function baseRow(task: SuiteTask): Omit<BenchmarkRow, 'status' | 'resumed' | 'metrics'> {
  const s = task.spec.search;
  const load = s === undefined ? loadLabel(task.load) : `search ${s.over} ${s.lo}..${s.hi}`;
  return { id: task.id, service: task.service.id, load, input_len: task.inputLen, output_len: task.outputLen };
}

/** What a task's result file holds: a run, or a search (a binding with `search`). */
export type TaskDocument = OutputDocument | SearchDocument;

/** Run one task's spec against a ready service: the seam for routing suite runs through the cluster client. */
async function benchOnService(spec: BenchSpec, endpoint: SuiteEndpoint, signal: AbortSignal): Promise<BenchOutcome> {
  if (spec.client.placement === 'cluster' && endpoint.bench !== undefined) return endpoint.bench(spec, signal);
  return runLocal(spec, endpoint, { signal });
}

/** Run one benchmark and write its result; throws when it was interrupted (after writing what it measured). */
export async function runTask(task: SuiteTask, endpoint: SuiteEndpoint, outDir: string, signal: AbortSignal): Promise<{ doc: TaskDocument; verdict: Verdict }> {
  const outcome = await runRepeated(task.spec, () => benchOnService(task.spec, endpoint, signal));
  const path = join(outDir, task.file);
  const doc = outcome.search !== undefined
    ? await outputSearchDocument(outcome.search, `${path}.invalid.json`)
    : await outputDocument(outcome.runs, `${path}.invalid.json`, outcome.repeat === undefined ? {} : { repeat: outcome.repeat });
  await writeResultFile(path, doc);
  if (outcome.interrupted || signal.aborted) throw signal.reason ?? new BenchError(`${task.id}: interrupted`);
  return { doc, verdict: outcome.verdict };
}

/** --resume: the task's existing result and verdict, when the file is there, validates, measured something and was not interrupted. */
export async function existingResult(task: SuiteTask, outDir: string): Promise<{ doc: TaskDocument; verdict: Verdict } | undefined> {
  try {
    const doc = await readResultFile(join(outDir, task.file));
    if (doc.kind === 'search') return doc.stop_reason === 'interrupted' || task.spec.search === undefined ? undefined : { doc, verdict: searchVerdictOf(doc, task.spec.fail_on) };
    const runs = runsOf(doc);
    const complete = doc.kind === 'run' || (doc.kind === 'repeat' && runs.length === (doc.repeat ?? 0) * task.spec.loads.length);
    if (!complete || runs.some((r) => r.completed === 0 || r.interrupted !== undefined)) return undefined;
    return { doc, verdict: judge(runs, task.spec, false) };
  } catch {
    return undefined;
  }
}
