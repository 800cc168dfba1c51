// Server truth and assertions through the built bin: a held assertion exits 0 and is recorded, a
// breached one 3, one with no value 1 (naming it and why), a malformed one 2 before any request;
// a target without /metrics runs fine and says so in the result.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultDocumentSchema } from '../../src/bench/results/result-schema.js';
import { startEmbeddedSim } from '../../src/sim/embedded.js';
import type { SimServer } from '../../src/sim/server.js';
import { runBin } from '../helpers/run-bin.js';

const quick = ['--num-requests', '12', '--concurrency', '4', '--input-len', '16', '--output-len', '8'];
let sim: SimServer;
let proxy: Server;
let proxyUrl = '';
let seen: string[] = [];

// Forwards everything to the simulator except /metrics (404), and notes every path asked for.
function startProxy(target: string): Promise<Server> {
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    if (req.url === '/metrics') return void res.writeHead(404).end('not found');
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  sim = await startEmbeddedSim({ itl_ms: 2 });
  proxy = await startProxy(sim.url);
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => proxy.close(r));
  await sim.close();
});

describe('assertions through the built bin', () => {
  it('held: exit 0, each outcome with its observed value in the JSON', async () => {
    const r = await runBin(['bench', 'run', '--url', sim.url, ...quick, '--json', '--assert', 'server_metrics.preemptions == 0', '--fail-on', 'failed>0']);
    expect(r.exitCode).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc.server_metrics).toMatchObject({ available: true, preemptions: 0, generation_tokens: 96 });
    expect(doc.assertions).toEqual([
      { expr: 'failed>0', kind: 'fail_on', status: 'pass', observed: 0, values: { failed: 0 } },
      { expr: 'server_metrics.preemptions == 0', kind: 'field', status: 'pass', observed: 0, values: { 'server_metrics.preemptions': 0 } },
    ]);
  });

  it('breached: exit 3 naming the assertion and the value, in the table and the error', async () => {
    const r = await runBin(['bench', 'run', '--url', sim.url, ...quick, '--assert', 'server_metrics.max_num_requests_running > 100']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/server_metrics\.max_num_requests_running > 100\s+│\s+FAIL \(observed \d+\)/);
    expect(r.stderr).toMatch(/error: thresholds breached \(--fail-on \/ --assert\):\n\s+assert server_metrics\.max_num_requests_running > 100: server_metrics\.max_num_requests_running is \d/);
  });

  it('no value to judge: exit 1 naming the assertion and why, never a pass', async () => {
    const r = await runBin(['bench', 'run', '--url', sim.url, ...quick, '--scrape-interval', '0', '--assert', 'server_metrics.preemptions == 0']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error: assert server_metrics.preemptions == 0: server_metrics.preemptions has no value in this result (could not be evaluated)');
  });

  it('malformed: exit 2 before any request reaches the server', async () => {
    seen = [];
    for (const args of [['--assert', 'server_metrics.preemptions = 0'], ['--assert-promql', 'max(up) > 0']]) {
      const r = await runBin(['bench', 'run', '--url', proxyUrl, ...quick, ...args]);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^error: --assert(-promql)?: /m);
    }
    expect(seen).toEqual([]);
  });
});

describe('a target without /metrics', () => {
  it('runs as usual and records that there was nothing to scrape', async () => {
    seen = [];
    const r = await runBin(['bench', 'run', '--url', proxyUrl, ...quick, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc.completed).toBe(12);
    expect(doc.server_metrics).toEqual({
      available: false, unavailable_reason: 'GET /metrics answered 404: the server exports no metrics', url: `${proxyUrl}/metrics`, scrape_interval_s: 1, samples: 0,
    });
    expect(doc.ttft_breakdown).toBeUndefined();
    expect(seen.filter((p) => p === '/metrics')).toHaveLength(1);
  });
});
