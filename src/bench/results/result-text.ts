// The text of a result file: JSON.stringify's two-space layout for what people read (the summary,
// config, provenance), but the bulk of a detailed result compact, one item per line: a number list
// on one line, each request record and each request's ITL list on a line of its own. A 100k-request
// result with 32 output tokens is 153 MB instead of 217 MB this way, reads and parses a third faster,
// and still diffs and greps by request. Values serialize exactly as JSON.stringify does them.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

const isNumberList = (value: unknown): boolean => Array.isArray(value) && value.every((v) => typeof v === 'number');
/** An object whose values are all scalars or number lists: a request record, written on one line. */
const isFlatRecord = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) &&
  Object.values(value).every((v) => v === null || typeof v !== 'object' || isNumberList(v));

function render(value: Json | undefined, indent: string): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return render((value as unknown as { toJSON(): Json }).toJSON(), indent);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (isNumberList(value)) return JSON.stringify(value);
    const oneLine = value.every((v) => isNumberList(v) || isFlatRecord(v));
    const items = value.map((v) => (oneLine ? JSON.stringify(v) : render(v, inner)) ?? 'null');
    return `[\n${inner}${items.join(`,\n${inner}`)}\n${indent}]`;
  }
  const fields = Object.entries(value).flatMap(([key, v]) => {
    const text = render(v, inner);
    return text === undefined ? [] : [`${JSON.stringify(key)}: ${text}`];
  });
  return fields.length === 0 ? '{}' : `{\n${inner}${fields.join(`,\n${inner}`)}\n${indent}}`;
}

/** The file text of a result document (ends with a newline); it parses to what JSON.stringify's text does. */
export function resultText(doc: unknown): string {
  return `${render(doc as Json, '') ?? 'null'}\n`;
}

/** vLLM's --save-detailed lists: copies of what requests[] holds, in vLLM's units, for vLLM's own tools. */
export const VLLM_DETAIL_KEYS = ['input_lens', 'output_lens', 'ttfts', 'itls'] as const;

// Where the value that starts at `at` ends: `[]`, a list on one line, or one spread over lines up to
// its closing bracket at the key's own indentation (JSON strings hold no raw newline, so that line
// is the list's end and nothing else). Undefined for anything else.
function listEnd(text: string, at: number, indent: string): number | undefined {
  if (text[at] !== '[') return undefined;
  if (text[at + 1] === ']') return at + 2;
  if (text[at + 1] === '\n') {
    const close = text.indexOf(`\n${indent}]`, at);
    return close < 0 ? undefined : close + indent.length + 2;
  }
  const line = text.indexOf('\n', at);
  if (line < 0) return undefined;
  return text[line - 1] === ',' ? line - 1 : line;
}

/**
 * The text of a run or sweep file in resultText's layout (or JSON.stringify's two-space one) with
 * the named list fields of each run cut out, for readers that never use them (report, history and
 * compare do not read vLLM's lists, which are a third of a detailed result). A text in any other
 * layout, or with one of those fields in an unexpected shape, comes back whole.
 */
export function withoutRunLists(text: string, keys: readonly string[]): string {
  const head = text.slice(0, 256);
  if (!head.startsWith('{\n  "schema_version": ') || keys.length === 0) return text;
  const kind = /\n {2}"kind": "(\w+)"/.exec(head)?.[1];
  // A run's own fields are at indent 2; a sweep's runs are the items of its top-level "runs" list
  // (fields at indent 6), and nothing outside that list is touched.
  let indent = '  ';
  let region = { from: 0, to: text.length };
  if (kind === 'sweep' || kind === 'repeat') {
    const runs = text.indexOf('\n  "runs": [\n');
    const close = runs < 0 ? -1 : text.indexOf('\n  ]', runs);
    if (close < 0) return text;
    indent = '      ';
    region = { from: runs, to: close };
  } else if (kind !== 'run') return text;
  // Each field of a run starts a line at the run's indentation: `\n<indent>"name": `. Lines inside
  // its values are indented deeper (or hold a whole record), so this finds fields and nothing else.
  const opener = `\n${indent}"`;
  const kept: string[] = [];
  let from = 0;
  for (let at = text.indexOf(opener, region.from); at >= 0 && at < region.to; at = text.indexOf(opener, at + 1)) {
    const nameEnd = text.indexOf('": ', at + opener.length);
    if (nameEnd < 0 || !keys.includes(text.slice(at + opener.length, nameEnd))) continue;
    const end = listEnd(text, nameEnd + 3, indent);
    if (end === undefined || text[at - 1] !== ',') return text; // a cut field is never a run's first
    kept.push(text.slice(from, at - 1));
    from = end;
    at = end - 1;
  }
  kept.push(text.slice(from));
  return kept.join('');
}
