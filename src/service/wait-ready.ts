// Wait until a submitted service really serves: PENDING -> RUNNING -> endpoint.json written ->
// /health 200 -> /v1/models lists the model -> READY. A job that ends on the way is a failure
// with its Slurm state and log tail; running out of time is one too, with the same diagnostics.
// A dropped SSH connection is retried (reconnectMs); when it stays down the wait gives up saying
// the job was left running and how to resume.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Executor } from '../exec/types.js';
import { pollBackoff } from '../slurm/backoff.js';
import { type JobReport } from '../slurm/status-merge.js';
import { jobStatus } from '../slurm/status.js';
import { isTerminal } from '../slurm/job-state.js';
import { ConnectionLostError, withReconnect } from '../slurm/reconnect.js';
import { serviceFailure } from './diagnose.js';
import { openEndpoint, readEndpoint, type OpenEndpoint } from './endpoint.js';
import { probeModels } from './http.js';
import { jobStateText } from './reconcile.js';
import { type ServiceEndpoint, type ServiceRecord } from './record.js';
import { ServiceError } from '../errors.js';

export type ServicePhase = 'SUBMITTED' | 'PENDING' | 'RUNNING' | 'ENDPOINT' | 'HEALTHY' | 'READY';

const PHASES: readonly ServicePhase[] = ['SUBMITTED', 'PENDING', 'RUNNING', 'ENDPOINT', 'HEALTHY', 'READY'];

export interface ServiceProgress {
  id: string;
  job_id: string;
  phase: ServicePhase;
  /** For people: pending reason, node, host:port, models. */
  detail?: string;
  elapsed_ms: number;
}

interface WaitReadyOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ServiceProgress) => void) | undefined;
  /** A line for people when the SSH connection drops and the wait starts retrying. */
  onWarning?: ((line: string) => void) | undefined;
  apiKey?: string | undefined;
  /** The names /v1/models must list. */
  expectModels: readonly string[];
  /** Grace for Slurm to list a fresh job (ms). */
  graceMs?: number;
  /** How long a dropped SSH connection is retried before the wait gives up (ms; 0: not at all). */
  reconnectMs?: number;
}

interface ReadyResult {
  endpoint: ServiceEndpoint;
  node?: string;
  models: string[];
}

/** Poll until READY; the caller records the outcome. */
export async function waitServiceReady(ex: Executor, stateDir: string, record: ServiceRecord, options: WaitReadyOptions): Promise<ReadyResult> {
  const started = Date.now();
  const poll = new ReadinessPoll(ex, stateDir, record, options, started);
  const backoff = pollBackoff({ initialMs: 300, maxMs: 2000 });
  const onRetry = (error: unknown, outageMs: number) => {
    if (outageMs === 0) options.onWarning?.(`lost the SSH connection to ${ex.label} (${(error as Error).message}); retrying for up to ${Math.round((options.reconnectMs ?? 0) / 1000)} s`);
  };
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const ready = await withReconnect(() => poll.step(), { budgetMs: options.reconnectMs ?? 0, signal: options.signal, onRetry }).catch((error: unknown) => {
        throw error instanceof ConnectionLostError ? poll.detached(error) : error;
      });
      if (ready !== undefined) return ready;
      const delay = backoff.next(poll.lastKey);
      if (Date.now() + delay - started > options.timeoutMs) throw await poll.timedOut();
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
    }
  } finally {
    await poll.close();
  }
}

/** One service's way to READY: what has been seen so far, and one poll step at a time. */
class ReadinessPoll {
  lastKey = '';
  private lastRank = -1;
  private endpoint: ServiceEndpoint | undefined;
  private open: OpenEndpoint | undefined;
  private node: string | undefined;
  private report: JobReport | undefined;
  private waitingFor = 'the job to start';
  private readonly submittedAt: number;

  constructor(
    private readonly ex: Executor,
    private readonly stateDir: string,
    private readonly record: ServiceRecord,
    private readonly options: WaitReadyOptions,
    private readonly started: number,
  ) {
    this.submittedAt = Date.parse(record.created_at);
  }

  // Report each phase once, in order (a PENDING reason change is reported too); later polls that
  // pass through earlier phases again stay quiet.
  private emit(phase: ServicePhase, detail?: string): void {
    const rank = PHASES.indexOf(phase);
    const key = `${phase}:${detail ?? ''}`;
    if (rank < this.lastRank || key === this.lastKey) return;
    this.lastKey = key;
    this.lastRank = rank;
    this.options.onProgress?.({ id: this.record.id, job_id: this.record.job_id, phase, ...(detail ? { detail } : {}), elapsed_ms: Date.now() - this.started });
  }

  /** Ask Slurm, then the endpoint; READY's result, or undefined to poll again. Idempotent: safe to retry. */
  async step(): Promise<ReadyResult | undefined> {
    const { record, options } = this;
    const graceMs = options.graceMs ?? 60_000;
    const [report] = await jobStatus(this.ex, [record.job_id], { submittedAt: { [record.job_id]: this.submittedAt }, graceMs });
    this.report = report;
    if (report !== undefined && report.source !== 'none' && isTerminal(report.state)) {
      throw await serviceFailure(this.ex, this.stateDir, {
        id: record.id, jobId: record.job_id,
        headline: `Service ${record.id} failed: job ${record.job_id} ended ${jobStateText(report)} before the server was ready`,
        hint: `The full log: aibench service logs ${record.id}`,
      });
    }
    if (report === undefined || report.source === 'none') {
      if (Date.now() - this.submittedAt <= graceMs) return undefined;
      throw await serviceFailure(this.ex, this.stateDir, {
        id: record.id, jobId: record.job_id, code: 'E_SERVICE_LOST',
        headline: `Service ${record.id} is lost: job ${record.job_id} is no longer known to Slurm`,
        hint: 'Without accounting, Slurm forgets finished jobs after MinJobAge.',
      });
    }
    if (['PENDING', 'CONFIGURING', 'REQUEUED'].includes(report.state)) {
      this.emit('PENDING', report.reason);
      return undefined;
    }
    this.node = report.node || this.node;
    this.emit('RUNNING', this.node ? `on ${this.node}` : undefined);
    return this.serving();
  }

  /** The job runs: endpoint.json, then /health, then /v1/models listing every expected name. */
  private async serving(): Promise<ReadyResult | undefined> {
    const { record, options } = this;
    this.waitingFor = 'endpoint.json';
    this.endpoint ??= await readEndpoint(this.ex, this.stateDir, record.id).then((e) => (e?.job_id === record.job_id ? e : undefined));
    if (this.endpoint === undefined) return undefined;
    const endpoint = this.endpoint;
    this.emit('ENDPOINT', `${endpoint.host}:${endpoint.port}`);
    this.waitingFor = `/health on ${endpoint.host}:${endpoint.port}`;
    this.open ??= await openEndpoint(this.ex, endpoint);
    const models = await probeModels(this.open.url, { serviceId: record.id, apiKey: options.apiKey, signal: options.signal });
    if (models === undefined) return undefined;
    this.emit('HEALTHY');
    this.waitingFor = `/v1/models to list ${options.expectModels.join(', ')}`;
    if (!options.expectModels.every((m) => models.includes(m))) return undefined;
    this.emit('READY', models.join(', '));
    return { endpoint, models, ...(this.node ? { node: this.node } : {}) };
  }

  private lastState(): string {
    return this.report && this.report.source !== 'none' ? jobStateText(this.report) : 'UNKNOWN';
  }

  /** Out of time: the job is left running; the error carries its state and log tail. */
  timedOut(): Promise<ServiceError> {
    const { record } = this;
    return serviceFailure(this.ex, this.stateDir, {
      id: record.id, jobId: record.job_id, code: 'E_SERVICE_TIMEOUT',
      headline: `Service ${record.id} is not ready after ${Math.round(this.options.timeoutMs / 1000)} s (job ${record.job_id} ${this.lastState()}; waiting for ${this.waitingFor})`,
      hint: `The job was left running: raise --timeout, check \`aibench service status ${record.id}\`, or stop it with \`aibench service stop ${record.id}\`.`,
    });
  }

  /** The connection stayed down: stop waiting, say the job was left running and how to resume. */
  detached(lost: ConnectionLostError): ServiceError {
    const { record } = this;
    return new ServiceError(
      `Lost the SSH connection to ${this.ex.label} while waiting for service ${record.id}: ${lost.message}. Job ${record.job_id} is still running as far as aibench knows (last seen ${this.lastState()}; waiting for ${this.waitingFor})`,
      { code: 'E_SERVICE_WAIT_DETACHED', cause: lost, hint: `Once the cluster answers again, resume with \`aibench service wait ${record.id}\` (or stop it: \`aibench service stop ${record.id}\`).` },
    );
  }

  async close(): Promise<void> {
    await this.open?.close();
  }
}
