// Which runner measures a share's load: requests (closed or open loop, ramps included), a trace's
// own arrivals, sessions of a multi-turn dataset, or one batch job. The seam between run-share.ts
// (warmup, barrier, health) and the workload-specific loops.
import type { Conversation } from '../datasets/conversation.js';
import type { TraceSource } from '../datasets/trace.js';
import { runBatchPhase } from '../batch/batch-phase.js';
import type { BatchBlock } from '../results/workload-blocks.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import { runPhase, type PhaseOptions, type PhaseResult } from './phase.js';
import { runSessionPhase } from './session-phase.js';
import type { Share } from './share.js';

/** What some datasets bring besides prompts: multi-turn sessions, or a trace to stream. */
export interface Workload {
  conversations?: readonly Conversation[];
  trace?: TraceSource;
}

interface MeasuredContext {
  spec: BenchSpec;
  url: string;
  apiKey?: string;
  workload?: Workload;
}

/** The request count progress can show for the measured phase: none for sessions (num_requests counts sessions, progress counts turns). */
export function measuredTotal(spec: BenchSpec): number | undefined {
  return spec.dataset.kind === 'conversation' ? undefined : spec.stop.num_requests;
}

/** Run the measured phase of one share with the runner its load and dataset need. */
export async function runMeasuredPhase(ctx: MeasuredContext, share: Share, opts: PhaseOptions): Promise<PhaseResult & { batch?: BatchBlock }> {
  const { spec } = ctx;
  const load = share.load;
  if (load.kind === 'batch') {
    return runBatchPhase({
      url: ctx.url, ...(ctx.apiKey ? { apiKey: ctx.apiKey } : {}), model: opts.model, entries: opts.entries, numRequests: share.numRequests ?? opts.entries.length,
      pollIntervalS: load.poll_interval_s, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), ...(opts.onRecord ? { onRecord: opts.onRecord } : {}),
    });
  }
  if (spec.dataset.kind === 'conversation') {
    return runSessionPhase({ ...opts, conversations: ctx.workload?.conversations ?? [], thinkTimeMs: spec.dataset.think_time_ms });
  }
  if (load.kind === 'trace') {
    const trace = ctx.workload?.trace;
    if (trace === undefined) throw new Error('a trace load needs the trace dataset opened (this is a bug)');
    return runPhase({ ...opts, arrivals: trace.arrivals(share.index, share.count, load.time_scale) });
  }
  return runPhase(opts);
}
