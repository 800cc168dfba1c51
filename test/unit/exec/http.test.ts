// The one HTTP helper (src/exec/http.ts) against a real node:http server: timeouts and aborts are
// clear errors, credentials in the URL become Basic auth and never appear in a message, a status
// the caller did not expect is surfaced with the body's start.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, HttpStatusError } from '../../../src/errors.js';
import { httpRequest, safeUrl, withUrlCredentials } from '../../../src/exec/http.js';

interface Seen { method: string; url: string; auth: string | undefined; body: string }

describe('httpRequest', () => {
  let server: Server;
  let base = '';
  const seen: Seen[] = [];
  const open = new Set<ServerResponse>();

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
        if (req.url === '/slow') {
          open.add(res); // never answers
          return;
        }
        if (req.url === '/fail') {
          res.statusCode = 503;
          res.end('  overloaded, try later  ');
          return;
        }
        if (req.url === '/text') {
          res.end('not json');
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true, method: req.method, body }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of open) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const withCreds = (user: string, pass: string): string => base.replace('http://', `http://${user}:${pass}@`);

  it('answers status, headers, text and json; sends the body', async () => {
    const res = await httpRequest(`${base}/echo`, { method: 'POST', body: 'hello', headers: { 'Content-Type': 'text/plain' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(await res.json()).toEqual({ ok: true, method: 'POST', body: 'hello' });
    expect(JSON.parse(await res.text())).toMatchObject({ ok: true });
  });

  it('a body that is not JSON is an HttpError naming the URL', async () => {
    const res = await httpRequest(`${withCreds('u', 'topsecret')}/text`);
    const error = await res.json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toBe(`GET ${base}/text: answered 200 with a body that is not JSON: not json`);
  });

  it('times out with a clear error', async () => {
    const started = Date.now();
    const error = await httpRequest(`${base}/slow`, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe('E_HTTP_TIMEOUT');
    expect((error as HttpError).message).toBe(`GET ${base}/slow: no answer within 200 ms`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('the caller\'s signal aborts the request', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 50);
    const error = await httpRequest(`${base}/slow`, { timeoutMs: 10_000, signal: controller.signal, label: 'probe' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe('E_HTTP_ABORTED');
    expect((error as HttpError).message).toBe(`probe ${base}/slow: aborted`);
    const already = await httpRequest(`${base}/echo`, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((already as HttpError).code).toBe('E_HTTP_ABORTED');
  });

  it('URL credentials become Basic auth (percent-decoded) and are not sent in the URL', async () => {
    seen.length = 0;
    await httpRequest(`${withCreds('bob', 's3cr%40t')}/echo`);
    expect(seen[0]).toMatchObject({ url: '/echo', auth: `Basic ${Buffer.from('bob:s3cr@t').toString('base64')}` });
    await httpRequest(`${withCreds('bob', 'pw')}/echo`, { headers: { Authorization: 'Bearer key' } });
    expect(seen[1]?.auth).toBe('Bearer key');
    await httpRequest(`${base}/echo`);
    expect(seen[2]?.auth).toBeUndefined();
  });

  it('a status the caller did not expect is an HttpStatusError with status and body, never the credentials', async () => {
    const error = await httpRequest(`${withCreds('bob', 'hunter2')}/fail`, { method: 'PUT', body: 'x', expectStatus: '2xx', label: 'Pushgateway PUT' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(503);
    expect((error as HttpStatusError).body).toBe('overloaded, try later');
    expect((error as HttpStatusError).message).toBe(`Pushgateway PUT ${base}/fail: expected 2xx, got 503 overloaded, try later`);
    expect((error as HttpStatusError).message).not.toMatch(/hunter2|bob|Basic/);
    // Without expectStatus the status is the caller's to judge.
    const res = await httpRequest(`${base}/fail`);
    expect(res.status).toBe(503);
    expect(await httpRequest(`${base}/fail`, { expectStatus: [200, 503] }).then((r) => r.status)).toBe(503);
  });

  it('connection errors name the URL without credentials', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const error = await httpRequest(`http://bob:hunter2@127.0.0.1:${port}/x`, { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe('E_HTTP_NETWORK');
    expect((error as HttpError).message).toMatch(new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/x: `));
    expect((error as HttpError).message).not.toContain('hunter2');
  });
});

describe('safeUrl and withUrlCredentials', () => {
  it('safeUrl removes user:pass@ (up to the last @ of the authority) and leaves the rest alone', () => {
    expect(safeUrl('http://bob:pw@host:9091/pg')).toBe('http://host:9091/pg');
    expect(safeUrl('https://bob:p@ss@host/x?a=b@c')).toBe('https://host/x?a=b@c');
    expect(safeUrl('http://host:9091')).toBe('http://host:9091');
    expect(safeUrl('http://host/path/user@example')).toBe('http://host/path/user@example');
  });

  it('withUrlCredentials gives the bare URL and the Basic header, or the URL unchanged', () => {
    expect(withUrlCredentials('http://bob:s3cr%40t@host:9091/pg')).toEqual({ url: 'http://host:9091/pg', headers: { authorization: `Basic ${Buffer.from('bob:s3cr@t').toString('base64')}` } });
    expect(withUrlCredentials('http://host:9091')).toEqual({ url: 'http://host:9091', headers: {} });
    expect(withUrlCredentials('not a url')).toEqual({ url: 'not a url', headers: {} });
  });
});
