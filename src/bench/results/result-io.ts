// Result documents in and out: validated by the zod schema before any write, written atomically;
// the API key is read from a 0600 file or the environment, never argv.
import { readFile, stat } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { BenchError, UsageError } from '../../errors.js';
import { parseResultDocument, ResultDocumentSchema, SweepDocumentSchema, type ResultDocument, type SweepDocument } from './result-schema.js';

/** One run's document, or a sweep wrapping several (validated; a bug here is a BenchError, not a bad file). */
export function buildOutputDocument(runs: readonly ResultDocument[]): ResultDocument | SweepDocument {
  const parsed =
    runs.length === 1
      ? ResultDocumentSchema.safeParse(runs[0])
      : SweepDocumentSchema.safeParse({
          schema_version: 1,
          kind: 'sweep',
          aibench_version: runs[0]?.aibench_version,
          started_at: runs[0]?.started_at,
          ended_at: runs[runs.length - 1]?.ended_at,
          runs,
        });
  if (!parsed.success) throw new BenchError(`The result document failed its own schema: ${parsed.error.message}`);
  return parsed.data;
}

/** Write a document atomically (temp file + rename), pretty JSON. */
export async function writeResultFile(path: string, doc: ResultDocument | SweepDocument): Promise<void> {
  try {
    await writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o644 });
  } catch (error) {
    throw new BenchError(`Cannot write result ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Read and validate a result file (UsageError naming the file and every bad key). */
export async function readResultFile(path: string): Promise<ResultDocument | SweepDocument> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
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
