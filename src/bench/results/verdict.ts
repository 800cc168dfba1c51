// Did a benchmark pass? Computed once from its result documents; the CLI maps the verdict to an
// exit code, the control API to a status, a suite to a summary row.
import { evaluateFailOn, parseFailOn } from './compare.js';
import type { ResultDocument } from './result-schema.js';

export type VerdictStatus = 'passed' | 'breached' | 'failed' | 'interrupted';

export interface Verdict {
  status: VerdictStatus;
  /** Gate breaches (`p99_ttft_ms>500: p99_ttft_ms is 612`), each prefixed with its run's label in a sweep. */
  breaches: string[];
  /** Why it failed or what to look at, for people: top error reasons, stream problems. */
  reasons: string[];
  /** Worth a look but not a failure: client bottleneck, malformed or short streams. */
  warnings: string[];
}

const count = (runs: readonly ResultDocument[], field: 'malformed_events' | 'incomplete_streams' | 'short_streams'): number =>
  runs.reduce((sum, run) => sum + (run[field] ?? 0), 0);

/** The verdict of a run's documents under its gates; `interrupted` wins, then no completion, then breaches. */
export function judge(runs: readonly ResultDocument[], failOn: readonly string[], interrupted: boolean): Verdict {
  const rules = failOn.map(parseFailOn);
  const prefix = (run: ResultDocument) => (runs.length > 1 ? `${run.label ?? 'run'}: ` : '');
  const breaches = runs.flatMap((run) => evaluateFailOn(run, rules).map((b) => `${prefix(run)}${b.message}`));
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
  if (interrupted) return { status: 'interrupted', breaches, reasons, warnings };
  const died = deadShares(runs);
  if (died.length > 0) return { status: 'failed', breaches, reasons: [...died, ...reasons], warnings };
  if (runs.length === 0 || runs.every((run) => run.completed === 0)) {
    return { status: 'failed', breaches, reasons: [`no request completed${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`], warnings };
  }
  return { status: breaches.length > 0 ? 'breached' : 'passed', breaches, reasons, warnings };
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
