// Benchmarks started through the API: each is configured exactly like `bench run` (the same
// settings resolver), queued on the dispatcher at its tier with the service as a resource (one
// benchmark per service at a time), run with the bench runner, and saved like `bench run --out`.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { BenchOutcome, ProgressEvent } from '../bench/engine/runner.js';
import type { ResultDocument } from '../bench/results/result-schema.js';
import type { BenchSpec } from '../bench/spec/bench-spec.js';
import type { BenchInput } from '../bench/spec/bench-input.js';
import { buildBenchSpec } from '../bench/spec/build-spec.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import { Tier, tierFromName, tierName, type TierName, type TierValue } from '../dispatch/tiers.js';
import { ConflictError, errorMessage, NotFoundError } from '../errors.js';
import type { BenchmarkView, RequestSource } from './control-core.js';
import { readResultFile } from '../bench/results/result-io.js';
import { resultPath } from '../bench/results/results-store.js';
import type { BenchmarkJournal } from './journal.js';
import type { BenchmarkRequest } from './validation.js';

/** Runs one benchmark to its documents and verdict; the real core opens the service and calls runBenchmark. */
export type BenchmarkRunner = (
  request: BenchmarkRequest,
  spec: BenchSpec,
  hooks: { signal: AbortSignal; onProgress: (event: ProgressEvent) => void },
) => Promise<Pick<BenchOutcome, 'runs' | 'interrupted' | 'verdict'>>;

interface RegistryOptions {
  dispatcher: Dispatcher;
  run: BenchmarkRunner;
  /** Validated documents -> file; returns the path. */
  save: (id: string, runs: ResultDocument[]) => Promise<{ path: string; doc: BenchmarkView['result'] }>;
  resultsDir: string;
  /** Where every status change is recorded, so a restarted server knows its benchmarks. */
  journal?: BenchmarkJournal;
  /** Settings the config supplies under every request (its Prometheus, for the GPU figures). */
  defaults?: BenchInput;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

interface Entry {
  view: BenchmarkView;
  /** Absent for benchmarks a previous server finished (read back from the journal). */
  abort?: AbortController;
  done?: Promise<void>;
}

const isOpen = (status: BenchmarkView['status']) => status === 'queued' || status === 'running';

/** The API body as benchmark settings: the same keys a profile or the flags set. */
function benchInput(request: BenchmarkRequest): BenchInput {
  const load =
    request.rate !== undefined ? { rate: request.rate, ...(request.concurrency === undefined ? {} : { max_concurrency: request.concurrency }) }
    : request.concurrency !== undefined ? { concurrency: request.concurrency }
    : {};
  return {
    service: request.service_id, input_len: request.input_len, output_len: request.output_len, duration_seconds: request.duration_seconds,
    ...load, ...(request.num_requests === undefined ? {} : { num_requests: request.num_requests }),
    ...(request.client === undefined ? {} : { client: request.client }),
  };
}

/** The request's BenchSpec, built exactly as `bench run` builds one, over the config's defaults (UsageError -> 400 when invalid). */
function specOf(request: BenchmarkRequest, defaults: BenchInput = {}): BenchSpec {
  return buildBenchSpec({ ...defaults, ...benchInput(request) });
}

/** run_now -> IMMEDIATE; a person at a dashboard -> INTERACTIVE; tools -> BACKGROUND. */
function benchmarkTier(request: Pick<BenchmarkRequest, 'run_now'>, source: RequestSource): TierValue {
  if (request.run_now) return Tier.IMMEDIATE;
  return source === 'browser' ? Tier.INTERACTIVE : Tier.BACKGROUND;
}

/**
 * Queued benchmarks in the order the dispatcher picks them (highest tier, then oldest), the rest
 * after. The dispatcher starts a task the moment it is added while a slot and its service are
 * free, so re-queueing in the journal's order would start whichever was journaled first, whatever
 * its tier.
 */
function byDispatchOrder(a: Pick<BenchmarkView, 'status' | 'tier' | 'created_at'>, b: Pick<BenchmarkView, 'status' | 'tier' | 'created_at'>): number {
  const rank = (v: typeof a) => (v.status === 'queued' ? tierFromName(v.tier) : -1);
  return rank(b) - rank(a) || a.created_at.localeCompare(b.created_at);
}

export class BenchmarkRegistry {
  readonly #entries = new Map<string, Entry>();
  #closing = false;
  #journalWrites: Promise<void> = Promise.resolve();
  constructor(private readonly options: RegistryOptions) {}

  /** Validate like the CLI (UsageError -> 400), queue, and return at once. */
  start(request: BenchmarkRequest, source: RequestSource): { id: string; status: 'queued'; tier: TierName } {
    if (this.#closing) throw new ConflictError('the API server is stopping; send the benchmark again once it is back');
    const spec = specOf(request, this.options.defaults);
    const id = `bm-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const view: BenchmarkView = { id, status: 'queued', tier: tierName(benchmarkTier(request, source)) as TierName, request, created_at: new Date().toISOString() };
    this.#enqueue(view, spec);
    return { id, status: 'queued', tier: view.tier };
  }

  /**
   * Take over what the journal holds from an earlier server: queued benchmarks are queued again
   * (same id and tier), one that was running when that server died is failed (nothing it
   * measured was saved), finished ones are listed and their results read back from their files.
   */
  restore(): { requeued: number; failed: number; finished: number } {
    const counts = { requeued: 0, failed: 0, finished: 0 };
    // Already this server's: restoring twice changes nothing.
    const found = (this.options.journal?.entries() ?? []).filter((entry) => !this.#entries.has(entry.id));
    for (const entry of found.sort(byDispatchOrder)) {
      const view: BenchmarkView = { ...entry };
      if (view.status === 'queued') {
        counts.requeued++;
        let spec: BenchSpec;
        try {
          spec = specOf(view.request, this.options.defaults);
        } catch (error) {
          this.#entries.set(view.id, { view });
          this.#finish(view, 'failed', `not runnable after the restart: ${errorMessage(error)}`);
          continue;
        }
        this.#enqueue(view, spec);
        this.options.log?.('benchmark queued again after a restart', { id: view.id, service_id: view.request.service_id });
      } else if (view.status === 'running') {
        counts.failed++;
        this.#entries.set(view.id, { view });
        this.#finish(view, 'failed', 'the API server exited while this benchmark ran (killed or crashed); nothing it measured was saved');
      } else {
        counts.finished++;
        this.#entries.set(view.id, { view });
      }
    }
    return counts;
  }

  #enqueue(view: BenchmarkView, spec: BenchSpec): void {
    const abort = new AbortController();
    const task = this.options.dispatcher.add(({ signal }) => this.#run(view, spec, signal), {
      tier: tierFromName(view.tier), resources: [`service:${view.request.service_id}`], signal: abort.signal, label: `benchmark ${view.id}`,
    });
    const done = task.then(
      () => undefined,
      (error: unknown) => {
        // A server stopping leaves queued benchmarks queued in the journal: the next one runs them.
        if (this.#closing && view.status === 'queued') return;
        this.#finish(view, abort.signal.aborted ? 'cancelled' : 'failed', abort.signal.aborted ? 'cancelled' : errorMessage(error));
      },
    );
    this.#entries.set(view.id, { view, abort, done });
    this.#journal(view);
  }

  /** One benchmark: this server's (its result read back from its file when a previous server ran it), else a result file alone. */
  async get(id: string): Promise<BenchmarkView> {
    const entry = this.#entries.get(id);
    if (entry !== undefined) {
      const { view } = entry;
      if (view.result !== undefined || view.result_path === undefined || isOpen(view.status)) return view;
      const result = await readResultFile(view.result_path).catch(() => undefined);
      return result === undefined ? { ...view, error: view.error ?? `its result file ${view.result_path} is gone or unreadable` } : { ...view, result };
    }
    const path = resultPath(this.options.resultsDir, id);
    const doc = await readResultFile(path).catch(() => undefined);
    if (doc === undefined) throw new NotFoundError(`unknown benchmark ${id}`);
    return { id, status: 'done', tier: 'background', request: {} as BenchmarkRequest, created_at: doc.started_at, result_path: path, result: doc };
  }

  /** Every benchmark known (this server's and the journal's), newest first, without result documents. */
  list(): BenchmarkView[] {
    return [...this.#entries.values()]
      .map(({ view: { result: _result, ...rest } }) => rest)
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  /** Cancel a queued or running benchmark (a running one keeps what it measured). */
  async cancel(id: string): Promise<BenchmarkView> {
    const entry = this.#entries.get(id);
    if (entry === undefined) throw new NotFoundError(`unknown benchmark ${id}`);
    if (!isOpen(entry.view.status) || entry.abort === undefined) throw new ConflictError(`benchmark ${id} is already ${entry.view.status}`);
    entry.abort.abort(new Error('cancelled through the API'));
    await entry.done;
    await this.#journalWrites; // answered once the journal holds it
    return entry.view;
  }

  /** Cancel every unfinished benchmark of a service (it is being stopped). */
  cancelForService(serviceId: string): void {
    for (const entry of this.#entries.values()) {
      if (entry.view.request.service_id === serviceId && isOpen(entry.view.status)) entry.abort?.abort(new Error('service stopped'));
    }
  }

  /**
   * The server is stopping: running benchmarks are cancelled and save what they measured; queued
   * ones stay queued in the journal for the next server. Resolves once every write has landed.
   */
  async close(): Promise<void> {
    this.#closing = true;
    for (const entry of this.#entries.values()) entry.abort?.abort(new Error('server stopping'));
    await Promise.all([...this.#entries.values()].map((e) => e.done));
    await this.#journalWrites;
  }

  async #run(view: BenchmarkView, spec: BenchSpec, signal: AbortSignal): Promise<void> {
    view.status = 'running';
    view.started_at = new Date().toISOString();
    this.#journal(view);
    this.options.log?.('benchmark started', { id: view.id, service_id: view.request.service_id, tier: view.tier });
    const onProgress = (e: ProgressEvent) => {
      view.progress = {
        phase: e.phase, completed: e.counts.completed, failed: e.counts.failed, in_flight: e.counts.inFlight,
        elapsed_s: Math.round((performance.now() - e.phaseStartMs) / 100) / 10,
        ...(e.durationS === undefined ? {} : { duration_s: e.durationS }), ...(e.total === undefined ? {} : { total: e.total }),
      };
    };
    const outcome = await this.options.run(view.request, spec, { signal, onProgress });
    if (outcome.runs.length > 0) {
      const saved = await this.options.save(view.id, outcome.runs);
      view.result_path = saved.path;
      view.result = saved.doc;
    }
    if (outcome.interrupted || signal.aborted) return this.#finish(view, 'cancelled', 'cancelled');
    if (outcome.verdict.status === 'failed') return this.#finish(view, 'failed', outcome.verdict.reasons.join('; '));
    this.#finish(view, 'done');
  }

  #finish(view: BenchmarkView, status: BenchmarkView['status'], error?: string): void {
    if (view.status === 'done' || view.status === 'failed' || view.status === 'cancelled') return;
    view.status = status;
    view.ended_at = new Date().toISOString();
    if (error !== undefined && status === 'failed') view.error = error;
    this.options.log?.(`benchmark ${status}`, { id: view.id, ...(view.error ? { error: view.error } : {}) });
    this.#journal(view);
  }

  /** Record the view's new status; a failed write is logged, never fatal (the benchmark itself is fine). */
  #journal(view: BenchmarkView): void {
    const journal = this.options.journal;
    if (journal === undefined) return;
    const written = journal.record(view).catch((error: unknown) => {
      this.options.log?.('could not write the benchmark journal', { path: journal.path, error: errorMessage(error) });
    });
    this.#journalWrites = this.#journalWrites.then(() => written);
  }
}
