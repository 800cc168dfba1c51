// After a run, on the machine that launched it (where the configured Prometheus is reachable): the
// GPU figures of the service's job and the PromQL assertions over each load level's window are
// recorded on its document, and the verdict is settled again with them. Without a Prometheus URL
// the outcome is returned as it was.
import type { BenchOutcome } from '../engine/runner.js';
import type { ResultDocument } from '../results/result-schema.js';
import { settle } from '../results/verdict.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import { gpuFigures } from './gpu-figures.js';
import { evaluatePromql } from './promql-eval.js';

/** The outcome with each run's gpu section and PromQL outcomes added, and its verdict judged on them. */
export async function withRunWindowTruth<T extends BenchOutcome>(spec: BenchSpec, outcome: T): Promise<T> {
  const url = spec.prometheus_url;
  if (url === undefined) return outcome;
  const runs: ResultDocument[] = [];
  for (const run of outcome.runs) {
    const jobId = run.provenance.job_id;
    const gpu = jobId === undefined ? undefined : await gpuFigures(url, run, jobId);
    const promql = [];
    for (const text of spec.assert_promql ?? []) promql.push(await evaluatePromql(url, text, run));
    const kept = (run.assertions ?? []).filter((a) => a.kind !== 'promql');
    runs.push({ ...run, ...(gpu === undefined ? {} : { gpu }), ...(kept.length + promql.length > 0 ? { assertions: [...kept, ...promql] } : {}) });
  }
  return { ...outcome, ...settle(runs, spec, outcome.interrupted) };
}
