// A bounded on-disk spool of JSON records: append-only JSONL segments named by a sequence number,
// drained oldest first. A restart starts a new segment (never appends to an old one), so a crash
// mid-write can only tear the last line of a segment, and unparseable lines are skipped on read.
// Over the size cap the oldest segment is dropped, and its records are counted as dropped.
import { mkdir, open, readFile, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT = /^(\d{12})\.jsonl$/;

interface SpoolOptions {
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
  await mkdir(options.dir, { recursive: true });
  const sizes = new Map<string, number>();
  for (const name of (await readdir(options.dir)).filter((n) => SEGMENT.test(n)).sort()) {
    sizes.set(name, (await stat(join(options.dir, name))).size);
  }
  return new DiskSpool<T>(options, sizes);
}

// The segments on disk (name -> bytes, oldest first) and the one being appended to.
class DiskSpool<T> implements Spool<T> {
  private readonly segmentBytes: number;
  private seq: number;
  private current: string | undefined; // the segment being appended to; never one from a previous run
  private total: number;
  private lost = 0;

  constructor(
    private readonly options: SpoolOptions,
    private readonly sizes: Map<string, number>,
  ) {
    this.segmentBytes = options.segmentBytes ?? Math.max(1, Math.min(4 * 1024 * 1024, Math.floor(options.maxBytes / 8)));
    this.seq = Math.max(0, ...[...sizes.keys()].map((n) => Number(SEGMENT.exec(n)![1])));
    this.total = [...sizes.values()].reduce((a, b) => a + b, 0);
  }

  get bytes(): number {
    return this.total;
  }

  get dropped(): number {
    return this.lost;
  }

  get empty(): boolean {
    return this.sizes.size === 0;
  }

  async append(records: readonly T[]): Promise<number> {
    if (records.length === 0) return 0;
    const data = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
    if (this.current === undefined || (this.sizes.get(this.current) ?? 0) + data.length > this.segmentBytes) {
      this.seq += 1;
      this.current = `${String(this.seq).padStart(12, '0')}.jsonl`;
      this.sizes.set(this.current, 0);
    }
    // One write of whole lines, then datasync: a crash leaves at most one torn line at the end.
    const handle = await open(this.path(this.current), 'a');
    try {
      await handle.write(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    this.grow(this.current, data.length);
    let lost = 0;
    while (this.total > this.options.maxBytes && this.sizes.size > 0) lost += await this.dropOldest();
    this.lost += lost;
    return lost;
  }

  async oldest(): Promise<SpoolSegment<T> | undefined> {
    for (;;) {
      const [name] = this.sizes.keys();
      if (name === undefined) return undefined;
      if (name === this.current) this.current = undefined; // seal it: new appends go to a new segment
      const text = await readFile(this.path(name), 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
      if (text === undefined) {
        this.forget(name);
        continue;
      }
      return { name, ...parseJsonl<T>(text) };
    }
  }

  async remove(name: string): Promise<void> {
    if (!this.sizes.has(name)) return;
    await unlink(this.path(name)).catch(() => undefined);
    this.forget(name);
  }

  // Delete the oldest segment; returns how many records it held.
  private async dropOldest(): Promise<number> {
    const [name] = this.sizes.keys();
    if (name === undefined) return 0;
    const text = await readFile(this.path(name), 'utf8').catch(() => '');
    await unlink(this.path(name)).catch(() => undefined);
    this.forget(name);
    if (this.current === name) this.current = undefined;
    return parseJsonl(text).records.length;
  }

  private grow(name: string, by: number): void {
    this.sizes.set(name, (this.sizes.get(name) ?? 0) + by);
    this.total += by;
  }

  private forget(name: string): void {
    this.total -= this.sizes.get(name) ?? 0;
    this.sizes.delete(name);
  }

  private path(name: string): string {
    return join(this.options.dir, name);
  }
}
