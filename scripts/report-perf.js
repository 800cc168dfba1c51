#!/usr/bin/env node
// npm run report:perf — how fast is the HTML report on a big detailed result? Builds a 100k-request
// --save-detailed result through the real pipeline (computeMetrics -> toRequestDetail ->
// outputDocument -> writeResultFile; latencies drawn from a seeded model of a closed loop at
// concurrency 64), then measures: `aibench report` end to end (a fresh process), the same in-process
// split into read+validate / build / write, the HTML size, and the render time in Debian's Chromium
// (navigation until the page's script has drawn every chart). Runs against dist/ (npm run build first).
// Usage: node scripts/report-perf.js [--requests 100000] [--output-len 32] [--repeat 3]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({ options: { requests: { type: 'string', default: '100000' }, 'output-len': { type: 'string', default: '32' }, repeat: { type: 'string', default: '3' } } });
const [N, OUT, REPEAT] = [Number(opt.requests), Number(opt['output-len']), Number(opt.repeat)];
const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { computeMetrics } = await import(dist('bench/results/metrics.js'));
const { toResultFields, toRequestDetail, toVllmDetailArrays } = await import(dist('bench/results/result-fields.js'));
const { outputDocument, writeResultFile } = await import(dist('bench/results/result-io.js'));
const { createRng } = await import(dist('common/rng.js'));
const { loadResultInputs } = await import(dist('report/result-inputs.js'));
const { buildHtmlReport } = await import(dist('report/html-page.js'));
const { reportAssets } = await import(dist('report/html-assets.js'));

// Closed loop at concurrency 64: TTFT 30 ms + an exponential tail, ITL 10-15 ms, 0.5 % failures.
function records() {
  const random = createRng(42);
  const free = new Array(64).fill(0);
  const out = [];
  for (let i = 0; i < N; i++) {
    let w = 0;
    for (let j = 1; j < free.length; j++) if (free[j] < free[w]) w = j;
    const start = free[w];
    const fail = random() < 0.005;
    const chunks = [];
    let t = start + 30 - 20 * Math.log(1 - random());
    for (let k = 0; k < (fail ? 0 : OUT); k++, t += 10 + 5 * random()) chunks.push(t);
    const end = fail ? start + 5 : chunks[chunks.length - 1] + 0.2;
    free[w] = end;
    out.push({ index: i, startMs: start, scheduledMs: start, chunkTimesMs: chunks, endMs: end, success: !fail, status: fail ? 500 : 200,
      ...(fail ? { error: 'HTTP 500' } : {}), promptTokens: 512, outputTokens: fail ? 0 : OUT, outputTokensSource: 'usage', expectedOutputTokens: OUT });
  }
  return { out, durationS: Math.max(...free) / 1000 };
}

async function makeResult(path) {
  const { out, durationS } = records();
  const metrics = computeMetrics(out, { durationS, percentiles: [50, 90, 99] });
  const now = new Date();
  const doc = {
    schema_version: 1, kind: 'run', aibench_version: 'perf', started_at: now.toISOString(), ended_at: new Date(now.getTime() + durationS * 1000).toISOString(),
    duration_s: durationS, label: 'concurrency@64',
    config: { target: { url: 'http://127.0.0.1:8000', model: 'perf-model', api: 'completions' }, load: { kind: 'concurrency', concurrency: 64 },
      stop: { num_requests: N, on_deadline: 'finish' }, dataset: { kind: 'random', input_len: 512, output_len: OUT, range_ratio: 0, seed: 0 },
      warmup: { num_requests: 0 }, percentiles: [50, 90, 99] },
    tokenizer: { kind: 'fallback', name: 'cl100k_base' }, provenance: {}, client: {}, errors: metrics.errors,
    requests: out.map(toRequestDetail), ...toVllmDetailArrays(out), ...toResultFields(metrics),
  };
  await writeResultFile(path, await outputDocument([doc], `${path}.invalid.json`));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0) => performance.now() - t0;

async function renderMs(browser, file) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  let requests = 0;
  await page.route('**/*', (route) => (route.request().url() === `file://${file}` ? route.continue() : (requests++, route.abort())));
  const t0 = performance.now();
  await page.goto(`file://${file}`);
  await page.waitForSelector('body[data-ready="true"]');
  const took = ms(t0);
  const charts = await page.evaluate(() => window.aibenchReport.charts.length);
  await page.close();
  return { took, requests, charts };
}

const dir = mkdtempSync(join(tmpdir(), 'aibench-report-perf-'));
const input = join(dir, 'big.json');
const html = join(dir, 'big.html');
let t0 = performance.now();
await makeResult(input);
console.log(`${N.toLocaleString('en-US')} requests x ${OUT} output tokens: result ${(statSync(input).size / 1e6).toFixed(1)} MB, made in ${(ms(t0) / 1000).toFixed(1)} s`);

const cli = [];
for (let i = 0; i < REPEAT; i++) {
  t0 = performance.now();
  execFileSync(process.execPath, [new URL('../bin/aibench.js', import.meta.url).pathname, 'report', input, '--out', html, '--quiet']);
  cli.push(ms(t0));
}
const split = { read: [], build: [] };
for (let i = 0; i < REPEAT; i++) {
  t0 = performance.now();
  const { runs } = await loadResultInputs([input]);
  split.read.push(ms(t0));
  const assets = await reportAssets();
  t0 = performance.now();
  buildHtmlReport(runs, assets);
  split.build.push(ms(t0));
}
console.log(`aibench report (whole command, new process): median ${median(cli).toFixed(0)} ms of ${REPEAT}`);
console.log(`  of which read + JSON.parse + validate: ${median(split.read).toFixed(0)} ms; build the page: ${median(split.build).toFixed(0)} ms`);
console.log(`HTML: ${(statSync(html).size / 1e6).toFixed(2)} MB`);

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const renders = [];
for (let i = 0; i < REPEAT; i++) renders.push(await renderMs(browser, html));
await browser.close();
console.log(`Chromium render (navigation until every chart is drawn): median ${median(renders.map((r) => r.took)).toFixed(0)} ms of ${REPEAT}; ${renders[0].charts} charts; ${renders[0].requests} network requests`);
