// Random methods, paths, headers and bodies: the server answers every one, never with a 5xx
// carrying a stack, never with the token, and keeps serving afterwards.
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, startTestServer } from './helpers.js';

const methods = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD');
const segment = fc.oneof(
  fc.constantFrom('api', 'services', 'benchmarks', 'models', 'health', 'metrics', 'svc-1', '..', '%2F', '%', '%zz', '', '\u00e9'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const path = fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const benchLike = fc.record(
  {
    service_id: fc.oneof(fc.constant('svc-1'), fc.string()),
    concurrency: fc.oneof(fc.integer(), fc.double(), fc.string()),
    input_len: fc.oneof(fc.integer(), fc.constant(null)),
    output_len: fc.integer(),
    duration_seconds: fc.oneof(fc.double(), fc.integer(), fc.constant('300')),
    run_now: fc.oneof(fc.boolean(), jsonValue),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  jsonValue.map((v) => JSON.stringify(v)),
  benchLike.map((v) => JSON.stringify(v)),
);
const headers = fc.record(
  {
    authorization: fc.oneof(fc.constant(`Bearer ${TOKEN}`), fc.constant(`Bearer ${TOKEN}x`), fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))),
    'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', ''),
    origin: fc.constantFrom('https://grafana.example', 'https://evil.example', 'null'),
    'access-control-request-method': fc.constantFrom('POST', 'GET'),
  },
  { requiredKeys: [] },
);

describe('fuzz', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('never crashes, never leaks a stack or the token', async () => {
    await fc.assert(
      fc.asyncProperty(methods, path, headers, body, async (method, p, h, b) => {
        const cleanHeaders = Object.fromEntries(Object.entries(h).filter(([, v]) => v !== ''));
        const res = await request(`${server.url}${p}`, { method, headers: cleanHeaders, body: method === 'GET' || method === 'HEAD' ? undefined : b });
        const text = await res.body.text();
        expect(res.statusCode).toBeGreaterThanOrEqual(200);
        expect(res.statusCode).toBeLessThan(500);
        expect(text).not.toContain(TOKEN);
        expect(text).not.toMatch(/\n\s+at |\.ts:\d+|node:internal/);
      }),
      { numRuns: 400 },
    );
    const health = await request(`${server.url}/health`);
    expect(await health.body.json()).toEqual({ status: 'ok' });
  });
});
