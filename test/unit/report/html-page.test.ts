// The HTML report as a string (run after `npm run build`: the inlined assets come from dist/).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChartSpec, ReportData } from '../../../src/report/chart-spec.js';
import { reportAssets, type ReportAssets } from '../../../src/report/html-assets.js';
import { buildHtmlReport, writeHtmlReport } from '../../../src/report/html-page.js';
import { fixture, fixtureRuns, withoutDetail } from '../../helpers/result-fixtures.js';

let assets: ReportAssets;
beforeAll(async () => {
  assets = await reportAssets();
});

function embedded(html: string): ReportData {
  const match = /<script type="application\/json" id="aibench-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(match![1]!) as ReportData;
}

describe('buildHtmlReport', () => {
  const runs = [
    { file: '/r/base.json', doc: fixture('detailed/base.json') },
    { file: '/r/same.json', doc: fixture('detailed/same.json') },
    ...fixtureRuns('detailed/sweep.json').map((doc, step) => ({ file: '/r/sweep.json', doc, step })),
    { file: '/r/plain.json', doc: withoutDetail(fixture('nightly/fast-1.json')) },
  ];

  it('is one self-contained page: every script and style inline, nothing to fetch, a CSP that forbids fetching', () => {
    const html = buildHtmlReport(runs, assets);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/);
    expect(html).toContain(assets.uplotJs);
  });

  it('places every chart it embeds: distributions, timelines, overlays and the sweep curve', () => {
    const html = buildHtmlReport(runs, assets);
    const ids = embedded(html).charts.map((c: ChartSpec) => c.id);
    for (const id of ids) expect(html).toContain(`id="chart-${id}"`);
    expect(ids).toEqual(expect.arrayContaining(['sweep-ttft', 'sweep-tpot', 'g0-ttft-overlay', 'r0-ttft-hist', 'r0-itl-cdf', 'r0-inflight', 'r0-tokens', 'r0-ttft-time']));
    expect(ids.filter((id) => id.startsWith('r5-'))).toEqual([]); // the run without detail
    expect(html).toContain('No per-request detail in this result');
    const sweep = embedded(html).charts.find((c) => c.id === 'sweep-ttft')!;
    expect(sweep.data[0]).toHaveLength(3); // one point per load level
  });

  it('shows the summary numbers of the JSON, each cell carrying the exact value', () => {
    const html = buildHtmlReport(runs.slice(0, 1), assets);
    const doc = runs[0]!.doc as unknown as Record<string, number>;
    const cells = [...html.matchAll(/<td class="num" data-field="([^"]+)" data-value="([^"]+)">([^<]*)<\/td>/g)];
    expect(cells.length).toBeGreaterThan(30);
    for (const [, field, value, text] of cells) {
      expect(Number(value)).toBe(doc[field!]);
      expect(text).toBe(Number.isInteger(doc[field!]) && !field!.includes('_ms') && !field!.includes('throughput') ? String(doc[field!]) : doc[field!]!.toFixed(2));
    }
  });

  it('escapes what a result carries: a hostile label cannot become markup or end the data script', () => {
    const doc = structuredClone(fixture('detailed/base.json'));
    doc.label = '</script><img src=x onerror=alert(1)>';
    const html = buildHtmlReport([{ file: 'x.json', doc }], assets);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(embedded(html).charts.length).toBeGreaterThan(0);
  });

  it('marks the percentiles with the result\'s own values', () => {
    const html = buildHtmlReport(runs.slice(0, 1), assets);
    const hist = embedded(html).charts.find((c) => c.id === 'r0-ttft-hist')!;
    const doc = runs[0]!.doc;
    expect(hist.markers).toEqual([
      { x: doc.median_ttft_ms, label: `median ${doc.median_ttft_ms!.toFixed(2)}` },
      { x: doc.p90_ttft_ms, label: `p90 ${doc.p90_ttft_ms!.toFixed(2)}` },
      { x: doc.p99_ttft_ms, label: `p99 ${doc.p99_ttft_ms!.toFixed(2)}` },
    ]);
  });
});

describe('writeHtmlReport (bench run --html, suite report.html)', () => {
  it('writes the report of documents in memory, a sweep included', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'aibench-report-')), 'report.html');
    const sweep = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/results/detailed/sweep.json'), 'utf8'));
    await writeHtmlReport([sweep, fixture('detailed/base.json')], path);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('Overview: 4 runs');
    expect(html).toContain('[2] · concurrency@2');
  });
});
