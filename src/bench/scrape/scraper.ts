// Scrape a server's /metrics every interval during a measured phase: one scrape when it starts (the
// baseline, awaited before the first request), one every interval, and one when it stops (after
// the last response), each reduced at once to the few numbers a result needs. A target whose
// /metrics is missing or not vLLM's is recorded as such after the first answer and left alone.
import { performance } from 'node:perf_hooks';
import { httpRequest, safeUrl } from '../../exec/http.js';
import { errorMessage } from '../../errors.js';
import { parsePromText } from './prom-text.js';
import type { ScrapeLog } from './server-metrics.js';
import { hasVllmSeries, vllmPoint } from './vllm-point.js';

interface ScrapeTarget {
  /** The server's base URL, the one requests go to (directly, through a forward, or from a cluster client). */
  url: string;
  apiKey?: string;
  intervalS: number;
  /** Milliseconds on the clock of the run's window (default performance.now). */
  clock?: () => number;
}

export interface RunningScraper {
  /** Take the final scrape and return everything collected. */
  stop(): Promise<ScrapeLog>;
}

/** The /metrics URL of a server base URL. */
function metricsUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/metrics`;
}

/** Start scraping; resolves after the baseline scrape. */
export async function startScraper(target: ScrapeTarget): Promise<RunningScraper> {
  const clock = target.clock ?? (() => performance.now());
  const url = metricsUrl(target.url);
  const log: ScrapeLog = { intervalS: target.intervalS, url: safeUrl(url), points: [], failures: 0, errors: [] };
  const headers: Record<string, string> = target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
  const timeoutMs = Math.min(10_000, Math.max(1000, target.intervalS * 1000));
  let inFlight: Promise<void> | undefined;
  const scrape = (): Promise<void> => (inFlight ??= scrapeOnce(url, headers, timeoutMs, clock, log).finally(() => (inFlight = undefined)));
  await scrape();
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    timer = setTimeout(() => {
      if (log.unavailable !== undefined) return;
      void scrape();
      tick();
    }, target.intervalS * 1000);
    timer.unref();
  };
  if (log.unavailable === undefined) tick();
  return {
    async stop() {
      clearTimeout(timer);
      await inFlight;
      if (log.unavailable === undefined) await scrape();
      return log;
    },
  };
}

// One GET /metrics into the log: a point, a failure, or the verdict that there is nothing to scrape.
async function scrapeOnce(url: string, headers: Record<string, string>, timeoutMs: number, clock: () => number, log: ScrapeLog): Promise<void> {
  try {
    const res = await httpRequest(url, { headers, timeoutMs, label: 'scrape' });
    const t = clock();
    if (res.status === 404) return void (log.unavailable = `GET /metrics answered 404: the server exports no metrics`);
    if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
    const exposition = parsePromText(await res.text());
    if (!hasVllmSeries(exposition)) {
      if (log.points.length === 0) log.unavailable = 'GET /metrics answered without any vllm:* series (not a vLLM server?)';
      else throw new Error('GET /metrics answered without any vllm:* series');
      return;
    }
    log.points.push(vllmPoint(exposition, t));
  } catch (error) {
    log.failures++;
    if (log.errors.length < 5) log.errors.push(errorMessage(error));
  }
}
