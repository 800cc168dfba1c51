// `jobLogs`: the job's output file through the executor. The Executor has no streaming, so
// --follow polls: each poll reads the bytes past the last offset and the job's state, and stops
// after a final read once the job has ended. Reads run `sh -c` with the path as a positional
// argument ($1), so the path is never parsed as shell text.
import { sleep } from '../common/sleep.js';
import { SlurmError } from '../errors.js';
import type { Executor } from '../exec/types.js';
import { pollBackoff } from './backoff.js';
import { OUTPUT_FILE, jobDir } from './job-layout.js';
import { isTerminal } from './job-state.js';
import type { JobReport } from './status-merge.js';
import { jobStatus } from './status.js';

interface LogsOptions {
  lines: number;
  follow?: boolean;
  signal?: AbortSignal;
  /** Receives output text as it arrives. */
  write: (text: string) => void;
}

// Print the file size, then the last $2 lines of the first <size> bytes: exact offset, no race.
const TAIL_SCRIPT = 's=$(stat -c %s -- "$1") || exit 1; echo "$s"; head -c "$s" -- "$1" | tail -n "$2"';
// Print the file size, then bytes ($2, size]; a shrunk file is read again from the start.
const SINCE_SCRIPT = 's=$(stat -c %s -- "$1") || exit 1; echo "$s"; o=$2; [ "$s" -lt "$o" ] && o=0; tail -c +$((o + 1)) -- "$1" | head -c $((s - o))';

/** Split `size\ntext` from the scripts above. */
function sizeAndText(stdout: string): { size: number; text: string } {
  const nl = stdout.indexOf('\n');
  return { size: Number(stdout.slice(0, nl)), text: stdout.slice(nl + 1) };
}

/** The output path: aibench's layout, else what scontrol says (jobs aibench did not submit). */
async function outputPath(ex: Executor, stateDir: string, id: string): Promise<string | undefined> {
  const ours = `${jobDir(stateDir, id)}/${OUTPUT_FILE}`;
  if ((await ex.run(['test', '-e', ours])).exitCode === 0) return ours;
  const res = await ex.run(['scontrol', 'show', 'job', '-o', id]);
  const match = / StdOut=(.*?)(?= [A-Z][A-Za-z]*=|\s*$)/.exec(res.stdout);
  const path = match?.[1];
  return res.exitCode === 0 && path !== undefined && path.startsWith('/') ? path : undefined;
}

async function readTail(ex: Executor, path: string, lines: number) {
  const res = await ex.run(['sh', '-c', TAIL_SCRIPT, 'sh', path, String(lines)]);
  return res.exitCode === 0 ? sizeAndText(res.stdout) : undefined;
}

async function readSince(ex: Executor, path: string, offset: number) {
  const res = await ex.run(['sh', '-c', SINCE_SCRIPT, 'sh', path, String(offset)]);
  return res.exitCode === 0 ? sizeAndText(res.stdout) : undefined;
}

/** Print the last `lines` lines of a job's output; with follow, keep printing until the job ends. */
export async function jobLogs(ex: Executor, stateDir: string, id: string, options: LogsOptions): Promise<{ path?: string; report?: JobReport }> {
  const backoff = pollBackoff();
  let path = await outputPath(ex, stateDir, id);
  let offset: number | undefined;
  let report: JobReport | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    if (options.follow) [report] = await jobStatus(ex, [id]);
    const ended = report === undefined || report.source === 'none' || isTerminal(report.state);
    path ??= await outputPath(ex, stateDir, id);
    if (path !== undefined) {
      const read = offset === undefined ? await readTail(ex, path, options.lines) : await readSince(ex, path, offset);
      if (read !== undefined) {
        if (read.text !== '') options.write(read.text);
        offset = read.size;
      }
    }
    // The state was read before the file, so after a terminal state this read got everything.
    if (!options.follow || ended) break;
    await sleep(backoff.next(`${report?.state ?? ''}:${offset ?? -1}`), options.signal);
  }
  if (offset === undefined) {
    const where = path ?? `${jobDir(stateDir, id)}/${OUTPUT_FILE}`;
    throw new SlurmError(`No output for job ${id} at ${where}`, {
      code: 'E_SLURM_NO_OUTPUT',
      hint: 'The job may not have started yet (`aibench jobs status ID`), or was not submitted by aibench on this cluster.',
    });
  }
  return { ...(path !== undefined ? { path } : {}), ...(report !== undefined ? { report } : {}) };
}
