// Evaluate one `--assert-promql` over a run's window: variables filled from the run, the query asked
// at the window's end, and every series it returns compared (all must hold). No series, a NaN, a
// query error or an unreachable Prometheus make it unevaluable: it never passes on no data.
import { errorMessage } from '../../errors.js';
import { instantQuery } from '../../grafana/prometheus-api.js';
import { compare } from '../results/assertions-eval.js';
import { parsePromqlAssertion, substitutePromql, variablesOf, type PromqlVariable } from '../results/assertions-promql.js';
import type { ResultDocument } from '../results/result-schema.js';
import type { AssertionOutcome } from '../results/truth-schema.js';
import { runWindow } from './gpu-figures.js';

/** The values of the variables for one run (absent where the run has none, e.g. no Slurm job). */
function promqlValues(doc: ResultDocument): Partial<Record<PromqlVariable, string>> {
  const p = doc.provenance;
  return {
    __range: runWindow(doc).range,
    ...(p.job_id === undefined ? {} : { slurm_job_id: p.job_id }),
    ...(p.service_id === undefined ? {} : { service_id: p.service_id }),
    ...(doc.model_id === undefined ? {} : { model: doc.model_id }),
  };
}

/** The outcome of one PromQL assertion on one run. */
export async function evaluatePromql(prometheusUrl: string, text: string, doc: ResultDocument): Promise<AssertionOutcome> {
  const a = parsePromqlAssertion(text);
  const values = promqlValues(doc);
  const base = { expr: text, kind: 'promql' as const };
  const missing = variablesOf(a.query).filter((v) => values[v as PromqlVariable] === undefined);
  if (missing.length > 0) return { ...base, status: 'error', reason: `this run has no value for $${missing.join(', $')}` };
  const query = substitutePromql(a.query, values);
  let series;
  try {
    series = await instantQuery(prometheusUrl, query, runWindow(doc).endS);
  } catch (error) {
    return { ...base, status: 'error', reason: `${query}: ${errorMessage(error)}` };
  }
  if (series.length === 0) return { ...base, status: 'error', reason: `no data: ${query} returned no series over the run window` };
  if (series.some((s) => Number.isNaN(s.value))) return { ...base, status: 'error', reason: `${query} returned NaN` };
  const failing = series.find((s) => !compare(s.value, a.op, a.threshold));
  const worst = failing ?? series.reduce((w, s) => ((a.op === '<' || a.op === '<=') ? (s.value > w.value ? s : w) : (a.op === '>' || a.op === '>=') ? (s.value < w.value ? s : w) : w));
  const where = Object.keys(worst.labels).length === 0 ? '' : ` (${Object.entries(worst.labels).map(([k, v]) => `${k}="${v}"`).join(',')})`;
  return failing === undefined
    ? { ...base, status: 'pass', observed: worst.value }
    : { ...base, status: 'fail', observed: failing.value, reason: `${query} is ${failing.value}${where}` };
}
