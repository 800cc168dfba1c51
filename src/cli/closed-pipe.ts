// What the CLI does when its reader goes away, installed once per process by whichever entry runs
// first (the CommonJS fast path, then the full program).
import { ExitCode } from '../errors.js';

const INSTALLED = Symbol.for('aibench.closed-pipe');

/**
 * A reader that closed the pipe early (`aibench service ls --json | head -1`) wants no more
 * output: end the process at once, quietly and with 0, as `head` expects (not 141: a pipe that
 * happened to take the whole document already exits 0, so the code would depend on timing).
 * Like SIGPIPE for a C tool, this stops the command where it is.
 */
export function endQuietlyOnClosedPipe(): void {
  const flags = process as unknown as Record<symbol, boolean>;
  if (flags[INSTALLED]) return;
  flags[INSTALLED] = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(ExitCode.OK);
      throw error;
    });
  }
}
