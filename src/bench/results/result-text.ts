// The text of a result file: JSON.stringify's two-space layout for what people read (the summary,
// config, provenance), but the bulk of a detailed result compact, one item per line: a number list
// on one line, each request record and each request's ITL list on a line of its own. A 100k-request
// result with 32 output tokens is 96 MB instead of 159 MB this way, reads and parses faster, and
// still diffs and greps by request. Values serialize exactly as JSON.stringify does them.
import { isAscii } from 'node:buffer';

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
// is the list's end and nothing else). Undefined for anything else. Offsets are bytes: every byte
// looked for is ASCII, and no byte of a multi-byte UTF-8 character is, so none is found inside one.
function listEnd(bytes: Buffer, at: number, indent: string): number | undefined {
  if (bytes[at] !== OPEN) return undefined;
  if (bytes[at + 1] === CLOSE) return at + 2;
  if (bytes[at + 1] === NEWLINE) {
    const close = bytes.indexOf(`\n${indent}]`, at);
    return close < 0 ? undefined : close + indent.length + 2;
  }
  const line = bytes.indexOf(NEWLINE, at);
  if (line < 0) return undefined;
  return bytes[line - 1] === COMMA ? line - 1 : line;
}
const [OPEN, CLOSE, NEWLINE, COMMA] = ['[', ']', '\n', ','].map((c) => c.charCodeAt(0)) as [number, number, number, number];

/** The text of bytes[from, to), which start and end on ASCII characters. A file that is all ASCII (as results nearly always are) is read as Latin-1, several times faster than UTF-8 and the same text. */
function decoder(bytes: Buffer): (from: number, to: number) => string {
  const encoding = isAscii(bytes) ? 'latin1' : 'utf8';
  return (from, to) => bytes.toString(encoding, from, to);
}

/** A result file's text, decoded the fastest correct way (see decoder). */
export function resultFileText(bytes: Buffer): string {
  return decoder(bytes)(0, bytes.length);
}

/**
 * The text of a run or sweep file in resultText's layout (or JSON.stringify's two-space one) with
 * the named list fields of each run cut out, for readers that never use them (report, history and
 * compare do not read vLLM's lists, which are a third of a detailed result). The cut is made on the
 * bytes, so what is cut is never decoded. Undefined when nothing was cut: a file in any other
 * layout, with one of those fields in an unexpected shape, or without them.
 */
export function withoutRunLists(bytes: Buffer, keys: readonly string[]): string | undefined {
  const head = bytes.toString('utf8', 0, 256);
  if (!head.startsWith('{\n  "schema_version": ') || keys.length === 0) return undefined;
  const kind = /\n {2}"kind": "(\w+)"/.exec(head)?.[1];
  // A run's own fields are at indent 2; a sweep's runs are the items of its top-level "runs" list
  // (fields at indent 6), and nothing outside that list is touched.
  let indent = '  ';
  let region = { from: 0, to: bytes.length };
  if (kind === 'sweep' || kind === 'repeat') {
    const runs = bytes.indexOf('\n  "runs": [\n');
    const close = runs < 0 ? -1 : bytes.indexOf('\n  ]', runs);
    if (close < 0) return undefined;
    indent = '      ';
    region = { from: runs, to: close };
  } else if (kind !== 'run') return undefined;
  // Each field of a run starts a line at the run's indentation: `\n<indent>"name": `. Lines inside
  // its values are indented deeper (or hold a whole record), so this finds fields and nothing else.
  const opener = `\n${indent}"`;
  const kept: Array<[number, number]> = [];
  let from = 0;
  for (let at = bytes.indexOf(opener, region.from); at >= 0 && at < region.to; at = bytes.indexOf(opener, at + 1)) {
    const nameEnd = bytes.indexOf('": ', at + opener.length);
    if (nameEnd < 0 || !keys.includes(bytes.toString('utf8', at + opener.length, nameEnd))) continue;
    const end = listEnd(bytes, nameEnd + 3, indent);
    if (end === undefined || bytes[at - 1] !== COMMA) return undefined; // a cut field is never a run's first
    kept.push([from, at - 1]);
    from = end;
    at = end - 1;
  }
  if (kept.length === 0) return undefined;
  kept.push([from, bytes.length]);
  const text = decoder(bytes);
  return kept.map(([a, b]) => text(a, b)).join('');
}
