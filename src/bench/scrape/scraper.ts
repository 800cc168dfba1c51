// Scrape a server's /metrics every interval during a measured phase: one scrape when it starts (the
// baseline, awaited before the first request), one every interval, and one when it stops (after
// the last response), each reduced at once to the few numbers a result needs. A service group's
// replicas are scraped together, a round at a time, so their points can be added up round by
// round. A target whose /metrics is missing or not vLLM's is recorded as such after the first
// answer and left alone.
import { performance } from 'node:perf_hooks';
import { httpRequest, safeUrl } from '../../exec/http.js';
import { errorMessage } from '../../errors.js';
import { parsePromText } from './prom-text.js';
import type { ScrapeLog } from './server-metrics.js';
import { hasVllmSeries, vllmPoint } from './vllm-point.js';

/** One server to scrape: its base URL, the one requests go to (directly, through a forward, or from a cluster client). */
interface ScrapeTarget {
  url: string;
  /** A service group's replica id (every replica of a group is scraped, round by round). */
  replica?: string;
}

interface ScrapeOptions {
  targets: readonly ScrapeTarget[];
  apiKey?: string;
  intervalS: number;
  /** Milliseconds on the clock of the run's window (default performance.now). */
  clock?: () => number;
}

export interface RunningScraper {
  /** Take the final scrape and return everything collected, one log per target. */
  stop(): Promise<ScrapeLog[]>;
}

/** The /metrics URL of a server base URL. */
function metricsUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/metrics`;
}

/** Start scraping every target together, a round each interval; resolves after the baseline round. */
export async function startScraper(options: ScrapeOptions): Promise<RunningScraper> {
  const clock = options.clock ?? (() => performance.now());
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  const timeoutMs = Math.min(10_000, Math.max(1000, options.intervalS * 1000));
  const targets = options.targets.map((target) => {
    const url = metricsUrl(target.url);
    const log: ScrapeLog = { intervalS: options.intervalS, url: safeUrl(url), points: [], failures: 0, errors: [], ...(target.replica === undefined ? {} : { replica: target.replica }) };
    return { url, log };
  });
  const live = () => targets.filter((t) => t.log.unavailable === undefined);
  let round = 0;
  let inFlight: Promise<void> | undefined;
  const scrape = (): Promise<void> => {
    if (inFlight === undefined) {
      const r = round++;
      inFlight = Promise.all(live().map((t) => scrapeOnce(t.url, headers, timeoutMs, clock, t.log, r))).then(() => undefined).finally(() => (inFlight = undefined));
    }
    return inFlight;
  };
  await scrape();
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    timer = setTimeout(() => {
      if (live().length === 0) return;
      void scrape();
      tick();
    }, options.intervalS * 1000);
    timer.unref();
  };
  if (live().length > 0) tick();
  return {
    async stop() {
      clearTimeout(timer);
      await inFlight;
      if (live().length > 0) await scrape();
      return targets.map((t) => t.log);
    },
  };
}

// One GET /metrics into the log: a point of round `round`, a failure, or the verdict that there is nothing to scrape.
async function scrapeOnce(url: string, headers: Record<string, string>, timeoutMs: number, clock: () => number, log: ScrapeLog, round: number): Promise<void> {
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
    log.points.push({ ...vllmPoint(exposition, t), round });
  } catch (error) {
    log.failures++;
    if (log.errors.length < 5) log.errors.push(errorMessage(error));
  }
}
