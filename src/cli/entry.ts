// The CLI's entry (the bundle's aibench.js; bin/aibench.js calls main). It loads almost nothing
// itself: an answer the fast path can give from local files (fast-path.ts), else the full
// program (main.ts: commander and the command group named on the command line).
import { ExitCode } from '../errors.js';
import { answerFast } from './fast-path.js';

/**
 * A reader that closed the pipe early (`aibench service ls --json | head -1`) wants no more
 * output: end the process at once, quietly and with 0, as `head` expects (not 141: a pipe that
 * happened to take the whole document already exits 0, so the code would depend on timing).
 * Like SIGPIPE for a C tool, this stops the command where it is.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(ExitCode.OK);
      throw error;
    });
  }
}

/** Run the CLI with process.argv-style arguments; sets process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe();
  const code = await answerFast(argv);
  if (code !== undefined) {
    process.exitCode = code;
    return;
  }
  await (await import('./main.js')).main(argv);
}
