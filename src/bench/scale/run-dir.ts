// The files of a scaled-out run, in one directory every client process can reach (a temp dir for
// local workers, the cluster's shared state dir for Slurm tasks). Shares write; the merger and the
// command that follows the run read. Times in these files are epoch milliseconds, a clock every
// host shares, so records of different processes pool into one window.
import { join } from 'node:path';
import type { CutReason, RequestRecord } from '../engine/types.js';
import type { BatchBlock } from '../results/workload-blocks.js';

export const RUN_FILES = {
  spec: 'spec.json',
  /** Written by the follower to stop every share early (Ctrl-C): the shares save what they measured. */
  stop: 'stop',
  result: 'result.json',
  /** The client script's outcome: exit codes of the shares' step and of the merge. */
  status: 'status.json',
  log: 'client.log',
  gpu: 'gpu.txt',
} as const;

export const readyFile = (step: number, share: number): string => `ready-${step}-${share}.json`;
/** A share's measured phase of load level `step` has ended (what the scraping share waits for before its final scrape). */
export const measuredFile = (step: number, share: number): string => `measured-${step}-${share}.json`;
export const progressFile = (share: number): string => `progress-${share}.json`;
export const recordsFile = (share: number): string => `records-${share}.ndjson`;
export const summaryFile = (share: number): string => `share-${share}.json`;
/** The server's /metrics over one load level, scraped by share 0 only (times in epoch ms). */
export const scrapeFile = (step: number): string => `scrape-${step}.json`;
export const runPath = (dir: string, file: string): string => join(dir, file);

/** A share at a barrier: who and where, and when it got there. */
export interface ReadyNote {
  share: number;
  node: string;
  pid: number;
  at: number;
}

/** A share's live counts, rewritten about once a second. */
export interface ProgressNote {
  share: number;
  step: number;
  phase: 'warmup' | 'measure' | 'done';
  sent: number;
  completed: number;
  failed: number;
  inFlight: number;
  /** Epoch ms when the phase began. */
  phaseStart: number;
}

/** What a share measured in one load level (its records are in its records file). */
export interface ShareStepNote {
  step: number;
  window: { startMs: number; endMs: number };
  startedAt: string;
  endedAt: string;
  loop: { p99Ms?: number; maxMs?: number };
  interrupted: boolean;
  /** A batch run's job (api batch; one share). */
  batch?: BatchBlock;
}

/** Written by a share when it ended on its own terms; a share without one died. */
export interface ShareSummary {
  share: number;
  node: string;
  pid: number;
  tokenizer: { kind: 'hf' | 'fallback'; name: string; path?: string; fallback_reason?: string };
  server: { model: string; version?: string; maxModelLen?: number };
  steps: ShareStepNote[];
  /** Set when the share stopped on an error before it measured everything. */
  error?: string;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** One record as one NDJSON line, times moved to epoch ms (+ `epochOffset`) and kept to the microsecond. */
export function encodeRecord(record: RequestRecord, step: number, epochOffset: number): string {
  const start = record.startMs + epochOffset;
  return JSON.stringify({
    t: step, i: record.index, s: round(start), q: round(record.scheduledMs + epochOffset),
    c: record.chunkTimesMs.map((ms) => round(ms + epochOffset - start)), e: round(record.endMs + epochOffset - start),
    ok: record.success ? 1 : 0, ...(record.status === undefined ? {} : { st: record.status }), ...(record.error === undefined ? {} : { err: record.error }),
    p: record.promptTokens, o: record.outputTokens, os: record.outputTokensSource, x: record.expectedOutputTokens,
    ...(record.cutReason === undefined ? {} : { cut: record.cutReason }), ...(record.warmup ? { w: 1 } : {}),
    ...(record.malformedEvents === undefined ? {} : { m: record.malformedEvents }), ...(record.done === undefined ? {} : { d: record.done ? 1 : 0 }),
    ...(record.client === undefined ? {} : { k: record.client }), ...(record.replica === undefined ? {} : { r: record.replica }),
    ...(record.session === undefined ? {} : { ss: record.session, tn: record.turn ?? 0, th: round(record.thinkMs ?? 0) }),
  });
}

interface Line {
  t: number; i: number; s: number; q: number; c: number[]; e: number; ok: 0 | 1; st?: number; err?: string;
  p: number; o: number; os: RequestRecord['outputTokensSource']; x: number; cut?: CutReason; w?: 1; m?: number; d?: 0 | 1; k?: number; r?: string;
  ss?: number; tn?: number; th?: number;
}

/** The records of a records file, by step; a torn last line (the share was killed mid-write) is skipped. */
export function decodeRecords(text: string): Map<number, RequestRecord[]> {
  const byStep = new Map<number, RequestRecord[]>();
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      continue;
    }
    const record: RequestRecord = {
      index: line.i, startMs: line.s, scheduledMs: line.q, chunkTimesMs: line.c.map((d) => line.s + d), endMs: line.s + line.e,
      success: line.ok === 1, promptTokens: line.p, outputTokens: line.o, outputTokensSource: line.os, expectedOutputTokens: line.x,
      ...(line.st === undefined ? {} : { status: line.st }), ...(line.err === undefined ? {} : { error: line.err }),
      ...(line.cut === undefined ? {} : { cut: true, cutReason: line.cut }), ...(line.w ? { warmup: true } : {}),
      ...(line.m === undefined ? {} : { malformedEvents: line.m }), ...(line.d === undefined ? {} : { done: line.d === 1 }),
      ...(line.k === undefined ? {} : { client: line.k }), ...(line.r === undefined ? {} : { replica: line.r }),
      ...(line.ss === undefined ? {} : { session: line.ss, turn: line.tn ?? 0, thinkMs: line.th ?? 0 }),
    };
    const list = byStep.get(line.t) ?? [];
    list.push(record);
    byStep.set(line.t, list);
  }
  return byStep;
}
