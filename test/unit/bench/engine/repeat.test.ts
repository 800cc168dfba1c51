// --repeat N runs the same workload N times; the document holds every repetition and, per load
// level, the mean and 95 % CI of each headline metric; an interruption keeps what ran.
import { describe, expect, it } from 'vitest';
import { runRepeated } from '../../../../src/bench/engine/repeat.js';
import type { BenchOutcome } from '../../../../src/bench/engine/runner.js';
import { outputDocument } from '../../../../src/bench/results/result-io.js';
import { parseResultDocument, type ResultDocument } from '../../../../src/bench/results/result-schema.js';
import { judge } from '../../../../src/bench/results/verdict.js';
import { buildBenchSpec } from '../../../../src/bench/spec/build-spec.js';
import { InterruptedRun } from '../../../../src/errors.js';
import { RESULTS } from '../../../helpers/result-fixtures.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const base = JSON.parse(readFileSync(join(RESULTS, 'detailed', 'base.json'), 'utf8')) as ResultDocument;
const withThroughput = (t: number): ResultDocument => {
  const { requests: _r, input_lens: _i, output_lens: _o, ttfts: _t, itls: _l, ...plain } = base;
  return { ...plain, request_throughput: t } as ResultDocument;
};
const outcome = (run: ResultDocument, interrupted = false): BenchOutcome => ({ runs: [run], interrupted, verdict: judge([run], [], interrupted) });

describe('runRepeated', () => {
  it('runs the workload N times and the document carries the mean and 95% CI per load level', async () => {
    const spec = buildBenchSpec({ repeat: 3 });
    const values = [10, 12, 14];
    let i = 0;
    const result = await runRepeated(spec, async () => outcome(withThroughput(values[i++] as number)));
    expect(result.repeat).toBe(3);
    expect(result.runs).toHaveLength(3);
    const doc = parseResultDocument(JSON.parse(JSON.stringify(await outputDocument(result.runs, '/nonexistent', { repeat: 3 }))));
    expect(doc.kind).toBe('repeat');
    const summary = 'summary' in doc ? doc.summary : undefined;
    const t = summary?.[0]?.metrics.request_throughput;
    expect(t?.n).toBe(3);
    expect(t?.mean).toBe(12);
    expect(t?.std).toBe(2);
    // 95% t interval with 2 df: 12 +- 4.302653 x 2 / sqrt(3)
    expect(t?.low).toBeCloseTo(12 - (4.302653 * 2) / Math.sqrt(3), 4);
    expect(t?.high).toBeCloseTo(12 + (4.302653 * 2) / Math.sqrt(3), 4);
  });

  it('one repetition is a plain run; an interruption keeps the repetitions that ran', async () => {
    expect((await runRepeated(buildBenchSpec({}), async () => outcome(base))).repeat).toBeUndefined();
    let calls = 0;
    const cut = await runRepeated(buildBenchSpec({ repeat: 5 }), async () => {
      calls++;
      if (calls === 3) throw new InterruptedRun();
      return outcome(withThroughput(calls));
    });
    expect(cut.interrupted).toBe(true);
    expect(cut.runs).toHaveLength(2);
    expect(cut.verdict.status).toBe('interrupted');
    await expect(runRepeated(buildBenchSpec({ repeat: 2 }), async () => { throw new InterruptedRun(); })).rejects.toThrow(InterruptedRun);
  });
});
