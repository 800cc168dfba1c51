// Run a planned suite: each service starts as PRELOAD work, its benchmarks are queued (at the
// suite's tier, one at a time per service) once it is READY, and it stops after its last one.
// Failures are recorded and the suite goes on; services this run started are always stopped.
import { mkdir } from 'node:fs/promises';
import { BenchError, errorMessage, ThresholdError, type AibenchError } from '../errors.js';
import type { ServiceProgress } from '../service/wait-ready.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import type { ServiceLauncher } from './services.js';
import type { SuitePlan, SuiteTask } from './plan.js';
import type { SuiteService } from './schema.js';
import { buildSummary, writeSummary, type BenchmarkRow, type ServiceRow, type SuiteSummary } from './summary.js';
import { baseRow, existingResult, rowFor, runTask } from './task.js';
import { Tier } from '../dispatch/tiers.js';
import type { DispatchCounts } from '../dispatch/counts.js';

/** Benchmark counts of the whole plan: they add up to total and never exceed it. */
export type SuiteCounts = DispatchCounts;

export interface SuiteEvent {
  counts: SuiteCounts;
  /** The dispatcher's adaptive concurrency now. */
  concurrency: number;
  /** A line for people (service phases, a benchmark's outcome), when something happened. */
  message?: string;
}

export interface SuiteRunOptions {
  plan: SuitePlan;
  outDir: string;
  resume?: boolean;
  /** Overrides the suite's max_parallel. */
  maxParallel?: number;
  launcher: ServiceLauncher;
  signal: AbortSignal;
  onEvent?: (event: SuiteEvent) => void;
}

type TaskState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** Run the suite; resolves with the summary (also written to outDir) whatever failed on the way. */
export async function runSuite(options: SuiteRunOptions): Promise<SuiteSummary> {
  const { plan, outDir, signal } = options;
  const startedAt = new Date().toISOString();
  await mkdir(outDir, { recursive: true });
  const states = new Map<string, TaskState>(plan.tasks.map((t) => [t.id, 'queued']));
  const rows = new Map<string, BenchmarkRow>();
  const ceiling = options.maxParallel ?? plan.suite.max_parallel;
  const dispatcher = new Dispatcher({
    floor: 1, ceiling, initial: ceiling,
    resourceLimits: { 'service:*': 1, 'slurm:*': plan.suite.max_submissions },
  });
  const emit = (message?: string) => options.onEvent?.({ counts: tally(states), concurrency: dispatcher.concurrency, ...(message ? { message } : {}) });
  const settle = (task: SuiteTask, row: BenchmarkRow) => {
    rows.set(task.id, row);
    states.set(task.id, row.status === 'failed' ? 'failed' : row.status === 'cancelled' ? 'cancelled' : 'done');
    emit(`${task.id}: ${row.status}${row.resumed ? ' (resumed)' : ''}${row.error ? ` (${row.error})` : ''}`);
  };

  const pending: SuiteTask[] = [];
  for (const task of plan.tasks) {
    const found = options.resume ? await existingResult(task, outDir) : undefined;
    if (found === undefined) pending.push(task);
    else settle(task, rowFor(task, found.doc, found.verdict, true));
  }
  const serviceRows = new Map<string, ServiceRow>(plan.services.map((s) => [s.id, { id: s.id, kind: s.kind, status: 'unused' }]));
  try {
    await Promise.all(
      plan.services.map((service) => {
        const tasks = pending.filter((t) => t.service.id === service.id);
        if (tasks.length === 0) return undefined;
        return runService(service, tasks);
      }),
    );
  } finally {
    await options.launcher.closeAll().catch((error: unknown) => emit(`warning: ${errorMessage(error)}`));
  }
  const summary = buildSummary({
    suite: plan.suite.name, started_at: startedAt, ended_at: new Date().toISOString(), out_dir: outDir, interrupted: signal.aborted, total: plan.tasks.length,
    services: [...serviceRows.values()],
    benchmarks: plan.tasks.map((t) => rows.get(t.id) ?? { ...baseRow(t), status: 'cancelled', resumed: false, metrics: {} }),
  });
  await writeSummary(outDir, summary);
  return summary;

  async function runService(service: SuiteService, tasks: SuiteTask[]): Promise<void> {
    const row = serviceRows.get(service.id) as ServiceRow;
    const resource = options.launcher.startResource(service);
    let lastPhase = '';
    const onProgress = (e: ServiceProgress) => {
      const line = `service ${service.id}: ${e.phase}${e.detail ? ` (${e.detail})` : ''}`;
      if (line !== lastPhase) emit((lastPhase = line));
    };
    let target;
    try {
      target = await dispatcher.add(({ signal: s }) => options.launcher.start(service, { signal: s, onProgress }), {
        tier: Tier.PRELOAD, resources: resource ? [resource] : [], signal, label: `start ${service.id}`,
      });
    } catch (error) {
      const cancelled = signal.aborted;
      Object.assign(row, { status: cancelled ? 'cancelled' : 'failed', error: errorMessage(error) });
      for (const task of tasks) {
        settle(task, { ...baseRow(task), status: cancelled ? 'cancelled' : 'failed', resumed: false, metrics: {}, error: `service ${service.id} did not start (see its entry under services)` });
      }
      return;
    }
    Object.assign(row, { status: 'ready', url: target.url, ...(target.jobId ? { job_id: target.jobId } : {}) });
    emit(`service ${service.id}: ready at ${target.url}`);
    const ready = target;
    try {
      await Promise.all(tasks.map((task) => runOne(task, ready)));
    } finally {
      try {
        await ready.close();
        Object.assign(row, { status: 'stopped' });
        emit(`service ${service.id}: stopped`);
      } catch (error) {
        Object.assign(row, { status: 'failed', error: `could not stop: ${errorMessage(error)}` });
        emit(`warning: could not stop service ${service.id}: ${errorMessage(error)}`);
      }
    }
  }

  async function runOne(task: SuiteTask, target: Awaited<ReturnType<ServiceLauncher['start']>>): Promise<void> {
    try {
      const { doc, verdict } = await dispatcher.add(
        ({ signal: s }) => {
          states.set(task.id, 'running');
          emit();
          return runTask(task, target, outDir, s).then((done) => {
            if (done.verdict.status === 'failed') throw new TaskFailed(done); // the dispatcher's AIMD counts it as a failure
            return done;
          });
        },
        { tier: task.tier, resources: [`service:${task.service.id}`], signal, label: task.id },
      );
      settle(task, rowFor(task, doc, verdict, false));
    } catch (error) {
      if (error instanceof TaskFailed) return settle(task, rowFor(task, error.done.doc, error.done.verdict, false));
      settle(task, { ...baseRow(task), status: signal.aborted ? 'cancelled' : 'failed', resumed: false, metrics: {}, error: errorMessage(error) });
    }
  }
}

/** A benchmark that ran and wrote its result but completed nothing. */
class TaskFailed extends Error {
  constructor(readonly done: Awaited<ReturnType<typeof runTask>>) {
    super(done.verdict.reasons.join('; '));
  }
}

function tally(states: ReadonlyMap<string, TaskState>): SuiteCounts {
  const counts: SuiteCounts = { total: states.size, queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  for (const state of states.values()) counts[state] += 1;
  return counts;
}

/** The error a finished suite ends with: runs failed (exit 1) over thresholds (exit 3); none when all passed or it was interrupted. */
export function suiteVerdict(summary: SuiteSummary): AibenchError | undefined {
  if (summary.interrupted) return undefined; // main turns the interrupt into 130
  const c = summary.counts;
  // A service that failed only at stopping has a url (it was ready): it did start.
  const failedServices = summary.services.filter((s) => s.status === 'failed' && s.url === undefined).map((s) => s.id);
  if (c.failed > 0 || c.cancelled > 0) {
    return new BenchError(`Suite ${summary.suite}: ${c.failed} of ${c.total} benchmark(s) failed${failedServices.length ? `; service(s) that did not start: ${failedServices.join(', ')}` : ''}`, {
      hint: `See ${summary.out_dir}/summary.json for each error; re-run with --resume to redo only what did not finish.`,
    });
  }
  if (c.threshold > 0) return new ThresholdError(`Suite ${summary.suite}: ${c.threshold} of ${c.total} benchmark(s) breached fail_on thresholds`);
  return undefined;
}
