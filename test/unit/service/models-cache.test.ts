// The models cache: TTL on a fake clock, one HTTP fetch per TTL, a second "process" served from
// disk, --refresh bypassing, an unreachable server answered with the last list marked stale.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedModels, ModelsCache } from '../../../src/service/models-cache.js';

function setup(ttlMs = 300_000) {
  const dir = mkdtempSync(join(tmpdir(), 'aibench-models-'));
  const clock = { now: 1_000_000 };
  const cache = (d = dir) => new ModelsCache({ ttlMs, dir: d, now: () => clock.now });
  let requests = 0;
  let up = true;
  const fetch = async () => {
    requests++;
    if (!up) throw new Error('ECONNREFUSED');
    return ['m1'];
  };
  return { dir, clock, cache, fetch, requests: () => requests, down: () => void (up = false) };
}

const key = { id: 's1', jobId: '10' };

describe('cachedModels', () => {
  it('fetches once per TTL; a second process (new cache, same dir) answers from disk with no request', async () => {
    const t = setup();
    const first = t.cache();
    expect(await cachedModels(first, key, t.fetch)).toMatchObject({ models: ['m1'], cached: false, source: 'server' });
    expect(await cachedModels(first, key, t.fetch)).toMatchObject({ cached: true, source: 'memory' });
    expect(await cachedModels(t.cache(), key, t.fetch)).toMatchObject({ cached: true, stale: false, source: 'disk' });
    expect(t.requests()).toBe(1);
    t.clock.now += 299_999;
    await cachedModels(t.cache(), key, t.fetch);
    expect(t.requests()).toBe(1);
    t.clock.now += 1; // exactly the TTL: expired
    expect(await cachedModels(first, key, t.fetch)).toMatchObject({ cached: false });
    expect(t.requests()).toBe(2);
  });

  it('--refresh always asks the server', async () => {
    const t = setup();
    const c = t.cache();
    await cachedModels(c, key, t.fetch);
    await cachedModels(c, key, t.fetch, { refresh: true });
    expect(t.requests()).toBe(2);
  });

  it('an unreachable server gives the last known list, stale; with nothing known it throws', async () => {
    const t = setup();
    await cachedModels(t.cache(), key, t.fetch);
    t.clock.now += 10 * 300_000;
    t.down();
    expect(await cachedModels(t.cache(), key, t.fetch)).toMatchObject({ models: ['m1'], stale: true, cached: true });
    await expect(cachedModels(t.cache(), { id: 's2', jobId: '1' }, t.fetch)).rejects.toThrow('ECONNREFUSED');
  });

  it('a reused service id with a new job never gets the old job list', async () => {
    const t = setup();
    await cachedModels(t.cache(), key, t.fetch);
    expect(await cachedModels(t.cache(), { id: 's1', jobId: '11' }, t.fetch)).toMatchObject({ cached: false, job_id: '11' });
    expect(t.requests()).toBe(2);
  });

  it('TTL 0 disables caching but keeps the stale fallback', async () => {
    const t = setup(0);
    const c = t.cache();
    await cachedModels(c, key, t.fetch);
    await cachedModels(c, key, t.fetch);
    expect(t.requests()).toBe(2);
  });
});
