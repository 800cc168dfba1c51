// The benchmark engine against the simulator (in-process, port 0): timing accuracy, duration stop,
// rate mode, error counting, cut vs finish. No Slurm needed.
import { afterEach, describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/bench/engine/runner.js';
import { parseSimArgs } from '../../src/cli/sim-args.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { ResultDocumentSchema } from '../../src/bench/results/result-schema.js';
import type { BenchInput } from '../../src/bench/spec/bench-input.js';
import { buildBenchSpec } from '../../src/bench/spec/build-spec.js';

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function sim(...args: string[]): Promise<string> {
  const server = await startSimServer(parseSimArgs(['--host', '127.0.0.1', '--port', '0', ...args]).options);
  servers.push(server);
  return server.url;
}

const spec = (over: BenchInput = {}) =>
  buildBenchSpec({ concurrency: 4, num_requests: 20, input_len: 100, output_len: 20, seed: 1, percentiles: [50, 90, 99], ...over });

describe('bench runner against the simulator', () => {
  it('measures median TTFT and ITL close to the configured latencies', async () => {
    // TTFT = overhead 20 ms + 100 tokens x 0.2 ms = 40 ms; ITL 20 ms.
    const url = await sim('--itl-ms', '20', '--prefill-ms-per-token', '0.2', '--prefill-overhead-ms', '20');
    const { runs, verdict } = await runBenchmark(spec({ warmup: 2 }), { url });
    const doc = ResultDocumentSchema.parse(runs[0]);
    expect(verdict.status).toBe('passed');
    expect(doc.completed).toBe(20);
    expect(doc.failed).toBe(0);
    expect(doc.num_warmup).toBe(2);
    expect(doc.median_itl_ms).toBeGreaterThan(17);
    expect(doc.median_itl_ms).toBeLessThan(30);
    expect(doc.median_ttft_ms).toBeGreaterThan(30);
    expect(doc.median_ttft_ms).toBeLessThan(80);
    expect(doc.total_output_tokens).toBe(20 * 20);
    expect(doc.tokenizer.kind).toBe('fallback');
    expect([doc.malformed_events, doc.incomplete_streams, doc.short_streams]).toEqual([0, 0, 0]);
  });

  it('stops a 0.1-minute run at about 6 s and records duration_s', async () => {
    const url = await sim('--itl-ms', '10');
    // The real path: `--duration 0.1` -> buildBenchSpec -> minutesToSeconds -> runBenchmark.
    const timed = buildBenchSpec({ url, duration: '0.1', concurrency: 4, input_len: 100, output_len: 20, seed: 1 });
    expect(timed.stop).toEqual({ duration_s: 6, on_deadline: 'finish', deadline_grace_s: 60 });
    const { runs } = await runBenchmark(timed, { url });
    const doc = ResultDocumentSchema.parse(runs[0]);
    expect(doc.duration_s).toBeGreaterThan(5.5);
    expect(doc.duration_s).toBeLessThan(9);
    expect(doc.config.stop.duration_s).toBe(6);
    expect(doc.config.stop.deadline_grace_s).toBe(60);
    expect(doc.completed).toBeGreaterThan(10);
  });

  it('achieves the asked request rate in rate mode', async () => {
    const url = await sim('--itl-ms', '2');
    const { runs } = await runBenchmark(spec({ concurrency: undefined, rate: 20, num_requests: 100, input_len: 20, output_len: 5, seed: 3 }), { url });
    const doc = runs[0]!;
    expect(doc.completed).toBe(100);
    expect(doc.request_throughput).toBeGreaterThan(12);
    expect(doc.request_throughput).toBeLessThan(30);
    expect(doc.label).toBe('poisson@20.00');
  });

  it('counts errors from an error-injecting simulator', async () => {
    const url = await sim('--itl-ms', '1', '--error-rate', '0.3', '--seed', '7');
    const { runs, verdict } = await runBenchmark(spec({ num_requests: 60 }), { url });
    const doc = runs[0]!;
    expect(doc.failed).toBeGreaterThan(0);
    expect(doc.completed + doc.failed).toBe(60);
    expect(Object.values(doc.errors ?? {}).reduce((a, b) => a + b, 0)).toBe(doc.failed);
    expect(verdict.reasons[0]).toMatch(/^\d+x /);
  });

  it('cuts in-flight requests at the deadline with on-deadline cut, and lets them finish by default', async () => {
    const url = await sim('--itl-ms', '50');
    const long = { num_requests: undefined, duration_seconds: 1, input_len: 10, output_len: 60 }; // ~3 s per request
    const cut = (await runBenchmark(spec({ ...long, on_deadline: 'cut' }), { url })).runs[0]!;
    expect(cut.cut).toBe(4);
    expect(cut.cut_reasons).toEqual({ deadline: 4 });
    expect(cut.completed).toBe(0);
    expect(cut.duration_s).toBeLessThan(2);
    expect(cut.config.stop.on_deadline).toBe('cut');
    const finish = (await runBenchmark(spec(long), { url })).runs[0]!;
    expect(finish.cut).toBe(0);
    expect(finish.completed).toBe(4);
    expect(finish.duration_s).toBeGreaterThan(2.5);
  });

  it('refuses lengths that cannot fit the model context before any request', async () => {
    const url = await sim('--max-model-len', '256');
    await expect(runBenchmark(spec({ input_len: 250, output_len: 20 }), { url })).rejects.toThrow(
      "input_len + output_len: expected at most the model's context, max_model_len 256 of facebook/opt-125m, got 250 + 20 = 270 (with range_ratio)",
    );
  });
});
