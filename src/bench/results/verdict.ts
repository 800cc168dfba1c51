// Did a benchmark pass? Computed once from its result documents; the CLI maps the verdict to an
// exit code, the control API to a status, a suite to a summary row.
import { evaluateGate, fieldGates, type GateSpec } from './assertions-eval.js';
import type { ResultDocument } from './result-schema.js';
import type { AssertionOutcome } from './truth-schema.js';

type VerdictStatus = 'passed' | 'breached' | 'failed' | 'interrupted';

export interface Verdict {
  status: VerdictStatus;
  /** Gate breaches (`p99_ttft_ms>500: p99_ttft_ms is 612`), each prefixed with its run's label in a sweep. */
  breaches: string[];
  /** Why it failed or what to look at, for people: top error reasons, stream problems. */
  reasons: string[];
  /** Worth a look but not a failure: client bottleneck, malformed or short streams. */
  warnings: string[];
  /** Every gate's outcome (fail_on rules, assertions, PromQL assertions), each with its run's label in a sweep. */
  assertions: Array<AssertionOutcome & { run?: string }>;
}

/** Each run's gate outcomes: field gates evaluated now, PromQL ones as recorded on the run (unrecorded: an error). */
function assertionOutcomes(run: ResultDocument, gates: GateSpec): AssertionOutcome[] {
  const fields = fieldGates(gates).map((gate) => evaluateGate(gate, run));
  const recorded = (run.assertions ?? []).filter((a) => a.kind === 'promql');
  const promql = (gates.assert_promql ?? []).map((expr): AssertionOutcome =>
    recorded.find((a) => a.expr === expr) ?? { expr, kind: 'promql', status: 'error', reason: 'not evaluated: no Prometheus answered for this run' });
  return [...fields, ...promql];
}

const count = (runs: readonly ResultDocument[], field: 'malformed_events' | 'incomplete_streams' | 'short_streams'): number =>
  runs.reduce((sum, run) => sum + (run[field] ?? 0), 0);

/**
 * The verdict of a run's documents under its gates (fail_on rules, or a spec's fail_on, assert and
 * assert_promql): `interrupted` wins, then a dead share or no completion, then an assertion that
 * could not be evaluated (failed: exit 1), then breaches (exit 3).
 */
export function judge(runs: readonly ResultDocument[], gateSpec: GateSpec | readonly string[], interrupted: boolean): Verdict {
  const gates: GateSpec = Array.isArray(gateSpec) ? { fail_on: gateSpec as readonly string[] } : (gateSpec as GateSpec);
  const prefix = (run: ResultDocument) => (runs.length > 1 ? `${run.label ?? 'run'}: ` : '');
  const assertions: Verdict['assertions'] = runs.flatMap((run) => assertionOutcomes(run, gates).map((a) => (runs.length > 1 ? { ...a, run: run.label ?? 'run' } : a)));
  const named = (a: Verdict['assertions'][number]) => `${a.run === undefined ? '' : `${a.run}: `}${a.kind === 'fail_on' ? '' : a.kind === 'promql' ? 'assert-promql ' : 'assert '}${a.expr}: ${a.reason ?? ''}`;
  const breaches = assertions.filter((a) => a.status === 'fail').map(named);
  const unevaluable = assertions.filter((a) => a.status === 'error').map((a) => `${named(a)} (could not be evaluated)`);
  const warnings = runs.flatMap((run) => [run.client.bottleneck_warning, run.client.network_warning].flatMap((w) => (w ? [`${prefix(run)}${w}`] : [])));
  const streamNotes = [
    [count(runs, 'malformed_events'), 'SSE event(s) were not JSON and were skipped (timings miss their content)'],
    [count(runs, 'incomplete_streams'), 'stream(s) ended without data: [DONE]'],
    [count(runs, 'short_streams'), 'completed request(s) returned fewer tokens than asked for'],
  ] as const;
  for (const [n, what] of streamNotes) if (n > 0) warnings.push(`${n} ${what}`);
  const fallback = runs.find((run) => run.tokenizer.kind === 'fallback' && run.tokenizer.fallback_reason !== undefined);
  if (fallback !== undefined) {
    warnings.push(`prompts were sized with the bundled ${fallback.tokenizer.name} encoding, not the model's tokenizer (${fallback.tokenizer.fallback_reason}): token counts are approximate; pass --tokenizer`);
  }
  const reasons = topErrors(runs);
  if (interrupted) return { status: 'interrupted', breaches, reasons, warnings, assertions };
  const died = deadShares(runs);
  if (died.length > 0) return { status: 'failed', breaches, reasons: [...died, ...reasons], warnings, assertions };
  if (runs.length === 0 || runs.every((run) => run.completed === 0)) {
    return { status: 'failed', breaches, reasons: [`no request completed${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`], warnings, assertions };
  }
  if (unevaluable.length > 0) return { status: 'failed', breaches, reasons: [...unevaluable, ...reasons], warnings, assertions };
  return { status: breaches.length > 0 ? 'breached' : 'passed', breaches, reasons, warnings, assertions };
}

/** The outcome of a finished run: its documents with their gates' outcomes recorded, and the verdict. */
export function settle(runs: readonly ResultDocument[], gates: GateSpec, interrupted: boolean): { runs: ResultDocument[]; interrupted: boolean; verdict: Verdict } {
  const recorded = runs.map((run) => {
    const outcomes = assertionOutcomes(run, gates);
    const { assertions: _old, ...rest } = run;
    return (outcomes.length === 0 ? rest : { ...rest, assertions: outcomes }) as ResultDocument;
  });
  return { runs: recorded, interrupted, verdict: judge(recorded, gates, interrupted) };
}

// Client shares that ended without their summary: the run is incomplete, whatever the others measured.
function deadShares(runs: readonly ResultDocument[]): string[] {
  const seen = new Set<string>();
  for (const run of runs) {
    for (const share of run.client.shares ?? []) {
      if (share.status === 'died') seen.add(`client share ${share.index}${share.node ? ` on ${share.node}` : ''} died before it finished (its ${share.requests} request(s) are kept)`);
    }
  }
  return [...seen];
}

// The three most frequent error messages over every run, with their counts.
function topErrors(runs: readonly ResultDocument[]): string[] {
  const totals = new Map<string, number>();
  for (const run of runs) for (const [message, n] of Object.entries(run.errors ?? {})) totals.set(message, (totals.get(message) ?? 0) + n);
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([message, n]) => `${n}x ${message}`);
}
