// Result documents of the new workloads: the multi-turn block (TTFT by turn, sessions broken by a
// failed turn), session fields kept through a scale-out records file, and the search document
// validated as its own kind with its runs reachable as any other document's.
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../../src/bench/engine/types.js';
import { parseResultDocument, runsOfDocument, type ResultDocument, type SearchDocument } from '../../../../src/bench/results/result-schema.js';
import { multiTurnBlock } from '../../../../src/bench/results/workload-blocks.js';
import { decodeRecords, encodeRecord } from '../../../../src/bench/scale/run-dir.js';
import { fixtureRuns } from '../../../helpers/result-fixtures.js';

const FIXTURE = 'detailed/base.json';

const turn = (session: number, t: number, ttft: number, success = true, thinkMs = 0): RequestRecord => ({
  index: session * 10 + t, startMs: 1000, scheduledMs: 1000, chunkTimesMs: success ? [1000 + ttft, 1000 + ttft + 5] : [], endMs: 1000 + ttft + 5, success,
  promptTokens: 10 * (t + 1), outputTokens: 2, outputTokensSource: 'usage', expectedOutputTokens: 2, session, turn: t, thinkMs,
  ...(success ? {} : { error: 'HTTP 500' }),
});

describe('multi-turn block', () => {
  it('TTFT by turn index over the sessions; a failed turn breaks its session', () => {
    const block = multiTurnBlock([turn(0, 0, 10), turn(0, 1, 30, true, 50), turn(1, 0, 20), turn(1, 1, 40, false, 150), turn(2, 0, 30)]);
    expect(block).toMatchObject({ sessions: 3, broken_sessions: 1, mean_think_time_ms: 100 });
    expect(block?.turns).toEqual([
      { turn: 0, requests: 3, completed: 3, mean_prompt_tokens: 10, mean_ttft_ms: 20, median_ttft_ms: 20, p99_ttft_ms: 29.8 },
      { turn: 1, requests: 2, completed: 1, mean_prompt_tokens: 20, mean_ttft_ms: 30, median_ttft_ms: 30, p99_ttft_ms: 30 },
    ]);
    expect(multiTurnBlock([{ ...turn(0, 0, 5), session: undefined, turn: undefined }])).toBeUndefined();
  });

  it('session, turn and think time survive a records file (scale-out shares)', () => {
    const record = turn(4, 2, 12.5, true, 33.25);
    const [back] = decodeRecords(`${encodeRecord(record, 0, 0)}\n`).get(0) ?? [];
    expect(back).toMatchObject({ session: 4, turn: 2, thinkMs: 33.25, chunkTimesMs: record.chunkTimesMs });
  });
});

describe('search document', () => {
  it('is its own kind: validated, its steps\' runs reachable, bad fields named', () => {
    const run = fixtureRuns(FIXTURE)[0] as ResultDocument;
    const doc: SearchDocument = {
      schema_version: 1, kind: 'search', aibench_version: '0.1.0', started_at: run.started_at, ended_at: run.ended_at,
      search: { over: 'rate', lo: 1, hi: 8, slo: ['p99_ttft_ms<=500'], precision_pct: 5, max_steps: 12 },
      answer: 4, bracket: { passed: 4, failed: 8 }, stop_reason: 'max_steps',
      steps: [{ value: 4, phase: 'probe', passed: true, slo: [{ rule: 'p99_ttft_ms<=500', value: 100, met: true }], run }],
    };
    const parsed = parseResultDocument(JSON.parse(JSON.stringify(doc)), 's.json');
    expect(parsed.kind).toBe('search');
    expect(runsOfDocument(parsed)).toHaveLength(1);
    expect(() => parseResultDocument({ ...doc, stop_reason: 'bored' }, 's.json')).toThrow(/s\.json: not a valid aibench result.*\n {2}stop_reason: /);
  });
});
