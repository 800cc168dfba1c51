// Bounds of what a benchmark can ask for: each is what one run can really do on one client host
// (sockets, memory, V8's string size), so a typo such as 1e9 is refused before anything starts.

export const LIMITS = {
  /** `--metadata` entries of one run (tags such as a git sha or a build id). */
  metadataEntries: 64,
  /** In-flight requests of one load level, all client processes together: each holds a socket. */
  concurrency: 100_000,
  /** Requests per second of one load level. */
  rate: 1_000_000,
  /** Requests one run may send (a count stop); durations bound the rest. */
  numRequests: 100_000_000,
  warmup: 1_000_000,
  /** Prompt tokens (about 6 bytes of text each): the longest context served today, 2^20. */
  inputLen: 1_048_576,
  outputLen: 1_048_576,
  /** Load levels in one sweep. */
  sweepSteps: 1_000,
  /** Seconds in-flight requests may run on after the deadline (one day). */
  deadlineGraceS: 86_400,
  /** Client tasks (Slurm) and worker threads of one run. */
  clientTasks: 1_024,
  workers: 256,
  /** Seconds between /metrics scrapes (one an hour at the slowest). */
  scrapeIntervalS: 3_600,
  /** Distinct shared prefixes of a prefix dataset (each is built and held in memory). */
  numPrefixes: 100_000,
  /** Turns one conversation may have, and the longest mean think time between them (one hour). */
  maxTurns: 10_000,
  thinkTimeMs: 3_600_000,
  /** Factor on a trace's arrival times (1e-6 replays a day in under a tenth of a second). */
  timeScale: 1_000_000,
  /** Measured runs one `bench search` may make. */
  searchSteps: 100,
} as const;

/** Memory the prompts of one run may take, in bytes: the pool is cut to fit (see promptPoolSize). */
export const PROMPT_POOL_BYTES = 256 * 1024 * 1024;

/** Bytes of prompt text per token, over-estimated for English-like random words (about 5.5). */
export const BYTES_PER_TOKEN = 8;

/** Distinct prompts a run prepares when nothing else bounds it; longer runs cycle through them. */
export const DEFAULT_PROMPT_POOL = 1000;
