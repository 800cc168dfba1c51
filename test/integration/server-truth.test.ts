// Server truth against real parts: the simulator's /metrics (its latency model knows its own queue
// and prefill, so the TTFT breakdown is checked against what it was configured to do), and the
// test cluster's real Prometheus fed by the telemetry agent through remote-write, with the fake
// nvidia-smi's known power (631.95 W + 69.85 W), for the GPU figures and --assert-promql.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocal } from '../../src/bench/engine/execute.js';
import type { ResultDocument } from '../../src/bench/results/result-schema.js';
import { buildBenchSpec } from '../../src/bench/spec/build-spec.js';
import type { BenchInput } from '../../src/bench/spec/bench-input.js';
import { startEmbeddedSim } from '../../src/sim/embedded.js';
import type { SimServer } from '../../src/sim/server.js';
import { runAgent } from '../../src/telemetry/agent.js';
import { testCluster } from '../helpers/cluster.js';
import { poll } from '../helpers/poll.js';

const tc = testCluster();
const FAKE_BIN = resolve(import.meta.dirname, '../fixtures/bin');
// The simulator: 2 slots, prefill 20 ms + 0.5 ms/token, 10 ms per output token, exact (no jitter).
const SIM = { max_num_seqs: 2, prefill_overhead_ms: 20, prefill_ms_per_token: 0.5, itl_ms: 10, jitter: 0 };
const LOAD: BenchInput = { num_requests: 48, input_len: 64, output_len: 16, client: 'local', scrape_interval_s: 0.5 };
let sim: SimServer;

const runOn = async (input: BenchInput, endpoint: { provenance?: ResultDocument['provenance'] } = {}): Promise<{ doc: ResultDocument; status: string; reasons: string[] }> => {
  const outcome = await runLocal(buildBenchSpec({ ...LOAD, ...input }), { url: sim.url, ...endpoint });
  return { doc: outcome.runs[0] as ResultDocument, status: outcome.verdict.status, reasons: outcome.verdict.reasons };
};

beforeAll(async () => {
  sim = await startEmbeddedSim(SIM);
});
afterAll(() => sim.close());

describe('the TTFT breakdown against the simulator\'s latency model', () => {
  it('above max-num-seqs, queue time appears and is the size the scheduler implies', async () => {
    const { doc } = await runOn({ concurrency: 6 });
    const s = doc.server_metrics!;
    expect(s.available).toBe(true);
    // Every token the client received the server counted, in the window (warmup excluded, none here).
    expect(s.generation_tokens).toBe(doc.total_output_tokens);
    expect(s.queue_time_count).toBe(48);
    const prefill = s.mean_prefill_time_ms as number;
    const decode = s.mean_decode_time_ms as number;
    // Configured: prefill 20 + 0.5 x ~64 prompt tokens; decode 15 gaps of 10 ms. Timers may run late,
    // never early; tokens keep their deadlines from the planned first token, so a late first token
    // moves time from decode into prefill: only prefill, and prefill + decode, have a floor.
    expect(prefill).toBeGreaterThanOrEqual(20 + 0.5 * 50);
    expect(prefill + decode).toBeGreaterThanOrEqual(20 + 0.5 * 50 + 150);
    // 6 clients on 2 slots: in steady state each waits for two whole requests; the first wave waits less.
    const service = prefill + decode;
    expect(s.mean_queue_time_ms as number).toBeGreaterThan(1.2 * service);
    expect(s.mean_queue_time_ms as number).toBeLessThan(2.2 * service);
    expect(s.max_num_requests_waiting).toBe(4);
    expect(s.max_num_requests_running).toBe(2);
    // The server's TTFT is its queue + prefill, to the microsecond; the client's adds only the path.
    expect(s.mean_ttft_ms as number).toBeCloseTo((s.mean_queue_time_ms as number) + prefill, 2);
    const b = doc.ttft_breakdown!;
    expect(b.queue_ms + b.prefill_ms + b.other_ms).toBeCloseTo(doc.mean_ttft_ms as number, 2);
    expect(b.queue_ms / b.client_ttft_ms).toBeGreaterThan(0.6);
    expect(Math.abs(b.other_ms)).toBeLessThan(0.25 * b.client_ttft_ms);
  });

  it('within max-num-seqs, nothing queues', async () => {
    const { doc } = await runOn({ concurrency: 2, num_requests: 12 });
    expect(doc.server_metrics?.mean_queue_time_ms as number).toBeLessThan(5);
    expect(doc.server_metrics?.max_num_requests_waiting).toBe(0);
    expect(doc.ttft_breakdown!.queue_ms).toBeLessThan(5);
  });

  it('split over two worker processes, the server is scraped once, for the whole window', async () => {
    const { doc } = await runOn({ concurrency: 4, workers: 2 });
    expect(doc.client.workers).toBe(2);
    expect(doc.server_metrics?.samples).toBeGreaterThanOrEqual(2);
    expect(doc.server_metrics?.generation_tokens).toBe(doc.total_output_tokens);
    expect(doc.server_metrics?.requests_succeeded).toBe(doc.completed);
  });
});

describe('GPU figures and --assert-promql from the real Prometheus', () => {
  const jobId = `truth-${randomBytes(3).toString('hex')}`;
  const provenance = { job_id: jobId, service_id: 'truth-svc', cluster: 'tc-local' };
  const stop = new AbortController();
  let agent: Promise<unknown>;
  const prometheus = { prometheus_url: tc.prometheusUrl, service: 'truth-svc' };

  beforeAll(async () => {
    process.env.PATH = `${FAKE_BIN}:${process.env.PATH}`;
    process.env.FAKE_NVIDIA_SMI_SCENARIO = 'h100x2';
    agent = runAgent({
      remoteWriteUrl: new URL('/api/v1/write', tc.prometheusUrl).href, intervalMs: 200, spoolDir: await mkdtemp(join(tmpdir(), 'aibench-truth-spool-')), spoolMaxBytes: 10e6,
      host: 'truth-node', slurmJobId: jobId, serviceId: 'truth-svc', log: () => undefined,
    }, stop.signal);
    const url = new URL('/api/v1/query', tc.prometheusUrl);
    url.searchParams.set('query', `count(aibench_gpu_power_watts{slurm_job_id="${jobId}"})`);
    await poll('the agent\'s GPU series in Prometheus', async () => {
      const body = (await (await fetch(url)).json()) as { data: { result: Array<{ value: [number, string] }> } };
      return body.data.result[0]?.value[1] === '2' ? true : undefined;
    });
  });
  afterAll(async () => {
    stop.abort();
    await agent;
    process.env.PATH = (process.env.PATH ?? '').replace(`${FAKE_BIN}:`, '');
  });

  it('records the GPUs of the service\'s job over the run window; energy per token checks by hand', async () => {
    const { doc, status } = await runOn({
      ...prometheus, concurrency: 4,
      assert_promql: ['max_over_time(aibench_gpu_memory_used_bytes{slurm_job_id="$slurm_job_id"}[$__range]) < 70e9'],
      assert: ['gpu.mean_power_watts > 700'],
    }, { provenance });
    expect(status).toBe('passed');
    const g = doc.gpu!;
    expect(g).toMatchObject({ slurm_job_id: jobId, gpus: 2, max_utilization: 1, max_memory_used_bytes: 19818 * 1024 * 1024 });
    expect(g.mean_utilization).toBeCloseTo(0.5, 6);
    expect(g.mean_power_watts).toBeCloseTo(631.95 + 69.85, 6);
    expect(g.energy_per_output_token_joules).toBeCloseTo((701.8 * doc.duration_s) / doc.total_output_tokens, 6);
    expect(doc.assertions?.find((a) => a.kind === 'promql')).toMatchObject({ status: 'pass', observed: 19818 * 1024 * 1024 });
  });

  it('a breached PromQL assertion is breached; one with no data fails the run naming it', async () => {
    const breached = await runOn({ ...prometheus, concurrency: 4, num_requests: 12, assert_promql: ['max_over_time(aibench_gpu_memory_used_bytes{slurm_job_id="$slurm_job_id"}[$__range]) < 1e9'] }, { provenance });
    expect(breached.status).toBe('breached');
    const empty = await runOn({ ...prometheus, concurrency: 4, num_requests: 12, assert_promql: ['max(aibench_gpu_power_watts{slurm_job_id="$slurm_job_id", gpu="7"}) > 0'] }, { provenance });
    expect(empty.status).toBe('failed');
    expect(empty.reasons[0]).toMatch(/^assert-promql max\(aibench_gpu_power_watts.*: no data: .* returned no series over the run window \(could not be evaluated\)$/);
  });

  it('an unreachable Prometheus makes an assertion unevaluable, never a pass', async () => {
    const { status, reasons, doc } = await runOn({ prometheus_url: 'http://127.0.0.1:1', service: 'truth-svc', concurrency: 2, num_requests: 4, assert_promql: ['max(up) > 0'] }, { provenance });
    expect(status).toBe('failed');
    expect(reasons[0]).toMatch(/could not be queried/);
    expect(doc.gpu?.note).toMatch(/^Prometheus could not be asked/);
  });
});
