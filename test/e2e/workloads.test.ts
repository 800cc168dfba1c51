// The built bin with the new workloads: named simulator scenarios, `bench search` (a search document
// on stdout, the table on stderr, a report with the curve), and bad input refused with exit 2
// naming the flag, the profile key or the trace line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SearchDocumentSchema } from '../../src/bench/results/result-schema.js';
import { runBin } from '../helpers/run-bin.js';

const dir = mkdtempSync(join(tmpdir(), 'aibench-e2e-workloads-'));

describe('simulator scenarios (built bin)', () => {
  it('--list-scenarios names each with what it does', async () => {
    const r = await runBin(['sim', '--list-scenarios']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['steady', 'slow-prefill', 'flaky-5pct', 'oom-at-start', 'overloaded']);
  });

  it('oom-at-start dies during start-up with a CUDA out-of-memory error (exit 1)', async () => {
    const r = await runBin(['sim', '--scenario', 'oom-at-start', '--port', '0']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/error: torch\.OutOfMemoryError: CUDA out of memory/);
  });

  it('an unknown scenario is refused (exit 2) listing the valid ones', async () => {
    const r = await runBin(['sim', '--scenario', 'melting']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--scenario: expected one of steady, slow-prefill, flaky-5pct, oom-at-start, overloaded/);
  });
});

describe('bench search (built bin)', () => {
  it('finds the highest concurrency of the embedded simulator that meets the SLO, with table, JSON and report', async () => {
    const profile = join(dir, 'sim.yaml');
    // 2 slots, 20 ms + 4 x 60 ms per request: a third in flight waits for a slot (260 ms), past the
    // 150 ms TTFT bound; two in flight see 20 ms, 130 ms inside it (a stall of the bin, which runs
    // client and simulator in one process, must not pass for a miss).
    writeFileSync(profile, 'sim: {max_num_seqs: 2, itl_ms: 60, prefill_overhead_ms: 20, prefill_ms_per_token: 0}\ninput_len: 8\noutput_len: 5\n');
    const [html, out] = [join(dir, 'search.html'), join(dir, 'search.json')];
    const r = await runBin(['bench', 'search', '--profile', profile, '--slo', 'p99_ttft_ms<=150', '--concurrency-range', '1:8', '--num-requests', '12', '--out', out, '--html', html]);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = SearchDocumentSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect([doc.answer, doc.stop_reason]).toEqual([2, 'converged']);
    expect(r.stderr).toMatch(/answer: 2 in flight \(met at 2, missed at 3\)/);
    expect(readFileSync(html, 'utf8')).toContain('id="search"');
  });

  it('refuses an SLO on an unknown metric, an empty range and a missing SLO (exit 2)', async () => {
    const unknown = await runBin(['bench', 'search', '--slo', 'p99_speed<=5', '--rate-range', '1:4']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/--slo: unknown result field "p99_speed"/);
    const empty = await runBin(['bench', 'search', '--slo', 'p99_ttft_ms<=5', '--rate-range', '4:4']);
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain('--rate-range: expected LO < HI, got an empty range "4:4"');
    const none = await runBin(['bench', 'search', '--num-requests', '3']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/--slo: expected at least one SLO/);
  });

  it('bench run refuses a profile that describes a search, pointing at bench search', async () => {
    const profile = join(dir, 'search.yaml');
    writeFileSync(profile, "slo: ['p99_ttft_ms<=500']\nrate_range: '1:8'\n");
    const r = await runBin(['bench', 'run', '--profile', profile]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/describes a search .* aibench bench search --profile/);
  });
});

describe('workload refusals (built bin)', () => {
  it('a ramp with concurrency, and a prefix longer than the prompt, exit 2 naming the flag', async () => {
    const ramp = await runBin(['bench', 'run', '--ramp-up', 'linear', '--ramp-up-start', '1', '--ramp-up-end', '4', '--concurrency', '2']);
    expect(ramp.exitCode).toBe(2);
    expect(ramp.stderr).toMatch(/--ramp-up: expected rate mode/);
    const prefix = await runBin(['bench', 'run', '--dataset', 'prefix', '--prefix-len', '64', '--input-len', '32']);
    expect(prefix.exitCode).toBe(2);
    expect(prefix.stderr).toMatch(/--prefix-len: expected fewer tokens than input_len \(32\)/);
  });

  it('a trace with a bad line is refused before any request, naming the line and why', async () => {
    const trace = join(dir, 'bad.jsonl');
    writeFileSync(trace, '{"timestamp": 0, "input_length": 10, "output_length": 2}\n{"timestamp": 5, "input_length": 10, "output_length": 2}\n{"timestamp": 9, "input_length": "ten", "output_length": 2}\n');
    const r = await runBin(['bench', 'run', '--dataset', 'trace', '--dataset-path', trace]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${trace} line 3: input_length: expected an integer >= 1, got "ten"`);
  });
});
