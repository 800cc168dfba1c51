// Benchmarks started through the API: each is configured exactly like `bench run` (the same
// settings resolver), queued on the dispatcher at its tier with the service as a resource (one
// benchmark per service at a time), run with the bench runner, and saved like `bench run --out`.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ProgressEvent } from '../bench/runner.js';
import type { ResultDocument } from '../bench/result-schema.js';
import { resolveBenchSettings, type BenchFlags, type BenchSettings } from '../bench/settings.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import { Tier, tierName, type TierName, type TierValue } from '../dispatch/tiers.js';
import { errorMessage } from '../errors.js';
import { ConflictError, NotFoundError, type BenchmarkView, type RequestSource } from './core.js';
import { readResultFile } from '../bench/result-io.js';
import { resultPath } from '../bench/results-store.js';
import type { BenchmarkRequest } from './validation.js';

/** Runs one benchmark to its documents; the real core opens the service and calls runBench. */
export type BenchmarkRunner = (
  request: BenchmarkRequest,
  settings: BenchSettings,
  hooks: { signal: AbortSignal; onProgress: (event: ProgressEvent) => void },
) => Promise<{ runs: ResultDocument[]; interrupted: boolean }>;

export interface RegistryOptions {
  dispatcher: Dispatcher;
  run: BenchmarkRunner;
  /** Validated documents -> file; returns the path. */
  save: (id: string, runs: ResultDocument[]) => Promise<{ path: string; doc: BenchmarkView['result'] }>;
  resultsDir: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

interface Entry {
  view: BenchmarkView;
  abort: AbortController;
  done: Promise<void>;
}

/** The API request as `bench run` flags typed on the command line (so defaults and checks are the CLI's). */
export function benchFlags(request: BenchmarkRequest): BenchFlags {
  const flags: BenchFlags = {
    inputLen: String(request.input_len),
    outputLen: String(request.output_len),
    durationSeconds: String(request.duration_seconds),
  };
  if (request.rate !== undefined) {
    flags.rate = String(request.rate);
    if (request.concurrency !== undefined) flags.maxConcurrency = String(request.concurrency);
  } else if (request.concurrency !== undefined) flags.concurrency = String(request.concurrency);
  if (request.num_requests !== undefined) flags.numRequests = String(request.num_requests);
  return flags;
}

/** run_now -> IMMEDIATE; a person at a dashboard -> INTERACTIVE; tools -> BACKGROUND. */
export function benchmarkTier(request: Pick<BenchmarkRequest, 'run_now'>, source: RequestSource): TierValue {
  if (request.run_now) return Tier.IMMEDIATE;
  return source === 'browser' ? Tier.INTERACTIVE : Tier.BACKGROUND;
}

export class BenchmarkRegistry {
  readonly #entries = new Map<string, Entry>();
  constructor(private readonly options: RegistryOptions) {}

  /** Validate like the CLI (UsageError -> 400), queue, and return at once. */
  start(request: BenchmarkRequest, source: RequestSource): { id: string; status: 'queued'; tier: TierName } {
    const flags = benchFlags(request);
    const settings = resolveBenchSettings(flags, (name) => (flags[name] === undefined ? undefined : 'cli'));
    const id = `bm-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const tier = benchmarkTier(request, source);
    const name = tierName(tier) as TierName;
    const view: BenchmarkView = { id, status: 'queued', tier: name, request, created_at: new Date().toISOString() };
    const abort = new AbortController();
    const task = this.options.dispatcher.add(({ signal }) => this.#run(view, settings, signal), {
      tier, resources: [`service:${request.service_id}`], signal: abort.signal, label: `benchmark ${id}`,
    });
    const done = task.then(
      () => undefined,
      (error: unknown) => this.#finish(view, abort.signal.aborted ? 'cancelled' : 'failed', abort.signal.aborted ? 'cancelled' : errorMessage(error)),
    );
    this.#entries.set(id, { view, abort, done });
    return { id, status: 'queued', tier: name };
  }

  /** One benchmark: in memory, else a result file left by an earlier server. */
  async get(id: string): Promise<BenchmarkView> {
    const entry = this.#entries.get(id);
    if (entry !== undefined) return entry.view;
    const path = resultPath(this.options.resultsDir, id);
    const doc = await readResultFile(path).catch(() => undefined);
    if (doc === undefined) throw new NotFoundError(`unknown benchmark ${id}`);
    return { id, status: 'done', tier: 'background', request: {} as BenchmarkRequest, created_at: doc.started_at, result_path: path, result: doc };
  }

  /** This server's benchmarks, newest first, without their result documents. */
  list(): BenchmarkView[] {
    return [...this.#entries.values()].map(({ view: { result: _result, ...rest } }) => rest).reverse();
  }

  /** Cancel a queued or running benchmark (a running one keeps what it measured). */
  async cancel(id: string): Promise<BenchmarkView> {
    const entry = this.#entries.get(id);
    if (entry === undefined) throw new NotFoundError(`unknown benchmark ${id}`);
    if (entry.view.status !== 'queued' && entry.view.status !== 'running') throw new ConflictError(`benchmark ${id} is already ${entry.view.status}`);
    entry.abort.abort(new Error('cancelled through the API'));
    await entry.done;
    return entry.view;
  }

  /** Cancel every unfinished benchmark of a service (it is being stopped). */
  cancelForService(serviceId: string): void {
    for (const entry of this.#entries.values()) {
      if (entry.view.request.service_id === serviceId && (entry.view.status === 'queued' || entry.view.status === 'running')) entry.abort.abort(new Error('service stopped'));
    }
  }

  /** Cancel everything and wait until each benchmark has settled (and saved what it measured). */
  async close(): Promise<void> {
    for (const entry of this.#entries.values()) entry.abort.abort(new Error('server stopping'));
    await Promise.all([...this.#entries.values()].map((e) => e.done));
  }

  async #run(view: BenchmarkView, settings: BenchSettings, signal: AbortSignal): Promise<void> {
    view.status = 'running';
    view.started_at = new Date().toISOString();
    this.options.log?.('benchmark started', { id: view.id, service_id: view.request.service_id, tier: view.tier });
    const onProgress = (e: ProgressEvent) => {
      view.progress = {
        phase: e.phase, completed: e.counts.completed, failed: e.counts.failed, in_flight: e.counts.inFlight,
        elapsed_s: Math.round((performance.now() - e.phaseStartMs) / 100) / 10,
        ...(e.durationS === undefined ? {} : { duration_s: e.durationS }), ...(e.total === undefined ? {} : { total: e.total }),
      };
    };
    const outcome = await this.options.run(view.request, settings, { signal, onProgress });
    if (outcome.runs.length > 0) {
      const saved = await this.options.save(view.id, outcome.runs);
      view.result_path = saved.path;
      view.result = saved.doc;
    }
    if (outcome.interrupted || signal.aborted) return this.#finish(view, 'cancelled', 'cancelled');
    if (outcome.runs.every((run) => run.completed === 0)) {
      const errors = Object.keys(outcome.runs[0]?.errors ?? {}).slice(0, 3).join('; ');
      return this.#finish(view, 'failed', `no request completed${errors ? `: ${errors}` : ''}`);
    }
    this.#finish(view, 'done');
  }

  #finish(view: BenchmarkView, status: BenchmarkView['status'], error?: string): void {
    if (view.status === 'done' || view.status === 'failed' || view.status === 'cancelled') return;
    view.status = status;
    view.ended_at = new Date().toISOString();
    if (error !== undefined && status === 'failed') view.error = error;
    this.options.log?.(`benchmark ${status}`, { id: view.id, ...(view.error ? { error: view.error } : {}) });
  }
}
