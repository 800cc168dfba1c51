// `--assert-promql 'QUERY OP NUMBER'`: a PromQL query over the run window compared with a number.
// Variables: $__range (the run window, e.g. 93s), $slurm_job_id, $service_id, $model. Parsed and
// the query checked as PromQL (the dashboards' parser) before the run starts; a malformed one is exit 2.
import { UsageError } from '../../errors.js';
import { parseQuery } from '../../grafana/parse-query.js';
import type { CompareOp } from './assertions.js';

interface PromqlAssertion {
  text: string;
  query: string;
  op: CompareOp;
  threshold: number;
}

/** The variables a query may use, and what each is replaced with. */
const PROMQL_VARIABLES = ['__range', 'slurm_job_id', 'service_id', 'model'] as const;
export type PromqlVariable = (typeof PROMQL_VARIABLES)[number];

// The last comparison with a plain number at the end: PromQL has its own comparisons inside.
const TAIL = /^([\s\S]*?)\s*(<=|>=|==|!=|<|>)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*$/;
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The variables a text names, without repeats. */
export function variablesOf(query: string): string[] {
  return [...new Set([...query.matchAll(VARIABLE)].map((m) => (m[1] ?? m[2]) as string))];
}

/** Replace the variables with values (each value must be given). */
export function substitutePromql(query: string, values: Partial<Record<PromqlVariable, string>>): string {
  return query.replace(VARIABLE, (whole, braced?: string, bare?: string) => values[(braced ?? bare) as PromqlVariable] ?? whole);
}

/** Parse and check one PromQL assertion; UsageError (exit 2) naming what is wrong. */
export function parsePromqlAssertion(text: string, field = 'assert_promql'): PromqlAssertion {
  const m = TAIL.exec(text);
  const query = m?.[1]?.trim() ?? '';
  if (m === null || query === '') throw new UsageError(`${field}: expected 'QUERY OP NUMBER' with OP one of < <= > >= == != (e.g. max_over_time(aibench_gpu_memory_used_bytes{slurm_job_id="$slurm_job_id"}[$__range]) < 70e9), got ${JSON.stringify(text)}`);
  const unknown = variablesOf(query).filter((v) => !(PROMQL_VARIABLES as readonly string[]).includes(v));
  if (unknown.length > 0) throw new UsageError(`${field}: unknown variable ${unknown.map((v) => `$${v}`).join(', ')} in ${JSON.stringify(text)}; expected ${PROMQL_VARIABLES.map((v) => `$${v}`).join(', ')}`);
  const probe = substitutePromql(query, { __range: '1m', slurm_job_id: '1', service_id: 's', model: 'm' });
  const parsed = parseQuery('promql', probe);
  if (parsed.errors.length > 0) throw new UsageError(`${field}: not valid PromQL at column ${(parsed.errors[0] as number) + 1}: ${JSON.stringify(query)}`);
  return { text, query, op: m[2] as CompareOp, threshold: Number(m[3]) };
}
