// Reading dataset files that may be larger than memory (a 1 GB trace or conversation file): lines
// with their numbers, and the elements of a top-level JSON array, both streamed from disk so only
// the current line or element is held. Errors name the file and what could not be read.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../../errors.js';

/** Open a file for streaming, refusing a missing or unreadable one up front with a clear message. */
function openStream(path: string, what: string) {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) => reject(new UsageError(`Cannot read ${what} ${path}: ${error.message}`, { cause: error })));
  });
  return { stream, opened };
}

/** Every line of a file with its 1-based number (the newline removed, a trailing \r too). */
export async function* fileLines(path: string, what: string): AsyncGenerator<{ line: string; n: number }> {
  const { stream, opened } = openStream(path, what);
  await opened;
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    for await (const line of rl) yield { line, n: ++n };
  } finally {
    rl.close();
    stream.destroy();
  }
}

/**
 * The text of each element of a top-level JSON array (`[{...}, {...}]`), streamed: a scanner tracks
 * strings, escapes and nesting, so an element is cut out without parsing the whole file.
 */
export async function* jsonArrayElements(path: string, what: string): AsyncGenerator<string> {
  const { stream, opened } = openStream(path, what);
  await opened;
  const scan = { depth: 0, inString: false, escaped: false, started: false, parts: [] as string[], from: -1 };
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const done: string[] = [];
      scanChunk(chunk, scan, done, path);
      yield* done;
    }
  } finally {
    stream.destroy();
  }
  if (!scan.started) throw new UsageError(`${path}: expected a JSON array of conversations, got ${scan.depth === 0 ? 'no [' : 'another shape'}`);
  if (scan.depth !== 0) throw new UsageError(`${path}: the JSON array is not closed (the file ends inside it)`);
}

interface ScanState {
  depth: number;
  inString: boolean;
  escaped: boolean;
  started: boolean;
  /** Pieces of the element being cut out (it may span chunks). */
  parts: string[];
  /** Where the element starts in the current chunk, or -1. */
  from: number;
}

// One chunk of the scan: depth 1 is inside the array; an element runs from its first character at
// depth 1 to the , or ] that ends it there.
function scanChunk(chunk: string, s: ScanState, out: string[], path: string): void {
  s.from = s.parts.length > 0 ? 0 : -1;
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk.charCodeAt(i);
    if (s.inString) {
      if (s.escaped) s.escaped = false;
      else if (c === 92) s.escaped = true;
      else if (c === 34) s.inString = false;
      continue;
    }
    if (c === 32 || c === 10 || c === 13 || c === 9) continue;
    if (!s.started) {
      if (c !== 91) throw new UsageError(`${path}: expected a JSON array of conversations (starting with [), got ${JSON.stringify(chunk.slice(i, i + 20))}`);
      s.started = true;
      s.depth = 1;
      continue;
    }
    if (s.depth === 1 && (c === 44 || c === 93)) {
      if (s.from >= 0) out.push(s.parts.join('') + chunk.slice(s.from, i));
      s.parts = [];
      s.from = -1;
      if (c === 93) s.depth = 0;
      continue;
    }
    if (s.depth === 0) throw new UsageError(`${path}: unexpected text after the JSON array: ${JSON.stringify(chunk.slice(i, i + 20))}`);
    if (s.depth === 1 && s.from < 0) s.from = i;
    if (c === 34) s.inString = true;
    else if (c === 123 || c === 91) s.depth++;
    else if (c === 125 || c === 93) s.depth--;
  }
  if (s.from >= 0) {
    s.parts.push(chunk.slice(s.from));
    s.from = -1;
  }
}

/** Keep a seeded, uniform sample of at most k items of a stream (reservoir sampling, Algorithm R). */
export function reservoir<T>(k: number, random: () => number): { offer(item: T): void; items(): T[]; seen(): number } {
  const kept: T[] = [];
  let seen = 0;
  return {
    offer(item) {
      seen++;
      if (kept.length < k) kept.push(item);
      else {
        const j = Math.floor(random() * seen);
        if (j < k) kept[j] = item;
      }
    },
    items: () => kept,
    seen: () => seen,
  };
}
