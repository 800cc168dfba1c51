import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestServer } from './helpers.js';

describe('/metrics', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('exposes queue depth per tier, requests by route and status, and durations', async () => {
    server.core.depth = { immediate: 1, interactive: 2, preload: 0, background: 5 };
    await (await request(`${server.url}/api/services`, { headers: auth })).body.dump();
    await (await request(`${server.url}/api/services`)).body.dump();
    await (await request(`${server.url}/api/benchmarks/zzz`, { headers: auth })).body.dump();
    const res = await request(`${server.url}/metrics`);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = await res.body.text();
    for (const [tier, n] of Object.entries(server.core.depth)) expect(text).toContain(`aibench_api_queue_depth{tier="${tier}"} ${n}`);
    expect(text).toContain('aibench_api_http_requests_total{method="GET",route="/api/services",status="200"} 1');
    expect(text).toContain('aibench_api_http_requests_total{method="GET",route="unmatched",status="401"} 1');
    expect(text).toContain('aibench_api_http_requests_total{method="GET",route="/api/benchmarks/:id",status="404"} 1');
    expect(text).toMatch(/aibench_api_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/services"\}/);
  });

  it('writes one JSON log line per request with --json-logs, without headers or the token', async () => {
    const logged = await startTestServer({ jsonLogs: true });
    try {
      await (await request(`${logged.url}/api/services?token=${'q'}`, { headers: auth })).body.dump();
      const lines = logged.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
      const req = lines.find((l) => l.msg === 'request');
      expect(req).toMatchObject({ level: 'info', method: 'GET', route: '/api/services', path: '/api/services', status: 200 });
      expect(logged.logs.join('')).not.toContain(auth.authorization.slice(7));
      expect(logged.logs.join('').toLowerCase()).not.toContain('authorization');
    } finally {
      await logged.close();
    }
  });
});
