// Queue truth over real HTTP: POST /api/queue/{tier}/pause|resume (and the CLI's client for it),
// GET /api/queue, the wait histogram and paused gauge on /metrics. The core here is the fake one;
// the journal test covers that a pause survives a restart of the real core.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueCall } from '../../../src/api/queue-client.js';
import { UsageError } from '../../../src/errors.js';
import { auth, startTestServer, tokenFile } from './helpers.js';

describe('the queue routes', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('pauses and resumes a tier by name in any case, and says the state', async () => {
    const res = await request(`${server.url}/api/queue/BACKGROUND/pause`, { method: 'POST', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ paused: ['background'] });
    const state = await (await request(`${server.url}/api/queue`, { headers: auth })).body.json();
    expect(state).toMatchObject({ paused: ['background'], depth: { background: 0 } });
    await (await request(`${server.url}/api/queue/background/resume`, { method: 'POST', headers: auth })).body.dump();
    expect(server.core.calls.slice(-2)).toEqual(['pause background', 'resume background']);
  });

  it('refuses an unknown tier (400 naming the valid ones) and a request without the token (401)', async () => {
    const bad = await request(`${server.url}/api/queue/nightly/pause`, { method: 'POST', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(((await bad.body.json()) as { error: string }).error).toMatch(/expected one of immediate, interactive, preload, background, got "nightly"/);
    const anon = await request(`${server.url}/api/queue/background/pause`, { method: 'POST' });
    expect(anon.statusCode).toBe(401);
    await anon.body.dump();
  });

  it('/metrics has a wait histogram and a paused gauge per tier', async () => {
    await (await request(`${server.url}/api/queue/preload/pause`, { method: 'POST', headers: auth })).body.dump();
    const text = await (await request(`${server.url}/metrics`)).body.text();
    expect(text).toContain('aibench_api_queue_paused{tier="preload"} 1');
    expect(text).toContain('aibench_api_queue_paused{tier="background"} 0');
    expect(text).toMatch(/aibench_api_queue_wait_seconds_bucket\{le="60",tier="background"\} 0/);
  });

  it('the CLI client pauses through the API, and carries a refusal as exit 2', async () => {
    const token = tokenFile();
    const state = await queueCall({ url: server.url, tokenFile: token }, 'pause', 'Interactive');
    expect(state.paused).toContain('interactive');
    await expect(queueCall({ url: server.url, tokenFile: token }, 'pause', 'nope')).rejects.toBeInstanceOf(UsageError);
    await expect(queueCall({ url: server.url }, 'status')).rejects.toThrow(/answered 401/);
  });
});
