// A server that answers 401/403 is up and refusing aibench's credentials: the wait says so at
// once (not "not ready after N s"), and `service models` says so too (not "unreachable", and not
// a stale list from the cache). The server is a small real HTTP server that refuses.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { fetchModelIds } from '../../../src/service/http.js';
import { ModelsCache } from '../../../src/service/models-cache.js';
import { serviceModels } from '../../../src/service/models.js';
import { type ServiceRecord } from '../../../src/service/record.js';
import { ServiceAuthError, ServiceError } from '../../../src/errors.js';
import { ServiceStore } from '../../../src/service/store.js';
import { waitServiceReady } from '../../../src/service/wait-ready.js';
import { fakeExecutor } from '../../helpers/fake-executor.js';

let server: Server;
let port = 0;
let modelsStatus = 401;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/health') return void res.end();
    res.writeHead(modelsStatus, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Unauthorized' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => void server.close());

const record = (over: Partial<ServiceRecord> = {}): ServiceRecord => ({
  id: 'opt-1', model: 'm', cluster: 'hpc', job_id: '4242', status: 'STARTING', gpus: 0, vllm_args: [],
  created_at: new Date().toISOString(), updated_at: new Date().toISOString(), ...over,
});

describe('a server that refuses the credentials', () => {
  it('service wait: fails at once as an authentication problem, naming the service and saying no key was sent', async () => {
    const ex = {
      ...fakeExecutor((argv) => (argv[0] === 'squeue' ? { stdout: '4242|RUNNING|None|127.0.0.1|0:05|aibench-svc-opt-1\n' } : {})),
      readFile: async () => JSON.stringify({ host: '127.0.0.1', port, job_id: '4242', started_at: '2026-01-01T00:00:00Z' }),
    };
    const error = await waitServiceReady(ex, '/state', record(), { timeoutMs: 8000, expectModels: ['m'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('E_SERVICE_AUTH');
    expect((error as Error).message).toBe('Service opt-1 is up but refuses aibench: GET /v1/models answered 401 Unauthorized: the server wants an API key and aibench sent none');
    expect((error as ServiceError).hint).toContain('--api-key-file');
  });

  it.each([[401, 'the server refused the API key aibench sent'], [403, 'the server refused the API key aibench sent']])('fetchModelIds with a key: %i is a ServiceAuthError', async (status, text) => {
    modelsStatus = status;
    const error = await fetchModelIds(`http://127.0.0.1:${port}`, { apiKey: 'wrong' }).catch((e: unknown) => e);
    modelsStatus = 401;
    expect(error).toBeInstanceOf(ServiceAuthError);
    expect((error as Error).message).toContain(text);
    expect((error as Error).message).not.toContain('wrong');
  });

  it('service models: an authentication error, not "unreachable", and never the stale cached list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibench-auth-'));
    const store = new ServiceStore({ path: join(dir, 'services.json') });
    await store.update((records) => void (records['opt-1'] = record({ status: 'READY' })));
    const cache = new ModelsCache({ ttlMs: 1, dir: join(dir, 'models') });
    await cache.save({ service_id: 'opt-1', job_id: '4242', fetched_at_ms: 0, models: ['old'] });
    const config = parseConfigText('clusters:\n  hpc:\n    executor: local\n', 't');
    const error = await serviceModels(config, 'opt-1', { store, cache, fetchModels: () => fetchModelIds(`http://127.0.0.1:${port}`) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('E_SERVICE_AUTH');
    expect((error as Error).message).toBe('Service opt-1 refuses aibench: GET /v1/models answered 401 Unauthorized: the server wants an API key and aibench sent none');
  });
});
