// Tables for people (cli-table3). Plain ASCII borders so CI logs stay greppable; no colour codes
// in cells unless colour is allowed. Every cell and title passes escapeControl: a name holding an
// ESC or a newline is shown escaped, never interpreted by the terminal or split across rows.
import Table from 'cli-table3';
import { escapeControl } from './escape.js';
import { tableString } from './table-draw.js';

export type Cell = string | number | undefined | null;

/** Format a number for a table: undefined/null/NaN become '-', never 0. */
export function fmtNumber(value: number | undefined | null, digits = 2): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '-';
  return value.toFixed(digits);
}

function cellText(cell: Cell): string {
  if (cell === undefined || cell === null) return '-';
  // Counts stay whole numbers; measurements get two decimals.
  if (typeof cell === 'number') return Number.isInteger(cell) ? String(cell) : fmtNumber(cell);
  return escapeControl(cell);
}

/** Render rows under a header as a bordered table string. */
export function renderTable(head: string[], rows: Cell[][], options: { title?: string } = {}): string {
  const table = new Table({
    head: head.map((h) => escapeControl(h)),
    style: { head: [], border: [], compact: false },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push(row.map(cellText));
  const body = tableString(table);
  return options.title ? `${escapeControl(options.title)}\n${body}` : body;
}
