// The realistic workloads against the simulator (in process, port 0), checked on what the server
// saw (its request log and /metrics) as well as on the result: a ramp's send rate per window, the
// prefix cache's hit rate on shared prefixes, multi-turn order, history and think time, a trace's
// arrival times, and a batch job's queue wait and duration.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/bench/engine/runner.js';
import { ResultDocumentSchema } from '../../src/bench/results/result-schema.js';
import type { BenchInput } from '../../src/bench/spec/bench-input.js';
import { buildBenchSpec } from '../../src/bench/spec/build-spec.js';
import { parseSimArgs } from '../../src/cli/sim-args.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { outputText } from '../../src/sim/tokens.js';

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const dir = mkdtempSync(join(tmpdir(), 'aibench-workloads-'));

async function sim(...args: string[]): Promise<string> {
  const server = await startSimServer(parseSimArgs(['--host', '127.0.0.1', '--port', '0', ...args]).options);
  servers.push(server);
  return server.url;
}

async function run(url: string, input: BenchInput) {
  const { runs, verdict } = await runBenchmark(buildBenchSpec({ url, seed: 1, ...input }), { url });
  return { doc: ResultDocumentSchema.parse(runs[0]), verdict };
}

interface LogLine {
  arrived_at: number;
  ended_at: number;
  prompt_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  messages?: Array<{ role: string; length: number; head: string }>;
}
const readLog = (path: string): LogLine[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogLine);

async function counter(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return Number(line?.split(' ').pop());
}

describe('workloads against the simulator', () => {
  it('ramp: the send rate in each second follows the linear ramp from 5 to 45 req/s', async () => {
    const url = await sim('--itl-ms', '0', '--prefill-overhead-ms', '1', '--prefill-ms-per-token', '0');
    const { doc } = await run(url, { ramp_up: 'linear', ramp_up_start: 5, ramp_up_end: 45, burstiness: 50, duration_seconds: 4, input_len: 16, output_len: 2, save_detailed: true });
    expect(doc.config.load).toEqual({ kind: 'ramp', shape: 'linear', start_rate: 5, end_rate: 45, burstiness: 50 });
    expect(doc.label).toBe('gamma(b=50)@linear-ramp(5.00..45.00)');
    const perSecond = [0, 0, 0, 0];
    for (const r of doc.requests ?? []) perSecond[Math.min(3, Math.floor((r.start_ms ?? 0) / 1000))]! += 1;
    // The ramp's integral over second k: 5 + 10 (k + 0.5) requests.
    [10, 20, 30, 40].forEach((want, k) => expect(Math.abs(perSecond[k]! - want)).toBeLessThanOrEqual(Math.ceil(want * 0.2) + 2));
    expect(doc.completed).toBe(perSecond.reduce((a, b) => a + b, 0));
  });

  it('prefix: shared prefixes hit the prefix cache at about (1 - K/N) x P/M, and only first uses pay the full prefill', async () => {
    const log = join(dir, 'prefix.jsonl');
    const url = await sim('--enable-prefix-caching', '--itl-ms', '0', '--prefill-overhead-ms', '2', '--prefill-ms-per-token', '0.5', '--request-log', log);
    const { doc } = await run(url, { dataset: 'prefix', prefix_len: 256, num_prefixes: 4, input_len: 320, output_len: 2, num_requests: 40, concurrency: 1, save_detailed: true });
    expect(doc.completed).toBe(40);
    const rate = (await counter(url, 'vllm:prefix_cache_hits_total')) / (await counter(url, 'vllm:prefix_cache_queries_total'));
    expect(rate).toBeGreaterThan(0.9 * (256 / 320) - 0.08); // the server counts its own tokens, in whole 16-token blocks
    expect(rate).toBeLessThanOrEqual(0.9 * (256 / 320) + 0.02);
    await servers.splice(0).pop()?.close(); // flush the log
    // The server found nothing cached for exactly the K first uses, and the whole prefix for the rest.
    const lines = readLog(log).sort((a, b) => a.arrived_at - b.arrived_at);
    expect(lines).toHaveLength(40);
    const misses = lines.flatMap((l, k) => (l.cached_tokens === 0 ? [k] : []));
    expect(misses).toHaveLength(4);
    expect(lines.every((l) => l.cached_tokens === 0 || l.cached_tokens >= 256 - 16)).toBe(true);
    // The client sees it: a miss prefills ~320 tokens (~160 ms), a hit only the suffix (~32 ms).
    // Medians, so that one stall of this process (client and simulator share it) cannot decide.
    const ttfts = [...(doc.requests ?? [])].sort((a, b) => (a.start_ms ?? 0) - (b.start_ms ?? 0)).map((r) => r.ttft_ms ?? 0); // one at a time: the log's order
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    expect(median(misses.map((k) => ttfts[k]!))).toBeGreaterThan(100);
    expect(median(ttfts.filter((_, k) => !misses.includes(k)))).toBeLessThan(100);
  });

  it('multi-turn: turns in order, each carrying the whole history with the model\'s actual replies, after the think time', async () => {
    const log = join(dir, 'multi-turn.jsonl');
    const url = await sim('--itl-ms', '1', '--prefill-overhead-ms', '2', '--request-log', log);
    const { doc } = await run(url, { dataset: 'jsonl', multi_turn: true, dataset_path: 'test/fixtures/datasets/conversations.jsonl', concurrency: 3, num_requests: 12, think_time_ms: 100, save_detailed: true });
    await servers.splice(0).pop()?.close(); // flush the log
    const lines = readLog(log);
    expect(lines).toHaveLength(doc.completed);
    expect(doc.multi_turn?.sessions).toBe(12);
    const byConversation = new Map<string, LogLine[]>();
    for (const l of lines) {
      const first = l.messages?.find((m) => m.role === 'user')?.head ?? '';
      const id = /^conversation (\d+) turn/.exec(first)?.[1] as string;
      byConversation.set(id, [...(byConversation.get(id) ?? []), l]);
    }
    expect(byConversation.size).toBe(12);
    for (const requests of byConversation.values()) {
      requests.sort((a, b) => a.arrived_at - b.arrived_at);
      requests.forEach((r, k) => {
        const users = (r.messages ?? []).filter((m) => m.role === 'user');
        expect(users.map((m) => /turn (\d+)/.exec(m.head)?.[1])).toEqual(Array.from({ length: k + 1 }, (_, j) => String(j))); // order and history
        const replies = (r.messages ?? []).filter((m) => m.role === 'assistant');
        replies.forEach((m, j) => expect(m.length).toBe(outputText(requests[j]!.output_tokens).length)); // the server's own earlier replies
        if (k > 0) expect(r.prompt_tokens).toBeGreaterThan(requests[k - 1]!.prompt_tokens);
      });
    }
    // Think time: each pause the server saw is the drawn think time plus the client's lateness (pairs matched in sorted order).
    const gaps = [...byConversation.values()].flatMap((rs) => rs.slice(1).map((r, k) => r.arrived_at - rs[k]!.ended_at)).sort((a, b) => a - b);
    const thinks = (doc.requests ?? []).filter((r) => (r.turn ?? 0) > 0).map((r) => r.think_ms as number).sort((a, b) => a - b);
    expect(gaps).toHaveLength(thinks.length);
    // Never early; late by the client's lateness only: a few ms typically (the median), and even a
    // stall of this process (client and simulator share it) within 250 ms.
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(thinks[i]! - 2);
      expect(gap - thinks[i]!).toBeLessThan(250);
    });
    expect(gaps.map((gap, i) => gap - thinks[i]!).sort((a, b) => a - b)[Math.floor(gaps.length / 2)]).toBeLessThan(40);
    expect(doc.multi_turn?.mean_think_time_ms).toBeGreaterThan(40);
    expect(doc.multi_turn?.mean_think_time_ms).toBeLessThan(250);
  });

  it('trace: the server sees the trace\'s arrival times (scaled by 0.5) within the client\'s send lateness', async () => {
    const log = join(dir, 'trace.jsonl');
    const url = await sim('--itl-ms', '1', '--prefill-overhead-ms', '1', '--prefill-ms-per-token', '0.01', '--request-log', log);
    const { doc } = await run(url, { dataset: 'trace', dataset_path: 'test/fixtures/datasets/mooncake-small.jsonl', time_scale: 0.5, save_detailed: true });
    await servers.splice(0).pop()?.close();
    const trace = readFileSync('test/fixtures/datasets/mooncake-small.jsonl', 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { timestamp: number }).timestamp);
    const want = trace.map((t) => (t - trace[0]!) * 0.5);
    const seen = readLog(log).map((l) => l.arrived_at).sort((a, b) => a - b);
    expect(doc.completed).toBe(40);
    expect(doc.config.stop.until_end).toBe(true);
    expect(seen).toHaveLength(40);
    const lateness = Math.max(...(doc.requests ?? []).map((r) => r.send_lag_ms));
    seen.forEach((t, i) => expect(Math.abs(t - seen[0]! - want[i]!)).toBeLessThan(lateness + 25));
  });

  it('splits keep the meaning: two worker processes replay every trace line once at its time, and share the sessions', async () => {
    const url = await sim('--itl-ms', '1', '--prefill-overhead-ms', '1', '--prefill-ms-per-token', '0.01');
    const { runLocal } = await import('../../src/bench/engine/execute.js');
    const traced = await runLocal(buildBenchSpec({ url, dataset: 'trace', dataset_path: 'test/fixtures/datasets/mooncake-small.jsonl', time_scale: 0.5, workers: 2, save_detailed: true }), { url });
    const doc = ResultDocumentSchema.parse(traced.runs[0]);
    const requests = (doc.requests ?? []).sort((a, b) => a.index - b.index);
    expect(requests.map((r) => r.index)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(new Set(requests.map((r) => r.client))).toEqual(new Set([0, 1]));
    const trace = readFileSync('test/fixtures/datasets/mooncake-small.jsonl', 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { timestamp: number }).timestamp);
    const skew = doc.client.start_skew_ms ?? 0;
    requests.forEach((r, i) => expect(Math.abs((r.start_ms as number) - (trace[i]! - trace[0]!) * 0.5)).toBeLessThan(r.send_lag_ms + skew + 25));
    const sessions = await runLocal(buildBenchSpec({ url, dataset: 'jsonl', multi_turn: true, dataset_path: 'test/fixtures/datasets/conversations.jsonl', rate: 20, num_requests: 12, workers: 2, seed: 1 }), { url });
    const turns = ResultDocumentSchema.parse(sessions.runs[0]).multi_turn;
    expect(turns?.sessions).toBe(12);
    expect(turns?.turns[0]?.requests).toBe(12);
  });

  it('batch: one job through files + batches, its queue wait and duration as the latency model says', async () => {
    // 20 items of 11 tokens: 10 ms + 10 x 5 ms = 60 ms each, 4 slots: 5 rounds = 300 ms after a 400 ms queue.
    const url = await sim('--max-num-seqs', '4', '--itl-ms', '5', '--prefill-overhead-ms', '10', '--prefill-ms-per-token', '0', '--batch-queue-delay-ms', '400');
    const { doc, verdict } = await run(url, { api: 'batch', num_requests: 20, input_len: 30, output_len: 11, batch_poll_interval_s: 0.05 });
    expect(verdict.status).toBe('passed');
    expect(doc.config.load).toEqual({ kind: 'batch', poll_interval_s: 0.05 });
    expect([doc.completed, doc.failed, doc.total_output_tokens]).toEqual([20, 0, 220]);
    const b = doc.batch!;
    expect(b).toMatchObject({ status: 'completed', items: 20, completed: 20, failed: 0, poll_interval_s: 0.05 });
    expect(b.queue_wait_s).toBeGreaterThanOrEqual(0.4 - 0.01);
    expect(b.queue_wait_s).toBeLessThan(0.4 + 0.2);
    expect(b.job_duration_s).toBeGreaterThan(0.3 - 0.06);
    expect(b.job_duration_s).toBeLessThan(0.3 + 0.25);
    expect(b.job_output_throughput).toBeCloseTo(220 / (b.job_duration_s as number), 6);
    expect(doc.mean_ttft_ms).toBeUndefined(); // a batch has no first token to time
  });

  it('batch: failed items are counted with the server\'s reason', async () => {
    const url = await sim('--itl-ms', '0', '--error-rate', '0.5', '--seed', '3', '--batch-queue-delay-ms', '0');
    const { doc } = await run(url, { api: 'batch', num_requests: 20, input_len: 10, output_len: 2, batch_poll_interval_s: 0.05 });
    expect(doc.failed).toBeGreaterThan(0);
    expect(doc.completed + doc.failed).toBe(20);
    expect(doc.errors).toEqual({ 'Simulated server error (--error-rate)': doc.failed });
    expect(doc.batch?.failed).toBe(doc.failed);
  });
});
