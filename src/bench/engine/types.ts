// Shared types of the benchmark engine: what the transport records per request (raw, monotonic
// timestamps and counts) and what the pure metric functions derive from it.

/** One request as the client saw it. Times are milliseconds on the monotonic clock (performance.now()). */
export interface RequestRecord {
  /** Index in the dataset / schedule. */
  index: number;
  /** Monotonic ms just before the request was sent. */
  startMs: number;
  /** Monotonic ms when the schedule wanted it sent (rate mode); equals startMs in closed loop. */
  scheduledMs: number;
  /** Monotonic ms of every chunk that carried content (non-empty choices text/delta), in order. */
  chunkTimesMs: number[];
  /** Monotonic ms when the response ended (last byte / [DONE]). */
  endMs: number;
  success: boolean;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Error text, when success is false. Never contains secrets. */
  error?: string;
  /** Prompt tokens: from server usage when given, else the dataset's count. */
  promptTokens: number;
  /** Output tokens: from server usage when given, else tokenizer count of the text. */
  outputTokens: number;
  /** Where outputTokens came from. */
  outputTokensSource: 'usage' | 'tokenizer' | 'chunks';
  /** Output tokens the dataset asked for (max_tokens). */
  expectedOutputTokens: number;
  /** True if the request was cut before it ended (excluded from stats); cutReason says why. */
  cut?: boolean;
  cutReason?: CutReason;
  /** SSE events whose data was not JSON (skipped); their content is missing from the timings. */
  malformedEvents?: number;
  /** False when a 200 stream ended without its `data: [DONE]` line. */
  done?: boolean;
  /** Which client task / worker sent it (scale-out), when there were several. */
  client?: number;
  /** The replica of a service group it went to (`bench run --service GROUP`). */
  replica?: string;
  /** True if it belongs to the warmup phase (excluded from stats). */
  warmup?: boolean;
  /** Multi-turn: the session (conversation) it belongs to and its turn (0-based) there. */
  session?: number;
  turn?: number;
  /** Multi-turn: the think time (ms) the session waited after the previous reply before sending this turn. */
  thinkMs?: number;
}

/**
 * Why a request was cut: the deadline with --on-deadline cut, still running when the deadline's
 * grace ran out, or the run was interrupted (Ctrl-C, SIGTERM, a cancel).
 */
export type CutReason = 'deadline' | 'grace' | 'interrupted';

/** SLOs for goodput, in milliseconds; a request is good when it meets every SLO given. */
export interface Slo {
  ttftMs?: number;
  tpotMs?: number;
  e2elMs?: number;
}

/** Summary statistics of one latency metric; a field is undefined when there is no sample. */
export interface Distribution {
  count: number;
  mean?: number;
  median?: number;
  std?: number;
  min?: number;
  max?: number;
  /** Keyed by percentile as written, e.g. "90", "99", "99.9". */
  percentiles: Record<string, number | undefined>;
}
