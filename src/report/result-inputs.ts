// The result files named on a command line: files are read as given (a bad one is an error, exit 2);
// directories are searched for *.json, and what is not an aibench result there (a suite's
// summary.json, an editor's file) is skipped and counted, as is a result that fails validation.
// vLLM's lists (itls, ttfts, input_lens, output_lens) are not read: report, history and compare
// use requests[], of which those are copies, and parsing them was a third of a big report's time.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseResultBytes, readResultFile } from '../bench/results/result-io.js';
import { VLLM_DETAIL_KEYS } from '../bench/results/result-text.js';
import { parseResultDocument, runsOfDocument, type ResultDocument, type SearchDocument, type SweepDocument } from '../bench/results/result-schema.js';
import { UsageError } from '../errors.js';

/** One run read from a file; `step` is its position when the file is a sweep. */
export interface LoadedRun {
  file: string;
  doc: ResultDocument;
  step?: number;
}

interface LoadedInputs {
  runs: LoadedRun[];
  /** The search documents among them (their steps are in `runs` too). */
  searches: SearchDocument[];
  /** Files in directories that were passed over, and why: not a result at all, or a result that fails validation. */
  skipped: Array<{ path: string; kind: 'other' | 'invalid'; reason: string }>;
}

/** The runs of a run, sweep or search document. */
export function runsOf(doc: ResultDocument | SweepDocument | SearchDocument): ResultDocument[] {
  return runsOfDocument(doc);
}

/** Read every result under the given files and directories, in the order given (directories sorted by name). */
export async function loadResultInputs(paths: readonly string[]): Promise<LoadedInputs> {
  const out: LoadedInputs = { runs: [], searches: [], skipped: [] };
  for (const path of paths) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`${path}: expected a result file or a directory, got ${error.code === 'ENOENT' ? 'nothing there' : error.code}`);
    });
    if (info.isDirectory()) await readDirectory(path, out);
    else pushRuns(out, path, await readResultFile(path, { omit: VLLM_DETAIL_KEYS }));
  }
  return out;
}

function pushRuns(out: LoadedInputs, file: string, doc: ResultDocument | SweepDocument | SearchDocument): void {
  if (doc.kind === 'search') out.searches.push(doc);
  const runs = runsOf(doc);
  runs.forEach((run, i) => out.runs.push(runs.length > 1 ? { file, doc: run, step: i } : { file, doc: run }));
}

async function readDirectory(dir: string, out: LoadedInputs): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await readDirectory(path, out);
    else if (entry.isFile() && entry.name.endsWith('.json')) await readCandidate(path, out);
  }
}

async function readCandidate(path: string, out: LoadedInputs): Promise<void> {
  let value: unknown;
  try {
    value = parseResultBytes(await readFile(path), VLLM_DETAIL_KEYS);
  } catch (error) {
    out.skipped.push({ path, kind: 'other', reason: `not JSON: ${(error as Error).message}` });
    return;
  }
  if (typeof value !== 'object' || value === null || !('schema_version' in value)) {
    out.skipped.push({ path, kind: 'other', reason: 'not an aibench result (no schema_version)' });
    return;
  }
  try {
    pushRuns(out, path, parseResultDocument(value, path));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.skipped.push({ path, kind: 'invalid', reason: error.message });
  }
}

/** Tell what was passed over: invalid results one by one (warnings), other JSON files as a count. */
export function reportSkipped(inputs: LoadedInputs, out: { info(line: string): void; warn(line: string): void }): void {
  for (const s of inputs.skipped) if (s.kind === 'invalid') out.warn(`skipped ${s.path}: ${s.reason}`);
  const other = inputs.skipped.filter((s) => s.kind === 'other').length;
  if (other > 0) out.info(`skipped ${other} JSON file(s) that are not aibench results (e.g. ${inputs.skipped.find((s) => s.kind === 'other')?.path})`);
}

/** Warn about runs that did not measure the whole of what they were asked to: interrupted, or with a client share that died. */
export function warnIncomplete(runs: readonly LoadedRun[], out: { warn(line: string): void }): void {
  for (const { file, doc, step } of runs) {
    const where = `${file}${step === undefined ? '' : ` (step ${step + 1})`}`;
    if (doc.interrupted !== undefined) out.warn(`${where} was interrupted (${doc.interrupted.reason} at ${doc.interrupted.at}): it measured only part of its run, so it is not like for like`);
    const died = doc.client.shares?.filter((s) => s.status === 'died') ?? [];
    if (died.length > 0) out.warn(`${where}: ${died.length} client share(s) died during the run, so its load was lower than asked`);
  }
}

/** Refuse an empty selection with the reason, so a typo'd directory is not a silent "no regressions". */
export function requireRuns(inputs: LoadedInputs, paths: readonly string[]): LoadedRun[] {
  if (inputs.runs.length > 0) return inputs.runs;
  const skipped = inputs.skipped.length === 0 ? '' : ` (${inputs.skipped.length} other JSON file(s) skipped)`;
  throw new UsageError(`Expected aibench result files in ${paths.join(', ')}, found none${skipped}`);
}
