#!/usr/bin/env node
// Dataset building and trace streaming, timed (npm run workload:perf, after npm run build):
//  1. 100k random and 100k shared-prefix prompts built (the runner's buildDataset), each in a fresh
//     process: wall time and peak RSS;
//  2. a 1 GB Mooncake trace, generated on the fly under /tmp (never committed): checked and then
//     every request built, as a replay reads it, without sending: time and peak RSS;
//  3. a 1 GB JSONL trace whose lines carry their prompts (~64 KB each), replayed in full against
//     the simulator (its own process) with the time scaled down: time, peak RSS, send lateness.
// Peak RSS is the child's getrusage maxrss; trace children run with the V8 heap capped at 256 MB.
// Usage: npm run build && node scripts/workload-perf.js [datasets] [trace-read] [trace-replay]
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => join(ROOT, 'dist', p);
const GB = 1024 ** 3;

async function child(mode, args) {
  const { buildDataset } = await import(dist('bench/datasets/build-dataset.js'));
  const { loadTokenizer } = await import(dist('bench/datasets/tokenizer.js'));
  const tokenizer = await loadTokenizer(undefined, {});
  const t0 = performance.now();
  let extra = {};
  if (mode === 'random' || mode === 'prefix') {
    const [n, len] = args.map(Number);
    const spec = mode === 'random' ? { kind: 'random', input_len: len, output_len: 128, range_ratio: 0 } : { kind: 'prefix', prefix_len: Math.floor(len * 0.75), num_prefixes: 100, input_len: len, output_len: 128 };
    const ds = await buildDataset(spec, tokenizer, n, 1);
    extra = { prompts: ds.entries.length, tokens: ds.entries.reduce((a, e) => a + e.promptTokens, 0) };
  } else if (mode === 'trace-read') {
    const ds = await buildDataset({ kind: 'trace', format: 'mooncake', path: args[0], block_size: 512 }, tokenizer, 0, 1);
    const scanned = performance.now();
    let requests = 0;
    let tokens = 0;
    for await (const a of ds.trace.arrivals(0, 1, 1)) {
      requests++;
      tokens += a.entry.promptTokens;
    }
    extra = { requests, tokens, scan_s: (scanned - t0) / 1000 };
  } else if (mode === 'trace-replay') {
    const { buildBenchSpec } = await import(dist('bench/spec/build-spec.js'));
    const { runBenchmark } = await import(dist('bench/engine/runner.js'));
    const [path, url, scale] = args;
    const spec = buildBenchSpec({ url, dataset: 'trace', trace_format: 'jsonl', dataset_path: path, time_scale: Number(scale), max_concurrency: 256 });
    const { runs } = await runBenchmark(spec, { url });
    const d = runs[0];
    extra = { completed: d.completed, failed: d.failed, duration_s: d.duration_s, send_lag_p99_ms: d.client.send_lag_p99_ms };
  }
  const result = { mode, seconds: (performance.now() - t0) / 1000, peak_rss_mb: process.resourceUsage().maxRSS / 1024, ...extra };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Trace children run with the V8 heap capped at 256 MB: a reader that kept the file (or its requests) would die.
function runChild(mode, args) {
  const cap = mode.startsWith('trace') ? ['--max-old-space-size=256'] : [];
  const out = execFileSync(process.execPath, [...cap, fileURLToPath(import.meta.url), '--child', mode, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop());
}

// Write lines until the file reaches `bytes` (backpressure respected).
async function writeUntil(path, bytes, line) {
  const out = createWriteStream(path);
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    const text = line(i);
    written += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return written;
}

async function mooncakeTrace(path) {
  // Like the published FAST'25 traces: ~3 requests/s, inputs of 1k-16k tokens in 512-token blocks, a shared first block.
  let next = 1;
  return writeUntil(path, GB, (i) => {
    const input = 1000 + ((i * 7919) % 15000);
    const ids = [0];
    while (ids.length < Math.ceil(input / 512)) ids.push(next++);
    return `${JSON.stringify({ timestamp: i * 333, input_length: input, output_length: 50 + (i % 400), hash_ids: ids })}\n`;
  });
}

async function promptTrace(path) {
  const words = 'the of and to in is it that was for on are with as his they be at one have this from or had by'.split(' ');
  const body = Array.from({ length: 17_000 }, (_, i) => words[(i * 31) % words.length]).join(' '); // ~64 KB, 17k tokens
  return writeUntil(path, GB, (i) => `${JSON.stringify({ timestamp_ms: i * 100, input_len: 17_000, output_len: 4, prompt: `${i} ${body}` })}\n`);
}

async function startSim() {
  const dir = mkdtempSync(join(tmpdir(), 'aibench-perf-sim-'));
  const ready = join(dir, 'ready.json');
  const sim = spawn(process.execPath, [join(ROOT, 'bin/aibench.js'), 'sim', '--port', '0', '--itl-ms', '0', '--prefill-ms-per-token', '0', '--max-model-len', '40000', '--max-num-seqs', '512', '--ready-file', ready], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !existsSync(ready); i++) await new Promise((r) => setTimeout(r, 100));
  const { port } = JSON.parse((await import('node:fs')).readFileSync(ready, 'utf8'));
  return { url: `http://127.0.0.1:${port}`, stop: () => sim.kill('SIGTERM') };
}

// Parts to run: `datasets`, `trace-read`, `trace-replay` (default: all), each row printed as it is measured.
async function main(parts) {
  const want = (part) => parts.length === 0 || parts.includes(part);
  const print = (row) => process.stdout.write(`${JSON.stringify(row)}\n`);
  if (want('datasets')) for (const [mode, n, len] of [['random', 100_000, 256], ['random', 100_000, 1024], ['prefix', 100_000, 1024]]) print(runChild(mode, [String(n), String(len)]));
  const dir = mkdtempSync(join(tmpdir(), 'aibench-perf-trace-'));
  try {
    if (want('trace-read')) {
      const mooncake = join(dir, 'mooncake-1g.jsonl');
      await mooncakeTrace(mooncake);
      print({ ...runChild('trace-read', [mooncake]), file_gb: statSync(mooncake).size / GB });
      rmSync(mooncake);
    }
    if (want('trace-replay')) {
      const prompts = join(dir, 'prompts-1g.jsonl');
      await promptTrace(prompts);
      const sim = await startSim();
      try {
        // ~16.6k requests 100 ms apart in trace time (~28 min), replayed 10x faster: ~166 s at 100 req/s.
        print({ ...runChild('trace-replay', [prompts, sim.url, '0.1']), file_gb: statSync(prompts).size / GB });
      } finally {
        sim.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv.slice(4));
else await main(process.argv.slice(2));
