// Long tables are drawn in linear time and with exactly cli-table3's text. The work is counted
// (rows handed to cli-table3's layout, which is quadratic in them), never timed.
import { createRequire } from 'node:module';
import Table from 'cli-table3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tableString } from '../../../src/report/table-draw.js';
import { renderTable } from '../../../src/report/table.js';

// The layout module cli-table3's Table calls through (a property lookup per call, so a spy sees it).
const layout = createRequire(import.meta.url)('cli-table3/src/layout-manager.js') as { makeTableLayout: (rows: unknown[]) => unknown };

const OPTIONS = { style: { head: [], border: [], compact: false }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } };

function table(head: string[], rows: string[][]): Table.Table {
  const t = new Table({ head, ...OPTIONS });
  t.push(...rows);
  return t;
}

// Rows of varied widths; `cell(i, j)` picks each cell's text.
const rows = (n: number, cell: (i: number, j: number) => string) => Array.from({ length: n }, (_, i) => [String(i + 1), cell(i, 0), cell(i, 1)]);

/** Sum of squared row counts over cli-table3 layouts while `fn` runs: the quadratic part of its work. */
function layoutWork(fn: () => void): number {
  let work = 0;
  const real = layout.makeTableLayout;
  const spy = vi.spyOn(layout, 'makeTableLayout').mockImplementation((r) => {
    work += r.length ** 2;
    return real(r);
  });
  fn();
  spy.mockRestore();
  return work;
}

afterEach(() => vi.restoreAllMocks());

describe('tableString', () => {
  it('draws a long table of plain cells as cli-table3 does, without its layout', () => {
    const body = rows(300, (i, j) => (j === 0 ? `svc__c${i % 17}_in${(i * 37) % 1000}` : 'x'.repeat(i % 9)));
    const expected = table(['#', 'task', 'load'], body).toString();
    expect(layoutWork(() => expect(tableString(table(['#', 'task', 'load'], body))).toBe(expected))).toBe(0);
  });

  it('draws other long tables (wide characters, several lines in a cell, short rows) in slices, with the same text', () => {
    const cases = [
      rows(300, (i, j) => (j === 0 ? `模型-${'µ'.repeat(i % 5)}` : `${i}`)),
      rows(200, (i, j) => (i % 50 === 7 && j === 1 ? 'two\nlines' : `r${i}`)),
      [...rows(100, () => 'a'), ['only one'], ...rows(100, () => 'b')],
    ];
    for (const r of cases) expect(tableString(table(['#', 'a', 'b'], r), 64)).toBe(table(['#', 'a', 'b'], r).toString());
  });

  it('its work grows linearly with the rows: 8x the rows, at most 8x the layout work (one table: 64x)', () => {
    const wide = (n: number) => table(['#', 'a', 'b'], rows(n, (i) => `µ${i}`));
    const small = layoutWork(() => tableString(wide(1000)));
    const large = layoutWork(() => tableString(wide(8000)));
    expect(large).toBeLessThanOrEqual(8 * small + 65 ** 2 * 4);
    expect(layoutWork(() => wide(1000).toString())).toBeGreaterThan(small * 5); // what a single layout costs
  });

  it('renderTable of many rows never hands cli-table3 the whole table', () => {
    const body = rows(5000, (i) => `task-${i}`);
    expect(layoutWork(() => renderTable(['#', 'a', 'b'], body))).toBe(0);
    expect(layoutWork(() => renderTable(['#', 'a', 'b'], rows(5000, (i) => `täsk-${i}`)))).toBeLessThan(5000 ** 2 / 10);
  });
});
