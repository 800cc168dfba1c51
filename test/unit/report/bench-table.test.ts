// The run summary table: counts print as whole numbers, measured values with two decimals.
import { describe, expect, it } from 'vitest';
import { renderRunTable, runSummaryRows } from '../../../src/report/bench-table.js';
import { fixture } from '../../helpers/result-fixtures.js';

const base = fixture('detailed/base.json');
const text = (rows: ReturnType<typeof runSummaryRows>, label: string) => rows.find((r) => r.label === label)?.text;

describe('runSummaryRows', () => {
  it('counts are whole numbers and durations keep their decimals', () => {
    const rows = runSummaryRows(base);
    expect(text(rows, 'Successful requests')).toBe(String(base.completed));
    expect(text(rows, 'Benchmark duration (s)')).toMatch(/^\d+\.\d\d$/);
  });

  it("a batch job's and a multi-turn run's counts print as counts, not as 5.00", () => {
    const doc = {
      ...base,
      multi_turn: { sessions: 4, broken_sessions: 1, turns: [{ turn: 0, requests: 4, completed: 4, median_ttft_ms: 12.5 }] },
      batch: { id: 'batch_1', status: 'completed', items: 5, completed: 5, failed: 0, poll_interval_s: 1, upload_s: 0.01, queue_wait_s: 1.25, total_s: 3 },
    };
    const rows = runSummaryRows(doc);
    expect([text(rows, 'Sessions'), text(rows, 'Sessions ended by a failed turn'), text(rows, 'Items completed'), text(rows, 'Items failed')]).toEqual(['4', '1', '5', '0']);
    expect(text(rows, 'Queue wait (s)')).toBe('1.25');
    expect(text(rows, 'Turn 1: median TTFT (ms), 4 req')).toBe('12.50');
    expect(renderRunTable(doc)).toMatch(/Items completed\s*│?\s*5\s/);
  });
});
