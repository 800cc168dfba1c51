// The telemetry agent: a tick loop. Every interval it samples nvidia-smi, sets the registry's
// gauges and hands the sample to its deliveries: the Pushgateway (latest values, backed off after
// a failure: push-delivery.ts) and remote-write (every sample at its timestamp, spooled to disk
// while the receiver is away: remote-write-delivery.ts). Stop (abort): drain briefly, final push,
// delete the Pushgateway group.
import { GPU_PUSH_JOB, SINK_NAMES } from '../common/metric-catalog.js';
import { sleep } from '../common/sleep.js';
import type { RetryBackoffOptions } from './backoff.js';
import { agentGroupingPath } from './grouping.js';
import { createPushDelivery, type PushDelivery } from './push-delivery.js';
import { createPushgatewaySink, safeUrl } from './pushgateway-sink.js';
import { createAgentRegistry, type AgentRegistry } from './registry.js';
import { createRemoteWriteSink } from './remote-write.js';
import { RemoteWriteDelivery, type SpoolHooks, type SpoolRecord } from './remote-write-delivery.js';
import { createSampler, type Sampler } from './sampler.js';
import { SinkHealth, type SinkReporter } from './sink-health.js';
import { openSpool } from './spool.js';

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

interface AgentSummary {
  samples: number;
  spooled: number;
  spoolBytes: number;
  dropped: number;
}

/** What one tick works with. */
interface Agent {
  reg: AgentRegistry;
  sampler: Sampler;
  common: Record<string, string>;
  push: PushDelivery | undefined;
  remoteWrite: RemoteWriteDelivery | undefined;
  summary: AgentSummary;
  emit: (event: AgentEvent) => void;
}

/** Run until signal aborts; returns what happened. Never throws for sink or nvidia-smi trouble. */
export async function runAgent(options: AgentOptions, signal: AbortSignal): Promise<AgentSummary> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const agent = await createAgent(options, log);
  log(`telemetry: agent on ${options.host} (slurm_job_id=${options.slurmJobId || '-'} service_id=${options.serviceId || '-'}) every ${options.intervalMs} ms -> ${sinkList(options)}`);
  let next = Date.now();
  while (!signal.aborted) {
    next += options.intervalMs;
    await tick(agent, next);
    if (next < Date.now()) next = Date.now(); // a slow tick skips missed slots instead of bursting
    await sleep(next - Date.now(), signal);
  }
  // Clean stop: deliver what is spooled (briefly), then a final push and the group's removal.
  await agent.remoteWrite?.finish(options.stopDrainMs ?? 5000, options.spoolDir);
  await agent.push?.finish();
  return agent.summary;
}

// Sample once and hand the sample to each delivery; `deadline` bounds the time spent draining.
async function tick(agent: Agent, deadline: number): Promise<void> {
  const { reg, summary, remoteWrite } = agent;
  const sample = await agent.sampler.sample();
  if (!sample) reg.sampleFailed();
  else {
    reg.observe(sample);
    summary.samples += 1;
    agent.emit({ type: 'sample', timestampMs: sample.timestampMs });
    if (remoteWrite) {
      const points = await reg.snapshot();
      await remoteWrite.deliver({ t: sample.timestampMs, c: agent.common, p: points.map((pt) => [pt.name, pt.labels, pt.value]) }, deadline);
    }
  }
  await remoteWrite?.drain(deadline);
  await agent.push?.tick();
}

// The registry, sampler and one delivery per configured sink.
async function createAgent(options: AgentOptions, log: (line: string) => void): Promise<Agent> {
  const reg = createAgentRegistry({ host: options.host, energyMaxGapMs: Math.max(60_000, options.intervalMs * 3) });
  const emit = options.onEvent ?? (() => undefined);
  const reporter: SinkReporter = { sent: (sink, ok) => reg.sent(sink, ok), log };
  const grouping = { host: options.host, slurmJobId: options.slurmJobId, serviceId: options.serviceId };
  const summary: AgentSummary = { samples: 0, spooled: 0, spoolBytes: 0, dropped: 0 };
  const push = options.pushgatewayUrl
    ? createPushDelivery(createPushgatewaySink(options.pushgatewayUrl, agentGroupingPath(grouping), reg.registry), new SinkHealth(SINK_NAMES.pushgateway, reporter, options.backoff), log)
    : undefined;
  let remoteWrite: RemoteWriteDelivery | undefined;
  if (options.remoteWriteUrl) {
    const spool = await openSpool<SpoolRecord>({ dir: options.spoolDir, maxBytes: options.spoolMaxBytes });
    summary.spoolBytes = spool.bytes;
    const hooks: SpoolHooks = {
      log,
      spoolChanged(bytes, dropped) {
        reg.spool(bytes, dropped);
        summary.spoolBytes = bytes;
        summary.dropped += dropped;
      },
      spooled(timestampMs) {
        summary.spooled += 1;
        emit({ type: 'spooled', timestampMs });
      },
      drained: (records, spoolBytes) => emit({ type: 'drained', records, spoolBytes }),
    };
    const health = new SinkHealth(SINK_NAMES.remoteWrite, reporter, options.backoff);
    remoteWrite = new RemoteWriteDelivery({ sink: createRemoteWriteSink(options.remoteWriteUrl), spool, spoolMaxBytes: options.spoolMaxBytes, health, hooks, ...(options.drainBatch ? { batch: options.drainBatch } : {}) });
  }
  const common = { job: GPU_PUSH_JOB, instance: options.host, slurm_job_id: options.slurmJobId, service_id: options.serviceId };
  return { reg, sampler: createSampler({ nvidiaSmi: options.nvidiaSmi, onProblem: log }), common, push, remoteWrite, summary, emit };
}

function sinkList(options: AgentOptions): string {
  const sinks = [options.pushgatewayUrl && `pushgateway ${safeUrl(options.pushgatewayUrl)}`, options.remoteWriteUrl && `remote-write ${safeUrl(options.remoteWriteUrl)}`];
  return sinks.filter(Boolean).join(', ') || 'no sink';
}
