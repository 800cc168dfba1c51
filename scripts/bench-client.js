#!/usr/bin/env node
// npm run bench:client — how accurate and how fast is the benchmark client itself?
// The simulator runs in a SEPARATE process (scripts/sim-process.js) so client and server never share
// an event loop. (a) timing error of measured median TTFT / ITL vs configured, at concurrency
// 1, 64, 256; (b) the highest streamed tokens/s and requests/s before the client's own
// event-loop delay p99 exceeds 1 ms. Runs against dist/ (npm run build first).
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

await main();
