// The control API over the REAL core on the test cluster (tc-ssh, simulator as the server):
// POST service -> READY -> models -> POST benchmark (6 s) -> done, result file listed -> a duplicate
// name is a 409 -> DELETE answers 202 STOPPING at once -> polled until STOPPED, job gone -> models 409.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listResults } from '../../src/bench/results/results-store.js';
import { onServiceCluster, startService } from '../../src/service/index.js';
import { FAST_SIM, inSqueue, readyService, startRealApi, stoppedService, type ApiHarness } from './api-helpers.js';
import { poll } from '../helpers/poll.js';

let api: ApiHarness;

beforeAll(async () => {
  api = await startRealApi();
});
afterAll(() => api?.stop());

describe('control API on tc-ssh', () => {
  it('service -> READY -> benchmark duration_seconds 10 -> result -> DELETE service', async () => {
    const name = `it-api-${Date.now().toString(36)}`;
    const svc = await readyService(api, name);
    expect(await inSqueue(svc.job_id)).toBe(true);

    const models = await api.call('GET', `/api/services/${name}/models`);
    expect(models).toMatchObject({ status: 200, body: { models: ['facebook/opt-125m'], stale: false } });

    const posted = await api.call('POST', '/api/benchmarks', { service_id: name, concurrency: 4, input_len: 32, output_len: 8, duration_seconds: 10 });
    expect(posted.status).toBe(202);
    expect(posted.body).toMatchObject({ id: expect.stringMatching(/^bm-/), status: 'queued', tier: 'background' });
    const id = posted.body.id as string;

    // Progress travels a note written once a second, read over SSH once a second: 10 s of
    // measuring leave room to see it on a busy machine.
    let sawProgress = false;
    const done = await poll('benchmark done', async () => {
      const got = await api.call('GET', `/api/benchmarks/${id}`);
      if (got.body.status === 'running' && got.body.progress?.completed > 0) sawProgress = true;
      if (got.body.status === 'failed' || got.body.status === 'cancelled') throw new Error(JSON.stringify(got.body));
      return got.body.status === 'done' ? got.body : undefined;
    }, 60_000);
    expect(sawProgress).toBe(true);
    expect(done.request.duration_seconds).toBe(10);
    expect(done.result.duration_s).toBeGreaterThan(9);
    expect(done.result.duration_s).toBeLessThan(13);
    expect(done.result.completed).toBeGreaterThan(0);
    expect(done.result.config.stop.duration_s).toBe(10);
    expect(done.result.config.load).toEqual({ kind: 'concurrency', concurrency: 4 });
    expect(done.result.provenance).toMatchObject({ cluster: 'tc-ssh', job_id: svc.job_id, service_id: name });
    // The API benchmarks a service from inside the cluster by default, as bench run --service does.
    expect(done.result.client).toMatchObject({ placement: 'cluster', slurm: { placement: 'service-allocation', job_id: svc.job_id } });
    expect(existsSync(done.result_path)).toBe(true);
    expect((await listResults(api.resultsDir)).map((r) => [r.id, r.path, r.service_id])).toContainEqual([id, done.result_path, name]);
    const listed = await api.call('GET', '/api/benchmarks');
    expect(listed.body.map((b: { id: string }) => b.id)).toContain(id);

    // A second service under a name in use: 409 (the name is valid; the state forbids it), nothing submitted.
    const duplicate = await api.call('POST', '/api/services', { model: 'facebook/opt-125m', name, cluster: 'tc-ssh', vllm_args: FAST_SIM });
    expect(duplicate).toMatchObject({ status: 409, body: { error: expect.stringContaining(`Service ${name} already exists`), code: 'E_CONFLICT' } });
    expect((await api.call('GET', `/api/services/${name}`)).body).toMatchObject({ status: 'READY', job_id: svc.job_id });

    // DELETE answers at once (202, STOPPING); the client polls the service until STOPPED.
    const deleted = await api.call('DELETE', `/api/services/${name}`);
    expect(deleted).toMatchObject({ status: 202, body: { id: name, status: 'STOPPING', job_id: svc.job_id } });
    expect((await api.call('DELETE', `/api/services/${name}`))).toMatchObject({ status: 202, body: { status: 'STOPPING' } }); // once is enough
    await stoppedService(api, name);
    expect(await inSqueue(svc.job_id)).toBe(false);
    expect(await api.call('DELETE', `/api/services/${name}`)).toMatchObject({ status: 200, body: { id: name, status: 'STOPPED' } });
    expect(await api.call('GET', `/api/services/${name}/models`)).toMatchObject({ status: 409, body: { error: `service ${name} is STOPPED: it serves no models`, code: 'E_CONFLICT' } });
    expect((await api.call('POST', '/api/benchmarks', { service_id: name, input_len: 1, output_len: 1, duration_seconds: 1 })).status).toBe(409);
    expect((await api.call('DELETE', '/api/services/it-api-nosuch')).status).toBe(404);
    expect((await api.call('GET', '/api/services/it-api-nosuch')).status).toBe(404);
  }, 240_000);

  it('resume() watches a service another process left starting (--no-wait) until READY; DELETE stops it', async () => {
    const name = `it-api-resume-${Date.now().toString(36)}`;
    const record = await onServiceCluster(api.config, 'tc-ssh', (target) =>
      startService(target, { model: 'facebook/opt-125m', id: name, vllmArgs: FAST_SIM, wait: false }, { store: api.store }));
    api.jobIds.add(record.job_id);
    expect(record.status).toBe('PENDING');
    await api.core.resume?.();
    expect(api.log).toContainEqual(['watching a starting service', { id: name, job_id: record.job_id }]);
    const ready = await poll('READY', async () => {
      const current = (await api.store.read())[name];
      return current?.status === 'READY' ? current : undefined;
    }, 90_000);
    expect(ready.endpoint?.job_id).toBe(record.job_id);
    const deleted = await api.call('DELETE', `/api/services/${name}`);
    expect(deleted).toMatchObject({ status: 202, body: { id: name, status: 'STOPPING' } });
    await stoppedService(api, name);
    expect(await inSqueue(record.job_id)).toBe(false);
  }, 240_000);
});
