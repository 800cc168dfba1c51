// A real browser (Debian's headless Chromium via playwright-core; never a downloaded one) on a page
// from ANOTHER origin runs the dashboard's own Start-benchmark getPayload code with Duration (min) = 5
// and POSTs it with the Bearer token; CORS must let it through, and the benchmark must be recorded
// with duration_seconds 300. A page from an origin not configured must be refused by the browser.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { START_BENCHMARK_PAYLOAD } from '../../src/grafana/form-code.js';
import { startBenchmarkForm } from '../../src/grafana/forms.js';
import { readyService, startRealApi, stoppedService, type ApiHarness } from './api-helpers.js';
import { poll } from '../helpers/poll.js';

const CHROMIUM = '/usr/bin/chromium';

// The page: run getPayload as the Business Forms plugin does (new Function('context', code)), then
// send the payload as the plugin's update request does (POST, JSON, the Authorization header).
function page(apiUrl: string, token: string, code: string, elements: unknown): string {
  const script = `
    window.result = (async () => {
      const getPayload = new Function('context', ${JSON.stringify(code)});
      const payload = getPayload({ panel: { elements: ${JSON.stringify(elements)} } });
      try {
        const res = await fetch(${JSON.stringify(`${apiUrl}/api/benchmarks`)}, {
          method: 'POST', mode: 'cors',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + ${JSON.stringify(token)} },
          body: JSON.stringify(payload),
        });
        return { payload, status: res.status, body: await res.json() };
      } catch (error) {
        return { payload, error: String(error) };
      }
    })();`;
  return `<!doctype html><html><head><title>form</title></head><body><script>${script}</script></body></html>`;
}

/** The dashboard's Start-benchmark elements with the person's choices filled in. */
function formElements(serviceId: string, minutes: number): Array<{ id: string; value: unknown }> {
  const panel = startBenchmarkForm().build() as { options: { elements: Array<{ id: string; value: unknown }> } };
  return panel.options.elements.map((e) => (e.id === 'service_id' ? { ...e, value: serviceId } : e.id === 'duration_min' ? { ...e, value: minutes } : e));
}

let api: ApiHarness;
let pages: Server;
let pagePort = 0;
let browser: Browser;
let html = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (CI installs it before the integration tests)`);
  pages = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagePort = (pages.address() as AddressInfo).port;
  // Only the 127.0.0.1 page origin is allowed; the same page as http://localhost:PORT is another origin.
  api = await startRealApi([`http://127.0.0.1:${pagePort}`]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await new Promise<void>((resolve) => (pages ? pages.close(() => resolve()) : resolve()));
});

interface PageResult {
  payload: Record<string, unknown>;
  status?: number;
  body?: { id: string; tier: string };
  error?: string;
}

async function submitFrom(origin: string): Promise<PageResult> {
  const tab = await browser.newPage();
  try {
    await tab.goto(`${origin}/form`);
    return (await tab.evaluate('window.result')) as PageResult;
  } finally {
    await tab.close();
  }
}

describe('the Start-benchmark form in a real browser', () => {
  it('5 minutes -> duration_seconds 300, accepted cross-origin with the token; another origin is refused', async () => {
    const name = `it-brw-${Date.now().toString(36)}`;
    await readyService(api, name);
    html = page(api.url, api.token, START_BENCHMARK_PAYLOAD, formElements(name, 5));

    const sent = await submitFrom(`http://127.0.0.1:${pagePort}`);
    expect(sent.error).toBeUndefined();
    expect(sent.payload).toMatchObject({ service_id: name, duration_seconds: 300, run_now: false });
    expect(sent.payload).not.toHaveProperty('duration_min');
    expect(sent.status).toBe(202);
    expect(sent.body?.tier).toBe('interactive'); // a person at a form

    const id = sent.body?.id as string;
    const running = await poll('benchmark running with a first completed request', async () => {
      const got = await api.call('GET', `/api/benchmarks/${id}`);
      return got.body.status === 'running' && (got.body.progress?.completed ?? 0) > 0 ? got.body : undefined;
    }, 60_000);
    expect(running.request.duration_seconds).toBe(300);
    const cancelled = await api.call('DELETE', `/api/benchmarks/${id}`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', request: { duration_seconds: 300 } });
    expect(cancelled.body.result.config.stop.duration_s).toBe(300);

    const refused = await submitFrom(`http://localhost:${pagePort}`);
    expect(refused.status).toBeUndefined();
    expect(refused.error).toMatch(/TypeError|Failed to fetch/);
    const all = await api.call('GET', '/api/benchmarks');
    expect(all.body).toHaveLength(1);

    expect(await api.call('DELETE', `/api/services/${name}`)).toMatchObject({ status: 202, body: { status: 'STOPPING' } });
    await stoppedService(api, name);
  }, 240_000);
});
