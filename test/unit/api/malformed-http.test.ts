// Bytes that are not HTTP/1.1 get an HTTP answer (400, or 431 for oversized headers) with a JSON
// body, as Node's server would give by default, instead of a connection closed without a word;
// the server counts them in its metrics and keeps serving.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange, startTestServer } from './helpers.js';

describe('malformed HTTP', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each([
    ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n'],
    ['a header line without a colon', 'GET /health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n'],
    ['a header name with a space', 'GET /health HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n'],
    ['a control character in a header value', 'GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n'],
    ['a bad Content-Length', 'POST /api/benchmarks HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n'],
  ])('%s: 400 with a JSON body, then the connection closes', async (_name, bytes) => {
    const answer = await rawExchange(server.url, bytes);
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer.toLowerCase()).toContain('connection: close');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: string; code: string };
    expect(body).toEqual({ error: expect.stringMatching(/^malformed HTTP request: /), code: 'E_REQUEST' });
  });

  it('headers over the size limit: 431', async () => {
    const answer = await rawExchange(server.url, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('counts them in /metrics and keeps serving', async () => {
    await rawExchange(server.url, 'HELLO THERE\r\n\r\n');
    const metrics = await (await request(`${server.url}/metrics`)).body.text();
    expect(metrics).toMatch(/aibench_api_http_requests_total\{method="OTHER",route="malformed",status="400"\} [1-9]/);
    expect((await request(`${server.url}/health`)).statusCode).toBe(200);
  });
});
