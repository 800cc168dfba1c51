// The CLI's ES module entry (the bundle's aibench.js). bin/aibench.js first asks the CommonJS fast
// path (fast-path.ts, bundled alone as fast.cjs) and calls runFull only when it declines; main
// does both, for a caller that imports this bundle directly.
import { endQuietlyOnClosedPipe } from './closed-pipe.js';
import { answerFast } from './fast-path.js';

/** The full program (main.ts: commander and the command group named on the command line); sets process.exitCode. */
export async function runFull(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe();
  await (await import('./main.js')).main(argv);
}

/** Run the CLI with process.argv-style arguments: a fast-path answer when there is one, else the full program. */
export async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe();
  const code = await answerFast(argv);
  if (code !== undefined) process.exitCode = code;
  else await runFull(argv);
}
