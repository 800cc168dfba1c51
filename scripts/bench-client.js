#!/usr/bin/env node
// npm run bench:client — how accurate and how fast is the benchmark client itself?
// The simulator runs in a SEPARATE process (scripts/sim-process.js) so client and server never share
// an event loop. (a) timing error of measured median TTFT / ITL vs configured, at concurrency
// 1, 64, 256; (b) the highest streamed tokens/s and requests/s before the client's own
// event-loop delay p99 exceeds 1 ms. Runs against dist/ (npm run build first).
import { fileURLToPath } from 'node:url';
import { startSim } from './sim-process.js';

async function bench(url, concurrency, stop, inputLen, outputLen) {
  const { runBenchmark } = await import('../dist/bench/engine/runner.js');
  const { buildBenchSpec } = await import('../dist/bench/spec/build-spec.js');
  const spec = buildBenchSpec({ url, concurrency, ...stop, input_len: inputLen, output_len: outputLen, seed: 1, warmup: Math.min(concurrency, 32), percentiles: [50, 99] });
  const elu0 = performance.eventLoopUtilization();
  const { runs } = await runBenchmark(spec, { url });
  // Event-loop utilization of the client (busy fraction, includes dataset building): robust where
  // the 1 ms-resolution delay histogram sits at its quantization floor.
  return { ...runs[0], elu: performance.eventLoopUtilization(elu0).utilization };
}

const f = (n, d = 2) => (typeof n === 'number' ? n.toFixed(d) : '-');

// (c) A bare undici stream reader: the least CPU any client could spend per streamed token (it only
// counts `data: {` events, parses nothing, records nothing).
async function bareReader(url, concurrency, requests, outputLen) {
  const { Pool } = await import('undici');
  const pool = new Pool(url, { connections: concurrency });
  const body = JSON.stringify({ model: 'facebook/opt-125m', prompt: 'hello world', max_tokens: outputLen, stream: true, ignore_eos: true });
  let tokens = 0;
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      next++;
      const res = await pool.request({ path: '/v1/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body });
      for await (const chunk of res.body) {
        const text = chunk.toString('latin1');
        for (let i = text.indexOf('data: {'); i >= 0; i = text.indexOf('data: {', i + 7)) tokens++;
      }
    }
  };
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpu0);
  await pool.close();
  return { cpuS: (cpu.user + cpu.system) / 1e6, tokens };
}

// aibench in this process: CPU from the first measured send to the end (setup excluded).
async function inProcessCpu(url, concurrency, requests, outputLen) {
  const { runBenchmark } = await import('../dist/bench/engine/runner.js');
  const { buildBenchSpec } = await import('../dist/bench/spec/build-spec.js');
  const spec = buildBenchSpec({ url, concurrency, num_requests: requests, input_len: 32, output_len: outputLen, seed: 1 });
  let cpu0;
  const { runs } = await runBenchmark(spec, { url }, { onProgress: (e) => { if (e.phase === 'measure' && cpu0 === undefined) cpu0 = process.cpuUsage(); } });
  const cpu = process.cpuUsage(cpu0);
  return { cpuS: (cpu.user + cpu.system) / 1e6, tokens: runs[0].total_output_tokens, throughput: runs[0].output_throughput };
}

// `bench run --workers N` as its own process: user + system CPU of it and its worker processes (GNU time).
async function workersCpu(url, workers, concurrency, requests, outputLen) {
  const { spawnSync } = await import('node:child_process');
  const bin = fileURLToPath(new URL('../bin/aibench.js', import.meta.url));
  const args = ['-f', '%U %S', process.execPath, bin, 'bench', 'run', '--url', url, '--workers', String(workers), '--concurrency', String(concurrency),
    '--num-requests', String(requests), '--input-len', '32', '--output-len', String(outputLen), '--json', '--quiet'];
  // stdout is the result document; GNU time writes its line last on stderr.
  const res = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.status !== 0) throw new Error(`bench run --workers ${workers}: exit ${res.status}\n${res.stderr}`);
  const stdout = res.stdout;
  const times = res.stderr.trim().split('\n').pop();
  const doc = JSON.parse(stdout);
  const [user, sys] = (times ?? '0 0').split(' ').map(Number);
  return { cpuS: user + sys, tokens: doc.total_output_tokens, throughput: doc.output_throughput };
}

// Marginal CPU per million tokens: (big run - small run) / (their token difference), so fixed start-up costs cancel.
const perMillion = (big, small) => ((big.cpuS - small.cpuS) / (big.tokens - small.tokens)) * 1e6;

async function cpuPerToken() {
  const { cpus } = await import('node:os');
  console.log(`\n(c) client CPU-seconds per million streamed tokens (marginal), sim itl 0 ms, 128 output tokens, concurrency 64, ${cpus().length} cores`);
  const sim = await startSim(['--itl-ms', '0', '--prefill-overhead-ms', '0', '--prefill-ms-per-token', '0']);
  const big = 4000, small = 500;
  const bare = perMillion(await bareReader(sim.url, 64, big, 128), await bareReader(sim.url, 64, small, 128));
  const one = perMillion(await inProcessCpu(sim.url, 64, big, 128), await inProcessCpu(sim.url, 64, small, 128));
  console.log(`bare undici reader: ${f(bare)} CPU-s per M tokens`);
  console.log(`aibench, 1 worker (in process): ${f(one)} CPU-s per M tokens (${f((one / bare - 1) * 100, 1)}% over the bare reader)`);
  for (const w of [2, 4]) {
    const many = perMillion(await workersCpu(sim.url, w, 64, big, 128), await workersCpu(sim.url, w, 64, small, 128));
    console.log(`aibench --workers ${w}: ${f(many)} CPU-s per M tokens`);
  }
  await sim.stop();
}

async function main() {
  const ITL = 20, TTFT = 50; // prefill: 50 ms overhead, 0 ms per token
  console.log(`(a) timing error, sim itl ${ITL} ms, ttft ${TTFT} ms, 64 output tokens, simulator in a separate process`);
  console.log('concurrency | median TTFT ms (err) | median ITL ms (err) | client ELD p99 ms | send-lag p99 ms');
  const sim = await startSim(['--itl-ms', String(ITL), '--prefill-overhead-ms', String(TTFT), '--prefill-ms-per-token', '0']);
  for (const c of [1, 64, 256]) {
    const r = await bench(sim.url, c, { num_requests: Math.max(40, c * 3) }, 32, 64);
    console.log(`${String(c).padStart(11)} | ${f(r.median_ttft_ms)} (${f(r.median_ttft_ms - TTFT)}) | ${f(r.median_itl_ms)} (${f(r.median_itl_ms - ITL)}) | ${f(r.client.event_loop_delay_p99_ms)} | ${f(r.client.send_lag_p99_ms)}`);
  }
  await sim.stop();

  console.log('\n(b) client capacity, sim itl 10 ms, 128 output tokens, 8 s per step');
  console.log('concurrency | out tok/s | req/s | client ELD p99 ms | client ELU | failed');
  const fast = await startSim(['--itl-ms', '10', '--prefill-overhead-ms', '5', '--prefill-ms-per-token', '0']);
  let best;
  for (const c of [16, 64, 256, 512, 1024]) {
    const r = await bench(fast.url, c, { duration_seconds: 8 }, 32, 128);
    const eld = r.client.event_loop_delay_p99_ms ?? 0;
    console.log(`${String(c).padStart(11)} | ${f(r.output_throughput, 0)} | ${f(r.request_throughput, 1)} | ${f(eld)} | ${f(r.elu)} | ${r.failed}`);
    if (eld <= 1 && r.failed === 0 && best?.broken !== true) best = { c, tok: r.output_throughput, req: r.request_throughput };
    else if (best) best.broken = true;
  }
  await fast.stop();
  console.log(best ? `\nhighest sustained with client event-loop p99 <= 1 ms: concurrency ${best.c}, ${f(best.tok, 0)} output tok/s, ${f(best.req, 1)} req/s` : '\nclient event-loop p99 exceeded 1 ms at the first step');
}

if (process.argv.includes('--cpu')) {
  await cpuPerToken();
} else {
  await main();
  await cpuPerToken();
}
