// The merger against a run directory written by hand: statistics over the union of the shares'
// records (hand-computed), the global window, a dead share named, a stop recorded as interruption.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBenchSpec } from '../../../../src/bench/spec/build-spec.js';
import { mergeRunDir } from '../../../../src/bench/scale/merge-run-dir.js';
import { encodeRecord, recordsFile, readyFile, RUN_FILES, scrapeFile, summaryFile, type ShareSummary } from '../../../../src/bench/scale/run-dir.js';
import type { ScrapeLog } from '../../../../src/bench/scrape/server-metrics.js';
import type { RequestRecord } from '../../../../src/bench/engine/types.js';

const spec = { ...buildBenchSpec({ url: 'http://node1:8000', model: 'm', concurrency: 2, num_requests: 4, input_len: 8, output_len: 3, percentiles: [50] }), client: { placement: 'cluster' as const, tasks: 2, workers: 1 } };

// Request `index` sent at `start` (epoch ms), first token after `ttft`, then tokens every `itl`.
const rec = (index: number, start: number, ttft: number, itl: number): RequestRecord => ({
  index, startMs: start, scheduledMs: start, chunkTimesMs: [start + ttft, start + ttft + itl, start + ttft + 2 * itl], endMs: start + ttft + 2 * itl + 1,
  success: true, status: 200, promptTokens: 8, outputTokens: 3, outputTokensSource: 'usage', expectedOutputTokens: 3, done: true,
});

const summary = (share: number, window: { startMs: number; endMs: number }): ShareSummary => ({
  share, node: `node${share + 1}`, pid: 100 + share, tokenizer: { kind: 'fallback', name: 'cl100k_base' }, server: { model: 'm' },
  steps: [{ step: 0, window, startedAt: new Date(window.startMs).toISOString(), endedAt: new Date(window.endMs).toISOString(), loop: { p99Ms: share + 1 }, interrupted: false }],
});

function runDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aibench-merge-'));
  writeFileSync(join(dir, RUN_FILES.spec), JSON.stringify(spec));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const T0 = 1_733_000_000_000;
const lines = (records: RequestRecord[]) => records.map((r) => `${encodeRecord(r, 0, 0)}\n`).join('');

describe('mergeRunDir', () => {
  it('pools two shares: statistics over the union, throughput over the global window', () => {
    const dir = runDir({
      [summaryFile(0)]: JSON.stringify(summary(0, { startMs: T0, endMs: T0 + 1000 })),
      [summaryFile(1)]: JSON.stringify(summary(1, { startMs: T0 + 2, endMs: T0 + 2000 })),
      [recordsFile(0)]: lines([rec(0, T0, 10, 5), rec(2, T0 + 100, 30, 5)]),
      [recordsFile(1)]: lines([rec(1, T0 + 2, 20, 15), rec(3, T0 + 200, 40, 15)]),
    });
    const { runs, verdict, interrupted } = mergeRunDir(dir, 2);
    const doc = runs[0]!;
    expect(interrupted).toBe(false);
    expect(verdict.status).toBe('passed');
    expect(doc.completed).toBe(4);
    expect(doc.duration_s).toBe(2); // T0 .. T0 + 2000
    expect(doc.request_throughput).toBe(2);
    expect(doc.mean_ttft_ms).toBe(25); // (10 + 20 + 30 + 40) / 4
    expect(doc.median_ttft_ms).toBe(25);
    expect(doc.mean_itl_ms).toBe(10); // four gaps of 5 and four of 15
    expect(doc.p50_itl_ms).toBe(10);
    expect(doc.client).toMatchObject({ tasks: 2, workers: 1, start_skew_ms: 2, event_loop_delay_p99_ms: 2 });
    expect(doc.client.shares?.map((s) => [s.node, s.requests, s.status])).toEqual([['node1', 2, 'ok'], ['node2', 2, 'ok']]);
  });

  it("the scraping share's logs become server_metrics: one per replica of a group, or one log as older run dirs hold it", () => {
    const log = (replica: string, tokens: number): ScrapeLog => ({
      intervalS: 1, url: `http://${replica}/metrics`, replica, failures: 0, errors: [],
      points: [{ t: T0 - 1, values: { generation_tokens: 0 }, histograms: {}, round: 0 }, { t: T0 + 2001, values: { generation_tokens: tokens }, histograms: {}, round: 1 }],
    });
    const shares = {
      [summaryFile(0)]: JSON.stringify(summary(0, { startMs: T0, endMs: T0 + 2000 })),
      [recordsFile(0)]: lines([rec(0, T0, 10, 5), rec(1, T0 + 100, 30, 5)]),
    };
    const group = mergeRunDir(runDir({ ...shares, [scrapeFile(0)]: JSON.stringify([log('r1', 4), log('r2', 2)]) }), 1).runs[0]!;
    expect(group.server_metrics).toMatchObject({ available: true, generation_tokens: 6, replicas: [{ id: 'r1' }, { id: 'r2' }] });
    const older = mergeRunDir(runDir({ ...shares, [scrapeFile(0)]: JSON.stringify(log('r1', 4)) }), 1).runs[0]!;
    expect(older.server_metrics).toMatchObject({ available: true, generation_tokens: 4, url: 'http://r1/metrics' });
  });

  it('a share without a summary died: its streamed records are kept, it is named, the run fails', () => {
    const dir = runDir({
      [summaryFile(0)]: JSON.stringify(summary(0, { startMs: T0, endMs: T0 + 1000 })),
      [readyFile(0, 1)]: JSON.stringify({ share: 1, node: 'node7', pid: 9, at: T0 }),
      [recordsFile(0)]: lines([rec(0, T0, 10, 5), rec(2, T0 + 100, 30, 5)]),
      [recordsFile(1)]: `${lines([rec(1, T0 + 2, 20, 15)])}{"t":0,"i":3,"s":`,
    });
    const { runs, verdict } = mergeRunDir(dir, 2);
    expect(runs[0]?.completed).toBe(3);
    expect(runs[0]?.client.shares?.[1]).toMatchObject({ node: 'node7', requests: 1, status: 'died' });
    expect(verdict.status).toBe('failed');
    expect(verdict.reasons[0]).toBe('client share 1 on node7 died before it finished (its 1 request(s) are kept)');
  });

  it('nothing measured at all is an error naming what the shares said', () => {
    const dir = runDir({ [summaryFile(0)]: JSON.stringify({ ...summary(0, { startMs: T0, endMs: T0 }), server: { model: '?' }, steps: [], error: 'connect ECONNREFUSED' }) });
    expect(() => mergeRunDir(dir, 1)).toThrow('No client share got as far as measuring: share 0: connect ECONNREFUSED');
  });
});
