// The telemetry agent loop: sample nvidia-smi every interval, set the registry's gauges, and send.
// Pushgateway: PUT the latest values (it refuses timestamps), retried with backoff on failure.
// Remote-write: every sample at its own timestamp; a failed send goes to the on-disk spool, which
// drains oldest first when the receiver answers again. Stop (abort): drain briefly, final push,
// delete the Pushgateway group.
import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage } from '../errors.js';
import { retryBackoff, type RetryBackoff, type RetryBackoffOptions } from './backoff.js';
import { agentGroupingPath } from './grouping.js';
import { GPU_PUSH_JOB } from '../common/metric-catalog.js';
import { createPushgatewaySink, safeUrl, type PushgatewaySink } from './pushgateway-sink.js';
import { createAgentRegistry } from './registry.js';
import { createRemoteWriteSink, RemoteWriteRejected, type RemoteWriteSink, type TimeSeries } from './remote-write.js';
import { createSampler, type GpuSample, type Sampler } from './sampler.js';
import { openSpool, type Spool } from './spool.js';

export interface AgentOptions {
  pushgatewayUrl?: string | undefined;
  remoteWriteUrl?: string | undefined;
  intervalMs: number;
  spoolDir: string;
  spoolMaxBytes: number;
  host: string;
  slurmJobId: string;
  serviceId: string;
  nvidiaSmi?: string | undefined;
  backoff?: RetryBackoffOptions;
  /** Spool records per remote-write request while draining. */
  drainBatch?: number;
  /** How long a clean stop may spend draining the spool. */
  stopDrainMs?: number;
  log?: (line: string) => void;
  /** Test and --json hook: every sample taken, and every record spooled / delivered late. */
  onEvent?: (event: AgentEvent) => void;
}

export type AgentEvent =
  | { type: 'sample'; timestampMs: number }
  | { type: 'spooled'; timestampMs: number }
  | { type: 'drained'; records: number; spoolBytes: number };

/** One spooled sample: its time, the grouping labels it was taken under, and [name, labels, value] points. */
export interface SpoolRecord {
  t: number;
  c: Record<string, string>;
  p: [string, Record<string, string>, number][];
}

export interface AgentSummary {
  samples: number;
  spooled: number;
  spoolBytes: number;
  dropped: number;
}

interface SinkState {
  backoff: RetryBackoff;
  retryAt: number;
  failing: boolean;
}

/** Remote-write series for spool records (common labels job/instance/slurm_job_id/service_id added). */
export function recordsToSeries(records: readonly SpoolRecord[]): TimeSeries[] {
  return records.flatMap((r) => r.p.map(([name, labels, value]) => ({ labels: { ...labels, ...r.c, __name__: name }, samples: [{ value, timestampMs: r.t }] })));
}

/** Run until signal aborts; returns what happened. Never throws for sink or nvidia-smi trouble. */
export async function runAgent(options: AgentOptions, signal: AbortSignal): Promise<AgentSummary> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = options.onEvent ?? (() => undefined);
  const reg = createAgentRegistry({ host: options.host, energyMaxGapMs: Math.max(60_000, options.intervalMs * 3) });
  const sampler: Sampler = createSampler({ nvidiaSmi: options.nvidiaSmi, onProblem: log });
  const grouping = { host: options.host, slurmJobId: options.slurmJobId, serviceId: options.serviceId };
  const common = { job: GPU_PUSH_JOB, instance: options.host, slurm_job_id: options.slurmJobId, service_id: options.serviceId };
  const pg = options.pushgatewayUrl ? createPushgatewaySink(options.pushgatewayUrl, agentGroupingPath(grouping), reg.registry) : undefined;
  const rw = options.remoteWriteUrl ? createRemoteWriteSink(options.remoteWriteUrl) : undefined;
  const spool = rw ? await openSpool<SpoolRecord>({ dir: options.spoolDir, maxBytes: options.spoolMaxBytes }) : undefined;
  const state = (): SinkState => ({ backoff: retryBackoff(options.backoff), retryAt: 0, failing: false });
  const pgState = state();
  const rwState = state();
  const summary: AgentSummary = { samples: 0, spooled: 0, spoolBytes: spool?.bytes ?? 0, dropped: 0 };
  const sentInSegment = { name: '', count: 0 }; // a partly delivered segment is not re-sent in this run

  const failed = (sink: string, s: SinkState, error: unknown): void => {
    reg.sent(sink, false);
    const delay = s.backoff.next();
    s.retryAt = Date.now() + delay;
    if (!s.failing) log(`telemetry: ${sink} send failed: ${errorMessage(error)}; retrying with backoff (next in ${delay} ms)`);
    s.failing = true;
  };
  const succeeded = (sink: string, s: SinkState): void => {
    reg.sent(sink, true);
    if (s.failing) log(`telemetry: ${sink} answers again`);
    s.failing = false;
    s.backoff.reset();
    s.retryAt = 0;
  };
  const updateSpoolGauge = (dropped: number): void => {
    if (!spool) return;
    reg.spool(spool.bytes, dropped);
    summary.spoolBytes = spool.bytes;
    summary.dropped += dropped;
    if (dropped > 0) log(`telemetry: spool full (${options.spoolMaxBytes} bytes): dropped ${dropped} oldest samples`);
  };

  // Deliver the spool oldest first until it is empty, a send fails, or the deadline passes.
  const drain = async (sink: RemoteWriteSink, store: Spool<SpoolRecord>, deadline: number): Promise<void> => {
    const batch = options.drainBatch ?? 60;
    while (!store.empty && Date.now() < deadline && Date.now() >= rwState.retryAt) {
      const segment = await store.oldest();
      if (!segment) break;
      let done = sentInSegment.name === segment.name ? sentInSegment.count : 0;
      while (done < segment.records.length && Date.now() < deadline) {
        const records = segment.records.slice(done, done + batch);
        try {
          await sink.send(recordsToSeries(records));
          succeeded(sink.name, rwState);
        } catch (error) {
          if (!(error instanceof RemoteWriteRejected)) return failed(sink.name, rwState, error);
          log(`telemetry: ${error.message}; dropping ${records.length} spooled samples the receiver refuses`);
          updateSpoolGauge(records.length);
        }
        done += records.length;
        Object.assign(sentInSegment, { name: segment.name, count: done });
      }
      if (done < segment.records.length) return;
      await store.remove(segment.name);
      updateSpoolGauge(0);
      emit({ type: 'drained', records: segment.records.length, spoolBytes: store.bytes });
    }
  };

  const deliver = async (record: SpoolRecord, deadline: number): Promise<void> => {
    if (!rw || !spool) return;
    if (spool.empty && Date.now() >= rwState.retryAt) {
      try {
        await rw.send(recordsToSeries([record]));
        return succeeded(rw.name, rwState);
      } catch (error) {
        if (error instanceof RemoteWriteRejected) return log(`telemetry: ${error.message}`);
        failed(rw.name, rwState, error);
      }
    }
    updateSpoolGauge(await spool.append([record]));
    summary.spooled += 1;
    emit({ type: 'spooled', timestampMs: record.t });
    await drain(rw, spool, deadline);
  };

  const push = async (sink: PushgatewaySink, force = false): Promise<void> => {
    if (!force && Date.now() < pgState.retryAt) return;
    try {
      await sink.push();
      succeeded(sink.name, pgState);
    } catch (error) {
      failed(sink.name, pgState, error);
    }
  };

  const tick = async (deadline: number): Promise<void> => {
    const sample: GpuSample | undefined = await sampler.sample();
    if (!sample) reg.sampleFailed();
    else {
      reg.observe(sample);
      summary.samples += 1;
      emit({ type: 'sample', timestampMs: sample.timestampMs });
      if (rw) {
        const points = await reg.snapshot();
        await deliver({ t: sample.timestampMs, c: common, p: points.map((pt) => [pt.name, pt.labels, pt.value]) }, deadline);
      }
    }
    if (rw && spool && !spool.empty) await drain(rw, spool, deadline);
    if (pg) await push(pg);
  };

  log(`telemetry: agent on ${options.host} (slurm_job_id=${options.slurmJobId || '-'} service_id=${options.serviceId || '-'}) every ${options.intervalMs} ms -> ${[pg && `pushgateway ${safeUrl(options.pushgatewayUrl!)}`, rw && `remote-write ${safeUrl(options.remoteWriteUrl!)}`].filter(Boolean).join(', ') || 'no sink'}`);
  let next = Date.now();
  while (!signal.aborted) {
    next += options.intervalMs;
    await tick(next);
    if (next < Date.now()) next = Date.now(); // a slow tick skips missed slots instead of bursting
    await sleep(next - Date.now(), signal);
  }
  // Clean stop: deliver what is spooled (briefly), then a final push and the group's removal.
  if (rw && spool && !spool.empty) {
    rwState.retryAt = 0;
    await drain(rw, spool, Date.now() + (options.stopDrainMs ?? 5000));
    if (!spool.empty) log(`telemetry: ${spool.bytes} spooled bytes kept in ${options.spoolDir} for the next start`);
  }
  if (pg) {
    await push(pg, true);
    await pg.deleteGroup().then(
      () => log('telemetry: Pushgateway group deleted'),
      (error: unknown) => log(`telemetry: could not delete the Pushgateway group: ${errorMessage(error)}`),
    );
  }
  return summary;
}

// Resolves after ms, or at once when the signal aborts (never rejects).
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return ms <= 0 || signal.aborted ? Promise.resolve() : delay(ms, undefined, { signal }).catch(() => undefined);
}
