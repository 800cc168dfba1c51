// The one benchmark runner: a BenchSpec and an endpoint -> one result document per load level and
// a verdict. Everything that can be checked is checked before the first request (model, lengths
// against the server's context, each step's recorded config); then the phases run; the maths and
// the documents are pure functions of the records (results/).
import { InterruptedRun } from '../../errors.js';
import { promptPoolSize } from '../datasets/pool-size.js';
import { buildDataset } from '../datasets/build-dataset.js';
import type { DatasetEntry } from '../datasets/dataset.js';
import { loadTokenizer, type BenchTokenizer } from '../datasets/tokenizer.js';
import { buildRunDocument, tokenizerNote, type RunProvenance } from '../results/build-result.js';
import type { ResultDocument, RunConfig, SearchDocument } from '../results/result-schema.js';
import { validatedRunConfigs } from '../results/run-config.js';
import { settle, type Verdict } from '../results/verdict.js';
import type { BenchSpec } from '../spec/bench-spec.js';
import { poolShares } from '../results/pool-shares.js';
import { measuredTotal, type Workload } from './measured-phase.js';
import type { PhaseCounts } from './phase.js';
import { runShareStep } from './run-share.js';
import { inFlightCap, loadLabel } from './schedule.js';
import { shareOf } from './share.js';
import { probeServer, type ServerInfo } from './server-probe.js';
import { checkSocketBudget, openFileLimit } from './socket-limit.js';

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
  /** A service group's replicas as this process reaches them: requests are spread over them. */
  replicas?: ReadonlyArray<{ id: string; url: string }>;
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
  /** One document per load level that ran (a sweep interrupted midway has fewer; a search: one per step). */
  runs: ResultDocument[];
  interrupted: boolean;
  verdict: Verdict;
  /** A search's document (bench search), whose steps are `runs`. */
  search?: SearchDocument;
}

export interface Prepared {
  server: ServerInfo;
  configs: RunConfig[];
  tokenizer: BenchTokenizer;
  entries: readonly DatasetEntry[];
  /** Sessions or a trace, for the datasets that bring them. */
  workload: Workload;
}

/** Run every load level of the spec against the endpoint. */
export async function runBenchmark(spec: BenchSpec, endpoint: Endpoint, hooks: BenchHooks = {}): Promise<BenchOutcome> {
  const prepared = await prepareRun(spec, endpoint, hooks);
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
  return settle(runs, spec, interrupted);
}

/** Model, server limits, each step's config, tokenizer and prompts: all before the first request. */
export async function prepareRun(spec: BenchSpec, endpoint: Endpoint, hooks: BenchHooks = {}): Promise<Prepared> {
  // An uncapped rate opens sockets only as requests overlap: nothing to check up front.
  checkSocketBudget(Math.max(0, ...spec.loads.map((l) => inFlightCap(l) ?? 0)), openFileLimit());
  // The tokenizer and prompts need the server only for the model's name. When that is known up
  // front and the prompts are few generated ones (see smallGenerated), they are built while the
  // server is asked: CPU spent while waiting on the network, not after it.
  // (allSettled: if the probe fails first, the early build's own failure is never an unhandled rejection.)
  const probe = probeServer(spec, endpoint);
  const named = spec.client.tokenizer ?? spec.target.model ?? endpoint.model;
  const early = named !== undefined && smallGenerated(spec) ? Promise.allSettled([buildWorkload(spec, named)]) : undefined;
  const server = await probe;
  const configs = validatedRunConfigs(spec, { url: endpoint.url, model: server.model });
  const { tokenizer, dataset, pool } = early === undefined ? await buildWorkload(spec, spec.client.tokenizer ?? server.model) : await early.then(([built]) => {
    if (built.status === 'rejected') throw built.reason;
    return built.value;
  });
  hooks.onInfo?.(`model ${server.model}; tokenizer ${tokenizer.kind === 'hf' ? `${tokenizer.name} (${tokenizer.path})` : `${tokenizer.name} (bundled fallback: ${tokenizer.fallbackReason})`}`);
  if (pool.limitedBy === 'memory') hooks.onInfo?.(`prompts: ${pool.size} distinct (cut to fit ${pool.budgetMiB} MiB), reused in turn`);
  return { server, configs, tokenizer, entries: dataset.entries, workload: { conversations: dataset.conversations, trace: dataset.trace } };
}

/**
 * Random or prefix prompts of at most ~256k tokens in all (the default, 100 of 1,024 tokens, builds
 * in ~30 ms). A bigger build would hold up the probe's answer (an unreachable server would be
 * reported late) and be wasted when the probe fails, so it waits for the probe as files do.
 */
function smallGenerated(spec: BenchSpec): boolean {
  const d = spec.dataset;
  if (d.kind !== 'random' && d.kind !== 'prefix') return false;
  const perPrompt = d.input_len + (d.kind === 'prefix' ? d.prefix_len : 0);
  return promptPoolSize(spec).size * perPrompt <= 262_144;
}

/** The tokenizer named and the spec's prompts built with it. */
async function buildWorkload(spec: BenchSpec, tokenizerName: string) {
  const tokenizer = await loadTokenizer(tokenizerName);
  const pool = promptPoolSize(spec);
  return { tokenizer, pool, dataset: await buildDataset(spec.dataset, tokenizer, pool.size, spec.seed) };
}

interface StepRun {
  step: number;
  config: RunConfig;
}

// The in-process run of one load level: the only share, then its document.
async function runStep(spec: BenchSpec, endpoint: Endpoint, prepared: Prepared, run: StepRun, hooks: BenchHooks): Promise<{ doc?: ResultDocument; interrupted: boolean }> {
  const label = loadLabel(run.config.load);
  const ctx = {
    spec, url: endpoint.url, ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}), model: prepared.server.model, tokenizer: prepared.tokenizer, entries: prepared.entries,
    workload: prepared.workload, ...(endpoint.replicas ? { replicas: endpoint.replicas } : {}),
  };
  const output = await runShareStep(ctx, shareOf(run.config.load, spec.stop, spec.warmup, spec.seed, 0, 1), {
    signal: hooks.signal,
    scrape: true,
    onProgress: hooks.onProgress && ((phase, counts, phaseStartMs) => hooks.onProgress?.({
      label, step: run.step, steps: spec.loads.length, phase, counts, phaseStartMs,
      total: phase === 'warmup' ? spec.warmup : measuredTotal(spec), durationS: phase === 'warmup' ? undefined : spec.stop.duration_s,
    })),
  });
  if (output === undefined) return { interrupted: true };
  const pool = poolShares([{ index: 0, window: output, records: output.records, loop: output.loop, interrupted: output.interrupted }]);
  const doc = buildRunDocument({
    spec, config: run.config, label, startedAt: output.startedAt, endedAt: output.endedAt, records: pool.records, window: pool.window, loop: pool.loop,
    tokenizer: tokenizerNote(prepared.tokenizer), server: prepared.server, provenance: endpoint.provenance,
    clientExtras: { placement: 'local', network_path: endpoint.forwarded ? 'ssh-forward' : 'direct', ...forwardWarning(endpoint) },
    interruptedBy: output.interrupted ? interruptReason(hooks.signal) : undefined,
    ...(output.scrape === undefined ? {} : { scrape: output.scrape }),
    ...(output.batch ? { batch: output.batch } : {}),
  });
  return { doc, interrupted: output.interrupted };
}

/** The warning a result carries when its requests crossed an SSH forward. */
export function forwardWarning(endpoint: Pick<Endpoint, 'forwarded'>): { network_warning?: string } {
  return endpoint.forwarded ? { network_warning: 'requests went through an SSH forward from this machine: TTFT and E2EL include that path (use --client cluster to measure next to the server)' } : {};
}

// What stopped the run, for the document: the signal's name (SIGINT, SIGTERM) or the cancel's message.
function interruptReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.message !== '') return reason.message;
  if (typeof reason === 'string' && reason !== '') return reason;
  return 'interrupted';
}
