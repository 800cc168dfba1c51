// GET /api/models: the route over real HTTP (query checked, auth required), and the catalogue
// cache: a second ask within the TTL is answered from memory; a cluster that cannot be read
// answers its configured fallback list, marked, and is asked again next time.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCatalogues } from '../../../src/api/model-catalogue.js';
import { parseConfigText } from '../../../src/config/load.js';
import { SshError } from '../../../src/errors.js';
import { auth, startTestServer } from './helpers.js';

describe('GET /api/models', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers the catalogue of the named (or default) cluster', async () => {
    const res = await request(`${server.url}/api/models?cluster=hpc`, { headers: auth });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ cluster: 'hpc', source: 'hf-cache', models: [{ id: 'org/m' }] });
    expect(server.core.calls).toContain('models hpc');
    await (await request(`${server.url}/api/models`, { headers: auth })).body.json();
    expect(server.core.calls).toContain('models (default)');
  });

  it('refuses a cluster name that cannot be one (400) and a caller without the token (401)', async () => {
    const bad = await request(`${server.url}/api/models?cluster=${encodeURIComponent('../x')}`, { headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(await bad.body.json()).toMatchObject({ issues: [{ path: 'cluster' }] });
    const anon = await request(`${server.url}/api/models`);
    expect(anon.statusCode).toBe(401);
    await anon.body.dump();
  });
});

describe('ModelCatalogues', () => {
  const config = parseConfigText('models_cache_ttl_s: 300\nclusters:\n  hpc:\n    executor: local\n    models_fallback: [meta-llama/Llama-3.1-8B-Instruct]\n', 't');

  it('caches a read for the TTL', async () => {
    let reads = 0;
    const catalogues = new ModelCatalogues(config, async () => {
      reads++;
      return { hub_cache: '/h', models: [{ id: 'a/b', revisions: [], size_bytes: 1, complete: true, missing: [] }] };
    });
    expect(await catalogues.get('hpc')).toMatchObject({ source: 'hf-cache', cached: false, models: [{ id: 'a/b' }] });
    expect(await catalogues.get('hpc')).toMatchObject({ source: 'hf-cache', cached: true });
    expect(reads).toBe(1);
  });

  it('answers the fallback list, marked, when the cluster cannot be read, and does not cache it', async () => {
    let reads = 0;
    const catalogues = new ModelCatalogues(config, async () => {
      reads++;
      throw new SshError('connect ECONNREFUSED login1:22');
    });
    expect(await catalogues.get('hpc')).toMatchObject({ source: 'fallback', models: [{ id: 'meta-llama/Llama-3.1-8B-Instruct' }], error: expect.stringContaining('ECONNREFUSED') });
    await catalogues.get('hpc');
    expect(reads).toBe(2);
  });

  it('an unknown cluster is a usage error', async () => {
    await expect(new ModelCatalogues(config).get('nope')).rejects.toMatchObject({ exitCode: 2 });
  });
});
