// `bench run --push`: the group path comes from the one grouping-key encoder (telemetry/grouping.ts);
// PUT replaces the group, DELETE removes it; credentials in the URL become Basic auth and never
// appear in an error. Checked against a real HTTP server standing in for the Pushgateway.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchGroupingLabels, benchGroupingPath, deleteBenchResult, pushBenchResult } from '../../../../src/bench/results/push.js';
import type { ResultDocument } from '../../../../src/bench/results/result-schema.js';
import { BenchError } from '../../../../src/errors.js';
import { groupingPath } from '../../../../src/telemetry/grouping.js';

interface Seen { method: string; url: string; auth: string | undefined; type: string | undefined; body: string }

const doc = {
  label: 'concurrency/max64', completed: 10, failed: 0, duration_s: 2, request_throughput: 5, mean_ttft_ms: 12.5,
  config: { target: { model: 'meta-llama/Llama-3-8B' } },
} as unknown as ResultDocument;

describe('pushBenchResult', () => {
  let server: Server;
  let base = '';
  let status = 200;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, type: req.headers['content-type'], body });
        res.statusCode = status;
        res.end(status === 200 ? '' : 'pushed metrics are invalid');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('encodes the grouping key with the shared encoder (model and load carry "/": base64url)', () => {
    const labels = benchGroupingLabels(doc, 'run-1');
    expect(labels).toEqual([['model', 'meta-llama/Llama-3-8B'], ['load', 'concurrency/max64'], ['run_id', 'run-1']]);
    const path = benchGroupingPath(labels);
    expect(path).toBe(groupingPath('aibench_bench', labels));
    expect(path).toBe(`/metrics/job/aibench_bench/model@base64/${Buffer.from('meta-llama/Llama-3-8B').toString('base64url')}/load@base64/${Buffer.from('concurrency/max64').toString('base64url')}/run_id/run-1`);
  });

  it('PUTs the summary gauges to the group (behind a path prefix, with Basic auth from the URL), DELETE removes it', async () => {
    seen.length = 0;
    const prefixed = base.replace('http://', 'http://bob:s3cr%40t@') + '/pg/';
    await pushBenchResult(prefixed, doc, 'run-1');
    const path = benchGroupingPath(benchGroupingLabels(doc, 'run-1'));
    expect(seen[0]).toMatchObject({ method: 'PUT', url: `/pg${path}`, auth: `Basic ${Buffer.from('bob:s3cr@t').toString('base64')}` });
    expect(seen[0]?.type).toMatch(/^text\/plain/);
    expect(seen[0]?.body).toContain('aibench_bench_completed_requests 10');
    expect(seen[0]?.body).toContain('aibench_bench_ttft_mean_seconds 0.0125');
    await deleteBenchResult(base, { model: 'meta-llama/Llama-3-8B', load: 'concurrency/max64', run_id: 'run-1' });
    expect(seen[1]).toMatchObject({ method: 'DELETE', url: path, auth: undefined, body: '' });
  });

  it('a refusing gateway is a BenchError naming the status, never the credentials', async () => {
    status = 400;
    try {
      const error = await pushBenchResult(base.replace('http://', 'http://bob:hunter2@'), doc, 'run-1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BenchError);
      expect((error as BenchError).message).toMatch(/^Pushing results to http:\/\/127\.0\.0\.1:\d+ failed: PUT http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/aibench_bench\/.* expected 2xx, got 400 pushed metrics are invalid$/);
      expect((error as BenchError).message).not.toContain('hunter2');
    } finally {
      status = 200;
    }
  });
});
