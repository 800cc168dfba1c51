// Wait until a submitted service really serves: PENDING -> RUNNING -> endpoint.json written ->
// /health 200 -> /v1/models lists the model -> READY. A job that ends on the way is a failure
// with its Slurm state and log tail; running out of time is one too, with the same diagnostics.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Executor } from '../exec/types.js';
import { pollBackoff } from '../slurm/backoff.js';
import { jobStatus } from '../slurm/client.js';
import { isTerminal } from '../slurm/job-state.js';
import { serviceFailure } from './diagnose.js';
import { openEndpoint, readEndpoint, type OpenEndpoint } from './endpoint.js';
import { fetchModelIds, httpGet } from './http.js';
import { jobStateText } from './reconcile.js';
import type { ServiceEndpoint, ServiceRecord } from './record.js';

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

export interface WaitReadyOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ServiceProgress) => void) | undefined;
  apiKey?: string | undefined;
  /** The names /v1/models must list. */
  expectModels: readonly string[];
  /** Grace for Slurm to list a fresh job (ms). */
  graceMs?: number;
}

export interface ReadyResult {
  endpoint: ServiceEndpoint;
  node?: string;
  models: string[];
}

/** Poll until READY; the caller records the outcome. */
export async function waitServiceReady(ex: Executor, stateDir: string, record: ServiceRecord, options: WaitReadyOptions): Promise<ReadyResult> {
  const started = Date.now();
  const submittedAt = Date.parse(record.created_at);
  const backoff = pollBackoff({ initialMs: 300, maxMs: 2000 });
  let lastKey = '';
  let lastRank = -1;
  // Report each phase once, in order (a PENDING reason change is reported too); later polls that
  // pass through earlier phases again stay quiet.
  const emit = (phase: ServicePhase, detail?: string) => {
    const rank = PHASES.indexOf(phase);
    const key = `${phase}:${detail ?? ''}`;
    if (rank < lastRank || key === lastKey) return;
    lastKey = key;
    lastRank = rank;
    options.onProgress?.({ id: record.id, job_id: record.job_id, phase, ...(detail ? { detail } : {}), elapsed_ms: Date.now() - started });
  };
  let endpoint: ServiceEndpoint | undefined;
  let open: OpenEndpoint | undefined;
  let node: string | undefined;
  let waitingFor = 'the job to start';
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const [report] = await jobStatus(ex, [record.job_id], { submittedAt: { [record.job_id]: submittedAt }, graceMs: options.graceMs ?? 60_000 });
      if (report !== undefined && report.source !== 'none' && isTerminal(report.state)) {
        throw await serviceFailure(ex, stateDir, {
          id: record.id, jobId: record.job_id,
          headline: `Service ${record.id} failed: job ${record.job_id} ended ${jobStateText(report)} before the server was ready`,
          hint: `The full log: aibench service logs ${record.id}`,
        });
      }
      if (report === undefined || report.source === 'none') {
        if (Date.now() - submittedAt > (options.graceMs ?? 60_000)) {
          throw await serviceFailure(ex, stateDir, {
            id: record.id, jobId: record.job_id, code: 'E_SERVICE_LOST',
            headline: `Service ${record.id} is lost: job ${record.job_id} is no longer known to Slurm`,
            hint: 'Without accounting, Slurm forgets finished jobs after MinJobAge.',
          });
        }
      } else if (['PENDING', 'CONFIGURING', 'REQUEUED'].includes(report.state)) {
        emit('PENDING', report.reason);
      } else {
        node = report.node || node;
        emit('RUNNING', node ? `on ${node}` : undefined);
        waitingFor = 'endpoint.json';
        endpoint ??= await readEndpoint(ex, stateDir, record.id).then((e) => (e?.job_id === record.job_id ? e : undefined));
        if (endpoint !== undefined) {
          emit('ENDPOINT', `${endpoint.host}:${endpoint.port}`);
          waitingFor = `/health on ${endpoint.host}:${endpoint.port}`;
          open ??= await openEndpoint(ex, endpoint);
          const models = await probe(open.url, options);
          if (models !== undefined) {
            emit('HEALTHY');
            waitingFor = `/v1/models to list ${options.expectModels.join(', ')}`;
            if (options.expectModels.every((m) => models.includes(m))) {
              emit('READY', models.join(', '));
              return { endpoint, models, ...(node ? { node } : {}) };
            }
          }
        }
      }
      const delay = backoff.next(lastKey);
      if (Date.now() + delay - started > options.timeoutMs) {
        const state = report && report.source !== 'none' ? jobStateText(report) : 'UNKNOWN';
        throw await serviceFailure(ex, stateDir, {
          id: record.id, jobId: record.job_id, code: 'E_SERVICE_TIMEOUT',
          headline: `Service ${record.id} is not ready after ${Math.round(options.timeoutMs / 1000)} s (job ${record.job_id} ${state}; waiting for ${waitingFor})`,
          hint: `The job was left running: raise --timeout, check \`aibench service status ${record.id}\`, or stop it with \`aibench service stop ${record.id}\`.`,
        });
      }
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
    }
  } finally {
    await open?.close();
  }
}

/** /health then /v1/models; undefined until both answer. */
async function probe(url: string, options: WaitReadyOptions): Promise<string[] | undefined> {
  try {
    const health = await httpGet(`${url}/health`, { timeoutMs: 3000, signal: options.signal });
    if (health.status !== 200) return undefined;
    return await fetchModelIds(url, { timeoutMs: 5000, apiKey: options.apiKey, signal: options.signal });
  } catch {
    return undefined;
  }
}
