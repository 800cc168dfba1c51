// The simulator's OpenAI files + batches: uploaded files in memory, and batch jobs that go
// validating -> in_progress (after the queue delay) -> finalizing -> completed on timers, their items
// finishing by the latency model (batch-plan.ts) on max-num-seqs slots of their own, and an output
// file (and an error file for failed items) in OpenAI's batch output format.
import { randomBytes } from 'node:crypto';
import { fullResponse } from '../chunks.js';
import { errorBody, parseGenerationRequest } from '../protocol.js';
import { countPromptTokens, outputText } from '../tokens.js';
import type { SimOptions } from '../options.js';
import { planBatch } from './batch-plan.js';

export interface SimFile {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  content: Buffer;
}

type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'cancelling' | 'cancelled';

interface SimBatch {
  id: string;
  object: 'batch';
  endpoint: string;
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  errors: { object: 'list'; data: Array<{ code: string; message: string; line: number | null }> } | null;
  created_at: number;
  in_progress_at: number | null;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
}

interface Item {
  customId: string;
  kind: 'completion' | 'chat';
  model: string;
  promptTokens: number;
  outputTokens: number;
  failed: boolean;
}

const now = (): number => Math.floor(Date.now() / 1000);
const newId = (prefix: string): string => `${prefix}-${randomBytes(12).toString('hex')}`;

/** Files and batch jobs of one simulator; close() stops every job's timers. */
export class BatchStore {
  readonly files = new Map<string, SimFile>();
  readonly batches = new Map<string, SimBatch>();
  readonly #timers = new Map<string, NodeJS.Timeout[]>();

  constructor(private readonly options: SimOptions, private readonly rng: () => number) {}

  addFile(filename: string, purpose: string, content: Buffer): SimFile {
    const file: SimFile = { id: newId('file'), object: 'file', bytes: content.length, created_at: now(), filename, purpose, content };
    this.files.set(file.id, file);
    return file;
  }

  /** Create a batch job over an uploaded file; it validates, queues and runs on its own. */
  create(inputFileId: string, endpoint: string, completionWindow: string, metadata: Record<string, string> | null): SimBatch {
    const batch: SimBatch = {
      id: newId('batch'), object: 'batch', endpoint, input_file_id: inputFileId, completion_window: completionWindow, status: 'validating',
      output_file_id: null, error_file_id: null, errors: null, created_at: now(), in_progress_at: null, finalizing_at: null, completed_at: null,
      failed_at: null, cancelled_at: null, request_counts: { total: 0, completed: 0, failed: 0 }, metadata,
    };
    this.batches.set(batch.id, batch);
    void this.validate(batch);
    return batch;
  }

  cancel(batch: SimBatch): void {
    if (batch.status === 'completed' || batch.status === 'failed' || batch.status === 'cancelled') return;
    this.stopTimers(batch.id);
    batch.status = 'cancelled';
    batch.cancelled_at = now();
  }

  close(): void {
    for (const id of this.#timers.keys()) this.stopTimers(id);
  }

  private stopTimers(id: string): void {
    for (const t of this.#timers.get(id) ?? []) clearTimeout(t);
    this.#timers.delete(id);
  }

  private after(batch: SimBatch, ms: number, fn: () => void): void {
    const list = this.#timers.get(batch.id) ?? [];
    list.push(setTimeout(fn, Math.max(0, ms)));
    this.#timers.set(batch.id, list);
  }

  // Parse every line (errors fail the batch, naming the line), then wait in the queue, then run.
  private async validate(batch: SimBatch): Promise<void> {
    const file = this.files.get(batch.input_file_id);
    const items: Item[] = [];
    const errors: Array<{ code: string; message: string; line: number | null }> = [];
    const lines = (file?.content.toString('utf8') ?? '').split('\n');
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue;
      const item = await this.item(line, batch.endpoint).catch((error: Error) => error);
      if (item instanceof Error) errors.push({ code: 'invalid_request', message: item.message, line: i + 1 });
      else items.push(item);
    }
    if (file === undefined) errors.push({ code: 'invalid_input_file', message: `No file ${batch.input_file_id}`, line: null });
    if (items.length === 0 && errors.length === 0) errors.push({ code: 'empty_file', message: 'The input file has no requests', line: null });
    if (batch.status !== 'validating') return; // cancelled meanwhile
    if (errors.length > 0) {
      Object.assign(batch, { status: 'failed', failed_at: now(), errors: { object: 'list', data: errors } });
      return;
    }
    batch.request_counts.total = items.length;
    this.after(batch, this.options.batchQueueDelayMs, () => this.run(batch, items));
  }

  private async item(line: string, endpoint: string): Promise<Item> {
    const value = JSON.parse(line) as { custom_id?: unknown; method?: unknown; url?: unknown; body?: unknown };
    if (typeof value.custom_id !== 'string') throw new Error('custom_id: expected a string');
    if (value.method !== 'POST') throw new Error('method: expected POST');
    if (value.url !== endpoint) throw new Error(`url: expected ${endpoint} (the batch's endpoint), got ${JSON.stringify(value.url)}`);
    const kind = endpoint === '/v1/completions' ? 'completion' : 'chat';
    const request = parseGenerationRequest(kind, value.body);
    if (typeof request === 'string') throw new Error(request);
    const promptTokens = 'text' in request.prompt ? await countPromptTokens(request.prompt.text) : request.prompt.tokens;
    const outputTokens = request.maxTokens ?? this.options.defaultMaxTokens ?? Math.max(1, this.options.maxModelLen - promptTokens);
    const failed = this.options.errorRate > 0 && this.rng() < this.options.errorRate;
    return { customId: value.custom_id, kind, model: request.model ?? this.options.servedModelNames[0]!, promptTokens, outputTokens, failed };
  }

  // In progress: items finish at their planned times; then finalizing writes the output file.
  private run(batch: SimBatch, items: Item[]): void {
    Object.assign(batch, { status: 'in_progress', in_progress_at: now() });
    const plan = planBatch(this.options, this.options.maxNumSeqs, items, this.rng);
    items.forEach((item, i) => this.after(batch, plan.finishMs[i] as number, () => void batch.request_counts[item.failed ? 'failed' : 'completed']++));
    this.after(batch, plan.durationMs, () => {
      Object.assign(batch, { status: 'finalizing', finalizing_at: now() });
      this.finish(batch, items);
    });
  }

  private finish(batch: SimBatch, items: Item[]): void {
    const created = now();
    const line = (item: Item, response: object) => JSON.stringify({ id: newId('batch_req'), custom_id: item.customId, response, error: null });
    const ok = items.filter((i) => !i.failed).map((item) => {
      const usage = { prompt_tokens: item.promptTokens, total_tokens: item.promptTokens + item.outputTokens, completion_tokens: item.outputTokens };
      const body = JSON.parse(fullResponse(item.kind, newId(item.kind === 'chat' ? 'chatcmpl' : 'cmpl'), created, item.model, outputText(item.outputTokens), 'length', usage)) as object;
      return line(item, { status_code: 200, request_id: newId('req'), body });
    });
    const bad = items.filter((i) => i.failed).map((item) => line(item, { status_code: 500, request_id: newId('req'), body: JSON.parse(errorBody(500, 'Simulated server error (--error-rate)')) as object }));
    batch.output_file_id = this.addFile(`${batch.id}_output.jsonl`, 'batch_output', Buffer.from(ok.map((l) => `${l}\n`).join(''))).id;
    if (bad.length > 0) batch.error_file_id = this.addFile(`${batch.id}_error.jsonl`, 'batch_output', Buffer.from(bad.map((l) => `${l}\n`).join(''))).id;
    Object.assign(batch, { status: 'completed', completed_at: now() });
    this.#timers.delete(batch.id);
  }
}
