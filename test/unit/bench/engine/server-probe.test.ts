// The probe before the first request, against a real HTTP server on loopback: which model, which
// version, both asked at once; nothing listening stops the run before it starts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeServer } from '../../../../src/bench/engine/server-probe.js';
import { buildBenchSpec } from '../../../../src/bench/spec/build-spec.js';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r)))));

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const spec = (extra: Record<string, unknown> = {}) => buildBenchSpec({ url: 'http://127.0.0.1:1', ...extra });

describe('probeServer', () => {
  it('asks /v1/models and /version at once (one round trip to a remote server), and keeps both answers', async () => {
    const seen: string[] = [];
    let holdModels: (() => void) | undefined;
    const url = await serve((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/v1/models') {
        // Answered only once /version has arrived: a probe that asks one after the other never gets here.
        holdModels = () => res.end(JSON.stringify({ data: [{ id: 'm', max_model_len: 4096 }] }));
      } else {
        res.end(JSON.stringify({ version: '0.11.0' }));
      }
      if (seen.length === 2) holdModels?.();
    });
    await expect(probeServer(spec(), { url })).resolves.toEqual({ model: 'm', version: '0.11.0', maxModelLen: 4096 });
    expect(seen.sort()).toEqual(['/v1/models', '/version']);
  });

  it('a server without /version is probed all the same (no version recorded)', async () => {
    const url = await serve((req, res) => (req.url === '/v1/models' ? res.end(JSON.stringify({ data: [{ id: 'm' }] })) : res.writeHead(404).end()));
    await expect(probeServer(spec(), { url })).resolves.toEqual({ model: 'm' });
  });

  it('nothing listening: refused before the first request, naming the URL', async () => {
    const url = await serve(() => undefined);
    await new Promise((r) => servers.pop()?.close(r));
    await expect(probeServer(spec(), { url })).rejects.toThrow(new RegExp(`^Expected ${url.replace(/[.]/g, '\\.')}/v1/models to answer before the first request, got .*ECONNREFUSED`));
  });
});
