// The API's own prom-client Registry (never the global one): requests by route and status,
// durations by route, the dispatcher's queue depth and paused tiers read at scrape time, and how
// long work waited per tier (observed as each task starts).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TIER_NAMES, type TierName } from '../dispatch/tiers.js';
import { WAIT_BUCKETS_S } from '../dispatch/wait-times.js';

const API_METRICS = {
  requests: 'aibench_api_http_requests_total',
  duration: 'aibench_api_http_request_duration_seconds',
  queueDepth: 'aibench_api_queue_depth',
  queueWait: 'aibench_api_queue_wait_seconds',
  queuePaused: 'aibench_api_queue_paused',
} as const;

export interface ApiMetrics {
  registry: Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
  /** A task queued at `tier` started after waiting `seconds`. */
  observeWait(tier: TierName, seconds: number): void;
}

/** A fresh registry; `queueDepth` (and `paused`) are called on every scrape. */
export function createApiMetrics(queueDepth: () => Record<TierName, number>, paused: () => readonly TierName[] = () => []): ApiMetrics {
  const registry = new Registry();
  const requests = new Counter({ name: API_METRICS.requests, help: 'Control API requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: API_METRICS.duration, help: 'Control API request duration in seconds', labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });
  new Gauge({
    name: API_METRICS.queueDepth, help: 'Tasks waiting in the dispatcher, by tier', labelNames: ['tier'], registers: [registry],
    collect() {
      const depth = queueDepth();
      for (const tier of TIER_NAMES) this.set({ tier }, depth[tier] ?? 0);
    },
  });
  const wait = new Histogram({
    name: API_METRICS.queueWait, help: 'How long benchmarks waited in the dispatcher before they started, by the tier they were queued at', labelNames: ['tier'],
    buckets: [...WAIT_BUCKETS_S], registers: [registry],
  });
  new Gauge({
    name: API_METRICS.queuePaused, help: '1 while a tier is paused (its work stays queued), else 0', labelNames: ['tier'], registers: [registry],
    collect() {
      const held = new Set(paused());
      for (const tier of TIER_NAMES) this.set({ tier }, held.has(tier) ? 1 : 0);
    },
  });
  for (const tier of TIER_NAMES) wait.zero({ tier });
  return {
    registry,
    observe(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
    observeWait: (tier, seconds) => wait.observe({ tier }, seconds),
  };
}
