// The control API's benchmark journal: `<local state>/api/benchmarks.json`, one entry per benchmark
// (the request as accepted, its status and times, where its result file is; never the result or
// a secret). Rewritten atomically at every status change, so a restart knows what was queued
// (it runs again), what was running when the server died (failed, saying so) and what finished
// (listed, its result read back from its file). One `api serve` per journal: it holds a lock for
// its lifetime, and a second server on the same state dir is refused (exit 4).
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { localStateDir } from '../config/paths.js';
import { readStateFile } from '../config/state-file.js';
import { describeHolder, holdStateLock } from '../config/state-lock.js';
import { AibenchError } from '../errors.js';
import { TIER_NAMES } from '../dispatch/tiers.js';
import type { BenchmarkView } from './control-core.js';
import { BenchmarkRequestSchema } from './validation.js';

/** Finished entries kept (the newest); unfinished ones are always kept. */
const JOURNAL_KEEP_FINISHED = 1000;

const EntrySchema = z.strictObject({
  id: z.string().min(1),
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  tier: z.enum(TIER_NAMES),
  request: BenchmarkRequestSchema,
  created_at: z.string(),
  started_at: z.string().optional(),
  ended_at: z.string().optional(),
  result_path: z.string().optional(),
  error: z.string().optional(),
});
type JournalEntry = z.infer<typeof EntrySchema>;
const FileSchema = z.strictObject({
  version: z.literal(1),
  benchmarks: z.array(EntrySchema),
  /** Tiers an operator paused (`aibench api queue pause`): still held after a restart. */
  paused_tiers: z.array(z.enum(TIER_NAMES)).optional(),
});

/** `$XDG_STATE_HOME/aibench/api/benchmarks.json`. */
function defaultJournalPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(localStateDir(env), 'api', 'benchmarks.json');
}

/** What a view leaves in the journal: no progress, no result document. */
function journalEntry(view: BenchmarkView): JournalEntry {
  const { progress: _progress, result: _result, ...entry } = view;
  return entry;
}

const isFinished = (status: JournalEntry['status']) => status === 'done' || status === 'failed' || status === 'cancelled';

export class BenchmarkJournal {
  #entries = new Map<string, JournalEntry>();
  #paused: Array<(typeof TIER_NAMES)[number]> = [];
  #writing: Promise<void> = Promise.resolve();
  #release: (() => Promise<void>) | undefined;

  private constructor(readonly path: string) {}

  /** Lock the journal for this process and read it (missing: empty). Corrupt: refused, the file left as it is. */
  static async open(path: string = defaultJournalPath()): Promise<BenchmarkJournal> {
    const journal = new BenchmarkJournal(path);
    journal.#release = await holdStateLock(`${path}.owner`, {
      refused: (holder) => `Another aibench api serve uses the benchmark journal ${path} (${describeHolder(holder)})`,
    });
    try {
      const file = await readJournal(path);
      for (const entry of file?.benchmarks ?? []) journal.#entries.set(entry.id, entry);
      journal.#paused = file?.paused_tiers ?? [];
    } catch (error) {
      await journal.close();
      throw error;
    }
    return journal;
  }

  /** Every entry held (read at open, then recorded), in the order they last changed. */
  entries(): JournalEntry[] {
    return [...this.#entries.values()];
  }

  /** The tiers paused when the journal was read or last recorded. */
  pausedTiers(): Array<(typeof TIER_NAMES)[number]> {
    return [...this.#paused];
  }

  /** Record which tiers are paused; resolves once the file holds it. */
  recordPaused(tiers: ReadonlyArray<(typeof TIER_NAMES)[number]>): Promise<void> {
    this.#paused = [...tiers];
    return this.#write();
  }

  /** Record `view` as it is now; resolves once the file holds it. Writes are serialized, in call order. */
  record(view: BenchmarkView): Promise<void> {
    this.#entries.delete(view.id); // re-insert: the map keeps the order the entries last changed in
    this.#entries.set(view.id, journalEntry(view));
    this.#prune();
    return this.#write();
  }

  #write(): Promise<void> {
    const paused = this.#paused.length > 0 ? { paused_tiers: this.#paused } : {};
    const text = `${JSON.stringify({ version: 1, benchmarks: [...this.#entries.values()], ...paused }, null, 1)}\n`;
    // Each write waits for the one before and runs whatever it did: one failed write (a full
    // disk for a moment) must not stop every later one. The caller sees its own write's outcome.
    const write = this.#writing.catch(() => undefined).then(() => writeFileAtomic(this.path, text, { mode: 0o600 }));
    this.#writing = write;
    return write;
  }

  /** Wait for pending writes, then let another server have the journal. */
  async close(): Promise<void> {
    await this.#writing.catch(() => undefined);
    await this.#release?.();
    this.#release = undefined;
  }

  #prune(): void {
    const finished = [...this.#entries.values()].filter((e) => isFinished(e.status));
    for (const old of finished.slice(0, Math.max(0, finished.length - JOURNAL_KEEP_FINISHED))) this.#entries.delete(old.id);
  }
}

async function readJournal(path: string): Promise<z.infer<typeof FileSchema> | undefined> {
  const file = await readStateFile(path, {
    what: 'the benchmark journal', schema: FileSchema,
    hint: `The API server never overwrites a journal it cannot read. Move it aside (mv ${path} ${path}.bad) to start with an empty one; result files are kept either way.`,
    error: (message, options) => new AibenchError(message, { code: 'E_JOURNAL', ...options }),
  });
  return file;
}
