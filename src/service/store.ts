// The service store: one JSON file on the CLIENT (`$XDG_STATE_HOME/aibench/services/services.json`),
// records keyed by service id (the record names its cluster). Kept local because locking a file
// over SSH is not reliable; only endpoint.json lives on the cluster. Every change is a
// read-modify-write under proper-lockfile, written with write-file-atomic (temp + rename), and
// only when the content changed, so `service ls` from cron does not rewrite the file each minute.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { serviceStorePath } from '../config/paths.js';
import { readStateFile } from '../config/state-file.js';
import { LockedError, ServiceError } from '../errors.js';
import type { JobReport } from '../slurm/status-merge.js';
import { changedFields, reconcileRecord } from './reconcile.js';
import { isFinalStatus, ServiceRecordSchema, type ServiceRecord } from './record.js';

const StoreFileSchema = z.strictObject({ version: z.literal(1), services: z.record(z.string(), ServiceRecordSchema) });
type StoreFile = z.infer<typeof StoreFileSchema>;
export type Records = Record<string, ServiceRecord>;

interface StoreOptions {
  /** Default: $XDG_STATE_HOME/aibench/services/services.json. */
  path?: string;
  /** Injected for tests that count writes. */
  write?: (path: string, text: string) => Promise<void>;
  lockRetries?: number;
}

export class ServiceStore {
  readonly path: string;
  /** How many times the file was written by this instance. */
  writes = 0;
  private readonly writeText: (path: string, text: string) => Promise<void>;
  private readonly retries: number;

  constructor(options: StoreOptions = {}) {
    this.path = options.path ?? serviceStorePath();
    // The lock and atomic-write libraries load on the first write: reading (`service models`) needs neither.
    this.writeText = options.write ?? (async (path, text) => (await import('write-file-atomic')).default(path, text, { mode: 0o600 }));
    this.retries = options.lockRetries ?? 50;
  }

  /** Every record, read without the lock (writes are atomic renames, so a read is never torn). */
  async read(): Promise<Records> {
    const file = await readStateFile(this.path, {
      what: 'the service store', schema: StoreFileSchema,
      hint: `Move ${this.path} aside (e.g. to services.json.bad) to start over; aibench never overwrites a store it cannot read. Running services can still be found with \`aibench jobs ls\`.`,
      error: (message, options) => new ServiceError(message, options),
    });
    return file?.services ?? {};
  }

  /** Read, let `change` edit a copy, write it back if anything differs; all under the lock. */
  async update<T>(change: (records: Records) => T | Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    let release: () => Promise<void>;
    const { default: lockfile } = await import('proper-lockfile');
    try {
      release = await lockfile.lock(this.path, {
        realpath: false,
        stale: 10_000,
        retries: { retries: this.retries, minTimeout: 20, maxTimeout: 200, randomize: true },
        // proper-lockfile's default throws from a timer (killing `api serve`) when a held lock was
        // taken over as stale; the write below is atomic either way, so the process carries on.
        onCompromised: () => undefined,
      });
    } catch (error) {
      throw new LockedError(`The service store ${this.path} is locked by another aibench process`, {
        hint: 'Try again in a moment; a lock older than 10 s is taken over automatically.',
        cause: error,
      });
    }
    try {
      const before = await this.read();
      const records: Records = structuredClone(before);
      const result = await change(records);
      if (JSON.stringify(records) !== JSON.stringify(before)) {
        const file: StoreFile = { version: 1, services: records };
        await this.writeText(this.path, `${JSON.stringify(file, null, 2)}\n`);
        this.writes++;
      }
      return result;
    } finally {
      await release();
    }
  }

  /**
   * Merge `patch` into one record, only while it still names job `jobId` and is not final: a
   * record stopped, failed or restarted (new job) meanwhile is left as it is. Returns the merged
   * record, or undefined when nothing was merged. `updated_at` moves only when something changed.
   */
  async patch(id: string, jobId: string, patch: Partial<ServiceRecord>, now: () => Date = () => new Date()): Promise<ServiceRecord | undefined> {
    return this.update((records) => {
      const current = records[id];
      if (current === undefined || current.job_id !== jobId || isFinalStatus(current.status)) return undefined;
      const next = { ...current, ...patch };
      if (JSON.stringify(next) === JSON.stringify(current)) return current;
      records[id] = { ...next, updated_at: now().toISOString() };
      return records[id];
    });
  }

  /**
   * Apply what Slurm said about each record's job. The change is worked out against the record as
   * it is inside the lock, never a copy read before the (slow) Slurm call, so a READY written
   * meanwhile by `service start` is not undone, and a report about a job the record no longer
   * names (restarted under the same id) is dropped. Returns the records that changed.
   */
  async reconcile(reports: ReadonlyArray<{ id: string; jobId: string; report: JobReport | undefined }>, now: () => Date = () => new Date()): Promise<ServiceRecord[]> {
    return this.update((records) => {
      const changed: ServiceRecord[] = [];
      for (const { id, jobId, report } of reports) {
        const current = records[id];
        if (current === undefined || current.job_id !== jobId || isFinalStatus(current.status)) continue;
        const patch = changedFields(current, reconcileRecord(current, report));
        if (Object.keys(patch).length === 0) continue;
        records[id] = { ...current, ...patch, updated_at: now().toISOString() };
        changed.push(records[id]);
      }
      return changed;
    });
  }
}
