// The built bin: `bench compare` with significance and workload refusals, `report`, `history`,
// their exit codes (0 ok, 2 usage / different workloads, 3 significant regression) and outputs.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESULTS } from '../helpers/result-fixtures.js';
import { runBin } from '../helpers/run-bin.js';

const detailed = (name: string): string => join(RESULTS, 'detailed', `${name}.json`);
const nightly = (name: string): string => join(RESULTS, 'nightly', `${name}.json`);
const work = mkdtempSync(join(tmpdir(), 'aibench-e2e-report-'));

// A result without its per-request detail, as `bench run` writes it without --save-detailed.
function plainCopy(from: string, to: string): string {
  const doc = JSON.parse(readFileSync(from, 'utf8'));
  for (const key of ['requests', 'input_lens', 'output_lens', 'ttfts', 'itls']) delete doc[key];
  writeFileSync(to, JSON.stringify(doc));
  return to;
}

describe('aibench bench compare (built bin)', () => {
  it('warns that an interrupted input measured only part of its run', async () => {
    const doc = JSON.parse(readFileSync(detailed('same'), 'utf8'));
    doc.interrupted = { reason: 'SIGINT', at: doc.ended_at };
    const cut = join(work, 'interrupted.json');
    writeFileSync(cut, JSON.stringify(doc));
    const { stderr } = await runBin(['bench', 'compare', detailed('base'), cut]);
    expect(stderr).toContain(`warning: ${cut} was interrupted (SIGINT at ${doc.ended_at}): it measured only part of its run, so it is not like for like`);
    const history = await runBin(['history', cut, detailed('base')]);
    expect(history.stderr).toContain(`warning: ${cut} was interrupted (SIGINT`);
  });

  it('exits 3 on a significant regression past the threshold, naming the test and interval', async () => {
    const { exitCode, stderr } = await runBin(['bench', 'compare', detailed('base'), detailed('slower'), '--max-regression', '5%']);
    expect(exitCode).toBe(3);
    expect(stderr).toMatch(/error: 18 metric\(s\) regressed by more than 5%:\n[\s\S]*concurrency@4 output_throughput -21\.\d%: not assessed \(1 run vs 1\): one number per run/);
    expect(stderr).toMatch(/concurrency@4 median_tpot_ms \+29\.\d%: significant: bootstrap of the difference of p50 \(2000 resamples, seed 1\), 95% CI \[\+2\.9\d, \+3\.0\d\], p=0\.0005/);
  });

  it('exits 0 for two runs of one workload: a p99 past 5% on 80 requests is noise, and says so', async () => {
    const { exitCode, stderr } = await runBin(['bench', 'compare', detailed('base'), detailed('same'), '--max-regression', '5%']);
    expect(exitCode).toBe(0);
    expect(stderr).toMatch(/p99_ttft_ms .*\+12\.2% .*bootstrap p=0\.\d+ .*worse, not significant/);
  });

  it('refuses different workloads with exit 2 naming the fields, unless --allow-different', async () => {
    const refused = await runBin(['bench', 'compare', detailed('base'), detailed('rate')]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('error: Refusing to compare different workloads:\n  load: concurrency@4 (base) vs poisson@20.00 (new)\n  output_len: 16 (base) vs 8 (new)');
    expect(refused.stderr).toContain('--allow-different');
    const allowed = await runBin(['bench', 'compare', detailed('base'), detailed('rate'), '--allow-different', '--json']);
    expect(allowed.exitCode).toBe(0);
    expect(JSON.parse(allowed.stdout).steps[0].differences).toEqual([
      { field: 'load', base: 'concurrency@4', next: 'poisson@20.00' }, { field: 'output_len', base: '16', next: '8' },
    ]);
    expect(allowed.stderr).toContain('warning: different workloads (--allow-different): load concurrency@4 (base) vs poisson@20.00 (new)');
  });

  it('takes directories of repetitions and tests them with Welch over the repetitions', async () => {
    const [base, next] = [join(work, 'reps-base'), join(work, 'reps-new')];
    mkdirSync(base);
    mkdirSync(next);
    for (const i of [1, 2, 3]) copyFileSync(nightly(`fast-${i}`), join(base, `fast-${i}.json`));
    copyFileSync(nightly('slow'), join(next, 'slow.json'));
    plainCopy(detailed('slower'), join(next, 'slower.json'));
    const { exitCode, stdout, stderr } = await runBin(['bench', 'compare', base, next, '--max-regression', '5%', '--metrics', 'output_throughput', '--json']);
    expect(exitCode).toBe(3);
    const report = JSON.parse(stdout);
    expect(report.steps[0].base_files).toHaveLength(3);
    expect(report.steps[0].rows[0]).toMatchObject({ metric: 'output_throughput', regressed: true, significance: { method: 'welch-repetitions', significant: true } });
    expect(stderr).toMatch(/Welch t over 3\+2 repetitions/);
  });

  it('without per-request samples falls back to the threshold, with a note', async () => {
    const [a, b] = [plainCopy(detailed('base'), join(work, 'plain-a.json')), plainCopy(detailed('same'), join(work, 'plain-b.json'))];
    const { exitCode, stderr } = await runBin(['bench', 'compare', a, b, '--max-regression', '5%', '--metrics', 'p99_ttft_ms']);
    expect(exitCode).toBe(3);
    expect(stderr).toContain('note: not assessed (1 run vs 1): no per-request samples on both sides (--save-detailed) and no repetitions; the threshold alone decides');
    expect(stderr).toMatch(/REGRESSED \(threshold only\)/);
  });
});

describe('aibench report (built bin)', () => {
  it('writes one HTML file from files and directories, skipping what is not a result', async () => {
    const dir = join(work, 'suite-out');
    mkdirSync(dir);
    copyFileSync(detailed('sweep'), join(dir, 'sweep.json'));
    writeFileSync(join(dir, 'summary.json'), '{"suite": "x"}');
    const out = join(work, 'r.html');
    const { exitCode, stderr } = await runBin(['report', dir, detailed('base'), '--out', out]);
    expect(exitCode).toBe(0);
    expect(stderr).toContain('skipped 1 JSON file(s) that are not aibench results');
    expect(stderr).toContain(`report of 4 run(s) written to ${out}`);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>[\s\S]*Overview: 4 runs[\s\S]*<\/html>\n$/);
  });

  it('exits 2 for a missing path and for a file that is not a valid result, naming it', async () => {
    const missing = await runBin(['report', join(work, 'nope')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('nope: expected a result file or a directory, got nothing there');
    const bad = join(work, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schema_version: 1, kind: 'run' }));
    const invalid = await runBin(['report', bad, '--out', join(work, 'x.html')]);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain(`${bad}: not a valid aibench result`);
    expect(invalid.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it.each([['report'], ['history']])('%s --help shows an example', async (cmd) => {
    const { exitCode, stdout } = await runBin([cmd, '--help']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Example');
  });
});

describe('aibench history (built bin)', () => {
  const root = join(work, 'nightly');
  const night = (day: number, name: string): void => {
    const doc = JSON.parse(readFileSync(nightly(name), 'utf8'));
    doc.started_at = new Date(Date.UTC(2025, 0, day, 1, 30)).toISOString();
    doc.ended_at = new Date(Date.UTC(2025, 0, day, 1, 31)).toISOString();
    mkdirSync(join(root, `2025-01-0${day}`), { recursive: true });
    writeFileSync(join(root, `2025-01-0${day}`, 'c4.json'), JSON.stringify(doc));
  };

  it('prints the trend as JSON and exits 3 with --fail-on-regression when the newest night regressed', async () => {
    for (const day of [1, 2, 3, 4, 5]) night(day, `fast-${day}`);
    night(6, 'slow');
    const ok = await runBin(['history', root, '--json', '--metric', 'median_tpot_ms']);
    expect(ok.exitCode).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.groups[0].metrics[0]).toMatchObject({ metric: 'median_tpot_ms', regressed: true, significance: { method: 'prediction-interval' } });
    expect(report.groups[0].runs).toHaveLength(6);
    const gate = await runBin(['history', root, '--fail-on-regression', '--metric', 'median_tpot_ms,p99_ttft_ms']);
    expect(gate.exitCode).toBe(3);
    expect(gate.stderr).toMatch(/median_tpot_ms \+29\.\d% vs the trailing window: significant: 95% prediction interval of 5 trailing runs/);
    expect(gate.stderr).toMatch(/│ median_tpot_ms *│ 6 *│ 13\.00/);
  });

  it('refuses an unknown metric and a bad --since with exit 2', async () => {
    const metric = await runBin(['history', root, '--metric', 'p99_latency']);
    expect(metric.exitCode).toBe(2);
    expect(metric.stderr).toContain('metric: unknown result field "p99_latency"');
    const since = await runBin(['history', root, '--since', 'last week']);
    expect(since.exitCode).toBe(2);
    expect(since.stderr).toContain('since: expected a duration like 30d');
  });
});

describe('aibench bench results --html (built bin)', () => {
  it('writes the report of the control API\'s results', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aibench-e2e-results-'));
    const dir = join(home, '.local/state/aibench/results');
    mkdirSync(dir, { recursive: true });
    copyFileSync(detailed('base'), join(dir, 'bm-1.json'));
    const out = join(home, 'results.html');
    const { exitCode, stderr } = await runBin(['bench', 'results', '--html', out], { home });
    expect(exitCode, stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>control API results</title>');
    expect(html).toContain('concurrency@4');
  });
});
