// Run a planned suite: each service starts as PRELOAD work, its benchmarks are queued (at the
// suite's tier, one at a time per service) once it is READY, and it stops after its last one.
// Failures are recorded and the suite goes on; services this run started, and leftovers of a
// killed earlier run, are always stopped. Ends with summary.{json,csv} and report.html.
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { Tier } from '../dispatch/tiers.js';
import { writeHtmlReport } from '../report/html-page.js';
import type { ServiceProgress } from '../service/index.js';
import { SuiteBook, type SuiteCounts } from './book.js';
import { STARTED_SERVICES_FILE } from './started-services.js';
import type { ServiceLauncher, SuiteEndpoint } from './services.js';
import type { SuitePlan, SuiteTask } from './plan.js';
import type { SuiteService } from './schema.js';
import { buildSummary, SUMMARY_FILES, writeSummary, type SuiteSummary } from './summary.js';
import { baseRow, existingResult, rowFor, runTask } from './task.js';

export type { SuiteCounts } from './book.js';
export { suiteVerdict } from './summary.js';

export interface SuiteEvent {
  counts: SuiteCounts;
  /** The dispatcher's adaptive concurrency now. */
  concurrency: number;
  /** A line for people (service phases, a benchmark's outcome), when something happened. */
  message?: string;
}

interface SuiteRunOptions {
  plan: SuitePlan;
  outDir: string;
  resume?: boolean;
  /** Overrides the suite's max_parallel. */
  maxParallel?: number;
  launcher: ServiceLauncher;
  signal: AbortSignal;
  onEvent?: (event: SuiteEvent) => void;
}

/** The report next to summary.json. */
export const REPORT_FILE = 'report.html';

// What every step of a run shares.
interface SuiteRun {
  options: SuiteRunOptions;
  book: SuiteBook;
  dispatcher: Dispatcher;
  emit(message?: string): void;
}

/** Run the suite; resolves with the summary (also written to outDir) whatever failed on the way. */
export async function runSuite(options: SuiteRunOptions): Promise<SuiteSummary> {
  const startedAt = new Date().toISOString();
  await mkdir(options.outDir, { recursive: true });
  const run = newRun(options);
  if (options.resume === true) await clearUnfinishedWrites(options);
  const work = workByService(options.plan.services, await resumeFinished(run));
  try {
    for (const line of await options.launcher.stopLeftovers(new Set([...work.keys()].map((s) => s.id)))) run.emit(line);
    await Promise.all([...work].map(([service, tasks]) => runService(run, service, tasks)));
  } finally {
    await options.launcher.closeAll().catch((error: unknown) => run.emit(`warning: ${errorMessage(error)}`));
  }
  return finish(run, startedAt);
}

function newRun(options: SuiteRunOptions): SuiteRun {
  const ceiling = options.maxParallel ?? options.plan.suite.max_parallel;
  const dispatcher = new Dispatcher({
    floor: 1, ceiling, initial: ceiling,
    resourceLimits: { 'service:*': 1, 'slurm:*': options.plan.suite.max_submissions },
  });
  const book = new SuiteBook(options.plan);
  const emit = (message?: string) => options.onEvent?.({ counts: book.counts(), concurrency: dispatcher.concurrency, ...(message ? { message } : {}) });
  return { options, book, dispatcher, emit };
}

// --resume: the temporaries (NAME.NNNN) of this suite's files that a killed run left before their
// rename. None is a result; the suite's lock keeps another run of it from writing them now.
async function clearUnfinishedWrites({ plan, outDir }: SuiteRunOptions): Promise<void> {
  const ours = new Set([...plan.tasks.map((t) => t.file), ...Object.values(SUMMARY_FILES), STARTED_SERVICES_FILE, REPORT_FILE]);
  const left = (await readdir(outDir)).filter((name) => {
    const m = /^(.+)\.\d+$/.exec(name);
    return m !== null && ours.has(m[1] as string);
  });
  await Promise.all(left.map((name) => unlink(join(outDir, name)).catch(() => undefined)));
}

// --resume: settle the tasks whose valid result is already there; the rest are still to run.
async function resumeFinished(run: SuiteRun): Promise<SuiteTask[]> {
  const { plan, outDir, resume } = run.options;
  const pending: SuiteTask[] = [];
  for (const task of plan.tasks) {
    const found = resume ? await existingResult(task, outDir) : undefined;
    if (found === undefined) pending.push(task);
    else run.emit(run.book.settle(task, rowFor(task, found.doc, found.verdict, true), found.doc));
  }
  return pending;
}

/** The pending tasks of each service that has some, in suite order (one pass over the tasks). */
export function workByService(services: readonly SuiteService[], pending: readonly SuiteTask[]): Map<SuiteService, SuiteTask[]> {
  const byId = new Map<string, SuiteTask[]>();
  for (const task of pending) byId.set(task.service.id, [...(byId.get(task.service.id) ?? []), task]);
  return new Map(services.flatMap((s) => (byId.has(s.id) ? [[s, byId.get(s.id) as SuiteTask[]] as const] : [])));
}

// One service: start it (PRELOAD), run its benchmarks, stop it.
async function runService(run: SuiteRun, service: SuiteService, tasks: SuiteTask[]): Promise<void> {
  const endpoint = await startService(run, service, tasks);
  if (endpoint === undefined) return;
  try {
    await Promise.all(tasks.map((task) => runOne(run, task, endpoint)));
  } finally {
    try {
      await endpoint.close();
      run.book.updateService(service.id, { status: 'stopped' });
      run.emit(`service ${service.id}: stopped`);
    } catch (error) {
      run.book.updateService(service.id, { status: 'failed', error: `could not stop: ${errorMessage(error)}` });
      run.emit(`warning: could not stop service ${service.id}: ${errorMessage(error)}`);
    }
  }
}

// The service's start as PRELOAD work on the dispatcher; undefined (its tasks settled) when it did not start.
async function startService(run: SuiteRun, service: SuiteService, tasks: SuiteTask[]): Promise<SuiteEndpoint | undefined> {
  const { launcher, signal } = run.options;
  let lastPhase = '';
  const onProgress = (e: ServiceProgress) => {
    const line = `service ${service.id}: ${e.phase}${e.detail ? ` (${e.detail})` : ''}`;
    if (line !== lastPhase) run.emit((lastPhase = line));
  };
  const resource = launcher.startResource(service);
  try {
    const endpoint = await run.dispatcher.add(({ signal: s }) => launcher.start(service, { signal: s, onProgress, onMessage: (line) => run.emit(line) }), {
      tier: Tier.PRELOAD, resources: resource ? [resource] : [], signal, label: `start ${service.id}`,
    });
    run.book.updateService(service.id, { status: 'ready', url: endpoint.url, ...(endpoint.jobId ? { job_id: endpoint.jobId } : {}), ...(endpoint.attempts ? { attempts: endpoint.attempts } : {}) });
    run.emit(`service ${service.id}: ready at ${endpoint.url}`);
    return endpoint;
  } catch (error) {
    for (const line of run.book.serviceFailed(service.id, tasks, errorMessage(error), signal.aborted)) run.emit(line);
    return undefined;
  }
}

// One benchmark on the dispatcher at the suite's tier, one at a time per service.
async function runOne(run: SuiteRun, task: SuiteTask, endpoint: SuiteEndpoint): Promise<void> {
  const { outDir, signal } = run.options;
  try {
    const { doc, verdict } = await run.dispatcher.add(
      ({ signal: s }) => {
        run.book.running(task);
        run.emit();
        return runTask(task, endpoint, outDir, s).then((done) => {
          if (done.verdict.status === 'failed') throw new TaskFailed(done); // the dispatcher's AIMD counts it as a failure
          return done;
        });
      },
      { tier: task.tier, resources: [`service:${task.service.id}`], signal, label: task.id },
    );
    run.emit(run.book.settle(task, rowFor(task, doc, verdict, false), doc));
  } catch (error) {
    if (error instanceof TaskFailed) return run.emit(run.book.settle(task, rowFor(task, error.done.doc, error.done.verdict, false), error.done.doc));
    run.emit(run.book.settle(task, { ...baseRow(task), status: signal.aborted ? 'cancelled' : 'failed', resumed: false, metrics: {}, error: errorMessage(error) }));
  }
}

/** A benchmark that ran and wrote its result but completed nothing. */
class TaskFailed extends Error {
  constructor(readonly done: Awaited<ReturnType<typeof runTask>>) {
    super(done.verdict.reasons.join('; '));
  }
}

// summary.{json,csv}, then report.html of every result measured or resumed (none: no report).
async function finish(run: SuiteRun, startedAt: string): Promise<SuiteSummary> {
  const { plan, outDir, signal } = run.options;
  const summary = buildSummary({
    suite: plan.suite.name, started_at: startedAt, ended_at: new Date().toISOString(), out_dir: outDir, interrupted: signal.aborted, total: plan.tasks.length,
    services: run.book.serviceRows(), benchmarks: run.book.benchmarkRows(), queue_wait: run.dispatcher.waitTimes(),
  });
  await writeSummary(outDir, summary);
  const docs = run.book.documents();
  if (docs.length > 0) {
    await writeHtmlReport(docs, join(outDir, REPORT_FILE), { title: `suite ${plan.suite.name}` }).catch((error: unknown) => run.emit(`warning: ${errorMessage(error)}`));
  }
  return summary;
}
