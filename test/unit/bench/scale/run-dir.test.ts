// Share records survive the trip through a records file: every field, to the microsecond, by step;
// a torn last line (a share killed mid-write) is skipped, not fatal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecord } from '../../../../src/bench/scale/run-dir.js';
import type { RequestRecord } from '../../../../src/bench/engine/types.js';

const record = fc.record({
  index: fc.nat(1e6), startMs: fc.double({ min: 0, max: 1e7, noNaN: true }), lag: fc.double({ min: 0, max: 100, noNaN: true }),
  gaps: fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { maxLength: 20 }), tail: fc.double({ min: 0, max: 100, noNaN: true }),
  success: fc.boolean(), status: fc.option(fc.constantFrom(200, 500), { nil: undefined }), error: fc.option(fc.string(), { nil: undefined }),
  promptTokens: fc.nat(5000), outputTokens: fc.nat(5000), source: fc.constantFrom('usage', 'tokenizer', 'chunks'), expected: fc.nat(5000),
  cut: fc.option(fc.constantFrom('deadline', 'grace', 'interrupted'), { nil: undefined }), warmup: fc.boolean(),
  malformed: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }), done: fc.option(fc.boolean(), { nil: undefined }), client: fc.option(fc.nat(9), { nil: undefined }),
}).map((r): RequestRecord => {
  const chunks: number[] = [];
  let t = r.startMs;
  for (const g of r.gaps) chunks.push((t += g));
  return {
    index: r.index, startMs: r.startMs, scheduledMs: r.startMs - r.lag, chunkTimesMs: chunks, endMs: t + r.tail, success: r.success,
    promptTokens: r.promptTokens, outputTokens: r.outputTokens, outputTokensSource: r.source as RequestRecord['outputTokensSource'], expectedOutputTokens: r.expected,
    ...(r.status === undefined ? {} : { status: r.status }), ...(r.error === undefined ? {} : { error: r.error }),
    ...(r.cut === undefined ? {} : { cut: true, cutReason: r.cut as RequestRecord['cutReason'] }), ...(r.warmup ? { warmup: true } : {}),
    ...(r.malformed === undefined ? {} : { malformedEvents: r.malformed }), ...(r.done === undefined ? {} : { done: r.done }),
    ...(r.client === undefined ? {} : { client: r.client }),
  };
});

describe('records files', () => {
  it('round-trip every record, times moved to epoch and kept to the microsecond', () => {
    fc.assert(fc.property(fc.array(record, { maxLength: 20 }), fc.nat(3), (records, step) => {
      const offset = 1_733_000_000_000.123;
      const text = records.map((r) => `${encodeRecord(r, step, offset)}\n`).join('');
      const back = decodeRecords(text).get(step) ?? [];
      expect(back).toHaveLength(records.length);
      back.forEach((b, i) => {
        const r = records[i] as RequestRecord;
        const { startMs, scheduledMs, endMs, chunkTimesMs, ...rest } = b;
        const { startMs: s0, scheduledMs: q0, endMs: e0, chunkTimesMs: c0, ...want } = r;
        expect(rest).toEqual(want);
        expect(startMs - offset).toBeCloseTo(s0, 2);
        expect(scheduledMs - offset).toBeCloseTo(q0, 2);
        // Latencies (differences) are exact to the microsecond whatever the epoch's size.
        expect(endMs - startMs).toBeCloseTo(e0 - s0, 2);
        chunkTimesMs.forEach((c, k) => expect(c - startMs).toBeCloseTo((c0[k] as number) - s0, 2));
      });
    }));
  });

  it('keeps steps apart and skips a torn last line', () => {
    const r: RequestRecord = { index: 1, startMs: 10, scheduledMs: 10, chunkTimesMs: [12], endMs: 13, success: true, promptTokens: 1, outputTokens: 1, outputTokensSource: 'usage', expectedOutputTokens: 1 };
    const text = `${encodeRecord(r, 0, 0)}\n${encodeRecord({ ...r, index: 2 }, 1, 0)}\n${encodeRecord({ ...r, index: 3 }, 1, 0).slice(0, 20)}`;
    const steps = decodeRecords(text);
    expect(steps.get(0)?.map((x) => x.index)).toEqual([1]);
    expect(steps.get(1)?.map((x) => x.index)).toEqual([2]);
  });
});
