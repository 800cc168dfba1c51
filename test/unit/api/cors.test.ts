import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOrigin } from '../../../src/api/cors.js';
import { auth, startTestServer } from './helpers.js';

describe('CORS', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ corsOrigins: ['https://grafana.example/'] });
  });
  afterAll(() => server.close());

  it('gives an allowed origin its headers', async () => {
    const res = await request(`${server.url}/api/services`, { headers: { ...auth, origin: 'https://grafana.example' } });
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://grafana.example');
    expect(res.headers.vary).toBe('Origin');
  });

  it('gives another origin no CORS headers and a 403', async () => {
    const res = await request(`${server.url}/api/services`, { headers: { ...auth, origin: 'https://evil.example' } });
    await res.body.dump();
    expect(res.statusCode).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.vary).toBe('Origin');
  });

  it('answers a preflight from an allowed origin with 204 and the allowed methods and headers', async () => {
    const res = await request(`${server.url}/api/benchmarks`, {
      method: 'OPTIONS',
      headers: { origin: 'https://grafana.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    await res.body.dump();
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://grafana.example');
    expect(String(res.headers['access-control-allow-methods'])).toMatch(/POST/);
    expect(String(res.headers['access-control-allow-methods'])).toMatch(/DELETE/);
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');
    expect(res.headers['access-control-max-age']).toBe('600');
  });

  it('refuses a preflight from another origin', async () => {
    const res = await request(`${server.url}/api/benchmarks`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    await res.body.dump();
    expect(res.statusCode).toBe(403);
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('normalizes origins and refuses paths', () => {
    expect(normalizeOrigin('https://Grafana.Example:443/')).toBe('https://grafana.example');
    expect(() => normalizeOrigin('https://grafana.example/d/x')).toThrow(/without a path/);
    expect(() => normalizeOrigin('ftp://x')).toThrow(/scheme/);
    expect(() => normalizeOrigin('nope')).toThrow(/expected an origin/);
  });
});
