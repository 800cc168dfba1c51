// `bench search` driven over any way of measuring one run (in process, local workers, the cluster
// client next to a service): each step is a full measured run of the spec at one level, judged
// against the SLOs, and the next level is chosen by search-plan.ts. The result is one search
// document and the verdict, computed here once.
import { InterruptedRun } from '../../errors.js';
import { VERSION } from '../../version.js';
import type { BenchHooks, BenchOutcome } from '../engine/runner.js';
import { loadLabel } from '../engine/schedule.js';
import { compare } from '../results/assertions-eval.js';
import { parseFailOn } from '../results/compare.js';
import type { ResultDocument, SearchDocument } from '../results/result-schema.js';
import { judge, type Verdict } from '../results/verdict.js';
import type { BenchSpec, LoadPattern, SearchSpec } from '../spec/bench-spec.js';
import { bracketOf, nextStep, type StepOutcome, type StopReason } from './search-plan.js';

/** Measure one ordinary run (no search) of a spec. */
export type MeasureRun = (spec: BenchSpec, hooks: BenchHooks) => Promise<BenchOutcome>;

/** The step's spec: the template load at this level, the search itself removed (a plain run). */
function stepSpec(spec: BenchSpec, value: number): BenchSpec {
  const { search: _search, ...plain } = spec;
  const template = spec.loads[0] as LoadPattern;
  const load: LoadPattern = template.kind === 'concurrency' ? { kind: 'concurrency', concurrency: Math.round(value) }
    : template.kind === 'rate' ? { ...template, rate: value } : template;
  return { ...plain, loads: [load] };
}

/** Each SLO against a run: its value and whether it held (no value never holds). */
function sloChecks(rules: readonly string[], run: ResultDocument): Array<{ rule: string; value?: number; met: boolean }> {
  return rules.map((text) => {
    const rule = parseFailOn(text);
    const value = (run as unknown as Record<string, unknown>)[rule.metric];
    const number = typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    return { rule: rule.text, ...(number === undefined ? {} : { value: number }), met: number !== undefined && compare(number, rule.op, rule.threshold) };
  });
}

interface MeasuredStep extends StepOutcome {
  slo: Array<{ rule: string; value?: number; met: boolean }>;
  run: ResultDocument;
  outcome: BenchOutcome;
}

/** Run the search; the outcome's runs are the steps' runs, its verdict the search's, and `search` the document. */
export async function runSearch(spec: BenchSpec, measure: MeasureRun, hooks: BenchHooks = {}): Promise<BenchOutcome & { search: SearchDocument }> {
  const search = spec.search as SearchSpec;
  const started = new Date();
  const steps: MeasuredStep[] = [];
  let stop: StopReason | undefined;
  while (stop === undefined) {
    const next = nextStep(search, steps);
    if ('stop' in next) {
      stop = next.stop;
      break;
    }
    const level = stepSpec(spec, next.value);
    let outcome: BenchOutcome;
    try {
      outcome = await measure(level, hooks);
    } catch (error) {
      if (error instanceof InterruptedRun && steps.length > 0) {
        stop = 'interrupted';
        break;
      }
      throw error;
    }
    const run = outcome.runs[0];
    if (run === undefined) {
      stop = outcome.interrupted ? 'interrupted' : 'failed';
      break;
    }
    const slo = sloChecks(search.slo, run);
    const passed = (outcome.verdict.status === 'passed' || outcome.verdict.status === 'breached') && slo.every((s) => s.met);
    steps.push({ value: next.value, phase: next.phase, passed, slo, run, outcome });
    hooks.onInfo?.(`search step ${steps.length}: ${loadLabel(level.loads[0] as LoadPattern)} ${passed ? 'meets' : 'misses'} the SLOs (${slo.map((s) => `${s.rule.replace(/[<>=]+.*/, '')} ${s.value?.toFixed(2) ?? 'no value'}`).join(', ')})`);
    if (outcome.interrupted) stop = 'interrupted';
  }
  if (steps.length === 0) throw new InterruptedRun();
  const doc = searchDocument(search, steps, stop, started);
  return { runs: steps.map((s) => s.run), interrupted: stop === 'interrupted', verdict: searchVerdictOf(doc, spec.fail_on), search: doc };
}

function searchDocument(search: SearchSpec, steps: readonly MeasuredStep[], stop: StopReason, started: Date): SearchDocument {
  const bracket = bracketOf(steps);
  return {
    schema_version: 1, kind: 'search', aibench_version: VERSION, started_at: started.toISOString(), ended_at: new Date().toISOString(),
    search, ...(bracket.passed === undefined ? {} : { answer: bracket.passed }), bracket, stop_reason: stop,
    steps: steps.map((s) => ({ value: s.value, phase: s.phase, passed: s.passed, slo: s.slo, run: s.run })),
  };
}

/** The run behind a search's answer (else its last step's): what a summary row shows. */
export function answerRun(doc: SearchDocument): ResultDocument {
  const step = doc.steps.find((s) => s.passed && s.value === doc.answer) ?? doc.steps[doc.steps.length - 1];
  return (step as SearchDocument['steps'][number]).run;
}

/**
 * A search's verdict, from its document alone (so --resume judges a saved one the same way):
 * interrupted wins; nothing completed is a failure; no level meeting the SLOs is a breach (exit 3);
 * otherwise the gates (fail_on) judge the answer's run.
 */
export function searchVerdictOf(doc: SearchDocument, failOn: readonly string[]): Verdict {
  const interrupted = doc.stop_reason === 'interrupted';
  if (doc.answer !== undefined) return judge([answerRun(doc)], failOn, interrupted);
  const base = judge(doc.steps.map((s) => s.run), [], interrupted);
  if (base.status === 'interrupted' || base.status === 'failed') return base;
  const low = doc.steps.reduce((a, b) => (b.value < a.value ? b : a));
  const misses = low.slo.filter((s) => !s.met).map((s) => `${s.rule}: ${s.value === undefined ? 'no value' : `is ${s.value}`}`);
  const unit = doc.search.over === 'rate' ? 'req/s' : 'in flight';
  return { ...base, status: 'breached', breaches: [`no level in ${doc.search.lo}..${doc.search.hi} ${unit} meets every SLO; at ${low.value}: ${misses.join(', ')}`] };
}
