import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListen } from '../../../src/api/listen.js';
import { auth, jsonAuth, rawExchange, startTestServer } from './helpers.js';

const good = { service_id: 'svc-1', concurrency: 4, input_len: 128, output_len: 64, duration_seconds: 300 };

describe('validation over HTTP', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const post = async (path: string, body: string, headers: Record<string, string> = jsonAuth) => {
    const res = await request(`${server.url}${path}`, { method: 'POST', headers, body });
    return { status: res.statusCode, body: (await res.body.json()) as { error: string; issues?: Array<{ path: string; message: string }>; id?: string } };
  };
  beforeAll(async () => {
    server = await startTestServer({ bodyLimit: 64 * 1024 });
  });
  afterAll(() => server.close());

  it('accepts a good benchmark with 202 and an id', async () => {
    const res = await post('/api/benchmarks', JSON.stringify(good));
    expect(res.status).toBe(202);
    expect(res.body.id).toMatch(/^b\d+$/);
    const got = await request(`${server.url}/api/benchmarks/${res.body.id}`, { headers: auth });
    expect(((await got.body.json()) as { request: { duration_seconds: number } }).request.duration_seconds).toBe(300);
  });

  it.each([
    [{ ...good, duration_seconds: -1 }, 'duration_seconds', /> 0/],
    [{ ...good, duration_seconds: '300' }, 'duration_seconds', /expected number/],
    [{ ...good, concurrency: 1.5 }, 'concurrency', /integer/],
    [{ ...good, concurrency: 0 }, 'concurrency', />= 1/],
    [{ ...good, rate: 0 }, 'rate', /> 0/],
    [{ ...good, input_len: undefined }, 'input_len', /expected number/],
    [{ ...good, service_id: '../etc' }, 'service_id', /letters, digits/],
    [{ ...good, run_now: 'yes' }, 'run_now', /expected boolean/],
    [{ ...good, duration_min: 5 }, 'duration_min', /unknown key/],
  ])('400 naming the field: %j', async (body, path, message) => {
    const res = await post('/api/benchmarks', JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid request body');
    const issue = res.body.issues?.find((i) => i.path === path);
    expect(issue, JSON.stringify(res.body.issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
  });

  it('400 for a service body with a bad nested field', async () => {
    const res = await post('/api/services', JSON.stringify({ model: 'm', vllm_args: ['--x', 3] }));
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ path: 'vllm_args[1]', message: expect.stringMatching(/expected string/) }]);
  });

  it('400 for a body that is not an object', async () => {
    const res = await post('/api/benchmarks', '[1,2]');
    expect(res.status).toBe(400);
    expect(res.body.issues?.[0]?.path).toBe('(root)');
  });

  it('400 for bad JSON and for an empty body', async () => {
    expect((await post('/api/benchmarks', '{"service_id": ')).status).toBe(400);
    expect((await post('/api/benchmarks', '{"service_id": ')).body.error).toMatch(/invalid JSON/);
    expect((await post('/api/benchmarks', '')).body.error).toMatch(/empty/);
  });

  it('415 for a body that is not declared JSON', async () => {
    const res = await post('/api/benchmarks', JSON.stringify(good), { ...auth, 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect((await post('/api/benchmarks', JSON.stringify(good), { ...auth, 'content-type': 'application/json; charset=utf-8' })).status).toBe(202);
  });

  it('413 for a streamed body over the limit', async () => {
    const big = JSON.stringify({ ...good, pad: 'x'.repeat(100 * 1024) });
    const res = await post('/api/benchmarks', big);
    expect(res.status).toBe(413);
  });

  it('413 at once from Content-Length, without waiting for the body', async () => {
    // Declare 10 GB and send only the headers: the answer must not wait for the body.
    const answer = await rawExchange(server.url, `POST /api/benchmarks HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.authorization}\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{`);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer.toLowerCase()).toContain('connection: close');
  });

  it('404 for unknown ids and paths, 405 for a wrong method', async () => {
    for (const path of ['/api/benchmarks/nope', '/api/services/nope', '/api/services/nope/models', '/api/benchmarks/%2e%2e', '/api/nothing', '/nothing']) {
      const res = await request(`${server.url}${path}`, { headers: auth });
      expect(res.statusCode, path).toBe(404);
      expect(((await res.body.json()) as { error: string }).error).toBeTypeOf('string');
    }
    const del = await request(`${server.url}/api/services/nope`, { method: 'DELETE', headers: auth });
    expect(del.statusCode).toBe(404);
    await del.body.dump();
    const put = await request(`${server.url}/api/services`, { method: 'PUT', headers: auth });
    await put.body.dump();
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('GET, POST');
  });

  it('500 for an unexpected core error, without its message or a stack', async () => {
    server.core.services.set('boom', { id: 'boom', status: 'READY' });
    const res = await post('/api/benchmarks', JSON.stringify({ ...good, service_id: 'boom' }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal error' });
    expect(server.logs.join('')).toContain('secret detail');
  });

  it('409 when the core says the state forbids it', async () => {
    const { body } = await post('/api/benchmarks', JSON.stringify(good));
    await request(`${server.url}/api/benchmarks/${body.id}`, { method: 'DELETE', headers: auth }).then((r) => r.body.dump());
    const again = await request(`${server.url}/api/benchmarks/${body.id}`, { method: 'DELETE', headers: auth });
    await again.body.dump();
    expect(again.statusCode).toBe(409);
  });
});

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:8787', { host: '127.0.0.1', port: 8787 }],
    ['[::1]:0', { host: '::1', port: 0 }],
    ['localhost:9', { host: 'localhost', port: 9 }],
    ['8787', { host: '127.0.0.1', port: 8787 }],
  ])('%s', (text, expected) => expect(parseListen(text)).toEqual(expected));

  it.each(['', ':', 'host', '1.2.3.4:70000', '[nothost]:80', 'a b:1'])('refuses %j', (text) => expect(() => parseListen(text)).toThrow(/listen: expected/));
});
