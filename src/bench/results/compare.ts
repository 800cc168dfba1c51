// Compare two results metric by metric, and parse --fail-on rules like `p99_ttft_ms>500` (evaluated
// by the one gate evaluator, assertions-eval.ts).
import { UsageError } from '../../errors.js';
import { isMetricField, PERCENTILE_FIELD, THROUGHPUT_FIELDS } from './result-fields.js';

/** Anything carrying flat result fields: a ResultDocument, one run of a sweep, toResultFields output. */
type MetricSource = Readonly<Record<string, unknown>>;
export type Direction = 'lower-is-better' | 'higher-is-better';

export interface CompareRow {
  metric: string;
  base?: number;
  next?: number;
  delta?: number;
  /** Change relative to base in percent; undefined when base is 0 or a side is missing. */
  deltaPct?: number;
  direction: Direction;
  regressed: boolean;
}

export interface CompareOptions {
  /** A metric regresses when it gets worse by more than this percent; default 0 (any worsening). */
  maxRegressionPct?: number;
  /** Fields to compare; default: throughputs, failed, mean/median/percentiles of every latency. */
  metrics?: readonly string[];
}

const LOWER_IS_BETTER_COUNTS = new Set(['failed', 'cut']);

/** Latencies (…_ms) and failures are better low; throughputs, goodput and counts of work done are better high. */
export function directionOf(metric: string): Direction {
  return metric.endsWith('_ms') || LOWER_IS_BETTER_COUNTS.has(metric) ? 'lower-is-better' : 'higher-is-better';
}

function numberAt(source: MetricSource, key: string): number | undefined {
  const value = source[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

// throughputs, failed, then per latency metric: mean, median, percentiles ascending.
function defaultMetrics(base: MetricSource, next: MetricSource): string[] {
  const present = new Set([...Object.keys(base), ...Object.keys(next)].filter(isMetricField));
  const head = [...THROUGHPUT_FIELDS, 'failed'].filter((f) => present.has(f));
  const latency = ['ttft', 'tpot', 'itl', 'e2el'].flatMap((m) => {
    const pcts = [...present]
      .map((f) => PERCENTILE_FIELD.exec(f))
      .filter((x): x is RegExpExecArray => x !== null && x[2] === m)
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map((x) => x[0]);
    return [`mean_${m}_ms`, `median_${m}_ms`].filter((f) => present.has(f)).concat(pcts);
  });
  return [...head, ...latency];
}

/** One row per metric: values, delta, percent change and whether it regressed beyond maxRegressionPct. */
export function compareResults(base: MetricSource, next: MetricSource, opts: CompareOptions = {}): CompareRow[] {
  const threshold = opts.maxRegressionPct ?? 0;
  if (!(threshold >= 0 && Number.isFinite(threshold))) {
    throw new UsageError(`max-regression: expected a percentage >= 0, got ${threshold}`);
  }
  for (const metric of opts.metrics ?? []) assertKnownField(metric, 'metrics');
  return (opts.metrics ?? defaultMetrics(base, next)).map((metric) => {
    const row: CompareRow = { metric, direction: directionOf(metric), regressed: false };
    const b = numberAt(base, metric);
    const n = numberAt(next, metric);
    if (b !== undefined) row.base = b;
    if (n !== undefined) row.next = n;
    if (b === undefined || n === undefined) return row;
    row.delta = n - b;
    if (b !== 0) row.deltaPct = (row.delta / Math.abs(b)) * 100;
    const worse = row.direction === 'lower-is-better' ? row.delta > 0 : row.delta < 0;
    const worsePct = row.deltaPct === undefined ? Number.POSITIVE_INFINITY : Math.abs(row.deltaPct);
    row.regressed = worse && worsePct > threshold;
    return row;
  });
}

type FailOnOperator = '>' | '>=' | '<' | '<=';

/** `metric op threshold`: the run fails when the metric's value satisfies the comparison. */
interface FailOnRule {
  metric: string;
  op: FailOnOperator;
  threshold: number;
  /** The rule as written, for messages. */
  text: string;
}

const RULE = /^\s*([A-Za-z0-9_.]+)\s*(>=|<=|>|<)\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*$/;
const EXAMPLE_FIELDS = 'p99_ttft_ms, mean_tpot_ms, p99_itl_ms, median_e2el_ms, request_throughput, output_throughput, request_goodput, failed';

/** Refuse a name that is not a result field, listing examples (exit 2). */
export function assertKnownField(metric: string, field: string): void {
  if (!isMetricField(metric)) {
    throw new UsageError(`${field}: unknown result field ${JSON.stringify(metric)}; expected one such as ${EXAMPLE_FIELDS}`, {
      hint: 'Latency fields are {mean,median,std,min,max,p<N>}_{ttft,tpot,itl,e2el}_ms, e.g. p99.9_ttft_ms.',
    });
  }
}

/** Parse `p99_ttft_ms>500` (operators > >= < <=); the metric must be a known result field. */
export function parseFailOn(spec: string): FailOnRule {
  const match = RULE.exec(spec);
  if (match === null) {
    throw new UsageError(`fail-on: expected <field><op><number> with op one of > >= < <= (e.g. p99_ttft_ms>500), got ${JSON.stringify(spec)}`);
  }
  const [, metric, op, threshold] = match as unknown as [string, string, FailOnOperator, string];
  assertKnownField(metric, 'fail-on');
  return { metric, op, threshold: Number(threshold), text: `${metric}${op}${threshold}` };
}
