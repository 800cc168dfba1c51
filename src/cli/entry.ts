// The CLI's ES module entry (the bundle's aibench.js). bin/aibench.js first asks the CommonJS fast
// path (fast-path.ts, bundled alone as fast.cjs) and calls runFull only when it declines.
import { endQuietlyOnClosedPipe } from './closed-pipe.js';

/** The full program (main.ts: commander and the command group named on the command line); sets process.exitCode. */
export async function runFull(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe();
  await (await import('./main.js')).main(argv);
}
