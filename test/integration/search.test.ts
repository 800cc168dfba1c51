// `bench search` against the simulator, whose continuous batching makes its capacity computable:
// max-num-seqs S = 8 slots, each request holding one for T = 50 ms prefill + 15 x 10 ms ITL = 200 ms,
// serve at most C = S / T = 40 req/s. Below C (near-regular arrivals) nothing queues and TTFT is the
// 50 ms prefill; above C the queue grows through the whole step, so p99 TTFT passes any bound. With
// the SLO p99 TTFT <= 120 ms the highest passing rate R* is C within the knee (70 ms of queue over
// a 3 s step: 2.3 %) and the simulator's own overhead per request (timer and release latency, ~1 %).
import { afterEach, describe, expect, it } from 'vitest';
import { runLocal } from '../../src/bench/engine/execute.js';
import { SearchDocumentSchema } from '../../src/bench/results/result-schema.js';
import { buildBenchSpec } from '../../src/bench/spec/build-spec.js';
import { parseSimArgs } from '../../src/cli/sim-args.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('bench search against the simulator', () => {
  it('lands within its precision of the capacity the latency model gives', async () => {
    const server = await startSimServer(parseSimArgs(['--host', '127.0.0.1', '--port', '0', '--max-num-seqs', '8', '--itl-ms', '10', '--prefill-overhead-ms', '50', '--prefill-ms-per-token', '0']).options);
    servers.push(server);
    const capacity = 8 / 0.2;
    const precision = 5;
    const spec = buildBenchSpec({
      url: server.url, slo: ['p99_ttft_ms<=120'], rate_range: '12:96', precision: `${precision}%`, step_duration: 0.05,
      burstiness: 100, input_len: 16, output_len: 16, seed: 2,
    });
    const outcome = await runLocal(spec, { url: server.url });
    const doc = SearchDocumentSchema.parse(outcome.search);
    expect(doc.stop_reason).toBe('converged');
    expect(outcome.verdict.status).toBe('passed');
    const { passed, failed } = doc.bracket as { passed: number; failed: number };
    expect(doc.answer).toBe(passed);
    expect((failed - passed) / passed).toBeLessThanOrEqual(precision / 100);
    // The bracket holds the capacity, give or take the knee and the overhead (2.5 %).
    expect(passed).toBeLessThanOrEqual(capacity * 1.025);
    expect(failed).toBeGreaterThanOrEqual(capacity * 0.975);
    expect(Math.abs(passed - capacity) / capacity).toBeLessThanOrEqual(precision / 100 + 0.025);
    // Every step is a full run recorded whole; the probe doubled from 12 before bisecting.
    expect(doc.steps.slice(0, 3).map((s) => [s.value, s.phase])).toEqual([[12, 'probe'], [24, 'probe'], [48, 'probe']]);
    expect(doc.steps.every((s) => s.run.config.load.kind === 'rate' && s.run.duration_s > 2.5)).toBe(true);
    expect(outcome.runs).toHaveLength(doc.steps.length);
  });

  it('no level meeting the SLO is a breach naming the lowest level\'s miss', async () => {
    const server = await startSimServer(parseSimArgs(['--host', '127.0.0.1', '--port', '0', '--itl-ms', '1', '--prefill-overhead-ms', '30']).options);
    servers.push(server);
    const outcome = await runLocal(buildBenchSpec({ url: server.url, slo: ['p99_ttft_ms<=5'], concurrency_range: '1:4', num_requests: 6, input_len: 8, output_len: 2 }), { url: server.url });
    expect(outcome.search?.stop_reason).toBe('bottom_fails');
    expect(outcome.search?.answer).toBeUndefined();
    expect(outcome.verdict.status).toBe('breached');
    expect(outcome.verdict.breaches[0]).toMatch(/^no level in 1\.\.4 in flight meets every SLO; at 1: p99_ttft_ms<=5: is \d/);
  });
});
