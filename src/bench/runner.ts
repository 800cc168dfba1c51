// A benchmark run: target + dataset + load pattern(s) + stop + SLOs -> one result document per
// sweep step. The transport records; computeMetrics derives; this file only sequences the phases.
import { VERSION } from '../version.js';
import { performance } from 'node:perf_hooks';
import { BenchError, InterruptedRun } from '../errors.js';
import { createBenchClient, type BenchApi } from './client.js';
import { loadDataset, type DatasetConfig } from './dataset-load.js';
import { clientHealth, startEventLoopMonitor } from './health.js';
import { runPhase, type PhaseCounts } from './load.js';
import { computeMetrics } from './metrics.js';
import { sloToConfig, toRequestDetail, toResultFields, toVllmDetailArrays, type ResultDocument, type RunConfig } from './result-schema.js';
import { connectionsFor, loadLabel, type LoadPattern, type OnDeadline, type StopCondition } from './schedule.js';
import { loadTokenizer, type BenchTokenizer } from './tokenizer.js';
import type { Slo } from './types.js';


/** What a run is, however it was configured (flags, profile, suite, control API). */
export interface BenchRunShape {
  /** Default: the first id from GET /v1/models. */
  model?: string;
  api: BenchApi;
  /** One step, or several for a sweep (run in order). */
  loads: LoadPattern[];
  stop: StopCondition;
  onDeadline: OnDeadline;
  dataset: DatasetConfig;
  warmup: number;
  slo?: Slo;
  percentiles: number[];
}

/** A run ready to execute: the shape plus its target and how to talk to it. */
export interface BenchPlan extends BenchRunShape {
  url: string;
  apiKey?: string;
  saveDetailed?: boolean;
  provenance?: RunConfigProvenance;
}

export type RunConfigProvenance = Omit<ResultDocument['provenance'], 'server_version'>;

export interface ProgressEvent {
  label: string;
  step: number;
  steps: number;
  phase: 'warmup' | 'measure';
  counts: PhaseCounts;
  /** The phase's request total when a count bounds it. */
  total?: number;
  durationS?: number;
  phaseStartMs: number;
}

export interface BenchHooks {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Setup messages for people (model chosen, tokenizer used). */
  onInfo?: (line: string) => void;
}

export interface BenchOutcome {
  runs: ResultDocument[];
  interrupted: boolean;
}

/** Ask the server for its first model id; BenchError when it does not answer. */
async function discoverModel(getJson: (path: string) => Promise<unknown>, url: string): Promise<string> {
  const models = (await getJson('/v1/models')) as { data?: Array<{ id?: unknown }> } | undefined;
  const id = models?.data?.[0]?.id;
  if (typeof id === 'string' && id !== '') return id;
  throw new BenchError(`Expected a model from ${url}/v1/models, got ${models === undefined ? 'no answer' : 'an empty list'}`, {
    hint: 'check that the server is up, or pass --model',
  });
}

/** Run every step of the plan and return one validated-shape result document per step. */
export async function runBench(plan: BenchPlan, hooks: BenchHooks = {}): Promise<BenchOutcome> {
  const meta = createBenchClient({ url: plan.url, connections: 1, apiKey: plan.apiKey });
  let model: string;
  let serverVersion: string | undefined;
  try {
    model = plan.model ?? (await discoverModel(meta.getJson, plan.url));
    const version = (await meta.getJson('/version', 3000)) as { version?: unknown } | undefined;
    if (typeof version?.version === 'string') serverVersion = version.version;
  } finally {
    await meta.close();
  }
  const tokenizer = await loadTokenizer(model);
  hooks.onInfo?.(`model ${model}; tokenizer ${tokenizer.kind === 'hf' ? tokenizer.name : `${tokenizer.name} (bundled fallback)`}`);
  const dataset = await loadDataset(plan.dataset, tokenizer, datasetSize(plan));
  const runs: ResultDocument[] = [];
  for (const [step, load] of plan.loads.entries()) {
    const outcome = await runStep(plan, { load, step, model, serverVersion, tokenizer, entries: dataset.entries }, hooks);
    runs.push(outcome.doc);
    if (outcome.interrupted) return { runs, interrupted: true };
  }
  return { runs, interrupted: false };
}

// Prompts to prepare: exactly what a count needs, else a pool the run cycles through.
function datasetSize(plan: BenchPlan): number {
  return plan.stop.numRequests !== undefined ? plan.stop.numRequests + plan.warmup : Math.max(plan.warmup + 1, 1000);
}

interface StepContext {
  load: LoadPattern;
  step: number;
  model: string;
  serverVersion?: string;
  tokenizer: BenchTokenizer;
  entries: Awaited<ReturnType<typeof loadDataset>>['entries'];
}

async function runStep(plan: BenchPlan, ctx: StepContext, hooks: BenchHooks): Promise<{ doc: ResultDocument; interrupted: boolean }> {
  const label = loadLabel(ctx.load);
  const client = createBenchClient({ url: plan.url, connections: connectionsFor(ctx.load), apiKey: plan.apiKey });
  const countTokens = (text: string): number => ctx.tokenizer.encode(text).length;
  const common = { client, entries: ctx.entries, model: ctx.model, api: plan.api, seed: plan.dataset.seed, countTokens, signal: hooks.signal };
  const progress = (phase: ProgressEvent['phase'], total: number | undefined, durationS: number | undefined, phaseStartMs: number) =>
    hooks.onProgress && ((counts: PhaseCounts) => hooks.onProgress?.({ label, step: ctx.step, steps: plan.loads.length, phase, counts, total, durationS, phaseStartMs }));
  try {
    let warmupRecords: Awaited<ReturnType<typeof runPhase>>['records'] = [];
    if (plan.warmup > 0) {
      const concurrency = Math.min(plan.warmup, ctx.load.kind === 'concurrency' ? ctx.load.concurrency : connectionsFor(ctx.load));
      const warm = await runPhase({
        ...common, offset: 0, warmup: true, onDeadline: 'finish',
        pattern: { kind: 'concurrency', concurrency }, stop: { numRequests: plan.warmup },
        onProgress: progress('warmup', plan.warmup, undefined, performance.now()),
      });
      warmupRecords = warm.records;
      if (warm.interrupted) throw new InterruptedRun();
    }
    const startedAt = new Date();
    const loop = startEventLoopMonitor();
    const phase = await runPhase({
      ...common, offset: plan.warmup, pattern: ctx.load, stop: plan.stop, onDeadline: plan.onDeadline,
      onProgress: progress('measure', plan.stop.numRequests, plan.stop.durationS, performance.now()),
    });
    const health = clientHealth(loop.stop(), phase.records);
    const endedAt = new Date();
    const records = [...warmupRecords, ...phase.records].sort((a, b) => a.index - b.index);
    const durationS = Math.max(1e-3, (phase.endMs - phase.startMs) / 1000);
    const metrics = computeMetrics(records, { durationS, slo: plan.slo, percentiles: plan.percentiles });
    const doc: ResultDocument = {
      schema_version: 1,
      kind: 'run',
      aibench_version: VERSION,
      started_at: startedAt.toISOString(),
      ended_at: endedAt.toISOString(),
      duration_s: durationS,
      label,
      ...vllmCompatFields(plan, ctx, startedAt, durationS),
      config: runConfig(plan, ctx),
      tokenizer: { kind: ctx.tokenizer.kind, name: ctx.tokenizer.name },
      provenance: { ...plan.provenance, ...(ctx.serverVersion === undefined ? {} : { server_version: ctx.serverVersion }) },
      client: health,
      ...(Object.keys(metrics.errors).length > 0 ? { errors: metrics.errors } : {}),
      ...(plan.saveDetailed ? { requests: records.map(toRequestDetail), ...toVllmDetailArrays(records) } : {}),
      ...toResultFields(metrics),
    };
    return { doc, interrupted: phase.interrupted };
  } finally {
    await client.close();
  }
}

/** The vLLM result-JSON fields that mean the same as ours (see result-schema.ts). */
function vllmCompatFields(plan: BenchPlan, ctx: StepContext, startedAt: Date, durationS: number) {
  const load = ctx.load;
  const pad = (n: number) => String(n).padStart(2, '0');
  const d = startedAt;
  return {
    duration: durationS,
    date: `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`,
    backend: plan.api === 'chat' ? ('openai-chat' as const) : ('openai' as const),
    model_id: ctx.model,
    request_rate: load.kind === 'rate' ? load.rate : ('inf' as const),
    burstiness: load.kind === 'rate' ? load.burstiness : 1,
    max_concurrency: load.kind === 'rate' ? (load.max_concurrency ?? null) : load.concurrency,
  };
}

function runConfig(plan: BenchPlan, ctx: StepContext): RunConfig {
  const stop: RunConfig['stop'] = { on_deadline: plan.onDeadline };
  if (plan.stop.durationS !== undefined) stop.duration_s = plan.stop.durationS;
  if (plan.stop.numRequests !== undefined) stop.num_requests = plan.stop.numRequests;
  const config: RunConfig = {
    target: { url: plan.url, model: ctx.model, api: plan.api },
    load: ctx.load,
    stop,
    dataset: { kind: plan.dataset.kind, range_ratio: plan.dataset.rangeRatio, seed: plan.dataset.seed },
    warmup: { num_requests: plan.warmup },
    percentiles: plan.percentiles,
  };
  if (plan.dataset.inputLen !== undefined && plan.dataset.kind === 'random') config.dataset.input_len = plan.dataset.inputLen;
  if (plan.dataset.outputLen !== undefined) config.dataset.output_len = plan.dataset.outputLen;
  if (plan.dataset.path !== undefined) config.dataset.path = plan.dataset.path;
  const slo = sloToConfig(plan.slo);
  if (slo !== undefined) config.slo = slo;
  return config;
}
