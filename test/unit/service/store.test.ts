// The service store: concurrent writers under the lock lose nothing; unchanged content writes nothing.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/errors.js';
import type { ServiceRecord } from '../../../src/service/record.js';
import { ServiceStore } from '../../../src/service/store.js';

const record = (id: string): ServiceRecord => ({
  id, model: 'm', cluster: 'c', job_id: '1', status: 'PENDING', gpus: 0, vllm_args: [], created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-01-01T00:00:00.000Z',
});

const tempPath = () => join(mkdtempSync(join(tmpdir(), 'aibench-store-')), 'services', 'services.json');

describe('ServiceStore', () => {
  it('two concurrent writers (separate instances, like two CLI processes) both land every record', async () => {
    const path = tempPath();
    const a = new ServiceStore({ path });
    const b = new ServiceStore({ path });
    const writes = [];
    for (let i = 0; i < 15; i++) {
      writes.push(a.update((r) => void (r[`a${i}`] = record(`a${i}`))));
      writes.push(b.update((r) => void (r[`b${i}`] = record(`b${i}`))));
    }
    await Promise.all(writes);
    const all = await new ServiceStore({ path }).read();
    expect(Object.keys(all)).toHaveLength(30);
    expect(a.writes + b.writes).toBe(30);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('writes only when something changed, and atomically (temp + rename)', async () => {
    const path = tempPath();
    let count = 0;
    const store = new ServiceStore({ path, write: async (p, text) => { count++; await writeFileAtomic(p, text); } });
    await store.update((r) => void (r.x = record('x')));
    expect(count).toBe(1);
    await store.update((r) => void (r.x = record('x'))); // same content
    const jobId = record('x').job_id;
    await store.patch('x', jobId, { status: 'PENDING' }); // same status
    expect(count).toBe(1);
    const changed = await store.patch('x', jobId, { status: 'READY' }, () => new Date('2024-02-02T00:00:00Z'));
    expect(changed).toMatchObject({ status: 'READY', updated_at: '2024-02-02T00:00:00.000Z' });
    expect(count).toBe(2);
    expect(await store.patch('nope', jobId, { status: 'READY' })).toBeUndefined();
    // Another job under the same id, or a final record, is left as it is.
    expect(await store.patch('x', `${jobId}9`, { status: 'FAILED' })).toBeUndefined();
    await store.patch('x', jobId, { status: 'STOPPED' });
    expect(await store.patch('x', jobId, { status: 'READY' })).toBeUndefined();
    expect((await store.read()).x?.status).toBe('STOPPED');
    expect(count).toBe(3);
  });

  it('a throwing change writes nothing and releases the lock', async () => {
    const store = new ServiceStore({ path: tempPath() });
    await expect(store.update(() => { throw new Error('boom'); })).rejects.toThrow('boom');
    await store.update((r) => void (r.y = record('y')));
    expect(store.writes).toBe(1);
  });

  it('refuses a corrupt store file with a clear error', async () => {
    const path = tempPath();
    const store = new ServiceStore({ path });
    await store.update((r) => void (r.x = record('x')));
    await writeFileAtomic(path, JSON.stringify({ version: 1, services: { x: { id: 1 } } }));
    await expect(store.read()).rejects.toThrow(/not valid/);
  });

  it('a truncated store names the file, says what is wrong and hints to move it aside; nothing is overwritten', async () => {
    const path = tempPath();
    const store = new ServiceStore({ path });
    await store.update((r) => void (r.x = record('x')));
    const truncated = readFileSync(path, 'utf8').slice(0, 40);
    await writeFileAtomic(path, truncated);
    const error = await store.read().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    const err = error as ServiceError;
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/not valid JSON/);
    expect(err.hint).toMatch(/aside/);
    expect(err.hint).toMatch(/never overwrites/);
    await expect(store.update((r) => void (r.y = record('y')))).rejects.toBeInstanceOf(ServiceError);
    expect(readFileSync(path, 'utf8')).toBe(truncated);
  });
});
