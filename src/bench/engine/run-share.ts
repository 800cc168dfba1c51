// One client's share of one load level: its warmup, then its measured phase, on its own
// connection pool. The in-process runner runs the only share; scale-out runs one per process.
import { performance } from 'node:perf_hooks';
import type { DatasetEntry } from '../datasets/dataset.js';
import type { BenchTokenizer } from '../datasets/tokenizer.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import { startScraper, type RunningScraper } from '../scrape/scraper.js';
import type { ScrapeLog } from '../scrape/server-metrics.js';
import { openBenchClient, type ReplicaTarget } from './replica-client.js';
import { startEventLoopMonitor } from './client-health.js';
import { runMeasuredPhase, type Workload } from './measured-phase.js';
import { runPhase, type PhaseCounts, type PhaseOptions } from './phase.js';
import type { BatchBlock } from '../results/workload-blocks.js';
import { connectionsFor } from './schedule.js';
import type { Share } from './share.js';
import type { RequestRecord } from './types.js';

interface ShareContext {
  spec: BenchSpec;
  url: string;
  apiKey?: string;
  model: string;
  tokenizer: BenchTokenizer;
  entries: readonly DatasetEntry[];
  /** A service group's replicas as this process reaches them (default: the spec's target.replicas). */
  replicas?: readonly ReplicaTarget[];
  /** Sessions or a trace, for the datasets that bring them. */
  workload?: Workload;
}

interface ShareHooks {
  signal?: AbortSignal;
  onProgress?: (phase: 'warmup' | 'measure', counts: PhaseCounts, phaseStartMs: number) => void;
  onRecord?: (record: RequestRecord) => void;
  /** Awaited between warmup and the measured phase: scale-out shares meet at a barrier there. */
  beforeMeasure?: () => Promise<void>;
  /**
   * Awaited when the measured phase has ended, before the final scrape: scale-out shares say they
   * are done, and the scraping share waits for the others (their last requests count on the server).
   */
  afterMeasure?: () => Promise<void>;
  /** Scrape the server's /metrics during the measured phase (one share of a run does; interval from the spec). */
  scrape?: boolean;
  /** The scrapes' clock (default performance.now; a scale-out share keeps its own and converts). */
  scrapeClock?: () => number;
}

/** What one share measured in one load level; times on this process's monotonic clock. */
interface ShareStepOutput {
  /** Warmup and measured records. */
  records: RequestRecord[];
  /** The measured phase: from before its first send to after its last end (or the cut). */
  startMs: number;
  endMs: number;
  startedAt: Date;
  endedAt: Date;
  loop: { p99Ms?: number; maxMs?: number };
  interrupted: boolean;
  /** The server's /metrics over the measured phase, when this share scraped (one log per replica of a group). */
  scrape?: ScrapeLog[];
  /** A batch run's job (api batch). */
  batch?: BatchBlock;
}

/** Run a share; undefined when it was interrupted during warmup (nothing measured). */
export async function runShareStep(ctx: ShareContext, share: Share, hooks: ShareHooks = {}): Promise<ShareStepOutput | undefined> {
  const { spec } = ctx;
  const replicas = ctx.replicas ?? spec.target.replicas;
  const client = openBenchClient({
    url: ctx.url, connections: Math.max(1, connectionsFor(share.load)), apiKey: ctx.apiKey, replicas, balance: spec.target.balance,
  });
  const common: Omit<PhaseOptions, 'offset' | 'pattern' | 'stop' | 'onDeadline'> = {
    client, entries: ctx.entries, model: ctx.model, api: spec.target.api, seed: share.seed, signal: hooks.signal,
    countTokens: (text) => ctx.tokenizer.encode(text).length, graceS: spec.stop.deadline_grace_s,
    indexStride: share.count, indexBase: share.index, onRecord: hooks.onRecord,
    ...(share.count > 1 ? { clientIndex: share.index } : {}),
  };
  const progress = (phase: 'warmup' | 'measure') => {
    const phaseStartMs = performance.now();
    return hooks.onProgress && ((counts: PhaseCounts) => hooks.onProgress?.(phase, counts, phaseStartMs));
  };
  let scraper: RunningScraper | undefined;
  try {
    let warmup: RequestRecord[] = [];
    if (share.warmup > 0) {
      const inFlight = share.load.kind === 'concurrency' ? share.load.concurrency : connectionsFor(share.load);
      const warm = await runPhase({
        ...common, offset: 0, warmup: true, onDeadline: 'finish', pattern: { kind: 'concurrency', concurrency: Math.max(1, Math.min(share.warmup, inFlight)) },
        stop: { numRequests: share.warmup }, onProgress: progress('warmup'),
      });
      if (warm.interrupted) return undefined;
      warmup = warm.records;
    }
    await hooks.beforeMeasure?.();
    if (hooks.signal?.aborted) return undefined;
    const intervalS = spec.scrape_interval_s ?? 0;
    scraper = hooks.scrape && intervalS > 0 ? await startScraper({ targets: scrapeTargets(ctx.url, replicas), apiKey: ctx.apiKey, intervalS, clock: hooks.scrapeClock }) : undefined;
    const startedAt = new Date();
    const loop = startEventLoopMonitor();
    const measured = await runMeasuredPhase(ctx, share, {
      ...common, offset: spec.warmup, pattern: share.load, onDeadline: spec.stop.on_deadline,
      stop: { durationS: spec.stop.duration_s, numRequests: share.numRequests }, onProgress: progress('measure'),
    });
    const loopStats = loop.stop();
    await hooks.afterMeasure?.();
    const scrape = await scraper?.stop();
    scraper = undefined;
    return {
      records: [...warmup, ...measured.records], startMs: measured.startMs, endMs: measured.endMs,
      startedAt, endedAt: new Date(), loop: loopStats, interrupted: measured.interrupted, ...(scrape === undefined ? {} : { scrape }), ...(measured.batch ? { batch: measured.batch } : {}),
    };
  } finally {
    await scraper?.stop();
    await client.close();
  }
}

// The servers a share scrapes: every replica of a service group (their figures add up to the group's), or the one target.
function scrapeTargets(url: string, replicas: readonly ReplicaTarget[] | undefined): Array<{ url: string; replica?: string }> {
  return replicas === undefined || replicas.length === 0 ? [{ url }] : replicas.map((r) => ({ url: r.url, replica: r.id }));
}
