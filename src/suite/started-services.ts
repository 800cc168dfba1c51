// The Slurm services a suite run started, kept in <out>/services.json: an entry is written before
// the job is submitted and again as it is submitted and stopped. A run killed with SIGKILL leaves
// its jobs running; the next run on the same output directory finds them here, and reuses a READY
// one (--resume) or stops it. Entries of another suite sharing the directory are kept untouched.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { formatZodIssues } from '../config/zod-error.js';
import { ConfigError } from '../errors.js';

export const STARTED_SERVICES_FILE = 'services.json';

const EntrySchema = z.strictObject({
  suite: z.string(),
  /** The suite's id for the service (`services[].id`). */
  service: z.string(),
  /** The aibench service id (`aibench service ls`). */
  service_id: z.string(),
  cluster: z.string(),
  /** '' until sbatch answered. */
  job_id: z.string(),
  /** The service's definition; a leftover is reused only when it is unchanged. */
  fingerprint: z.string(),
  state: z.enum(['started', 'stopped']),
  updated_at: z.string(),
});
export type StartedService = z.output<typeof EntrySchema>;
/** What a run writes about one service (the suite and the time are filled in). */
export type StartedEntry = Omit<StartedService, 'suite' | 'updated_at'>;

const FileSchema = z.strictObject({ kind: z.literal('suite-services'), services: z.array(EntrySchema) });

/** The record of one output directory; writes are atomic and one at a time. */
export class StartedServices {
  readonly #path: string;
  readonly #suite: string;
  readonly #entries: StartedService[];
  /** What earlier runs of this suite left 'started', as found when the file was opened. */
  readonly leftovers: readonly StartedService[];
  #writing: Promise<void> = Promise.resolve();

  private constructor(path: string, suite: string, entries: StartedService[]) {
    this.#path = path;
    this.#suite = suite;
    this.#entries = entries;
    this.leftovers = entries.filter((e) => e.suite === suite && e.state === 'started');
  }

  /** Read `<dir>/services.json` (none yet: empty); a file that is not one is a ConfigError naming it. */
  static async open(dir: string, suite: string): Promise<StartedServices> {
    const path = join(dir, STARTED_SERVICES_FILE);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text === undefined) return new StartedServices(path, suite, []);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${path}: expected the suite's record of started services (JSON), got ${(error as Error).message}`, { hint: HINT });
    }
    const parsed = FileSchema.safeParse(value);
    if (!parsed.success) throw new ConfigError(`${path}: ${formatZodIssues(parsed.error).join('; ')}`, { hint: HINT });
    return new StartedServices(path, suite, parsed.data.services);
  }

  /** Add or update the entry of `service_id` (this suite's), then write the file. */
  record(entry: StartedEntry): Promise<void> {
    const next: StartedService = { ...entry, suite: this.#suite, updated_at: new Date().toISOString() };
    const at = this.#entries.findIndex((e) => e.service_id === entry.service_id);
    if (at === -1) this.#entries.push(next);
    else this.#entries[at] = next;
    const body = `${JSON.stringify({ kind: 'suite-services', services: this.#entries }, null, 2)}\n`;
    this.#writing = this.#writing.catch(() => undefined).then(() => writeFileAtomic(this.#path, body));
    return this.#writing;
  }

  /** Mark an entry stopped (its job is gone). */
  stopped(entry: StartedEntry): Promise<void> {
    return this.record({ ...entry, state: 'stopped' });
  }
}

const HINT = 'It lists the services a suite run started; check `aibench service ls` for left-over jobs, then remove the file.';
