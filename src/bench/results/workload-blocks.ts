// Result blocks of the workloads beyond single prompts: a multi-turn run's sessions and its TTFT by
// turn index (the aggregates stay vLLM's, over every turn), and a batch run's job: queue wait, job
// duration, items and token throughput. Schemas for the document, and pure builders from records.
import { z } from 'zod';
import { requestLatencies } from './metrics.js';
import { percentile } from './percentile.js';
import type { RequestRecord } from '../engine/types.js';

const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative().finite();
const ms = z.number().finite();

/** Per turn index: how many requests, how they went, their prompt size (history included) and TTFT. */
const TurnStatsSchema = z.strictObject({
  turn: count,
  requests: count,
  completed: count,
  mean_prompt_tokens: z.number().nonnegative().optional(),
  mean_ttft_ms: ms.optional(),
  median_ttft_ms: ms.optional(),
  p99_ttft_ms: ms.optional(),
});

export const MultiTurnBlockSchema = z.strictObject({
  /** Sessions that sent at least one measured turn. */
  sessions: count,
  /** Sessions ended early by a failed (or cut) turn. */
  broken_sessions: count,
  /** Mean think time actually drawn between a reply and the next turn. */
  mean_think_time_ms: z.number().nonnegative().optional(),
  turns: z.array(TurnStatsSchema),
});
type MultiTurnBlock = z.output<typeof MultiTurnBlockSchema>;

/** The multi-turn block of a run's records; undefined when no record belongs to a session. */
export function multiTurnBlock(records: readonly RequestRecord[]): MultiTurnBlock | undefined {
  const measured = records.filter((r) => !r.warmup && r.session !== undefined);
  if (measured.length === 0) return undefined;
  const byTurn = new Map<number, RequestRecord[]>();
  for (const r of measured) byTurn.set(r.turn ?? 0, [...(byTurn.get(r.turn ?? 0) ?? []), r]);
  const broken = new Set(measured.filter((r) => !r.success).map((r) => r.session));
  const thinks = measured.filter((r) => (r.thinkMs ?? 0) > 0).map((r) => r.thinkMs as number);
  const turns = [...byTurn.entries()].sort((a, b) => a[0] - b[0]).map(([turn, list]) => {
    const ok = list.filter((r) => r.success);
    const ttfts = ok.flatMap((r) => {
      const t = requestLatencies(r).ttftMs;
      return t === undefined ? [] : [t];
    });
    const mean = (xs: number[]) => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);
    const stats = { mean_prompt_tokens: mean(ok.map((r) => r.promptTokens)), mean_ttft_ms: mean(ttfts), median_ttft_ms: percentile(ttfts, 50), p99_ttft_ms: percentile(ttfts, 99) };
    return { turn, requests: list.length, completed: ok.length, ...Object.fromEntries(Object.entries(stats).filter(([, v]) => v !== undefined)) };
  });
  return {
    sessions: new Set(measured.map((r) => r.session)).size, broken_sessions: broken.size,
    ...(thinks.length === 0 ? {} : { mean_think_time_ms: thinks.reduce((a, b) => a + b, 0) / thinks.length }), turns,
  };
}

/** A batch run's job, as the client saw it (times on its clock, to the poll interval) and as the server stamped it (seconds). */
export const BatchBlockSchema = z.strictObject({
  id: z.string().min(1),
  status: z.string().min(1),
  items: count,
  completed: count,
  failed: count,
  poll_interval_s: z.number().positive(),
  /** Upload of the JSONL file and creation of the batch. */
  upload_s: seconds,
  /** From the batch's creation until a poll first saw it running. */
  queue_wait_s: seconds.optional(),
  /** From the first poll that saw it running until the first that saw it finished. */
  job_duration_s: seconds.optional(),
  /** From the upload's start until the output was downloaded. */
  total_s: seconds,
  /** Output tokens per second of the job's duration. */
  job_output_throughput: z.number().nonnegative().optional(),
  /** The server's own stamps (Unix seconds), when it gave them. */
  server_times: z.strictObject({ created_at: z.number().optional(), in_progress_at: z.number().optional(), completed_at: z.number().optional() }).optional(),
  /** Why the batch failed, as the server said (the first few). */
  errors: z.array(z.string()).optional(),
});
export type BatchBlock = z.output<typeof BatchBlockSchema>;
