// safetensors headers parsed from small files made here (real bytes: length, JSON, data), and
// read over a real executor from a fake hub cache without reading the weights.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../../src/exec/local-executor.js';
import { readSafetensorsHeaders } from '../../../src/models/hub-remote.js';
import { headerLength, mainDtype, mergeSummaries, parseSafetensorsPrefix } from '../../../src/models/safetensors.js';
import { safetensorsBytes, tinyShards, TINY_PARAMETERS } from '../../helpers/hf-cache.js';

describe('safetensors headers', () => {
  it('counts parameters and bytes per dtype from the header alone', () => {
    const bytes = safetensorsBytes({ a: { dtype: 'BF16', shape: [4, 8] }, b: { dtype: 'F32', shape: [3] }, c: { dtype: 'I8', shape: [2, 2, 2] } });
    const s = parseSafetensorsPrefix(bytes);
    expect(s).toEqual({ tensors: 3, parameters: 32 + 3 + 8, bytes: 64 + 12 + 8, bytesByDtype: { BF16: 64, F32: 12, I8: 8 } });
    expect(mainDtype(s)).toBe('BF16');
  });

  it('needs only the first 8 + N bytes (the data can be absent)', () => {
    const bytes = safetensorsBytes({ w: { dtype: 'F16', shape: [1000, 1000] } });
    const n = Number(bytes.readBigUInt64LE(0));
    expect(parseSafetensorsPrefix(bytes.subarray(0, 8 + n)).parameters).toBe(1_000_000);
  });

  it('refuses a truncated header, an absurd length and a header that is not a tensor map', () => {
    const bytes = safetensorsBytes({ w: { dtype: 'F16', shape: [2] } });
    expect(() => parseSafetensorsPrefix(bytes.subarray(0, 12))).toThrow(/header bytes/);
    const huge = Buffer.alloc(8);
    huge.writeBigUInt64LE(2n ** 40n);
    expect(headerLength(huge)).toBeUndefined();
    const bad = Buffer.concat([Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('[1,2]')]);
    expect(() => parseSafetensorsPrefix(bad)).toThrow(/JSON object/);
    const wrong = Buffer.from('{"w":{"dtype":"F16","shape":[2]}}');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(wrong.length));
    expect(() => parseSafetensorsPrefix(Buffer.concat([len, wrong]))).toThrow(/tensor "w"/);
  });

  it('reads the headers of files on a cluster through the executor, one answer per file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-st-'));
    const [a, b] = tinyShards();
    writeFileSync(join(dir, 'a.safetensors'), safetensorsBytes(a));
    writeFileSync(join(dir, 'b.safetensors'), safetensorsBytes(b));
    writeFileSync(join(dir, 'junk.safetensors'), 'not a safetensors file at all');
    const got = await readSafetensorsHeaders(new LocalExecutor(), ['a', 'b', 'junk', 'missing'].map((f) => join(dir, `${f}.safetensors`)));
    const [sa, sb, junk, missing] = [...got.values()];
    expect(sa).not.toBeInstanceOf(Error);
    expect(mergeSummaries([sa, sb] as never).parameters).toBe(TINY_PARAMETERS);
    expect(junk).toBeInstanceOf(Error);
    expect(missing).toBeInstanceOf(Error);
  });
});
