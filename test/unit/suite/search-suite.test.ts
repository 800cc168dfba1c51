// A suite benchmark can be a search: a binding's `search:` becomes one task per input x output
// length, run against the embedded simulator here, written as a search document, summarised with
// its answer, drawn as a curve in report.html, and resumed from its file.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/schema.js';
import { SearchDocumentSchema } from '../../../src/bench/results/result-schema.js';
import { planSuite, renderPlanTable } from '../../../src/suite/plan.js';
import { runSuite } from '../../../src/suite/run.js';
import { parseSuite } from '../../../src/suite/schema.js';
import { createServiceLauncher } from '../../../src/suite/services.js';
import { summaryCsv } from '../../../src/suite/summary.js';

// 2 slots of 20 ms + 4 x 30 ms = 140 ms: with TTFT <= 70 ms nothing may queue, so the answer is 2 in flight.
const suite = (extra: object = {}) => parseSuite({
  name: 'unit-search',
  services: [{ id: 'sim', sim: { max_num_seqs: 2, itl_ms: 30, prefill_overhead_ms: 20, prefill_ms_per_token: 0 } }],
  matrix: { input_len: [8], output_len: [5], num_requests: 12 },
  benchmarks: [{ service: 'sim', search: { slo: ['p99_ttft_ms<=70'], concurrency_range: '1:8', ...extra } }],
}, 'x.yaml');

describe('suite search', () => {
  it('plans one search task per length pair, each step stopped like the matrix says', () => {
    const plan = planSuite(suite());
    expect(plan.tasks.map((t) => t.id)).toEqual(['sim__search-concurrency_in8_out5']);
    expect(plan.tasks[0]?.spec.search).toEqual({ over: 'concurrency', lo: 1, hi: 8, slo: ['p99_ttft_ms<=70'], precision_pct: 5, max_steps: 12 });
    expect(plan.tasks[0]?.spec.stop).toMatchObject({ num_requests: 12 });
    expect(renderPlanTable(plan)).toContain('search concurrency 1..8');
    expect(() => planSuite(suite({ rate_range: '4:2' }))).toThrow(/sim__search-.*: (rate_range|concurrency_range): /);
  });

  it('refuses a search binding with a bad SLO before anything runs', () => {
    expect(() => planSuite(parseSuite({ ...suite(), benchmarks: [{ service: 'sim', search: { slo: ['p99_nothing<=1'], rate_range: '1:2' } }] }, 'x.yaml'))).toThrow(/slo: unknown result field "p99_nothing"/);
  });

  it('runs it, writes the search document, puts the answer in the summary and the curve in the report; --resume reuses it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'suite-search-'));
    const launcher = () => createServiceLauncher({ config: ConfigSchema.parse({}) });
    const summary = await runSuite({ plan: planSuite(suite()), outDir: out, launcher: launcher(), signal: new AbortController().signal });
    expect(summary.counts).toMatchObject({ total: 1, passed: 1 });
    const doc = SearchDocumentSchema.parse(JSON.parse(readFileSync(join(out, 'sim__search-concurrency_in8_out5.json'), 'utf8')));
    expect(doc.answer).toBe(2);
    expect(doc.bracket).toEqual({ passed: 2, failed: 3 });
    expect(summary.benchmarks[0]).toMatchObject({ load: 'search concurrency 1..8', search_answer: 2, status: 'passed' });
    expect(summaryCsv(summary).split('\n')[1]).toMatch(/,2$/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="search"');
    expect(html).toContain('answer: 2 in flight');
    const resumed = await runSuite({ plan: planSuite(suite()), outDir: out, resume: true, launcher: launcher(), signal: new AbortController().signal });
    expect(resumed.benchmarks[0]).toMatchObject({ resumed: true, search_answer: 2, status: 'passed' });
  });
});
