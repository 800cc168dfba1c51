// The HTML report opened in a real browser (Debian's Chromium via playwright-core; never a downloaded
// one) with every network request blocked and counted: none may be made, no console error may be
// logged, every chart must be drawn with its data, and the page's numbers must be the JSON's.
// Screenshots for people land in .aibench-test/screenshots/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportData } from '../../src/report/chart-spec.js';
import { RESULTS } from '../helpers/result-fixtures.js';
import { REPO_ROOT, runBin } from '../helpers/run-bin.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(REPO_ROOT, '.aibench-test', 'screenshots');
const work = mkdtempSync(join(tmpdir(), 'aibench-report-it-'));
let browser: Browser;

interface Opened {
  page: Page;
  /** Every request the page tried, beyond the document itself. */
  requests: string[];
  errors: string[];
}

async function open(file: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const opened: Opened = { page, requests: [], errors: [] };
  const url = pathToFileURL(file).href;
  await page.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    opened.requests.push(route.request().url());
    return route.abort();
  });
  // The page's CSP stops a fetch before it reaches the route; Chromium then logs a console error
  // ("Loading the image ... violates the following Content Security Policy directive"), counted here.
  page.on('console', (m) => void (m.type() === 'error' && opened.errors.push(m.text())));
  page.on('pageerror', (e) => opened.errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return opened;
}

function embedded(html: string): ReportData {
  return JSON.parse(/<script type="application\/json" id="aibench-data">(.*?)<\/script>/s.exec(html)![1]!) as ReportData;
}

// Per chart: drawn series/points as the page recorded them, and painted pixels on its canvas.
async function drawnCharts(page: Page): Promise<Array<{ id: string; points: number; painted: number; errors: string[] }>> {
  // In the page: what src/report/view/report-view.ts recorded (its own Window type is not in this program).
  return page.evaluate(() => {
    const report = (window as unknown as { aibenchReport: { charts: Array<{ id: string; points: number }>; errors: string[] } }).aibenchReport;
    return report.charts.map((c) => {
      const canvas = document.querySelector(`#chart-${c.id} canvas`) as HTMLCanvasElement | null;
      let painted = 0;
      if (canvas !== null) {
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
      }
      return { id: c.id, points: c.points, painted, errors: report.errors };
    });
  });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (scripts/test-cluster.sh installs it)`);
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
});

describe('aibench report in Chromium', () => {
  it('makes no request, logs no error, draws every chart with its data, and shows the JSON\'s numbers', async () => {
    const out = join(work, 'report.html');
    const files = ['base.json', 'same.json', 'sweep.json', 'rate.json'].map((f) => join(RESULTS, 'detailed', f));
    const made = await runBin(['report', ...files, '--out', out]);
    expect(made.stderr).toContain('report of 6 run(s) written to');
    expect(made.exitCode).toBe(0);
    const html = readFileSync(out, 'utf8');
    const specs = embedded(html).charts;

    const { page, requests, errors } = await open(out);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    const drawn = await drawnCharts(page);
    expect(drawn.map((c) => c.id)).toEqual(specs.map((s) => s.id));
    expect(drawn[0]?.errors).toEqual([]);
    for (const [i, chart] of drawn.entries()) {
      const expected = specs[i]!.data.slice(1).reduce((n, col) => n + col.filter((v) => v !== null).length, 0);
      expect({ id: chart.id, points: chart.points }).toEqual({ id: specs[i]!.id, points: expected });
      expect(chart.painted, `${chart.id} has painted pixels`).toBeGreaterThan(2000);
    }
    expect(specs.map((s) => s.id)).toEqual(expect.arrayContaining(['sweep-ttft', 'g0-ttft-overlay', 'r0-ttft-hist', 'r0-inflight', 'r5-ttft-time']));

    // The base run's summary, as the page shows it, against its JSON.
    const base = JSON.parse(readFileSync(files[0]!, 'utf8')) as Record<string, number>;
    const cells = await page.$$eval('#r0 table.summary td[data-field]', (tds) => tds.map((td) => ({ field: td.getAttribute('data-field')!, value: td.getAttribute('data-value'), text: td.textContent })));
    expect(cells.length).toBe(28); // 4 counts, the duration, 3 throughputs, 4 latencies x (mean, median, p90, p95, p99)
    for (const cell of cells) {
      expect(Number(cell.value), cell.field).toBe(base[cell.field]);
      expect(cell.text).toBe(['completed', 'failed', 'total_input_tokens', 'total_output_tokens'].includes(cell.field) ? String(base[cell.field]) : base[cell.field]!.toFixed(2));
    }
    await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
    await page.close();
  }, 120_000);

  it('the history page: nightly directories, one chart per metric, the regression marked', async () => {
    for (const [day, name] of ['fast-1', 'fast-2', 'fast-3', 'fast-4', 'slow'].entries()) {
      const doc = JSON.parse(readFileSync(join(RESULTS, 'nightly', `${name}.json`), 'utf8'));
      doc.started_at = new Date(Date.UTC(2025, 0, 10 + day, 1, 30)).toISOString();
      doc.ended_at = new Date(Date.UTC(2025, 0, 10 + day, 1, 31)).toISOString();
      delete doc.date;
      mkdirSync(join(work, 'nightly', `2025-01-${10 + day}`), { recursive: true });
      writeFileSync(join(work, 'nightly', `2025-01-${10 + day}`, 'c4.json'), JSON.stringify(doc));
      writeFileSync(join(work, 'nightly', `2025-01-${10 + day}`, 'summary.json'), '{"suite":"nightly"}');
    }
    const out = join(work, 'history.html');
    const run = await runBin(['history', join(work, 'nightly'), '--metric', 'median_tpot_ms,output_throughput', '--html', out, '--fail-on-regression']);
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain('skipped 5 JSON file(s) that are not aibench results');
    const { page, requests, errors } = await open(out);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    const drawn = await drawnCharts(page);
    expect(drawn.map((c) => [c.id, c.points])).toEqual([['h0-0', 5], ['h0-1', 5]]);
    for (const chart of drawn) expect(chart.painted).toBeGreaterThan(2000);
    expect(await page.$$eval('td.bad', (tds) => tds.map((td) => td.textContent))).toEqual(['REGRESSED', 'REGRESSED']);
    await page.screenshot({ path: join(SHOTS, 'history.png'), fullPage: true });
    await page.close();
  }, 120_000);
});
