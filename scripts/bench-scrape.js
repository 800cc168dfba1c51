#!/usr/bin/env node
// npm run bench:scrape — does scraping the server's /metrics disturb the measurement? The same load
// with --scrape-interval 1 and 0 (off), alternating, several times: the client's event-loop delay
// p99, its event-loop utilisation and its CPU time per output token. The simulator runs in a
// separate process (as in bench-client.js) so only the client's cost is measured. Uses dist/.
import { startSim } from './sim-process.js';

const REPS = Number(process.env.REPS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 8);

async function once(url, concurrency, scrape) {
  const { runBenchmark } = await import('../dist/bench/engine/runner.js');
  const { buildBenchSpec } = await import('../dist/bench/spec/build-spec.js');
  const spec = buildBenchSpec({ url, concurrency, duration_seconds: SECONDS, input_len: 32, output_len: 128, seed: 1, warmup: Math.min(concurrency, 32), scrape_interval_s: scrape });
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const { runs } = await runBenchmark(spec, { url });
  const cpu = process.cpuUsage(cpu0);
  const doc = runs[0];
  return {
    eld: doc.client.event_loop_delay_p99_ms ?? 0, elu: performance.eventLoopUtilization(elu0).utilization,
    cpuUsPerToken: (cpu.user + cpu.system) / doc.total_output_tokens, tokS: doc.output_throughput, samples: doc.server_metrics?.samples ?? 0,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n, d = 2) => n.toFixed(d);

async function main() {
  const sim = await startSim(['--itl-ms', '10', '--prefill-overhead-ms', '5', '--prefill-ms-per-token', '0']);
  console.log(`client cost of scraping, sim itl 10 ms, 128 output tokens, ${SECONDS} s per run, ${REPS} runs each (medians)`);
  console.log('concurrency | scrape | client ELD p99 ms | client ELU | CPU µs per output token | out tok/s | scrapes');
  for (const c of [64, 256]) {
    const by = { 1: [], 0: [] };
    for (let i = 0; i < REPS; i++) for (const s of [1, 0]) by[s].push(await once(sim.url, c, s));
    for (const s of [1, 0]) {
      const m = (k) => median(by[s].map((r) => r[k]));
      console.log(`${String(c).padStart(11)} | ${s ? '1 s' : 'off'}    | ${f(m('eld'))} | ${f(m('elu'))} | ${f(m('cpuUsPerToken'))} | ${f(m('tokS'), 0)} | ${m('samples')}`);
    }
  }
  await sim.stop();
}

await main();
