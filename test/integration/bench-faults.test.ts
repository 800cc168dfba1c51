// The client against small misbehaving servers written here (real HTTP on port 0): a server that
// never answers, streams that end early or carry invalid events, and a run interrupted midway.
// Each case is one the simulator cannot produce on demand.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/bench/engine/runner.js';
import { judge } from '../../src/bench/results/verdict.js';
import { ResultDocumentSchema } from '../../src/bench/results/result-schema.js';
import type { BenchInput } from '../../src/bench/spec/bench-input.js';
import { buildBenchSpec } from '../../src/bench/spec/build-spec.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
});

// /v1/models answers; completions go to `completion`. Returns the base URL and a request counter.
async function serve(completion: Handler): Promise<{ url: string; completions: () => number }> {
  let completions = 0;
  const server = createServer((req, res) => {
    if (req.url === '/v1/models') return void res.end(JSON.stringify({ data: [{ id: 'm', max_model_len: 4096 }] }));
    if (req.url?.startsWith('/v1/')) {
      completions++;
      return completion(req, res);
    }
    res.statusCode = 404;
    res.end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, completions: () => completions };
}

const event = (data: string) => `data: ${data}\n\n`;
const token = (text = 'x') => event(JSON.stringify({ choices: [{ text }] }));
const spec = (over: BenchInput) => buildBenchSpec({ concurrency: 1, input_len: 8, output_len: 16, ...over });

describe('bench client against misbehaving servers', () => {
  it('a server that never answers holds the run only for the deadline grace, and the result says which requests were waiting', async () => {
    const { url } = await serve(() => undefined); // accepts, never responds
    const started = performance.now();
    const { runs, verdict } = await runBenchmark(spec({ concurrency: 3, duration_seconds: 0.5, deadline_grace_s: 1 }), { url });
    const elapsedS = (performance.now() - started) / 1000;
    expect(elapsedS).toBeLessThan(30); // bounded by the 1 s grace, not undici's 600 s header timeout
    const doc = ResultDocumentSchema.parse(runs[0]);
    expect(doc.cut).toBe(3);
    expect(doc.cut_reasons).toEqual({ grace: 3 });
    expect(doc.cut_after_grace).toEqual([0, 1, 2]);
    expect(doc.config.stop.deadline_grace_s).toBe(1);
    expect(verdict.status).toBe('failed');
  });

  it('streams that end early, without usage or [DONE], are counted and warned about', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 8; i++) res.write(token());
      res.end(); // 8 of 16 tokens, no usage, no [DONE]
    });
    const { runs, verdict } = await runBenchmark(spec({ num_requests: 4 }), { url });
    expect(runs[0]).toMatchObject({ completed: 4, short_streams: 4, incomplete_streams: 4, malformed_events: 0 });
    expect(verdict.warnings).toContain('4 stream(s) ended without data: [DONE]');
    expect(verdict.warnings).toContain('4 completed request(s) returned fewer tokens than asked for');
  });

  it('invalid events are counted per request and in the summary, and a gate can fail on them', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 16; i++) res.write(i % 2 === 0 ? token() : event('not json'));
      res.end(event(JSON.stringify({ choices: [], usage: { prompt_tokens: 8, completion_tokens: 16 } })) + event('[DONE]'));
    });
    const { runs, verdict } = await runBenchmark(spec({ num_requests: 3, save_detailed: true, fail_on: ['malformed_events>0'] }), { url });
    const doc = ResultDocumentSchema.parse(runs[0]);
    expect(doc.malformed_events).toBe(24);
    expect(doc.requests?.map((r) => r.malformed_events)).toEqual([8, 8, 8]);
    expect(verdict.status).toBe('breached');
    expect(verdict.breaches).toEqual(['malformed_events>0: malformed_events is 24']);
  });

  it('an interrupted run records that it was interrupted, and why each request was cut', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(token()); // then hangs
    });
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('SIGINT')), 500);
    const { runs, interrupted, verdict } = await runBenchmark(spec({ concurrency: 2, duration_seconds: 60, save_detailed: true }), { url }, { signal: abort.signal });
    expect(interrupted).toBe(true);
    expect(verdict.status).toBe('interrupted');
    const doc = ResultDocumentSchema.parse(runs[0]);
    expect(doc.interrupted?.reason).toBe('SIGINT');
    expect(doc.cut_reasons).toEqual({ interrupted: 2 });
    expect(doc.requests?.every((r) => r.cut_reason === 'interrupted' && r.error === 'cut: the run was interrupted')).toBe(true);
    expect(judge(runs, [], true).status).toBe('interrupted');
  });

  it('a run whose recorded config would not validate sends nothing', async () => {
    const server = await serve((_req, res) => res.end());
    const broken = { ...spec({ num_requests: 2 }), percentiles: [] }; // only a bug could build this
    await expect(runBenchmark(broken, { url: server.url })).rejects.toThrow(/would not validate as a result, so nothing was sent: config\.percentiles/);
    expect(server.completions()).toBe(0);
  });

  it('a 401 on /v1/models is an authentication problem, said before any load', async () => {
    const server = createServer((_req, res) => {
      res.statusCode = 401;
      res.end('{"error":"unauthorized"}');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await expect(runBenchmark(spec({ num_requests: 1 }), { url })).rejects.toThrow(/answered HTTP 401: the server wants an API key/);
  });
});
