import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerChecker, isLoopbackHost } from '../../../src/api/auth.js';
import { startApiServer } from '../../../src/api/server.js';
import { FakeCore, startTestServer, TOKEN, tokenFile } from './helpers.js';

describe('auth matrix over HTTP', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each([
    ['no header', undefined, 401],
    ['wrong token', `Bearer ${TOKEN}x`, 401],
    ['prefix of the token', `Bearer ${TOKEN.slice(0, 8)}`, 401],
    ['Basic scheme', `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`, 401],
    ['right token', `Bearer ${TOKEN}`, 200],
    ['right token, lower-case scheme', `bearer ${TOKEN}`, 200],
  ])('%s -> %i', async (_name, header, status) => {
    const res = await request(`${server.url}/api/services`, { headers: header === undefined ? {} : { authorization: header } });
    const text = await res.body.text();
    expect(res.statusCode).toBe(status);
    expect(text).not.toContain(TOKEN);
    if (status === 401) expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('needs no token for /health and /metrics', async () => {
    expect((await request(`${server.url}/health`)).statusCode).toBe(200);
    expect((await request(`${server.url}/metrics`)).statusCode).toBe(200);
  });

  it('asks for the token before saying a route does not exist', async () => {
    const res = await request(`${server.url}/api/nope`);
    await res.body.dump();
    expect(res.statusCode).toBe(401);
  });
});

describe('auth setup', () => {
  const core = new FakeCore();

  it('refuses to start without a token on a non-loopback address', async () => {
    await expect(startApiServer({ listen: '0.0.0.0:0', core })).rejects.toThrow(/--token-file/);
    await expect(startApiServer({ listen: '0.0.0.0:0', insecureLocal: true, core })).rejects.toThrow(/only works on a loopback/);
  });

  it('refuses to start without a token and without --insecure-local, even on loopback', async () => {
    await expect(startApiServer({ listen: '127.0.0.1:0', core })).rejects.toThrow(/--token-file/);
  });

  it('--insecure-local on loopback serves /api without a token', async () => {
    const server = await startApiServer({ listen: '127.0.0.1:0', insecureLocal: true, core, logWrite: () => undefined });
    try {
      expect((await request(`${server.url}/api/services`)).statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('refuses a token file readable by others, and an empty or short one', async () => {
    await expect(startApiServer({ listen: '127.0.0.1:0', tokenFile: tokenFile(TOKEN, 0o644), core })).rejects.toThrow(/expected mode 0600, got 0644|mode 0600/);
    await expect(startApiServer({ listen: '127.0.0.1:0', tokenFile: tokenFile(''), core })).rejects.toThrow(/empty/);
    await expect(startApiServer({ listen: '127.0.0.1:0', tokenFile: tokenFile('short'), core })).rejects.toThrow(/at least 16/);
    await expect(startApiServer({ listen: '127.0.0.1:0', tokenFile: '/nonexistent/token', core })).rejects.toThrow(/ENOENT/);
  });

  it('a token file error never shows the token', async () => {
    const error = await startApiServer({ listen: '127.0.0.1:0', tokenFile: tokenFile(TOKEN, 0o640), core }).catch((e: Error) => e);
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('the checker accepts only the exact token', () => {
    const check = bearerChecker(TOKEN);
    expect(check(`Bearer ${TOKEN}`)).toBe(true);
    expect(check(`Bearer  ${TOKEN} `)).toBe(true);
    for (const bad of [undefined, '', 'Bearer', `Bearer ${TOKEN} extra`, `Token ${TOKEN}`, `Bearer ${TOKEN.toUpperCase()}`]) expect(check(bad)).toBe(false);
  });
});
