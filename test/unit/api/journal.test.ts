// The benchmark journal's writes: one failed write (a full disk for a moment) is reported to its
// caller and does not stop the writes after it; the file always ends at the last state recorded.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchmarkView } from '../../../src/api/control-core.js';
import { BenchmarkJournal } from '../../../src/api/journal.js';

const view = (status: BenchmarkView['status']): BenchmarkView => ({
  id: 'bm-1', status, tier: 'background', created_at: '2026-01-01T00:00:00.000Z',
  request: { service_id: 'svc-1', input_len: 8, output_len: 4, duration_seconds: 60 },
  progress: { phase: 'measure', completed: 1, failed: 0, in_flight: 1, elapsed_s: 1 },
});

describe('BenchmarkJournal writes', () => {
  it('recover after a failed write, and never keep progress', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'aibench-journal-')), 'benchmarks.json');
    const journal = await BenchmarkJournal.open(path);
    mkdirSync(path); // the rename onto a directory fails, as a full disk would
    await expect(journal.record(view('queued'))).rejects.toThrow();
    rmSync(path, { recursive: true });
    await journal.record(view('running'));
    await journal.record(view('done'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 1,
      benchmarks: [{ id: 'bm-1', status: 'done', tier: 'background', created_at: '2026-01-01T00:00:00.000Z', request: view('done').request }],
    });
    await journal.close();
  });
});

describe('paused tiers in the journal', () => {
  it('a tier paused by an operator is still paused when the next server reads the journal', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'aibench-journal-')), 'benchmarks.json');
    const first = await BenchmarkJournal.open(path);
    await first.record(view('queued'));
    await first.recordPaused(['background']);
    await first.close();
    const second = await BenchmarkJournal.open(path);
    expect(second.pausedTiers()).toEqual(['background']);
    expect(second.entries().map((e) => e.status)).toEqual(['queued']);
    await second.recordPaused([]);
    expect(JSON.parse(readFileSync(path, 'utf8')).paused_tiers).toBeUndefined();
    await second.close();
  });
});
