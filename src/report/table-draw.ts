// A cli-table3 table's text in time linear in its rows. cli-table3 lays out each cell with a scan
// over every row above it (8,000 rows: 15 s; 64,000: over ten minutes) and spends ~50 µs a cell
// besides. A long table of plain cells (one line of printable ASCII, so width = length) is drawn
// here in one pass with cli-table3's own characters; any other long table is drawn by cli-table3
// in slices with the whole table's column widths, and the slices joined. Tests check that both
// give exactly cli-table3's text.
import Table from 'cli-table3';

type Row = Table.Table[number];
const SLICE_ROWS = 64;
const PLAIN = /^[\x20-\x7e]*$/;
const SEPARATORS = ['mid', 'left-mid', 'mid-mid', 'right-mid'] as const;

/** `table.toString()`, in linear time for long tables without row separators (as renderTable draws them). */
export function tableString(table: Table.Table, sliceRows = SLICE_ROWS): string {
  if (table.length <= sliceRows) return table.toString();
  const cells = plainCells(table);
  return cells === undefined ? drawSliced(table, sliceRows) : drawPlain(table.options, cells);
}

// Head and rows as strings when one pass can draw them as cli-table3 would: equal-length rows of
// plain text, no colours, default padding and alignment, automatic widths, no row separators.
function plainCells(table: Table.Table): string[][] | undefined {
  const { head, style, chars, colWidths, colAligns, rowHeights, wordWrap } = table.options;
  if (style.head.length > 0 || style.border.length > 0 || colWidths.length > 0 || colAligns.length > 0 || rowHeights.length > 0 || wordWrap) return undefined;
  if (style['padding-left'] !== 1 || style['padding-right'] !== 1) return undefined;
  if (SEPARATORS.some((name) => chars[name] !== '')) return undefined;
  const rows = [head, ...table] as unknown[];
  const width = head.length;
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== width || !row.every((cell) => typeof cell === 'string' && PLAIN.test(cell))) return undefined;
  }
  return rows as string[][];
}

function drawPlain(options: Table.TableInstanceOptions, rows: readonly string[][]): string {
  const c = options.chars;
  const widths = (rows[0] ?? []).map(() => 0);
  for (const row of rows) row.forEach((text, i) => (widths[i] = Math.max(widths[i] ?? 0, text.length)));
  const border = (left: string, fill: string, mid: string, right: string) => left + widths.map((w) => fill.repeat(w + 2)).join(mid) + right;
  const line = (row: readonly string[]) => c.left + row.map((text, i) => ` ${text.padEnd(widths[i] ?? 0)} `).join(c.middle) + c.right;
  return [border(c['top-left'], c.top, c['top-mid'], c['top-right']), ...rows.map(line), border(c['bottom-left'], c.bottom, c['bottom-mid'], c['bottom-right'])].join('\n');
}

// Every slice is drawn with the head (so a short row is filled in as in one table); the top border
// and head lines are kept from the first slice only, the bottom border from the last.
function drawSliced(table: Table.Table, sliceRows: number): string {
  const slices: Row[][] = [];
  for (let i = 0; i < table.length; i += sliceRows) slices.push(table.slice(i, i + sliceRows));
  const widths: number[] = [];
  for (const rows of slices) {
    const measured = tableOf(table, rows, []);
    measured.toString(); // fills in options.colWidths with the widths cli-table3 measured
    measured.options.colWidths.forEach((w, i) => (widths[i] = Math.max(widths[i] ?? 0, w ?? 0)));
  }
  const headLines = tableOf(table, [], widths).toString().split('\n').length - 1;
  return slices
    .flatMap((rows, i) => tableOf(table, rows, widths).toString().split('\n').slice(i === 0 ? 0 : headLines, i === slices.length - 1 ? undefined : -1))
    .join('\n');
}

// A table with the options of `like`, these rows and these column widths (none: measure them).
function tableOf(like: Table.Table, rows: readonly Row[], widths: readonly number[]): Table.Table {
  const { head, style, chars, colAligns } = like.options;
  const table = new Table({ head, style: { ...style }, chars, colAligns, colWidths: [...widths] });
  table.push(...rows);
  return table;
}
