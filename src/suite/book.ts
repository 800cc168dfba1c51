// The suite run's bookkeeping, without I/O: each benchmark's state (counts that always add up to
// the total), its summary row and result document, and each service's row.
import type { DispatchCounts } from '../dispatch/counts.js';
import type { SuitePlan, SuiteTask } from './plan.js';
import type { BenchmarkRow, ServiceRow } from './summary.js';
import { baseRow, type TaskDocument } from './task.js';

type TaskState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** Benchmark counts of the whole plan: they add up to total and never exceed it. */
export type SuiteCounts = DispatchCounts;

/** What a suite run has done so far. */
export class SuiteBook {
  readonly #plan: SuitePlan;
  readonly #states: Map<string, TaskState>;
  readonly #rows = new Map<string, BenchmarkRow>();
  readonly #docs = new Map<string, TaskDocument>();
  readonly #services: Map<string, ServiceRow>;

  constructor(plan: SuitePlan) {
    this.#plan = plan;
    this.#states = new Map(plan.tasks.map((t) => [t.id, 'queued']));
    this.#services = new Map(plan.services.map((s) => [s.id, { id: s.id, kind: s.kind, status: 'unused' }]));
  }

  /** A benchmark started. */
  running(task: SuiteTask): void {
    this.#states.set(task.id, 'running');
  }

  /** A benchmark ended (or was found done by --resume): its row, and the document it measured. */
  settle(task: SuiteTask, row: BenchmarkRow, doc?: TaskDocument): string {
    this.#rows.set(task.id, row);
    if (doc !== undefined) this.#docs.set(task.id, doc);
    this.#states.set(task.id, row.status === 'failed' ? 'failed' : row.status === 'cancelled' ? 'cancelled' : 'done');
    return `${task.id}: ${row.status}${row.resumed ? ' (resumed)' : ''}${row.error ? ` (${row.error})` : ''}`;
  }

  /** Every task of a service that did not start ends with it: failed, or cancelled when the suite was interrupted. */
  serviceFailed(service: string, tasks: readonly SuiteTask[], error: string, cancelled: boolean): string[] {
    const status = cancelled ? 'cancelled' : 'failed';
    this.updateService(service, { status, error });
    return tasks.map((task) => this.settle(task, { ...baseRow(task), status, resumed: false, metrics: {}, error: `service ${service} did not start (see its entry under services)` }));
  }

  /** Change a service's row. */
  updateService(id: string, patch: Partial<ServiceRow>): void {
    const row = this.#services.get(id);
    if (row !== undefined) Object.assign(row, patch);
  }

  counts(): SuiteCounts {
    const counts: SuiteCounts = { total: this.#states.size, queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
    for (const state of this.#states.values()) counts[state] += 1;
    return counts;
  }

  /** One row per planned benchmark, in plan order; one never reached is cancelled. */
  benchmarkRows(): BenchmarkRow[] {
    return this.#plan.tasks.map((t) => this.#rows.get(t.id) ?? { ...baseRow(t), status: 'cancelled', resumed: false, metrics: {} });
  }

  serviceRows(): ServiceRow[] {
    return [...this.#services.values()];
  }

  /** The result documents measured or resumed, in plan order (for the HTML report). */
  documents(): TaskDocument[] {
    return this.#plan.tasks.flatMap((t) => this.#docs.get(t.id) ?? []);
  }
}
