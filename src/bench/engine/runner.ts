// The one benchmark runner: a BenchSpec and an endpoint -> one result document per load level and
// a verdict. Everything that can be checked is checked before the first request (model, lengths
// against the server's context, each step's recorded config); then the phases run; the maths and
// the documents are pure functions of the records (results/).
import { performance } from 'node:perf_hooks';
import { BenchError } from '../../errors.js';
import { promptPoolSize } from '../datasets/pool-size.js';
import { buildDataset } from '../datasets/build-dataset.js';
import type { DatasetEntry } from '../datasets/dataset.js';
import { loadTokenizer, type BenchTokenizer } from '../datasets/tokenizer.js';
import { buildRunDocument, type RunProvenance } from '../results/build-result.js';
import type { ResultDocument, RunConfig } from '../results/result-schema.js';
import { validatedRunConfigs } from '../results/run-config.js';
import { judge, type Verdict } from '../results/verdict.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import { createBenchClient } from './client.js';
import { startEventLoopMonitor } from './client-health.js';
import { runPhase, type PhaseCounts, type PhaseResult } from './phase.js';
import { connectionsFor, loadLabel } from './schedule.js';
import { probeServer, type ServerInfo } from './server-probe.js';
import { checkSocketBudget, openFileLimit } from './socket-limit.js';
import type { RequestRecord } from './types.js';

/** Where the requests go and what is known about it before the run. */
export interface Endpoint {
  url: string;
  /** Bearer token; never recorded. */
  apiKey?: string;
  /** The model a service serves (the spec's model wins, else the first id of /v1/models). */
  model?: string;
  provenance?: RunProvenance;
  /** True when requests cross an SSH forward (latencies include that path). */
  forwarded?: boolean;
}

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
  /** One document per load level that ran (a sweep interrupted midway has fewer). */
  runs: ResultDocument[];
  interrupted: boolean;
  verdict: Verdict;
}

/** Thrown when Ctrl-C lands before anything was measured: there is no document to write. */
export class InterruptedRun extends BenchError {
  constructor() {
    super('Interrupted before anything was measured', { code: 'E_INTERRUPTED', exitCode: 130 });
  }
}

interface Prepared {
  server: ServerInfo;
  configs: RunConfig[];
  tokenizer: BenchTokenizer;
  entries: readonly DatasetEntry[];
}

/** Run every load level of the spec against the endpoint. */
export async function runBenchmark(spec: BenchSpec, endpoint: Endpoint, hooks: BenchHooks = {}): Promise<BenchOutcome> {
  const prepared = await prepare(spec, endpoint, hooks);
  const runs: ResultDocument[] = [];
  let interrupted = false;
  for (const [step, config] of prepared.configs.entries()) {
    const outcome = await runStep(spec, endpoint, prepared, { step, config }, hooks);
    if (outcome.doc !== undefined) runs.push(outcome.doc);
    if (outcome.interrupted) {
      interrupted = true;
      break;
    }
  }
  if (interrupted && runs.length === 0) throw new InterruptedRun();
  return { runs, interrupted, verdict: judge(runs, spec.fail_on, interrupted) };
}

// Model, server limits, each step's config, tokenizer and prompts: all before the first request.
async function prepare(spec: BenchSpec, endpoint: Endpoint, hooks: BenchHooks): Promise<Prepared> {
  // An uncapped rate opens sockets only as requests overlap: nothing to check up front.
  checkSocketBudget(Math.max(0, ...spec.loads.map((l) => (l.kind === 'concurrency' ? l.concurrency : (l.max_concurrency ?? 0)))), openFileLimit());
  const server = await probeServer(spec, endpoint);
  const configs = validatedRunConfigs(spec, { url: endpoint.url, model: server.model });
  const tokenizer = await loadTokenizer(spec.client.tokenizer ?? server.model);
  hooks.onInfo?.(`model ${server.model}; tokenizer ${tokenizer.kind === 'hf' ? tokenizer.name : `${tokenizer.name} (bundled fallback)`}`);
  const pool = promptPoolSize(spec);
  const dataset = await buildDataset(spec.dataset, tokenizer, pool.size, spec.seed);
  if (pool.limitedBy === 'memory') hooks.onInfo?.(`prompts: ${pool.size} distinct (cut to fit ${pool.budgetMiB} MiB), reused in turn`);
  return { server, configs, tokenizer, entries: dataset.entries };
}

interface StepRun {
  step: number;
  config: RunConfig;
}

async function runStep(spec: BenchSpec, endpoint: Endpoint, prepared: Prepared, run: StepRun, hooks: BenchHooks): Promise<{ doc?: ResultDocument; interrupted: boolean }> {
  const load = run.config.load;
  const label = loadLabel(load);
  const client = createBenchClient({ url: endpoint.url, connections: connectionsFor(load), apiKey: endpoint.apiKey });
  const progress = (phase: ProgressEvent['phase'], total: number | undefined, durationS: number | undefined) => {
    const phaseStartMs = performance.now();
    return hooks.onProgress && ((counts: PhaseCounts) => hooks.onProgress?.({ label, step: run.step, steps: spec.loads.length, phase, counts, total, durationS, phaseStartMs }));
  };
  const common = {
    client, entries: prepared.entries, model: prepared.server.model, api: spec.target.api, seed: spec.seed, signal: hooks.signal,
    countTokens: (text: string): number => prepared.tokenizer.encode(text).length, graceS: spec.stop.deadline_grace_s,
  };
  try {
    let warmup: RequestRecord[] = [];
    if (spec.warmup > 0) {
      const concurrency = Math.min(spec.warmup, load.kind === 'concurrency' ? load.concurrency : connectionsFor(load));
      const warm = await runPhase({
        ...common, offset: 0, warmup: true, onDeadline: 'finish', pattern: { kind: 'concurrency', concurrency },
        stop: { numRequests: spec.warmup }, onProgress: progress('warmup', spec.warmup, undefined),
      });
      if (warm.interrupted) return { interrupted: true };
      warmup = warm.records;
    }
    const startedAt = new Date();
    const loop = startEventLoopMonitor();
    const measured: PhaseResult = await runPhase({
      ...common, offset: spec.warmup, pattern: load, onDeadline: spec.stop.on_deadline,
      stop: { durationS: spec.stop.duration_s, numRequests: spec.stop.num_requests },
      onProgress: progress('measure', spec.stop.num_requests, spec.stop.duration_s),
    });
    const doc = buildRunDocument({
      spec, config: run.config, label, startedAt, endedAt: new Date(), phase: measured, warmup, loop: loop.stop(),
      tokenizer: prepared.tokenizer, server: prepared.server, provenance: endpoint.provenance,
      interruptedBy: measured.interrupted ? interruptReason(hooks.signal) : undefined,
    });
    return { doc, interrupted: measured.interrupted };
  } finally {
    await client.close();
  }
}

// What stopped the run, for the document: the signal's name (SIGINT, SIGTERM) or the cancel's message.
function interruptReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.message !== '') return reason.message;
  if (typeof reason === 'string' && reason !== '') return reason;
  return 'interrupted';
}
