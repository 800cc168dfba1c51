// A parser of the Prometheus text exposition format (0.0.4): samples with their labels, values
// (NaN and ±Inf included) and optional timestamps, plus each family's TYPE. Written here rather
// than taken from npm: the one maintained-looking package (parse-prometheus-text-format 1.1.1)
// drops _sum and _count of labelled histograms and merges label sets, which is exactly vLLM's
// shape (every series carries model_name and engine). A line it cannot read is skipped and
// reported with its number, so one odd line from a newer server never loses a whole scrape.

/** One sample line: `name{labels} value [timestamp_ms]`. */
interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface PromExposition {
  samples: PromSample[];
  /** Family name -> counter | gauge | histogram | summary | untyped, from `# TYPE` lines. */
  types: Map<string, string>;
  /** Lines that are not valid text format: 1-based line number and why. */
  errors: Array<{ line: number; message: string }>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parse a whole exposition; never throws (bad lines are listed in `errors`). */
export function parsePromText(text: string): PromExposition {
  const out: PromExposition = { samples: [], types: new Map(), errors: [] };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '').trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^#\s+TYPE\s+(\S+)\s+(\S+)\s*$/.exec(line);
      if (type !== null) out.types.set(type[1] as string, (type[2] as string).toLowerCase());
      continue; // HELP and plain comments carry nothing we use
    }
    try {
      out.samples.push(parseSampleLine(line));
    } catch (error) {
      out.errors.push({ line: i + 1, message: (error as Error).message });
    }
  }
  return out;
}

/** One sample line; throws a message naming what was expected. */
export function parseSampleLine(line: string): PromSample {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) throw new Error(`expected a metric name, got ${JSON.stringify(line.slice(0, 40))}`);
  let rest = line.slice(name.length).replace(/^[ \t]+(?=\{)/, '');
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest);
    labels = parsed.labels;
    rest = rest.slice(parsed.length);
  }
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') throw new Error(`expected "<value> [timestamp]" after ${name}, got ${JSON.stringify(rest.trim())}`);
  const value = parseValue(fields[0] as string);
  const sample: PromSample = { name, labels, value };
  if (fields[1] !== undefined) {
    const ts = Number(fields[1]);
    if (!Number.isInteger(ts)) throw new Error(`expected an integer timestamp in ms, got ${JSON.stringify(fields[1])}`);
    sample.timestampMs = ts;
  }
  return sample;
}

/** A sample value: a Go-style float, NaN, +Inf or -Inf. */
function parseValue(text: string): number {
  switch (text) {
    case 'NaN': return Number.NaN;
    case '+Inf': case 'Inf': return Number.POSITIVE_INFINITY;
    case '-Inf': return Number.NEGATIVE_INFINITY;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`expected a number, got ${JSON.stringify(text)}`);
  return Number(text);
}

// `{a="x",b="y\"z"}` -> labels and the characters consumed (a trailing comma is allowed).
function parseLabels(text: string): { labels: Record<string, string>; length: number } {
  const labels: Record<string, string> = {};
  let i = 1;
  const skipSpace = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skipSpace();
    if (text[i] === '}') return { labels, length: i + 1 };
    const label = LABEL_NAME.exec(text.slice(i))?.[0];
    if (label === undefined) throw new Error(`expected a label name at column ${i + 1}`);
    i += label.length;
    skipSpace();
    if (text[i] !== '=') throw new Error(`expected = after label ${label}`);
    i++;
    skipSpace();
    if (text[i] !== '"') throw new Error(`expected a quoted value for label ${label}`);
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`unterminated value of label ${label}`);
      i++;
      if (c === '"') break;
      if (c === '\\') {
        const next = text[i++];
        value += next === 'n' ? '\n' : next === '\\' ? '\\' : next === '"' ? '"' : `\\${next ?? ''}`;
      } else value += c;
    }
    labels[label] = value;
    skipSpace();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new Error(`expected , or } after label ${label}`);
  }
}
