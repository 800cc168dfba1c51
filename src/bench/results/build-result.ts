// One load level's records -> its result document: counts, metrics, vLLM-compatible fields,
// provenance, client health, cut and interruption notes. Pure: every input is passed in.
import { VERSION } from '../../version.js';
import type { BenchTokenizer } from '../datasets/tokenizer.js';
import { clientHealth } from '../engine/client-health.js';
import { inFlightCap } from '../engine/schedule.js';
import type { ServerInfo } from '../engine/server-probe.js';
import type { CutReason, RequestRecord } from '../engine/types.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import { buildServerMetrics, buildTtftBreakdown, type ScrapeLog } from '../scrape/server-metrics.js';
import { computeMetrics } from './metrics.js';
import { replicaStats } from './replica-stats.js';
import { multiTurnBlock, type BatchBlock } from './workload-blocks.js';
import { sloFromConfig, toRequestDetail, toResultFields, toVllmDetailArrays, type ResultDocument, type RunConfig } from './result-schema.js';

/** Where a run's server lives and what it runs, when aibench knows (a service on a cluster). */
export type RunProvenance = Omit<ResultDocument['provenance'], 'server_version'>;

interface RunDocumentInput {
  spec: BenchSpec;
  config: RunConfig;
  label: string;
  startedAt: Date;
  endedAt: Date;
  /** Every record (warmup ones marked), of every share; times on one clock. */
  records: readonly RequestRecord[];
  /** The measured window on that clock: before the first measured send to after the last end. */
  window: { startMs: number; endMs: number };
  /** Event-loop delay of the client (the worst share's, when there were several). */
  loop: { p99Ms?: number; maxMs?: number };
  /** How the load was generated, when it was split (placement, shares, skew, per-share health). */
  clientExtras?: ClientExtras;
  tokenizer: ResultDocument['tokenizer'];
  server: ServerInfo;
  provenance?: RunProvenance;
  /** Set when the run was interrupted: the signal or the cancel's reason. */
  interruptedBy?: string;
  /** The server's /metrics scraped during the measured phase (times on the window's clock): one log, or one per replica of a group. */
  scrape?: readonly ScrapeLog[];
  /** A batch run's job (api batch). */
  batch?: BatchBlock;
}

/** The client block's placement and scale-out fields (see result-schema.ts `client`). */
export type ClientExtras = Omit<ResultDocument['client'], 'event_loop_delay_p99_ms' | 'event_loop_delay_max_ms' | 'send_lag_p99_ms' | 'send_lag_max_ms' | 'bottleneck_warning'>;

/** What a result records of the tokenizer that sized its prompts. */
export function tokenizerNote(tokenizer: BenchTokenizer): ResultDocument['tokenizer'] {
  return {
    kind: tokenizer.kind, name: tokenizer.name,
    ...(tokenizer.path === undefined ? {} : { path: tokenizer.path }),
    ...(tokenizer.fallbackReason === undefined ? {} : { fallback_reason: tokenizer.fallbackReason }),
  };
}

/** The validated-shape document of one load level. */
export function buildRunDocument(input: RunDocumentInput): ResultDocument {
  const { spec, window } = input;
  const records = [...input.records].sort((a, b) => a.index - b.index);
  const durationS = Math.max(1e-3, (window.endMs - window.startMs) / 1000);
  const metricOptions = { durationS, slo: sloFromConfig(spec.slo), percentiles: spec.percentiles };
  const metrics = computeMetrics(records, metricOptions);
  const replicas = replicaStats(records, metricOptions);
  const server = input.scrape === undefined || input.scrape.length === 0 ? undefined : buildServerMetrics(input.scrape, window, spec.save_detailed);
  const breakdown = buildTtftBreakdown(metrics.ttft_ms.mean, server);
  return {
    schema_version: 1,
    kind: 'run',
    aibench_version: VERSION,
    started_at: input.startedAt.toISOString(),
    ended_at: input.endedAt.toISOString(),
    duration_s: durationS,
    label: input.label,
    ...(spec.metadata === undefined ? {} : { metadata: spec.metadata }),
    ...vllmCompatFields(input, durationS),
    config: input.config,
    tokenizer: input.tokenizer,
    provenance: { ...input.provenance, ...(input.server.version === undefined ? {} : { server_version: input.server.version }) },
    ...(input.interruptedBy === undefined ? {} : { interrupted: { reason: input.interruptedBy, at: input.endedAt.toISOString() } }),
    ...cutNotes(records),
    client: { ...clientHealth(input.loop, records), ...input.clientExtras },
    ...(server === undefined ? {} : { server_metrics: server }),
    ...(breakdown === undefined ? {} : { ttft_breakdown: breakdown }),
    ...(Object.keys(metrics.errors).length > 0 ? { errors: metrics.errors } : {}),
    ...(replicas === undefined ? {} : { replicas }),
    ...workloadBlocks(records, input.batch),
    ...(spec.save_detailed ? { requests: records.map((r) => toRequestDetail(r, window.startMs)), ...toVllmDetailArrays(records) } : {}),
    ...toResultFields(metrics),
  };
}

// The multi-turn block (sessions, TTFT by turn) and a batch run's job block, where they apply.
function workloadBlocks(records: readonly RequestRecord[], batch: BatchBlock | undefined): Pick<ResultDocument, 'multi_turn' | 'batch'> {
  const turns = multiTurnBlock(records);
  return { ...(turns === undefined ? {} : { multi_turn: turns }), ...(batch === undefined ? {} : { batch }) };
}

// How many requests were cut for each reason, and which ones outlived the deadline's grace.
function cutNotes(records: readonly RequestRecord[]): Pick<ResultDocument, 'cut_reasons' | 'cut_after_grace'> {
  const reasons: Partial<Record<CutReason, number>> = {};
  const afterGrace: number[] = [];
  for (const r of records) {
    if (r.warmup || r.cutReason === undefined) continue;
    reasons[r.cutReason] = (reasons[r.cutReason] ?? 0) + 1;
    if (r.cutReason === 'grace' && afterGrace.length < 1000) afterGrace.push(r.index);
  }
  return {
    ...(Object.keys(reasons).length > 0 ? { cut_reasons: reasons } : {}),
    ...(afterGrace.length > 0 ? { cut_after_grace: afterGrace.sort((a, b) => a - b) } : {}),
  };
}

/** The vLLM result-JSON fields that mean the same as ours (see result-schema.ts). */
function vllmCompatFields(input: RunDocumentInput, durationS: number) {
  const load = input.config.load;
  const pad = (n: number) => String(n).padStart(2, '0');
  const d = input.startedAt;
  return {
    duration: durationS,
    date: `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`,
    backend: input.spec.target.api === 'chat' ? ('openai-chat' as const) : ('openai' as const),
    model_id: input.server.model,
    // A ramp, a trace and a batch have no one rate: vLLM's fields that would misstate them are left out.
    ...(load.kind === 'rate' ? { request_rate: load.rate } : load.kind === 'concurrency' ? { request_rate: 'inf' as const } : {}),
    ...('burstiness' in load ? { burstiness: load.burstiness } : load.kind === 'concurrency' ? { burstiness: 1 } : {}),
    max_concurrency: inFlightCap(load) ?? null,
  };
}
