// The control API's view of aibench: one small interface the HTTP layer calls, so routes are
// tested over real HTTP against a fake core and the core over the clusters (cluster-core.ts)
// stays I/O glue. Methods throw AibenchError subclasses; the server answers their httpStatus.
import type { TierName } from '../dispatch/tiers.js';
import type { TierWaits } from '../dispatch/wait-times.js';
import type { SearchDocument, ResultDocument, SweepDocument } from '../bench/results/result-schema.js';
import type { BenchmarkRequest, ServiceRequest } from './validation.js';
import type { ModelCatalogueView } from './model-catalogue.js';

export type BenchmarkStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** What GET /api/benchmarks/:id shows: the request as accepted, where it is, the result when done. */
export interface BenchmarkView {
  id: string;
  status: BenchmarkStatus;
  tier: TierName;
  request: BenchmarkRequest;
  created_at: string;
  started_at?: string;
  ended_at?: string;
  /** While running: completed / failed requests so far, and the phase's elapsed seconds. */
  progress?: { phase: 'warmup' | 'measure'; completed: number; failed: number; in_flight: number; elapsed_s: number; duration_s?: number; total?: number };
  /** The result file, as the CLI lists it (`aibench bench results`). */
  result_path?: string;
  result?: ResultDocument | SweepDocument | SearchDocument;
  /** Why it failed, for people (never a stack). */
  error?: string;
}

/**
 * A service as the API shows it: the store's record (the key file path, never the key), with
 * status STOPPING while a stop this server accepted is still cancelling the job, and `stop_error`
 * when that stop failed (the record keeps the status it has; DELETE again to retry).
 */
export type ServiceView = Record<string, unknown> & { id: string; status: string; stop_error?: string };

export interface ModelList {
  models: string[];
  /** True when the server did not answer and the last known list is shown. */
  stale?: boolean;
  [key: string]: unknown;
}

/**
 * Who asked: a page in a browser (it sends Origin: a person at a dashboard form) or a tool (curl,
 * scripts, cron). People's requests run INTERACTIVE, `run_now` IMMEDIATE, everything else BACKGROUND.
 */
export type RequestSource = 'browser' | 'tool';

/** The dispatcher as an operator sees it: what waits per tier, which tiers are held, how long work waited. */
export interface QueueState {
  depth: Record<TierName, number>;
  paused: TierName[];
  waits: Partial<Record<TierName, TierWaits>>;
}

/** Everything the routes need; every method may throw AibenchError subclasses (answered with their httpStatus). */
export interface ControlCore {
  listServices(): Promise<ServiceView[]>;
  getService(id: string): Promise<ServiceView>;
  /** Submit and return at once (status PENDING); readiness is watched in the background. */
  startService(input: ServiceRequest, source: RequestSource): Promise<ServiceView>;
  /** Start stopping and return at once (STOPPING; poll getService until STOPPED); a final record as it is. */
  stopService(id: string): Promise<ServiceView>;
  /** The models of a READY service; ConflictError for any other status. */
  serviceModels(id: string): Promise<ModelList>;
  /** The HF cache catalogue of a cluster (default: the server's), or its configured fallback list. */
  modelCatalogue(cluster: string | undefined): Promise<ModelCatalogueView>;
  startBenchmark(input: BenchmarkRequest, source: RequestSource): Promise<{ id: string; status: BenchmarkStatus; tier: TierName }>;
  getBenchmark(id: string): Promise<BenchmarkView>;
  listBenchmarks(): Promise<BenchmarkView[]>;
  cancelBenchmark(id: string): Promise<BenchmarkView>;
  /** Tasks waiting in the dispatcher, by tier name (every tier present, 0 when empty). */
  queueDepth(): Record<TierName, number>;
  /** Depth, paused tiers and wait times (GET /api/queue). */
  queueState(): QueueState;
  /** Hold a tier: its benchmarks stay queued (and journaled) until resumed; running ones go on. */
  pauseTier(tier: TierName): Promise<QueueState>;
  resumeTier(tier: TierName): Promise<QueueState>;
  /** Called with every task's wait as it starts (for the API's /metrics histogram). */
  subscribeQueueWaits?(listener: (tier: TierName, seconds: number) => void): void;
  /** Called once the server listens: take over what an earlier server left (queued benchmarks, starting services). */
  resume?(): Promise<void>;
  close(): Promise<void>;
}
