#!/usr/bin/env node
// npm run bench:startup — how long aibench takes to start, side by side with Node's own start-up.
// Each command runs N times in a fresh process (median and min of the wall time from spawn to exit):
// `node -e ''`, `aibench --version`, `aibench --help`, a warm `aibench service models ID` (a READY
// service in a throwaway HOME whose model list is cached), and the time from spawning
// `aibench bench run --url URL --model m` (every default: 100 random prompts of 1,024 tokens) to its
// first completion request reaching a small OpenAI-compatible responder in this process (probes such
// as /version do not count), and to the start of a one-request run against the embedded simulator
// (the result's started_at, when no --url is given). Runs the built bin (npm run build first), or the
// one named by --bin (an installed `aibench`, say). Not a test: figures depend on the machine.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '15' }, bin: { type: 'string' }, json: { type: 'boolean' } } });
const RUNS = Number(opts.runs);
const BIN = opts.bin ?? fileURLToPath(new URL('../bin/aibench.js', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'aibench-startup-'));
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state'), XDG_CACHE_HOME: join(home, '.cache'), NO_COLOR: '1', AIBENCH_CONFIG: '' };
delete env.AIBENCH_CONFIG;

/** Spawn argv; resolve with the wall time (ms) from spawn to exit; reject on a non-zero exit. */
function timed(argv) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${argv.join(' ')}: exit ${code}\n${err}`))));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Time every command RUNS times, interleaved (one of each per round) so a busy machine's load falls on all alike. */
async function sampleAll(commands) {
  const times = commands.map(() => []);
  for (const argv of commands) await timed(argv); // warm the file cache first
  for (let i = 0; i < RUNS; i++) {
    for (const [k, argv] of commands.entries()) times[k].push(await timed(argv));
  }
  return times.map((t) => ({ median_ms: median(t), min_ms: Math.min(...t) }));
}

/** A READY service `warm` on the built-in local cluster, with its model list cached (fresh for an hour). */
function seedWarmService() {
  const now = new Date().toISOString();
  const record = { id: 'warm', model: 'm', cluster: 'local', job_id: '1', status: 'READY', gpus: 0, vllm_args: [], created_at: now, updated_at: now, endpoint: { host: '127.0.0.1', port: 9, job_id: '1', started_at: now } };
  mkdirSync(join(home, '.state/aibench/services'), { recursive: true });
  writeFileSync(join(home, '.state/aibench/services/services.json'), JSON.stringify({ version: 1, services: { warm: record } }));
  mkdirSync(join(home, '.config/aibench'), { recursive: true });
  writeFileSync(join(home, '.config/aibench/config.yaml'), 'models_cache_ttl_s: 3600\n');
  mkdirSync(join(home, '.cache/aibench/models'), { recursive: true });
  writeFileSync(join(home, '.cache/aibench/models/warm.json'), JSON.stringify({ service_id: 'warm', job_id: '1', fetched_at_ms: Date.now(), models: ['m'] }));
}

/** A minimal OpenAI-compatible responder (no /version, no /metrics) that notes when the first completion request arrives. */
async function responder() {
  let onFirst = () => undefined;
  const server = createServer((req, res) => {
    if (req.url === '/v1/models') return res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model', max_model_len: 8192 }] }));
    // Only a completion is a benchmark request; probes before it (/version, /metrics) are not.
    if (req.method !== 'POST' || !req.url?.endsWith('/completions')) return res.writeHead(404).end();
    req.resume();
    req.on('end', () => {
      onFirst();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, text: 'x', finish_reason: 'length' }], usage: { prompt_tokens: 1024, completion_tokens: 1 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  const firstRequest = () => new Promise((resolve, reject) => {
    const start = performance.now();
    let first;
    onFirst = () => (first ??= performance.now() - start);
    const child = spawn(process.execPath, [BIN, 'bench', 'run', '--url', url, '--model', 'm', '--quiet'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 && first !== undefined ? resolve(first) : reject(new Error(`bench run: exit ${code}\n${err}`))));
  });
  return { firstRequest, close: () => server.close() };
}

/** The same against the embedded simulator (no --url): the result's started_at is when the first request went out. */
function firstRequestEmbedded() {
  return new Promise((resolve, reject) => {
    const out = join(home, 'embedded.json');
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, [BIN, 'bench', 'run', '--num-requests', '1', '--output-len', '1', '--out', out, '--quiet'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(Date.parse(JSON.parse(readFileSync(out, 'utf8')).started_at) - spawnedAt) : reject(new Error(`bench run: exit ${code}\n${err}`))));
  });
}

async function main() {
  seedWarmService();
  const commands = [
    ['node -e \'\'', [process.execPath, '-e', '']],
    ['aibench --version', [process.execPath, BIN, '--version']],
    ['aibench --help', [process.execPath, BIN, '--help']],
    ['aibench service models ID (cached)', [process.execPath, BIN, 'service', 'models', 'warm']],
  ];
  const samples = await sampleAll(commands.map(([, argv]) => argv));
  const rows = commands.map(([name], k) => [name, samples[k]]);
  const node = samples[0];
  const server = await responder();
  const firsts = [];
  await server.firstRequest();
  for (let i = 0; i < RUNS; i++) firsts.push(await server.firstRequest());
  server.close();
  const embedded = [];
  await firstRequestEmbedded();
  for (let i = 0; i < Math.min(RUNS, 7); i++) embedded.push(await firstRequestEmbedded());
  rmSync(home, { recursive: true, force: true });
  const doc = {
    machine: `${cpus().length} x ${cpus()[0]?.model ?? '?'}, Node ${process.version}`, runs: RUNS, bin: BIN,
    commands: rows.map(([name, r]) => ({ command: name, ...r, vs_node: r.median_ms / node.median_ms })),
    bench_run_first_request_ms: { median_ms: median(firsts), min_ms: Math.min(...firsts) },
    bench_run_embedded_first_request_ms: { median_ms: median(embedded), min_ms: Math.min(...embedded) },
  };
  if (opts.json) return console.log(JSON.stringify(doc, null, 2));
  console.log(`${doc.machine}; ${RUNS} runs each, wall time from spawn to exit`);
  console.log('| command | median | min | x node |\n|---|---|---|---|');
  for (const c of doc.commands) console.log(`| \`${c.command}\` | ${c.median_ms.toFixed(0)} ms | ${c.min_ms.toFixed(0)} ms | ${c.vs_node.toFixed(2)} |`);
  const f = doc.bench_run_first_request_ms;
  console.log(`| \`aibench bench run --url URL\`: spawn to first request | ${f.median_ms.toFixed(0)} ms | ${f.min_ms.toFixed(0)} ms | |`);
  const e = doc.bench_run_embedded_first_request_ms;
  console.log(`| \`aibench bench run\` (embedded simulator): spawn to first request | ${e.median_ms.toFixed(0)} ms | ${e.min_ms.toFixed(0)} ms | |`);
}

await main();
