// The benchmark engine against the simulator (in-process, port 0): timing accuracy, duration stop,
// rate mode, error counting, cut vs finish. No Slurm needed.
import { afterEach, describe, expect, it } from 'vitest';
import { runBench, type BenchPlan } from '../../src/bench/runner.js';
import { parseSimArgs } from '../../src/cli/sim-args.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { ResultDocumentSchema } from '../../src/bench/result-schema.js';
import { resolveBenchSettings, type BenchFlags } from '../../src/bench/settings.js';

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function sim(...args: string[]): Promise<string> {
  const server = await startSimServer(parseSimArgs(['--host', '127.0.0.1', '--port', '0', ...args]).options);
  servers.push(server);
  return server.url;
}

function plan(url: string, over: Partial<BenchPlan> = {}): BenchPlan {
  return {
    url,
    api: 'completions',
    loads: [{ kind: 'concurrency', concurrency: 4 }],
    stop: { numRequests: 20 },
    onDeadline: 'finish',
    dataset: { kind: 'random', inputLen: 100, outputLen: 20, rangeRatio: 0, seed: 1 },
    warmup: 0,
    percentiles: [50, 90, 99],
    ...over,
  };
}

describe('bench runner against the simulator', () => {
  it('measures median TTFT and ITL close to the configured latencies', async () => {
    // TTFT = overhead 20 ms + 100 tokens x 0.2 ms = 40 ms; ITL 20 ms.
    const url = await sim('--itl-ms', '20', '--prefill-ms-per-token', '0.2', '--prefill-overhead-ms', '20');
    const { runs } = await runBench(plan(url, { warmup: 2 }));
    const doc = ResultDocumentSchema.parse(runs[0]);
    expect(doc.completed).toBe(20);
    expect(doc.failed).toBe(0);
    expect(doc.num_warmup).toBe(2);
    expect(doc.median_itl_ms).toBeGreaterThan(17);
    expect(doc.median_itl_ms).toBeLessThan(30);
    expect(doc.median_ttft_ms).toBeGreaterThan(30);
    expect(doc.median_ttft_ms).toBeLessThan(80);
    expect(doc.total_output_tokens).toBe(20 * 20);
    expect(doc.tokenizer.kind).toBe('fallback');
  });

  it('stops a 0.1-minute run at about 6 s and records duration_s', async () => {
    const url = await sim('--itl-ms', '10');
    // The real path: `bench run --duration 0.1` flags -> resolveBenchSettings -> minutesToSeconds -> runBench.
    const flags: BenchFlags = { url, duration: '0.1', concurrency: '4', inputLen: '100', outputLen: '20', seed: '1' };
    const settings = resolveBenchSettings(flags, (name) => (flags[name] === undefined ? undefined : 'cli'));
    expect(settings.stop).toEqual({ durationS: 6, numRequests: undefined });
    const { runs } = await runBench({ ...settings, url: settings.url! });
    const doc = ResultDocumentSchema.parse(runs[0]);
    expect(doc.duration_s).toBeGreaterThan(5.5);
    expect(doc.duration_s).toBeLessThan(9);
    expect(doc.config.stop.duration_s).toBe(6);
    expect(doc.completed).toBeGreaterThan(10);
  });

  it('achieves the asked request rate in rate mode', async () => {
    const url = await sim('--itl-ms', '2');
    const { runs } = await runBench(plan(url, { loads: [{ kind: 'rate', rate: 20, burstiness: 1 }], stop: { numRequests: 100 }, dataset: { kind: 'random', inputLen: 20, outputLen: 5, rangeRatio: 0, seed: 3 } }));
    const doc = runs[0]!;
    expect(doc.completed).toBe(100);
    expect(doc.request_throughput).toBeGreaterThan(12);
    expect(doc.request_throughput).toBeLessThan(30);
    expect(doc.label).toBe('poisson@20.00');
  });

  it('counts errors from an error-injecting simulator', async () => {
    const url = await sim('--itl-ms', '1', '--error-rate', '0.3', '--seed', '7');
    const { runs } = await runBench(plan(url, { stop: { numRequests: 60 } }));
    const doc = runs[0]!;
    expect(doc.failed).toBeGreaterThan(0);
    expect(doc.completed + doc.failed).toBe(60);
    expect(Object.values(doc.errors ?? {}).reduce((a, b) => a + b, 0)).toBe(doc.failed);
  });

  it('cuts in-flight requests at the deadline with on-deadline cut, and lets them finish by default', async () => {
    const url = await sim('--itl-ms', '50');
    const long = { kind: 'random' as const, inputLen: 10, outputLen: 60, rangeRatio: 0, seed: 1 }; // ~3 s per request
    const cut = (await runBench(plan(url, { stop: { durationS: 1 }, onDeadline: 'cut', dataset: long }))).runs[0]!;
    expect(cut.cut).toBe(4);
    expect(cut.completed).toBe(0);
    expect(cut.duration_s).toBeLessThan(2);
    expect(cut.config.stop.on_deadline).toBe('cut');
    const finish = (await runBench(plan(url, { stop: { durationS: 1 }, dataset: long }))).runs[0]!;
    expect(finish.cut).toBe(0);
    expect(finish.completed).toBe(4);
    expect(finish.duration_s).toBeGreaterThan(2.5);
  });
});
