// Result documents in and out. A document is validated by the zod schema before it is written;
// one that fails is still written, whole, to a rescue file the error names: nothing measured is
// ever thrown away. Regular files are written atomically; devices, pipes and `-` directly.
import { lstat, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';
import { localStateDir } from '../../config/paths.js';
import { BenchError, UsageError } from '../../errors.js';
import { formatZodIssues } from '../../config/zod-error.js';
import { repetitionSummary } from '../../report/repetitions.js';
import { resultFileText, resultText, withoutRunLists } from './result-text.js';
import { parseResultDocument, ResultDocumentSchema, SearchDocumentSchema, SweepDocumentSchema, type ResultDocument, type SearchDocument, type SweepDocument } from './result-schema.js';

export type OutputDocument = ResultDocument | SweepDocument;
/** Any document a result file may hold: a run, a sweep or a search. */
type AnyResultDocument = OutputDocument | SearchDocument;

/** The raw document of runs: one run's own, a sweep wrapping several, or repetitions with their summary. Not validated. */
function assemble(runs: readonly ResultDocument[], repeat?: number): unknown {
  if (runs.length === 1 && repeat === undefined) return runs[0];
  return {
    schema_version: 1, kind: repeat === undefined ? 'sweep' : 'repeat', aibench_version: runs[0]?.aibench_version,
    started_at: runs[0]?.started_at, ended_at: runs[runs.length - 1]?.ended_at,
    ...(repeat === undefined ? {} : { repeat, summary: repeatSummary(runs) }),
    runs,
  };
}

/** Per load level (label), the mean and 95 % CI of each headline metric over the repetitions. */
function repeatSummary(runs: readonly ResultDocument[]): Array<{ label: string; metrics: ReturnType<typeof repetitionSummary> }> {
  const labels = [...new Set(runs.map((r) => r.label ?? 'run'))];
  return labels.map((label) => ({ label, metrics: repetitionSummary(runs.filter((r) => (r.label ?? 'run') === label)) }));
}

/** Where a document that failed validation goes when there is no --out (or --out is not a file). */
export function rescuePath(out?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (out !== undefined && out !== '-' && !out.startsWith('/dev/')) return `${out}.invalid.json`;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(localStateDir(env), 'results', `invalid-${stamp}-${process.pid}.json`);
}

/**
 * The validated document of runs. When validation fails, the raw document (every record) is
 * written to `rescue` first, and the error says where, so the measurement survives the bug.
 */
export async function outputDocument(runs: readonly ResultDocument[], rescue: string, options: { repeat?: number } = {}): Promise<OutputDocument> {
  const raw = assemble(runs, options.repeat);
  const schema = runs.length === 1 && options.repeat === undefined ? ResultDocumentSchema : SweepDocumentSchema;
  return validatedOrRescued(schema, raw, rescue, 'result');
}

/** A search's validated document; one that fails its schema is written whole to `rescue` first, as for runs. */
export function outputSearchDocument(raw: SearchDocument, rescue: string): Promise<SearchDocument> {
  return validatedOrRescued(SearchDocumentSchema, raw, rescue, 'search');
}

// The parsed document, or (a bug) the raw one written to `rescue` and an error that says truly whether it was.
async function validatedOrRescued<S extends z.ZodType>(schema: S, raw: unknown, rescue: string, what: string): Promise<z.output<S>> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = formatZodIssues(parsed.error).slice(0, 5).join('; ');
  try {
    await writeResultFile(rescue, raw);
  } catch (error) {
    throw new BenchError(`The ${what} document failed its own schema (${issues}), and it could not be saved to ${rescue}: ${(error as Error).message}`, { cause: error });
  }
  throw new BenchError(`The ${what} document failed its own schema (${issues}); everything measured was written to ${rescue}`, {
    hint: 'This is a bug in aibench: report it with that file.',
  });
}

/** Write JSON to a path: `-` is stdout; devices, pipes and links are written in place (never renamed over); regular files atomically. */
export async function writeResultFile(path: string, doc: unknown): Promise<void> {
  const text = resultText(doc);
  try {
    if (path === '-') return void (await writeStdout(text));
    const info = await lstat(path).catch(() => undefined);
    if (info !== undefined && !info.isFile()) {
      if (info.isDirectory()) throw new Error('it is a directory');
      return await writeFile(path, text);
    }
    await writeFileAtomic(path, text, { mode: 0o644 });
  } catch (error) {
    throw new BenchError(`Cannot write result ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

/** JSON.parse a result file, without the `omit` run lists when its layout allows it (see withoutRunLists), whole otherwise. */
export function parseResultBytes(bytes: Buffer, omit: readonly string[] = []): unknown {
  const slim = withoutRunLists(bytes, omit);
  if (slim !== undefined) {
    try {
      return JSON.parse(slim);
    } catch {
      // Not what the layout promised: the whole text decides (and its error is the one to show).
    }
  }
  return JSON.parse(resultFileText(bytes));
}

/** Read and validate a result file (UsageError naming the file and every bad key); `omit`: run list fields the caller never reads. */
export async function readResultFile(path: string, options: { omit?: readonly string[] } = {}): Promise<AnyResultDocument> {
  let value: unknown;
  try {
    value = parseResultBytes(await readFile(path), options.omit);
  } catch (error) {
    throw new UsageError(`Cannot read result ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseResultDocument(value, path);
}

/** The API key: from a file that only its owner can read (mode 0600), else OPENAI_API_KEY / VLLM_API_KEY. */
export async function readApiKey(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (file === undefined) return env.OPENAI_API_KEY || env.VLLM_API_KEY || undefined;
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    throw new UsageError(`api-key-file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
  }
  if ((mode & 0o077) !== 0) {
    throw new UsageError(`api-key-file: expected mode 0600 (owner only), got ${(mode & 0o777).toString(8).padStart(4, '0')} for ${file}`, {
      hint: `chmod 600 ${file}`,
    });
  }
  const key = (await readFile(file, 'utf8')).trim();
  if (key === '') throw new UsageError(`api-key-file: expected a key in ${file}, got an empty file`);
  return key;
}
