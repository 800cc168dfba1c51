// `--api batch`: the measured phase as one batch job. The requests become one JSONL file (chat
// requests, like the online run of the same dataset), uploaded through the files API; a batch is
// created on it and polled until it ends; the output file is read back into one record per item
// (success, tokens from usage; its E2EL is from the upload's start until the results were ready).
import { performance } from 'node:perf_hooks';
import { sleep } from '../../common/sleep.js';
import type { DatasetEntry } from '../datasets/dataset.js';
import type { PhaseCounts, PhaseResult } from '../engine/phase.js';
import type { RequestRecord } from '../engine/types.js';
import type { BatchBlock } from '../results/workload-blocks.js';
import { batchApi, TERMINAL_BATCH_STATUSES, type BatchObject } from './batch-api.js';

interface BatchPhaseOptions {
  url: string;
  apiKey?: string;
  model: string;
  entries: readonly DatasetEntry[];
  numRequests: number;
  pollIntervalS: number;
  signal?: AbortSignal;
  onProgress?: (counts: PhaseCounts) => void;
  onRecord?: (record: RequestRecord) => void;
}

const ENDPOINT = '/v1/chat/completions';

/** The batch input file: one chat request per item, custom_id req-<index>. */
function batchInput(entries: readonly DatasetEntry[], n: number, model: string): string {
  return Array.from({ length: n }, (_, i) => {
    const e = entries[i % entries.length] as DatasetEntry;
    const body = { model, messages: [{ role: 'user', content: e.prompt }], max_tokens: e.outputTokens, ignore_eos: true, temperature: 0 };
    return `${JSON.stringify({ custom_id: `req-${i}`, method: 'POST', url: ENDPOINT, body })}\n`;
  }).join('');
}

/** Submit, poll, read back: the phase's records and the job's block for the result. */
export async function runBatchPhase(o: BatchPhaseOptions): Promise<PhaseResult & { batch: BatchBlock }> {
  const api = batchApi(o.url, o.apiKey);
  const startMs = performance.now();
  const fileId = await api.upload(batchInput(o.entries, o.numRequests, o.model), 'aibench-batch.jsonl');
  let batch = await api.create(fileId, ENDPOINT);
  const createdMs = performance.now();
  let runningMs: number | undefined;
  let doneMs: number | undefined;
  const counts: PhaseCounts = { sent: o.numRequests, completed: 0, failed: 0, inFlight: o.numRequests };
  while (!TERMINAL_BATCH_STATUSES.includes(batch.status)) {
    if (o.signal?.aborted) break;
    await sleep(o.pollIntervalS * 1000, o.signal);
    if (o.signal?.aborted) break;
    batch = await api.get(batch.id);
    const at = performance.now();
    if (runningMs === undefined && batch.status !== 'validating') runningMs = at;
    if (doneMs === undefined && (batch.status === 'finalizing' || TERMINAL_BATCH_STATUSES.includes(batch.status))) doneMs = at;
    const rc = batch.request_counts;
    if (rc !== undefined) Object.assign(counts, { completed: rc.completed, failed: rc.failed, inFlight: Math.max(0, rc.total - rc.completed - rc.failed) });
    o.onProgress?.(counts);
  }
  const interrupted = o.signal?.aborted === true;
  if (interrupted) await api.cancel(batch.id).catch(() => undefined);
  const lines = batch.status === 'completed' ? await outputLines(api, batch) : [];
  const endMs = performance.now();
  const records = itemRecords(o, lines, { startMs, endMs: doneMs ?? endMs, interrupted, error: batchError(batch) });
  for (const r of records) o.onRecord?.(r);
  const block = batchBlock(o, batch, records, { startMs, createdMs, runningMs, doneMs, endMs });
  return { records, startMs, endMs, interrupted, batch: block };
}

async function outputLines(api: ReturnType<typeof batchApi>, batch: BatchObject): Promise<string[]> {
  const files = [batch.output_file_id, batch.error_file_id].filter((f): f is string => typeof f === 'string');
  const texts = await Promise.all(files.map((f) => api.content(f)));
  return texts.flatMap((t) => t.split('\n').filter((l) => l.trim() !== ''));
}

function batchError(batch: BatchObject): string {
  const first = batch.errors?.data?.[0];
  return first?.message ? `batch ${batch.status}: ${first.line ? `line ${first.line}: ` : ''}${first.message}` : `batch ${batch.status}: no result for this item`;
}

interface OutputLine {
  custom_id?: string;
  response?: { status_code?: number; body?: { usage?: { prompt_tokens?: number; completion_tokens?: number }; error?: { message?: string } } } | null;
  error?: { message?: string } | null;
}

// One record per item: what the output (or error) file says about it, or the batch's failure.
function itemRecords(o: BatchPhaseOptions, lines: readonly string[], t: { startMs: number; endMs: number; interrupted: boolean; error: string }): RequestRecord[] {
  const byId = new Map<string, OutputLine>();
  for (const line of lines) {
    try {
      const parsed = JSON.parse(line) as OutputLine;
      if (typeof parsed.custom_id === 'string') byId.set(parsed.custom_id, parsed);
    } catch {
      // a torn line: its item counts as failed below
    }
  }
  return Array.from({ length: o.numRequests }, (_, i): RequestRecord => {
    const e = o.entries[i % o.entries.length] as DatasetEntry;
    const out = byId.get(`req-${i}`);
    const status = out?.response?.status_code;
    const usage = out?.response?.body?.usage;
    const base: RequestRecord = {
      index: i, startMs: t.startMs, scheduledMs: t.startMs, chunkTimesMs: [], endMs: t.endMs, success: status === 200,
      promptTokens: usage?.prompt_tokens ?? e.promptTokens, outputTokens: usage?.completion_tokens ?? 0, outputTokensSource: 'usage', expectedOutputTokens: e.outputTokens,
      ...(status === undefined ? {} : { status }),
    };
    if (base.success) return base;
    if (out === undefined && t.interrupted) return { ...base, cut: true, cutReason: 'interrupted', error: 'cut: the run was interrupted' };
    return { ...base, error: out?.error?.message ?? out?.response?.body?.error?.message ?? (out === undefined ? t.error : `HTTP ${status ?? '?'}`) };
  });
}

function batchBlock(o: BatchPhaseOptions, batch: BatchObject, records: readonly RequestRecord[], t: { startMs: number; createdMs: number; runningMs?: number; doneMs?: number; endMs: number }): BatchBlock {
  const s = (ms: number) => ms / 1000;
  const output = records.reduce((sum, r) => sum + (r.success ? r.outputTokens : 0), 0);
  const job = t.runningMs !== undefined && t.doneMs !== undefined ? s(t.doneMs - t.runningMs) : undefined;
  const server = Object.fromEntries((['created_at', 'in_progress_at', 'completed_at'] as const).flatMap((k) => (typeof batch[k] === 'number' ? [[k, batch[k]]] : [])));
  const errors = (batch.errors?.data ?? []).slice(0, 5).map((e) => `${e.line ? `line ${e.line}: ` : ''}${e.message ?? 'error'}`);
  return {
    id: batch.id, status: batch.status, items: o.numRequests, completed: records.filter((r) => r.success).length, failed: records.filter((r) => !r.success && !r.cut).length,
    poll_interval_s: o.pollIntervalS, upload_s: s(t.createdMs - t.startMs), total_s: s(t.endMs - t.startMs),
    ...(t.runningMs === undefined ? {} : { queue_wait_s: s(t.runningMs - t.createdMs) }),
    ...(job === undefined ? {} : { job_duration_s: job, ...(job > 0 ? { job_output_throughput: output / job } : {}) }),
    ...(Object.keys(server).length === 0 ? {} : { server_times: server }),
    ...(errors.length === 0 ? {} : { errors }),
  };
}
