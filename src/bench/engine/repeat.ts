// `repeat: N`: the same workload run N times through the one runner, so a result can say how much
// its numbers move between runs (mean and 95 % CI per headline metric). Stops at an interruption
// and keeps every repetition that ran.
import { InterruptedRun } from '../../errors.js';
import { judge } from '../results/verdict.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import type { BenchHooks, BenchOutcome } from './runner.js';

export type RepeatedOutcome = BenchOutcome & { repeat?: number };

/** Run `once` spec.repeat times (once when 1); the runs of every repetition, in order. */
export async function runRepeated(spec: BenchSpec, once: () => Promise<BenchOutcome>, hooks: Pick<BenchHooks, 'onInfo'> = {}): Promise<RepeatedOutcome> {
  if (spec.repeat <= 1) return once();
  const runs: BenchOutcome['runs'] = [];
  let interrupted = false;
  for (let i = 0; i < spec.repeat && !interrupted; i++) {
    hooks.onInfo?.(`repetition ${i + 1} of ${spec.repeat}`);
    try {
      const outcome = await once();
      runs.push(...outcome.runs);
      interrupted = outcome.interrupted;
    } catch (error) {
      // Interrupted before repetition i measured anything: keep the repetitions that ran.
      if (!(error instanceof InterruptedRun) || runs.length === 0) throw error;
      interrupted = true;
    }
  }
  return { runs, interrupted, verdict: judge(runs, spec, interrupted), repeat: spec.repeat };
}
