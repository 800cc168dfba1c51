// The disk spool: ordered drain, size cap with oldest dropped and counted, torn lines, restarts.
import { appendFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSpool, parseJsonl, type Spool } from '../../../src/telemetry/spool.js';

const tmp = () => mkdtemp(join(tmpdir(), 'aibench-spool-'));

async function drainAll(spool: Spool<{ i: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let seg = await spool.oldest(); seg; seg = await spool.oldest()) {
    out.push(...seg.records.map((r) => r.i));
    await spool.remove(seg.name);
  }
  return out;
}

describe('spool', () => {
  it('drains in append order across segments and ends empty', async () => {
    const spool = await openSpool<{ i: number }>({ dir: await tmp(), maxBytes: 10_000, segmentBytes: 50 });
    for (let i = 0; i < 20; i++) await spool.append([{ i }]);
    expect(await drainAll(spool)).toEqual([...Array(20).keys()]);
    expect(spool.empty).toBe(true);
    expect(spool.bytes).toBe(0);
  });

  it('stays under the cap by dropping the oldest records and counting them', async () => {
    const spool = await openSpool<{ i: number }>({ dir: await tmp(), maxBytes: 100, segmentBytes: 30 });
    let dropped = 0;
    for (let i = 0; i < 50; i++) {
      dropped += await spool.append([{ i }]);
      expect(spool.bytes).toBeLessThanOrEqual(100);
    }
    const left = await drainAll(spool);
    expect(dropped).toBe(spool.dropped);
    expect(left.length + dropped).toBe(50);
    expect(left).toEqual([...Array(left.length).keys()].map((k) => 50 - left.length + k)); // the newest survive, in order
  });

  it('survives a restart and skips a torn last line', async () => {
    const dir = await tmp();
    const first = await openSpool<{ i: number }>({ dir, maxBytes: 10_000 });
    await first.append([{ i: 1 }, { i: 2 }]);
    const [segment] = (await readdir(dir)).sort();
    await appendFile(join(dir, segment!), '{"i":3,"p":[[');
    const second = await openSpool<{ i: number }>({ dir, maxBytes: 10_000 });
    await second.append([{ i: 4 }]); // a new segment, never appended to the torn one
    expect((await readdir(dir)).length).toBe(2);
    const seg = await second.oldest();
    expect(seg).toMatchObject({ records: [{ i: 1 }, { i: 2 }], skipped: 1 });
    await second.remove(seg!.name);
    expect(await drainAll(second)).toEqual([4]);
  });

  it('appends during a drain go to a new segment (the one being read is sealed)', async () => {
    const spool = await openSpool<{ i: number }>({ dir: await tmp(), maxBytes: 10_000 });
    await spool.append([{ i: 1 }]);
    const seg = await spool.oldest();
    await spool.append([{ i: 2 }]);
    await spool.remove(seg!.name);
    expect(await drainAll(spool)).toEqual([2]);
  });

  it('parseJsonl skips garbage lines', () => {
    expect(parseJsonl('{"a":1}\n\n{bad\n{"a":2}\n{"a"')).toEqual({ records: [{ a: 1 }, { a: 2 }], skipped: 2 });
  });
});
