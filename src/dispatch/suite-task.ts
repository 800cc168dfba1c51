// One suite benchmark: build the bench plan from the task, run it against a ready service, write
// its result file; and the --resume check of an existing result file.
import { join } from 'node:path';
import { evaluateFailOn, parseFailOn } from '../bench/results/compare.js';
import { parseGoodput } from '../bench/spec/goodput.js';
import { readResultFile, writeResultFile } from '../bench/results/result-io.js';
import type { ResultDocument } from '../bench/results/result-schema.js';
import { runBench, type BenchPlan } from '../bench/engine/runner.js';
import { withDefaultPercentiles } from '../bench/spec/settings.js';
import { loadLabel } from '../bench/engine/schedule.js';
import { BenchError } from '../errors.js';
import type { RunningTarget } from './suite-services.js';
import type { SuiteTask } from './suite-plan.js';
import type { Suite } from './suite-schema.js';
import { pickMetrics, type BenchmarkRow } from './suite-summary.js';

/** The bench plan of one task against a running target. */
export function taskPlan(task: SuiteTask, settings: Suite['settings'], target: RunningTarget): BenchPlan {
  const model = task.service.kind === 'sim' ? undefined : task.service.kind === 'url' ? task.service.model : undefined;
  return {
    url: target.url,
    ...(model === undefined ? {} : { model }),
    api: settings.api,
    loads: [task.load],
    stop: task.stop,
    onDeadline: settings.on_deadline,
    dataset: { kind: 'random', inputLen: task.inputLen, outputLen: task.outputLen, rangeRatio: settings.range_ratio, seed: settings.seed },
    warmup: settings.warmup,
    ...(settings.goodput === undefined ? {} : { slo: parseGoodput(settings.goodput) }),
    percentiles: withDefaultPercentiles(settings.percentiles),
    ...(target.apiKey === undefined ? {} : { apiKey: target.apiKey }),
    provenance: target.provenance,
  };
}

/** The summary row of a finished run: passed, or over threshold with the breaches named. */
export function rowFor(task: SuiteTask, doc: ResultDocument, resumed: boolean): BenchmarkRow {
  const breaches = evaluateFailOn(doc, task.failOn.map(parseFailOn)).map((b) => b.message);
  return {
    ...baseRow(task), status: breaches.length > 0 ? 'threshold' : 'passed', resumed, file: task.file, metrics: pickMetrics(doc),
    ...(breaches.length > 0 ? { breaches } : {}),
  };
}

/** The row fields every outcome shares. */
export function baseRow(task: SuiteTask): Omit<BenchmarkRow, 'status' | 'resumed' | 'metrics'> {
  return { id: task.id, service: task.service.id, load: loadLabel(task.load), input_len: task.inputLen, output_len: task.outputLen };
}

/** Run one benchmark and write its result; throws when interrupted (nothing is written) or when no request completed. */
export async function runTask(task: SuiteTask, settings: Suite['settings'], target: RunningTarget, outDir: string, signal: AbortSignal): Promise<ResultDocument> {
  const outcome = await runBench(taskPlan(task, settings, target), { signal });
  if (outcome.interrupted || signal.aborted) throw signal.reason ?? new DOMException(`${task.id}: interrupted`, 'AbortError');
  const doc = outcome.runs[0] as ResultDocument;
  if (doc.completed === 0) {
    const errors = Object.keys(doc.errors ?? {}).slice(0, 3).join('; ');
    throw new BenchError(`no request completed${errors ? `: ${errors}` : ''}`);
  }
  await writeResultFile(join(outDir, task.file), doc);
  return doc;
}

/** --resume: the task's existing result, when the file is there, validates and measured something. */
export async function existingResult(task: SuiteTask, outDir: string): Promise<ResultDocument | undefined> {
  try {
    const doc = await readResultFile(join(outDir, task.file));
    return doc.kind === 'run' && doc.completed > 0 ? doc : undefined;
  } catch {
    return undefined;
  }
}
