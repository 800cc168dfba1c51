// The built bin: `bench run --json` against the embedded simulator, `bench compare` exit codes,
// duration refusals. Run after `npm run build`.
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResultDocumentSchema } from '../../src/bench/results/result-schema.js';
import { parseSimArgs } from '../../src/cli/sim-args.js';
import { startSimServer } from '../../src/sim/server.js';
import { runBin, startBin, type BinResult } from '../helpers/run-bin.js';

const home = mkdtempSync(join(tmpdir(), 'aibench-e2e-bench-'));
const binOptions = { home, timeoutMs: 50_000, env: { AIBENCH_CONFIG: join(home, 'none.yaml') } };
const aibench = (args: string[]): Promise<BinResult> => runBin(args, binOptions);

const quick = ['--num-requests', '12', '--concurrency', '4', '--input-len', '16', '--output-len', '8'];
let basePath = '';

describe('aibench bench (built bin)', () => {
  beforeAll(async () => {
    basePath = join(home, 'base.json');
    const run = await aibench(['bench', 'run', ...quick, '--out', basePath, '--quiet']);
    expect(run.exitCode).toBe(0);
  });

  it('run --json prints exactly one schema-valid result document on stdout', async () => {
    const { exitCode, stdout } = await aibench(['bench', 'run', ...quick, '--json', '--percentiles', '50,99.9']);
    expect(exitCode).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(stdout));
    expect(doc.completed).toBe(12);
    expect(doc.failed).toBe(0);
    expect(doc['p99.9_ttft_ms' as keyof typeof doc]).toBeTypeOf('number');
    expect(doc.config.target.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(doc.tokenizer).toMatchObject({ kind: 'fallback', name: 'cl100k_base' });
    expect(doc.tokenizer.fallback_reason).toMatch(/no tokenizer.json for facebook\/opt-125m/);
  });

  it('--save-detailed writes per-request records and vLLM\'s lists, from which the statistics recompute', async () => {
    const { exitCode, stdout } = await aibench(['bench', 'run', ...quick, '--json', '--save-detailed', '--warmup', '2']);
    expect(exitCode).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(stdout));
    const measured = doc.requests!.filter((r) => !r.warmup);
    expect(doc.requests).toHaveLength(14);
    expect(measured).toHaveLength(12);
    expect(doc.input_lens).toEqual(measured.map((r) => r.prompt_tokens));
    expect(doc.output_lens).toEqual(measured.map(() => 8));
    // vLLM's lists are the records' values in seconds, to the nanosecond like them (no binary tail).
    doc.ttfts!.forEach((s, i) => expect(s * 1000).toBeCloseTo(measured[i]!.ttft_ms!, 9));
    for (const value of [...doc.ttfts!, ...doc.itls!.flat(), ...measured.flatMap((r) => [r.ttft_ms!, r.e2el_ms, ...r.itl_ms])]) {
      expect(String(value)).toMatch(/^\d+(\.\d{1,9})?$/);
    }
    expect(measured.map((r) => r.itl_ms.map((ms) => String(ms).split('.')[1]?.length ?? 0)).flat().every((d) => d <= 6)).toBe(true);
    expect(doc.itls!.map((gaps) => gaps.length)).toEqual(measured.map(() => 7));
    const sorted = [...doc.ttfts!].sort((a, b) => a - b);
    expect(((sorted[5]! + sorted[6]!) / 2) * 1000).toBeCloseTo(doc.median_ttft_ms!, 6);
    expect(doc.itls!.flat().reduce((a, b) => a + b, 0) * 1000 / (12 * 7)).toBeCloseTo(doc.mean_itl_ms!, 6);
  });

  it('--repeat 2 writes both repetitions and the mean and 95% CI of each headline metric', async () => {
    const { exitCode, stdout, stderr } = await aibench(['bench', 'run', ...quick, '--repeat', '2', '--json']);
    expect(exitCode).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ kind: 'repeat', repeat: 2 });
    expect(doc.runs).toHaveLength(2);
    expect(doc.summary[0].metrics.output_throughput.n).toBe(2);
    expect(doc.summary[0].metrics.output_throughput.mean).toBeCloseTo((doc.runs[0].output_throughput + doc.runs[1].output_throughput) / 2, 9);
    expect(stderr).not.toMatch(/error/);
  });

  it('refuses to start against a URL where nothing answers: exit 1 naming the URL, before any request and without a result file', async () => {
    // A port that was just free: nothing listens there now.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const out = join(home, 'nothing-there.json');
    const { exitCode, stderr } = await aibench(['bench', 'run', '--url', `http://127.0.0.1:${port}`, '--model', 'm', '--num-requests', '5000', '--out', out]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain(`error: Expected http://127.0.0.1:${port}/v1/models to answer before the first request, got connect ECONNREFUSED`);
    expect(stderr).not.toMatch(/5000x|Successful requests/);
    expect(() => statSync(out)).toThrow();
  });

  it('--out writes a valid document', () => {
    const doc = ResultDocumentSchema.parse(JSON.parse(readFileSync(basePath, 'utf8')));
    expect(doc.total_output_tokens).toBe(12 * 8);
  });

  it('compare exits 0 when nothing regressed and 3 past --max-regression', async () => {
    const same = await aibench(['bench', 'compare', basePath, basePath, '--max-regression', '5%']);
    expect(same.exitCode).toBe(0);
    expect(same.stderr).toContain('p99_ttft_ms');
    const worse = JSON.parse(readFileSync(basePath, 'utf8'));
    worse.p99_ttft_ms *= 2;
    const worsePath = join(home, 'worse.json');
    writeFileSync(worsePath, JSON.stringify(worse));
    const regressed = await aibench(['bench', 'compare', basePath, worsePath, '--max-regression', '5%', '--metrics', 'p99_ttft_ms', '--json']);
    expect(regressed.exitCode).toBe(3);
    expect(JSON.parse(regressed.stdout).steps[0].rows[0]).toMatchObject({ metric: 'p99_ttft_ms', regressed: true });
    expect(regressed.stderr).toMatch(/regressed/);
  });

  it('--fail-on exits 3 when breached', async () => {
    const { exitCode, stderr } = await aibench(['bench', 'run', ...quick, '--quiet', '--fail-on', 'mean_ttft_ms>0.001']);
    expect(exitCode).toBe(3);
    expect(stderr).toContain('mean_ttft_ms');
  });

  it('refuses --duration 0 and --duration 5m with exit 2 naming duration', async () => {
    for (const bad of ['0', '5m']) {
      const { exitCode, stderr } = await aibench(['bench', 'run', '--duration', bad]);
      expect(exitCode).toBe(2);
      expect(stderr).toMatch(/duration: expected minutes/);
    }
  });

  it('refuses an API key file readable by others', async () => {
    const keyFile = join(home, 'key');
    writeFileSync(keyFile, 'sk-secret-value\n');
    chmodSync(keyFile, 0o644);
    const { exitCode, stderr } = await aibench(['bench', 'run', '--api-key-file', keyFile]);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/0600/);
    expect(stderr).not.toContain('sk-secret-value');
  });
});

describe('never lose a measurement (built bin)', () => {
  it('--url and --model without lengths runs with the documented defaults 1024/128 and writes the result', async () => {
    const sim = await startSimServer(parseSimArgs(['--host', '127.0.0.1', '--port', '0', '--itl-ms', '0', '--prefill-overhead-ms', '0']).options);
    try {
      const out = join(home, 'defaults.json');
      const run = await aibench(['bench', 'run', '--url', sim.url, '--model', 'facebook/opt-125m', '--num-requests', '3', '--out', out, '--quiet']);
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      const doc = ResultDocumentSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
      expect(doc.config.dataset).toMatchObject({ kind: 'random', input_len: 1024, output_len: 128 });
      expect(doc.completed).toBe(3);
    } finally {
      await sim.close();
    }
  });

  it('--out - prints the document on stdout; --out /dev/full fails with exit 1 and leaves the device a device', async () => {
    const dash = await aibench(['bench', 'run', ...quick, '--out', '-', '--quiet']);
    expect(dash.exitCode).toBe(0);
    expect(ResultDocumentSchema.parse(JSON.parse(dash.stdout)).completed).toBe(12);
    const full = await aibench(['bench', 'run', ...quick, '--out', '/dev/full', '--quiet']);
    expect(full.exitCode).toBe(1);
    expect(full.stderr).toMatch(/Cannot write result \/dev\/full: ENOSPC/);
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('Ctrl-C writes what was measured, marked interrupted, and exits 130', async () => {
    const out = join(home, 'interrupted.json');
    const child = startBin(['bench', 'run', '--duration', '1', '--concurrency', '2', '--input-len', '8', '--output-len', '400', '--out', out], binOptions);
    let stderr = '';
    let scheduled = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // One Ctrl-C: a second would exit at once (130) without the clean stop this test is about.
      if (!scheduled && stderr.includes('tokenizer')) {
        scheduled = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    expect((await child).exitCode).toBe(130);
    const doc = ResultDocumentSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(doc.interrupted?.reason).toBe('SIGINT');
    expect(doc.cut_reasons?.interrupted).toBe(2);
    expect(doc.cut_reasons?.deadline).toBeUndefined();
  });
});
