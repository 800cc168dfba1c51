// Results of benchmarks started through the control API: `<local state>/results/<benchmark id>.json`,
// the same validated document `bench run --out` writes, listed by `aibench bench results`.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { outputDocument, readResultFile, writeResultFile } from './result-io.js';
import { runsOfDocument, type ResultDocument, type SweepDocument } from './result-schema.js';
import { localStateDir } from '../../config/paths.js';

/** `$XDG_STATE_HOME/aibench/results`. */
export function resultsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(localStateDir(env), 'results');
}

/** The file of one benchmark (ids are checked by the caller: letters, digits, _ . -). */
export function resultPath(dir: string, id: string): string {
  return join(dir, `${id}.json`);
}

/** Validate and write the runs of one benchmark atomically; returns the path. */
export async function saveResult(dir: string, id: string, runs: readonly ResultDocument[]): Promise<{ path: string; doc: ResultDocument | SweepDocument }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = resultPath(dir, id);
  const doc = await outputDocument(runs, `${path.slice(0, -'.json'.length)}.invalid.json`);
  await writeResultFile(path, doc);
  return { path, doc };
}

interface ResultSummary {
  id: string;
  path: string;
  started_at?: string;
  service_id?: string;
  model?: string;
  label?: string;
  duration_s?: number;
  completed?: number;
}

/** Every readable result in `dir`, oldest first; unreadable files are skipped (they are reported by bench compare). */
export async function listResults(dir: string = resultsDir()): Promise<ResultSummary[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: ResultSummary[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const doc = await readResultFile(path).catch(() => undefined);
    if (doc === undefined) continue;
    const run = runsOfDocument(doc)[0];
    out.push({
      id: name.slice(0, -'.json'.length), path, started_at: doc.started_at,
      service_id: run?.provenance.service_id, model: run?.config.target.model, label: run?.label, duration_s: run?.duration_s, completed: run?.completed,
    });
  }
  return out.sort((a, b) => (a.started_at ?? '').localeCompare(b.started_at ?? ''));
}
