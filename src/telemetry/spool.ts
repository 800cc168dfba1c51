// A bounded on-disk spool of JSON records: append-only JSONL segments named by a sequence number,
// drained oldest first. A restart starts a new segment (never appends to an old one), so a crash
// mid-write can only tear the last line of a segment, and unparseable lines are skipped on read.
// Over the size cap the oldest segment is dropped, and its records are counted as dropped.
import { mkdir, open, readFile, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT = /^(\d{12})\.jsonl$/;

export interface SpoolOptions {
  dir: string;
  /** Cap on the bytes of all segments; the oldest are dropped beyond it. */
  maxBytes: number;
  /** A segment is sealed once it reaches this size (default: maxBytes / 8, at most 4 MiB). */
  segmentBytes?: number;
}

export interface SpoolSegment<T> {
  name: string;
  records: T[];
  /** Lines that could not be parsed (a torn write) and were skipped. */
  skipped: number;
}

export interface Spool<T> {
  /** Append records (one line each) to the open segment; returns how many older records were dropped. */
  append(records: readonly T[]): Promise<number>;
  /** The oldest segment's records (sealing it if it is the one being written), or undefined when empty. */
  oldest(): Promise<SpoolSegment<T> | undefined>;
  /** Forget a segment once its records were delivered. */
  remove(name: string): Promise<void>;
  readonly bytes: number;
  readonly dropped: number;
  readonly empty: boolean;
}

/** Parse JSONL text, skipping empty and unparseable lines (a torn last write). */
export function parseJsonl<T>(text: string): { records: T[]; skipped: number } {
  const records: T[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      skipped += 1;
    }
  }
  return { records, skipped };
}

/** Open (or create) the spool in dir, picking up segments a previous run left. */
export async function openSpool<T>(options: SpoolOptions): Promise<Spool<T>> {
  if (!(options.maxBytes > 0)) throw new RangeError(`Expected spool maxBytes > 0, got ${options.maxBytes}`);
  const segmentBytes = options.segmentBytes ?? Math.max(1, Math.min(4 * 1024 * 1024, Math.floor(options.maxBytes / 8)));
  await mkdir(options.dir, { recursive: true });
  const sizes = new Map<string, number>();
  for (const name of (await readdir(options.dir)).filter((n) => SEGMENT.test(n)).sort()) {
    sizes.set(name, (await stat(join(options.dir, name))).size);
  }
  let seq = Math.max(0, ...[...sizes.keys()].map((n) => Number(SEGMENT.exec(n)![1])));
  let current: string | undefined; // the segment being appended to; never one from a previous run
  let bytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  let dropped = 0;

  const dropOldest = async (): Promise<number> => {
    const [name] = sizes.keys();
    if (name === undefined) return 0;
    const text = await readFile(join(options.dir, name), 'utf8').catch(() => '');
    await unlink(join(options.dir, name)).catch(() => undefined);
    bytes -= sizes.get(name) ?? 0;
    sizes.delete(name);
    if (current === name) current = undefined;
    return parseJsonl(text).records.length;
  };

  return {
    async append(records) {
      if (records.length === 0) return 0;
      const data = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
      if (current === undefined || (sizes.get(current) ?? 0) + data.length > segmentBytes) {
        seq += 1;
        current = `${String(seq).padStart(12, '0')}.jsonl`;
        sizes.set(current, 0);
      }
      // One write of whole lines, then datasync: a crash leaves at most one torn line at the end.
      const handle = await open(join(options.dir, current), 'a');
      try {
        await handle.write(data);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      sizes.set(current, (sizes.get(current) ?? 0) + data.length);
      bytes += data.length;
      let lost = 0;
      while (bytes > options.maxBytes && sizes.size > 0) lost += await dropOldest();
      dropped += lost;
      return lost;
    },
    async oldest() {
      for (;;) {
        const [name] = sizes.keys();
        if (name === undefined) return undefined;
        if (name === current) current = undefined; // seal it: new appends go to a new segment
        const text = await readFile(join(options.dir, name), 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
        if (text === undefined) {
          bytes -= sizes.get(name) ?? 0;
          sizes.delete(name);
          continue;
        }
        return { name, ...parseJsonl<T>(text) };
      }
    },
    async remove(name) {
      if (!sizes.has(name)) return;
      await unlink(join(options.dir, name)).catch(() => undefined);
      bytes -= sizes.get(name) ?? 0;
      sizes.delete(name);
    },
    get bytes() {
      return bytes;
    },
    get dropped() {
      return dropped;
    },
    get empty() {
      return sizes.size === 0;
    },
  };
}
